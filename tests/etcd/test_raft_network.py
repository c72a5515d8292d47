"""Scenarios on the deterministic Raft test network (k8slab.etcd.raft_network): elections,
replication, crashes, partitions, stale leaders, minority proposals and ReadIndex reads,
on the virtual clock with etcd's timing (100 ms ticks, 1 s election timeout)."""

import pytest

from k8slab.etcd.linearizability import check_history
from k8slab.etcd.mvcc import MVCCStore
from k8slab.etcd.raft import ProposalDroppedError, StateLeader
from k8slab.etcd.raft_network import (ERR_MEMBER_STOPPED, ERR_PROPOSAL_DROPPED, ERR_TIMEOUT, KVStateMachine,
                                      RaftNetwork)


def roles(net):
    return {s.name: s.role for s in net.summary()}


def applied_data(net, name):
    return [d["value"] for _, _, d in net.state_machine_of(name).applied if isinstance(d, dict)]


# ---------------------------------------------------------------------------- elections
@pytest.mark.parametrize("members", [1, 3, 5])
def test_exactly_one_leader_is_elected(members):
    net = RaftNetwork(members, seed=3)
    lead = net.run_until_leader()
    net.run(2.0)
    assert net.leader == lead
    rs = roles(net)
    assert list(rs.values()).count("leader") == 1
    assert all(r == "follower" for n, r in rs.items() if n != lead)
    assert all(s.leader == lead and s.term == net.node(lead).term for s in net.summary())
    assert net.violations == []


def test_first_election_follows_etcd_timing():
    # election timeout 10 ticks of 100 ms, randomized to [1.0 s, 2.0 s); then one round trip
    for seed in range(10):
        net = RaftNetwork(3, seed=seed)
        net.run_until_leader()
        assert 1.0 <= net.now <= 2.2, (seed, net.now)


def test_same_seed_same_run_other_seed_other_run():
    def run(seed):
        net = RaftNetwork(3, seed=seed)
        lead = net.run_until_leader()
        net.put("a", 1)
        net.run(1.0)
        return lead, net.now, net.messages_sent, net.summary()

    assert run(7) == run(7)
    assert len({run(s)[:2] for s in range(6)}) > 1


def test_manual_driving_with_tick_all_and_stabilize():
    net = RaftNetwork(3, seed=1, auto_tick=False)
    ticks = 0
    while net.leader is None:
        net.tick_all()
        net.stabilize()
        ticks += 1
    assert 10 <= ticks < 22
    assert net.in_flight() == []
    net.put("a", 1)
    net.stabilize()
    assert all(net.state_machine_of(n).get("a") == 1 for n in net.names)


# ---------------------------------------------------------------------------- replication
def test_log_replication_and_commit():
    net = RaftNetwork(3, seed=0)
    lead = net.run_until_leader()
    ops = [net.put("k", v) for v in range(5)]
    net.run(1.0)
    assert all(op.ok for op in ops)
    st = {s.name: s for s in net.summary()}
    for s in st.values():
        assert s.log_length == 6 and s.commit == 6 and s.applied == 6  # the empty entry + 5 puts
        assert [e.term for e in s.log] == [s.term] * 6
        assert applied_data(net, s.name) == [0, 1, 2, 3, 4]
    # the leader answers after a majority has the entry, within a couple of round trips
    assert max(op.response - op.invoke for op in ops) < 0.05
    assert st[lead].role == "leader"


def test_a_put_through_a_follower_is_forwarded():
    net = RaftNetwork(3, seed=0)
    lead = net.run_until_leader()
    follower = next(n for n in net.names if n != lead)
    op = net.put("x", "y", via=follower)
    net.run(0.5)
    assert op.ok and op.via == follower
    assert all(net.state_machine_of(n).get("x") == "y" for n in net.names)


def test_messages_in_flight_are_visible():
    net = RaftNetwork(3, seed=0)
    lead = net.run_until_leader()
    net.run(0.5)
    net.put("x", 1, via=lead)
    fl = net.in_flight()
    assert {f.message.type.name for f in fl} >= {"MsgApp"}
    assert all(f.deliver_at > net.now and f.src == lead for f in fl)
    assert all(0.005 <= f.deliver_at - f.sent <= 0.015 for f in fl)


# ---------------------------------------------------------------------------- crashes
def test_leader_crash_and_re_election():
    net = RaftNetwork(3, seed=2)
    old = net.run_until_leader()
    old_term = net.node(old).term
    ops = [net.put("k", v) for v in range(3)]
    net.run(0.5)
    assert all(op.ok for op in ops)
    net.stop(old)
    crash = net.now
    new = net.run_until_leader()
    assert new != old and net.node(new).term > old_term
    assert net.now - crash < 3.0
    # nothing committed is lost; the new leader takes writes
    assert applied_data(net, new) == [0, 1, 2]
    op = net.put("k", 3)
    net.run(0.5)
    assert op.ok
    # the old leader restarts from its disk as a follower and catches up
    net.start(old)
    net.run_until_converged()
    assert roles(net)[old] == "follower"
    assert applied_data(net, old) == [0, 1, 2, 3]
    assert net.violations == []


def test_stopped_member_keeps_its_disk_and_replays_its_log():
    net = RaftNetwork(3, seed=4)
    net.run_until_leader()
    for v in range(4):
        net.put("k", v)
    net.run(0.5)
    victim = next(n for n in net.names if n != net.leader)
    disk = list(net.members[victim].storage.entries)
    net.stop(victim)
    s = {m.name: m for m in net.summary()}[victim]
    assert (s.running, s.role, s.log_length) == (False, "stopped", len(disk))
    with pytest.raises(ValueError, match="is stopped"):
        net.node(victim)
    net.start(victim)
    assert net.state_machine_of(victim).get("k") == 3  # re-applied up to its persisted commit
    assert list(net.node(victim).entries) == disk


def test_no_quorum_no_progress_then_recovery():
    net = RaftNetwork(3, seed=5)
    lead = net.run_until_leader()
    others = [n for n in net.names if n != lead]
    for n in others:
        net.stop(n)
    op = net.put("k", "lost?", via=lead, timeout=3.0)
    net.run(4.0)
    assert op.outcome == "unknown" and op.error == ERR_TIMEOUT
    assert net.leader is None  # CheckQuorum: the lone leader stepped down
    for n in others:
        net.start(n)
    net.run_until_converged()
    op2 = net.put("k", "after")
    net.run(0.5)
    assert op2.ok


# ---------------------------------------------------------------------------- partitions
def test_follower_catches_up_after_partition():
    net = RaftNetwork(3, seed=6)
    lead = net.run_until_leader()
    lagger = next(n for n in net.names if n != lead)
    net.isolate(lagger)
    ops = [net.put("k", v, via=lead) for v in range(10)]
    net.run(1.0)
    assert all(op.ok for op in ops)
    assert net.node(lagger).last_index < net.node(lead).last_index
    net.heal()
    net.run(1.0)
    assert net.leader == lead  # PreVote: the returning follower did not disrupt the leader
    assert net.node(lagger).entries == net.node(lead).entries
    assert applied_data(net, lagger) == list(range(10))


def test_stale_leader_steps_down_on_higher_term():
    # without CheckQuorum an isolated leader keeps believing it leads ...
    net = RaftNetwork(5, seed=8, check_quorum=False)
    old = net.run_until_leader()
    old_term = net.node(old).term
    net.isolate(old)
    stale = net.put("k", "stale", via=old, timeout=5.0)
    net.run(5.0)
    new = next(m.name for m in net.members.values() if m.name != old and m.node.state == StateLeader)
    assert net.node(old).state == StateLeader and net.node(old).term == old_term
    assert net.node(new).term > old_term
    fresh = net.put("k", "fresh", via=new)
    net.run(0.5)
    assert fresh.ok
    # ... until it hears the higher term, steps down, and its uncommitted entry is overwritten
    net.heal()
    net.run(1.0)
    assert roles(net)[old] == "follower" and net.node(old).term == net.node(new).term
    assert stale.outcome == "unknown"
    assert all("stale" not in applied_data(net, n) for n in net.names)
    assert net.node(old).entries == net.node(new).entries
    assert net.violations == []


@pytest.mark.parametrize("check_quorum", [True, False])
def test_proposals_on_a_minority_side_never_commit(check_quorum):
    net = RaftNetwork(5, seed=9, check_quorum=check_quorum)
    lead = net.run_until_leader()
    buddy = next(n for n in net.names if n != lead)
    majority = [n for n in net.names if n not in (lead, buddy)]
    net.partition([lead, buddy], majority)
    minority_ops = []
    for i in range(3):
        try:
            minority_ops.append(net.put("k", f"minority-{i}", via=lead, timeout=4.0))
        except ProposalDroppedError:
            pass
        net.run(0.3)
    commit_before = net.node(lead).commit
    net.run(4.0)
    assert net.node(lead).commit == commit_before
    assert net.node(buddy).commit == commit_before
    assert all(op.outcome in ("unknown", "failed") for op in minority_ops)
    maj_op = net.put("k", "majority", via=majority[0])
    net.run(1.0)
    assert maj_op.ok
    net.heal()
    net.run_until_converged()
    for n in net.names:
        vals = applied_data(net, n)
        assert "majority" in vals and not any(str(v).startswith("minority") for v in vals)
    assert net.violations == []


@pytest.mark.parametrize("check_quorum", [True, False])
def test_read_index_on_a_partitioned_old_leader_is_never_stale(check_quorum):
    net = RaftNetwork(3, seed=0, check_quorum=check_quorum)
    old = net.run_until_leader()
    first = net.put("k", "v1", via=old)
    net.run(0.5)
    assert first.ok
    net.isolate(old)
    new = None
    while new is None:
        net.run(0.02)
        new = next((m.name for m in net.members.values() if m.name != old and m.node.state == StateLeader), None)
    second = net.put("k", "v2", via=new)
    net.run(0.05)
    assert second.ok
    # two leaders believe they lead (the old one at a lower term; with CheckQuorum only until
    # its next check), and the old one still has v1 applied: a linearizable read through
    # it must not return v1 -- ReadIndex cannot confirm leadership without a quorum
    assert net.node(old).state == StateLeader
    assert net.state_machine_of(old).get("k") == "v1"
    read = net.get("k", via=old, timeout=2.0)
    net.run(2.5)
    assert not read.ok and read.value is None
    net.heal()
    net.run(1.0)
    read2 = net.get("k", via=old)
    net.run(0.5)
    assert read2.ok and read2.value == "v2"
    assert check_history(net.linearizability_history()).ok


def test_reads_through_followers_see_completed_writes():
    net = RaftNetwork(3, seed=11)
    lead = net.run_until_leader()
    for v in range(5):
        w = net.put("k", v, via=lead)
        net.run(0.02)
        for f in (n for n in net.names if n != lead):
            net.get("k", via=f)
        net.run(0.3)
        assert w.ok
    gets = [op for op in net.history if op.kind == "get"]
    assert all(op.ok for op in gets)
    assert check_history(net.linearizability_history()).ok


def test_message_loss_slows_but_does_not_break_raft():
    net = RaftNetwork(3, seed=12)
    net.drop(0.3)
    ops = []
    for v in range(10):
        ops.append(net.put("k", v))
        net.run(0.7)
    net.heal()
    net.run_until_converged()
    assert net.messages_dropped > 0
    assert net.violations == []
    assert check_history(net.linearizability_history()).ok


def test_total_loss_means_no_leader():
    net = RaftNetwork(3, seed=13)
    net.drop(1.0)
    net.run(5.0)
    assert net.leader is None and net.messages_delivered == 0
    net.heal()
    net.run_until_leader()


def test_proposal_dropped_without_a_leader_is_a_clean_failure():
    net = RaftNetwork(3, seed=14)
    op = net.put("k", 1)  # t=0: nobody knows a leader yet
    assert op.outcome == "failed" and op.error == ERR_PROPOSAL_DROPPED and op.response == 0.0
    with pytest.raises(ProposalDroppedError):
        net.propose("etcd-0", "raw")


# ---------------------------------------------------------------------------- API errors
@pytest.mark.parametrize("call,message", [
    (lambda n: n.cut("etcd-0", "nope"), "unknown member 'nope'"),
    (lambda n: n.isolate("nope"), "unknown member 'nope'"),
    (lambda n: n.partition(["etcd-0"], ["etcd-0", "etcd-1"]), "member etcd-0 is in more than one group"),
    (lambda n: n.drop(1.5), "drop rate must be between 0 and 1, got 1.5"),
    (lambda n: n.stop("nope"), "unknown member 'nope'"),
    (lambda n: n.put("k", 1, via="nope"), "unknown member 'nope'"),
])
def test_bad_fault_requests_are_refused(call, message):
    net = RaftNetwork(3, seed=0)
    with pytest.raises(ValueError, match=message):
        call(net)


@pytest.mark.parametrize("kwargs,message", [
    ({"members": []}, "at least one member"),
    ({"members": ["a", "a"]}, "duplicate member names"),
    ({"latency": (0.02, 0.01)}, "latency must be"),
    ({"tick_interval": 0}, "tick interval must be greater than 0"),
    ({"election_tick": 1}, "election tick must be greater than heartbeat tick"),
])
def test_bad_network_config_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RaftNetwork(**kwargs)


def test_partition_leaves_unlisted_members_together():
    net = RaftNetwork(5, seed=0)
    net.partition(["etcd-0"], ["etcd-1", "etcd-2"])
    assert not net.connected("etcd-0", "etcd-3")
    assert not net.connected("etcd-1", "etcd-3")
    assert net.connected("etcd-3", "etcd-4")
    assert net.connected("etcd-1", "etcd-2")
    net.heal()
    assert net.connected("etcd-0", "etcd-3")


# ---------------------------------------------------------------------------- state machines and requests
class MVCCStateMachine(KVStateMachine):
    """Each member applies the replicated log to its own MVCC store, as etcd does."""

    def __init__(self):
        super().__init__()
        self.store = MVCCStore()

    def apply(self, entry):
        super().apply(entry)
        d = entry.data
        if isinstance(d, dict) and d.get("op") == "mvcc-put":
            return self.store.put(d["key"], d["value"]).mod_revision
        return None


def test_requests_apply_to_every_members_state_machine():
    net = RaftNetwork(3, seed=15, state_machine=MVCCStateMachine)
    net.run_until_leader()
    done = []
    ops = [net.request({"op": "mvcc-put", "key": f"/registry/pods/default/p{i}", "value": b"{}"},
                       on_done=done.append) for i in range(3)]
    assert done == []  # responses arrive as their own events
    net.run(0.5)
    assert [op.result for op in ops] == [1, 2, 3] and done == ops
    assert all(op.kind == "mvcc-put" and op.ok for op in ops)
    stores = [net.state_machine_of(n).store for n in net.names]
    assert all(s.revision == 3 for s in stores)
    read = net.read(lambda sm: sm.store.range("/registry/pods/", "/registry/pods0")[1],
                    via=net.names[2], on_done=done.append)
    net.run(0.5)
    assert read.ok and read.result == 3 and done[-1] is read
    # only put/get are register operations for the linearizability checker
    assert net.linearizability_history() == []


def test_a_member_crash_leaves_its_clients_in_doubt():
    net = RaftNetwork(3, seed=16)
    lead = net.run_until_leader()
    net.run(0.2)  # followers learn who leads
    follower = next(n for n in net.names if n != lead)
    op = net.put("k", 1, via=follower)
    rd = net.get("k", via=follower)
    net.stop(follower)
    assert (op.outcome, op.error, op.response) == ("unknown", ERR_MEMBER_STOPPED, None)
    assert rd.outcome == "unknown"
    late = net.put("k", 2, via=follower)
    assert late.outcome == "failed" and late.error == ERR_MEMBER_STOPPED
