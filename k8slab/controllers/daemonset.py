"""The DaemonSet controller: one pod on every node that should run it.

upstream: pkg/controller/daemon/daemon_controller.go (syncDaemonSet, manage,
podsShouldBeOnNode, NodeShouldRunDaemonPod, updateDaemonSetStatus), update.go
(rollingUpdate with maxUnavailable, default 1), pkg/controller/daemon/util/daemonset_util.go
(AddOrUpdateDaemonPodTolerations, ReplaceDaemonSetPodNodeNameNodeAffinity). Pods are placed
by the default scheduler through a required node affinity on ``metadata.name``; they
tolerate the node-condition taints (not-ready/unreachable NoExecute, disk/memory/pid
pressure and unschedulable NoSchedule) so they stay on cordoned or failing nodes.

Simplifications: the node must match ``nodeSelector`` and tolerate the node's NoSchedule/
NoExecute taints (the rest of the pod's node affinity is not checked); the revision hash
label ``controller-revision-hash`` is computed from the template (ControllerRevisions are
not served); OnDelete and RollingUpdate with maxUnavailable (maxSurge is not implemented).
"""

from __future__ import annotations

import json

from ..api.errors import ApiError
from ..api.meta import key_of, owner_reference
from ..client.context import ComponentContext
from . import podutil
from .deployment import _int_or_percent, compute_hash
from .taint_eviction import tolerates

REVISION_HASH_LABEL = "controller-revision-hash"
#: AddOrUpdateDaemonPodTolerations
DAEMON_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
]


def daemon_pod_tolerations(tolerations: list | None) -> list:
    out = list(tolerations or [])
    for t in DAEMON_TOLERATIONS:
        if not any(x.get("key") == t["key"] and x.get("effect") == t["effect"] for x in out):
            out.append(dict(t))
    return out


def should_run_on(ds: dict, node: dict) -> bool:
    """NodeShouldRunDaemonPod (simplified): nodeSelector matches and every hard taint is tolerated."""
    spec = (ds["spec"].get("template") or {}).get("spec") or {}
    labels = node["metadata"].get("labels") or {}
    if any(labels.get(k) != v for k, v in (spec.get("nodeSelector") or {}).items()):
        return False
    tols = daemon_pod_tolerations(spec.get("tolerations"))
    for taint in (node.get("spec") or {}).get("taints") or []:
        if taint.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not any(tolerates(t, taint) for t in tols):
            return False
    return True


class DaemonSetController:
    def __init__(self, ctx: ComponentContext):
        self.ctx = ctx
        self.queue = ctx.workqueue("daemonset", self.sync)
        self.dss = ctx.informer("daemonsets")
        self.pods = ctx.informer("pods")
        self.nodes = ctx.informer("nodes")

    def start(self) -> None:
        self.pods.add_index("owner", lambda p: [r["uid"] for r in (p["metadata"].get("ownerReferences") or [])
                                                if r.get("controller")])
        self.dss.add_handler(lambda o: self.queue.add(key_of(o)), lambda o, n: self.queue.add(key_of(n)), None)
        self.pods.add_handler(self._pod, lambda o, n: self._pod(n), self._pod)
        self.nodes.add_handler(self._all, lambda o, n: self._all(n), self._all)
        self.dss.start()
        self.pods.start()
        self.nodes.start()

    def _pod(self, pod: dict) -> None:
        for r in pod["metadata"].get("ownerReferences") or []:
            if r.get("controller") and r.get("kind") == "DaemonSet":
                self.queue.add(f"{pod['metadata']['namespace']}/{r['name']}")

    def _all(self, _node: dict) -> None:
        for ds in self.dss.list():
            self.queue.add(key_of(ds))

    def sync(self, key: str) -> None:
        ds = self.dss.get(key)
        if ds is None or ds["metadata"].get("deletionTimestamp"):
            return
        try:
            self._sync(json.loads(json.dumps(ds)))
            self.queue.forget(key)
        except ApiError as e:
            if e.code != 404:
                self.queue.add_rate_limited(key)

    def _hash(self, ds: dict) -> str:
        return compute_hash(ds["spec"].get("template") or {})

    def _sync(self, ds: dict) -> None:
        h = self._hash(ds)
        pods = [p for p in self.pods.by_index("owner", ds["metadata"]["uid"]) if podutil.is_active(p)]
        by_node: dict[str, list[dict]] = {}
        for p in pods:
            node = _target_node(p)
            by_node.setdefault(node, []).append(p)
        nodes = {n["metadata"]["name"]: n for n in self.nodes.list()}
        want = sorted(n for n, node in nodes.items() if should_run_on(ds, node))
        for name in want:
            if not by_node.get(name):
                pod = self.ctx.client.create("pods", self._pod_for(ds, name, h), namespace=ds["metadata"]["namespace"])
                self.ctx.recorder.event(ds, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}")
            elif len(by_node[name]) > 1:  # keep the oldest
                for p in sorted(by_node[name], key=lambda p: p["metadata"].get("creationTimestamp", ""))[1:]:
                    self._delete(ds, p)
        for name, ps in by_node.items():
            if name not in want:
                for p in ps:
                    self._delete(ds, p)
        self._rolling_update(ds, h, {n: by_node.get(n, []) for n in want})
        self._status(ds, h, want, by_node, nodes)

    def _rolling_update(self, ds: dict, h: str, on_nodes: dict[str, list[dict]]) -> None:
        """update.go rollingUpdate: replace old pods, at most maxUnavailable unavailable at a time."""
        strategy = ds["spec"].get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") != "RollingUpdate":
            return
        mu = _int_or_percent((strategy.get("rollingUpdate") or {}).get("maxUnavailable", 1), len(on_nodes), True)
        mu = max(mu, 1) if on_nodes else 0
        min_ready = ds["spec"].get("minReadySeconds", 0)
        unavailable = sum(1 for ps in on_nodes.values()
                          if not ps or not podutil.is_available(ps[0], min_ready, self.ctx.now))
        old = [(n, ps[0]) for n, ps in sorted(on_nodes.items()) if ps and
               (ps[0]["metadata"].get("labels") or {}).get(REVISION_HASH_LABEL) != h]
        # unavailable old pods go first, then available ones while the budget allows
        old.sort(key=lambda x: podutil.is_available(x[1], min_ready, self.ctx.now))
        for _, p in old:
            if podutil.is_available(p, min_ready, self.ctx.now):
                if unavailable >= mu:
                    break
                unavailable += 1
            self._delete(ds, p)

    def _status(self, ds: dict, h: str, want: list[str], by_node: dict, nodes: dict) -> None:
        min_ready = ds["spec"].get("minReadySeconds", 0)
        scheduled = [ps[0] for n, ps in by_node.items() if n in want and ps]
        status = {
            "currentNumberScheduled": len(scheduled),
            "numberMisscheduled": sum(1 for n in by_node if n not in want and n in nodes),
            "desiredNumberScheduled": len(want),
            "numberReady": sum(1 for p in scheduled if podutil.is_ready(p)),
            "observedGeneration": ds["metadata"].get("generation", 1),
            "updatedNumberScheduled": sum(1 for p in scheduled
                                          if (p["metadata"].get("labels") or {}).get(REVISION_HASH_LABEL) == h),
            "numberAvailable": sum(1 for p in scheduled if podutil.is_available(p, min_ready, self.ctx.now)),
        }
        status["numberUnavailable"] = status["desiredNumberScheduled"] - status["numberAvailable"]
        status = {k: v for k, v in status.items()
                  if v != 0 or k in ("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled",
                                     "numberReady")}
        if status != (ds.get("status") or {}):
            ds["status"] = status
            self.ctx.client.update_status("daemonsets", ds)

    def _pod_for(self, ds: dict, node: str, h: str) -> dict:
        tmpl = json.loads(json.dumps(ds["spec"].get("template") or {}))
        tmd = tmpl.get("metadata") or {}
        spec = tmpl.get("spec") or {}
        labels = dict(tmd.get("labels") or {})
        labels[REVISION_HASH_LABEL] = h
        labels["pod-template-generation"] = str(ds["metadata"].get("generation", 1))
        # ReplaceDaemonSetPodNodeNameNodeAffinity: the default scheduler places it on this node
        spec.setdefault("affinity", {})["nodeAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}
        spec["tolerations"] = daemon_pod_tolerations(spec.get("tolerations"))
        md = {"generateName": f"{ds['metadata']['name']}-", "namespace": ds["metadata"]["namespace"],
              "labels": labels, "ownerReferences": [owner_reference(ds)]}
        if tmd.get("annotations"):
            md["annotations"] = tmd["annotations"]
        return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec}

    def _delete(self, ds: dict, pod: dict) -> None:
        try:
            self.ctx.client.delete("pods", pod["metadata"]["name"], pod["metadata"]["namespace"])
            self.ctx.recorder.event(ds, "Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}")
        except ApiError as e:
            if e.code != 404:
                raise


def _target_node(pod: dict) -> str:
    if pod["spec"].get("nodeName"):
        return pod["spec"]["nodeName"]
    na = ((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution") or {}
    for t in na.get("nodeSelectorTerms") or []:
        for f in t.get("matchFields") or []:
            if f.get("key") == "metadata.name" and f.get("values"):
                return f["values"][0]
    return ""
