"""Exercises of chapter 06, "The scheduler": why is my pod Pending?

:func:`pending_lab` builds the starting state: three ordinary workers and one GPU node
``gpu-1`` (label ``accelerator=nvidia``, taint ``gpu=true:NoSchedule``), and pod
``trainer`` that asks for ``accelerator: nvidia`` in its nodeSelector but tolerates no
taint, so it stays Pending.

1. :func:`check_pending_reason` -- name the scheduler plugin that rejects ``gpu-1``
   (the one node the nodeSelector allows).
2. :func:`check_trainer_scheduled` -- get ``trainer`` running on ``gpu-1``, still asking
   for ``accelerator: nvidia`` (removing the selector is not the fix).
"""

from __future__ import annotations

from typing import Any

from . import CheckResult, normalise, verdict

__all__ = ["pending_lab", "TRAINER", "check_pending_reason", "check_trainer_scheduled"]

GPU_NODE = "gpu-1"
GPU_TAINT = {"key": "gpu", "value": "true", "effect": "NoSchedule"}

#: the pod of the exercise, as the learner first applies it
TRAINER = {
    "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "trainer", "labels": {"app": "trainer"}},
    "spec": {"nodeSelector": {"accelerator": "nvidia"},
             "containers": [{"name": "train", "image": "nginx:1.25",
                             "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}]},
}


def pending_lab(seed: int = 0) -> Any:
    """The exercise's cluster: 3 workers, GPU node ``gpu-1`` (labelled and tainted), pod ``trainer`` Pending."""
    from ..cluster import Cluster

    c = Cluster(seed=seed, nodes=3)
    c.add_node(GPU_NODE, cpu="8", memory="32Gi", labels={"accelerator": "nvidia"}, taints=[dict(GPU_TAINT)])
    c.run(5)
    c.apply(TRAINER)
    c.run(10)
    return c


_TAINT_ANSWERS = {"tainttoleration", "taint-toleration", "taint", "taints", "taints-and-tolerations",
                  "toleration", "tolerations"}


def check_pending_reason(c: Any, answer: Any) -> CheckResult:
    """Exercise 06.1: which plugin rejects ``gpu-1`` for ``trainer``? (TaintToleration)."""
    ex = "06.1"
    if answer is None or not str(answer).strip():
        return verdict(ex, False, "answer with a plugin name, e.g. 'NodeResourcesFit'")
    a = normalise(answer)
    if a in _TAINT_ANSWERS:
        return verdict(ex, True, "TaintToleration: gpu-1 has the taint gpu=true:NoSchedule and trainer tolerates "
                                 "nothing (every other node fails NodeAffinity: no accelerator=nvidia label)")
    if a in ("nodeaffinity", "node-affinity", "nodeselector", "node-selector"):
        return verdict(ex, False, "NodeAffinity rejects the other three nodes; gpu-1 does have accelerator=nvidia. "
                                  "Look at gpu-1's row of c.scheduler.explain('trainer')")
    if a in ("noderesourcesfit", "node-resources-fit", "resources", "insufficient-cpu"):
        return verdict(ex, False, "gpu-1 has 8 CPUs: plenty of room. Read its row of c.scheduler.explain('trainer')")
    return verdict(ex, False, f"{answer!r} is not the plugin named in gpu-1's row of c.scheduler.explain('trainer')")


def check_trainer_scheduled(c: Any, name: str = "trainer") -> CheckResult:
    """Exercise 06.2: ``trainer`` is bound to gpu-1 and still selects ``accelerator: nvidia``."""
    ex = "06.2"
    try:
        pod = c.client.get("pods", name, "default")
    except Exception:
        return verdict(ex, False, f'there is no pod "{name}": apply it again, with the fix')
    spec = pod.get("spec") or {}
    if (spec.get("nodeSelector") or {}).get("accelerator") != "nvidia" and not _affinity_selects_gpu(spec):
        return verdict(ex, False, "the pod must still ask for accelerator=nvidia: the job needs the GPU")
    node = spec.get("nodeName")
    if not node:
        return verdict(ex, False, "the pod is still Pending: read its events (kubectl describe pod trainer)")
    if node != GPU_NODE:
        return verdict(ex, False, f"the pod runs on {node}, not on {GPU_NODE}")
    tolerates = any((t.get("key") == "gpu" or (not t.get("key") and t.get("operator") == "Exists"))
                    and t.get("effect") in (None, "", "NoSchedule") for t in spec.get("tolerations") or [])
    if not tolerates:
        return verdict(ex, False, "the pod has no toleration for gpu=true:NoSchedule")
    return verdict(ex, True, f"trainer tolerates the gpu taint and was bound to {GPU_NODE}")


def _affinity_selects_gpu(spec: dict) -> bool:
    terms = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
             .get("requiredDuringSchedulingIgnoredDuringExecution") or {}).get("nodeSelectorTerms") or []
    return bool(terms) and all(any(e.get("key") == "accelerator" and "nvidia" in (e.get("values") or [])
                                   for e in t.get("matchExpressions") or []) for t in terms)
