"""NodeResourcesFit: Filter nodes without room for the pod's requests (cpu, memory,
ephemeral-storage, extended resources, pod count) and Score by the configured strategy
(LeastAllocated by default, MostAllocated, RequestedToCapacityRatio).

upstream: pkg/scheduler/framework/plugins/noderesources/fit.go (v1.32). Filter reasons are
upstream's: ``Too many pods``, ``Insufficient cpu``, ``Insufficient memory``,
``Insufficient ephemeral-storage``, ``Insufficient <resource>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...framework.interface import NODE, POD, ActionType, ClusterEvent, ClusterEventWithHint, Code, Plugin, Status
from ...util import is_extended_resource_name
from .. import names
from .least_allocated import least_resource_scorer
from .most_allocated import most_resource_scorer
from .requested_to_capacity_ratio import requested_to_capacity_ratio_scorer, validate_function_shape
from .resource_allocation import ResourceAllocationScorer, validate_resources

PRE_FILTER_STATE_KEY = "PreFilter" + names.NODE_RESOURCES_FIT
PRE_SCORE_STATE_KEY = "PreScore" + names.NODE_RESOURCES_FIT

LEAST_ALLOCATED = "LeastAllocated"
MOST_ALLOCATED = "MostAllocated"
REQUESTED_TO_CAPACITY_RATIO = "RequestedToCapacityRatio"
SCORING_STRATEGY_TYPES = (LEAST_ALLOCATED, MOST_ALLOCATED, REQUESTED_TO_CAPACITY_RATIO)


@dataclass
class InsufficientResource:
    """upstream: InsufficientResource."""

    resource_name: str
    reason: str
    requested: int
    used: int
    capacity: int


def fits_request(pi, ni, ignored_extended: set = frozenset(), ignored_groups: set = frozenset()
                 ) -> list[InsufficientResource]:
    """upstream: fitsRequest -- every resource the pod does not fit, in upstream's order."""
    out = []
    if len(ni.pods) + 1 > ni.alloc_pods:
        out.append(InsufficientResource("pods", "Too many pods", 1, len(ni.pods), ni.alloc_pods))
    if pi.milli_cpu == 0 and pi.memory == 0 and pi.ephemeral == 0 and not pi.scalar:
        return out
    if pi.milli_cpu > 0 and pi.milli_cpu > ni.alloc_cpu - ni.req_cpu:
        out.append(InsufficientResource("cpu", "Insufficient cpu", pi.milli_cpu, ni.req_cpu, ni.alloc_cpu))
    if pi.memory > 0 and pi.memory > ni.alloc_mem - ni.req_mem:
        out.append(InsufficientResource("memory", "Insufficient memory", pi.memory, ni.req_mem, ni.alloc_mem))
    if pi.ephemeral > 0 and pi.ephemeral > ni.alloc_eph - ni.req_eph:
        out.append(InsufficientResource("ephemeral-storage", "Insufficient ephemeral-storage", pi.ephemeral,
                                        ni.req_eph, ni.alloc_eph))
    for name, q in pi.scalar.items():
        if q == 0:
            continue
        if is_extended_resource_name(name):
            if name in ignored_extended or (ignored_groups and name.split("/")[0] in ignored_groups):
                continue
        alloc = ni.alloc_scalar.get(name, 0)
        used = ni.req_scalar.get(name, 0)
        if q > alloc - used:
            out.append(InsufficientResource(name, f"Insufficient {name}", q, used, alloc))
    return out


def validate_fit_args(args: dict, path: str = "") -> None:
    """upstream: validation.ValidateNodeResourcesFitArgs; raises ValueError."""
    p = f"{path}." if path else ""
    errs = []
    for i, g in enumerate(args.get("ignoredResourceGroups") or ()):
        if "/" in g:
            errs.append(f"{p}ignoredResourceGroups[{i}]: Invalid value: \"{g}\": resource group name can't contain '/'")
    ss = args.get("scoringStrategy")
    if ss is not None:
        t = ss.get("type", "")
        if t not in SCORING_STRATEGY_TYPES:
            errs.append(f'{p}scoringStrategy.type: Unsupported value: "{t}": supported values: '
                        + ", ".join(f'"{x}"' for x in sorted(SCORING_STRATEGY_TYPES)))
        errs += validate_resources(ss.get("resources") or [], f"{p}scoringStrategy.resources")
        rtcr = ss.get("requestedToCapacityRatio")
        if rtcr is not None:
            errs += validate_function_shape(rtcr.get("shape") or [], f"{p}scoringStrategy.shape")
    if errs:
        raise ValueError(errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]")


class Fit(Plugin):
    name = names.NODE_RESOURCES_FIT

    def __init__(self, args: dict | None = None, handle=None):
        args = dict(args or {})
        validate_fit_args(args)
        ss = args.get("scoringStrategy")
        if ss is None:
            raise ValueError("scoring strategy not specified")
        resources = ss.get("resources") or []
        rs = [(r["name"], r.get("weight", 1)) for r in resources]
        t = ss.get("type")
        if t == LEAST_ALLOCATED:
            scorer = least_resource_scorer(rs)
        elif t == MOST_ALLOCATED:
            scorer = most_resource_scorer(rs)
        else:
            scorer = requested_to_capacity_ratio_scorer(rs, (ss.get("requestedToCapacityRatio") or {}).get("shape") or [])
        self.strategy = t
        self.scorer = ResourceAllocationScorer(t, scorer, False, resources)
        self.ignored_resources = set(args.get("ignoredResources") or ())
        self.ignored_resource_groups = set(args.get("ignoredResourceGroups") or ())
        self.handle = handle

    def pre_filter(self, state, pi):
        state.write(PRE_FILTER_STATE_KEY, pi)
        return None, None

    def filter(self, state, pi, ni) -> Status | None:
        # fast path: the common case of a pod that fits
        if len(ni.pods) < ni.alloc_pods and (pi.milli_cpu == 0 or pi.milli_cpu <= ni.alloc_cpu - ni.req_cpu) \
                and (pi.memory == 0 or pi.memory <= ni.alloc_mem - ni.req_mem) \
                and (pi.ephemeral == 0 or pi.ephemeral <= ni.alloc_eph - ni.req_eph) and not pi.scalar:
            return None
        insufficient = fits_request(pi, ni, self.ignored_resources, self.ignored_resource_groups)
        if insufficient:
            return Status(Code.Unschedulable, *[r.reason for r in insufficient])
        return None

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
        if self.strategy in (LEAST_ALLOCATED, MOST_ALLOCATED) and len(rs) == 2 and rs[0][0] == "cpu" \
                and rs[1][0] == "memory":
            return _cpu_mem_scores(nodes, reqs[0], reqs[1], rs[0][1], rs[1][1], self.strategy == LEAST_ALLOCATED)
        sc = self.scorer.score
        return [sc(ni, reqs) for ni in nodes]

    def events_to_register(self):
        return [ClusterEventWithHint(ClusterEvent(POD, ActionType.Delete), _after_pod_delete),
                ClusterEventWithHint(ClusterEvent(NODE, ActionType.Add | ActionType.UpdateNodeAllocatable))]


def _after_pod_delete(pi, old, new) -> bool:
    """upstream: isSchedulableAfterPodEvent -- only a deleted *scheduled* pod frees resources."""
    return bool(old is not None and (old.get("spec") or {}).get("nodeName"))


def _cpu_mem_scores(nodes, pod_cpu: int, pod_mem: int, wc: int, wm: int, least: bool) -> list[int]:
    """LeastAllocated / MostAllocated over (cpu, memory) with NonZeroRequested, inlined."""
    out = []
    for ni in nodes:
        total = weight = 0
        cap = ni.alloc_cpu
        if cap:
            req = ni.nz_cpu + pod_cpu
            if least:
                s = 0 if req > cap else (cap - req) * 100 // cap
            else:
                s = (min(req, cap) * 100) // cap
            total += s * wc
            weight += wc
        cap = ni.alloc_mem
        if cap:
            req = ni.nz_mem + pod_mem
            if least:
                s = 0 if req > cap else (cap - req) * 100 // cap
            else:
                s = (min(req, cap) * 100) // cap
            total += s * wm
            weight += wm
        out.append(total // weight if weight else 0)
    return out


def fits(pi, ni) -> list[InsufficientResource]:
    """upstream: Fits."""
    return fits_request(pi, ni)


def new(args: dict, handle) -> Fit:
    return Fit(args, handle)
