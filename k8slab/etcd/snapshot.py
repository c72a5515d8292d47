"""Snapshots of the whole store (for the WAL), and lab state files (``save_state``/``load_state``).

upstream: etcd-io/etcd server/etcdserver/api/snap/snapshotter.go (``<term:016x>-<index:016x>.snap``
files, a checksum over the data, ``snap: crc mismatch``, the newest snapshot is loaded) and
server/etcdserver/server.go (``--snapshot-count``, ``--max-snapshots``). A snapshot holds
the store's revision and compact revision, every key's revisions since compaction (create
and mod revision, version, lease, value) and the leases with their remaining TTL.

Both kinds of file share one container, versioned and checksummed::

    magic line   b"k8slab etcd snapshot\\n" or b"k8slab lab state\\n"
    uint32 LE    format version (1)
    uint64 LE    payload length
    uint32 LE    CRC-32 of the payload
    payload      zlib-compressed JSON

Files are written atomically: to ``<name>.tmp``, fsync'd, renamed, and the directory
fsync'd; a crash leaves either the old file or the new one. A file that is not one of
these, of another version, cut short, with a checksum mismatch, or whose contents do not
parse is refused with a :class:`~k8slab.etcd.errors.CorruptError` naming the file and offset.

Simplifications (documented): the data is JSON rather than a raftpb.Snapshot around a
bbolt database; the term in snapshot file names is always 1 (this store has no Raft term).
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from typing import Any, Callable

from .errors import CorruptError
from .mvcc import MVCCStore
from .lease import MIN_LEASE_TTL

SNAP_MAGIC = b"k8slab etcd snapshot\n"
STATE_MAGIC = b"k8slab lab state\n"
FORMAT_VERSION = 1
SNAP_TERM = 1
#: upstream: etcd v3.5 (the etcd of Kubernetes v1.32) --snapshot-count default
DEFAULT_SNAPSHOT_COUNT = 100_000
#: upstream: --max-snapshots and --max-wals defaults
MAX_SNAPSHOTS = 5
MAX_WALS = 5

_HDR = struct.Struct("<IQI")


# ---------------------------------------------------------------------------- container
def encode_container(magic: bytes, payload: dict) -> bytes:
    """The bytes of a container file holding ``payload`` (JSON-serialisable)."""
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    body = zlib.compress(raw, 6)
    return magic + _HDR.pack(FORMAT_VERSION, len(body), zlib.crc32(body)) + body


def decode_container(data: bytes, path: str, magic: bytes, what: str) -> dict:
    """The payload of a container file; CorruptError (naming ``path`` and the offset) otherwise."""
    if not data.startswith(magic):
        raise CorruptError(f"not a k8slab {what} (bad magic)", path, 0)
    off = len(magic)
    if len(data) < off + _HDR.size:
        raise CorruptError(f"{what} header cut short", path, len(data))
    version, length, crc = _HDR.unpack_from(data, off)
    if version != FORMAT_VERSION:
        raise CorruptError(f"unsupported {what} format version {version} (this k8slab reads version "
                           f"{FORMAT_VERSION})", path, off)
    off += _HDR.size
    if len(data) - off < length:
        raise CorruptError(f"{what} cut short: {length} bytes of data expected, {len(data) - off} found", path, off)
    if len(data) - off > length:
        raise CorruptError(f"unexpected trailing data after the {what}", path, off + length)
    body = data[off:]
    if zlib.crc32(body) != crc:
        raise CorruptError(f"{what}: crc mismatch", path, off)
    try:
        payload = json.loads(zlib.decompress(body))
    except (zlib.error, ValueError) as e:
        raise CorruptError(f"{what} does not parse ({e})", path, off) from None
    if not isinstance(payload, dict):
        raise CorruptError(f"{what} does not parse (not an object)", path, off)
    return payload


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: str, data: bytes, *, fsync: bool = True) -> None:
    """Write ``path`` so that a crash leaves the old file or the new one: temp file, fsync, rename."""
    path = os.fspath(path)
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    if fsync:
        _fsync_dir(os.path.dirname(os.path.abspath(path)))


def read_container(path: str, magic: bytes, what: str) -> dict:
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise CorruptError(f"{what} not found", path) from None
    except IsADirectoryError:
        raise CorruptError(f"{what} is a directory", path) from None
    return decode_container(data, path, magic, what)


# ---------------------------------------------------------------------------- snapshots
def snap_name(term: int, index: int) -> str:
    """upstream: snapshotter.go: ``%016x-%016x.snap`` (term, index)."""
    return f"{term:016x}-{index:016x}.snap"


class Snapshotter:
    """The snapshot files in one directory: save, list, load the newest, purge old ones."""

    def __init__(self, dirpath: str, *, fsync: bool = True) -> None:
        self.dir = os.fspath(dirpath)
        self.fsync = fsync

    def cleanup(self) -> None:
        """Remove temporary files a crash left behind (they were never renamed into place)."""
        for name in os.listdir(self.dir):
            if name.endswith(".tmp"):
                os.remove(os.path.join(self.dir, name))

    def list(self) -> list[tuple[int, str]]:
        """``(index, path)`` of every snapshot file, oldest first; CorruptError for a bad ``.snap`` name."""
        out = []
        for name in sorted(os.listdir(self.dir)):
            if not name.endswith(".snap"):
                continue
            parts = name[:-5].split("-")
            try:
                if len(parts) != 2 or any(len(p) != 16 for p in parts):
                    raise ValueError(name)
                int(parts[0], 16)
                index = int(parts[1], 16)
            except ValueError:
                raise CorruptError("snap: unexpected file name in the snapshot directory",
                                   os.path.join(self.dir, name)) from None
            out.append((index, os.path.join(self.dir, name)))
        out.sort()
        return out

    def save(self, index: int, state: dict) -> str:
        path = os.path.join(self.dir, snap_name(SNAP_TERM, index))
        write_atomic(path, encode_container(SNAP_MAGIC, {"kind": "snapshot", "index": index, "store": state}),
                     fsync=self.fsync)
        return path

    def load(self, path: str) -> tuple[int, dict]:
        """``(index, store state)`` of one snapshot file."""
        payload = read_container(path, SNAP_MAGIC, "etcd snapshot")
        index = payload.get("index")
        if payload.get("kind") != "snapshot" or not isinstance(payload.get("store"), dict) or not isinstance(index, int):
            raise CorruptError("etcd snapshot does not parse (missing index or store)", path, len(SNAP_MAGIC))
        return index, payload["store"]

    def purge(self, max_snapshots: int = MAX_SNAPSHOTS) -> list[str]:
        snaps = self.list()
        removed = []
        for _index, path in snaps[:max(0, len(snaps) - max(1, max_snapshots))]:
            os.remove(path)
            removed.append(path)
        return removed


# ---------------------------------------------------------------------------- lab state
def save_state(store: MVCCStore, path: str, *, metadata: dict | None = None, fsync: bool = True) -> None:
    """Write the store's whole state to one file (versioned, checksummed, written atomically).

    ``metadata`` (JSON-serialisable) is kept alongside, for the cluster's own settings.
    """
    data = encode_container(STATE_MAGIC, {"kind": "lab", "store": store.export_state(),
                                          "metadata": dict(metadata or {})})
    write_atomic(os.fspath(path), data, fsync=fsync)


def _read_lab(path: str) -> dict:
    payload = read_container(path, STATE_MAGIC, "lab state file")
    if payload.get("kind") != "lab" or not isinstance(payload.get("store"), dict) \
            or not isinstance(payload.get("metadata"), dict):
        raise CorruptError("lab state file does not parse (missing store or metadata)", os.fspath(path), len(STATE_MAGIC))
    return payload


def load_state(path: str, *, clock: Callable[[], float] | None = None, min_lease_ttl: int = MIN_LEASE_TTL) -> MVCCStore:
    """A new in-memory store with the state :func:`save_state` wrote; leases resume with their remaining TTL."""
    payload = _read_lab(path)
    try:
        return MVCCStore.from_state(payload["store"], clock=clock, min_lease_ttl=min_lease_ttl)
    except ValueError as e:
        raise CorruptError(f"lab state file does not parse ({e})", os.fspath(path)) from None


def load_state_metadata(path: str) -> dict[str, Any]:
    """The ``metadata`` that :func:`save_state` stored with the state."""
    return _read_lab(path)["metadata"]
