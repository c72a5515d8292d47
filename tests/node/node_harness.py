"""A small cluster of API server + kubelets (no scheduler, no controllers) for the node tests.

Built the way ``k8slab.cluster`` wires components (one ComponentContext per kubelet), so
the kubelet under test sees exactly what it sees in a full cluster.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable

from k8slab.apiserver import APIServer
from k8slab.client import Client, ComponentContext, EventRecorder
from k8slab.etcd import MVCCStore
from k8slab.node import ContainerRuntime, Kubelet
from k8slab.sim import Kernel, RngTree, Trace


class Harness:
    def __init__(self, seed: int = 0, nodes: int | list[str] = 1, start: bool = True, **node_kw: Any):
        self.kernel = Kernel()
        self.rng = RngTree(seed)
        self.trace = Trace()
        self.store = MVCCStore()
        self.server = APIServer(self.store, self.kernel, self.rng, self.trace)
        self.server.bootstrap()
        self.client = Client(self.server, "kubectl")
        self.kubelets: dict[str, Kubelet] = {}
        self._i = 0
        names = nodes if isinstance(nodes, list) else [f"node-{i}" for i in range(1, nodes + 1)]
        for n in names:
            self.add_node(n, start=start, **node_kw)

    def context(self, name: str, host: str = "") -> ComponentContext:
        client = Client(self.server, name if not host else f"{name}/{host}")
        kernel = self.kernel

        def call_later(delay: float, fn: Callable, *args: Any, source: str = "", what: str = ""):
            return kernel.call_later(delay, fn, *args, source=source or client.source, what=what)

        return ComponentContext(name=client.source, client=client, call_later=call_later,
                                rng=self.rng.stream(client.source), recorder=EventRecorder(client, name, host))

    def add_node(self, name: str, start: bool = True, **kw: Any) -> Kubelet:
        self._i += 1
        i = self._i
        ctx = self.context("kubelet", host=name)
        runtime = ContainerRuntime(name, ctx.call_later, self.rng.stream(f"runtime/{name}"))
        cidr = f"{ipaddress.ip_address('10.244.0.0') + 256 * i}/24"
        k = Kubelet(ctx, name, runtime=runtime, pod_cidr=cidr,
                    internal_ip=str(ipaddress.ip_address("172.18.0.1") + i), **kw)
        self.kubelets[name] = k
        if start:
            k.start()
        return k

    # ------------------------------------------------------------------ time
    @property
    def now(self) -> float:
        return self.kernel.now

    def run(self, seconds: float) -> None:
        self.kernel.run_until(self.kernel.now + seconds)

    def run_until(self, pred: Callable[[], bool], timeout: float = 300.0, step: float = 0.1) -> bool:
        end = self.kernel.now + timeout
        while not pred():
            if self.kernel.now >= end:
                return False
            self.kernel.run_until(min(self.kernel.now + step, end))
        return True

    # ------------------------------------------------------------------ objects
    def pod(self, name: str, image: str = "nginx:1.14.2", node: str | None = "node-1", bind: bool = True,
            namespace: str = "default", container: str | None = None, **spec: Any) -> dict:
        """Create a pod; with ``bind`` it is bound to ``node`` as the scheduler would (PodScheduled True)."""
        c: dict[str, Any] = {"name": container or name.split("-")[0], "image": image}
        for k in ("command", "args", "imagePullPolicy", "resources", "readinessProbe", "startupProbe", "stdin",
                  "volumeMounts"):
            if k in spec:
                c[k] = spec.pop(k)
        body = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace},
                "spec": {"containers": [c], **spec}}
        if node is not None and not bind:
            body["spec"]["nodeName"] = node
        p = self.client.create("pods", body)
        if node is not None and bind:
            self.client.bind(p, node)
        return self.get_pod(name, namespace)

    def get_pod(self, name: str, namespace: str = "default") -> dict | None:
        from k8slab.api.errors import ApiError

        try:
            return self.client.get("pods", name, namespace)
        except ApiError as e:
            if e.code == 404:
                return None
            raise

    def phase(self, name: str) -> str | None:
        p = self.get_pod(name)
        return None if p is None else p["status"].get("phase")

    def events(self, name: str | None = None, namespace: str = "default") -> list[dict]:
        evs = self.client.list("events", namespace)["items"]
        if name is not None:
            evs = [e for e in evs if e["involvedObject"]["name"] == name]
        return sorted(evs, key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))

    def event_lines(self, name: str | None = None) -> list[tuple[str, str, str]]:
        return [(e["type"], e["reason"], e["message"]) for e in self.events(name)]
