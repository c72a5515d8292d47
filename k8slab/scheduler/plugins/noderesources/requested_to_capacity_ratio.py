"""RequestedToCapacityRatio: score utilization through a user-given piecewise-linear shape.

upstream: pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio.go --
shape scores (0..10, ``MaxCustomPriorityScore``) are scaled by 10 to 0..100; a resource
scores ``shape(requested * 100 / capacity)`` (``shape(100)`` when over capacity); only
resources scoring above 0 count in the weighted mean, which is rounded half away from zero.
"""

from __future__ import annotations

import math

from ...framework.interface import MAX_NODE_SCORE
from ..helper import build_broken_linear_function

#: upstream: config.MaxCustomPriorityScore
MAX_CUSTOM_PRIORITY_SCORE = 10
MAX_UTILIZATION = 100


def validate_function_shape(shape: list[dict], path: str) -> list[str]:
    """upstream: validation.validateFunctionShape."""
    if not shape:
        return [f"{path}: Required value: at least one point must be specified"]
    errs = []
    for i in range(1, len(shape)):
        if shape[i - 1].get("utilization", 0) >= shape[i].get("utilization", 0):
            errs.append(f"{path}[{i}].utilization: Invalid value: {shape[i].get('utilization', 0)}: "
                        f"utilization values must be sorted in increasing order")
            break
    for i, p in enumerate(shape):
        u, s = p.get("utilization", 0), p.get("score", 0)
        if u < 0 or u > MAX_UTILIZATION:
            errs.append(f"{path}[{i}].utilization: Invalid value: {u}: not in valid range [0, 100]")
        if s < 0 or s > MAX_CUSTOM_PRIORITY_SCORE:
            errs.append(f"{path}[{i}].score: Invalid value: {s}: not in valid range [0, 10]")
    return errs


def requested_to_capacity_ratio_scorer(resources: list[tuple[str, int]], shape: list[dict]):
    points = [(int(p.get("utilization", 0)), int(p.get("score", 0)) * (MAX_NODE_SCORE // MAX_CUSTOM_PRIORITY_SCORE))
              for p in shape]
    raw = build_broken_linear_function(points)
    weights = [w for _, w in resources]

    def resource_score(requested: int, capacity: int) -> int:
        if capacity == 0 or requested > capacity:
            return raw(MAX_UTILIZATION)
        return raw(requested * MAX_UTILIZATION // capacity)

    def scorer(requested: list[int], allocable: list[int]) -> int:
        node_score = weight_sum = 0
        for i in range(len(requested)):
            if allocable[i] == 0:
                continue
            s = resource_score(requested[i], allocable[i])
            if s > 0:
                node_score += s * weights[i]
                weight_sum += weights[i]
        if weight_sum == 0:
            return 0
        return int(math.floor(node_score / weight_sum + 0.5))  # math.Round for x >= 0

    return scorer
