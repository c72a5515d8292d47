"""NodePorts: a pod's host ports must be free on the node.

upstream: pkg/scheduler/framework/plugins/nodeports/node_ports.go and
pkg/scheduler/framework/types.go ``HostPortInfo.CheckConflict`` (0.0.0.0 conflicts with every IP).
"""

from __future__ import annotations

from ..framework.interface import NODE, POD, ActionType, ClusterEvent, ClusterEventWithHint, Code, Plugin, Status
from . import names

#: upstream: ErrReason
ERR_REASON = "node(s) didn't have free ports for the requested pod ports"
PRE_FILTER_STATE_KEY = "PreFilter" + names.NODE_PORTS
DEFAULT_BIND_ALL_HOST_IP = "0.0.0.0"


def check_conflict(used: dict, ip: str, protocol: str, port: int) -> bool:
    """upstream: HostPortInfo.CheckConflict."""
    if port <= 0:
        return False
    ip = ip or DEFAULT_BIND_ALL_HOST_IP
    protocol = protocol or "TCP"
    if ip == DEFAULT_BIND_ALL_HOST_IP:
        return any(p == protocol and n == port for (_ip, p, n) in used)
    return (DEFAULT_BIND_ALL_HOST_IP, protocol, port) in used or (ip, protocol, port) in used


def fits_ports(want: list, ni) -> bool:
    used = ni.used_ports
    if not used:
        return True
    return not any(check_conflict(used, ip, proto, port) for ip, proto, port in want)


class NodePorts(Plugin):
    name = names.NODE_PORTS

    def pre_filter(self, state, pi):
        if not pi.host_ports:
            return None, Status(Code.Skip)
        state.write(PRE_FILTER_STATE_KEY, pi.host_ports)
        return None, None

    def filter(self, state, pi, ni) -> Status | None:
        want = state.get(PRE_FILTER_STATE_KEY)
        if want is None:
            want = pi.host_ports
        if not fits_ports(want, ni):
            return Status(Code.Unschedulable, ERR_REASON)
        return None

    def events_to_register(self):
        return [ClusterEventWithHint(ClusterEvent(POD, ActionType.Delete)),
                ClusterEventWithHint(ClusterEvent(NODE, ActionType.Add | ActionType.Update))]


def new(args: dict, handle) -> NodePorts:
    return NodePorts()
