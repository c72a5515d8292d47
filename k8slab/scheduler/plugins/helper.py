"""Shared plugin helpers.

upstream: pkg/scheduler/framework/plugins/helper/normalize_score.go (``DefaultNormalizeScore``),
shape_score.go (``BuildBrokenLinearFunction``), spread.go (``DefaultSelector``),
taint.go (``DoNotScheduleTaintsFilterFunc``).
"""

from __future__ import annotations

from typing import Any, Callable

from ..framework.interface import NodeScore
from ..util import go_div

#: taint effects Filter cares about (upstream: DoNotScheduleTaintsFilterFunc)
DO_NOT_SCHEDULE_EFFECTS = ("NoSchedule", "NoExecute")


def default_normalize_score(max_priority: int, reverse: bool, scores: list[NodeScore]) -> None:
    """Scale scores to [0, max_priority] by the highest score; ``reverse`` flips them."""
    max_count = 0
    for s in scores:
        if s.score > max_count:
            max_count = s.score
    if max_count == 0:
        if reverse:
            for s in scores:
                s.score = max_priority
        return
    for s in scores:
        score = go_div(max_priority * s.score, max_count)
        s.score = max_priority - score if reverse else score


def default_normalize_ints(max_priority: int, reverse: bool, scores: list[int]) -> list[int]:
    """default_normalize_score on plain ints (the framework's fast path)."""
    max_count = max(scores, default=0)
    if max_count <= 0:
        return [max_priority] * len(scores) if reverse else [0 if s <= 0 else s for s in scores]
    out = [go_div(max_priority * s, max_count) for s in scores]
    return [max_priority - s for s in out] if reverse else out


def build_broken_linear_function(shape: list[tuple[int, int]]) -> Callable[[int], int]:
    """A piecewise-linear function through (utilization, score) points, flat outside them."""

    def f(p: int) -> int:
        for i, (u, s) in enumerate(shape):
            if p <= u:
                if i == 0:
                    return shape[0][1]
                pu, ps = shape[i - 1]
                return ps + go_div((s - ps) * (p - pu), u - pu)
        return shape[-1][1]

    return f


def default_selector(pod: dict, rs_lister: Any) -> tuple[Any, bool]:
    """upstream: helper.DefaultSelector -- the selector of the pod's controlling ReplicaSet.

    Returns (selector, empty). k8slab serves no Services, ReplicationControllers or
    StatefulSets, so only a controlling ReplicaSet contributes (as upstream for those pods).
    """
    from ..selectors import is_empty_label_selector, label_selector

    owner = None
    for ref in (pod.get("metadata") or {}).get("ownerReferences") or ():
        if ref.get("controller"):
            owner = ref
            break
    if owner is None or rs_lister is None:
        return None, True
    if owner.get("kind") != "ReplicaSet" or owner.get("apiVersion") != "apps/v1":
        return None, True
    rs = rs_lister(pod["metadata"].get("namespace", "default"), owner.get("name", ""))
    if rs is None:
        return None, True
    sel = (rs.get("spec") or {}).get("selector")
    if sel is None or is_empty_label_selector(sel):
        return None, True
    try:
        return label_selector(sel), False
    except ValueError:
        return None, True
