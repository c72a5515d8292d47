"""SchedulingGates: a pod with ``spec.schedulingGates`` waits in the queue until they are removed.

upstream: pkg/scheduler/framework/plugins/schedulinggates/scheduling_gates.go.
"""

from __future__ import annotations

from ..framework.interface import (UNSCHEDULED_POD, ActionType, ClusterEvent, ClusterEventWithHint, Code, Plugin,
                                   Status)
from . import names


class SchedulingGates(Plugin):
    name = names.SCHEDULING_GATES

    def pre_enqueue(self, pi) -> Status | None:
        gates = (pi.pod.get("spec") or {}).get("schedulingGates") or []
        if not gates:
            return None
        return Status(Code.UnschedulableAndUnresolvable,
                      "waiting for scheduling gates: [" + " ".join(g.get("name", "") for g in gates) + "]")

    def events_to_register(self):
        return [ClusterEventWithHint(ClusterEvent(UNSCHEDULED_POD, ActionType.UpdatePodSchedulingGatesEliminated))]


def new(args: dict, handle) -> SchedulingGates:
    return SchedulingGates()
