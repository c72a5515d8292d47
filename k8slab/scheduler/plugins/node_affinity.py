"""NodeAffinity: required node affinity and ``spec.nodeSelector`` filter nodes; preferred
node affinity terms score them by the sum of the weights of the terms a node matches.

upstream: pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go (v1.32), with
``NodeAffinityArgs.addedAffinity`` (scheduler-enforced affinity for a profile).
"""

from __future__ import annotations

from ..framework.interface import (MAX_NODE_SCORE, NODE, ActionType, ClusterEvent, ClusterEventWithHint, Code, Plugin,
                                   PreFilterResult, Status)
from ..selectors import NodeSelector, PreferredSchedulingTerms, RequiredNodeAffinity
from . import names
from .helper import default_normalize_ints, default_normalize_score

#: upstream: ErrReasonPod / errReasonEnforced / errReasonConflict
ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"
ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity"
ERR_REASON_CONFLICT = "pod affinity terms conflict"

PRE_FILTER_STATE_KEY = "PreFilter" + names.NODE_AFFINITY
PRE_SCORE_STATE_KEY = "PreScore" + names.NODE_AFFINITY


def _node_affinity(pod: dict) -> dict:
    return ((pod.get("spec") or {}).get("affinity") or {}).get("nodeAffinity") or {}


def _preferred(pod: dict) -> PreferredSchedulingTerms | None:
    na = _node_affinity(pod)
    if na.get("preferredDuringSchedulingIgnoredDuringExecution") is None:
        return None
    return PreferredSchedulingTerms(na["preferredDuringSchedulingIgnoredDuringExecution"])


class NodeAffinity(Plugin):
    name = names.NODE_AFFINITY

    def __init__(self, args: dict | None = None):
        added = (args or {}).get("addedAffinity") or {}
        req = added.get("requiredDuringSchedulingIgnoredDuringExecution")
        self.added_node_selector = NodeSelector(req) if req is not None else None
        pref = added.get("preferredDuringSchedulingIgnoredDuringExecution")
        self.added_pref_sched_terms = PreferredSchedulingTerms(pref) if pref else None

    def pre_filter(self, state, pi):
        na = _node_affinity(pi.pod)
        required = na.get("requiredDuringSchedulingIgnoredDuringExecution")
        if required is None and self.added_node_selector is None and not (pi.pod.get("spec") or {}).get("nodeSelector"):
            return None, Status(Code.Skip)
        state.write(PRE_FILTER_STATE_KEY, RequiredNodeAffinity(pi.pod))
        if required is None or not required.get("nodeSelectorTerms"):
            return None, None
        # affinity to specific nodes by metadata.name narrows the nodes to evaluate
        node_names = None
        for t in required["nodeSelectorTerms"]:
            term_names = None
            for r in t.get("matchFields") or ():
                if r.get("key") == "metadata.name" and r.get("operator") == "In":
                    s = set(r.get("values") or ())
                    term_names = s if term_names is None else term_names & s
            if term_names is None:
                return None, None  # this term has no name affinity: every node is eligible
            node_names = term_names if node_names is None else node_names | term_names
        if node_names is not None and not node_names:
            return None, Status(Code.UnschedulableAndUnresolvable, ERR_REASON_CONFLICT)
        if node_names:
            return PreFilterResult(node_names), None
        return None, None

    def filter(self, state, pi, ni) -> Status | None:
        if self.added_node_selector is not None and not self.added_node_selector.match(ni.labels, ni.name):
            return Status(Code.UnschedulableAndUnresolvable, ERR_REASON_ENFORCED)
        s = state.get(PRE_FILTER_STATE_KEY)
        if s is None:
            s = RequiredNodeAffinity(pi.pod)
        if not s.match(ni.labels, ni.name):
            return Status(Code.UnschedulableAndUnresolvable, ERR_REASON_POD)
        return None

    def pre_score(self, state, pi, nodes) -> Status | None:
        if not nodes:
            return None
        try:
            pref = _preferred(pi.pod)
        except ValueError as e:
            return Status(Code.Error, str(e))
        if pref is None and self.added_pref_sched_terms is None:
            return Status(Code.Skip)
        state.write(PRE_SCORE_STATE_KEY, pref)
        return None

    def score(self, state, pi, ni) -> int:
        count = 0
        if self.added_pref_sched_terms is not None:
            count += self.added_pref_sched_terms.score(ni.labels, ni.name)
        try:
            pref = state.read(PRE_SCORE_STATE_KEY)
        except KeyError:
            pref = _preferred(pi.pod)
        if pref is not None:
            count += pref.score(ni.labels, ni.name)
        return count

    def normalize_score(self, state, pi, scores) -> Status | None:
        default_normalize_score(MAX_NODE_SCORE, False, scores)
        return None

    def normalize_scores(self, state, pi, nodes, scores: list[int]) -> list[int]:
        return default_normalize_ints(MAX_NODE_SCORE, False, scores)

    def events_to_register(self):
        return [ClusterEventWithHint(ClusterEvent(NODE, ActionType.Add | ActionType.UpdateNodeLabel), self._hint)]

    def _hint(self, pi, old, new) -> bool:
        """upstream: isSchedulableAfterNodeChange -- queue only if the (updated) node now matches."""
        if new is None:
            return False
        labels = (new.get("metadata") or {}).get("labels") or {}
        name = (new.get("metadata") or {}).get("name", "")
        if self.added_node_selector is not None and not self.added_node_selector.match(labels, name):
            return False
        req = RequiredNodeAffinity(pi.pod)
        if not req.match(labels, name):
            return False
        if old is None:
            return True
        ol = (old.get("metadata") or {}).get("labels") or {}
        return not req.match(ol, name)


def new(args: dict, handle) -> NodeAffinity:
    return NodeAffinity(args)
