"""Virtual clock and event queue.

k8slab uses a small heap loop rather than SimPy. Every component here is sans-IO: it
reacts to a callback (a watch event, a timer) and returns. A callback queue is all the
kernel needs, and a heap of ``(time, sequence, event)`` gives the two things the course
depends on: ``step()`` runs exactly one event (so a learner can walk through a single
``kubectl apply``), and ties at the same virtual time break by insertion order, so the
same calls give the same run every time. SimPy's generator processes would hide the
callbacks inside coroutines that cannot be inspected, pickled for ``save()``, or stepped
one event at a time. Failures are never swallowed: an exception raised by a callback
propagates out of ``step()``/``run()`` with the event that raised it attached.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class StepRecord:
    """What one ``step()`` processed: when, which component, and what it was."""

    time: float
    source: str
    what: str

    def __str__(self) -> str:
        return f"t={self.time:.3f}s {self.source}: {self.what}"


class Timer:
    """A scheduled callback; ``cancel()`` stops it from firing."""

    __slots__ = ("time", "seq", "fn", "args", "source", "what", "cancelled")

    def __init__(self, time: float, seq: int, fn: Callable, args: tuple, source: str, what: str):
        self.time = time
        self.seq = seq
        self.fn = fn
        self.args = args
        self.source = source
        self.what = what
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def __lt__(self, other: "Timer") -> bool:
        return (self.time, self.seq) < (other.time, other.seq)


class Kernel:
    """A virtual clock with an event heap. Time is in seconds since the cluster started."""

    def __init__(self) -> None:
        self.now: float = 0.0
        self._heap: list[Timer] = []
        self._seq = 0
        self.steps = 0

    # ------------------------------------------------------------ scheduling
    def call_later(self, delay: float, fn: Callable, *args: Any, source: str = "", what: str = "") -> Timer:
        """Run ``fn(*args)`` ``delay`` virtual seconds from now."""
        if delay < 0:
            raise ValueError(f"delay must be >= 0, got {delay}")
        return self.call_at(self.now + delay, fn, *args, source=source, what=what)

    def call_at(self, when: float, fn: Callable, *args: Any, source: str = "", what: str = "") -> Timer:
        """Run ``fn(*args)`` at virtual time ``when`` (never in the past)."""
        when = round(max(when, self.now), 9)
        self._seq += 1
        t = Timer(when, self._seq, fn, args, source, what)
        heapq.heappush(self._heap, t)
        return t

    # ------------------------------------------------------------ running
    def peek(self) -> float | None:
        """The time of the next pending event, or None."""
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].time if self._heap else None

    def pending(self) -> int:
        return sum(1 for t in self._heap if not t.cancelled)

    def step(self) -> StepRecord | None:
        """Process exactly one event; None when nothing is scheduled."""
        while self._heap:
            t = heapq.heappop(self._heap)
            if t.cancelled:
                continue
            self.now = t.time
            self.steps += 1
            t.fn(*t.args)
            return StepRecord(t.time, t.source, t.what)
        return None

    def run_until(self, until: float) -> int:
        """Process every event due at or before ``until``; the clock then reads ``until``."""
        n = 0
        heap = self._heap
        while heap:
            t = heap[0]
            if t.cancelled:
                heapq.heappop(heap)
                continue
            if t.time > until:
                break
            heapq.heappop(heap)
            self.now = t.time
            self.steps += 1
            n += 1
            t.fn(*t.args)
        if until > self.now:
            self.now = until
        return n
