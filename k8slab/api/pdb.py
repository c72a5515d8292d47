"""PodDisruptionBudget helpers shared by the eviction subresource and the disruption controller.

upstream: staging/src/k8s.io/component-helpers/apps/poddisruptionbudget/helpers.go
(UpdateDisruptionAllowedCondition), staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/
helpers (LabelSelectorAsSelector), pkg/api/v1/pod/util.go (IsPodReady),
staging/src/k8s.io/apimachinery/pkg/util/intstr (GetScaledValueFromIntOrPercent).
Pure functions over JSON-shaped objects; no component state.
"""

from __future__ import annotations

from typing import Any

from .meta import rfc3339

#: policy/v1 constants (staging/src/k8s.io/api/policy/v1/types.go)
DISRUPTION_ALLOWED_CONDITION = "DisruptionAllowed"
SYNC_FAILED_REASON = "SyncFailed"
SUFFICIENT_PODS_REASON = "SufficientPods"
INSUFFICIENT_PODS_REASON = "InsufficientPods"
DISRUPTION_BUDGET_CAUSE = "DisruptionBudget"
IF_HEALTHY_BUDGET = "IfHealthyBudget"
ALWAYS_ALLOW = "AlwaysAllow"


def pdb_selects(pdb: dict, pod: dict) -> bool:
    """Whether ``pdb`` covers ``pod``: same namespace, a non-empty selector that matches its labels.

    upstream: eviction.go getPodDisruptionBudgets and disruption.go getPodsForPdb — "a PDB
    with a nil or empty selector ... should match nothing, not everything"; an invalid
    selector matches nothing.
    """
    from .selector import selector_from_label_selector

    if pdb["metadata"].get("namespace") != pod["metadata"].get("namespace"):
        return False
    try:
        sel = selector_from_label_selector(pdb.get("spec", {}).get("selector"))
    except ValueError:
        return False
    if sel.empty() or sel.matches_nothing():
        return False
    return sel.matches(pod["metadata"].get("labels") or {})


def is_pod_ready(pod: dict) -> bool:
    """IsPodReady: the Ready condition is True."""
    for c in pod.get("status", {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False


def scaled_value(v: Any, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent: an int as is, ``"N%"`` of ``total`` rounded."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    s = str(v)
    if not s.endswith("%"):
        raise ValueError("invalid value for IntOrString: invalid type: string is not a percentage")
    try:
        pct = int(s[:-1])
    except ValueError:
        raise ValueError(f"invalid value {s!r}: strconv.Atoi: parsing {s[:-1]!r}: invalid syntax")
    x = pct * total
    return -(-x // 100) if round_up else x // 100


def set_condition(conditions: list[dict], cond: dict, now: float) -> None:
    """apimeta.SetStatusCondition: lastTransitionTime moves only when the status changes."""
    for c in conditions:
        if c.get("type") == cond["type"]:
            if c.get("status") != cond["status"]:
                c["status"] = cond["status"]
                c["lastTransitionTime"] = rfc3339(now)
            c["reason"] = cond["reason"]
            c["message"] = cond.get("message", "")
            c["observedGeneration"] = cond.get("observedGeneration", 0)
            return
    conditions.append({"type": cond["type"], "status": cond["status"],
                       "observedGeneration": cond.get("observedGeneration", 0),
                       "lastTransitionTime": rfc3339(now), "reason": cond["reason"],
                       "message": cond.get("message", "")})


def update_disruption_allowed_condition(pdb: dict, now: float) -> None:
    """UpdateDisruptionAllowedCondition: True/SufficientPods when disruptions are allowed, else False/InsufficientPods."""
    st = pdb.setdefault("status", {})
    conds = st.setdefault("conditions", [])
    allowed = st.get("disruptionsAllowed", 0) > 0
    set_condition(conds, {"type": DISRUPTION_ALLOWED_CONDITION, "status": "True" if allowed else "False",
                          "reason": SUFFICIENT_PODS_REASON if allowed else INSUFFICIENT_PODS_REASON,
                          "message": "", "observedGeneration": st.get("observedGeneration", 0)}, now)



# ---------------------------------------------------------------------- validation
def validate_pdb(pdb: dict) -> list:
    """ValidatePodDisruptionBudget (pkg/apis/policy/validation/validation.go), registered for the kind.

    Simplification: upstream prints the whole spec with Go pointers for "cannot be both
    set"; k8slab prints the pointers as the placeholder the other kinds use.
    """
    from . import validation as v

    errs: list = []
    spec = pdb.get("spec")
    if not isinstance(spec, dict):
        spec = {}
    path = "spec"
    mn, mx = spec.get("minAvailable"), spec.get("maxUnavailable")
    if mn is not None and mx is not None:
        errs.append(v._invalid_go(path, "policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)("
                                        f"{v.GO_POINTER}), Selector:(*v1.LabelSelector)({v.GO_POINTER}), "
                                        f"MaxUnavailable:(*intstr.IntOrString)({v.GO_POINTER}), "
                                        + ("UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}"
                                           if spec.get("unhealthyPodEvictionPolicy") is None else
                                           f"UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)({v.GO_POINTER})}}"),
                                  "minAvailable and maxUnavailable cannot be both set"))
    for name, val in (("minAvailable", mn), ("maxUnavailable", mx)):
        if val is None:
            continue
        p = f"{path}.{name}"
        errs += v._positive_int_or_percent(val, p)
        if isinstance(val, str) and not v.is_valid_percent(val) and int(val[:-1]) > 100:
            errs.append(v._invalid_go(p, v.go_intstr(val), "must not be greater than 100%"))
    sel = spec.get("selector")
    if isinstance(sel, dict):
        errs += v._validate_label_selector(sel, f"{path}.selector")
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in (ALWAYS_ALLOW, IF_HEALTHY_BUDGET):
        errs.append(v.not_supported(f"{path}.unhealthyPodEvictionPolicy", policy, [ALWAYS_ALLOW, IF_HEALTHY_BUDGET]))
    return errs


def _register() -> None:
    from .validation import register_kind

    register_kind("PodDisruptionBudget", True, validate_pdb)


_register()
