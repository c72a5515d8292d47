"""DefaultBinder: bind the pod to the node through the API (``POST pods/<name>/binding``).

upstream: pkg/scheduler/framework/plugins/defaultbinder/default_binder.go.
"""

from __future__ import annotations

from ...api.errors import ApiError
from ..framework.interface import Code, Plugin, Status
from . import names


class DefaultBinder(Plugin):
    name = names.DEFAULT_BINDER

    def __init__(self, handle=None):
        self.handle = handle

    def bind(self, state, pi, node_name: str) -> Status | None:
        try:
            self.handle.client.bind(pi.pod, node_name)
        except ApiError as e:
            return Status(Code.Error, e.message)
        return None


def new(args: dict, handle) -> DefaultBinder:
    return DefaultBinder(handle)
