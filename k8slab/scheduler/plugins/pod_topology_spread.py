"""PodTopologySpread: spread pods that match a selector across topology domains.

upstream: pkg/scheduler/framework/plugins/podtopologyspread/{plugin,common,filtering,scoring}.go
(v1.32). ``DoNotSchedule`` constraints filter (skew = matching pods in the node's domain + 1
if the pod matches itself - the global minimum, must be <= maxSkew); ``ScheduleAnyway``
constraints score. A pod with no constraints of its own gets the system defaults
(``kubernetes.io/hostname`` maxSkew 3, ``topology.kubernetes.io/zone`` maxSkew 5,
ScheduleAnyway) when it is owned by a ReplicaSet; the selector then is the ReplicaSet's.
``nodeAffinityPolicy`` (default Honor), ``nodeTaintsPolicy`` (default Ignore),
``minDomains`` and ``matchLabelKeys`` are supported, as in v1.32.

k8slab: matching pods are counted through a per-node count of pods by (namespace, labels),
which gives upstream's counts without visiting every pod.
"""

from __future__ import annotations

import math
from typing import Any

from ..framework.interface import (MAX_NODE_SCORE, NODE, POD, ActionType, ClusterEvent, ClusterEventWithHint, Code,
                                   Plugin, Status)
from ..selectors import RequiredNodeAffinity, is_empty_label_selector, label_selector_or_nothing
from ..util import find_matching_untolerated_taint
from . import names
from .helper import DO_NOT_SCHEDULE_EFFECTS, default_selector

#: upstream: ErrReasonConstraintsNotMatch / ErrReasonNodeLabelNotMatch
ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints"
ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)"

PRE_FILTER_STATE_KEY = "PreFilter" + names.POD_TOPOLOGY_SPREAD
PRE_SCORE_STATE_KEY = "PreScore" + names.POD_TOPOLOGY_SPREAD
LABEL_HOSTNAME = "kubernetes.io/hostname"
LABEL_ZONE = "topology.kubernetes.io/zone"
MAX_INT32 = 2**31 - 1
INVALID_SCORE = -1

#: upstream: systemDefaultConstraints
SYSTEM_DEFAULT_CONSTRAINTS = [
    {"topologyKey": LABEL_HOSTNAME, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 3},
    {"topologyKey": LABEL_ZONE, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 5},
]


class _AndLabels:
    """A selector ANDed with exact label requirements (``matchLabelKeys``)."""

    def __init__(self, base: Any, labels: dict):
        self.base, self.labels = base, labels

    def matches(self, labels: dict) -> bool:
        return all(labels.get(k) == v for k, v in self.labels.items()) and self.base.matches(labels)


class Constraint:
    """upstream: topologySpreadConstraint."""

    __slots__ = ("max_skew", "topology_key", "selector", "empty", "min_domains", "node_affinity_policy",
                 "node_taints_policy", "memo", "matching")

    def __init__(self, max_skew: int, topology_key: str, selector: Any, empty: bool, min_domains: int = 1,
                 node_affinity_policy: str = "Honor", node_taints_policy: str = "Ignore"):
        self.max_skew = max_skew
        self.topology_key = topology_key
        self.selector = selector
        self.empty = empty
        self.min_domains = min_domains
        self.node_affinity_policy = node_affinity_policy
        self.node_taints_policy = node_taints_policy
        self.memo: dict = {}
        self.matching: list | None = None

    def prepare(self, ns: str, label_keys) -> None:
        """Precompute which (namespace, labels) in the cluster match (counting is then lookups)."""
        if self.empty:
            self.matching = []
            return
        sel = self.selector
        self.matching = [k for k in label_keys if k[0] == ns and sel.matches(dict(k[1]))]

    def matches(self, labels: dict) -> bool:
        return not self.empty and self.selector.matches(labels)

    def match_node_inclusion_policies(self, pi, ni, required: RequiredNodeAffinity) -> bool:
        if self.node_affinity_policy == "Honor" and not required.match(ni.labels, ni.name):
            return False
        if self.node_taints_policy == "Honor" and ni.taints and \
                find_matching_untolerated_taint(ni.taints, pi.tolerations, DO_NOT_SCHEDULE_EFFECTS) is not None:
            return False
        return True

    def count(self, ni, ns: str) -> int:
        """countPodsMatchSelector: non-terminating pods in ``ns`` on the node matching the selector."""
        return self.count_in(ni.label_counts, ns)

    def count_in(self, label_counts: dict, ns: str) -> int:
        if self.empty:
            return 0
        m = self.matching
        if m is not None and len(m) <= len(label_counts):
            get = label_counts.get
            return sum(get(k, 0) for k in m)
        memo = self.memo
        n = 0
        for key, cnt in label_counts.items():
            if key[0] != ns:
                continue
            m = memo.get(key)
            if m is None:
                m = memo[key] = bool(self.selector.matches(dict(key[1])))
            if m:
                n += cnt
        return n


def node_labels_match_spread_constraints(labels: dict, constraints: list[Constraint]) -> bool:
    return all(c.topology_key in labels for c in constraints)


class _CriticalPaths:
    """upstream: criticalPaths -- the two smallest (value, match count) pairs."""

    __slots__ = ("p",)

    def __init__(self) -> None:
        self.p = [["", MAX_INT32], ["", MAX_INT32]]

    def update(self, val: str, num: int) -> None:
        p = self.p
        i = 0 if val == p[0][0] else 1 if val == p[1][0] else -1
        if i >= 0:
            p[i][1] = num
            if p[0][1] > p[1][1]:
                p[0], p[1] = p[1], p[0]
        elif num < p[0][1]:
            p[1] = p[0]
            p[0] = [val, num]
        elif num < p[1][1]:
            p[1] = [val, num]

    def clone(self) -> "_CriticalPaths":
        c = _CriticalPaths()
        c.p = [list(self.p[0]), list(self.p[1])]
        return c


class PreFilterState:
    def __init__(self, constraints: list[Constraint]):
        self.constraints = constraints
        self.critical_paths: list[_CriticalPaths] = []
        self.tp_value_to_match_num: list[dict[str, int]] = []

    def min_match_num(self, i: int, min_domains: int) -> int:
        if len(self.tp_value_to_match_num[i]) < min_domains:
            return 0
        return self.critical_paths[i].p[0][1]

    def clone(self) -> "PreFilterState":
        c = PreFilterState(self.constraints)
        c.critical_paths = [p.clone() for p in self.critical_paths]
        c.tp_value_to_match_num = [dict(m) for m in self.tp_value_to_match_num]
        return c


class PreScoreState:
    def __init__(self) -> None:
        self.constraints: list[Constraint] = []
        self.ignored_nodes: set[str] = set()
        self.topology_pair_to_pod_counts: dict[tuple[str, str], int] = {}
        self.topology_normalizing_weight: list[float] = []


class PodTopologySpread(Plugin):
    name = names.POD_TOPOLOGY_SPREAD

    def __init__(self, args: dict | None = None, handle=None):
        args = args or {}
        self.handle = handle
        self.defaulting_type = args.get("defaultingType") or "System"
        if self.defaulting_type not in ("System", "List"):
            raise ValueError(f'defaultingType: Unsupported value: "{self.defaulting_type}": supported values: '
                             f'"List", "System"')
        given = args.get("defaultConstraints") or []
        if self.defaulting_type == "System" and given:
            raise ValueError("defaultConstraints: Invalid value: when .defaultingType is \"System\", "
                             "defaultConstraints must be empty")
        self.default_constraints = SYSTEM_DEFAULT_CONSTRAINTS if self.defaulting_type == "System" else given
        self.system_defaulted = self.defaulting_type == "System"

    # ---------------------------------------------------------------- constraints
    def _filter_constraints(self, raw: list[dict], pod_labels: dict, action: str) -> list[Constraint]:
        """upstream: filterTopologySpreadConstraints."""
        out = []
        for c in raw:
            if c.get("whenUnsatisfiable") != action:
                continue
            ls = c.get("labelSelector")
            sel = label_selector_or_nothing(ls)
            empty = ls is not None and is_empty_label_selector(ls)
            match_labels = {k: pod_labels[k] for k in c.get("matchLabelKeys") or () if k in pod_labels}
            if match_labels:
                sel = _AndLabels(sel, match_labels)
                empty = False
            out.append(Constraint(int(c.get("maxSkew", 1)), c.get("topologyKey", ""), sel, empty,
                                  c.get("minDomains") or 1, c.get("nodeAffinityPolicy") or "Honor",
                                  c.get("nodeTaintsPolicy") or "Ignore"))
        return out

    def _constraints(self, pi, action: str) -> list[Constraint]:
        raw = (pi.pod.get("spec") or {}).get("topologySpreadConstraints")
        if raw:
            return self._filter_constraints(raw, pi.labels, action)
        # buildDefaultConstraints
        cs = self._filter_constraints(self.default_constraints, pi.labels, action)
        if not cs:
            return []
        rs_lister = getattr(self.handle, "rs_lister", None)
        sel, empty = default_selector(pi.pod, rs_lister)
        if empty:
            return []
        for c in cs:
            c.selector, c.empty = sel, False
        return cs

    # ---------------------------------------------------------------- filter
    def pre_filter(self, state, pi):
        try:
            cs = self._constraints(pi, "DoNotSchedule")
        except ValueError as e:
            return None, Status(Code.Error, f"get constraints from pod: {e}")
        if not cs:
            return None, Status(Code.Skip)
        s = PreFilterState(cs)
        s.tp_value_to_match_num = [{} for _ in cs]
        required = RequiredNodeAffinity(pi.pod)
        for ni in self.handle.snapshot.list():
            if not node_labels_match_spread_constraints(ni.labels, cs):
                continue
            for i, c in enumerate(cs):
                if not c.match_node_inclusion_policies(pi, ni, required):
                    continue
                v = ni.labels[c.topology_key]
                m = s.tp_value_to_match_num[i]
                m[v] = m.get(v, 0) + c.count(ni, pi.namespace)
        for i in range(len(cs)):
            cp = _CriticalPaths()
            for v, n in s.tp_value_to_match_num[i].items():
                cp.update(v, n)
            s.critical_paths.append(cp)
        state.write(PRE_FILTER_STATE_KEY, s)
        return None, None

    def _update_with_pod(self, s: PreFilterState, updated, preemptor, ni, delta: int) -> None:
        if s is None or updated.namespace != preemptor.namespace or ni.node is None:
            return
        if not node_labels_match_spread_constraints(ni.labels, s.constraints):
            return
        required = RequiredNodeAffinity(preemptor.pod)
        for i, c in enumerate(s.constraints):
            if not c.matches(updated.labels):
                continue
            if not c.match_node_inclusion_policies(preemptor, ni, required):
                continue
            v = ni.labels[c.topology_key]
            m = s.tp_value_to_match_num[i]
            m[v] = m.get(v, 0) + delta
            s.critical_paths[i].update(v, m[v])

    def add_pod(self, state, pi, to_add, ni) -> None:
        self._update_with_pod(state.get(PRE_FILTER_STATE_KEY), to_add, pi, ni, 1)

    def remove_pod(self, state, pi, to_remove, ni) -> None:
        self._update_with_pod(state.get(PRE_FILTER_STATE_KEY), to_remove, pi, ni, -1)

    def filter(self, state, pi, ni) -> Status | None:
        s = state.get(PRE_FILTER_STATE_KEY)
        if s is None:
            return Status(Code.Error, f'reading "{PRE_FILTER_STATE_KEY}" from cycleState: not found')
        for i, c in enumerate(s.constraints):
            tp_val = ni.labels.get(c.topology_key)
            if tp_val is None:
                return Status(Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_LABEL_NOT_MATCH)
            min_match = s.min_match_num(i, c.min_domains)
            self_match = 1 if c.matches(pi.labels) else 0
            skew = s.tp_value_to_match_num[i].get(tp_val, 0) + self_match - min_match
            if skew > c.max_skew:
                return Status(Code.Unschedulable, ERR_REASON_CONSTRAINTS_NOT_MATCH)
        return None

    # ---------------------------------------------------------------- score
    def pre_score(self, state, pi, nodes) -> Status | None:
        all_nodes = self.handle.snapshot.list()
        if not all_nodes:
            return Status(Code.Skip)
        s = PreScoreState()
        require_all = bool((pi.pod.get("spec") or {}).get("topologySpreadConstraints")) or not self.system_defaulted
        try:
            s.constraints = self._constraints(pi, "ScheduleAnyway")
        except ValueError as e:
            return Status(Code.Error, f"calculating preScoreState: {e}")
        if not s.constraints:
            return Status(Code.Skip)
        cs = s.constraints
        keys = getattr(self.handle.snapshot, "label_keys", None)
        if keys is not None:
            for c in cs:
                c.prepare(pi.namespace, keys)
        topo_size = [0] * len(cs)
        pairs = s.topology_pair_to_pod_counts
        for ni in nodes:
            if require_all and not node_labels_match_spread_constraints(ni.labels, cs):
                s.ignored_nodes.add(ni.name)
                continue
            for i, c in enumerate(cs):
                if c.topology_key == LABEL_HOSTNAME:
                    continue
                # k8slab: a node without the label never reads its pair (Score skips it), so
                # the empty-value pair upstream creates for it is not counted here.
                if c.topology_key not in ni.labels:
                    continue
                pair = (c.topology_key, ni.labels[c.topology_key])
                if pair not in pairs:
                    pairs[pair] = 0
                    topo_size[i] += 1
        for i, c in enumerate(cs):
            sz = topo_size[i]
            if c.topology_key == LABEL_HOSTNAME:
                sz = len(nodes) - len(s.ignored_nodes)
            s.topology_normalizing_weight.append(math.log(sz + 2))
        if any(c.topology_key != LABEL_HOSTNAME for c in cs) and pairs:
            required = RequiredNodeAffinity(pi.pod)
            spec = pi.pod.get("spec") or {}
            no_node_affinity = not spec.get("nodeSelector") and \
                not ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution")
            if not require_all and no_node_affinity and all(c.node_taints_policy != "Honor" for c in cs):
                # every node counts: sum the cache's per-domain counts (the same totals, without
                # visiting each node)
                snap = self.handle.snapshot
                for c in cs:
                    if c.topology_key == LABEL_HOSTNAME:
                        continue
                    idx = snap.domain_label_counts(c.topology_key)
                    for (k, v) in pairs:
                        if k == c.topology_key:
                            pairs[(k, v)] += c.count_in(idx.get(v, {}), pi.namespace)
                state.write(PRE_SCORE_STATE_KEY, s)
                return None
            for ni in all_nodes:
                if require_all and not node_labels_match_spread_constraints(ni.labels, cs):
                    continue
                for c in cs:
                    if c.topology_key == LABEL_HOSTNAME or c.topology_key not in ni.labels:
                        continue
                    pair = (c.topology_key, ni.labels[c.topology_key])
                    if pair not in pairs:
                        continue
                    if not c.match_node_inclusion_policies(pi, ni, required):
                        continue
                    pairs[pair] += c.count(ni, pi.namespace)
        state.write(PRE_SCORE_STATE_KEY, s)
        return None

    def score(self, state, pi, ni) -> int:
        s = state.get(PRE_SCORE_STATE_KEY)
        if s is None or ni.name in s.ignored_nodes:
            return 0
        score = 0.0
        for i, c in enumerate(s.constraints):
            v = ni.labels.get(c.topology_key)
            if v is None:
                continue
            if c.topology_key == LABEL_HOSTNAME:
                cnt = c.count(ni, pi.namespace)
            else:
                cnt = s.topology_pair_to_pod_counts.get((c.topology_key, v), 0)
            # scoreForCount
            score += cnt * s.topology_normalizing_weight[i] + (c.max_skew - 1)
        return int(math.floor(score + 0.5))  # math.Round (score >= 0)

    def score_nodes(self, state, pi, nodes) -> list[int]:
        """``score`` for every node, with the per-constraint work hoisted out of the loop."""
        s = state.get(PRE_SCORE_STATE_KEY)
        if s is None:
            return [0] * len(nodes)
        specs = [(c.topology_key, c.topology_key == LABEL_HOSTNAME, c, s.topology_normalizing_weight[i],
                  c.max_skew - 1, c.matching[0] if c.matching is not None and len(c.matching) == 1 else None)
                 for i, c in enumerate(s.constraints)]
        ignored = s.ignored_nodes
        pairs = s.topology_pair_to_pod_counts
        ns = pi.namespace
        out = []
        for ni in nodes:
            if ignored and ni.name in ignored:
                out.append(0)
                continue
            score = 0.0
            labels = ni.labels
            for key, is_host, c, w, base, single in specs:
                v = labels.get(key)
                if v is None:
                    continue
                if is_host:
                    cnt = ni.label_counts.get(single, 0) if single is not None else c.count_in(ni.label_counts, ns)
                else:
                    cnt = pairs.get((key, v), 0)
                score += cnt * w + base
            out.append(int(score + 0.5))  # math.Round (score >= 0)
        return out

    def normalize_score(self, state, pi, scores) -> Status | None:
        s = state.get(PRE_SCORE_STATE_KEY)
        if s is None:
            return None
        min_score, max_score = (1 << 63) - 1, 0
        for sc in scores:
            if sc.name in s.ignored_nodes:
                sc.score = INVALID_SCORE
                continue
            min_score = min(min_score, sc.score)
            max_score = max(max_score, sc.score)
        for sc in scores:
            if sc.score == INVALID_SCORE:
                sc.score = 0
                continue
            if max_score == 0:
                sc.score = MAX_NODE_SCORE
                continue
            sc.score = MAX_NODE_SCORE * (max_score + min_score - sc.score) // max_score
        return None

    def normalize_scores(self, state, pi, nodes, scores: list[int]) -> list[int]:
        s = state.get(PRE_SCORE_STATE_KEY)
        if s is None:
            return scores
        ignored = s.ignored_nodes
        valid = [sc for n, sc in zip(nodes, scores) if n.name not in ignored]
        if not valid:
            return [0] * len(scores)
        mn, mx = min(valid), max(valid)
        if mx == 0:
            return [0 if n.name in ignored else MAX_NODE_SCORE for n in nodes]
        return [0 if n.name in ignored else MAX_NODE_SCORE * (mx + mn - sc) // mx for n, sc in zip(nodes, scores)]

    def events_to_register(self):
        return [ClusterEventWithHint(ClusterEvent(POD, ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete)),
                ClusterEventWithHint(ClusterEvent(NODE, ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel
                                                  | ActionType.UpdateNodeTaint))]


def new(args: dict, handle) -> PodTopologySpread:
    return PodTopologySpread(args, handle)
