"""InterPodAffinity: required pod (anti-)affinity filters nodes by the pods already running in
each topology domain; preferred terms (the pod's and existing pods') score them.

upstream: pkg/scheduler/framework/plugins/interpodaffinity/{plugin,filtering,scoring}.go (v1.32),
``InterPodAffinityArgs`` (hardPodAffinityWeight 1, ignorePreferredTermsOfExistingPods false).
"""

from __future__ import annotations

from ..framework.interface import (MAX_NODE_SCORE, NODE, POD, ActionType, ClusterEvent, ClusterEventWithHint, Code,
                                   Plugin, Status)
from ..selectors import NOTHING, label_selector
from . import names

#: upstream: the Filter reasons
ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules"
ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules"
ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules"

PRE_FILTER_STATE_KEY = "PreFilter" + names.INTER_POD_AFFINITY
PRE_SCORE_STATE_KEY = "PreScore" + names.INTER_POD_AFFINITY


def _update(m: dict, labels: dict, tk: str, value: int) -> None:
    tv = labels.get(tk)
    if tv is None:
        return
    pair = (tk, tv)
    n = m.get(pair, 0) + value
    if n == 0:
        m.pop(pair, None)
    else:
        m[pair] = n


def pod_matches_all_affinity_terms(terms, pi, ns_labels) -> bool:
    if not terms:
        return False
    return all(t.matches(pi, ns_labels) for t in terms)


def _update_with_affinity_terms(m: dict, terms, pi, ns_labels, labels: dict, value: int) -> None:
    if pod_matches_all_affinity_terms(terms, pi, ns_labels):
        for t in terms:
            _update(m, labels, t.topology_key, value)


def _update_with_anti_affinity_terms(m: dict, terms, pi, ns_labels, labels: dict, value: int) -> None:
    for t in terms:
        if t.matches(pi, ns_labels):
            _update(m, labels, t.topology_key, value)


class PreFilterState:
    def __init__(self, pi, required_affinity, required_anti_affinity, ns_labels):
        self.pod_info = pi
        self.required_affinity_terms = required_affinity
        self.required_anti_affinity_terms = required_anti_affinity
        self.namespace_labels = ns_labels
        self.existing_anti_affinity_counts: dict = {}
        self.affinity_counts: dict = {}
        self.anti_affinity_counts: dict = {}

    def clone(self) -> "PreFilterState":
        c = PreFilterState(self.pod_info, self.required_affinity_terms, self.required_anti_affinity_terms,
                           self.namespace_labels)
        c.existing_anti_affinity_counts = dict(self.existing_anti_affinity_counts)
        c.affinity_counts = dict(self.affinity_counts)
        c.anti_affinity_counts = dict(self.anti_affinity_counts)
        return c

    def update_with_pod(self, other, labels: dict, multiplier: int) -> None:
        _update_with_anti_affinity_terms(self.existing_anti_affinity_counts, other.required_anti_affinity_terms,
                                         self.pod_info, self.namespace_labels, labels, multiplier)
        _update_with_affinity_terms(self.affinity_counts, self.required_affinity_terms, other, None, labels,
                                    multiplier)
        _update_with_anti_affinity_terms(self.anti_affinity_counts, self.required_anti_affinity_terms, other, None,
                                         labels, multiplier)


class InterPodAffinity(Plugin):
    name = names.INTER_POD_AFFINITY

    def __init__(self, args: dict | None = None, handle=None):
        args = args or {}
        self.hard_pod_affinity_weight = args.get("hardPodAffinityWeight", 1)
        if not isinstance(self.hard_pod_affinity_weight, int) or not 0 <= self.hard_pod_affinity_weight <= 100:
            raise ValueError(f"hardPodAffinityWeight: Invalid value: {self.hard_pod_affinity_weight}: "
                             f"not in valid range [0, 100]")
        self.ignore_preferred_terms_of_existing_pods = bool(args.get("ignorePreferredTermsOfExistingPods", False))
        self.handle = handle

    # ---------------------------------------------------------------- helpers
    def _ns_labels(self, ns: str) -> dict | None:
        lister = getattr(self.handle, "namespace_labels", None)
        return lister(ns) if lister is not None else None

    def _merge_namespaces(self, term):
        """upstream: mergeAffinityTermNamespacesIfNotEmpty -- a namespaceSelector becomes namespace names."""
        raw = term.ns_selector_raw
        if raw is not None and not raw.get("matchLabels") and not raw.get("matchExpressions"):
            return term  # {} selects every namespace; kept as is (labels.Everything is "empty")
        t = term.copy()
        if raw is not None:
            sel = label_selector(raw)
            lister = getattr(self.handle, "namespaces", None)
            for name, labels in (lister() if lister is not None else []):
                if sel.matches(labels):
                    t.namespaces.add(name)
        t.namespace_selector = NOTHING
        return t

    # ---------------------------------------------------------------- filter
    def pre_filter(self, state, pi):
        if pi.parse_error:
            return None, Status(Code.UnschedulableAndUnresolvable, f"parsing pod: {pi.parse_error}")
        snap = self.handle.snapshot
        try:
            req_aff = [self._merge_namespaces(t) for t in pi.required_affinity_terms]
            req_anti = [self._merge_namespaces(t) for t in pi.required_anti_affinity_terms]
        except ValueError as e:
            return None, Status(Code.Error, str(e))
        s = PreFilterState(pi, req_aff, req_anti, self._ns_labels(pi.namespace))
        for ni in snap.list():
            if ni.pods_with_required_anti_affinity:
                for existing in ni.pods_with_required_anti_affinity.values():
                    _update_with_anti_affinity_terms(s.existing_anti_affinity_counts,
                                                     existing.required_anti_affinity_terms, pi, s.namespace_labels,
                                                     ni.labels, 1)
            if req_aff or req_anti:
                for existing in ni.pods.values():
                    _update_with_affinity_terms(s.affinity_counts, req_aff, existing, None, ni.labels, 1)
                    _update_with_anti_affinity_terms(s.anti_affinity_counts, req_anti, existing, None, ni.labels, 1)
        if not s.existing_anti_affinity_counts and not req_aff and not req_anti:
            return None, Status(Code.Skip)
        state.write(PRE_FILTER_STATE_KEY, s)
        return None, None

    def add_pod(self, state, pi, to_add, ni) -> None:
        s = state.get(PRE_FILTER_STATE_KEY)
        if s is not None:
            s.update_with_pod(to_add, ni.labels, 1)

    def remove_pod(self, state, pi, to_remove, ni) -> None:
        s = state.get(PRE_FILTER_STATE_KEY)
        if s is not None:
            s.update_with_pod(to_remove, ni.labels, -1)

    def filter(self, state, pi, ni) -> Status | None:
        s = state.get(PRE_FILTER_STATE_KEY)
        if s is None:
            return Status(Code.Error, f'reading "{PRE_FILTER_STATE_KEY}" from cycleState: not found')
        labels = ni.labels
        # satisfyPodAffinity
        pods_exist = True
        for t in s.required_affinity_terms:
            tv = labels.get(t.topology_key)
            if tv is None:
                return Status(Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH)
            if s.affinity_counts.get((t.topology_key, tv), 0) <= 0:
                pods_exist = False
        if not pods_exist:
            # the first of a series of pods with affinity to themselves may go anywhere with the topology
            if not (not s.affinity_counts and pod_matches_all_affinity_terms(s.required_affinity_terms, pi, None)):
                return Status(Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH)
        # satisfyPodAntiAffinity
        if s.anti_affinity_counts:
            for t in s.required_anti_affinity_terms:
                tv = labels.get(t.topology_key)
                if tv is not None and s.anti_affinity_counts.get((t.topology_key, tv), 0) > 0:
                    return Status(Code.Unschedulable, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH)
        # satisfyExistingPodsAntiAffinity
        if s.existing_anti_affinity_counts:
            for k, v in labels.items():
                if s.existing_anti_affinity_counts.get((k, v), 0) > 0:
                    return Status(Code.Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH)
        return None

    # ---------------------------------------------------------------- score
    def pre_score(self, state, pi, nodes) -> Status | None:
        if not nodes:
            return Status(Code.Skip)
        aff = (pi.pod.get("spec") or {}).get("affinity") or {}
        has_constraints = bool(((aff.get("podAffinity") or {}).get("preferredDuringSchedulingIgnoredDuringExecution"))
                               or ((aff.get("podAntiAffinity") or {})
                                   .get("preferredDuringSchedulingIgnoredDuringExecution")))
        if self.ignore_preferred_terms_of_existing_pods and not has_constraints:
            return Status(Code.Skip)
        all_nodes = self.handle.snapshot.list()
        if not has_constraints:
            all_nodes = [n for n in all_nodes if n.pods_with_affinity]
            if not all_nodes:
                return Status(Code.Skip)
        try:
            pref_aff = [self._merge_namespaces(t) for t in pi.preferred_affinity_terms]
            pref_anti = [self._merge_namespaces(t) for t in pi.preferred_anti_affinity_terms]
        except ValueError as e:
            return Status(Code.Error, f"updating PreferredAffinityTerms: {e}")
        ns_labels = self._ns_labels(pi.namespace)
        topo: dict[str, dict[str, int]] = {}

        def process_term(term, weight, target, target_ns_labels, labels, mult):
            if term.matches(target, target_ns_labels):
                tv = labels.get(term.topology_key)
                if tv is not None:
                    m = topo.setdefault(term.topology_key, {})
                    m[tv] = m.get(tv, 0) + weight * mult

        for ni in all_nodes:
            if not ni.labels:
                continue
            pods = ni.pods.values() if has_constraints else ni.pods_with_affinity.values()
            for ex in pods:
                for t in pref_aff:
                    process_term(t, t.weight, ex, None, ni.labels, 1)
                for t in pref_anti:
                    process_term(t, t.weight, ex, None, ni.labels, -1)
                if self.hard_pod_affinity_weight > 0:
                    for t in ex.required_affinity_terms:
                        process_term(t, self.hard_pod_affinity_weight, pi, ns_labels, ni.labels, 1)
                for t in ex.preferred_affinity_terms:
                    process_term(t, t.weight, pi, ns_labels, ni.labels, 1)
                for t in ex.preferred_anti_affinity_terms:
                    process_term(t, t.weight, pi, ns_labels, ni.labels, -1)
        if not topo:
            return Status(Code.Skip)
        state.write(PRE_SCORE_STATE_KEY, topo)
        return None

    def score(self, state, pi, ni) -> int:
        topo = state.get(PRE_SCORE_STATE_KEY) or {}
        score = 0
        for tk, values in topo.items():
            v = ni.labels.get(tk)
            if v is not None:
                score += values.get(v, 0)
        return score

    def normalize_score(self, state, pi, scores) -> Status | None:
        topo = state.get(PRE_SCORE_STATE_KEY)
        if not topo:
            return None
        mn = min((s.score for s in scores), default=0)
        mx = max((s.score for s in scores), default=0)
        diff = mx - mn
        for s in scores:
            f = float(MAX_NODE_SCORE) * (float(s.score - mn) / float(diff)) if diff > 0 else 0.0
            s.score = int(f)
        return None

    def events_to_register(self):
        return [ClusterEventWithHint(ClusterEvent(POD, ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete)),
                ClusterEventWithHint(ClusterEvent(NODE, ActionType.Add | ActionType.UpdateNodeLabel))]


def new(args: dict, handle) -> InterPodAffinity:
    return InterPodAffinity(args, handle)
