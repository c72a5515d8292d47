"""DurableStore: snapshots + WAL replay, restart semantics, refusing broken snapshots, lab state files."""

import json
import os
import random

import pytest

from k8slab.etcd.durable import DurableStore, open_store
from k8slab.etcd.errors import CorruptError, EtcdError, StoppedError
from k8slab.etcd.mvcc import Compare, MVCCStore
from k8slab.etcd.snapshot import (SNAP_MAGIC, STATE_MAGIC, encode_container, load_state, load_state_metadata,
                                  save_state)


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def state(store):
    st = store.export_state()
    del st["time"]
    return st


def random_workload(stores, seed: int, n: int, clock: Clock) -> None:
    """The same random writes on every store in ``stores``."""
    rng = random.Random(seed)
    for i in range(n):
        clock.t += rng.choice([0, 0.5, 1])
        r = rng.random()
        key = f"/registry/pods/ns{rng.randrange(2)}/p{rng.randrange(8)}"
        s0 = stores[0]
        if r < 0.5:
            lease = 0
            if s0.leases() and rng.random() < 0.3:
                lease = rng.choice(s0.leases())
            for s in stores:
                s.put(key, json.dumps({"i": i}).encode(), lease=lease)
        elif r < 0.65:
            for s in stores:
                s.delete(key)
        elif r < 0.75:
            kv = s0.get(key)
            rev = kv.mod_revision if kv else 0
            for s in stores:
                s.txn([Compare(key, "mod", "=", rev)], [("put", key, b"cas")])
        elif r < 0.82:
            ttl = rng.choice([3, 10])
            for s in stores:
                s.lease_grant(ttl)
        elif r < 0.88 and s0.leases():
            lid = rng.choice(s0.leases())
            if s0.lease(lid).expired(clock.t):
                for s in stores:
                    s.expire_leases()
            else:
                for s in stores:
                    s.lease_keepalive(lid)
        elif r < 0.92 and s0.revision > s0.compact_revision + 2:
            rev = rng.randrange(s0.compact_revision + 1, s0.revision)
            for s in stores:
                s.compact(rev)
        else:
            for s in stores:
                s.expire_leases()


def test_snapshots_plus_wal_replay_equal_the_wal_alone_and_memory(tmp_path):
    c = Clock()
    mem = MVCCStore(clock=c)
    snappy = DurableStore(tmp_path / "snappy", clock=c, snapshot_count=7, max_wals=2, max_snapshots=2)
    plain = DurableStore(tmp_path / "plain", clock=c)
    random_workload([mem, snappy, plain], seed=3, n=300, clock=c)
    want = state(mem)
    assert state(snappy) == state(plain) == want
    snaps = os.listdir(tmp_path / "snappy" / "member" / "snap")
    assert len(snaps) == 2  # --max-snapshots
    assert len(os.listdir(tmp_path / "snappy" / "member" / "wal")) == 2  # --max-wals
    snappy.close()
    plain.close()
    for d in ("snappy", "plain"):
        t = DurableStore(tmp_path / d, clock=c)
        assert state(t) == want
        assert t.history_since(t.compact_revision + 1) == mem.history_since(mem.compact_revision + 1)
        t.close()


def test_history_reads_and_watches_from_a_past_revision_after_restart(tmp_path):
    s = DurableStore(tmp_path / "d", snapshot_count=3)
    for i in range(10):
        s.put("/a", str(i).encode())
        s.put(f"/b{i % 3}", b"x")
    s.compact(5)
    s.close()
    t = DurableStore(tmp_path / "d")
    assert [kv.value for kv in t.range("/a", revision=7)[0]] == [b"3"]
    seen = []
    t.watch("/a", seen.append, start_revision=15)
    assert [e.kv.value for e in seen] == [b"7", b"8", b"9"]
    assert seen[0].prev_kv.value == b"6"


def test_leases_keep_their_remaining_ttl_across_a_restart(tmp_path):
    c = Clock()
    s = DurableStore(tmp_path / "d", clock=c)
    lid = s.lease_grant(10)
    s.put("/held", b"1", lease=lid)
    c.t = 4
    s.put("/other", b"1")  # the last entry: the lease had 6 s left
    s.close()
    c2 = Clock()  # a new cluster's clock starts again at 0
    t = DurableStore(tmp_path / "d", clock=c2)
    assert t.lease_time_to_live(lid, keys=True).ttl == 6
    assert t.lease(lid).keys == {"/held"}
    c2.t = 6
    assert t.expire_leases() == [lid]
    assert t.get("/held") is None
    t.close()
    # the expiry itself was logged: it stays expired
    assert DurableStore(tmp_path / "d").get("/held") is None


def test_lease_time_stays_consistent_over_several_restarts_with_new_clocks(tmp_path):
    c = Clock()
    c.t = 100
    s = DurableStore(tmp_path / "d", clock=c, snapshot_count=4)
    lid = s.lease_grant(60)
    c.t = 110  # 50 s left
    s.put("/x", b"1", lease=lid)
    s.close()
    for restart in range(3):
        c2 = Clock()  # every new cluster's clock starts at 0
        t = DurableStore(tmp_path / "d", clock=c2, snapshot_count=4)
        assert t.lease_time_to_live(lid).ttl == 50 - 5 * restart
        c2.t = 5
        t.put(f"/after-{restart}", b"1")  # 5 s pass before the next crash
        t.close()


def test_a_snapshot_is_used_and_entries_before_it_are_not_needed(tmp_path):
    s = DurableStore(tmp_path / "d", max_wals=1)
    for i in range(5):
        s.put(f"/k{i}", b"v")
    path = s.snapshot()
    assert path.endswith("0000000000000001-0000000000000005.snap")
    s.put("/after", b"1")
    want = state(s)
    s.close()
    segs = sorted(os.listdir(tmp_path / "d" / "member" / "wal"))
    assert segs == ["0000000000000001-0000000000000006.wal"]  # entries 1..5 were released
    assert state(DurableStore(tmp_path / "d")) == want


def test_a_crash_between_the_wal_snapshot_marker_and_the_snapshot_file(tmp_path, monkeypatch):
    s = DurableStore(tmp_path / "d")
    for i in range(4):
        s.put(f"/k{i}", b"v")
    want = state(s)
    from k8slab.etcd import snapshot as snapmod

    def crash(*a, **k):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(snapmod, "write_atomic", crash)
    with pytest.raises(KeyboardInterrupt):
        s.snapshot()
    monkeypatch.undo()
    s.close()
    assert state(DurableStore(tmp_path / "d")) == want


def test_temporary_files_left_by_a_crash_are_ignored(tmp_path):
    s = DurableStore(tmp_path / "d")
    s.put("/a", b"1")
    s.snapshot()
    s.put("/b", b"1")
    want = state(s)
    s.close()
    member = tmp_path / "d" / "member"
    (member / "snap" / "0000000000000001-0000000000000009.snap.tmp").write_bytes(b"half a snapshot")
    (member / "wal" / "0000000000000009-0000000000000009.wal.tmp").write_bytes(b"half a segment")
    assert state(DurableStore(tmp_path / "d")) == want
    assert not [n for n in os.listdir(member / "snap") + os.listdir(member / "wal") if n.endswith(".tmp")]


@pytest.mark.parametrize("corrupt,message", [
    (lambda b: bytes(random.Random(2).getrandbits(8) for _ in range(500)), "not a k8slab etcd snapshot .bad magic"),
    (lambda b: json.dumps({"revision": 3}).encode(), "not a k8slab etcd snapshot"),
    (lambda b: b[:-10], "cut short"),
    (lambda b: b[:40] + bytes([b[40] ^ 1]) + b[41:], "crc mismatch"),
    (lambda b: b[:len(SNAP_MAGIC)] + (2).to_bytes(4, "little") + b[len(SNAP_MAGIC) + 4:], "unsupported etcd snapshot format version 2"),
    (lambda b: encode_container(SNAP_MAGIC, {"kind": "snapshot", "index": 2, "store": {"revision": "x"}}),
     "etcd snapshot does not parse"),
    (lambda b: b + b"extra", "trailing data"),
])
def test_a_broken_snapshot_is_refused(tmp_path, corrupt, message):
    s = DurableStore(tmp_path / "d")
    s.put("/a", b"1")
    s.put("/b", b"1")
    path = s.snapshot()
    s.close()
    good = open(path, "rb").read()
    open(path, "wb").write(corrupt(good))
    with pytest.raises(CorruptError, match=message) as ei:
        DurableStore(tmp_path / "d")
    assert ei.value.path == path


def test_snapshots_without_a_wal_are_refused(tmp_path):
    s = DurableStore(tmp_path / "d")
    s.put("/a", b"1")
    s.snapshot()
    s.close()
    import shutil
    shutil.rmtree(tmp_path / "d" / "member" / "wal")
    with pytest.raises(CorruptError, match="snapshots but no WAL"):
        DurableStore(tmp_path / "d")


def test_a_new_store_on_the_same_directory_stops_the_old_one(tmp_path):
    a = open_store(tmp_path / "d")
    a.put("/a", b"1")
    b = open_store(tmp_path / "d")
    with pytest.raises(StoppedError, match="etcdserver: server stopped .superseded"):
        a.put("/x", b"1")
    assert a.get("/a").value == b"1"  # reads still answer
    b.put("/b", b"1")
    b.close()
    with pytest.raises(StoppedError):
        b.put("/c", b"1")
    assert DurableStore(tmp_path / "d").keys() == ["/a", "/b"]


def test_seeding_a_new_directory_from_another_store(tmp_path):
    src = MVCCStore()
    lid = src.lease_grant(20)
    src.put("/a", b"1", lease=lid)
    src.put("/a", b"2", lease=lid)
    s = DurableStore(tmp_path / "d", initial=src)
    assert state(s) == state(src)
    s.put("/b", b"1")
    want = state(s)
    s.close()
    assert state(DurableStore(tmp_path / "d")) == want
    with pytest.raises(EtcdError, match="already holds a store"):
        DurableStore(tmp_path / "d", initial=src)


# ------------------------------------------------------------------------------ lab state files
def test_save_state_load_state_round_trip(tmp_path):
    c = Clock()
    s = MVCCStore(clock=c)
    random_workload([s], seed=9, n=150, clock=c)
    lid = s.lease_grant(30)
    s.put("/leased", b"1", lease=lid)
    c.t += 10
    p = tmp_path / "lab.k8slab"
    save_state(s, p, metadata={"seed": 0, "now": c.t})
    c2 = Clock()
    t = load_state(p, clock=c2)
    assert state(t) == state(s)
    assert t.lease_time_to_live(lid).ttl == 20
    assert t.history_since(t.compact_revision + 1) == s.history_since(s.compact_revision + 1)
    assert load_state_metadata(p) == {"seed": 0, "now": c.t}
    assert open(p, "rb").read().startswith(STATE_MAGIC)


@pytest.mark.parametrize("content,message", [
    (b"", "not a k8slab lab state file .bad magic"),
    (b'{"kind": "lab"}', "not a k8slab lab state file"),
    (SNAP_MAGIC + b"\x01\x00\x00\x00", "not a k8slab lab state file"),
    (encode_container(STATE_MAGIC, {"kind": "lab", "store": {}, "metadata": {}}), "lab state file does not parse"),
    (encode_container(STATE_MAGIC, {"kind": "lab"}), "missing store"),
])
def test_load_state_refuses_what_is_not_a_lab_state(tmp_path, content, message):
    p = tmp_path / "x"
    p.write_bytes(content)
    with pytest.raises(CorruptError, match=message):
        load_state(p)


def test_load_state_refuses_a_bit_flip(tmp_path):
    s = MVCCStore()
    s.put("/a", b"1")
    p = tmp_path / "lab"
    save_state(s, p)
    data = bytearray(p.read_bytes())
    data[-3] ^= 0x10
    p.write_bytes(bytes(data))
    with pytest.raises(CorruptError, match="crc mismatch"):
        load_state(p)


def test_save_state_with_unserialisable_metadata_writes_nothing(tmp_path):
    s = MVCCStore()
    p = tmp_path / "lab"
    with pytest.raises(TypeError):
        save_state(s, p, metadata={"f": object()})
    assert not p.exists() and not (tmp_path / "lab.tmp").exists()
