"""Raft safety and liveness under random faults: hypothesis drives 1,000 seeded schedules of
partitions, crashes and restarts, message loss, proposals and reads against a 3-member
RaftNetwork (virtual clock, etcd's 100 ms tick), then heals everything and checks:

* election safety -- at most one leader per term, over the whole run;
* log matching -- two logs that agree on an entry's term agree on every entry before it;
* leader completeness / no committed entry lost -- every leader, and at the end every
  member, holds every entry that was ever committed;
* state machine safety -- every member applies the same entry at each index;
* liveness after heal -- a leader is elected and every member's commit index catches up;
* linearizability -- the client history (puts through Raft, ReadIndex gets) is linearizable.

5-member schedules live in test_raft_properties_five.py (pytest-xdist runs by file).
"""

from hypothesis import HealthCheck, given, settings, strategies as st

from k8slab.etcd.linearizability import check_history
from k8slab.etcd.raft_network import RaftNetwork

MEMBERS = 3


def steps(n):
    """One step of a schedule: a fault, some time, client requests, more time."""
    member = st.integers(0, n - 1)
    fault = st.one_of(
        st.tuples(st.just("none")),
        st.tuples(st.just("partition"), st.lists(st.integers(0, 1), min_size=n, max_size=n)),
        st.tuples(st.just("isolate"), member),
        st.tuples(st.just("cut"), member, member),
        st.tuples(st.just("heal")),
        st.tuples(st.just("drop"), st.sampled_from([0.0, 0.05, 0.2, 0.5])),
        st.tuples(st.just("stop"), member),
        st.tuples(st.just("start"), member),
        st.tuples(st.just("restart"), member),
        st.tuples(st.just("stop-leader")),
        st.tuples(st.just("isolate-leader")),
        st.tuples(st.just("restart-all")),
    )
    duration = st.sampled_from([0.02, 0.1, 0.3, 0.7, 1.5, 3.0])
    request = st.tuples(st.sampled_from(["put", "get"]), member, st.integers(0, 1))
    return st.tuples(fault, duration, st.lists(request, max_size=3), duration)


SCHEDULE = {n: st.lists(steps(n), min_size=4, max_size=16) for n in (3, 5)}


def check_log_matching(net):
    logs = [(m.name, m.node.entries if m.node else tuple(m.storage.entries)) for m in net.members.values()]
    for i, (a, la) in enumerate(logs):
        for b, lb in logs[i + 1:]:
            # find the last index where terms agree; everything up to it must be identical
            for idx in range(min(len(la), len(lb)), 0, -1):
                if la[idx - 1].term == lb[idx - 1].term:
                    assert la[:idx] == lb[:idx], f"log matching broken between {a} and {b} at {idx}"
                    break


def check_applied_prefixes(net):
    seqs = [m.sm.applied for m in net.members.values() if m.sm is not None]
    for s in seqs:
        for t in seqs:
            k = min(len(s), len(t))
            assert s[:k] == t[:k], "members applied different sequences"


def apply_fault(net, fault):
    names = net.names
    kind = fault[0]
    if kind == "partition":
        net.partition([names[i] for i, g in enumerate(fault[1]) if g == 0])
    elif kind == "isolate":
        net.isolate(names[fault[1]])
    elif kind == "cut":
        net.cut(names[fault[1]], names[fault[2]])
    elif kind == "heal":
        net.heal()
    elif kind == "drop":
        net.drop(fault[1])
    elif kind == "stop":
        net.stop(names[fault[1]])
    elif kind == "start":
        net.start(names[fault[1]])
    elif kind == "restart":
        net.stop(names[fault[1]])
        net.start(names[fault[1]])
    elif kind == "stop-leader" and net.leader is not None:
        net.stop(net.leader)
    elif kind == "isolate-leader" and net.leader is not None:
        net.isolate(net.leader)
    elif kind == "restart-all":
        for name in names:
            net.start(name)


# (pre_vote, check_quorum): etcd runs with both on; the others make stale leaders and
# disruptive candidates more common, which is where safety bugs hide.
CONFIGS = st.sampled_from([(True, True), (False, False), (True, False), (False, True)])


def run_schedule(n, seed, schedule, config=(True, True)):
    pre_vote, check_quorum = config
    net = RaftNetwork(n, seed=seed, pre_vote=pre_vote, check_quorum=check_quorum)
    names = net.names
    value = 0
    for fault, before, requests, after in schedule:
        apply_fault(net, fault)
        net.run(before)
        for kind, via, key in requests:
            if kind == "put":
                value += 1
                net.put(f"k{key}", value, via=names[via], timeout=3.0)
            else:
                net.get(f"k{key}", via=names[via], timeout=3.0)
        net.run(after)
        check_log_matching(net)
        check_applied_prefixes(net)
        assert not net.violations, net.violations

    # heal everything; the cluster must recover on its own
    net.heal()
    for name in names:
        net.start(name)
    net.run_until_converged(timeout=60.0)
    # and accept a new write
    final = net.put("final", "v")
    net.run_until_converged(timeout=30.0)
    assert final.ok, final

    assert not net.violations, net.violations
    assert all(len(ls) <= 1 for ls in net.leaders_by_term.values()), net.leaders_by_term
    check_log_matching(net)
    leader_log = net.node(net.leader).entries
    for idx, e in net.committed.items():
        assert leader_log[idx - 1] == e, f"committed entry {idx} lost"
    seqs = {m.name: m.sm.applied for m in net.members.values()}
    assert len({tuple(map(repr, s)) for s in seqs.values()}) == 1, "members applied different sequences"
    assert all(s.commit == s.log_length for s in net.summary())
    history = net.linearizability_history()
    result = check_history(history)
    assert result.ok, (result.bad_keys, history)
    return net


@settings(max_examples=1000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed=st.integers(0, 2**32 - 1), config=CONFIGS, schedule=SCHEDULE[MEMBERS])
def test_raft_safety_and_liveness_three_members(seed, config, schedule):
    run_schedule(MEMBERS, seed, schedule, config)
