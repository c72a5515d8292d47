"""Helpers the scheduler shares: pod resource requests, taints/tolerations, pod ordering.

upstream: staging/src/k8s.io/component-helpers/resource/helpers.go (``PodRequests``,
``AggregateContainerRequests``, ``applyNonMissing``), pkg/scheduler/util/pod_resources.go
(``DefaultMilliCPURequest`` 100m, ``DefaultMemoryRequest`` 200Mi), pkg/scheduler/util/utils.go
(``MoreImportantPod``, ``IsScalarResourceName``), pkg/apis/core/v1/helper/helpers.go
(``ToleratesTaint``, ``FindMatchingUntoleratedTaint``, ``IsExtendedResourceName``).

Quantities are added exactly (as ``resource.Quantity`` does) and only then rounded up to
millicores (cpu) or whole units (everything else), as ``MilliValue()``/``Value()`` do.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any, Iterable

from ..api.meta import parse_time
from ..api.quantity import milli_value, parse_quantity, value

#: upstream: pkg/scheduler/util/pod_resources.go
DEFAULT_MILLI_CPU_REQUEST = 100  # 0.1 core
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024  # 200 MiB

_NON_MISSING = {"cpu": Decimal(DEFAULT_MILLI_CPU_REQUEST) / 1000, "memory": Decimal(DEFAULT_MEMORY_REQUEST)}


@functools.lru_cache(maxsize=8192)
def _quantity(q: Any) -> Decimal:
    try:
        return parse_quantity(q)
    except (ValueError, ArithmeticError):
        return Decimal(0)


def quantity_milli(q: Any) -> int:
    """``Quantity.MilliValue()`` (cached)."""
    return milli_value(_quantity(q))


def quantity_value(q: Any) -> int:
    """``Quantity.Value()`` (cached)."""
    return value(_quantity(q))


def _requests_of(container: dict) -> dict[str, Decimal]:
    res = container.get("resources") or {}
    req = res.get("requests") or {}
    return {k: _quantity(v) for k, v in req.items()}


def _add(dst: dict, src: dict) -> None:
    for k, v in src.items():
        dst[k] = dst.get(k, 0) + v


def _max(dst: dict, src: dict) -> None:
    for k, v in src.items():
        if k not in dst or v > dst[k]:
            dst[k] = v


def pod_requests(spec: dict, non_missing: bool = False) -> dict[str, Decimal]:
    """resource.PodRequests: sum of containers, max with init containers, plus overhead.

    Restartable (sidecar) init containers add to the sum and to every later init
    container's peak. With ``non_missing`` a container that does not request cpu or memory
    counts as requesting 100m / 200Mi (``NonMissingContainerRequests``); an explicit ``0``
    stays 0, as upstream's ``applyNonMissing`` does.
    """
    reqs: dict[str, Decimal] = {}
    for c in spec.get("containers") or ():
        r = _requests_of(c)
        if non_missing:
            for k, d in _NON_MISSING.items():
                r.setdefault(k, d)
        _add(reqs, r)
    restartable: dict[str, Decimal] = {}
    init_max: dict[str, Decimal] = {}
    for c in spec.get("initContainers") or ():
        r = _requests_of(c)
        if non_missing:
            for k, d in _NON_MISSING.items():
                r.setdefault(k, d)
        if c.get("restartPolicy") == "Always":
            _add(reqs, r)
            _add(restartable, r)
            cur = dict(restartable)
        else:
            cur = dict(r)
            _add(cur, restartable)
        _max(init_max, cur)
    _max(reqs, init_max)
    overhead = spec.get("overhead")
    if overhead:
        _add(reqs, {k: _quantity(v) for k, v in overhead.items()})
    return reqs


def is_extended_resource_name(name: str) -> bool:
    """upstream: v1helper.IsExtendedResourceName (a domain-prefixed name outside kubernetes.io)."""
    return "/" in name and "kubernetes.io/" not in name and not name.startswith("requests.")


def is_scalar_resource_name(name: str) -> bool:
    """upstream: schedutil.IsScalarResourceName (extended, hugepages-*, kubernetes.io/*, attachable-volumes-*)."""
    return ("/" in name and not name.startswith("requests.")) or name.startswith("hugepages-") \
        or name.startswith("attachable-volumes-")


def resource_amount(name: str, amount: Decimal) -> int:
    """cpu in millicores, everything else in whole units (rounded up)."""
    return milli_value(amount) if name == "cpu" else value(amount)


# ---------------------------------------------------------------- taints and tolerations

def tolerates_taint(tol: dict, taint: dict) -> bool:
    """upstream: Toleration.ToleratesTaint (empty effect/key match all; empty operator is Equal)."""
    effect = tol.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = tol.get("key") or ""
    if key and key != taint.get("key"):
        return False
    op = tol.get("operator") or "Equal"
    if op == "Equal":
        return (tol.get("value") or "") == (taint.get("value") or "")
    return op == "Exists"


def tolerations_tolerate_taint(tolerations: Iterable[dict], taint: dict) -> bool:
    return any(tolerates_taint(t, taint) for t in tolerations)


def find_matching_untolerated_taint(taints: Iterable[dict], tolerations: list[dict], effects: tuple[str, ...]):
    """upstream: v1helper.FindMatchingUntoleratedTaint -- the first taint with one of ``effects``
    that no toleration tolerates, or None."""
    for taint in taints:
        if taint.get("effect") not in effects:
            continue
        if not tolerations_tolerate_taint(tolerations, taint):
            return taint
    return None


# ---------------------------------------------------------------- pods

def pod_priority(pod: dict) -> int:
    """upstream: corev1helpers.PodPriority (0 when unset)."""
    p = (pod.get("spec") or {}).get("priority")
    return p if isinstance(p, int) else 0


def pod_start_time(pod: dict) -> float | None:
    st = (pod.get("status") or {}).get("startTime")
    if not st:
        return None
    try:
        return parse_time(st)
    except ValueError:
        return None


def more_important_pod(p1: dict, p2: dict) -> bool:
    """upstream: util.MoreImportantPod -- higher priority, then earlier start time."""
    a, b = pod_priority(p1), pod_priority(p2)
    if a != b:
        return a > b
    t1, t2 = pod_start_time(p1), pod_start_time(p2)
    if t1 is None:
        return False
    if t2 is None:
        return True
    return t1 < t2


def go_div(a: int, b: int) -> int:
    """Go's integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q
