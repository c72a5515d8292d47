"""kube-controller-manager and its controllers."""

from .manager import ControllerManager, CONTROLLERS

__all__ = ["ControllerManager", "CONTROLLERS"]
