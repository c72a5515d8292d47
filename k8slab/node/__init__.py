"""The worker node: the kubelet and its simulated container runtime (and the image registry they pull from)."""

from .kubelet import DEFAULTS, Backoff, Kubelet
from .runtime import ContainerRuntime

__all__ = ["Kubelet", "ContainerRuntime", "Backoff", "DEFAULTS"]
