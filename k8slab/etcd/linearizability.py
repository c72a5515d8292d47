"""A linearizability checker for key-value register histories (Wing & Gong, with Lowe's memo).

A history is a list of client operations, each with the virtual time it was invoked and
the time its response came back. It is *linearizable* if every operation can be given a
single instant between its invocation and its response such that, in that order, the
operations behave like a plain register per key: each get returns the value of the last
put before it (or the initial value). An operation that never returned (``response``
None) may or may not have taken effect: it may be placed anywhere after its invocation
(placing it after everything else is the same as it never happening).

The search is Wing & Gong's (J. Parallel Distrib. Comput. 1993) as refined by Lowe
("Testing for linearizability", 2017) and used by Porcupine/Knossos: walk the history
in time order, tentatively linearize a pending operation whose call is next, backtrack on
a dead end, and remember every (set of linearized ops, register value) already explored
so that no configuration is tried twice. Keys are checked independently (a register per
key is P-compositional, Horn & Kroening 2015), which keeps histories of a few hundred
operations fast. Before searching, an operation that never returned is left out when
nothing depends on it: a read (it observed nothing anyone saw) or a put whose value no
read returned (placing it after everything else is always allowed and changes nothing).

Ties: an operation that returns at the same instant another is invoked is treated as
concurrent with it (the permissive reading, so the checker never rejects a history
because of clock granularity).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

__all__ = ["Operation", "LinearizabilityResult", "check_history", "is_linearizable"]

_PUT = frozenset({"put", "write"})
_GET = frozenset({"get", "read"})


@dataclass(frozen=True)
class Operation:
    """One client operation on a key: ``kind`` is ``"put"`` (``value`` written) or ``"get"``
    (``value`` returned; None for a missing key). ``response`` None: never returned."""

    kind: str
    key: Any
    value: Any
    invoke: float
    response: float | None = None
    client: Any = None
    id: Any = None

    def __post_init__(self) -> None:
        if self.kind not in _PUT and self.kind not in _GET:
            raise ValueError(f'operation kind must be "put" or "get", got {self.kind!r}')
        if self.response is not None and self.response < self.invoke:
            raise ValueError(f"operation {self.id if self.id is not None else ''} responds at {self.response} "
                             f"before it was invoked at {self.invoke}")


@dataclass
class LinearizabilityResult:
    """The verdict: ``ok`` overall, the keys that are not linearizable, and for each
    linearizable key one witness order (the operations in linearization order)."""

    ok: bool
    bad_keys: list
    orders: dict

    def __bool__(self) -> bool:
        return self.ok


class _Node:
    __slots__ = ("is_call", "op", "idx", "match", "prev", "next")

    def __init__(self, is_call: bool, op: Operation | None, idx: int) -> None:
        self.is_call = is_call
        self.op = op
        self.idx = idx
        self.match: _Node | None = None
        self.prev: _Node | None = None
        self.next: _Node | None = None


def _lift(call: _Node) -> None:
    call.prev.next = call.next
    call.next.prev = call.prev
    ret = call.match
    ret.prev.next = ret.next
    if ret.next is not None:
        ret.next.prev = ret.prev


def _unlift(call: _Node) -> None:
    ret = call.match
    ret.prev.next = ret
    if ret.next is not None:
        ret.next.prev = ret
    call.prev.next = call
    call.next.prev = call


def _check_key(ops: list[Operation], init: Any) -> list[Operation] | None:
    """One key's history: a linearization order, or None when there is none."""
    # reads that never returned constrain nothing
    ops = [o for o in ops if not (o.kind in _GET and o.response is None)]
    # a put that never returned and whose value no read saw can always be placed last,
    # which is the same as leaving it out (it changes nothing anyone observed)
    seen = [o.value for o in ops if o.kind in _GET]
    ops = [o for o in ops if not (o.kind in _PUT and o.response is None and o.value not in seen)]
    events = []
    for i, o in enumerate(ops):
        resp = math.inf if o.response is None else o.response
        # at equal times calls sort before returns: touching operations are concurrent
        events.append((o.invoke, 0, i, True))
        events.append((resp, 1, i, False))
    events.sort()
    head = _Node(False, None, -1)
    calls: dict[int, _Node] = {}
    prev = head
    for _, _, i, is_call in events:
        n = _Node(is_call, ops[i], i)
        if is_call:
            calls[i] = n
        else:
            calls[i].match = n
        prev.next = n
        n.prev = prev
        prev = n

    state = init
    linearized = 0
    cache: set[tuple[int, Any]] = set()
    stack: list[tuple[_Node, Any]] = []
    entry = head.next
    while head.next is not None:
        if entry.is_call:
            op = entry.op
            if op.kind in _PUT:
                ok, new_state = True, op.value
            else:
                ok, new_state = op.value == state, state
            if ok:
                new_lin = linearized | (1 << entry.idx)
                key = (new_lin, new_state)
                if key not in cache:
                    cache.add(key)
                    stack.append((entry, state))
                    state = new_state
                    linearized = new_lin
                    _lift(entry)
                    entry = head.next
                    continue
            entry = entry.next
        else:
            # a return whose call is still pending: backtrack
            if not stack:
                return None
            entry, state = stack.pop()
            linearized &= ~(1 << entry.idx)
            _unlift(entry)
            entry = entry.next
    return [e.op for e, _ in stack]


def check_history(history: Iterable[Operation], init: Any = None) -> LinearizabilityResult:
    """Check a history key by key; ``init`` is every key's value before the history."""
    by_key: dict[Any, list[Operation]] = {}
    for op in history:
        by_key.setdefault(op.key, []).append(op)
    bad = []
    orders = {}
    for key, ops in by_key.items():
        order = _check_key(ops, init)
        if order is None:
            bad.append(key)
        else:
            orders[key] = order
    return LinearizabilityResult(not bad, bad, orders)


def is_linearizable(history: Iterable[Operation], init: Any = None) -> bool:
    """True when the history of puts and gets is linearizable (per-key register model)."""
    return check_history(history, init).ok
