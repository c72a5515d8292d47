"""A rate-limited work queue on virtual time.

upstream: staging/src/k8s.io/client-go/util/workqueue (queue.go, delaying_queue.go,
rate_limiting_queue.go, default_rate_limiters.go). Keys are deduplicated while waiting; a
key being processed that is added again is processed once more afterwards. Failed keys
come back after DefaultControllerRateLimiter's delay: the larger of
ItemExponentialFailureRateLimiter (5 ms doubling to 1000 s per key) and the overall
BucketRateLimiter (10 qps with a burst of 100, shared by every key of the queue).

The queue does not run anything by itself: it asks ``call_later`` (the kernel) to invoke
``process(key)`` — one kernel event per key, so each reconcile is one ``step()``.
"""

from __future__ import annotations

from collections import deque
from typing import Callable


class WorkQueue:
    """Keys waiting for ``process``; each key runs as its own kernel event."""

    BASE_DELAY = 0.005
    MAX_DELAY = 1000.0
    BUCKET_QPS = 10.0
    BUCKET_BURST = 100

    def __init__(self, name: str, call_later: Callable, process: Callable[[str], None], *,
                 worker_delay: float = 0.0):
        self.name = name
        self._call_later = call_later
        self._process = process
        self._queue: deque[str] = deque()
        self._dirty: set[str] = set()
        self._processing: set[str] = set()
        self._failures: dict[str, int] = {}
        self._waiting: dict[str, object] = {}
        self._scheduled = False
        self.worker_delay = worker_delay
        self._tokens = float(self.BUCKET_BURST)
        self._tokens_at: float | None = None
        self.now: Callable[[], float] | None = None  # set by the owner to enable the token bucket

    def add(self, key: str) -> None:
        """Queue ``key`` (no-op if it is already waiting)."""
        if key in self._dirty:
            return
        self._dirty.add(key)
        if key in self._processing:
            return
        self._queue.append(key)
        self._kick()

    def add_after(self, key: str, delay: float) -> None:
        """Queue ``key`` after ``delay`` virtual seconds (the earliest request wins)."""
        if delay <= 0:
            self.add(key)
            return
        self._call_later(delay, self._add_waited, key, source=self.name, what=f"requeue {key}")

    def _add_waited(self, key: str) -> None:
        self.add(key)

    def add_rate_limited(self, key: str) -> None:
        """Queue ``key`` after max(its exponential backoff, the shared token bucket's wait)."""
        n = self._failures.get(key, 0)
        self._failures[key] = n + 1
        self.add_after(key, max(min(self.BASE_DELAY * (2 ** n), self.MAX_DELAY), self._bucket_delay()))

    def _bucket_delay(self) -> float:
        """rate.Limiter.Reserve(): take a token; wait for it when the bucket is empty."""
        if self.now is None:
            return 0.0
        t = self.now()
        if self._tokens_at is not None:
            self._tokens = min(float(self.BUCKET_BURST), self._tokens + (t - self._tokens_at) * self.BUCKET_QPS)
        self._tokens_at = t
        self._tokens -= 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self.BUCKET_QPS

    def forget(self, key: str) -> None:
        """Reset ``key``'s backoff (after a successful reconcile)."""
        self._failures.pop(key, None)

    def num_requeues(self, key: str) -> int:
        return self._failures.get(key, 0)

    def __len__(self) -> int:
        return len(self._queue)

    def _kick(self) -> None:
        if not self._scheduled and self._queue:
            self._scheduled = True
            key = self._queue[0]
            self._call_later(self.worker_delay, self._run_one, source=self.name, what=f"sync {key}")

    def _run_one(self) -> None:
        self._scheduled = False
        if not self._queue:
            return
        key = self._queue.popleft()
        self._dirty.discard(key)
        self._processing.add(key)
        try:
            self._process(key)
        finally:
            self._processing.discard(key)
            if key in self._dirty:
                self._queue.append(key)
            self._kick()
