"""Exercises of chapter 04, "Pods".

1. :func:`check_shared_volume` — a two-container pod ``sidecar`` whose nginx serves a page
   another container writes into a shared emptyDir.
2. :func:`check_new_ip` — after a pod is replaced, does it keep its IP? (answer "yes"/"no")
"""

from __future__ import annotations

from typing import Any

from . import CheckResult, verdict

__all__ = ["check_shared_volume", "check_new_ip"]


def check_shared_volume(c: Any, name: str = "sidecar", expect: str = "Hello") -> CheckResult:
    """Exercise 04.1: ``wget`` on localhost:80 from inside the pod returns a page containing ``expect``."""
    ex = "04.1"
    try:
        pod = c.client.get("pods", name, "default")
    except Exception:
        return verdict(ex, False, f'there is no pod "{name}" yet: apply one with two containers')
    spec = pod.get("spec") or {}
    containers = spec.get("containers") or []
    if len(containers) < 2:
        return verdict(ex, False, f"pod {name} has {len(containers)} container(s); a sidecar needs two")
    empty = {v["name"] for v in spec.get("volumes") or [] if "emptyDir" in v}
    mounted = [{m.get("name") for m in ct.get("volumeMounts") or []} & empty for ct in containers]
    if not empty or sum(1 for m in mounted if m) < 2:
        return verdict(ex, False, "both containers must mount the same emptyDir volume")
    try:
        page = c.apiserver.pod_exec("default", name, ["wget", "-q", "-O-", "http://localhost:80/"],
                                    container=containers[0].get("name"),
                                    source="checker")[1]
    except Exception as e:
        return verdict(ex, False, f"could not reach the pod's web server: {getattr(e, 'message', e)}")
    if expect not in page:
        return verdict(ex, False, f"localhost:80 answers, but without {expect!r}: write it into the shared volume")
    return verdict(ex, True, "the writer and nginx share the emptyDir, and both are on the pod's localhost")


def check_new_ip(answer: str | None) -> CheckResult:
    """Exercise 04.2: a replaced pod gets a new IP (so clients need a Service)."""
    ex = "04.2"
    if not answer:
        return verdict(ex, False, 'answer "yes" or "no"')
    if answer.strip().lower() in ("no", "n", "false"):
        return verdict(ex, True, "a new pod is a new sandbox: the CNI hands it a new IP, which is why Services exist")
    return verdict(ex, False, "look at the IP column of `get pods -o wide` before and after the replacement")
