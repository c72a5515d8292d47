"""A durable store: an MVCCStore whose every write is in the write-ahead log before it is applied.

upstream: etcd-io/etcd server/etcdserver/bootstrap.go and server.go (on start: load the
newest snapshot the WAL knows about, then replay the WAL entries after it; every
``--snapshot-count`` entries, save a snapshot and release old WAL segments and snapshots,
keeping ``--max-snapshots``/``--max-wals``) and server/storage/wal (see :mod:`.wal`).

The layout of a data directory is etcd's: ``<dir>/member/wal/*.wal`` and
``<dir>/member/snap/*.snap``. A write (put, delete, txn, compaction, lease grant,
keepalive, revoke or expiry) becomes one WAL entry, appended and fsync'd before the store
applies it and before the caller gets an answer: a crash at any point loses no acknowledged
write, and a write cut short by the crash is discarded on the next open.

Leases keep their remaining TTL across a restart: every entry records the virtual time it
was written at, and on recovery each lease's expiry is re-anchored on the new clock at the
remaining time it had as of the last entry, and a ``lease_checkpoint`` entry records that
(etcd's LeaseCheckpoint, which v3.6 always persists; a v3.5 etcd without it would restart
every lease at its full TTL).

Simplifications (documented): one member (no Raft term or HardState in the log); the
snapshot is the store's JSON state rather than a bbolt database file.
"""

from __future__ import annotations

import os
import weakref
from typing import Callable

from .errors import CorruptError, EtcdError, StoppedError
from .lease import MIN_LEASE_TTL
from .mvcc import MVCCStore
from .snapshot import DEFAULT_SNAPSHOT_COUNT, MAX_SNAPSHOTS, MAX_WALS, Snapshotter
from .wal import SEGMENT_SIZE_BYTES, WAL

_open_stores: "weakref.WeakValueDictionary[str, DurableStore]" = weakref.WeakValueDictionary()


class DurableStore(MVCCStore):
    """An :class:`MVCCStore` kept in the data directory ``path`` (created when missing).

    Opening an existing directory recovers the store exactly: revision, compact revision,
    every key's revisions since compaction, leases. A corrupt or foreign WAL or snapshot
    raises :class:`CorruptError`. ``fsync=False`` skips the fsyncs (for benchmarks only);
    ``snapshot_count`` is etcd's ``--snapshot-count``; ``initial`` seeds a new directory
    with the state of another store (e.g. one from :func:`~k8slab.etcd.snapshot.load_state`).
    Opening a directory again in the same process closes the earlier store on it.
    """

    def __init__(self, path: str, *, clock: Callable[[], float] | None = None, fsync: bool = True,
                 snapshot_count: int = DEFAULT_SNAPSHOT_COUNT, min_lease_ttl: int = MIN_LEASE_TTL,
                 max_snapshots: int = MAX_SNAPSHOTS, max_wals: int = MAX_WALS,
                 segment_size: int = SEGMENT_SIZE_BYTES, initial: MVCCStore | None = None) -> None:
        super().__init__(clock=clock, min_lease_ttl=min_lease_ttl)
        self.path = os.path.abspath(os.fspath(path))
        self.snapshot_count = snapshot_count
        self.max_snapshots = max_snapshots
        self.max_wals = max_wals
        self._closed_reason = ""
        self.recovered_time: float | None = None  # virtual time of the last recovered entry, if any
        self._replaying = True
        self._since_snapshot = 0
        self.snapshot_index = 0
        member = os.path.join(self.path, "member")
        waldir = os.path.join(member, "wal")
        snapdir = os.path.join(member, "snap")
        if os.path.exists(self.path) and not os.path.isdir(self.path):
            raise CorruptError("etcd data dir is not a directory", self.path)
        previous = _open_stores.get(self.path)
        if previous is not None:
            previous._stop("superseded by a newer DurableStore on the same directory")
        if not os.path.isdir(waldir):
            if os.path.isdir(snapdir) and any(n.endswith(".snap") for n in os.listdir(snapdir)):
                raise CorruptError("etcd data dir has snapshots but no WAL", snapdir)
            if os.path.exists(waldir):
                raise CorruptError("wal: not a directory", waldir)
            os.makedirs(snapdir, exist_ok=True)
            self._snapper = Snapshotter(snapdir, fsync=fsync)
            self._wal = WAL.create(waldir, fsync=fsync, segment_size=segment_size)
        else:
            os.makedirs(snapdir, exist_ok=True)
            self._snapper = Snapshotter(snapdir, fsync=fsync)
            self._wal, contents = WAL.open(waldir, fsync=fsync, segment_size=segment_size)
            try:
                t_last = self._recover(contents)
            except BaseException:
                self._wal.close()
                raise
            self.recovered_time = t_last
            if self._clock is None and t_last is not None:
                self._time = t_last  # no clock handed in: the store's time goes on from its last entry
            if t_last is not None and self.lessor.leases and t_last != self.now:
                # The clock now reads differently (a new cluster starts at 0): re-anchor every
                # lease at the remaining TTL it had at the last entry, and log that as a
                # checkpoint so that entries written from now on replay on the same time base.
                shift = self.now - t_last
                for lease in self.lessor.leases.values():
                    lease.expiry += shift
                self._replaying = False
                self.lease_checkpoint()
        self._replaying = False
        _open_stores[self.path] = self
        if initial is not None:
            if self.revision or self.lessor.leases or self._wal.last_index:
                raise EtcdError(f"etcd data dir {self.path!r} already holds a store; cannot seed it")
            self._restore(initial.export_state(), self.now)
            self._write_snapshot()

    # ------------------------------------------------------------------ recovery
    def _recover(self, contents) -> float | None:
        """Load the newest snapshot the WAL knows and replay the entries after it; returns the
        virtual time of the last entry (or snapshot), None when there was none."""
        self._snapper.cleanup()
        markers = set(contents.snapshots)
        candidates = [(i, p) for i, p in self._snapper.list() if i in markers]
        snap_index = 0
        t_last: float | None = None
        if candidates:
            snap_index, snap_path = candidates[-1]
            index, state = self._snapper.load(snap_path)
            if index != snap_index:
                raise CorruptError(f"snap: file holds index {index}, its name says {snap_index}", snap_path)
            try:
                t_last = float(state["time"])
                self._restore(state, t_last)
            except (KeyError, TypeError, ValueError) as e:
                raise CorruptError(f"etcd snapshot does not parse ({e})", snap_path) from None
        entries = [e for e in contents.entries if e.index > snap_index]
        if entries and entries[0].index != snap_index + 1:
            raise CorruptError(f"wal: entries {snap_index + 1}..{entries[0].index - 1} after the snapshot are missing",
                               entries[0].path, entries[0].offset)
        reached = entries[-1].index if entries else snap_index
        if reached != contents.last_index:
            raise CorruptError(f"wal: entries {reached + 1}..{contents.last_index} are missing (snapshot at "
                               f"{snap_index})", contents.last_path)
        for e in entries:
            try:
                self.apply_record(e.record)
            except ValueError as err:
                raise CorruptError(f"wal: entry {e.index} does not apply to the store ({err})", e.path, e.offset) from None
            at = e.record.get("at")
            if isinstance(at, (int, float)):
                t_last = float(at)
        self.snapshot_index = snap_index
        self._since_snapshot = len(entries)
        return t_last

    # ------------------------------------------------------------------ hooks
    def _log(self, record: dict) -> None:
        if self._replaying:
            return
        if self._wal.closed:
            raise StoppedError(self._closed_reason or "closed")
        self._wal.append(self._wal.last_index + 1, record)

    def _committed(self, record: dict) -> None:
        if self._replaying:
            return
        self._since_snapshot += 1
        if self.snapshot_count and self._since_snapshot >= self.snapshot_count:
            self.snapshot()

    # ------------------------------------------------------------------ snapshots
    def snapshot(self) -> str | None:
        """Save a snapshot now (as etcd does every ``snapshot_count`` entries); returns its path.

        Nothing is written when no entry was logged since the last snapshot.
        """
        if self._wal.closed:
            raise StoppedError(self._closed_reason or "closed")
        if self._wal.last_index == self.snapshot_index:
            return None
        return self._write_snapshot()

    def _write_snapshot(self) -> str:
        # upstream: server.go saveSnapshot: the WAL learns of the snapshot first, then the file is
        # written, then old files are released; a crash in between leaves a usable older state.
        index = self._wal.last_index
        self._wal.save_snapshot(index)
        path = self._snapper.save(index, self.export_state())
        self.snapshot_index = index
        self._since_snapshot = 0
        self._snapper.purge(self.max_snapshots)
        self._wal.purge(index, self.max_wals)
        return path

    # ------------------------------------------------------------------ lifecycle
    @property
    def wal_index(self) -> int:
        """The index of the last entry in the write-ahead log."""
        return self._wal.last_index

    @property
    def closed(self) -> bool:
        return self._wal.closed

    def _stop(self, reason: str) -> None:
        if not self._wal.closed:
            self._closed_reason = reason
            self._wal.close()

    def close(self) -> None:
        """Close the log; later writes raise StoppedError (reads still answer from memory)."""
        self._stop("closed")
        if _open_stores.get(self.path) is self:
            del _open_stores[self.path]

    def __enter__(self) -> "DurableStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self._wal.close()
        except Exception:
            pass


def open_store(path: str, **kwargs) -> DurableStore:
    """Open (or create) the durable store in data directory ``path``; see :class:`DurableStore`."""
    return DurableStore(path, **kwargs)
