"""The write-ahead log: etcd's framing, torn-write recovery at every byte, refusal of corruption."""

import json
import os
import random
import struct
import zlib

import pytest

from k8slab.etcd import wal as walmod
from k8slab.etcd.durable import DurableStore
from k8slab.etcd.errors import CorruptError
from k8slab.etcd.mvcc import Compare
from k8slab.etcd.wal import (CRC_TYPE, ENTRY_TYPE, WAL, decode_frame_size, encode_frame, marshal_record,
                             parse_wal_name, read_wal, unmarshal_record, wal_name)


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def state(store):
    st = store.export_state()
    del st["time"]
    return st


def segment(d) -> str:
    waldir = os.path.join(d, "member", "wal")
    names = sorted(n for n in os.listdir(waldir) if n.endswith(".wal"))
    return os.path.join(waldir, names[-1])


# ------------------------------------------------------------------------------ framing tables
@pytest.mark.parametrize("n,pad,lenfield", [
    (0, 0, 0), (1, 7, (0x87 << 56) | 1), (7, 1, (0x81 << 56) | 7), (8, 0, 8), (13, 3, (0x83 << 56) | 13),
])
def test_frame_size_and_padding_as_etcd_encoder(n, pad, lenfield):
    frame = encode_frame(b"x" * n)
    assert struct.unpack_from("<Q", frame)[0] == lenfield
    assert len(frame) == 8 + n + pad and len(frame) % 8 == 0
    assert decode_frame_size(lenfield) == (n, pad)


@pytest.mark.parametrize("lenfield", [0x01 << 56 | 8, (0x83 << 56) | 12, (0xFF << 56) | 1])
def test_invalid_length_fields_are_recognised(lenfield):
    assert decode_frame_size(lenfield) is None


@pytest.mark.parametrize("rtype,crc,data", [(ENTRY_TYPE, 0xDEADBEEF, b'{"a":1}'), (CRC_TYPE, 0, b""),
                                            (2, 1, b"\x00" * 300)])
def test_walpb_record_round_trip(rtype, crc, data):
    assert unmarshal_record(marshal_record(rtype, crc, data)) == (rtype, crc, data)


def test_walpb_record_wire_format():
    # walpb.Record{Type: 2, Crc: 1, Data: "ab"} as protoc marshals it
    assert marshal_record(2, 1, b"ab") == bytes.fromhex("0802100 11a026162".replace(" ", ""))


@pytest.mark.parametrize("name,parsed", [("0000000000000000-0000000000000000.wal", (0, 0)),
                                         ("000000000000000a-00000000000000ff.wal", (10, 255))])
def test_wal_names(name, parsed):
    assert parse_wal_name(name) == parsed and wal_name(*parsed) == name


# ------------------------------------------------------------------------------ durability
def test_a_write_is_fsynced_before_it_is_acknowledged(tmp_path, monkeypatch):
    s = DurableStore(tmp_path / "d")
    order = []
    real_fsync = os.fsync
    monkeypatch.setattr(walmod.os, "fsync", lambda fd: (order.append("fsync"), real_fsync(fd))[1])
    s.watch("/", lambda ev: order.append("event"), prefix=True)
    s.put("/a", b"1")
    order.append("ack")
    assert order == ["fsync", "event", "ack"]


def workload(s, clock):
    """A mixed sequence of writes; each returns after exactly one WAL entry."""
    lid = 0

    def grant():
        nonlocal lid
        lid = s.lease_grant(30)

    ops = [lambda: s.put("/registry/pods/default/a", b'{"kind":"Pod"}'),
           lambda: s.put("/registry/pods/default/b", b'{"kind":"Pod","n":1}'),
           grant,
           lambda: s.put("/registry/leases/x", b"held", lease=lid),
           lambda: s.txn([Compare("/registry/pods/default/a", "mod", "=", 1)],
                         [("put", "/registry/pods/default/a", b'{"kind":"Pod","v":2}'),
                          ("put", "/registry/pods/default/c", "ünïcode".encode())]),
           lambda: s.put("/bin", bytes(range(256))),
           lambda: s.delete("/registry/pods/default/b"),
           lambda: (setattr(clock, "t", 7.5), s.lease_keepalive(lid)),
           lambda: s.compact(3),
           lambda: s.put("/registry/pods/default/a", b'{"kind":"Pod","v":3}'),
           lambda: s.lease_revoke(lid),
           lambda: s.put("/last", b"x" * 700)]
    return ops


def test_reopen_gives_an_identical_store(tmp_path):
    c = Clock()
    s = DurableStore(tmp_path / "d", clock=c)
    for op in workload(s, c):
        op()
    before = state(s)
    hist = s.history_since(s.compact_revision + 1)
    s.close()
    t = DurableStore(tmp_path / "d", clock=c)
    assert state(t) == before
    assert t.history_since(t.compact_revision + 1) == hist
    assert t.range("/registry/", prefix=True, revision=4)[0] == s.range("/registry/", prefix=True, revision=4)[0]


def test_crash_at_every_byte_of_the_last_records(tmp_path):
    """Cut the log at every byte offset inside its last records: no acknowledged write before the
    cut is lost, no partial record is applied, and reopening never raises."""
    d = str(tmp_path / "d")
    c = Clock()
    s = DurableStore(d, clock=c)
    seg = segment(d)
    states = [state(s)]
    ends = [os.path.getsize(seg)]
    for op in workload(s, c):
        op()
        states.append(state(s))
        ends.append(os.path.getsize(seg))
    s.close()
    full = open(seg, "rb").read()
    assert ends[-1] == len(full) and len(set(ends)) == len(ends)
    last_records = 6
    checked = 0
    for cut in range(ends[-last_records - 1], len(full) + 1):
        with open(seg, "wb") as f:
            f.write(full[:cut])
        acked = max(i for i, e in enumerate(ends) if e <= cut)
        t = DurableStore(d, clock=c, fsync=False)  # (recovery logic under test, not the disk)
        assert state(t) == states[acked], f"cut at byte {cut}"
        # the partial record was cut away; what follows the acknowledged records is at most the
        # lease checkpoint a reopen on a clock that moved on writes
        after = open(seg, "rb").read()
        assert after[:ends[acked]] == full[:ends[acked]]
        contents = read_wal(os.path.dirname(seg))
        assert contents.torn_at is None and len(contents.entries) >= acked
        assert [e.record["op"] for e in contents.entries[acked:]] in ([], ["lease_checkpoint"])
        if cut % 97 == 0:  # the repaired log takes new writes and keeps them
            t.put("/after-crash", b"1")
            want = state(t)
            t.close()
            assert state(DurableStore(d, clock=c, fsync=False)) == want
        t.close()
        checked += 1
    assert checked == len(full) - ends[-last_records - 1] + 1


def test_a_failed_log_write_applies_nothing_and_leaves_no_partial_record(tmp_path, monkeypatch):
    d = str(tmp_path / "d")
    s = DurableStore(d)
    s.put("/a", b"1")
    want = state(s)
    size = os.path.getsize(segment(d))
    seen = []
    s.watch("/", seen.append, prefix=True)

    def disk_full(fd, data):
        os.write(fd, data[:len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(walmod, "_write_all", disk_full)
    with pytest.raises(OSError, match="No space left"):
        s.put("/b", b"2" * 100)
    assert state(s) == want and seen == []
    assert os.path.getsize(segment(d)) == size
    monkeypatch.undo()
    s.put("/c", b"3")
    want = state(s)
    s.close()
    assert state(DurableStore(d)) == want


def test_a_torn_write_that_left_zeros_is_discarded(tmp_path):
    d = str(tmp_path / "d")
    s = DurableStore(d)
    s.put("/a", b"1")
    mid = os.path.getsize(segment(d))
    s.put("/b", b"y" * 2000)
    want = state(s)
    s.close()
    seg = segment(d)
    data = open(seg, "rb").read()
    # the file reached full length, but the last sectors of the record never made it to disk
    zeroed = data[:mid + 600] + b"\0" * (len(data) - mid - 600)
    open(seg, "wb").write(zeroed)
    t = DurableStore(d)
    assert t.keys() == ["/a"] and t.revision == 1
    t.close()
    open(seg, "wb").write(data)
    assert state(DurableStore(d)) == want


def test_corruption_in_the_middle_is_refused_with_file_and_offset(tmp_path):
    d = str(tmp_path / "d")
    s = DurableStore(d)
    offsets = []
    for i in range(6):
        offsets.append(os.path.getsize(segment(d)))
        s.put(f"/k{i}", f"value-{i}".encode() * 5)
    s.close()
    seg = segment(d)
    data = bytearray(open(seg, "rb").read())
    data[offsets[2] + 30] ^= 0x01  # one bit inside the third record's data
    open(seg, "wb").write(bytes(data))
    with pytest.raises(CorruptError, match="wal: crc mismatch") as ei:
        DurableStore(d)
    assert ei.value.path == seg and ei.value.offset == offsets[2]
    assert f"in file '{seg}' at position: {offsets[2]}" in str(ei.value)
    assert open(seg, "rb").read() == bytes(data)  # refusing changes nothing on disk


@pytest.mark.parametrize("new_length", [0x7F0, 0x10000, 0])
def test_a_damaged_length_field_in_the_middle_is_not_mistaken_for_a_torn_tail(tmp_path, new_length):
    d = str(tmp_path / "d")
    s = DurableStore(d)
    offsets = []
    for i in range(5):
        offsets.append(os.path.getsize(segment(d)))
        s.put(f"/k{i}", b"v" * 30)
    s.close()
    seg = segment(d)
    data = bytearray(open(seg, "rb").read())
    data[offsets[1]:offsets[1] + 8] = struct.pack("<Q", new_length)
    open(seg, "wb").write(bytes(data))
    with pytest.raises(CorruptError, match="damaged record followed by entry|crc mismatch") as ei:
        DurableStore(d)
    assert ei.value.offset == offsets[1]


def test_a_checksum_mismatch_in_the_last_whole_record_is_refused(tmp_path):
    # upstream decoder.go: only a record with a zeroed sector counts as torn
    d = str(tmp_path / "d")
    s = DurableStore(d)
    s.put("/a", b"1")
    last = os.path.getsize(segment(d))
    s.put("/b", b"2" * 40)
    s.close()
    seg = segment(d)
    data = bytearray(open(seg, "rb").read())
    data[last + 40] ^= 0xFF
    open(seg, "wb").write(bytes(data))
    with pytest.raises(CorruptError, match="crc mismatch"):
        DurableStore(d)


def _make_wal(tmp_path):
    d = str(tmp_path / "d")
    s = DurableStore(d)
    s.put("/a", b"1")
    s.close()
    return d, segment(d)


@pytest.mark.parametrize("content,message", [
    (bytes(random.Random(1).getrandbits(8) for _ in range(4096)), "not a k8slab WAL segment"),
    (json.dumps({"kind": "Pod", "metadata": {"name": "x"}}).encode(), "not a k8slab WAL segment"),
    (b"", "missing its header"),
    (b"\x00" * 64, "unexpected zero record length"),
])
def test_a_foreign_segment_is_refused(tmp_path, content, message):
    d, seg = _make_wal(tmp_path)
    open(seg, "wb").write(content)
    with pytest.raises(CorruptError, match=message) as ei:
        DurableStore(d)
    assert ei.value.path == seg


def _segment_with_metadata(meta: bytes) -> bytes:
    out = encode_frame(marshal_record(CRC_TYPE, 0, b""))
    return out + encode_frame(marshal_record(1, zlib.crc32(meta), meta))


@pytest.mark.parametrize("meta,message", [
    (b'{"format":"k8slab-wal","version":2}', "unsupported WAL version 2 .this k8slab reads version 1"),
    (b'{"format":"something-else","version":1}', "not a k8slab WAL segment .format 'something-else'"),
    (b"not json", "metadata does not parse"),
])
def test_a_wal_of_another_format_or_version_is_refused(tmp_path, meta, message):
    d, seg = _make_wal(tmp_path)
    open(seg, "wb").write(_segment_with_metadata(meta))
    with pytest.raises(CorruptError, match=message):
        DurableStore(d)


def test_an_empty_wal_directory_is_refused_not_loaded_as_empty(tmp_path):
    d, seg = _make_wal(tmp_path)
    os.remove(seg)
    with pytest.raises(CorruptError, match="no WAL segment files"):
        DurableStore(d)


def test_a_bad_segment_name_is_refused(tmp_path):
    d, seg = _make_wal(tmp_path)
    open(os.path.join(os.path.dirname(seg), "junk.wal"), "wb").write(b"x")
    with pytest.raises(CorruptError, match="unexpected file name"):
        DurableStore(d)


def test_a_data_dir_that_is_a_file_is_refused(tmp_path):
    p = tmp_path / "f"
    p.write_text("hello")
    with pytest.raises(CorruptError, match="not a directory"):
        DurableStore(p)


def test_segments_are_cut_and_read_back_in_order(tmp_path):
    d = str(tmp_path / "d")
    s = DurableStore(d, segment_size=600)
    for i in range(30):
        s.put(f"/k/{i % 7}", b"v" * 50)
    want = state(s)
    s.close()
    segs = sorted(os.listdir(os.path.join(d, "member", "wal")))
    assert len(segs) > 3
    contents = read_wal(os.path.join(d, "member", "wal"))
    assert [e.index for e in contents.entries] == list(range(1, 31))
    assert state(DurableStore(d)) == want


def test_a_missing_middle_segment_is_refused(tmp_path):
    d = str(tmp_path / "d")
    s = DurableStore(d, segment_size=400)
    for i in range(20):
        s.put(f"/k/{i}", b"v" * 50)
    s.close()
    waldir = os.path.join(d, "member", "wal")
    segs = sorted(os.listdir(waldir))
    os.remove(os.path.join(waldir, segs[2]))
    with pytest.raises(CorruptError, match="do not increase continuously"):
        DurableStore(d)


def test_wal_refuses_an_out_of_order_index(tmp_path):
    w = WAL.create(str(tmp_path / "wal"))
    w.append(1, {"op": "x"})
    with pytest.raises(Exception, match="does not follow"):
        w.append(3, {"op": "x"})
    w.close()
