"""Builders for scheduler tests: nodes and pods like upstream's st.MakeNode()/st.MakePod(),
a snapshot (the cache) from them, and a small control plane running only the scheduler."""

from __future__ import annotations

import itertools

from k8slab.api.errors import ApiError
from k8slab.apiserver import APIServer
from k8slab.client import Client, ComponentContext, EventRecorder
from k8slab.etcd import MVCCStore
from k8slab.scheduler import Scheduler
from k8slab.scheduler.cache import Cache
from k8slab.scheduler.framework import CycleState, PodInfo
from k8slab.sim import Kernel, RngTree, Trace

_uid = itertools.count(1)


def node(name: str, capacity: dict | None = None, labels: dict | None = None, taints: list | None = None,
         unschedulable: bool = False, images: list | None = None) -> dict:
    """st.MakeNode().Name(name).Capacity(capacity): capacity and allocatable are the same."""
    n = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": dict(labels or {})},
         "spec": {}, "status": {"capacity": dict(capacity or {}), "allocatable": dict(capacity or {})}}
    if taints:
        n["spec"]["taints"] = taints
    if unschedulable:
        n["spec"]["unschedulable"] = True
    if images:
        n["status"]["images"] = images
    return n


def make_node(name: str, milli_cpu: int, memory: int, extended: dict | None = None, pods: int | None = None) -> dict:
    """noderesources test_util.go makeNode(node, milliCPU, memory, extendedResource)."""
    cap = {k: str(v) for k, v in (extended or {}).items()}
    cap["cpu"] = f"{milli_cpu}m"
    cap["memory"] = str(memory)
    if pods is not None:
        cap["pods"] = str(pods)
    return node(name, cap)


def pod(name: str | None = None, *reqs: dict, node_name: str = "", namespace: str = "default",
        labels: dict | None = None, init: list | None = None, containers: int = 0, **spec) -> dict:
    """st.MakePod().Req(r1).Req(r2)...: one container per request map (plus ``containers``
    containers without requests); ``init`` is a list of init-container request maps."""
    uid = f"uid-{next(_uid)}"
    cs = [{"name": f"c{i}", "image": "pause", "resources": {"requests": {k: str(v) for k, v in r.items()}}}
          for i, r in enumerate(reqs)]
    cs += [{"name": f"x{i}", "image": "pause"} for i in range(containers)]
    p = {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": name or uid, "namespace": namespace, "uid": uid, "labels": dict(labels or {})},
         "spec": {"containers": cs, **spec}, "status": {}}
    if init:
        p["spec"]["initContainers"] = [{"name": f"i{i}", "image": "pause",
                                        "resources": {"requests": {k: str(v) for k, v in r.items()}}}
                                       for i, r in enumerate(init)]
    if node_name:
        p["spec"]["nodeName"] = node_name
    return p


def snapshot(nodes: list[dict], pods: list[dict] = ()) -> Cache:
    """cache.NewSnapshot(pods, nodes)."""
    c = Cache()
    for n in nodes:
        c.add_node(n)
    for p in pods:
        if p["spec"].get("nodeName"):
            c.add_pod(PodInfo(p))
    return c


class FakeHandle:
    """A framework handle over a snapshot (for plugin unit tests)."""

    def __init__(self, cache: Cache, rs: dict | None = None):
        self.snapshot = cache
        self._rs = rs or {}
        self.framework = None
        self.nominator = None

    def rs_lister(self, ns: str, name: str):
        return self._rs.get(f"{ns}/{name}")

    def namespace_labels(self, ns: str):
        return {"kubernetes.io/metadata.name": ns}

    def namespaces(self):
        return []


def score_nodes(plugin, p: dict, cache: Cache, run_pre_score: bool = True, normalize: bool = True) -> dict:
    """PreScore, Score every node, NormalizeScore: {node: score}."""
    from k8slab.scheduler.framework import NodeScore

    pi = PodInfo(p)
    state = CycleState()
    nodes = cache.list()
    if run_pre_score and hasattr(plugin, "pre_score"):
        st = plugin.pre_score(state, pi, nodes)
        assert st is None or st.is_success(), st
    out = [NodeScore(n.name, plugin.score(state, pi, n)) for n in nodes]
    if normalize and hasattr(plugin, "normalize_score"):
        plugin.normalize_score(state, pi, out)
    return {s.name: s.score for s in out}


class SchedPlane:
    """API server + the scheduler (no controllers, no kubelets)."""

    def __init__(self, seed: int = 0, config=None, nodes: list[dict] = (), registry: dict | None = None):
        self.kernel = Kernel()
        self.rng = RngTree(seed)
        self.server = APIServer(MVCCStore(), self.kernel, self.rng, Trace())
        self.server.bootstrap()
        self.client = Client(self.server, "test")
        for n in nodes:
            self.client.create("nodes", n)
        self.scheduler = Scheduler(self.ctx("default-scheduler"), config, registry)
        self.scheduler.start()

    def ctx(self, name: str) -> ComponentContext:
        c = Client(self.server, name)
        return ComponentContext(name, c,
                                lambda d, fn, *a, source="", what="": self.kernel.call_later(d, fn, *a,
                                                                                             source=source or name,
                                                                                             what=what),
                                self.rng.stream(name), EventRecorder(c, name))

    def run(self, seconds: float) -> None:
        self.kernel.run_until(self.kernel.now + seconds)

    def create_pod(self, p: dict) -> dict:
        p = dict(p)
        p["metadata"] = {k: v for k, v in p["metadata"].items() if k != "uid"}
        p.pop("status", None)
        spec = p.get("spec") or {}
        prio, policy = spec.get("priority"), spec.get("preemptionPolicy")
        if (prio is not None or policy == "Never") and not spec.get("priorityClassName"):
            # the Priority admission plugin forbids a bare spec.priority / preemptionPolicy: name a
            # PriorityClass that carries them
            p["spec"] = {k: v for k, v in spec.items() if k not in ("priority", "preemptionPolicy")}
            p["spec"]["priorityClassName"] = self.priority_class(prio or 0, policy or "PreemptLowerPriority")
        return self.client.create("pods", p)

    def priority_class(self, value: int, policy: str = "PreemptLowerPriority") -> str:
        """The name of a PriorityClass of ``value`` and ``policy`` (created on first use)."""
        name = f"priority-minus-{-value}" if value < 0 else f"priority-{value}"
        if policy == "Never":
            name += "-never"
        try:
            self.client.get("priorityclasses", name)
        except ApiError:
            self.client.create("priorityclasses", {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                                                   "metadata": {"name": name}, "value": value,
                                                   "preemptionPolicy": policy})
        return name

    def pods(self, ns: str = "default") -> dict[str, dict]:
        return {p["metadata"]["name"]: p for p in self.client.list("pods", ns)["items"]}

    def events(self, ns: str = "default") -> list[dict]:
        return self.client.list("events", ns)["items"]
