"""TaintToleration: Filter out nodes with untolerated NoSchedule/NoExecute taints; Score
nodes lower the more untolerated PreferNoSchedule taints they have.

upstream: pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go (v1.32:
the Filter reason names the taint, ``node(s) had untolerated taint {key: value}``).
"""

from __future__ import annotations

from ..framework.interface import (MAX_NODE_SCORE, NODE, UNSCHEDULED_POD, ActionType, ClusterEvent,
                                   ClusterEventWithHint, Code, Plugin, Status)
from ..util import find_matching_untolerated_taint, tolerations_tolerate_taint
from . import names
from .helper import DO_NOT_SCHEDULE_EFFECTS, default_normalize_ints, default_normalize_score

PRE_SCORE_STATE_KEY = "PreScore" + names.TAINT_TOLERATION


class TaintToleration(Plugin):
    name = names.TAINT_TOLERATION

    def filter(self, state, pi, ni) -> Status | None:
        if not ni.taints:
            return None
        taint = find_matching_untolerated_taint(ni.taints, pi.tolerations, DO_NOT_SCHEDULE_EFFECTS)
        if taint is None:
            return None
        return Status(Code.UnschedulableAndUnresolvable,
                      f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value', '')}}}")

    def pre_score(self, state, pi, nodes) -> Status | None:
        # getAllTolerationPreferNoSchedule: tolerations with an empty or PreferNoSchedule effect
        tols = [t for t in pi.tolerations if not t.get("effect") or t.get("effect") == "PreferNoSchedule"]
        state.write(PRE_SCORE_STATE_KEY, tols)
        return None

    def score(self, state, pi, ni) -> int:
        if not ni.taints:
            return 0
        tols = state.get(PRE_SCORE_STATE_KEY)
        if tols is None:
            tols = [t for t in pi.tolerations if not t.get("effect") or t.get("effect") == "PreferNoSchedule"]
        # countIntolerableTaintsPreferNoSchedule
        return sum(1 for t in ni.taints
                   if t.get("effect") == "PreferNoSchedule" and not tolerations_tolerate_taint(tols, t))

    def score_nodes(self, state, pi, nodes) -> list[int]:
        sc = self.score
        return [sc(state, pi, ni) if ni.taints else 0 for ni in nodes]

    def normalize_score(self, state, pi, scores) -> Status | None:
        default_normalize_score(MAX_NODE_SCORE, True, scores)
        return None

    def normalize_scores(self, state, pi, nodes, scores: list[int]) -> list[int]:
        return default_normalize_ints(MAX_NODE_SCORE, True, scores)

    def events_to_register(self):
        return [ClusterEventWithHint(ClusterEvent(NODE, ActionType.Add | ActionType.UpdateNodeTaint)),
                ClusterEventWithHint(ClusterEvent(UNSCHEDULED_POD, ActionType.UpdatePodTolerations))]


def new(args: dict, handle) -> TaintToleration:
    return TaintToleration()
