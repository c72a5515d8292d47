"""The scheduling framework: Status, CycleState, PodInfo/NodeInfo and the per-profile runtime.

upstream: pkg/scheduler/framework (interface.go, cycle_state.go, types.go, runtime/framework.go).
"""

from .cycle_state import CycleState
from .interface import (MAX_NODE_SCORE, MIN_NODE_SCORE, ActionType, ClusterEvent, ClusterEventWithHint, Code,
                        NodeScore, NominatingInfo, Plugin, PluginError, PostFilterResult, PreFilterResult,
                        QueueingHint, Status, as_status, code_of, is_success)
from .runtime import Framework, NodePluginScores
from .types import Diagnosis, FitError, NodeInfo, NodeToStatus, PodInfo, QueuedPodInfo

__all__ = ["CycleState", "MAX_NODE_SCORE", "MIN_NODE_SCORE", "ActionType", "ClusterEvent", "ClusterEventWithHint",
           "Code", "NodeScore", "NominatingInfo", "Plugin", "PluginError", "PostFilterResult", "PreFilterResult",
           "QueueingHint", "Status", "as_status", "code_of", "is_success", "Framework", "NodePluginScores",
           "Diagnosis", "FitError", "NodeInfo", "NodeToStatus", "PodInfo", "QueuedPodInfo"]
