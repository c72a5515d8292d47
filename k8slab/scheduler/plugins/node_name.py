"""NodeName: a pod that names a node fits only that node.

upstream: pkg/scheduler/framework/plugins/nodename/node_name.go.
"""

from __future__ import annotations

from ..framework.interface import NODE, ActionType, ClusterEvent, ClusterEventWithHint, Code, Plugin, Status
from . import names

#: upstream: ErrReason
ERR_REASON = "node(s) didn't match the requested node name"


class NodeName(Plugin):
    name = names.NODE_NAME

    def filter(self, state, pi, ni) -> Status | None:
        if pi.node_name and pi.node_name != ni.name:
            return Status(Code.UnschedulableAndUnresolvable, ERR_REASON)
        return None

    def skip_filter_for(self, pi) -> bool:
        """k8slab: the Filter is a no-op for a pod that names no node (not called, for speed)."""
        return not pi.node_name

    def events_to_register(self):
        return [ClusterEventWithHint(ClusterEvent(NODE, ActionType.Add))]


def new(args: dict, handle) -> NodeName:
    return NodeName()
