"""The taint-eviction controller: delete pods that do not tolerate a node's NoExecute taints.

upstream: pkg/controller/tainteviction/taint_eviction.go (processPodOnNode,
getMinTolerationTime), pkg/apis/core/v1/helper (toleration matching). A pod that tolerates
every NoExecute taint for ``tolerationSeconds`` is deleted that long after the taint's
``timeAdded``; one without a matching toleration is deleted at once; one tolerating
without a limit stays. Before deleting, the pod gets the ``DisruptionTarget`` condition
(reason ``DeletionByTaintManager``), as v1.32 does.
"""

from __future__ import annotations

import json

from ..api.errors import ApiError
from ..api.meta import parse_time, rfc3339
from ..client.context import ComponentContext


def tolerates(toleration: dict, taint: dict) -> bool:
    """Toleration.ToleratesTaint."""
    if toleration.get("effect") and toleration["effect"] != taint.get("effect"):
        return False
    if toleration.get("key") and toleration["key"] != taint.get("key"):
        return False
    op = toleration.get("operator") or "Equal"
    if op == "Exists":
        return True
    if op == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


class TaintEvictionController:
    def __init__(self, ctx: ComponentContext):
        self.ctx = ctx
        self.nodes = ctx.informer("nodes")
        self.pods = ctx.informer("pods")
        self._timers: dict[str, object] = {}

    def start(self) -> None:
        self.pods.add_index("node", lambda p: [p["spec"].get("nodeName", "")] if p["spec"].get("nodeName") else [])
        self.nodes.add_handler(self._node_changed, lambda o, n: self._node_changed(n), None)
        self.pods.add_handler(self._pod_changed, lambda o, n: self._pod_changed(n), self._pod_deleted)
        self.nodes.start()
        self.pods.start()

    def _node_changed(self, node: dict) -> None:
        for pod in self.pods.by_index("node", node["metadata"]["name"]):
            self._process(pod, node)

    def _pod_changed(self, pod: dict) -> None:
        node_name = pod["spec"].get("nodeName")
        if node_name:
            node = self.nodes.get(node_name)
            if node is not None:
                self._process(pod, node)

    def _pod_deleted(self, pod: dict) -> None:
        self._cancel(f"{pod['metadata']['namespace']}/{pod['metadata']['name']}")

    def _cancel(self, key: str) -> None:
        t = self._timers.pop(key, None)
        if t is not None:
            t.cancel()

    def _process(self, pod: dict, node: dict) -> None:
        key = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        if pod["metadata"].get("deletionTimestamp"):
            self._cancel(key)
            return
        taints = [t for t in node.get("spec", {}).get("taints") or [] if t.get("effect") == "NoExecute"]
        if not taints:
            self._cancel(key)
            return
        tols = pod["spec"].get("tolerations") or []
        min_seconds: float | None = None
        for taint in taints:
            matching = [t for t in tols if t.get("effect") in (None, "", "NoExecute") and tolerates(t, taint)]
            if not matching:
                min_seconds = 0
                break
            secs = [t["tolerationSeconds"] for t in matching if t.get("tolerationSeconds") is not None]
            if secs:
                s = max(min(secs), 0)
                added = parse_time(taint["timeAdded"]) if taint.get("timeAdded") else self.ctx.now
                deadline = added + s - self.ctx.now
                min_seconds = deadline if min_seconds is None else min(min_seconds, deadline)
        if min_seconds is None:
            self._cancel(key)  # tolerated forever
            return
        if key in self._timers:
            return
        delay = max(min_seconds, 0)
        self._timers[key] = self.ctx.call_later(delay, self._evict, pod["metadata"]["namespace"], pod["metadata"]["name"],
                                                source=self.ctx.name, what=f"evict {key}")

    def _evict(self, namespace: str, name: str) -> None:
        self._timers.pop(f"{namespace}/{name}", None)
        pod = self.pods.get(f"{namespace}/{name}")
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            return
        self.ctx.recorder.event(pod, "Normal", "TaintManagerEviction", f"Marking for deletion Pod {namespace}/{name}")
        try:
            pod = json.loads(json.dumps(pod))
            conds = pod.setdefault("status", {}).setdefault("conditions", [])
            conds[:] = [c for c in conds if c["type"] != "DisruptionTarget"]
            conds.append({"type": "DisruptionTarget", "status": "True", "reason": "DeletionByTaintManager",
                          "message": "Taint manager: deleting due to NoExecute taint",
                          "lastProbeTime": None, "lastTransitionTime": rfc3339(self.ctx.now)})
            self.ctx.client.update_status("pods", pod)
            self.ctx.client.delete("pods", name, namespace)
        except ApiError as e:
            if e.code not in (404, 409):
                raise
