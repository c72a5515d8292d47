"""The node lifecycle controller: notice nodes that stop reporting, mark and taint them.

upstream: pkg/controller/nodelifecycle/node_lifecycle_controller.go (monitorNodeHealth,
tryUpdateNodeHealth, doNoExecuteTaintingPass, doNoScheduleTaintingPass), pkg/controller/util/
node/controller_utils.go (MarkPodsNotReady, RecordNodeStatusChange).

Every ``node_monitor_period`` (5 s) it checks each node's last heartbeat — the later of
its Lease's renewTime and its Ready condition's lastHeartbeatTime. Past
``node_monitor_grace_period`` (50 s in v1.32; it was 40 s before) the node's conditions
become ``Unknown`` ("Kubelet stopped posting node status."), its pods are marked not
ready, and it gets the ``node.kubernetes.io/unreachable`` taints (NoSchedule and
NoExecute); a node reporting Ready=False gets ``node.kubernetes.io/not-ready``. The
taint-eviction controller then evicts pods that do not tolerate the NoExecute taint.

Simplification: no zone-based rate limiting of evictions (upstream's
nodeEvictionRate 0.1/s applies only to the NoExecute taint add rate on large outages).
"""

from __future__ import annotations

import json

from ..api.errors import ApiError
from ..api.meta import parse_time, rfc3339
from ..client.context import ComponentContext

UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"
CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")


class NodeLifecycleController:
    def __init__(self, ctx: ComponentContext, *, node_monitor_period: float = 5.0,
                 node_monitor_grace_period: float = 50.0, node_startup_grace_period: float = 60.0):
        self.ctx = ctx
        self.period = node_monitor_period
        self.grace = node_monitor_grace_period
        self.startup_grace = node_startup_grace_period
        self.nodes = ctx.informer("nodes")
        self.leases = ctx.informer("leases", "kube-node-lease")
        self.pods = ctx.informer("pods")
        self._probe: dict[str, tuple[float, str]] = {}  # node -> (probe time we saw it, heartbeat marker)

    def start(self) -> None:
        self.pods.add_index("node", lambda p: [p["spec"].get("nodeName", "")] if p["spec"].get("nodeName") else [])
        self.nodes.start()
        self.leases.start()
        self.pods.start()
        self.ctx.call_later(self.period, self._monitor, source=self.ctx.name, what="monitor node health")

    def _heartbeat(self, node: dict) -> str:
        name = node["metadata"]["name"]
        lease = self.leases.get(f"kube-node-lease/{name}")
        renew = (lease or {}).get("spec", {}).get("renewTime", "") if lease else ""
        ready = _condition(node, "Ready") or {}
        return f"{renew}|{ready.get('lastHeartbeatTime', '')}"

    def _monitor(self) -> None:
        now = self.ctx.now
        for node in self.nodes.list():
            try:
                self._check(node, now)
            except ApiError as e:
                if e.code not in (404, 409) and e.code < 500:  # 5xx (etcd without quorum): next pass
                    raise
        self.ctx.call_later(self.period, self._monitor, source=self.ctx.name, what="monitor node health")

    def _check(self, node: dict, now: float) -> None:
        name = node["metadata"]["name"]
        marker = self._heartbeat(node)
        seen = self._probe.get(name)
        if seen is None or seen[1] != marker:
            self._probe[name] = (now, marker)
            seen = self._probe[name]
        ready = _condition(node, "Ready")
        grace = self.startup_grace if ready is None else self.grace
        if now - seen[0] > grace and (ready is None or ready.get("status") != "Unknown"):
            self._mark_unknown(node, now)
            return
        self._sync_taints(node, now)

    def _mark_unknown(self, node: dict, now: float) -> None:
        node = json.loads(json.dumps(node))
        conds = node.setdefault("status", {}).setdefault("conditions", [])
        for t in CONDITIONS:
            c = next((c for c in conds if c["type"] == t), None)
            if c is None:
                conds.append({"type": t, "status": "Unknown", "reason": "NodeStatusNeverUpdated",
                              "message": "Kubelet never posted node status.", "lastHeartbeatTime": rfc3339(now),
                              "lastTransitionTime": rfc3339(now)})
            elif c["status"] != "Unknown":
                c.update({"status": "Unknown", "reason": "NodeStatusUnknown",
                          "message": "Kubelet stopped posting node status.", "lastTransitionTime": rfc3339(now)})
        node = self.ctx.client.update_status("nodes", node)
        self.ctx.recorder.event(node, "Normal", "NodeNotReady", f"Node {node['metadata']['name']} status is now: NodeNotReady")
        self._mark_pods_not_ready(node["metadata"]["name"], now)
        self._sync_taints(node, now)

    def _mark_pods_not_ready(self, node_name: str, now: float) -> None:
        """MarkPodsNotReady: every pod on the node gets Ready=False."""
        for pod in self.pods.by_index("node", node_name):
            if pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
                continue
            pod = json.loads(json.dumps(pod))
            changed = False
            for c in pod.get("status", {}).get("conditions") or []:
                if c["type"] == "Ready" and c["status"] != "False":
                    c["status"] = "False"
                    c["lastTransitionTime"] = rfc3339(now)
                    changed = True
            if changed:
                try:
                    self.ctx.client.update_status("pods", pod)
                    self.ctx.recorder.event(pod, "Warning", "NodeNotReady", "Node is not ready")
                except ApiError as e:
                    if e.code not in (404, 409) and e.code < 500:
                        raise

    def _sync_taints(self, node: dict, now: float) -> None:
        """doNoExecuteTaintingPass + doNoScheduleTaintingPass for the Ready condition."""
        ready = _condition(node, "Ready")
        status = (ready or {}).get("status")
        want: set[str] = set()
        if status == "Unknown":
            want.add(UNREACHABLE)
        elif status == "False":
            want.add(NOT_READY)
        taints = list(node.get("spec", {}).get("taints") or [])
        ours = {(t["key"], t["effect"]) for t in taints if t["key"] in (UNREACHABLE, NOT_READY)}
        wanted = {(k, e) for k in want for e in ("NoSchedule", "NoExecute")}
        if ours == wanted:
            return
        keep = [t for t in taints if t["key"] not in (UNREACHABLE, NOT_READY) or (t["key"], t["effect"]) in wanted]
        for k, e in sorted(wanted - ours):
            t = {"key": k, "effect": e}
            if e == "NoExecute":
                t["timeAdded"] = rfc3339(now)
            keep.append(t)
        node = json.loads(json.dumps(node))
        node["spec"]["taints"] = keep or None
        if not keep:
            node["spec"].pop("taints")
        self.ctx.client.update("nodes", node)


def _condition(obj: dict, t: str) -> dict | None:
    for c in obj.get("status", {}).get("conditions") or []:
        if c.get("type") == t:
            return c
    return None
