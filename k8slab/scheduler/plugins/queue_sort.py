"""PrioritySort: the activeQ order -- higher priority first, then the earlier queue timestamp.

upstream: pkg/scheduler/framework/plugins/queuesort/priority_sort.go.
"""

from __future__ import annotations

from ..framework.interface import Plugin
from . import names


class PrioritySort(Plugin):
    name = names.PRIORITY_SORT

    def less(self, a, b) -> bool:
        p1, p2 = a.pod_info.priority, b.pod_info.priority
        return p1 > p2 or (p1 == p2 and a.timestamp < b.timestamp)

    def sort_key(self, q) -> tuple:
        """A heap key equivalent to ``less`` (ties broken by arrival order)."""
        return (-q.pod_info.priority, q.timestamp, q.seq)


def new(args: dict, handle) -> PrioritySort:
    return PrioritySort()
