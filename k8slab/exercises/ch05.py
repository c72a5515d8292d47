"""Exercises of chapter 05, "The kubelet and the container runtime".

1. :func:`check_liveness` — give pod ``probe-me`` a liveness probe that restarts it when
   /tmp/healthy disappears.
2. :func:`check_oom_fixed` — make ``memory-demo-2`` run: a memory limit it fits in.
"""

from __future__ import annotations

from typing import Any

from . import CheckResult, verdict

__all__ = ["check_liveness", "check_oom_fixed"]


def _pod(c: Any, name: str) -> dict | None:
    try:
        return c.client.get("pods", name, "default")
    except Exception:
        return None


def check_liveness(c: Any, name: str = "probe-me") -> CheckResult:
    """Exercise 05.1: the pod has a liveness probe and was restarted because of it."""
    ex = "05.1"
    pod = _pod(c, name)
    if pod is None:
        return verdict(ex, False, f'there is no pod "{name}"')
    spec = (pod["spec"].get("containers") or [{}])[0]
    if not spec.get("livenessProbe"):
        return verdict(ex, False, "the container has no livenessProbe")
    killed = [e for e in c.client.list("events", "default")["items"]
              if e["involvedObject"].get("name") == name and e["reason"] == "Killing"
              and "failed liveness probe" in e.get("message", "")]
    restarts = ((pod.get("status") or {}).get("containerStatuses") or [{}])[0].get("restartCount", 0)
    if not killed or restarts < 1:
        return verdict(ex, False, "the probe has not restarted the container yet: run the cluster longer, "
                                  "or check that the probe fails once /tmp/healthy is gone")
    return verdict(ex, True, f"the kubelet killed and restarted the container ({restarts} restart(s))")


def check_oom_fixed(c: Any, name: str = "memory-demo-2") -> CheckResult:
    """Exercise 05.2: the stress container runs within its limit (not OOMKilled any more)."""
    ex = "05.2"
    pod = _pod(c, name)
    if pod is None:
        return verdict(ex, False, f'there is no pod "{name}"')
    cs = ((pod.get("status") or {}).get("containerStatuses") or [{}])[0]
    state = cs.get("state") or {}
    if "running" not in state:
        why = (state.get("waiting") or state.get("terminated") or {}).get("reason", "not running")
        return verdict(ex, False, f"the container is {why}")
    term = (cs.get("lastState") or {}).get("terminated") or {}
    if term.get("reason") == "OOMKilled" and cs.get("restartCount", 0) > 0 and \
            c.now - _since(term.get("finishedAt")) < 30:
        return verdict(ex, False, "it was OOMKilled less than 30 s ago; run the cluster a little longer")
    return verdict(ex, True, "the limit is above what the process allocates: no OOM kill")


def _since(ts: str | None) -> float:
    from ..api.meta import parse_time

    return parse_time(ts) if ts else 0.0
