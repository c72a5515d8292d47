"""Exercises of chapter 09, "Scaling and monitoring".

1. :func:`check_hpa` — autoscale Deployment ``web`` between 2 and 6 replicas at 60 % CPU, and
   let the HPA compute a replica count from metrics (ScalingActive=True).
2. :func:`check_warning_reason` — find, with ``kubectl events --types=Warning``, the reason of
   the most recent Warning about pod ``typo``.
3. :func:`check_nothing_pending` — every pod of Deployment ``batch`` Running, by giving the
   node group enough room (its max size) for the cluster autoscaler.
"""

from __future__ import annotations

from typing import Any

from . import CheckResult, verdict


def _cpu_target(hpa: dict) -> int | None:
    for m in (hpa.get("spec") or {}).get("metrics") or []:
        if m.get("type") == "Resource" and (m.get("resource") or {}).get("name") == "cpu":
            return ((m["resource"].get("target") or {}).get("averageUtilization"))
    return None


def check_hpa(c: Any, name: str = "web", min_replicas: int = 2, max_replicas: int = 6, cpu_percent: int = 60,
              namespace: str = "default") -> CheckResult:
    ex = "09.1"
    try:
        hpa = c.client.get("horizontalpodautoscalers", name, namespace)
    except Exception:
        return verdict(ex, False, f'no HorizontalPodAutoscaler "{name}" yet: try kubectl autoscale')
    spec = hpa.get("spec") or {}
    ref = spec.get("scaleTargetRef") or {}
    if ref.get("kind") != "Deployment" or ref.get("name") != name:
        return verdict(ex, False, f"it scales {ref.get('kind')}/{ref.get('name')}, not Deployment/{name}")
    got = (spec.get("minReplicas"), spec.get("maxReplicas"), _cpu_target(hpa))
    if got != (min_replicas, max_replicas, cpu_percent):
        return verdict(ex, False, f"min/max/target are {got[0]}/{got[1]}/{got[2]}%, expected "
                                  f"{min_replicas}/{max_replicas}/{cpu_percent}%")
    conds = {x.get("type"): x for x in (hpa.get("status") or {}).get("conditions") or []}
    active = conds.get("ScalingActive") or {}
    if active.get("status") != "True":
        return verdict(ex, False, "the HPA has not computed a replica count from metrics yet "
                                  f"({active.get('reason', 'no status')}): run the cluster a little")
    return verdict(ex, True, f"{name} is autoscaled {min_replicas}..{max_replicas} at {cpu_percent}% CPU "
                             f"({active.get('reason')}); {hpa['status'].get('currentReplicas')} replicas now")


def check_warning_reason(c: Any, answer: str | None, pod: str = "typo", namespace: str = "default") -> CheckResult:
    ex = "09.2"
    events = [e for e in c.client.list("events", namespace, field_selector=f"involvedObject.name={pod}")["items"]
              if e.get("type") == "Warning"]
    if not events:
        return verdict(ex, False, f"there is no Warning about pod {pod} (yet): create it and run the cluster")
    from ..kubectl.events import event_time

    latest = max(events, key=event_time)
    if not answer:
        return verdict(ex, False, 'answer with the REASON column, e.g. answer = "..."')
    if str(answer).strip() == latest.get("reason"):
        return verdict(ex, True, f"{latest['reason']}: {(latest.get('message') or '').strip()}")
    return verdict(ex, False, f"{answer!r} is not the reason of the latest Warning about pod {pod}: "
                              f"look at kubectl events --for pod/{pod} --types=Warning")


def check_nothing_pending(c: Any, deployment: str = "batch", namespace: str = "default") -> CheckResult:
    ex = "09.3"
    try:
        d = c.client.get("deployments", deployment, namespace)
    except Exception:
        return verdict(ex, False, f'no Deployment "{deployment}"')
    sel = ",".join(f"{k}={v}" for k, v in sorted(((d["spec"].get("selector") or {}).get("matchLabels") or {}).items()))
    pods = c.client.list("pods", namespace, label_selector=sel)["items"]
    want = d["spec"].get("replicas", 1)
    pending = sorted(p["metadata"]["name"] for p in pods if (p.get("status") or {}).get("phase") == "Pending")
    running = [p for p in pods if (p.get("status") or {}).get("phase") == "Running"]
    if want < 6:
        return verdict(ex, False, f"{deployment} asks for {want} replicas: keep 6, give the cluster room instead")
    if pending or len(running) < want:
        return verdict(ex, False, f"{len(pending)} {deployment} pods are Pending and {len(running)}/{want} Running: "
                                  "raise the node group's max size and run the cluster")
    nodes = sorted({p["spec"]["nodeName"] for p in running})
    return verdict(ex, True, f"all {want} {deployment} pods are Running, on {', '.join(nodes)}")
