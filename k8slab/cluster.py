"""The cluster: builds every component and wires it to the simulation kernel.

This is the only module that knows all the components. It creates the virtual clock,
the seeded random streams, etcd's store, the API server, the controller manager, the
scheduler and one kubelet (with its container runtime) per node, gives each component its
own API client and context, and starts them. From then on they talk only through the API
server, and the kernel decides when each callback runs.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable

from .apiserver.server import APIServer
from .client.client import Client
from .client.context import ComponentContext
from .client.events import EventRecorder
from .controllers.manager import ControllerManager
from .etcd.mvcc import MVCCStore, CompactedError
from .sim.kernel import Kernel, StepRecord
from .sim.rng import RngTree
from .sim.trace import Trace

#: the etcd compaction interval the API server uses (--etcd-compaction-interval=5m)
COMPACTION_INTERVAL = 300.0


class KubectlOutput(str):
    """What ``Cluster.kubectl`` returns: the text, shown as is in a notebook."""

    def __repr__(self) -> str:
        return str(self)


class Cluster:
    """A simulated Kubernetes cluster: control plane plus ``nodes`` workers.

    ``node_cpu``, ``node_memory`` and ``node_pods`` size the default workers (named
    ``node-1`` .. ``node-N``); ``scheduler_config`` is a KubeSchedulerConfiguration (YAML
    text or dict). Nothing runs until ``run()`` or ``step()`` is called.
    """

    def __init__(self, seed: int = 0, nodes: int = 3, *, node_cpu: str = "2", node_memory: str = "4Gi",
                 node_pods: int = 110, scheduler_config: Any = None, trace_limit: int | None = 200_000,
                 controller_options: dict | None = None):
        from .node.kubelet import Kubelet  # noqa: F401  (import errors surface at construction)
        from .scheduler import Scheduler

        if not isinstance(nodes, int) or nodes < 0:
            raise ValueError(f"nodes must be a non-negative integer, got {nodes!r}")
        self.seed = seed
        self.kernel = Kernel()
        self.rng = RngTree(seed)
        self.trace = Trace(limit=trace_limit)
        self.store = MVCCStore()
        self.apiserver = APIServer(self.store, self.kernel, self.rng, self.trace)
        self.apiserver.bootstrap()
        self.client = Client(self.apiserver, "kubectl")
        self.controller_manager = ControllerManager(self._context, controller_options)
        self.scheduler = Scheduler(self._context("default-scheduler"), scheduler_config)
        self.kubelets: dict[str, Any] = {}
        self._node_index = 0
        self._default_node = {"cpu": node_cpu, "memory": node_memory, "pods": node_pods}
        self.controller_manager.start()
        self.scheduler.start()
        for _ in range(nodes):
            self.add_node()
        self._last_compact_rev = self.store.revision
        self.kernel.call_later(COMPACTION_INTERVAL, self._compact, source="kube-apiserver", what="compact etcd")

    # ------------------------------------------------------------------ wiring
    def _context(self, name: str, host: str = "") -> ComponentContext:
        client = Client(self.apiserver, name if not host else f"{name}/{host}")
        kernel = self.kernel

        def call_later(delay: float, fn: Callable, *args: Any, source: str = "", what: str = ""):
            return kernel.call_later(delay, fn, *args, source=source or client.source, what=what)

        component = name
        return ComponentContext(name=client.source, client=client, call_later=call_later,
                                rng=self.rng.stream(client.source), recorder=EventRecorder(client, component, host))

    def _compact(self) -> None:
        """The API server's periodic etcd compaction, to the revision seen one interval ago."""
        rev = self._last_compact_rev
        if rev > self.store.compact_revision:
            try:
                self.store.compact(rev)
            except CompactedError:
                pass
        self._last_compact_rev = self.store.revision
        self.kernel.call_later(COMPACTION_INTERVAL, self._compact, source="kube-apiserver", what="compact etcd")

    # ------------------------------------------------------------------ nodes
    def add_node(self, name: str | None = None, *, cpu: str | None = None, memory: str | None = None,
                 pods: int | None = None, labels: dict | None = None, taints: list | None = None) -> str:
        """Start a worker: a container runtime and a kubelet that registers the Node."""
        from .node.kubelet import Kubelet
        from .node.runtime import ContainerRuntime

        self._node_index += 1
        i = self._node_index
        if name is None:
            name = f"node-{i}"
            while name in self.kubelets:
                self._node_index += 1
                i = self._node_index
                name = f"node-{i}"
        if name in self.kubelets:
            raise ValueError(f'node "{name}" already exists')
        ctx = self._context("kubelet", host=name)
        runtime = ContainerRuntime(name, ctx.call_later, self.rng.stream(f"runtime/{name}"))
        pod_cidr = f"{ipaddress.ip_address('10.244.0.0') + 256 * i}/24"
        internal_ip = str(ipaddress.ip_address("172.18.0.1") + i)
        kubelet = Kubelet(ctx, name, cpu=cpu or self._default_node["cpu"], memory=memory or self._default_node["memory"],
                          pods=pods if pods is not None else self._default_node["pods"], labels=labels, taints=taints,
                          runtime=runtime, pod_cidr=pod_cidr, internal_ip=internal_ip)
        kubelet.start()  # registers the Node; an invalid one raises and nothing is kept
        self.kubelets[name] = kubelet
        return name

    def _kubelet(self, name: str):
        k = self.kubelets.get(name)
        if k is None:
            raise ValueError(f'node "{name}" not found; nodes are: {", ".join(sorted(self.kubelets))}')
        return k

    def fail_node(self, name: str) -> None:
        """The node goes dark: its kubelet stops reporting and its containers are gone."""
        self._kubelet(name).fail()

    def recover_node(self, name: str) -> None:
        """The node comes back: its kubelet re-registers and reconciles its pods."""
        self._kubelet(name).recover()

    # ------------------------------------------------------------------ time
    @property
    def now(self) -> float:
        """Virtual seconds since the cluster started."""
        return self.kernel.now

    def run(self, seconds: float) -> int:
        """Advance ``seconds`` of virtual time, processing every event due; returns how many ran."""
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {seconds}")
        return self.kernel.run_until(self.kernel.now + seconds)

    def step(self) -> StepRecord | None:
        """Process exactly one event and return what it was (None when nothing is scheduled)."""
        return self.kernel.step()

    def run_until(self, predicate: Callable[[], bool], timeout: float = 300.0, poll: float = 1.0) -> bool:
        """Run until ``predicate()`` holds, checking every ``poll`` virtual seconds, at most ``timeout``."""
        end = self.kernel.now + timeout
        while not predicate():
            if self.kernel.now >= end:
                return False
            self.kernel.run_until(min(self.kernel.now + poll, end))
        return True

    # ------------------------------------------------------------------ API conveniences
    def apply(self, manifest: Any, namespace: str | None = None):
        """Apply manifests like ``kubectl apply -f``: YAML text, a path, a dict or a list."""
        from .kubectl import apply_manifest

        return apply_manifest(self.client, manifest, namespace)

    def kubectl(self, command: str, stdin: str | None = None) -> KubectlOutput:
        """The text the real kubectl prints for ``command``; raises KubectlError on failure.

        ``stdin`` feeds ``-f -`` (e.g. ``c.kubectl("apply -f -", stdin=yaml_text)``).
        """
        from . import kubectl as _kubectl

        return KubectlOutput(_kubectl.run(self.client, command, stdin=stdin))

    def get(self, resource: str, name: str, namespace: str | None = "default") -> dict:
        """One object, fresh from the API server."""
        return self.client.get(resource, name, namespace)

    def list(self, resource: str, namespace: str | None = None, **kw: Any) -> list[dict]:
        """Objects of one resource (all namespaces when ``namespace`` is None)."""
        return self.client.list(resource, namespace, **kw)["items"]

    @property
    def nodes(self) -> list[str]:
        return sorted(self.kubelets)
