"""MostAllocated: favour nodes with fewer free resources after placing the pod (bin packing).

upstream: pkg/scheduler/framework/plugins/noderesources/most_allocated.go --
per resource ``requested * 100 / capacity`` (requested capped at capacity), then the weighted mean.
"""

from __future__ import annotations

from ...framework.interface import MAX_NODE_SCORE


def most_requested_score(requested: int, capacity: int) -> int:
    if capacity == 0:
        return 0
    if requested > capacity:
        # requested may exceed capacity because pods with no requests get minimum values
        requested = capacity
    return (requested * MAX_NODE_SCORE) // capacity


def most_resource_scorer(resources: list[tuple[str, int]]):
    weights = [w for _, w in resources]

    def scorer(requested: list[int], allocable: list[int]) -> int:
        node_score = weight_sum = 0
        for i in range(len(requested)):
            if allocable[i] == 0:
                continue
            node_score += most_requested_score(requested[i], allocable[i]) * weights[i]
            weight_sum += weights[i]
        return node_score // weight_sum if weight_sum else 0

    return scorer
