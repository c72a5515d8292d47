"""Exercises of chapter 03, "The API server and kubectl".

1. :func:`check_viewer` — let ServiceAccount ``default/auditor`` read pods, and nothing more.
2. :func:`check_conflict_code` — the HTTP status of an update with a stale resourceVersion.
3. :func:`check_quota` — a ResourceQuota in ``default`` that allows at most 3 pods.
"""

from __future__ import annotations

from typing import Any

from ..apiserver.authn import service_account_user
from ..apiserver.rbac import can_i
from . import CheckResult, verdict


def check_viewer(c: Any) -> CheckResult:
    """03.1: auditor may get/list/watch pods in default, may not delete them nor read secrets."""
    ex = "03.1"
    sa = service_account_user("default", "auditor")
    for verb in ("get", "list", "watch"):
        if not can_i(c.apiserver, sa, verb, "pods", "default")[0]:
            return verdict(ex, False, f"auditor cannot {verb} pods yet: bind a role that allows it (RoleBinding)")
    for verb, res in (("delete", "pods"), ("get", "secrets"), ("create", "deployments")):
        if can_i(c.apiserver, sa, verb, res, "default")[0]:
            return verdict(ex, False, f"auditor can also {verb} {res}: grant less (the view ClusterRole is enough)")
    if can_i(c.apiserver, sa, "list", "pods", "kube-system")[0]:
        return verdict(ex, False, "auditor can list pods in every namespace: use a RoleBinding, not a ClusterRoleBinding")
    return verdict(ex, True, "auditor reads pods in default and nothing else")


def check_conflict_code(answer: Any) -> CheckResult:
    """03.2: a stale resourceVersion is refused with 409 Conflict."""
    ex = "03.2"
    if answer is None:
        return verdict(ex, False, "answer with the HTTP status code, e.g. answer = 200")
    try:
        code = int(answer)
    except (TypeError, ValueError):
        return verdict(ex, False, f"{answer!r} is not a status code")
    if code == 409:
        return verdict(ex, True, "409 Conflict: the object has been modified; re-read it and try again")
    return verdict(ex, False, f"{code} is not it: look at the second writer's error above")


def check_quota(c: Any) -> CheckResult:
    """03.3: a ResourceQuota in default with hard pods=3."""
    ex = "03.3"
    from ..apiserver.admission import _stored

    quotas = _stored(c.apiserver, "resourcequotas", "default")  # read without adding to the trace
    for q in quotas:
        if str(((q.get("spec") or {}).get("hard") or {}).get("pods")) == "3":
            return verdict(ex, True, f"ResourceQuota {q['metadata']['name']} caps default at 3 pods")
    return verdict(ex, False, "no ResourceQuota in default with spec.hard.pods: \"3\" yet")
