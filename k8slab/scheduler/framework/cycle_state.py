"""CycleState: per-scheduling-cycle scratch space plugins share.

upstream: pkg/scheduler/framework/cycle_state.go. Plugins ``write`` their PreFilter /
PreScore results under their own key and ``read`` them later in the cycle; ``clone`` is used
by preemption's dry runs (values with a ``clone()`` method are cloned, others shared).
"""

from __future__ import annotations

from typing import Any


class NotFound(KeyError):
    """upstream: ErrNotFound ("not found")."""


class CycleState:
    """A key/value store for one scheduling cycle, plus the plugins to skip."""

    __slots__ = ("_storage", "skip_filter_plugins", "skip_score_plugins")

    def __init__(self) -> None:
        self._storage: dict[str, Any] = {}
        self.skip_filter_plugins: set[str] = set()
        self.skip_score_plugins: set[str] = set()

    def read(self, key: str) -> Any:
        try:
            return self._storage[key]
        except KeyError:
            raise NotFound("not found") from None

    def get(self, key: str, default: Any = None) -> Any:
        return self._storage.get(key, default)

    def write(self, key: str, value: Any) -> None:
        self._storage[key] = value

    def delete(self, key: str) -> None:
        self._storage.pop(key, None)

    def clone(self) -> "CycleState":
        c = CycleState()
        for k, v in self._storage.items():
            c._storage[k] = v.clone() if hasattr(v, "clone") else v
        c.skip_filter_plugins = set(self.skip_filter_plugins)
        c.skip_score_plugins = set(self.skip_score_plugins)
        return c
