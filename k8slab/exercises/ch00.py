"""Exercises of chapter 00, "From one Docker host to a cluster".

1. :func:`check_scaled` — scale Deployment ``web`` to 5 replicas, all Ready.
2. :func:`check_feature_owners` — say which component provides each feature the study
   notes list (isolation is the container runtime's, not Kubernetes').
3. :func:`check_survived` — take ``node-1`` away and let the cluster bring every replica
   of ``web`` back on the other nodes.
"""

from __future__ import annotations

from typing import Any

from ..viz.tables import deployment_counts, is_pod_ready, node_condition, read_objects
from . import CheckResult, normalise, verdict

# ----------------------------------------------------------------------------- 1


def check_scaled(c: Any, replicas: int = 5, name: str = "web", namespace: str = "default") -> CheckResult:
    """Exercise 00.1: Deployment ``name`` wants ``replicas`` pods and all of them are Ready."""
    ex = "00.1"
    try:
        d = deployment_counts(c, name, namespace)
    except Exception as e:  # ApiError NotFound
        return verdict(ex, False, f'deployment "{name}" not found ({getattr(e, "message", e)}); apply it first')
    if d["replicas"] != replicas:
        return verdict(ex, False, f"deployment/{name} asks for replicas={d['replicas']}; scale it to {replicas} "
                                  f"(scale_step(c, \"{name}\", {replicas}) or c.kubectl(\"scale deployment {name} "
                                  f"--replicas={replicas}\"))")
    if d["ready"] != replicas:
        return verdict(ex, False, f"replicas={replicas} but only ready={d['ready']}: advance time with c.run(30)")
    return verdict(ex, True, f"deployment/{name} has replicas={replicas} ready={replicas}")


# ----------------------------------------------------------------------------- 2

#: the features the study notes list, and the components that may be named for each
FEATURE_OWNERS: dict[str, set[str]] = {
    "isolation": {"container-runtime", "runtime", "containerd", "cri-o", "docker", "container", "kernel"},
    "scheduling": {"kube-scheduler", "default-scheduler", "scheduler"},
    "self-healing": {"replicaset-controller", "kube-controller-manager", "controller-manager"},
    "replication": {"replicaset-controller", "deployment-controller", "kube-controller-manager",
                    "controller-manager"},
    "node-failure": {"node-controller", "node-lifecycle-controller", "taint-eviction-controller",
                     "kube-controller-manager", "controller-manager"},
    "node-clustering": {"kubelet"},
}

#: what each feature key means, as the notes put it
FEATURES = {
    "isolation": "실행환경 고립화 — an isolated environment per container",
    "scheduling": "컨테이너 스케쥴링 / Automatic Binpacking — choosing a node for each pod",
    "self-healing": "자가 치유 — replacing pods that are gone, to keep the desired state",
    "replication": "컨테이너 배포/복제 자동화 — creating N copies of a pod from one template",
    "node-failure": "장애 대응 — noticing a dead node and evicting its pods",
    "node-clustering": "노드 클러스터링 — a machine joining the cluster as a Node",
}


def check_feature_owners(answer: dict | None) -> CheckResult:
    """Exercise 00.2: ``answer`` maps each key of :data:`FEATURES` to the component providing it."""
    ex = "00.2"
    if not isinstance(answer, dict) or not answer:
        return verdict(ex, False, "answer with a dict mapping each feature to a component: "
                                  + ", ".join(f"'{k}'" for k in FEATURES))
    missing = [k for k in FEATURES if k not in answer]
    if missing:
        return verdict(ex, False, "missing features: " + ", ".join(missing))
    wrong = [k for k in FEATURES if normalise(answer[k]) not in FEATURE_OWNERS[k]]
    if wrong:
        hint = ""
        if "isolation" in wrong:
            hint = " (isolation: which program actually starts the container process?)"
        return verdict(ex, False, "look again at: " + ", ".join(wrong) + hint)
    return verdict(ex, True, "isolation comes from the container runtime; every other feature is a Kubernetes "
                             "component acting through the API server")


# ----------------------------------------------------------------------------- 3


def check_survived(c: Any, node: str = "node-1", name: str = "web", namespace: str = "default") -> CheckResult:
    """Exercise 00.3: ``node`` is down and every replica of ``name`` is Ready on the other nodes."""
    ex = "00.3"
    nodes = {n["metadata"]["name"]: n for n in read_objects(c, "nodes")}
    if node not in nodes:
        return verdict(ex, False, f'node "{node}" not found')
    ready = node_condition(nodes[node], "Ready")
    if ready == "True":
        return verdict(ex, False, f"{node} is still Ready: take it away with c.fail_node(\"{node}\"), then run the cluster")
    try:
        d = deployment_counts(c, name, namespace)
    except Exception as e:
        return verdict(ex, False, f'deployment "{name}" not found ({getattr(e, "message", e)})')
    pods = [p for p in read_objects(c, "pods", namespace)
            if p["metadata"]["name"].startswith(name + "-") and not p["metadata"].get("deletionTimestamp")]
    ready_elsewhere = [p for p in pods if is_pod_ready(p) and p["spec"].get("nodeName") != node]
    if len(ready_elsewhere) < d["replicas"] or d["ready"] < d["replicas"]:
        return verdict(ex, False, f"{node} is {('Unknown' if ready == 'Unknown' else 'NotReady')}, but only "
                                  f"{len(ready_elsewhere)} of {d['replicas']} replicas are Ready on other nodes; "
                                  f"the pods on {node} are evicted after their 300 s toleration: keep running")
    return verdict(ex, True, f"{node} is down and all {d['replicas']} replicas of {name} are Ready elsewhere "
                             f"(t={c.now:g}s)")
