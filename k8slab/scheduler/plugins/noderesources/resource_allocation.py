"""The shared scorer of the noderesources plugins: per resource, (allocatable, requested
after placing the pod), handed to a strategy's scoring function.

upstream: pkg/scheduler/framework/plugins/noderesources/resource_allocation.go (v1.32).
``use_requested`` False scores with ``NonZeroRequested`` (100m / 200Mi for containers
that request no cpu / memory); BalancedAllocation uses the real requests.
"""

from __future__ import annotations

from typing import Callable

from ...framework.interface import PluginError
from ...util import is_scalar_resource_name

#: upstream: defaultResourceSpec
DEFAULT_RESOURCES = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]


def validate_resources(resources: list[dict], path: str) -> list[str]:
    """upstream: validation.validateResources -- weights in (0, 100]."""
    errs = []
    for i, r in enumerate(resources):
        w = r.get("weight", 0)
        if not isinstance(w, int) or w <= 0 or w > 100:
            errs.append(f"{path}[{i}].weight: Invalid value: {w}: resource weight of {r.get('name')} "
                        f"not in valid range (0, 100]")
    return errs


class ResourceAllocationScorer:
    """upstream: resourceAllocationScorer."""

    def __init__(self, name: str, scorer: Callable[[list[int], list[int]], int], use_requested: bool,
                 resources: list[dict]):
        self.name = name
        self.scorer = scorer
        self.use_requested = use_requested
        self.resources = [(r["name"], r.get("weight", 1)) for r in resources]

    def pod_request(self, pi, resource: str) -> int:
        """calculatePodResourceRequest (with the non-missing defaults unless use_requested)."""
        if resource == "cpu":
            return pi.milli_cpu if self.use_requested else pi.nz_cpu
        if resource == "memory":
            return pi.memory if self.use_requested else pi.nz_mem
        if resource == "ephemeral-storage":
            return pi.ephemeral
        return pi.scalar.get(resource, 0)

    def pod_request_list(self, pi) -> list[int]:
        return [self.pod_request(pi, r) for r, _ in self.resources]

    def allocatable_request(self, ni, resource: str, pod_request: int) -> tuple[int, int]:
        """calculateResourceAllocatableRequest: (allocatable, requested incl. the pod); (0, 0) to skip."""
        if pod_request == 0 and is_scalar_resource_name(resource):
            return 0, 0
        if resource == "cpu":
            return ni.alloc_cpu, (ni.req_cpu if self.use_requested else ni.nz_cpu) + pod_request
        if resource == "memory":
            return ni.alloc_mem, (ni.req_mem if self.use_requested else ni.nz_mem) + pod_request
        if resource == "ephemeral-storage":
            return ni.alloc_eph, ni.req_eph + pod_request
        if resource in ni.alloc_scalar:
            return ni.alloc_scalar[resource], ni.req_scalar.get(resource, 0) + pod_request
        return 0, 0

    def score(self, ni, pod_requests: list[int]) -> int:
        if not self.resources:
            raise PluginError("resources not found")
        n = len(self.resources)
        requested = [0] * n
        allocatable = [0] * n
        for i, (r, _) in enumerate(self.resources):
            alloc, req = self.allocatable_request(ni, r, pod_requests[i])
            if alloc == 0:
                continue
            allocatable[i] = alloc
            requested[i] = req
        return self.scorer(requested, allocatable)
