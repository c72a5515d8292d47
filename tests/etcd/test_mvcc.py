"""MVCC store semantics (etcd v3): revisions, versions, ranges, txn, history, compaction, watch."""

import pytest

from k8slab.etcd.mvcc import Compare, CompactedError, FutureRevisionError, MVCCStore, prefix_end


def test_revisions_and_versions():
    s = MVCCStore()
    a1 = s.put("/a", b"1")
    a2 = s.put("/a", b"2")
    b1 = s.put("/b", b"x")
    assert (a1.create_revision, a1.mod_revision, a1.version) == (1, 1, 1)
    assert (a2.create_revision, a2.mod_revision, a2.version) == (1, 2, 2)
    assert (b1.create_revision, b1.mod_revision, b1.version) == (3, 3, 1)
    assert s.revision == 3
    s.delete("/a")
    assert s.revision == 4
    a3 = s.put("/a", b"3")
    assert (a3.create_revision, a3.version) == (5, 1)  # a delete resets version


def test_delete_of_missing_key_uses_no_revision():
    s = MVCCStore()
    s.put("/a", b"1")
    assert s.delete("/nope") is None
    assert s.revision == 1


@pytest.mark.parametrize("key,end,limit,expected", [
    ("/registry/pods/", prefix_end("/registry/pods/"), 0, ["/registry/pods/a/x", "/registry/pods/b/y"]),
    ("/registry/pods/a/", prefix_end("/registry/pods/a/"), 0, ["/registry/pods/a/x"]),
    ("/registry/", prefix_end("/registry/"), 2, ["/registry/minions/n1", "/registry/pods/a/x"]),
    ("/registry/pods/a/x", None, 0, ["/registry/pods/a/x"]),
    ("/registry/pods/zz", None, 0, []),
    ("/", "\0", 0, ["/registry/minions/n1", "/registry/pods/a/x", "/registry/pods/b/y"]),
])
def test_range(key, end, limit, expected):
    s = MVCCStore()
    for k in ["/registry/pods/b/y", "/registry/minions/n1", "/registry/pods/a/x"]:
        s.put(k, b"v")
    kvs, count, rev = s.range(key, end, limit=limit)
    assert [kv.key for kv in kvs] == expected
    assert rev == 3
    assert count >= len(expected)


def test_count_only():
    s = MVCCStore()
    for i in range(5):
        s.put(f"/k/{i}", b"v")
    kvs, count, _ = s.range("/k/", prefix_end("/k/"), count_only=True)
    assert kvs == [] and count == 5


def test_history_read_at_past_revision():
    s = MVCCStore()
    s.put("/a", b"1")          # rev 1
    s.put("/b", b"1")          # rev 2
    s.put("/a", b"2")          # rev 3
    s.delete("/b")             # rev 4
    kvs, _, _ = s.range("/", "\0", revision=2)
    assert [(kv.key, kv.value) for kv in kvs] == [("/a", b"1"), ("/b", b"1")]
    kvs, _, _ = s.range("/", "\0", revision=4)
    assert [(kv.key, kv.value) for kv in kvs] == [("/a", b"2")]
    with pytest.raises(FutureRevisionError, match="future revision"):
        s.range("/a", revision=9)


def test_compaction_refuses_old_reads_and_watches():
    s = MVCCStore()
    for i in range(5):
        s.put("/a", str(i).encode())
    s.compact(4)
    with pytest.raises(CompactedError, match="mvcc: required revision has been compacted"):
        s.range("/a", revision=2)
    with pytest.raises(CompactedError):
        s.watch("/a", lambda ev: None, start_revision=3)
    kvs, _, _ = s.range("/a", revision=4)
    assert kvs[0].value == b"3"
    with pytest.raises(CompactedError):
        s.compact(3)


@pytest.mark.parametrize("target,op,operand,expected", [
    ("mod", "=", 2, True), ("mod", "=", 1, False), ("version", "=", 2, True), ("create", "=", 1, True),
    ("value", "=", b"y", True), ("value", "!=", b"y", False), ("mod", ">", 1, True), ("mod", "<", 2, False),
])
def test_txn_compare(target, op, operand, expected):
    s = MVCCStore()
    s.put("/a", b"x")
    s.put("/a", b"y")
    ok, res = s.txn([Compare("/a", target, op, operand)], [("put", "/a", b"then")], [("get", "/a")])
    assert ok is expected
    assert s.get("/a").value == (b"then" if expected else b"y")


def test_txn_create_if_absent():
    s = MVCCStore()
    ok, _ = s.txn([Compare("/a", "create", "=", 0)], [("put", "/a", b"1")])
    assert ok
    ok, _ = s.txn([Compare("/a", "create", "=", 0)], [("put", "/a", b"2")])
    assert not ok and s.get("/a").value == b"1"


def test_watch_live_and_replay_with_prev_kv():
    s = MVCCStore()
    s.put("/p/a", b"1")
    seen = []
    s.watch("/p/", seen.append, range_end=prefix_end("/p/"), start_revision=1)
    s.put("/p/a", b"2")
    s.put("/q/x", b"no")
    s.delete("/p/a")
    assert [(e.type, e.kv.key, e.kv.mod_revision) for e in seen] == [
        ("PUT", "/p/a", 1), ("PUT", "/p/a", 2), ("DELETE", "/p/a", 4)]
    assert seen[1].prev_kv.value == b"1"
    assert seen[2].prev_kv.value == b"2"


def test_cancel_watch():
    s = MVCCStore()
    seen = []
    wid = s.watch("/a", seen.append)
    s.put("/a", b"1")
    s.cancel_watch(wid)
    s.put("/a", b"2")
    assert len(seen) == 1
