"""NodeUnschedulable: cordoned nodes (``spec.unschedulable``) take no pods, unless the pod
tolerates the ``node.kubernetes.io/unschedulable:NoSchedule`` taint.

upstream: pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go.
"""

from __future__ import annotations

from ..framework.interface import (NODE, UNSCHEDULED_POD, ActionType, ClusterEvent, ClusterEventWithHint, Code, Plugin,
                                   Status)
from ..util import tolerations_tolerate_taint
from . import names

#: upstream: ErrReasonUnschedulable
ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"
_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


class NodeUnschedulable(Plugin):
    name = names.NODE_UNSCHEDULABLE

    def filter(self, state, pi, ni) -> Status | None:
        if not ni.unschedulable:
            return None
        if not tolerations_tolerate_taint(pi.tolerations, _TAINT):
            return Status(Code.UnschedulableAndUnresolvable, ERR_REASON_UNSCHEDULABLE)
        return None

    def events_to_register(self):
        return [ClusterEventWithHint(ClusterEvent(NODE, ActionType.Add | ActionType.UpdateNodeTaint)),
                ClusterEventWithHint(ClusterEvent(UNSCHEDULED_POD, ActionType.UpdatePodTolerations))]


def new(args: dict, handle) -> NodeUnschedulable:
    return NodeUnschedulable()
