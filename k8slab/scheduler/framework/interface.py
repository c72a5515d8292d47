"""Status codes, Status, and the extension-point interfaces a plugin may implement.

upstream: pkg/scheduler/framework/interface.go (v1.32). A plugin is an object with a
``name`` and any of the extension-point methods below; the framework calls only the ones a
plugin defines. As in upstream, a successful status is ``None`` (Go's nil ``*Status``).

Python signatures (upstream's, minus ``ctx``):

- ``pre_enqueue(pod_info) -> Status | None``
- ``less(qpi1, qpi2) -> bool`` (QueueSort)
- ``pre_filter(state, pod_info) -> (PreFilterResult | None, Status | None)``
- ``add_pod(state, pod_info, pod_info_to_add, node_info)`` /
  ``remove_pod(state, pod_info, pod_info_to_remove, node_info)`` (PreFilterExtensions)
- ``filter(state, pod_info, node_info) -> Status | None``
- ``post_filter(state, pod_info, node_to_status) -> (PostFilterResult | None, Status | None)``
- ``pre_score(state, pod_info, node_infos) -> Status | None``
- ``score(state, pod_info, node_info) -> int`` (raise :class:`PluginError` for an Error status)
- ``normalize_score(state, pod_info, scores: list[NodeScore]) -> Status | None``
- ``reserve`` / ``unreserve`` / ``permit`` / ``pre_bind`` / ``bind`` / ``post_bind``
  ``(state, pod_info, node_name)``
- ``events_to_register() -> list[ClusterEventWithHint]``
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Optional

#: upstream: MaxNodeScore / MinNodeScore / MaxTotalScore
MAX_NODE_SCORE = 100
MIN_NODE_SCORE = 0
MAX_TOTAL_SCORE = (1 << 63) - 1


class Code(enum.IntEnum):
    """upstream: framework.Code (the order is upstream's)."""

    Success = 0
    Error = 1
    Unschedulable = 2
    UnschedulableAndUnresolvable = 3
    Wait = 4
    Skip = 5
    Pending = 6


class Status:
    """upstream: framework.Status -- a code, reasons (joined by ", " as the message) and the plugin."""

    __slots__ = ("code", "reasons", "plugin", "err")

    def __init__(self, code: Code = Code.Success, *reasons: str, plugin: str = "", err: Exception | None = None):
        self.code = code
        self.reasons = list(reasons)
        self.plugin = plugin
        self.err = err
        if err is not None and not self.reasons:
            self.reasons = [str(err)]

    def message(self) -> str:
        return ", ".join(self.reasons)

    def is_success(self) -> bool:
        return self.code == Code.Success

    def is_skip(self) -> bool:
        return self.code == Code.Skip

    def is_wait(self) -> bool:
        return self.code == Code.Wait

    def is_rejected(self) -> bool:
        """Unschedulable, UnschedulableAndUnresolvable or Pending (upstream IsRejected)."""
        return self.code in (Code.Unschedulable, Code.UnschedulableAndUnresolvable, Code.Pending)

    def with_plugin(self, plugin: str) -> "Status":
        self.plugin = plugin
        return self

    def __eq__(self, other) -> bool:
        if other is None:
            return self.code == Code.Success and not self.reasons
        if not isinstance(other, Status):
            return NotImplemented
        return self.code == other.code and self.reasons == other.reasons

    def __repr__(self) -> str:
        return f"Status({self.code.name}, {self.message()!r}{', plugin=' + self.plugin if self.plugin else ''})"


def code_of(st: Optional[Status]) -> Code:
    """The code of a status; None means Success."""
    return Code.Success if st is None else st.code


def is_success(st: Optional[Status]) -> bool:
    return st is None or st.code == Code.Success


def as_status(err: Exception, plugin: str = "") -> Status:
    """upstream: framework.AsStatus."""
    return Status(Code.Error, plugin=plugin, err=err)


class PluginError(Exception):
    """Raised by a Score (or other) method to report an Error status."""


@dataclass
class PreFilterResult:
    """upstream: PreFilterResult -- ``node_names`` None means all nodes."""

    node_names: Optional[set] = None

    def all_nodes(self) -> bool:
        return self.node_names is None

    def merge(self, other: "PreFilterResult | None") -> "PreFilterResult":
        if other is None or other.all_nodes():
            return self
        if self.all_nodes():
            return PreFilterResult(set(other.node_names))
        return PreFilterResult(self.node_names & other.node_names)


def merge_prefilter(a: "PreFilterResult | None", b: "PreFilterResult | None") -> "PreFilterResult | None":
    if a is None or a.all_nodes():
        return None if (b is None or b.all_nodes()) else PreFilterResult(set(b.node_names))
    return a.merge(b)


@dataclass
class NominatingInfo:
    """upstream: NominatingInfo (mode ``override`` sets status.nominatedNodeName)."""

    nominated_node_name: str = ""
    mode: str = "noop"  # "noop" | "override"


@dataclass
class PostFilterResult:
    nominating_info: Optional[NominatingInfo] = None


class NodeScore:
    """upstream: NodeScore -- a node name and its score."""

    __slots__ = ("name", "score")

    def __init__(self, name: str, score: int):
        self.name = name
        self.score = score

    def __repr__(self) -> str:
        return f"NodeScore({self.name!r}, {self.score})"


# ---------------------------------------------------------------- cluster events
# upstream: pkg/scheduler/framework/types.go ActionType / EventResource

class ActionType(enum.IntFlag):
    Add = 1
    Delete = 2
    UpdateNodeAllocatable = 4
    UpdateNodeLabel = 8
    UpdateNodeTaint = 16
    UpdateNodeCondition = 32
    UpdateNodeAnnotation = 64
    UpdatePodLabel = 128
    UpdatePodScaleDown = 256
    UpdatePodTolerations = 512
    UpdatePodSchedulingGatesEliminated = 1024
    UpdatePodGeneratedResourceClaim = 2048
    Update = (4 | 8 | 16 | 32 | 64 | 128 | 256 | 512 | 1024 | 2048)
    All = Add | Delete | Update


#: event resources: a plugin registers ``Node`` or ``Pod`` (any pod); events that happen are
#: about a ``Node``, an ``AssignedPod`` (bound) or an ``UnschedulablePod`` (the pending pod itself)
NODE = "Node"
POD = "Pod"
ASSIGNED_POD = "AssignedPod"
UNSCHEDULED_POD = "UnschedulablePod"
WILDCARD = "*"


class QueueingHint(enum.IntEnum):
    """upstream: framework.QueueingHint."""

    QueueSkip = 0
    Queue = 1


@dataclass(frozen=True)
class ClusterEvent:
    """upstream: framework.ClusterEvent -- a resource and the actions on it."""

    resource: str
    action: ActionType
    label: str = ""

    def is_wildcard(self) -> bool:
        return self.resource == WILDCARD

    def match(self, other: "ClusterEvent") -> bool:
        """upstream: ClusterEvent.Match -- does this registered event cover ``other`` (one that happened)?"""
        if self.is_wildcard():
            return True
        r = self.resource
        res_ok = r == other.resource or (r == POD and other.resource in (ASSIGNED_POD, UNSCHEDULED_POD))
        return res_ok and bool(self.action & other.action)


@dataclass(frozen=True)
class ClusterEventWithHint:
    """upstream: ClusterEventWithHint -- QueueingHintFn(pod, old, new) -> QueueingHint."""

    event: ClusterEvent
    hint: Optional[Callable] = None


class Plugin:
    """Base class for plugins: subclasses set ``name`` and define extension-point methods."""

    name = ""
