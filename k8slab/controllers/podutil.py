"""Pod helpers shared by controllers: active, ready, available, and which pods to delete first.

upstream: pkg/api/v1/pod/util.go (IsPodReady, IsPodAvailable), pkg/controller/controller_utils.go
(IsPodActive, ActivePodsWithRanks and its Less ordering).
"""

from __future__ import annotations

from ..api.meta import parse_time


def is_active(pod: dict) -> bool:
    """IsPodActive: not Succeeded/Failed and not being deleted."""
    return pod.get("status", {}).get("phase") not in ("Succeeded", "Failed") and \
        not pod["metadata"].get("deletionTimestamp")


def ready_condition(pod: dict) -> dict | None:
    for c in pod.get("status", {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c
    return None


def is_ready(pod: dict) -> bool:
    c = ready_condition(pod)
    return c is not None and c.get("status") == "True"


def ready_since(pod: dict) -> float:
    c = ready_condition(pod)
    if c is None or not c.get("lastTransitionTime"):
        return 0.0
    return parse_time(c["lastTransitionTime"])


def is_available(pod: dict, min_ready_seconds: int, now: float) -> bool:
    """IsPodAvailable: ready for at least minReadySeconds."""
    if not is_ready(pod):
        return False
    if min_ready_seconds <= 0:
        return True
    return ready_since(pod) + min_ready_seconds <= now


def _restarts(pod: dict) -> int:
    return max([cs.get("restartCount", 0) for cs in pod.get("status", {}).get("containerStatuses") or []] or [0])


_PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}


def _rank_key(pod: dict, ranks: dict[str, int]):
    """controller.ActivePodsWithRanks.Less as a sort key: pods to delete first sort first."""
    st = pod.get("status", {})
    node = pod.get("spec", {}).get("nodeName", "")
    ready = is_ready(pod)
    created = pod["metadata"].get("creationTimestamp", "")
    since = ready_since(pod) if ready else 0.0
    return (
        1 if node else 0,                        # 1. unassigned < assigned
        _PHASE_RANK.get(st.get("phase", "Pending"), 3),  # 2. Pending < Unknown < Running
        1 if ready else 0,                       # 3. not ready < ready
        -ranks.get(node, 0),                     # 4. more pods on the same node first (doubled-up)
        -since,                                  # 5. ready for less time first
        -_restarts(pod),                         # 6. more restarts first
        _neg_str(created),                       # 7. newer first
        pod["metadata"].get("uid", ""),
    )


def _neg_str(s: str) -> tuple:
    return tuple(-ord(ch) for ch in s)


def pods_to_delete(active: list[dict], n: int) -> list[dict]:
    """getPodsToDelete: rank by co-location then ActivePods order, take the first ``n``."""
    ranks: dict[str, int] = {}
    for p in active:
        node = p.get("spec", {}).get("nodeName", "")
        if node:
            ranks[node] = ranks.get(node, 0) + 1
    return sorted(active, key=lambda p: _rank_key(p, ranks))[:n]
