"""Exercises of chapter 01, "Architecture: one kubectl apply, end to end".

1. :func:`check_binder` — which component creates the Binding (the "bound pod")?
2. :func:`check_journey` — the order in which the components take part in a Deployment's
   journey, checked against the cluster's own trace.
3. :func:`check_etcd_key` — the etcd key under which the API server stores Deployment ``web``.
4. :func:`check_bare_pod` — create a Pod without a Deployment and get it Running.
"""

from __future__ import annotations

from typing import Any

from ..viz.architecture import APISERVER, CONTROLLER_MANAGER
from ..viz.sequence import apply_journey, merge_records, runtime_records
from ..viz.tables import is_pod_ready, read_objects
from . import CheckResult, normalise, verdict

_SCHEDULER_NAMES = {"default-scheduler", "kube-scheduler", "scheduler"}


def _canonical(name: str) -> str:
    """Fold the names a learner may use onto the trace's: kubelet/node-1 -> kubelet, kube-scheduler -> default-scheduler."""
    n = normalise(name)
    if n.startswith("kubelet"):
        return "kubelet"
    if n.startswith(("runtime", "container-runtime", "containerd", "cri")):
        return "runtime"
    if n in _SCHEDULER_NAMES:
        return "default-scheduler"
    if n in ("apiserver", "api-server", "kube-api-server"):
        return APISERVER
    return n


# ----------------------------------------------------------------------------- 1


def check_binder(c: Any, answer: str | None) -> CheckResult:
    """Exercise 01.1: the component that POSTs ``pods/binding``, as named in ``c.trace``."""
    ex = "01.1"
    binders = sorted({r.source for r in c.trace if r.verb == "create/binding"})
    if not binders:
        return verdict(ex, False, "no Binding in the trace yet: apply a Deployment and run the cluster first")
    if not answer:
        return verdict(ex, False, "answer with the component's name, e.g. answer = \"...\"")
    if _canonical(answer) in {_canonical(b) for b in binders}:
        return verdict(ex, True, f"{', '.join(binders)} POSTs pods/<name>/binding; the API server then sets "
                                 "spec.nodeName and the kubelet of that node sees the pod")
    return verdict(ex, False, f"{answer!r} never creates a Binding; look for verb 'create/binding' in c.trace")


# ----------------------------------------------------------------------------- 2


def journey_order(c: Any, name: str = "web", namespace: str = "default") -> list[str]:
    """The components of Deployment ``name``'s journey in order of first appearance.

    The journey is :func:`k8slab.viz.apply_journey` plus the kubelet -> runtime steps read
    from the pod's Events; every kubelet is folded to ``kubelet``, every runtime to ``runtime``.
    ``kube-controller-manager`` (the process whose shared informers receive the controllers'
    watch events) is left out: the controllers inside it are listed instead.
    """
    journey = apply_journey(c.trace, name, namespace)
    journey = merge_records(journey, runtime_records(c, journey, namespace))
    order: list[str] = []
    for r in journey:
        for who in (r.source, r.target):
            w = _canonical(who)
            if w != CONTROLLER_MANAGER and w not in order:
                order.append(w)
    return order


def check_journey(c: Any, answer: list[str] | None, name: str = "web", namespace: str = "default") -> CheckResult:
    """Exercise 01.2: ``answer`` lists the components in the order they first take part."""
    ex = "01.2"
    truth = journey_order(c, name, namespace)
    if not truth:
        return verdict(ex, False, f"the trace holds no journey of deployment/{name}: apply it and run the cluster")
    if not answer:
        return verdict(ex, False, f"answer with a list of {len(truth)} component names, first one \"kubectl\"")
    got = [_canonical(a) for a in answer if _canonical(a) != CONTROLLER_MANAGER]  # optional: the process
    if got == truth:
        return verdict(ex, True, " -> ".join(truth))
    for i, (g, t) in enumerate(zip(got, truth)):
        if g != t:
            return verdict(ex, False, f"position {i + 1}: {g!r} is not who comes next after "
                                      f"{truth[i - 1] if i else 'nothing'}")
    return verdict(ex, False, f"{len(got)} names given, the trace shows {len(truth)}")


# ----------------------------------------------------------------------------- 3


def check_etcd_key(c: Any, answer: str | None, name: str = "web", namespace: str = "default") -> CheckResult:
    """Exercise 01.3: the etcd key of Deployment ``name`` (it must exist in the cluster's store)."""
    ex = "01.3"
    key = c.apiserver.key(c.apiserver.resource("deployments"), namespace, name)
    if c.store.get(key) is None:
        return verdict(ex, False, f"deployment/{name} is not stored yet: apply it first")
    if not answer:
        return verdict(ex, False, "answer with the key as a string, starting with /registry/")
    if str(answer).strip() == key:
        return verdict(ex, True, f"{key} holds the Deployment as JSON; its mod_revision is the resourceVersion")
    if not str(answer).startswith("/registry/"):
        return verdict(ex, False, "every key the API server writes starts with /registry/")
    return verdict(ex, False, f"{answer!r} is not a key in etcd; the shape is /registry/<resource>/<namespace>/<name>")


# ----------------------------------------------------------------------------- 4


def check_bare_pod(c: Any, name: str = "hello", namespace: str = "default") -> CheckResult:
    """Exercise 01.4: Pod ``name`` exists with no owner, is bound to a node and is Ready."""
    ex = "01.4"
    pods = {p["metadata"]["name"]: p for p in read_objects(c, "pods", namespace)}
    pod = pods.get(name)
    if pod is None:
        return verdict(ex, False, f'pods "{name}" not found: create it with c.apply(...) (kind: Pod)')
    if pod["metadata"].get("ownerReferences"):
        return verdict(ex, False, f"pod/{name} is owned by {pod['metadata']['ownerReferences'][0]['kind']}: "
                                  "create a bare Pod, not a Deployment")
    node = pod.get("spec", {}).get("nodeName")
    if not node:
        return verdict(ex, False, f"pod/{name} is not bound to a node yet: step or run the cluster")
    if not is_pod_ready(pod):
        return verdict(ex, False, f"pod/{name} is on {node} but not Ready yet: keep stepping")
    actors = sorted({_canonical(r.source) for r in c.trace if r.kind == "Pod" and r.name == name
                     and r.target == APISERVER})
    return verdict(ex, True, f"pod/{name} runs on {node}; components that wrote it: {', '.join(actors)} "
                             "(no controller: nobody will replace it if it dies)")


__all__ = ["check_binder", "check_journey", "journey_order", "check_etcd_key", "check_bare_pod"]
