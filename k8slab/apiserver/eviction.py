"""The ``pods/eviction`` subresource: delete a pod unless that would break its PodDisruptionBudget.

upstream: pkg/registry/core/pod/storage/eviction.go (EvictionREST.Create, canIgnorePDB,
checkAndDecrement, getPodDisruptionBudgets, createTooManyRequestsError). The handler
reads the pod; a pod that is Pending, finished or already being deleted is deleted at
once. Otherwise the pod's one PDB (more than one is a 500) must allow a disruption: its
``status.disruptionsAllowed`` is decremented and the pod recorded in
``status.disruptedPods`` (so the disruption controller does not count it) before the pod
is deleted with a resourceVersion precondition. A budget with no disruption left gives
``429 TooManyRequests: Cannot evict pod as it would violate the pod's disruption budget.``
with a ``DisruptionBudget`` cause. An unready pod may go while the budget is met
(``unhealthyPodEvictionPolicy`` IfHealthyBudget, the default) or always (AlwaysAllow).

Simplification: upstream retries a conflicting PDB write up to 20 times; here every
read is fresh within one kernel event, so there is nothing to retry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..api import errors
from ..api import pdb as pdbutil
from ..api.meta import rfc3339

if TYPE_CHECKING:  # pragma: no cover
    from .server import APIServer

TOO_MANY_REQUESTS_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget."
#: MaxDisruptedPodSize
MAX_DISRUPTED_POD_SIZE = 2000


def too_many_requests(message: str, retry_after: int, cause: str) -> errors.ApiError:
    """errors.NewTooManyRequests with a DisruptionBudget cause (retryAfterSeconds omitted when 0)."""
    details: dict = {}
    if retry_after:
        details["retryAfterSeconds"] = retry_after
    details["causes"] = [{"reason": pdbutil.DISRUPTION_BUDGET_CAUSE, "message": cause}]
    return errors.ApiError(429, "TooManyRequests", message, details)


def _can_ignore_pdb(pod: dict) -> bool:
    return pod.get("status", {}).get("phase") in ("Succeeded", "Failed", "Pending") or \
        bool(pod["metadata"].get("deletionTimestamp"))


def _should_enforce_resource_version(pod: dict) -> bool:
    return not (pod.get("status", {}).get("phase") in ("Succeeded", "Failed") or pod["metadata"].get("deletionTimestamp"))


def evict(server: "APIServer", namespace: str, name: str, *, source: str, delete_options: dict | None = None) -> dict:
    """POST pods/<name>/eviction; returns a Success Status or raises the ApiError upstream returns."""
    opts = dict(delete_options or {})
    dry_run = bool(opts.get("dryRun"))
    preconditions = dict(opts.get("preconditions") or {}) or None
    rv_unset = not (preconditions and preconditions.get("resourceVersion"))
    pod = server.get("pods", namespace, name, source=server.name)
    success = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}

    def delete(pre: dict | None) -> None:
        server.delete("pods", namespace, name, grace_period_seconds=opts.get("gracePeriodSeconds"),
                      propagation_policy=opts.get("propagationPolicy"), preconditions=pre, source=server.name,
                      dry_run=dry_run)

    if _can_ignore_pdb(pod):
        pre = preconditions
        if _should_enforce_resource_version(pod) and rv_unset:
            pre = {**(preconditions or {}), "resourceVersion": pod["metadata"]["resourceVersion"]}
        delete(pre)
        return success

    pdbs = [p for p in server.list("poddisruptionbudgets", namespace, source=server.name)["items"]
            if pdbutil.pdb_selects(p, pod)]
    if len(pdbs) > 1:
        raise errors.ApiError(500, "", "This pod has more than one PodDisruptionBudget, which the eviction "
                                       "subresource does not support.")
    update_preconditions = False
    if pdbs:
        pdb = pdbs[0]
        spec, st = pdb.get("spec", {}), pdb.setdefault("status", {})
        if not pdbutil.is_pod_ready(pod) and (
                spec.get("unhealthyPodEvictionPolicy") == pdbutil.ALWAYS_ALLOW or
                (st.get("currentHealthy", 0) >= st.get("desiredHealthy", 0) and st.get("desiredHealthy", 0) > 0)):
            update_preconditions = True
        else:
            _check_and_decrement(server, pod, pdb, dry_run)
    pre = preconditions
    if update_preconditions:
        pre = {**(preconditions or {}), "resourceVersion": pod["metadata"]["resourceVersion"]}
    try:
        delete(pre)
    except errors.ApiError as e:
        if e.code == 409 and update_preconditions and rv_unset:
            raise too_many_requests(TOO_MANY_REQUESTS_MESSAGE, 10,
                                    f"The disruption budget {pdbs[0]['metadata']['name']} is still being processed "
                                    "by the server.")
        raise
    return success


def _check_and_decrement(server: "APIServer", pod: dict, pdb: dict, dry_run: bool) -> None:
    st = pdb["status"]
    name = pdb["metadata"]["name"]
    gen = pdb["metadata"].get("generation")
    if gen is not None and st.get("observedGeneration", 0) < gen:
        raise too_many_requests(TOO_MANY_REQUESTS_MESSAGE, 10,
                                f"The disruption budget {name} is still being processed by the server.")
    allowed = st.get("disruptionsAllowed", 0)
    if allowed < 0:
        raise errors.forbidden("poddisruptionbudget", "policy", name, "pdb disruptions allowed is negative")
    if len(st.get("disruptedPods") or {}) > MAX_DISRUPTED_POD_SIZE:
        raise errors.forbidden("poddisruptionbudget", "policy", name,
                               "DisruptedPods map too big - too many evictions not confirmed by PDB controller")
    if allowed == 0:
        raise too_many_requests(TOO_MANY_REQUESTS_MESSAGE, 0,
                                f"The disruption budget {name} needs {st.get('desiredHealthy', 0)} healthy pods "
                                f"and has {st.get('currentHealthy', 0)} currently")
    st["disruptionsAllowed"] = allowed - 1
    if st["disruptionsAllowed"] == 0:
        pdbutil.update_disruption_allowed_condition(pdb, server.kernel.now)
    if dry_run:
        return
    st.setdefault("disruptedPods", {})[pod["metadata"]["name"]] = rfc3339(server.kernel.now)
    server.update("poddisruptionbudgets", pdb["metadata"]["namespace"], pdb, subresource="status", source=server.name)
