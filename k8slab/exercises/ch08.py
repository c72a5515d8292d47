"""Exercises of chapter 08, "Services, kube-proxy and DNS".

1. :func:`check_service` — create a Service ``hello`` that sends port 80 to the ``hello``
   pods' port 9376, and see its EndpointSlice list three ready endpoints.
2. :func:`check_dns_name` — the fully-qualified DNS name a pod in ``kube-system`` can
   always use for Service ``hello`` in ``default``.
3. :func:`check_no_traffic_to_unready` — make pod X not ready and show (with traffic) that
   it gets no requests while the others keep answering.
"""

from __future__ import annotations

from typing import Any

from . import CheckResult, verdict


def check_service(c: Any) -> CheckResult:
    ex = "08.1"
    try:
        svc = c.client.get("services", "hello", "default")
    except Exception:
        return verdict(ex, False, 'no Service "hello" in namespace default yet')
    spec = svc["spec"]
    if (spec.get("selector") or {}) != {"app": "hello"}:
        return verdict(ex, False, f"the selector is {spec.get('selector')}; it must pick the pods labelled app=hello")
    ports = spec.get("ports") or []
    if not any(p.get("port") == 80 and p.get("targetPort") in (9376, "http") for p in ports):
        return verdict(ex, False, "port 80 must forward to the pods' port 9376 (targetPort)")
    ready = [e for s in c.client.list("endpointslices", "default",
                                      label_selector="kubernetes.io/service-name=hello")["items"]
             for e in s.get("endpoints") or [] if (e.get("conditions") or {}).get("ready")]
    if len(ready) != 3:
        return verdict(ex, False, f"the EndpointSlice lists {len(ready)} ready endpoints, expected 3: run the cluster")
    return verdict(ex, True, f"hello has ClusterIP {spec['clusterIP']} and 3 ready endpoints")


def check_dns_name(answer: str | None) -> CheckResult:
    ex = "08.2"
    want = "hello.default.svc.cluster.local"
    if not answer:
        return verdict(ex, False, 'answer with a name, e.g. answer = "..."')
    if str(answer).strip().rstrip(".").lower() == want:
        return verdict(ex, True, f"{want} resolves from every namespace (a short name 'hello' would be looked "
                                 "up as hello.kube-system.svc.cluster.local first)")
    return verdict(ex, False, f"{answer!r} is not the fully-qualified name: <service>.<namespace>.svc.<cluster domain>")


def check_no_traffic_to_unready(c: Any, df: Any) -> CheckResult:
    """``df``: a traffic DataFrame sent while one hello pod was not ready."""
    ex = "08.3"
    pods = {p["metadata"]["name"]: p for p in c.client.list("pods", "default", label_selector="app=hello")["items"]}
    unready = sorted(n for n, p in pods.items()
                     if not any(cd.get("type") == "Ready" and cd.get("status") == "True"
                                for cd in (p.get("status") or {}).get("conditions") or []))
    if not unready:
        return verdict(ex, False, "every hello pod is ready: make one fail its readiness probe first")
    if df is None or len(df) == 0:
        return verdict(ex, False, "send some traffic first (traffic.send_requests)")
    hit = sorted(set(df["pod"]) & set(unready))
    if hit:
        return verdict(ex, False, f"{', '.join(hit)} answered requests: send the traffic after it became not ready")
    if (df["error"] != "").any():
        return verdict(ex, False, "some requests failed: keep at least one hello pod ready")
    return verdict(ex, True, f"{', '.join(unready)} got no request; the ready pods answered all {len(df)}")
