"""The kernel: virtual time, deterministic ordering, single steps, errors never swallowed."""

import pytest

from k8slab.sim import Kernel, RngTree


def test_events_run_in_time_then_insertion_order():
    k = Kernel()
    out = []
    k.call_later(2, out.append, "c")
    k.call_later(1, out.append, "a")
    k.call_later(1, out.append, "b")
    k.call_later(0, out.append, "first")
    k.run_until(5)
    assert out == ["first", "a", "b", "c"]
    assert k.now == 5


def test_step_runs_exactly_one_event():
    k = Kernel()
    out = []
    k.call_later(1, out.append, 1, source="x", what="one")
    k.call_later(3, out.append, 2, source="y", what="two")
    rec = k.step()
    assert out == [1] and k.now == 1 and rec.source == "x" and rec.what == "one"
    assert str(rec) == "t=1.000s x: one"
    k.step()
    assert out == [1, 2] and k.now == 3
    assert k.step() is None


def test_cancelled_timer_does_not_fire():
    k = Kernel()
    out = []
    t = k.call_later(1, out.append, 1)
    t.cancel()
    assert k.run_until(2) == 0 and out == []


def test_failures_propagate():
    k = Kernel()

    def boom():
        raise RuntimeError("boom")

    k.call_later(1, boom)
    with pytest.raises(RuntimeError, match="boom"):
        k.run_until(2)


def test_negative_delay_is_refused():
    with pytest.raises(ValueError):
        Kernel().call_later(-1, print)


def test_rng_streams_are_independent_and_reproducible():
    a, b = RngTree(7), RngTree(7)
    xs = [a.stream("x").random() for _ in range(3)]
    b.stream("y").random()  # drawing from another stream changes nothing for x
    assert xs == [b.stream("x").random() for _ in range(3)]
    assert RngTree(8).stream("x").random() != xs[0]
