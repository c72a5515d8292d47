"""PodInfo, NodeInfo, QueuedPodInfo, NodeToStatus, Diagnosis and FitError.

upstream: pkg/scheduler/framework/types.go (v1.32). ``NodeInfo`` keeps the aggregated
requests of the pods on a node (``Requested`` and ``NonZeroRequested``), the host ports in
use, the node's images, and the pods with (anti-)affinity, exactly what the plugins read.
Resources are plain ints: millicores for cpu, bytes (or units) for the rest.
"""

from __future__ import annotations

import sys
from typing import Any, Optional

from ..util import is_scalar_resource_name, pod_requests, quantity_milli, quantity_value, resource_amount
from .interface import Code, Status

#: upstream: NoNodeAvailableMsg
NO_NODE_AVAILABLE_MSG = "0/{} nodes are available"


class AffinityTerm:
    """upstream: framework.AffinityTerm -- a processed v1.PodAffinityTerm."""

    __slots__ = ("namespaces", "selector", "topology_key", "namespace_selector", "ns_selector_raw")

    def __init__(self, namespaces: set, selector: Any, topology_key: str, namespace_selector: Any,
                 ns_selector_raw: dict | None = None):
        self.namespaces = namespaces
        self.selector = selector
        self.topology_key = topology_key
        self.namespace_selector = namespace_selector
        self.ns_selector_raw = ns_selector_raw

    def matches(self, pi: "PodInfo", ns_labels: dict | None) -> bool:
        """The pod is in one of the namespaces (or a selected one) and its labels match."""
        if pi.namespace in self.namespaces or self.namespace_selector.matches(ns_labels or {}):
            return self.selector.matches(pi.labels)
        return False

    def copy(self) -> "AffinityTerm":
        return AffinityTerm(set(self.namespaces), self.selector, self.topology_key, self.namespace_selector,
                            self.ns_selector_raw)


class WeightedAffinityTerm(AffinityTerm):
    __slots__ = ("weight",)

    def __init__(self, term: AffinityTerm, weight: int):
        super().__init__(term.namespaces, term.selector, term.topology_key, term.namespace_selector,
                         term.ns_selector_raw)
        self.weight = weight

    def copy(self) -> "WeightedAffinityTerm":
        return WeightedAffinityTerm(super().copy(), self.weight)


def _terms(pod: dict, raw: list, weighted: bool) -> list:
    from ..selectors import label_selector_or_nothing

    out = []
    for t in raw or ():
        term = (t.get("podAffinityTerm") or {}) if weighted else t
        ns = set(term.get("namespaces") or ())
        if not ns and term.get("namespaceSelector") is None:
            ns = {pod["metadata"].get("namespace", "default")}
        at = AffinityTerm(ns, label_selector_or_nothing(term.get("labelSelector")), term.get("topologyKey", ""),
                          label_selector_or_nothing(term.get("namespaceSelector")), term.get("namespaceSelector"))
        out.append(WeightedAffinityTerm(at, int(t.get("weight") or 0)) if weighted else at)
    return out


class PodInfo:
    """upstream: framework.PodInfo -- a pod plus everything the scheduler precomputes about it."""

    __slots__ = ("pod", "uid", "name", "namespace", "key", "labels", "node_name", "priority", "terminating",
                 "scheduler_name", "milli_cpu", "memory", "ephemeral", "scalar", "nz_cpu", "nz_mem", "host_ports",
                 "tolerations", "required_affinity_terms", "required_anti_affinity_terms",
                 "preferred_affinity_terms", "preferred_anti_affinity_terms", "parse_error", "label_key")

    def __init__(self, pod: dict):
        md = pod.get("metadata") or {}
        spec = pod.get("spec") or {}
        self.pod = pod
        self.uid = md.get("uid") or ""
        self.name = md.get("name", "")
        self.namespace = md.get("namespace") or "default"
        self.key = f"{self.namespace}/{self.name}"
        self.labels = md.get("labels") or {}
        self.node_name = spec.get("nodeName") or ""
        p = spec.get("priority")
        self.priority = p if isinstance(p, int) and not isinstance(p, bool) else 0
        self.terminating = bool(md.get("deletionTimestamp"))
        self.scheduler_name = spec.get("schedulerName") or "default-scheduler"
        reqs = pod_requests(spec)
        self.milli_cpu = quantity_milli(reqs["cpu"]) if "cpu" in reqs else 0
        self.memory = quantity_value(reqs["memory"]) if "memory" in reqs else 0
        self.ephemeral = quantity_value(reqs["ephemeral-storage"]) if "ephemeral-storage" in reqs else 0
        self.scalar = {k: resource_amount(k, v) for k, v in reqs.items() if is_scalar_resource_name(k)}
        nz = pod_requests(spec, non_missing=True)
        self.nz_cpu = quantity_milli(nz.get("cpu", 0))
        self.nz_mem = quantity_value(nz.get("memory", 0))
        ports = []
        for c in spec.get("containers") or ():
            for port in c.get("ports") or ():
                hp = port.get("hostPort") or 0
                if hp > 0:
                    ports.append((port.get("hostIP") or "0.0.0.0", port.get("protocol") or "TCP", hp))
        self.host_ports = ports
        self.tolerations = spec.get("tolerations") or []
        self.label_key = (self.namespace, frozenset(self.labels.items()))
        self.required_affinity_terms = self.required_anti_affinity_terms = ()
        self.preferred_affinity_terms = self.preferred_anti_affinity_terms = ()
        self.parse_error = None
        aff = spec.get("affinity") or {}
        pa, paa = aff.get("podAffinity") or {}, aff.get("podAntiAffinity") or {}
        if pa or paa:
            try:
                self.required_affinity_terms = _terms(pod, pa.get("requiredDuringSchedulingIgnoredDuringExecution"), False)
                self.required_anti_affinity_terms = _terms(
                    pod, paa.get("requiredDuringSchedulingIgnoredDuringExecution"), False)
                self.preferred_affinity_terms = _terms(pod, pa.get("preferredDuringSchedulingIgnoredDuringExecution"), True)
                self.preferred_anti_affinity_terms = _terms(
                    pod, paa.get("preferredDuringSchedulingIgnoredDuringExecution"), True)
            except ValueError as e:  # upstream: the parse error is reported when the pod is scheduled
                self.parse_error = str(e)

    @property
    def has_affinity(self) -> bool:
        return bool(self.required_affinity_terms or self.required_anti_affinity_terms
                    or self.preferred_affinity_terms or self.preferred_anti_affinity_terms)

    def __repr__(self) -> str:
        return f"PodInfo({self.key})"


class QueuedPodInfo:
    """upstream: framework.QueuedPodInfo -- a pod in the scheduling queue."""

    __slots__ = ("pod_info", "timestamp", "attempts", "initial_attempt_timestamp", "unschedulable_plugins",
                 "pending_plugins", "gated", "seq")

    def __init__(self, pod_info: PodInfo, now: float, seq: int):
        self.pod_info = pod_info
        self.timestamp = now
        self.attempts = 0
        self.initial_attempt_timestamp: Optional[float] = None
        self.unschedulable_plugins: set[str] = set()
        self.pending_plugins: set[str] = set()
        self.gated = False
        self.seq = seq

    @property
    def pod(self) -> dict:
        return self.pod_info.pod


class NodeInfo:
    """upstream: framework.NodeInfo -- a node and the aggregate of the pods on it."""

    __slots__ = ("node", "name", "labels", "taints", "unschedulable", "alloc_cpu", "alloc_mem", "alloc_eph",
                 "alloc_pods", "alloc_scalar", "req_cpu", "req_mem", "req_eph", "req_scalar", "nz_cpu", "nz_mem",
                 "pods", "used_ports", "image_sizes", "label_counts", "pods_with_affinity",
                 "pods_with_required_anti_affinity", "generation")

    def __init__(self, node: dict | None = None):
        self.node = None
        self.name = ""
        self.labels: dict = {}
        self.taints: list = []
        self.unschedulable = False
        self.alloc_cpu = self.alloc_mem = self.alloc_eph = self.alloc_pods = 0
        self.alloc_scalar: dict[str, int] = {}
        self.req_cpu = self.req_mem = self.req_eph = 0
        self.req_scalar: dict[str, int] = {}
        self.nz_cpu = self.nz_mem = 0
        self.pods: dict[str, PodInfo] = {}
        self.used_ports: dict[tuple, int] = {}
        self.image_sizes: dict[str, int] = {}
        self.label_counts: dict[tuple, int] = {}
        self.pods_with_affinity: dict[str, PodInfo] = {}
        self.pods_with_required_anti_affinity: dict[str, PodInfo] = {}
        self.generation = 0
        if node is not None:
            self.set_node(node)

    # ---------------------------------------------------------------- node
    def set_node(self, node: dict) -> None:
        """upstream: NodeInfo.SetNode -- allocatable, labels, taints, images."""
        md = node.get("metadata") or {}
        spec = node.get("spec") or {}
        status = node.get("status") or {}
        self.node = node
        self.name = md.get("name", "")
        self.labels = md.get("labels") or {}
        self.taints = spec.get("taints") or []
        self.unschedulable = bool(spec.get("unschedulable"))
        alloc = status.get("allocatable") or {}
        self.alloc_cpu = self.alloc_mem = self.alloc_eph = self.alloc_pods = 0
        self.alloc_scalar = {}
        for k, q in alloc.items():
            if k == "cpu":
                self.alloc_cpu = quantity_milli(q)
            elif k == "memory":
                self.alloc_mem = quantity_value(q)
            elif k == "pods":
                self.alloc_pods = quantity_value(q)
            elif k == "ephemeral-storage":
                self.alloc_eph = quantity_value(q)
            elif is_scalar_resource_name(k):
                self.alloc_scalar[k] = quantity_value(q)
        sizes = {}
        for img in status.get("images") or ():
            for n in img.get("names") or ():
                sizes[n] = img.get("sizeBytes") or 0
        self.image_sizes = sizes
        self.generation += 1

    # ---------------------------------------------------------------- pods
    def add_pod(self, pi: PodInfo) -> None:
        """upstream: NodeInfo.AddPodInfo."""
        self.pods[pi.uid] = pi
        self._update(pi, 1)
        if pi.has_affinity:
            self.pods_with_affinity[pi.uid] = pi
        if pi.required_anti_affinity_terms:
            self.pods_with_required_anti_affinity[pi.uid] = pi
        self.generation += 1

    def remove_pod(self, uid: str) -> PodInfo | None:
        """upstream: NodeInfo.RemovePod -- by uid; returns what was removed."""
        pi = self.pods.pop(uid, None)
        if pi is None:
            return None
        self._update(pi, -1)
        self.pods_with_affinity.pop(uid, None)
        self.pods_with_required_anti_affinity.pop(uid, None)
        self.generation += 1
        return pi

    def _update(self, pi: PodInfo, sign: int) -> None:
        self.req_cpu += sign * pi.milli_cpu
        self.req_mem += sign * pi.memory
        self.req_eph += sign * pi.ephemeral
        for k, v in pi.scalar.items():
            self.req_scalar[k] = self.req_scalar.get(k, 0) + sign * v
        self.nz_cpu += sign * pi.nz_cpu
        self.nz_mem += sign * pi.nz_mem
        for p in pi.host_ports:
            n = self.used_ports.get(p, 0) + sign
            if n > 0:
                self.used_ports[p] = n
            else:
                self.used_ports.pop(p, None)
        if not pi.terminating:
            n = self.label_counts.get(pi.label_key, 0) + sign
            if n > 0:
                self.label_counts[pi.label_key] = n
            else:
                self.label_counts.pop(pi.label_key, None)

    def clone(self) -> "NodeInfo":
        """upstream: NodeInfo.Snapshot -- an independent copy (used by preemption's dry runs)."""
        c = NodeInfo.__new__(NodeInfo)
        for s in NodeInfo.__slots__:
            v = getattr(self, s)
            setattr(c, s, dict(v) if isinstance(v, dict) and s not in ("labels", "image_sizes") else v)
        return c

    def __repr__(self) -> str:
        return f"NodeInfo({self.name}, pods={len(self.pods)}, cpu={self.req_cpu}/{self.alloc_cpu}m)"


# ---------------------------------------------------------------- diagnosis

class NodeToStatus:
    """upstream: framework.NodeToStatus -- statuses of the nodes that were rejected, and one
    status for nodes not in the map (``absent``)."""

    def __init__(self, absent: Status | None = None):
        self.statuses: dict[str, Status] = {}
        self.absent = absent if absent is not None else Status(Code.UnschedulableAndUnresolvable)

    def set(self, name: str, st: Status) -> None:
        self.statuses[name] = st

    def get(self, name: str) -> Status:
        return self.statuses.get(name, self.absent)

    def __len__(self) -> int:
        return len(self.statuses)

    def set_absent(self, st: Status) -> None:
        self.absent = st

    def nodes_for_status_code(self, node_infos: list[NodeInfo], code: Code) -> list[NodeInfo]:
        """upstream: NodesForStatusCode (in the snapshot's node order, for determinism)."""
        if self.absent.code == code:
            return [n for n in node_infos if n.name not in self.statuses or self.statuses[n.name].code == code]
        return [n for n in node_infos if n.name in self.statuses and self.statuses[n.name].code == code]


class Diagnosis:
    """upstream: framework.Diagnosis."""

    def __init__(self) -> None:
        self.node_to_status = NodeToStatus()
        self.unschedulable_plugins: set[str] = set()
        self.pending_plugins: set[str] = set()
        self.pre_filter_msg = ""
        self.post_filter_msg = ""

    def add_plugin_status(self, st: Status) -> None:
        if not st.plugin:
            return
        if st.is_rejected():
            self.unschedulable_plugins.add(st.plugin)
        if st.code == Code.Pending:
            self.pending_plugins.add(st.plugin)


class FitError(Exception):
    """upstream: framework.FitError -- why a pod fits no node."""

    def __init__(self, pod_info: PodInfo, num_all_nodes: int, diagnosis: Diagnosis):
        super().__init__()
        self.pod_info = pod_info
        self.num_all_nodes = num_all_nodes
        self.diagnosis = diagnosis

    def __str__(self) -> str:
        return self.error()

    def error(self) -> str:
        """upstream: FitError.Error() -- "0/X nodes are available: <PreFilterMsg>. <FilterMsg>. <PostFilterMsg>"."""
        d = self.diagnosis
        msg = NO_NODE_AVAILABLE_MSG.format(self.num_all_nodes) + ":"
        if d.pre_filter_msg:
            msg += f" {d.pre_filter_msg}."
        else:
            reasons: dict[str, int] = {}
            for st in d.node_to_status.statuses.values():
                for r in st.reasons:
                    reasons[r] = reasons.get(r, 0) + 1
            absent = self.num_all_nodes - len(d.node_to_status)
            if absent > 0:
                for r in d.node_to_status.absent.reasons:
                    reasons[r] = reasons.get(r, 0) + absent
            hist = sorted(f"{v} {k}" for k, v in reasons.items())  # Go's sort.Strings: bytewise
            if hist:
                msg += " " + ", ".join(hist) + "."
        if d.post_filter_msg:
            msg += f" {d.post_filter_msg}"
        return msg


#: upstream: scheduler's ErrNoNodesAvailable
ERR_NO_NODES_AVAILABLE = "no nodes available to schedule pods"

MAX_INT = sys.maxsize
