"""The Wing–Gong linearizability checker (k8slab.etcd.linearizability): tables of known-good
and known-bad register histories, agreement with a brute-force checker on small random
histories, speed on a few hundred operations, and client histories recorded against the
Raft network under faults."""

import itertools
import random
import time

import pytest
from hypothesis import given, settings, strategies as st

from k8slab.etcd.linearizability import Operation, check_history, is_linearizable
from k8slab.etcd.raft_network import RaftNetwork


def P(value, invoke, response, key="x"):
    return Operation("put", key, value, invoke, response)


def G(value, invoke, response, key="x"):
    return Operation("get", key, value, invoke, response)


GOOD = {
    "empty": [],
    "read initial value": [G(None, 0, 1)],
    "sequential put then get": [P(1, 0, 1), G(1, 2, 3)],
    "concurrent get sees old value": [P(1, 0, 1), P(2, 2, 5), G(1, 3, 4)],
    "concurrent get sees new value": [P(1, 0, 1), P(2, 2, 5), G(2, 3, 4)],
    "touching intervals are concurrent": [P(1, 0, 2), G(None, 2, 3)],
    "concurrent puts, reads agree on an order": [P(1, 0, 10), P(2, 0, 10), G(1, 11, 12), G(1, 13, 14)],
    "concurrent puts, later put wins": [P(1, 0, 10), P(2, 0, 10), G(2, 11, 12)],
    "reads see the two puts in one order": [P(1, 0, 10), P(2, 0, 10), G(1, 1, 2), G(2, 3, 4), G(2, 11, 12)],
    "pending put observed later": [P(1, 0, None), G(1, 5, 6)],
    "pending put never observed": [P(1, 0, 1), P(2, 2, None), G(1, 5, 6)],
    "pending put observed then not undone": [P(1, 0, 1), P(2, 2, None), G(1, 3, 4), G(2, 5, 6), G(2, 7, 8)],
    "unanswered get is ignored": [P(1, 0, 1), G(99, 2, None)],
    "keys are independent": [P(1, 0, 1, "a"), P(2, 0, 1, "b"), G(1, 2, 3, "a"), G(2, 2, 3, "b")],
    "read in the middle of a long put": [P(1, 0, 1), P(2, 2, 20), G(1, 3, 4), G(2, 5, 6), G(2, 7, 8)],
}

BAD = {
    "value never written": ([P(1, 0, 1), G(7, 2, 3)], ["x"]),
    "stale read after a completed put": ([P(1, 0, 1), P(2, 2, 3), G(1, 4, 5)], ["x"]),
    "initial value after a completed put": ([P(1, 0, 1), G(None, 2, 3)], ["x"]),
    "read from the future": ([G(5, 0, 1), P(5, 2, 3)], ["x"]),
    "new-old inversion": ([P(1, 0, 1), P(2, 2, 10), G(2, 3, 4), G(1, 5, 6)], ["x"]),
    "reads disagree on the order of two puts": (
        [P(1, 0, 10), P(2, 0, 10), G(1, 11, 12), G(2, 13, 14), G(1, 15, 16)], ["x"]),
    "pending put seen then unseen": ([P(1, 0, 1), P(2, 2, None), G(2, 3, 4), G(1, 5, 6)], ["x"]),
    "only one key is bad": ([P(1, 0, 1, "a"), G(1, 2, 3, "a"), P(1, 0, 1, "b"), P(2, 2, 3, "b"),
                             G(1, 4, 5, "b")], ["b"]),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_accepts_linearizable_histories(name):
    history = GOOD[name]
    result = check_history(history)
    assert result.ok and result.bad_keys == []
    for key, order in result.orders.items():
        # the witness is a legal sequential run that respects real-time order
        state = None
        for op in order:
            if op.kind == "put":
                state = op.value
            else:
                assert op.value == state
        pos = {id(op): i for i, op in enumerate(order)}
        for a, b in itertools.permutations(order, 2):
            if a.response is not None and a.response < b.invoke:
                assert pos[id(a)] < pos[id(b)]


@pytest.mark.parametrize("name", sorted(BAD))
def test_rejects_non_linearizable_histories(name):
    history, bad_keys = BAD[name]
    result = check_history(history)
    assert not result.ok and not is_linearizable(history)
    assert result.bad_keys == bad_keys


def test_initial_value():
    assert is_linearizable([G(0, 0, 1)], init=0)
    assert not is_linearizable([G(None, 0, 1)], init=0)


@pytest.mark.parametrize("kwargs,message", [
    ({"kind": "cas"}, 'operation kind must be "put" or "get"'),
    ({"invoke": 5, "response": 4}, "responds at 4 before it was invoked at 5"),
])
def test_bad_operations_are_refused(kwargs, message):
    args = {"kind": "put", "key": "x", "value": 1, "invoke": 0, "response": 1}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        Operation(**args)


# ---------------------------------------------------------------------------- vs brute force
def brute_force(history, init=None):
    ops = [o for o in history if not (o.kind == "get" and o.response is None)]
    for perm in itertools.permutations(ops):
        ok = True
        for i, a in enumerate(perm):
            for b in perm[i + 1:]:
                if b.response is not None and b.response < a.invoke:
                    ok = False  # b finished before a started but is ordered after it
                    break
            if not ok:
                break
        if not ok:
            continue
        state = init
        for op in perm:
            if op.kind == "put":
                state = op.value
            elif op.value != state:
                ok = False
                break
        if ok:
            return True
    return False


@st.composite
def small_histories(draw):
    n = draw(st.integers(0, 6))
    ops = []
    for i in range(n):
        invoke = draw(st.integers(0, 10))
        resp = draw(st.one_of(st.none(), st.integers(invoke, 12)))
        if draw(st.booleans()):
            ops.append(Operation("put", "x", i, invoke, resp))
        else:
            ops.append(Operation("get", "x", draw(st.sampled_from([None, 0, 1, 2])), invoke, resp))
    return ops


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(small_histories())
def test_agrees_with_brute_force(history):
    assert is_linearizable(history) == brute_force(history)


# ---------------------------------------------------------------------------- scale
def register_history(rng, n_ops, n_clients=8, pending=0.05):
    """A history produced by a real atomic register: linearizable by construction. A share
    ``pending`` of the puts never return: half of them took effect anyway, half did not."""
    t = [0.0] * n_clients
    events = []
    for i in range(n_ops):
        c = rng.randrange(n_clients)
        invoke = t[c] + rng.uniform(0, 1)
        response = invoke + rng.uniform(0.1, 3)
        point = rng.uniform(invoke, response)
        t[c] = response
        events.append((point, i, c, invoke, response, rng.random() < 0.5))
    events.sort()
    state = None
    ops = []
    for point, i, c, invoke, response, is_put in events:
        if is_put:
            if rng.random() < pending:
                if rng.random() < 0.5:
                    ops.append(Operation("put", "x", f"lost-{i}", invoke, None, client=c))
                else:
                    state = i  # applied, but the client gave up before hearing so
                    ops.append(Operation("put", "x", i, invoke, None, client=c))
                continue
            state = i
            ops.append(Operation("put", "x", i, invoke, response, client=c))
        else:
            ops.append(Operation("get", "x", state, invoke, response, client=c))
    return ops


@pytest.mark.parametrize("seed", range(10))
def test_a_few_hundred_operations_are_fast(seed):
    rng = random.Random(seed)
    history = register_history(rng, 300)
    t0 = time.perf_counter()
    assert is_linearizable(history)
    # tamper: one read returns the value before the last put that completed before it
    reads = [op for op in history if op.kind == "get" and op.value is not None]
    victim = reads[len(reads) // 2]
    done_before = [op for op in history if op.kind == "put" and op.response is not None
                   and op.response < victim.invoke]
    last = max(done_before, key=lambda o: o.response)
    stale = [op for op in done_before if op.response < last.invoke]
    if stale:
        bad = [Operation("get", "x", stale[-1].value, victim.invoke, victim.response) if op is victim else op
               for op in history]
        assert not is_linearizable(bad)
    assert time.perf_counter() - t0 < 2.0


# ---------------------------------------------------------------------------- Raft histories
def raft_history(seed):
    net = RaftNetwork(5, seed=seed)
    rng = random.Random(seed)
    names = net.names
    value = 0
    for step in range(40):
        r = rng.random()
        if r < 0.1:
            net.isolate(rng.choice(names))
        elif r < 0.2:
            net.partition(rng.sample(names, 2))
        elif r < 0.25 and net.leader:
            net.stop(net.leader)
        elif r < 0.35:
            net.heal()
            for n in names:
                net.start(n)
        elif r < 0.4:
            net.drop(rng.choice([0.0, 0.1, 0.3]))
        for _ in range(rng.randrange(4)):
            key = rng.choice(["a", "b"])
            via = rng.choice(names)
            if rng.random() < 0.5:
                value += 1
                net.put(key, value, via=via, timeout=2.0)
            else:
                net.get(key, via=via, timeout=2.0)
            net.run(rng.choice([0.0, 0.01, 0.05]))
        net.run(rng.choice([0.1, 0.3, 0.8]))
    net.heal()
    for n in names:
        net.start(n)
    net.run_until_converged()
    return net


@pytest.mark.parametrize("seed", range(8))
def test_raft_client_histories_under_faults_are_linearizable(seed):
    net = raft_history(seed)
    history = net.linearizability_history()
    answered = [op for op in history if op.response is not None]
    assert len(answered) >= 20
    assert any(op.kind == "get" and op.value is not None for op in answered)
    result = check_history(history)
    assert result.ok, result.bad_keys
    assert net.violations == []


def test_checker_catches_a_tampered_raft_history():
    net = raft_history(1)
    history = net.linearizability_history()
    puts = sorted((op for op in history if op.kind == "put" and op.response is not None and op.key == "a"),
                  key=lambda o: o.response)
    assert len(puts) >= 2
    first, second = puts[0], puts[-1]
    assert first.response < second.invoke
    # a read after the later put completed, returning the earlier value, is a stale read
    late = second.response + 100
    tampered = history + [Operation("get", "a", first.value, late, late + 1)]
    assert not is_linearizable(tampered)
    assert is_linearizable(history + [Operation("get", "a", net.state_machine_of(net.leader).get("a"), late, late + 1)])
