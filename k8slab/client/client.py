"""The API client every component uses: typed-by-resource calls into the API server.

upstream: staging/src/k8s.io/client-go (the dynamic client's shape: resource, namespace,
verb). Components hold a :class:`Client`, never the API server itself; the client names
its caller so the trace shows who called.
"""

from __future__ import annotations

from typing import Any, Callable

from ..apiserver.server import APIServer, WatchHandle


class Client:
    """An API client bound to one caller (``source``), e.g. ``kube-scheduler`` or ``kubelet/node-1``."""

    def __init__(self, server: APIServer, source: str):
        self._server = server
        self.source = source

    @property
    def now(self) -> float:
        """The virtual time (components read time from here, never the wall clock)."""
        return self._server.kernel.now

    def create(self, resource: str, obj: dict, namespace: str | None = None, **kw: Any) -> dict:
        ns = namespace if namespace is not None else obj.get("metadata", {}).get("namespace")
        return self._server.create(resource, ns, obj, source=self.source, **kw)

    def get(self, resource: str, name: str, namespace: str | None = None) -> dict:
        return self._server.get(resource, namespace, name, source=self.source)

    def list(self, resource: str, namespace: str | None = None, **kw: Any) -> dict:
        return self._server.list(resource, namespace, source=self.source, **kw)

    def update(self, resource: str, obj: dict, **kw: Any) -> dict:
        return self._server.update(resource, obj.get("metadata", {}).get("namespace"), obj, source=self.source, **kw)

    def update_status(self, resource: str, obj: dict) -> dict:
        return self._server.update(resource, obj.get("metadata", {}).get("namespace"), obj, subresource="status",
                                   source=self.source)

    def patch(self, resource: str, name: str, patch: Any, namespace: str | None = None, patch_type: str = "merge",
              **kw: Any) -> dict:
        return self._server.patch(resource, namespace, name, patch, patch_type, source=self.source, **kw)

    def delete(self, resource: str, name: str, namespace: str | None = None, **kw: Any) -> dict:
        return self._server.delete(resource, namespace, name, source=self.source, **kw)

    def watch(self, resource: str, handler: Callable[[str, dict], None], namespace: str | None = None,
              **kw: Any) -> WatchHandle:
        return self._server.watch(resource, namespace, handler, source=self.source, **kw)

    def bind(self, pod: dict, node_name: str) -> dict:
        md = pod["metadata"]
        binding = {"apiVersion": "v1", "kind": "Binding",
                   "metadata": {"name": md["name"], "namespace": md["namespace"], "uid": md.get("uid")},
                   "target": {"apiVersion": "v1", "kind": "Node", "name": node_name}}
        return self._server.bind(md["namespace"], md["name"], binding, source=self.source)

    def get_scale(self, resource: str, name: str, namespace: str) -> dict:
        return self._server.get_scale(resource, namespace, name, source=self.source)

    def update_scale(self, resource: str, name: str, namespace: str, replicas: int) -> dict:
        return self._server.update_scale(resource, namespace, name, replicas, source=self.source)

    def get_aggregated(self, group_version: str, resource: str, namespace: str | None = None, name: str | None = None,
                       **kw: Any) -> dict:
        """GET an aggregated API (``metrics.k8s.io/v1beta1``): the API server proxies it to the APIService."""
        return self._server.get_aggregated(group_version, resource, namespace, name, source=self.source, **kw)

    def node_stats(self, node_name: str) -> dict:
        """GET nodes/<node>/proxy/metrics/resource: the kubelet's resource usage, through the API server."""
        return self._server.node_stats(node_name, source=self.source)

    def create_token(self, service_account: str, namespace: str, body: dict | None = None) -> dict:
        """POST serviceaccounts/<name>/token (TokenRequest): ``status.token`` holds the token."""
        return self._server.create_token(namespace, service_account, body, source=self.source)

    def pod_logs(self, name: str, namespace: str, **kw: Any) -> str:
        """GET pods/<name>/log (the API server reads it from the node's kubelet)."""
        return self._server.pod_logs(namespace, name, source=self.source, **kw)

    def pod_exec(self, name: str, namespace: str, argv: list[str], **kw: Any) -> tuple[int, str]:
        """POST pods/<name>/exec: (exit code, output) of ``argv`` run in the container."""
        return self._server.pod_exec(namespace, name, argv, source=self.source, **kw)

    def evict(self, name: str, namespace: str, delete_options: dict | None = None) -> dict:
        """POST pods/<name>/eviction (policy/v1 Eviction): honours PodDisruptionBudgets; 429 when one forbids it."""
        return self._server.evict(namespace, name, source=self.source, delete_options=delete_options)
