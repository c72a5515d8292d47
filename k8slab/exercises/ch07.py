"""Exercises of chapter 07, "Controllers and the desired state".

1. :func:`check_desired_state` — make Deployment ``web`` run ``replicas`` pods of
   ``image``, all of them available, and nothing else.
2. :func:`check_rollback` — a rollout to a broken image is stuck; bring the Deployment
   back to the image it ran before, and let it finish.
3. :func:`check_drain_budget` — protect ``web`` with a PodDisruptionBudget so that no
   voluntary disruption can leave fewer than ``min_available`` pods, then drain a node.
4. :func:`check_orphans` — delete a ReplicaSet while keeping its pods (orphan deletion).

Checkers read the cluster through the API server without adding to its trace, and
never change it.
"""

from __future__ import annotations

from typing import Any

from ..api.meta import controller_of
from ..viz.tables import is_pod_ready, read_objects
from . import CheckResult, verdict


def _deployment(c: Any, name: str, namespace: str) -> dict | None:
    return next((d for d in read_objects(c, "deployments", namespace) if d["metadata"]["name"] == name), None)


def _live_pods(c: Any, app: str, namespace: str) -> list[dict]:
    return [p for p in read_objects(c, "pods", namespace)
            if (p["metadata"].get("labels") or {}).get("app") == app and not p["metadata"].get("deletionTimestamp")
            and p.get("status", {}).get("phase") not in ("Succeeded", "Failed")]


def _image(obj: dict) -> str:
    return (obj["spec"]["template"]["spec"] if "template" in obj["spec"] else obj["spec"])["containers"][0]["image"]


def _complete(d: dict) -> bool:
    """The rollout is done as ``kubectl rollout status`` sees it (DeploymentStatusViewer)."""
    st = d.get("status") or {}
    want = d["spec"].get("replicas", 1)
    return (st.get("observedGeneration", 0) >= d["metadata"].get("generation", 0) and
            st.get("updatedReplicas", 0) == want and st.get("replicas", 0) == want and
            st.get("availableReplicas", 0) == want)


# ----------------------------------------------------------------------------- 1
def check_desired_state(c: Any, name: str = "web", replicas: int = 5, image: str = "nginx:1.27",
                        namespace: str = "default") -> CheckResult:
    """Exercise 07.1: ``replicas`` Ready pods of ``image``, the rollout complete, no pod of another image."""
    ex = "07.1"
    d = _deployment(c, name, namespace)
    if d is None:
        return verdict(ex, False, f'deployment "{name}" not found')
    if d["spec"].get("replicas") != replicas or _image(d) != image:
        return verdict(ex, False, f"the spec asks for {d['spec'].get('replicas')} × {_image(d)}; "
                                  f"change it to {replicas} × {image}")
    pods = _live_pods(c, name, namespace)
    ready = [p for p in pods if is_pod_ready(p) and _image(p) == image]
    if not _complete(d) or len(ready) != replicas or len(pods) != replicas:
        return verdict(ex, False, f"the spec is right but the cluster has not caught up: {len(ready)} of "
                                  f"{replicas} Ready pods of {image}, {len(pods)} pods in all — run the cluster")
    return verdict(ex, True, f"{replicas} pods of {image}, all available: the controllers made the status "
                             "match the spec")


# ----------------------------------------------------------------------------- 2
def check_rollback(c: Any, name: str = "web", good_image: str = "nginx:1.26",
                   namespace: str = "default") -> CheckResult:
    """Exercise 07.2: back on ``good_image`` through a rollback, the rollout complete, no broken pods left."""
    ex = "07.2"
    d = _deployment(c, name, namespace)
    if d is None:
        return verdict(ex, False, f'deployment "{name}" not found')
    if _image(d) != good_image:
        return verdict(ex, False, f"the template still says {_image(d)}; try kubectl rollout undo")
    revision = int((d["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision", "0"))
    if revision < 3:
        return verdict(ex, False, "roll back (a rollback is a new revision, the third here), do not recreate "
                                  "the Deployment")
    bad = [p["metadata"]["name"] for p in _live_pods(c, name, namespace) if _image(p) != good_image]
    if bad or not _complete(d):
        return verdict(ex, False, f"rolling back, not finished yet ({len(bad)} pods of the broken image left): "
                                  "run the cluster")
    return verdict(ex, True, f"revision {revision} runs {good_image} again: the old ReplicaSet was scaled back up "
                             "and the broken one down to 0")


# ----------------------------------------------------------------------------- 3
def check_drain_budget(c: Any, node: str, app: str = "web", min_available: int = 2,
                       namespace: str = "default") -> CheckResult:
    """Exercise 07.3: a PDB keeps ``min_available`` ``app`` pods; ``node`` is drained and holds none of them."""
    ex = "07.3"
    from ..api.pdb import pdb_selects

    probe = {"metadata": {"namespace": namespace, "labels": {"app": app}}}
    pdbs = [p for p in read_objects(c, "poddisruptionbudgets", namespace) if pdb_selects(p, probe)]
    if not pdbs:
        return verdict(ex, False, f"no PodDisruptionBudget selects the app={app} pods")
    st = pdbs[0].get("status") or {}
    if st.get("desiredHealthy", 0) < min_available:
        return verdict(ex, False, f"the budget {pdbs[0]['metadata']['name']} only keeps "
                                  f"{st.get('desiredHealthy', 0)} healthy pods; it should keep {min_available}")
    n = next((x for x in read_objects(c, "nodes") if x["metadata"]["name"] == node), None)
    if n is None or not n.get("spec", {}).get("unschedulable"):
        return verdict(ex, False, f"{node} is not cordoned: kubectl drain {node}")
    left = [p["metadata"]["name"] for p in _live_pods(c, app, namespace) if p["spec"].get("nodeName") == node]
    if left:
        return verdict(ex, False, f"{node} still runs {', '.join(left)}: run the cluster and drain again")
    ready = [p for p in _live_pods(c, app, namespace) if is_pod_ready(p)]
    if len(ready) < min_available:
        return verdict(ex, False, f"only {len(ready)} Ready {app} pods: run the cluster")
    return verdict(ex, True, f"{node} is drained and the budget kept at least {min_available} {app} pods "
                             "running throughout")


# ----------------------------------------------------------------------------- 4
def check_orphans(c: Any, app: str = "api", pods: int = 3, namespace: str = "default") -> CheckResult:
    """Exercise 07.4: the ReplicaSet is gone, its ``pods`` pods still run and no longer have an owner."""
    ex = "07.4"
    rss = [r for r in read_objects(c, "replicasets", namespace)
           if (r["spec"]["selector"].get("matchLabels") or {}).get("app") == app]
    live = _live_pods(c, app, namespace)
    if rss:
        return verdict(ex, False, f"replicaset {rss[0]['metadata']['name']} still exists")
    if len(live) < pods:
        return verdict(ex, False, f"only {len(live)} of the {pods} pods are left: the garbage collector deleted "
                                  "them (that was a background or foreground deletion)")
    owned = [p["metadata"]["name"] for p in live if controller_of(p) is not None]
    if owned:
        return verdict(ex, False, f"{', '.join(owned)} still name an owner: run the cluster so the garbage "
                                  "collector can orphan them")
    return verdict(ex, True, f"{len(live)} pods with no owner: the garbage collector removed their "
                             "ownerReferences instead of deleting them")
