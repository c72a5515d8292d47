"""The write-ahead log: every write is appended here, and fsync'd, before it is acknowledged.

upstream: etcd-io/etcd server/storage/wal (wal.go, encoder.go, decoder.go, repair.go,
walpb/record.proto). The log is a directory of segment files named
``<seq:016x>-<index:016x>.wal`` (the segment's sequence number and the index of its first
entry). Each record is framed as etcd frames it:

* an 8-byte little-endian length field: the record size in the low 56 bits and, when the
  record is padded to 8-byte alignment, ``0x80 | padBytes`` in the top byte;
* the record, a protobuf ``walpb.Record{type, crc, data}``;
* zero padding up to the next multiple of 8 bytes.

The ``crc`` is a rolling checksum of the ``data`` of every record since the start of the
log; each segment begins with a ``crcType`` record carrying the checksum so far, then a
``metadataType`` record (k8slab's format name and version), then, for a segment started at
a snapshot, a ``snapshotType`` record with the snapshot's index. Segments are created under
a temporary name, written, fsync'd and renamed, so a segment always has its whole header.

Reading (etcd's ReadAll + Repair): a record cut short at the end of the last segment — a
crash in the middle of a write — is discarded and the file truncated back to the last
whole record; anything else that does not decode (a checksum mismatch in the middle, a
file that is not a k8slab WAL, another format version, a gap in entry indexes) is refused
with a :class:`~k8slab.etcd.errors.CorruptError` naming the file and the byte offset.

Simplifications (documented): CRC-32 (IEEE, ``zlib.crc32``) instead of CRC-32C; entry data
is JSON (a store write record with its ``index``) rather than a protobuf raftpb.Entry; no
``stateType`` (raft HardState) records, since this log sits under a single store; segment
files are not preallocated; ``fsync=False`` trades durability for speed (for benchmarks).
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import zlib
from dataclasses import dataclass, field

from .errors import CorruptError, EtcdError

# upstream: wal.go record types
METADATA_TYPE = 1
ENTRY_TYPE = 2
STATE_TYPE = 3
CRC_TYPE = 4
SNAPSHOT_TYPE = 5

#: what the metadata record of a k8slab WAL says
WAL_FORMAT = "k8slab-wal"
WAL_VERSION = 1
#: upstream: wal.go SegmentSizeBytes (64 MB): a segment is cut once it grows past this
SEGMENT_SIZE_BYTES = 64 * 1000 * 1000
#: upstream: decoder.go minSectorSize, frameSizeBytes
MIN_SECTOR_SIZE = 512
FRAME_SIZE_BYTES = 8

_MAX_REC = (1 << 56) - 1


def wal_name(seq: int, index: int) -> str:
    """upstream: wal/util.go walName: ``%016x-%016x.wal``."""
    return f"{seq:016x}-{index:016x}.wal"


def parse_wal_name(name: str) -> tuple[int, int]:
    """upstream: wal/util.go parseWALName; ValueError when ``name`` is not a segment name."""
    if not name.endswith(".wal"):
        raise ValueError(f"bad wal name {name!r}")
    parts = name[:-4].split("-")
    if len(parts) != 2 or any(len(p) != 16 for p in parts):
        raise ValueError(f"bad wal name {name!r}")
    return int(parts[0], 16), int(parts[1], 16)


# ---------------------------------------------------------------------------- walpb.Record
def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        n |= (b & 0x7F) << shift
        if not b & 0x80:
            return n, pos
        shift += 7


def marshal_record(rtype: int, crc: int, data: bytes) -> bytes:
    """``walpb.Record{Type: 1, Crc: 2, Data: 3}`` in protobuf wire format (proto2 optional fields)."""
    return b"\x08" + _varint(rtype) + b"\x10" + _varint(crc) + b"\x1a" + _varint(len(data)) + data


def unmarshal_record(buf: bytes) -> tuple[int, int, bytes]:
    """Decode a walpb.Record; ValueError when ``buf`` is not one."""
    rtype = crc = None
    data = b""
    pos = 0
    while pos < len(buf):
        tag, pos = _read_varint(buf, pos)
        field_no, wire = tag >> 3, tag & 7
        if field_no == 1 and wire == 0:
            rtype, pos = _read_varint(buf, pos)
        elif field_no == 2 and wire == 0:
            crc, pos = _read_varint(buf, pos)
        elif field_no == 3 and wire == 2:
            n, pos = _read_varint(buf, pos)
            if pos + n > len(buf):
                raise ValueError("truncated data field")
            data = buf[pos:pos + n]
            pos += n
        else:
            raise ValueError(f"unexpected protobuf field {field_no} (wire type {wire})")
    if rtype is None or crc is None or crc > 0xFFFFFFFF:
        raise ValueError("record without type or crc")
    return rtype, crc, data


def encode_frame(rec: bytes) -> bytes:
    """upstream: encoder.go encodeFrameSize + write: length field, record, zero padding."""
    pad = (8 - len(rec) % 8) % 8
    length = len(rec)
    if pad:
        length |= (0x80 | pad) << 56
    return struct.pack("<Q", length) + rec + b"\0" * pad


def decode_frame_size(length: int) -> tuple[int, int] | None:
    """upstream: decoder.go decodeFrameSize; None when the top byte is not a valid padding flag."""
    rec_bytes = length & _MAX_REC
    flag = length >> 56
    if flag == 0:
        pad = 0
    elif flag & 0xF8 == 0x80 and flag & 0x7:
        pad = flag & 0x7
    else:
        return None
    if (rec_bytes + pad) % 8:
        return None
    return rec_bytes, pad


def _is_torn(frame_off: int, data: bytes) -> bool:
    """upstream: decoder.go isTornEntry: some sector-aligned chunk of the record is all zeros."""
    file_off = frame_off + FRAME_SIZE_BYTES
    cur = 0
    while cur < len(data):
        n = min(MIN_SECTOR_SIZE - file_off % MIN_SECTOR_SIZE, len(data) - cur)
        if not any(data[cur:cur + n]):
            return True
        file_off += n
        cur += n
    return False


def _later_entry(data: bytes, start: int, last_index: int) -> tuple[int, int] | None:
    """(offset, index) of a whole entry frame at an 8-byte aligned offset >= ``start``, or None."""
    off = start + (-start % 8)
    size = len(data)
    while off + FRAME_SIZE_BYTES <= size:
        (length,) = struct.unpack_from("<Q", data, off)
        sizes = decode_frame_size(length) if length else None
        if sizes is not None and off + FRAME_SIZE_BYTES + sizes[0] + sizes[1] <= size:
            body = data[off + FRAME_SIZE_BYTES:off + FRAME_SIZE_BYTES + sizes[0]]
            try:
                rtype, _crc, rdata = unmarshal_record(body)
                if rtype == ENTRY_TYPE:
                    index = json.loads(rdata).get("index")
                    if isinstance(index, int) and index > last_index:
                        return off, index
            except (ValueError, AttributeError):
                pass
        off += 8
    return None


# ---------------------------------------------------------------------------- reading
@dataclass
class Entry:
    """One entry read back from the log: its index, the record it carries, and where it was."""

    index: int
    record: dict
    path: str
    offset: int


@dataclass
class WALContents:
    """Everything :func:`read_wal` found: the entries, the snapshot markers, where the log ends."""

    entries: list[Entry] = field(default_factory=list)
    snapshots: list[int] = field(default_factory=list)  # indexes of snapshotType records
    segments: list[tuple[int, int, str]] = field(default_factory=list)  # (seq, first index, path)
    last_path: str = ""
    end_offset: int = 0  # end of the last whole record of the last segment
    torn_at: int | None = None  # offset of a discarded partial record in the last segment
    crc: int = 0  # rolling crc at the end of the log
    last_index: int = 0  # index of the last entry (or of the newest snapshot marker)


def _metadata() -> bytes:
    return json.dumps({"format": WAL_FORMAT, "version": WAL_VERSION}, sort_keys=True).encode()


def _read_segment(path: str, prev_crc: int, last: bool, out: WALContents) -> int:
    """Decode one segment into ``out``; returns the rolling crc at its end."""
    with open(path, "rb") as f:
        data = f.read()
    off = 0
    crc = prev_crc
    nrec = 0
    size = len(data)

    def torn(at: int) -> int:
        # A write cut short can only be the last thing in the file: if a whole entry follows,
        # this record was damaged in the middle of the log (e.g. its length field), not torn.
        later = _later_entry(data, at + FRAME_SIZE_BYTES, out.last_index)
        if later is not None:
            raise CorruptError(f"wal: damaged record followed by entry {later[1]} at position {later[0]}", path, at)
        out.torn_at = at
        out.end_offset = at
        return crc

    while off < size:
        header_done = nrec >= 2
        tolerate = last and header_done
        if size - off < FRAME_SIZE_BYTES:
            if tolerate:
                return torn(off)
            raise CorruptError("wal: unexpected end of file", path, off)
        (length,) = struct.unpack_from("<Q", data, off)
        if length == 0:
            # upstream: a zero length field is the end of the written part of the file
            if tolerate:
                return torn(off)
            raise CorruptError("wal: unexpected zero record length", path, off)
        sizes = decode_frame_size(length)
        if sizes is None:
            if nrec == 0:
                raise CorruptError("wal: not a k8slab WAL segment (no crc record at the start)", path, off)
            raise CorruptError("wal: invalid record length field", path, off)
        rec_bytes, pad = sizes
        end = off + FRAME_SIZE_BYTES + rec_bytes + pad
        if end > size:
            if tolerate:
                return torn(off)
            if nrec == 0:
                raise CorruptError("wal: not a k8slab WAL segment (no crc record at the start)", path, off)
            raise CorruptError(f"wal: record of {rec_bytes} bytes runs past the end of the file", path, off)
        body = data[off + FRAME_SIZE_BYTES:off + FRAME_SIZE_BYTES + rec_bytes]
        try:
            rtype, rcrc, rdata = unmarshal_record(body)
        except ValueError as e:
            if tolerate and _is_torn(off, data[off + FRAME_SIZE_BYTES:end]):
                return torn(off)
            if nrec == 0:
                raise CorruptError("wal: not a k8slab WAL segment (no crc record at the start)", path, off) from None
            raise CorruptError(f"wal: record does not decode ({e})", path, off) from None
        if nrec == 0 and rtype != CRC_TYPE:
            raise CorruptError("wal: not a k8slab WAL segment (no crc record at the start)", path, off)
        if rtype == CRC_TYPE:
            # upstream: wal.go ReadAll: a crc record must carry the crc of everything before it
            if crc != 0 and rcrc != crc:
                raise CorruptError("wal: crc mismatch (segment does not continue the previous one)", path, off)
            new_crc = rcrc
        else:
            new_crc = zlib.crc32(rdata, crc)
            if rcrc != new_crc:
                if tolerate and _is_torn(off, data[off + FRAME_SIZE_BYTES:end]):
                    return torn(off)
                raise CorruptError("wal: crc mismatch", path, off)
        if nrec == 1:
            if rtype != METADATA_TYPE:
                raise CorruptError("wal: not a k8slab WAL segment (no metadata record)", path, off)
            try:
                meta = json.loads(rdata)
                fmt, version = meta.get("format"), meta.get("version")
            except (ValueError, AttributeError):
                raise CorruptError("wal: not a k8slab WAL segment (metadata does not parse)", path, off) from None
            if fmt != WAL_FORMAT:
                raise CorruptError(f"wal: not a k8slab WAL segment (format {fmt!r})", path, off)
            if version != WAL_VERSION:
                raise CorruptError(f"wal: unsupported WAL version {version!r} (this k8slab reads version "
                                   f"{WAL_VERSION})", path, off)
        elif rtype == METADATA_TYPE:
            if rdata != _metadata():
                raise CorruptError("wal: metadata conflict", path, off)
        elif rtype == ENTRY_TYPE:
            try:
                rec = json.loads(rdata)
                index = rec.pop("index")
                if isinstance(index, bool) or not isinstance(index, int):
                    raise ValueError(index)
            except (ValueError, AttributeError, KeyError, TypeError):
                raise CorruptError("wal: entry does not parse", path, off) from None
            if out.last_index and index != out.last_index + 1:
                raise CorruptError(f"wal: entry index {index} does not follow index {out.last_index}", path, off)
            out.entries.append(Entry(index, rec, path, off))
            out.last_index = index
        elif rtype == SNAPSHOT_TYPE:
            try:
                sidx = json.loads(rdata)["index"]
                if isinstance(sidx, bool) or not isinstance(sidx, int):
                    raise ValueError(sidx)
            except (ValueError, KeyError, TypeError):
                raise CorruptError("wal: snapshot record does not parse", path, off) from None
            if out.last_index and sidx != out.last_index:
                raise CorruptError(f"wal: snapshot record at index {sidx} after entry {out.last_index}", path, off)
            out.snapshots.append(sidx)
            out.last_index = sidx
        elif rtype != CRC_TYPE:
            raise CorruptError(f"wal: unexpected record type {rtype}", path, off)
        crc = new_crc
        nrec += 1
        off = end
    if nrec < 2:
        raise CorruptError("wal: segment is missing its header", path, off)
    out.end_offset = off
    return crc


def list_segments(dirpath: str) -> list[tuple[int, int, str]]:
    """The segments of the WAL in ``dirpath``, in sequence order: ``(seq, first index, path)``."""
    try:
        names = sorted(os.listdir(dirpath))
    except FileNotFoundError:
        raise CorruptError("wal: directory not found", dirpath) from None
    except NotADirectoryError:
        raise CorruptError("wal: not a directory", dirpath) from None
    segs = []
    for name in names:
        if not name.endswith(".wal"):
            continue  # upstream: wal/util.go checkWalNames ignores other files
        try:
            seq, index = parse_wal_name(name)
        except ValueError:
            raise CorruptError("wal: unexpected file name in the WAL directory", os.path.join(dirpath, name)) from None
        segs.append((seq, index, os.path.join(dirpath, name)))
    for (s1, _, _), (s2, _, p2) in zip(segs, segs[1:]):
        if s2 != s1 + 1:
            raise CorruptError("wal: file sequence numbers do not increase continuously", p2)
    return segs


def read_wal(dirpath: str) -> WALContents:
    """Read and check every segment in ``dirpath`` (nothing is changed on disk)."""
    segs = list_segments(dirpath)
    if not segs:
        raise CorruptError("wal: no WAL segment files", dirpath)
    out = WALContents(segments=segs)
    crc = 0
    for i, (_seq, index, path) in enumerate(segs):
        first = len(out.entries)
        crc = _read_segment(path, crc, i == len(segs) - 1, out)
        if len(out.entries) > first and out.entries[first].index != max(index, 1):
            raise CorruptError(f"wal: first entry has index {out.entries[first].index}, the file name says {index}",
                               path, out.entries[first].offset)
    out.crc = crc
    out.last_path = segs[-1][2]
    return out


# ---------------------------------------------------------------------------- writing
def _fsync_dir(path: str) -> None:
    """upstream: client/pkg/fileutil Fsync on a directory, so a create or rename is durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


class WAL:
    """An open write-ahead log: :meth:`append` entries, :meth:`cut` segments, :meth:`purge` old ones.

    Make one with :meth:`create` (a new directory) or :meth:`open` (an existing one; it
    returns what was read, and repairs a partial last record).
    """

    def __init__(self, dirpath: str, seq: int, path: str, offset: int, crc: int, last_index: int,
                 segments: list[tuple[int, int, str]], *, fsync: bool = True,
                 segment_size: int = SEGMENT_SIZE_BYTES) -> None:
        self.dir = dirpath
        self.fsync = fsync
        self.segment_size = segment_size
        self.seq = seq
        self.path = path
        self.offset = offset
        self.crc = crc
        self.last_index = last_index
        self.segments = list(segments)
        self._fd: int | None = os.open(path, os.O_WRONLY)
        os.lseek(self._fd, offset, os.SEEK_SET)

    # -------------------------------------------------------------- construction
    @staticmethod
    def _header(crc: int, snapshot_index: int | None) -> tuple[bytes, int]:
        out = encode_frame(marshal_record(CRC_TYPE, crc, b""))
        meta = _metadata()
        crc = zlib.crc32(meta, crc)
        out += encode_frame(marshal_record(METADATA_TYPE, crc, meta))
        if snapshot_index is not None:
            snap = json.dumps({"index": snapshot_index}).encode()
            crc = zlib.crc32(snap, crc)
            out += encode_frame(marshal_record(SNAPSHOT_TYPE, crc, snap))
        return out, crc

    @classmethod
    def create(cls, dirpath: str, *, fsync: bool = True, segment_size: int = SEGMENT_SIZE_BYTES) -> "WAL":
        """upstream: wal.go Create: a new log in ``dirpath`` (built in ``<dir>.tmp`` and renamed)."""
        if os.path.exists(dirpath):
            raise EtcdError(f"wal: directory {dirpath!r} already exists")
        tmp = dirpath + ".tmp"
        if os.path.exists(tmp):
            shutil.rmtree(tmp)
        os.makedirs(tmp)
        data, crc = cls._header(0, 0)
        name = wal_name(0, 0)
        fd = os.open(os.path.join(tmp, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            _write_all(fd, data)
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        if fsync:
            _fsync_dir(tmp)
        os.rename(tmp, dirpath)
        if fsync:
            _fsync_dir(os.path.dirname(os.path.abspath(dirpath)))
        path = os.path.join(dirpath, name)
        return cls(dirpath, 0, path, len(data), crc, 0, [(0, 0, path)], fsync=fsync, segment_size=segment_size)

    @classmethod
    def open(cls, dirpath: str, *, fsync: bool = True,
             segment_size: int = SEGMENT_SIZE_BYTES) -> tuple["WAL", WALContents]:
        """upstream: wal.go Open + ReadAll + Repair: read every record, drop a partial last one."""
        contents = read_wal(dirpath)
        for name in os.listdir(dirpath):
            if name.endswith(".tmp"):  # a segment whose creation a crash interrupted
                os.remove(os.path.join(dirpath, name))
        seq = contents.segments[-1][0]
        if contents.torn_at is not None:
            with open(contents.last_path, "r+b") as f:
                f.truncate(contents.end_offset)
                f.flush()
                if fsync:
                    os.fsync(f.fileno())
        wal = cls(dirpath, seq, contents.last_path, contents.end_offset, contents.crc, contents.last_index,
                  contents.segments, fsync=fsync, segment_size=segment_size)
        return wal, contents

    # -------------------------------------------------------------- writing
    def append(self, index: int, record: dict) -> None:
        """Append one entry (``index`` must follow the last one) and fsync it."""
        if self._fd is None:
            raise EtcdError("wal: closed")
        if index != self.last_index + 1:
            raise EtcdError(f"wal: entry index {index} does not follow {self.last_index}")
        data = json.dumps({"index": index, **record}, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")
        crc = zlib.crc32(data, self.crc)
        frame = encode_frame(marshal_record(ENTRY_TYPE, crc, data))
        try:
            _write_all(self._fd, frame)
            if self.fsync:
                os.fsync(self._fd)
        except OSError:
            # leave no partial record behind: the write is not acknowledged
            try:
                os.ftruncate(self._fd, self.offset)
                os.lseek(self._fd, self.offset, os.SEEK_SET)
            except OSError:
                pass
            raise
        self.offset += len(frame)
        self.crc = crc
        self.last_index = index
        if self.offset >= self.segment_size:
            self.cut()

    def cut(self, snapshot_index: int | None = None) -> None:
        """upstream: wal.go cut: start segment ``seq+1`` at the next index (with a snapshot marker if given)."""
        if self._fd is None:
            raise EtcdError("wal: closed")
        seq = self.seq + 1
        name = wal_name(seq, self.last_index + 1)
        path = os.path.join(self.dir, name)
        tmp = path + ".tmp"
        data, crc = self._header(self.crc, snapshot_index)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            _write_all(fd, data)
            if self.fsync:
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            os.remove(tmp)
            raise
        os.rename(tmp, path)
        if self.fsync:
            _fsync_dir(self.dir)
        os.close(self._fd)
        self._fd = fd
        self.seq, self.path, self.offset, self.crc = seq, path, len(data), crc
        self.segments.append((seq, self.last_index + 1, path))

    def save_snapshot(self, index: int) -> None:
        """upstream: wal.go SaveSnapshot: mark (in a fresh segment) that a snapshot at ``index`` exists."""
        if index != self.last_index:
            raise EtcdError(f"wal: snapshot at index {index} but the log ends at {self.last_index}")
        self.cut(snapshot_index=index)

    def purge(self, upto_index: int, max_wals: int = 5) -> list[str]:
        """Remove the oldest segments, keeping ``max_wals``, never one holding an entry after ``upto_index``."""
        removed = []
        while len(self.segments) > max(1, max_wals) and self.segments[1][1] <= upto_index + 1:
            _seq, _idx, path = self.segments.pop(0)
            os.remove(path)
            removed.append(path)
        if removed and self.fsync:
            _fsync_dir(self.dir)
        return removed

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    @property
    def closed(self) -> bool:
        return self._fd is None
