"""MVCC semantics added on top of the basics: one revision per txn, past reads across
compaction, delete ranges, txn rules, watch options, delivery order, state export."""

import pytest

from k8slab.etcd.errors import CompactedError, DuplicateKeyError, EtcdError, LeaseNotFoundError
from k8slab.etcd.mvcc import Compare, KeyValue, MVCCStore, WatchEvent, prefix_end


def test_a_txn_takes_one_revision_for_all_its_writes():
    s = MVCCStore()
    s.put("/a", b"0")
    ok, res = s.txn([], [("put", "/a", b"1"), ("put", "/b", b"1"), ("delete", "/zz")])
    assert ok and s.revision == 2
    assert [r.mod_revision if r else None for r in res] == [2, 2, None]
    assert (s.get("/a").version, s.get("/b").create_revision) == (2, 2)
    # the events are in sub-revision order
    assert [(e.type, e.kv.key) for e in s.history_since(2)] == [("PUT", "/a"), ("PUT", "/b")]


def test_a_txn_that_writes_nothing_takes_no_revision():
    s = MVCCStore()
    s.put("/a", b"0")
    ok, res = s.txn([Compare("/a", "version", "=", 5)], [("put", "/a", b"x")], [("get", "/a"), ("delete", "/nope")])
    assert not ok and res == [s.get("/a"), None]
    assert s.revision == 1


def test_reads_in_a_txn_see_its_earlier_writes():
    s = MVCCStore()
    s.put("/p/a", b"1")
    s.put("/p/b", b"1")
    _, res = s.txn([], [("get", "/p/a"), ("put", "/p/a", b"2"), ("get", "/p/a"), ("delete", "/p/b"),
                        ("range", "/p/", prefix_end("/p/"))])
    assert res[0].value == b"1" and res[2].value == b"2"
    assert [kv.key for kv in res[4]] == ["/p/a"]


@pytest.mark.parametrize("ops", [
    [("put", "/a", b"1"), ("put", "/a", b"2")],
    [("put", "/a", b"1"), ("delete", "/a")],
    [("delete", "/", "\0"), ("put", "/x", b"1")],
])
def test_a_key_may_be_written_once_per_txn(ops):
    s = MVCCStore()
    s.put("/a", b"0")
    with pytest.raises(DuplicateKeyError, match="etcdserver: duplicate key given in txn request"):
        s.txn([], ops)
    assert s.revision == 1 and s.get("/a").value == b"0"


@pytest.mark.parametrize("op,exc", [
    (("frobnicate", "/a"), ValueError),
    (("put", "/a", "not-bytes"), TypeError),
    (("put", "", b"1"), EtcdError),
    (("put", "/a", b"1", "lease"), TypeError),
])
def test_bad_txn_ops_change_nothing(op, exc):
    s = MVCCStore()
    with pytest.raises(exc):
        s.txn([], [("put", "/ok", b"1"), op])
    assert s.revision == 0 and s.get("/ok") is None


def test_put_with_an_unknown_lease_changes_nothing():
    s = MVCCStore()
    with pytest.raises(LeaseNotFoundError, match="etcdserver: requested lease not found"):
        s.txn([], [("put", "/ok", b"1"), ("put", "/b", b"1", 12345)])
    assert s.revision == 0 and len(s) == 0


@pytest.mark.parametrize("target,op,operand,expected", [
    ("value", "=", b"", False), ("value", "!=", b"x", False),   # a missing key's value compares false
    ("version", "=", 0, True), ("create", "=", 0, True), ("mod", "<", 1, True), ("lease", "=", 0, True),
])
def test_compare_on_a_missing_key(target, op, operand, expected):
    s = MVCCStore()
    ok, _ = s.txn([Compare("/nope", target, op, operand)], [])
    assert ok is expected


def test_delete_range_is_one_revision():
    s = MVCCStore()
    for k in ["/p/a", "/p/b", "/q/c"]:
        s.put(k, b"v")
    gone = s.delete_range("/p/", prefix=True)
    assert [kv.key for kv in gone] == ["/p/a", "/p/b"]
    assert s.revision == 4 and s.keys() == ["/q/c"]
    assert s.delete_range("/p/", prefix=True) == [] and s.revision == 4


def test_past_reads_survive_compaction_of_unchanged_keys():
    s = MVCCStore()
    s.put("/a", b"1")   # 1
    s.put("/b", b"1")   # 2
    s.put("/b", b"2")   # 3
    s.put("/c", b"1")   # 4
    s.delete("/c")      # 5
    s.compact(3)
    s.put("/b", b"3")   # 6
    at = {rev: [(kv.key, kv.value) for kv in s.range("/", "\0", revision=rev)[0]] for rev in (3, 4, 5, 6)}
    assert at[3] == [("/a", b"1"), ("/b", b"2")]
    assert at[4] == [("/a", b"1"), ("/b", b"2"), ("/c", b"1")]
    assert at[5] == at[3]
    assert at[6] == [("/a", b"1"), ("/b", b"3")]
    with pytest.raises(CompactedError):
        s.range("/a", revision=2)


def test_compaction_drops_tombstones_and_their_keys():
    s = MVCCStore()
    s.put("/a", b"1")
    s.delete("/a")
    s.put("/b", b"1")
    s.compact(3)
    assert s.export_state()["keys"] == [["/b", [[3, 0, 3, 1, 0, "1"]]]]


@pytest.mark.parametrize("kwargs,expected", [
    ({}, [("PUT", "/p/a", None), ("PUT", "/p/a", b"1"), ("DELETE", "/p/a", b"2")]),
    ({"prev_kv": False}, [("PUT", "/p/a", None), ("PUT", "/p/a", None), ("DELETE", "/p/a", None)]),
    ({"filter_put": True}, [("DELETE", "/p/a", b"2")]),
    ({"filter_delete": True}, [("PUT", "/p/a", None), ("PUT", "/p/a", b"1")]),
])
def test_watch_options(kwargs, expected):
    s = MVCCStore()
    seen = []
    s.watch("/p/", seen.append, prefix=True, **kwargs)
    s.put("/p/a", b"1")
    s.put("/p/a", b"2")
    s.put("/q", b"x")
    s.delete("/p/a")
    assert [(e.type, e.kv.key, e.prev_kv.value if e.prev_kv else None) for e in seen] == expected


def test_watch_from_a_past_revision_on_a_single_key():
    s = MVCCStore()
    s.put("/a", b"1")
    s.put("/b", b"1")
    s.put("/a", b"2")
    seen = []
    s.watch("/a", seen.append, start_revision=2)
    s.put("/a", b"3")
    assert [e.kv.mod_revision for e in seen] == [3, 4]


def test_events_reach_every_watcher_in_revision_order_even_when_a_callback_writes():
    s = MVCCStore()
    first, second = [], []

    def writer(ev: WatchEvent) -> None:
        first.append(ev.kv.mod_revision)
        if ev.kv.key == "/a":
            s.put("/b", b"from-callback")

    s.watch("/", writer, range_end="\0")
    s.watch("/", lambda ev: second.append(ev.kv.mod_revision), range_end="\0")
    s.put("/a", b"1")
    assert first == [1, 2] and second == [1, 2]


def test_export_and_from_state_round_trip():
    s = MVCCStore()
    lid = s.lease_grant(30)
    s.put("/a", b"1", lease=lid)
    s.put("/b", bytes([0xff, 0x00]))
    s.put("/a", b"2", lease=lid)
    s.delete("/b")
    s.put("/c", b"x")
    s.compact(2)
    t = MVCCStore.from_state(s.export_state())
    assert t.export_state() == s.export_state()
    assert t.history_since(3) == s.history_since(3)
    assert t.range("/", "\0", revision=3)[0] == s.range("/", "\0", revision=3)[0]
    assert t.lease(lid).keys == {"/a"}


@pytest.mark.parametrize("mutate", [
    lambda st: st.update(revision="3"),
    lambda st: st.update(compact_revision=99),
    lambda st: st["keys"].append(["/z", [[99, 0, 99, 1, 0, "v"]]]),
    lambda st: st["keys"][0][1].append([1, 0, 1, 1, 0, "v"]),
    lambda st: st.update(leases=[]),  # a key attached to a lease that does not exist
    lambda st: st.pop("keys"),
])
def test_from_state_refuses_malformed_state(mutate):
    s = MVCCStore()
    lid = s.lease_grant(30)
    s.put("/a", b"1", lease=lid)
    s.put("/a", b"2", lease=lid)
    st = s.export_state()
    mutate(st)
    with pytest.raises(ValueError, match="malformed store state"):
        MVCCStore.from_state(st)


def test_keyvalue_of_a_delete_event():
    s = MVCCStore()
    s.put("/a", b"1")
    s.delete("/a")
    ev = s.history_since(2)[0]
    assert ev.kv == KeyValue("/a", b"", 0, 2, 0, 0) and ev.prev_kv.value == b"1"
