"""Per-kind create/update strategies: what the registry changes before storing.

upstream: pkg/registry/core/pod/strategy.go, pkg/registry/apps/deployment/strategy.go,
pkg/registry/apps/replicaset/strategy.go, pkg/registry/core/node/strategy.go,
pkg/registry/core/namespace/strategy.go. PrepareForCreate clears status where the status
is owned by a subresource; PrepareForUpdate keeps the old status on a main-resource
update and the old spec on a status update; generation moves when the spec changes.
"""

from __future__ import annotations

import json
from typing import Any

#: Kinds whose status is written only through the ``status`` subresource.
STATUS_SUBRESOURCE = {"Pod", "Deployment", "ReplicaSet", "Node", "Namespace", "DaemonSet", "StatefulSet", "Job",
                      "CronJob", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ResourceQuota", "Service"}
#: Kinds that carry metadata.generation (pods do not in v1.32).
HAS_GENERATION = {"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob", "PodDisruptionBudget",
                  "HorizontalPodAutoscaler"}


def qos_class(pod: dict) -> str:
    """v1.PodQOSClass as pkg/apis/core/v1/helper/qos/qos.go computes it."""
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    is_guaranteed = True
    from ..api.quantity import parse_quantity

    containers = list(pod.get("spec", {}).get("containers") or []) + list(pod.get("spec", {}).get("initContainers") or [])
    for c in containers:
        res = c.get("resources") or {}
        req = {k: v for k, v in (res.get("requests") or {}).items() if k in ("cpu", "memory")}
        lim = {k: v for k, v in (res.get("limits") or {}).items() if k in ("cpu", "memory")}
        for k, v in req.items():
            if parse_quantity(v) != 0:
                requests[k] = v
        for k, v in lim.items():
            if parse_quantity(v) != 0:
                limits[k] = v
        if set(lim) != {"cpu", "memory"}:
            is_guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if is_guaranteed:
        for c in containers:
            res = c.get("resources") or {}
            req = res.get("requests") or {}
            lim = res.get("limits") or {}
            for k in ("cpu", "memory"):
                if k in req and parse_quantity(req[k]) != parse_quantity(lim.get(k, "0")):
                    return "Burstable"
        return "Guaranteed"
    return "Burstable"


def prepare_for_create(obj: dict) -> None:
    kind = obj["kind"]
    md = obj["metadata"]
    if kind in HAS_GENERATION:
        md["generation"] = 1
    if kind == "Pod":
        obj["status"] = {"phase": "Pending", "qosClass": qos_class(obj)}
    elif kind == "Namespace":
        obj["status"] = {"phase": "Active"}
    elif kind in STATUS_SUBRESOURCE and kind != "Node":
        obj["status"] = {}  # status is the controllers' to write, through the subresource


def prepare_for_update(kind: str, new: dict, old: dict, subresource: str | None) -> None:
    """Carry over what the caller may not change on this endpoint."""
    if kind == "Namespace":
        # pkg/registry/core/namespace/strategy.go: spec.finalizers move only through
        # the finalize subresource; the phase only through status (or Delete)
        if subresource == "finalize":
            fin = (new.get("spec") or {}).get("finalizers")
            for k in [k for k in new if k != "metadata"]:
                del new[k]
            for k, v in old.items():
                if k != "metadata":
                    new[k] = json.loads(json.dumps(v))
            new.setdefault("spec", {})["finalizers"] = fin or []
            if not new["spec"]["finalizers"]:
                new["spec"].pop("finalizers")
            return
        if subresource is None:
            new.setdefault("spec", {})
            if "finalizers" in (old.get("spec") or {}):
                new["spec"]["finalizers"] = old["spec"]["finalizers"]
            else:
                new["spec"].pop("finalizers", None)
    if subresource == "status":
        # only status (and, as upstream allows, metadata labels/annotations on some kinds) moves
        keep_spec = old.get("spec")
        if keep_spec is None:
            new.pop("spec", None)
        else:
            new["spec"] = keep_spec
        return
    if kind in STATUS_SUBRESOURCE:
        if "status" in old:
            new["status"] = old["status"]
        else:
            new.pop("status", None)
    if kind in HAS_GENERATION:
        gen = old["metadata"].get("generation", 1)
        if new.get("spec") != old.get("spec"):
            gen += 1
        new["metadata"]["generation"] = gen
