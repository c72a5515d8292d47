"""NodeResourcesBalancedAllocation: favour nodes whose resource utilizations (after placing
the pod) are close to each other.

upstream: pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go (v1.32):
``score = (1 - std) * 100`` over the fractions requested/allocatable (each capped at 1),
with the real requests (``useRequested``). v1.32 scores best-effort pods too (skipping
them came in v1.33).
"""

from __future__ import annotations

import math

from ...framework.interface import MAX_NODE_SCORE, Plugin, Status
from .. import names
from .resource_allocation import DEFAULT_RESOURCES, ResourceAllocationScorer, validate_resources

PRE_SCORE_STATE_KEY = "PreScore" + names.NODE_RESOURCES_BALANCED_ALLOCATION


def balanced_resource_scorer(requested: list[int], allocable: list[int]) -> int:
    fractions = []
    total = 0.0
    for i in range(len(requested)):
        if allocable[i] == 0:
            continue
        f = float(requested[i]) / float(allocable[i])
        if f > 1:
            f = 1.0
        total += f
        fractions.append(f)
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = total / len(fractions)
        std = math.sqrt(sum((f - mean) * (f - mean) for f in fractions) / len(fractions))
    return int((1 - std) * float(MAX_NODE_SCORE))


class BalancedAllocation(Plugin):
    name = names.NODE_RESOURCES_BALANCED_ALLOCATION

    def __init__(self, args: dict | None = None, handle=None):
        resources = (args or {}).get("resources") or DEFAULT_RESOURCES
        errs = validate_resources(resources, "resources")
        if errs:
            raise ValueError(errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]")
        self.scorer = ResourceAllocationScorer(self.name, balanced_resource_scorer, True, resources)
        self.handle = handle

    def pre_score(self, state, pi, nodes) -> Status | None:
        state.write(PRE_SCORE_STATE_KEY, self.scorer.pod_request_list(pi))
        return None

    def score(self, state, pi, ni) -> int:
        reqs = state.get(PRE_SCORE_STATE_KEY)
        if reqs is None:
            reqs = self.scorer.pod_request_list(pi)
        return self.scorer.score(ni, reqs)

    def score_nodes(self, state, pi, nodes) -> list[int]:
        """Score every node (the same numbers as ``score``; cpu+memory specialised for speed)."""
        reqs = state.get(PRE_SCORE_STATE_KEY)
        if reqs is None:
            reqs = self.scorer.pod_request_list(pi)
        rs = self.scorer.resources
        if len(rs) == 2 and rs[0][0] == "cpu" and rs[1][0] == "memory":
            pc, pm = reqs
            out = []
            for ni in nodes:
                ac, am = ni.alloc_cpu, ni.alloc_mem
                if ac and am:
                    fc = (ni.req_cpu + pc) / ac
                    fm = (ni.req_mem + pm) / am
                    if fc > 1:
                        fc = 1.0
                    if fm > 1:
                        fm = 1.0
                    std = abs((fc - fm) / 2)
                    out.append(int((1 - std) * 100.0))
                else:
                    out.append(100)  # fewer than two fractions: std 0
            return out
        sc = self.scorer.score
        return [sc(ni, reqs) for ni in nodes]


def new(args: dict, handle) -> BalancedAllocation:
    return BalancedAllocation(args, handle)
