"""Cluster autoscaler: node groups that grow for unschedulable pods and shrink when underused.

upstream: kubernetes/autoscaler cluster-autoscaler (core/static_autoscaler.go ``RunOnce``;
core/scaleup: pods with PodScheduled=False/Unschedulable that would fit a node built from a
group's template trigger a scale-up, binpacking estimator ``estimator/binpacking_estimator.go``;
core/scaledown: a node whose requested CPU and memory are both below
``--scale-down-utilization-threshold=0.5`` and whose pods can move elsewhere is *unneeded*;
after ``--scale-down-unneeded-time=10m`` it is drained (taint ``ToBeDeletedByClusterAutoscaler``,
pods evicted) and deleted; ``--scale-down-delay-after-add=10m``; ``--scan-interval=10s``;
events ``TriggeredScaleUp`` ``pod triggered scale-up: [{group 0->1 (max: 5)}]``,
``NotTriggerScaleUp``, ``ScaleDown``).

The autoscaler is a component with an API client (for pods, nodes, evictions and Events)
and the cloud provider's API (create a VM of a group, delete one), which ``cluster.py``
hands it. Simplifications (k8slab): one expander (the first group in name order that fits,
upstream's default is ``random``), resource fit on requested CPU/memory/pods plus
nodeSelector and taints; a removed node's Node object is deleted by the autoscaler (upstream
the cloud node-lifecycle controller does it); no status ConfigMap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .api.errors import ApiError
from .api.quantity import milli_value, value

SCAN_INTERVAL = 10.0
SCALE_DOWN_UNNEEDED_TIME = 600.0
SCALE_DOWN_DELAY_AFTER_ADD = 600.0
SCALE_DOWN_UTILIZATION_THRESHOLD = 0.5
TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler"
GROUP_LABEL = "k8slab.io/node-group"


@dataclass
class NodeGroup:
    """A cloud node group (an ASG / managed instance group): size bounds and a node template."""

    name: str
    min_size: int
    max_size: int
    cpu: str = "2"
    memory: str = "4Gi"
    pods: int = 110
    labels: dict = field(default_factory=dict)
    taints: list = field(default_factory=list)
    provisioning_delay: float = 60.0
    nodes: list[str] = field(default_factory=list)      # registered with the cloud (VMs)
    upcoming: int = 0                                     # requested, not yet created
    _next: int = 0

    def __post_init__(self):
        if self.min_size < 0 or self.max_size < self.min_size or self.max_size < 1:
            raise ValueError(f"node group {self.name}: need 0 <= min ({self.min_size}) <= max ({self.max_size}), max >= 1")

    @property
    def target_size(self) -> int:
        return len(self.nodes) + self.upcoming


def _pod_requests(pod: dict) -> tuple[int, int]:
    cpu = mem = 0
    for c in (pod.get("spec") or {}).get("containers") or []:
        r = (c.get("resources") or {}).get("requests") or {}
        cpu += milli_value(r["cpu"]) if r.get("cpu") else 0
        mem += value(r["memory"]) if r.get("memory") else 0
    return cpu, mem


def _tolerates(pod: dict, taints: list) -> bool:
    tols = (pod.get("spec") or {}).get("tolerations") or []
    for t in taints:
        if t.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        ok = any((tol.get("operator") == "Exists" and (not tol.get("key") or tol.get("key") == t["key"]))
                 or (tol.get("key") == t["key"] and tol.get("value", "") == t.get("value", ""))
                 for tol in tols if not tol.get("effect") or tol.get("effect") == t.get("effect"))
        if not ok:
            return False
    return True


def _selector_ok(pod: dict, labels: dict) -> bool:
    sel = (pod.get("spec") or {}).get("nodeSelector") or {}
    return all(labels.get(k) == v for k, v in sel.items())


class ClusterAutoscaler:
    """Scans every ``scan_interval``: scale-up for unschedulable pods, scale-down of unneeded nodes."""

    name = "cluster-autoscaler"

    def __init__(self, ctx: Any, cloud: Any, *, scan_interval: float = SCAN_INTERVAL,
                 scale_down_unneeded_time: float = SCALE_DOWN_UNNEEDED_TIME,
                 scale_down_delay_after_add: float = SCALE_DOWN_DELAY_AFTER_ADD,
                 scale_down_utilization_threshold: float = SCALE_DOWN_UTILIZATION_THRESHOLD):
        self.ctx = ctx
        self.cloud = cloud
        self.scan_interval = scan_interval
        self.scale_down_unneeded_time = scale_down_unneeded_time
        self.scale_down_delay_after_add = scale_down_delay_after_add
        self.threshold = scale_down_utilization_threshold
        self.groups: dict[str, NodeGroup] = {}
        self.unneeded_since: dict[str, float] = {}
        self.last_scale_up = -1e18
        self.decisions: list[dict] = []   # time, action, group, node, detail
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.ctx.call_later(self.scan_interval, self._loop, what="cluster-autoscaler RunOnce")

    def add_node_group(self, group: NodeGroup) -> None:
        if group.name in self.groups:
            raise ValueError(f'node group "{group.name}" already exists')
        self.groups[group.name] = group
        for _ in range(group.min_size):
            self._create(group)

    def _loop(self) -> None:
        try:
            self.run_once()
        finally:
            self.ctx.call_later(self.scan_interval, self._loop, what="cluster-autoscaler RunOnce")

    # ------------------------------------------------------------------ cloud
    def _create(self, group: NodeGroup) -> str:
        group._next += 1
        name = f"{group.name}-{group._next}"
        labels = {**group.labels, GROUP_LABEL: group.name}
        self.cloud.create_node(name, cpu=group.cpu, memory=group.memory, pods=group.pods, labels=labels,
                               taints=list(group.taints))
        group.nodes.append(name)
        return name

    def _provisioned(self, group_name: str) -> None:
        group = self.groups[group_name]
        group.upcoming -= 1
        name = self._create(group)
        self.decisions.append({"time": self.ctx.now, "action": "NodeAdded", "group": group.name, "node": name,
                               "detail": f"{group.target_size} nodes"})

    # ------------------------------------------------------------------ one loop
    def run_once(self) -> None:
        """static_autoscaler.go ``RunOnce`` (simplified): scale up, else consider scale down."""
        client = self.ctx.client
        pods = client.list("pods")["items"]
        nodes = {n["metadata"]["name"]: n for n in client.list("nodes")["items"]}
        pending = [p for p in pods if not (p.get("spec") or {}).get("nodeName") and any(
            c.get("type") == "PodScheduled" and c.get("status") == "False" and c.get("reason") == "Unschedulable"
            for c in (p.get("status") or {}).get("conditions") or []) and not p["metadata"].get("deletionTimestamp")]
        for g in self.groups.values():
            # registered but not yet Ready (or Ready for less than a scan): still upcoming (clusterstate.go)
            g.unready = sum(1 for n in g.nodes if n not in nodes or not self._ready_for(nodes[n], 2 * self.scan_interval))
        if pending:
            self._scale_up(pending)
            self.unneeded_since.clear()
            return
        self._scale_down(pods, nodes)

    def _ready_for(self, node: dict, seconds: float) -> bool:
        for c in (node.get("status") or {}).get("conditions") or []:
            if c.get("type") == "Ready":
                from .api.meta import parse_time

                return c.get("status") == "True" and self.ctx.now - parse_time(c["lastTransitionTime"]) >= seconds
        return False

    def _fits_template(self, pod: dict, g: NodeGroup) -> tuple[bool, str]:
        cpu, mem = _pod_requests(pod)
        if not _selector_ok(pod, {**g.labels, GROUP_LABEL: g.name, "kubernetes.io/os": "linux"}):
            return False, "node(s) didn't match Pod's node affinity/selector"
        if not _tolerates(pod, g.taints):
            return False, "node(s) had untolerated taint"
        if cpu > milli_value(g.cpu):
            return False, "Insufficient cpu"
        if mem > value(g.memory):
            return False, "Insufficient memory"
        return True, ""

    def _scale_up(self, pending: list[dict]) -> None:
        """Binpack the pending pods onto new nodes of the first fitting group (up to its max)."""
        plan: dict[str, list] = {}
        rejected: dict[str, list[str]] = {}
        for g in sorted(self.groups.values(), key=lambda g: g.name):
            todo = [p for p in pending if self._fits_template(p, g)[0] and p["metadata"]["uid"] not in
                    {q["metadata"]["uid"] for v in plan.values() for q in v}]
            if not todo:
                continue
            # first-fit decreasing on empty template nodes (binpacking_estimator.go); upcoming nodes count first
            bins: list[list[int]] = []
            placed = []
            for p in sorted(todo, key=lambda p: _pod_requests(p), reverse=True):
                cpu, mem = _pod_requests(p)
                for b in bins:
                    if b[0] >= cpu and b[1] >= mem and b[2] >= 1:
                        b[0] -= cpu
                        b[1] -= mem
                        b[2] -= 1
                        break
                else:
                    bins.append([milli_value(g.cpu) - cpu, value(g.memory) - mem, g.pods - 1])
                placed.append(p)
            needed = max(0, len(bins) - g.upcoming - getattr(g, "unready", 0))
            room = g.max_size - g.target_size
            if needed and room <= 0:
                for p in placed:
                    rejected.setdefault(p["metadata"]["uid"], []).append("max node group size reached")
                continue
            plan[g.name] = placed
            if needed == 0:
                continue
            add = min(needed, room)
            before = g.target_size
            g.upcoming += add
            for _ in range(add):
                self.ctx.call_later(g.provisioning_delay, self._provisioned, g.name,
                                    what=f"cloud provisions a node of {g.name}")
            self.last_scale_up = self.ctx.now
            msg = f"pod triggered scale-up: [{{{g.name} {before}->{g.target_size} (max: {g.max_size})}}]"
            self.decisions.append({"time": self.ctx.now, "action": "ScaleUp", "group": g.name, "node": "",
                                   "detail": f"{before}->{g.target_size}"})
            for p in placed:
                self.ctx.recorder.event(p, "Normal", "TriggeredScaleUp", msg)
        handled = {q["metadata"]["uid"] for v in plan.values() for q in v}
        for p in pending:
            uid = p["metadata"]["uid"]
            if uid in handled:
                continue
            reasons = rejected.get(uid) or []
            if not reasons:
                reasons = sorted({self._fits_template(p, g)[1] for g in self.groups.values()}) or ["no node group"]
            counts = ", ".join(f"1 {r}" for r in reasons)
            self.ctx.recorder.event(p, "Normal", "NotTriggerScaleUp", f"pod didn't trigger scale-up: {counts}")

    # ------------------------------------------------------------------ scale down
    def _scale_down(self, pods: list[dict], nodes: dict[str, dict]) -> None:
        now = self.ctx.now
        by_node: dict[str, list[dict]] = {}
        for p in pods:
            n = (p.get("spec") or {}).get("nodeName")
            if n and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                by_node.setdefault(n, []).append(p)
        free = {}
        for name, n in nodes.items():
            alloc = (n.get("status") or {}).get("allocatable") or {}
            cpu_a, mem_a = milli_value(alloc.get("cpu", "0")), value(alloc.get("memory", "0"))
            used = [_pod_requests(p) for p in by_node.get(name, [])]
            free[name] = [cpu_a - sum(u[0] for u in used), mem_a - sum(u[1] for u in used), cpu_a, mem_a]
        candidates = []
        known = {n for g in self.groups.values() for n in g.nodes}
        self.unneeded_since = {n: t for n, t in self.unneeded_since.items() if n in known}
        for g in sorted(self.groups.values(), key=lambda g: g.name):
            removable = len(g.nodes) - g.min_size
            for name in sorted(g.nodes):
                if name not in nodes or removable <= 0:
                    self.unneeded_since.pop(name, None)
                    continue
                f = free[name]
                util = max((f[2] - f[0]) / f[2] if f[2] else 0, (f[3] - f[1]) / f[3] if f[3] else 0)
                movable = all(any(r.get("controller") for r in p["metadata"].get("ownerReferences") or [])
                              for p in by_node.get(name, []))
                fits = self._fits_elsewhere(by_node.get(name, []), name, free, nodes)
                if util < self.threshold and movable and fits:
                    self.unneeded_since.setdefault(name, now)
                    candidates.append((g, name))
                    removable -= 1
                else:
                    self.unneeded_since.pop(name, None)
        if now - self.last_scale_up < self.scale_down_delay_after_add:
            return
        drained_one = False
        for g, name in candidates:
            if now - self.unneeded_since[name] < self.scale_down_unneeded_time:
                continue
            if by_node.get(name) and drained_one:
                continue  # --max-drain-parallelism=1
            drained_one = drained_one or bool(by_node.get(name))
            self._remove(g, name, by_node.get(name, []), nodes[name])

    def _fits_elsewhere(self, pods: list[dict], name: str, free: dict, nodes: dict) -> bool:
        room = {n: list(v) for n, v in free.items() if n != name and not any(
            t.get("key") == TO_BE_DELETED_TAINT for t in (nodes[n].get("spec") or {}).get("taints") or [])
            and not (nodes[n].get("spec") or {}).get("unschedulable")}
        for p in pods:
            cpu, mem = _pod_requests(p)
            for n in sorted(room):
                if room[n][0] >= cpu and room[n][1] >= mem and _selector_ok(p, nodes[n]["metadata"].get("labels") or {}) \
                        and _tolerates(p, (nodes[n].get("spec") or {}).get("taints") or []):
                    room[n][0] -= cpu
                    room[n][1] -= mem
                    break
            else:
                return False
        return True

    def _remove(self, g: NodeGroup, name: str, pods: list[dict], node: dict) -> None:
        client = self.ctx.client
        taints = list((node.get("spec") or {}).get("taints") or [])
        taints.append({"key": TO_BE_DELETED_TAINT, "value": str(int(self.ctx.now)), "effect": "NoSchedule"})
        try:
            client.patch("nodes", name, {"spec": {"taints": taints}})
        except ApiError:
            return
        self.ctx.recorder.event(node, "Normal", "ScaleDown", "marked the node as toBeDeleted/unschedulable")
        for p in pods:
            self.ctx.recorder.event(p, "Normal", "ScaleDown", f"deleting pod for node scale down")
            try:
                client.evict(p["metadata"]["name"], p["metadata"]["namespace"])
            except ApiError:
                pass
        self.decisions.append({"time": self.ctx.now, "action": "ScaleDown", "group": g.name, "node": name,
                               "detail": f"{len(g.nodes)}->{len(g.nodes) - 1}"})
        # the VM goes once its pods are evicted (graceful termination on virtual time)
        self.ctx.call_later(35.0, self._delete_vm, g.name, name, what=f"cloud deletes {name}")
        self.unneeded_since.pop(name, None)

    def _delete_vm(self, group_name: str, name: str) -> None:
        g = self.groups[group_name]
        if name in g.nodes:
            g.nodes.remove(name)
        self.cloud.delete_node(name)
        try:
            self.ctx.client.delete("nodes", name)
        except ApiError:
            pass

    def frame(self):
        import pandas as pd

        return pd.DataFrame(self.decisions, columns=["time", "action", "group", "node", "detail"])
