"""The Raft-replicated store: writes replicate to every member's MVCC store, leader changes
lose nothing, no quorum fails fast with etcd's timeout, watches see each write once."""

import pytest

from k8slab.etcd.errors import DuplicateKeyError, EtcdTimeoutError
from k8slab.etcd.mvcc import Compare
from k8slab.etcd.replicated import ReplicatedStore, SingleMemberEtcd
from k8slab.sim.kernel import Kernel
from k8slab.sim.rng import RngTree


def make(members=3, seed=0):
    k = Kernel()
    return k, ReplicatedStore(members, kernel=k, rng=RngTree(seed).child("etcd"))


def dump(store):
    kvs, _, _ = store.range("", "\0")
    return [(kv.key, kv.value, kv.create_revision, kv.mod_revision, kv.version) for kv in kvs], store.revision


def run_until_leader(k, s, limit=10.0):
    end = k.now + limit
    while s.leader is None and k.now < end:
        k.step()
    return s.leader


@pytest.mark.parametrize("members", [3, 5])
def test_writes_replicate_identically_to_every_member(members):
    k, s = make(members)
    assert s.leader is not None and 1.0 <= k.now <= 2.1  # the first election: one randomized timeout
    s.put("/registry/a", b"1")
    s.put("/registry/b", b"2")
    ok, res = s.txn([Compare("/registry/a", "mod", "=", 1)], [("put", "/registry/a", b"3"), ("delete", "/registry/b")])
    assert ok and res[0].version == 2
    ok, _ = s.txn([Compare("/registry/a", "mod", "=", 1)], [("put", "/registry/a", b"4")])
    assert not ok
    assert s.delete("/registry/missing") is None
    for name in s.names:
        assert dump(s.member_store(name)) == dump(s.view)
    assert dump(s.view) == ([("/registry/a", b"3", 1, 3, 2)], 3)
    rows = s.member_rows()
    assert len({(r["log"], r["commit"], r["applied"]) for r in rows}) == 1
    assert sum(r["role"] == "leader" for r in rows) == 1


def test_errors_of_a_request_are_raised_and_change_nothing():
    _, s = make()
    s.put("/k", b"v")
    with pytest.raises(DuplicateKeyError):
        s.txn([], [("put", "/k", b"1"), ("put", "/k", b"2")])
    assert s.revision == 1
    for name in s.names:
        assert dump(s.member_store(name)) == dump(s.view)


def test_leader_stops_new_leader_within_election_timeout_nothing_lost():
    k, s = make()
    for i in range(20):
        s.put(f"/k/{i}", str(i).encode())
    old = s.leader
    before = dump(s.view)
    s.stop_member(old)
    t0 = k.now
    new = run_until_leader(k, s)
    # etcd: election timeout 1000 ms, randomized in [1000, 2000) ms; heartbeat 100 ms ticks
    assert new is not None and new != old
    assert 1.0 <= k.now - t0 <= 2.2
    assert dump(s.view) == before
    for name in s.names:
        if name != old:
            assert dump(s.member_store(name)) == before
    s.put("/k/after", b"x")
    s.start_member(old)
    k.run_until(k.now + 2)
    for name in s.names:
        assert dump(s.member_store(name)) == dump(s.view)
    terms = [t for _, t, _ in s.leader_history]
    assert terms == sorted(terms) and len(s.leader_history) == 2


def test_without_quorum_writes_time_out_fast_and_change_nothing():
    k, s = make()
    s.put("/k", b"1")
    lead = s.leader
    followers = [n for n in s.names if n != lead]
    s.stop_member(followers[0])
    s.put("/k", b"2")  # 2 of 3: still a quorum
    s.stop_member(followers[1])
    logs = {r["name"]: r["log"] for r in s.member_rows()}
    with pytest.raises(EtcdTimeoutError, match="^etcdserver: request timed out$"):
        s.put("/k", b"3")
    assert not s.has_quorum
    assert {r["name"]: r["log"] for r in s.member_rows()} == logs  # nothing proposed
    assert s.get("/k").value == b"2" and s.revision == 2  # reads still served (the watch cache)
    k.run_until(k.now + 5)
    assert s.leader is None  # CheckQuorum: the lone leader steps down
    with pytest.raises(EtcdTimeoutError):
        s.put("/k", b"3")
    s.start_member(followers[0])
    s.start_member(followers[1])
    run_until_leader(k, s)
    s.put("/k", b"4")
    assert s.get("/k").value == b"4" and s.revision == 3
    k.run_until(k.now + 1)
    for name in s.names:
        assert dump(s.member_store(name)) == dump(s.view)


def test_partitioned_leader_loses_writes_to_majority_side_then_heals():
    k, s = make()
    s.put("/k", b"1")
    old = s.leader
    rest = [n for n in s.names if n != old]
    s.partition([old], rest)
    t0 = k.now
    while s.leader in (None, old) and k.now < t0 + 10:
        k.step()
    assert s.leader in rest
    s.put("/k", b"2")
    k.run_until(k.now + 2)
    assert s.network.node(old).role != "leader"  # stepped down (CheckQuorum)
    s.heal()
    k.run_until(k.now + 2)
    for name in s.names:
        assert dump(s.member_store(name)) == dump(s.view)
    assert s.get("/k").value == b"2"


def test_watchers_see_each_committed_write_once_across_leader_changes():
    k, s = make()
    seen = []
    s.watch("/w/", lambda ev: seen.append((ev.type, ev.kv.key, ev.kv.mod_revision)), prefix=True)
    expected = []
    for round_ in range(3):
        for i in range(5):
            kv = s.put(f"/w/{round_}-{i}", b"x")
            expected.append(("PUT", kv.key, kv.mod_revision))
        s.stop_member(s.leader)
        run_until_leader(k, s)
        s.start_member(next(n for n in s.names if not s.network.members[n].running))
        k.run_until(k.now + 1)
    assert seen == expected


def test_message_drop_slows_the_background_not_the_writes():
    k, s = make()
    s.drop(0.3)
    for i in range(30):
        s.put(f"/d/{i}", b"x")
        k.run_until(k.now + 0.3)
    assert s.revision == 30
    s.heal()
    k.run_until(k.now + 3)
    for name in s.names:
        assert dump(s.member_store(name)) == dump(s.view)
    assert s.network.violations == []


def test_same_seed_same_leader_history():
    def scenario(seed):
        k, s = make(5, seed)
        for i in range(3):
            s.put(f"/k/{i}", b"x")
            s.stop_member(s.leader)
            run_until_leader(k, s)
        return s.leader_history, dump(s.view), [r for r in s.member_rows()]
    assert scenario(7) == scenario(7)
    assert scenario(7)[0] != scenario(8)[0]


def test_faults_reject_unknown_members_and_single_member_etcd_refuses_faults():
    _, s = make()
    with pytest.raises(ValueError, match="unknown member"):
        s.stop_member("etcd-9")
    single = SingleMemberEtcd(object())
    assert single.leader == "etcd-0"
    for fault, args in [("stop_member", ("etcd-0",)), ("start_member", ("etcd-0",)), ("partition", (["etcd-0"],)),
                        ("heal", ()), ("drop", (0.1,))]:
        with pytest.raises(ValueError, match="single etcd member"):
            getattr(single, fault)(*args)
