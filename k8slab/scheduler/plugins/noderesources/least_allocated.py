"""LeastAllocated: favour nodes with more free resources after placing the pod.

upstream: pkg/scheduler/framework/plugins/noderesources/least_allocated.go --
per resource ``(capacity - requested) * 100 / capacity`` (0 when over capacity), then the
weighted mean, all in integer arithmetic.
"""

from __future__ import annotations

from ...framework.interface import MAX_NODE_SCORE


def least_requested_score(requested: int, capacity: int) -> int:
    if capacity == 0 or requested > capacity:
        return 0
    return ((capacity - requested) * MAX_NODE_SCORE) // capacity


def least_resource_scorer(resources: list[tuple[str, int]]):
    weights = [w for _, w in resources]

    def scorer(requested: list[int], allocable: list[int]) -> int:
        node_score = weight_sum = 0
        for i in range(len(requested)):
            if allocable[i] == 0:
                continue
            node_score += least_requested_score(requested[i], allocable[i]) * weights[i]
            weight_sum += weights[i]
        return node_score // weight_sum if weight_sum else 0

    return scorer
