"""The work queue: dedup, requeue while processing, exponential backoff on virtual time."""

import pytest

from k8slab.client.workqueue import WorkQueue
from k8slab.sim import Kernel


def make(process):
    k = Kernel()
    return k, WorkQueue("q", k.call_later, process)


def test_dedup_while_waiting():
    seen = []
    k, q = make(seen.append)
    q.add("a")
    q.add("a")
    q.add("b")
    k.run_until(1)
    assert seen == ["a", "b"]


def test_key_added_during_processing_runs_again_after():
    seen = []

    def process(key):
        seen.append(key)
        if len(seen) == 1:
            q.add(key)

    k, q = make(process)
    q.add("a")
    k.run_until(1)
    assert seen == ["a", "a"]


@pytest.mark.parametrize("failures,delay", [(0, 0.005), (1, 0.01), (2, 0.02), (10, 5.12), (30, 1000.0)])
def test_rate_limited_backoff(failures, delay):
    seen = []
    k, q = make(lambda key: seen.append(k.now))
    for _ in range(failures):
        q.add_rate_limited("x")
    # drain anything those calls scheduled, then measure one more
    k.run_until(10_000)
    seen.clear()
    start = k.now
    q._failures["x"] = failures
    q.add_rate_limited("x")
    k.run_until(start + 2000)
    assert seen and seen[0] - start == pytest.approx(delay)


def test_forget_resets_backoff():
    k, q = make(lambda key: None)
    q.add_rate_limited("x")
    q.add_rate_limited("x")
    assert q.num_requeues("x") == 2
    q.forget("x")
    assert q.num_requeues("x") == 0


def test_token_bucket_limits_rate_limited_adds_to_10_per_second_after_a_burst_of_100():
    seen = []
    k = Kernel()
    q = WorkQueue("q", k.call_later, lambda key: seen.append(k.now))
    q.now = lambda: k.now
    for i in range(120):
        q.add_rate_limited(f"k{i}")  # distinct keys: only the shared bucket can slow them
    k.run_until(100)
    assert len(seen) == 120
    assert sum(1 for t in seen if t < 0.01) == 100          # the burst
    assert seen[-1] == pytest.approx(2.0, abs=0.01)          # 20 more at 10 qps
