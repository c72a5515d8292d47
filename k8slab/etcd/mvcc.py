"""An MVCC key-value store with etcd v3 semantics, and its leases.

upstream: etcd-io/etcd server/storage/mvcc (kvstore.go, kvstore_txn.go, key_index.go,
index.go, watchable_store.go), server/etcdserver/apply (txn: compares, then/else ops),
server/etcdserver/api/v3rpc/key.go (checkIntervals: a key may be written once per txn),
server/lease/lessor.go and api/mvccpb/kv.proto.

What is kept, as etcd keeps it:

* One global ``revision``. Every write request (a put, a delete, a txn, a lease revoke
  that deletes keys) takes **one main revision**; the writes inside it are ordered by
  their sub-revision (their position in the request), as etcd's ``revision{main, sub}``.
  A request that changes nothing (a delete of a missing key, a txn whose chosen branch
  only reads) takes no revision.
* Per key: ``create_revision``, ``mod_revision`` (the main revision) and ``version`` (the
  number of writes since the key was created; a delete resets it), and the ``lease`` it is
  attached to. Every revision of every key since the last compaction is kept (etcd's
  keyIndex), so ``range(..., revision=r)`` reads the past; compaction keeps, per key, the
  newest revision at or below the compact revision (dropping it if it is a tombstone).
* Watches on a key or a range/prefix, from a past revision, with or without ``prev_kv``.
  The callbacks run synchronously, in revision order, after the write is applied.
* Leases (``lease_grant``, ``lease_keepalive``, ``lease_revoke``, ``lease_time_to_live``):
  a key put with ``lease=id`` is deleted (a DELETE event) when the lease is revoked or
  expires. The store is sans-IO: it reads the virtual time from the ``clock`` callable it
  is given (or from the last ``expire_leases(now)``), and expiry happens only when
  ``expire_leases()`` is called — the cluster calls it from a kernel timer every 500 ms,
  as etcd's lessor runLoop does.

Every write is first turned into a *record* (a JSON-ready dict), handed to :meth:`_log`
(a no-op here; :class:`k8slab.etcd.durable.DurableStore` appends it to its write-ahead log
and fsyncs), and only then applied. :meth:`apply_record` replays such a record, so a log
of records rebuilds the store exactly.

Simplifications (documented): keys are ``str`` rather than bytes; no range sort options,
no ``min/max_*_revision`` filters, no nested txns; compares are on a single key.
"""

from __future__ import annotations

import base64
import bisect
from collections import deque
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable

from .errors import (CompactedError, DuplicateKeyError, EtcdError, FutureRevisionError,  # noqa: F401 (re-exported)
                     LeaseNotFoundError)
from .lease import MIN_LEASE_TTL, NO_LEASE, REVOKE_LIMIT, Lease, LeaseTimeToLive, Lessor


@dataclass(frozen=True)
class KeyValue:
    """mvccpb.KeyValue: the value of a key at one revision."""

    key: str
    value: bytes
    create_revision: int
    mod_revision: int
    version: int
    lease: int = 0


@dataclass(frozen=True)
class WatchEvent:
    """mvccpb.Event: a PUT or DELETE of ``kv`` (for DELETE, kv.mod_revision is the delete's revision)."""

    type: str  # "PUT" | "DELETE"
    kv: KeyValue
    prev_kv: KeyValue | None


@dataclass
class Compare:
    """A txn comparison: ``target`` is value|version|create|mod|lease, ``op`` one of = != < >."""

    key: str
    target: str
    op: str
    operand: object


@dataclass
class _Watcher:
    id: int
    key: str
    range_end: str | None
    callback: Callable[[WatchEvent], None]
    prev_kv: bool = True
    filter_put: bool = False
    filter_delete: bool = False


# one revision of one key in the key index: (main, sub, kv) with kv None for a tombstone
_Rev = tuple[int, int, "KeyValue | None"]


def prefix_end(prefix: str) -> str:
    """The range end that selects every key starting with ``prefix`` (clientv3.GetPrefixRangeEnd).

    The empty prefix selects every key: its end is ``"\\0"``, etcd's "to the end" marker.
    """
    if not prefix:
        return "\0"
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def encode_value(value: bytes) -> Any:
    """A value as JSON: the text when it is UTF-8 (as Kubernetes objects are), else ``{"b64": ...}``."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return {"b64": base64.b64encode(value).decode("ascii")}


def decode_value(data: Any) -> bytes:
    """The inverse of :func:`encode_value`."""
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, dict) and isinstance(data.get("b64"), str):
        return base64.b64decode(data["b64"], validate=True)
    raise ValueError(f"not an encoded value: {data!r}")


class MVCCStore:
    """The store: key index with every revision since compaction, watchers, and leases.

    ``clock`` returns the current virtual time (the cluster passes its kernel's ``now``);
    ``min_lease_ttl`` is etcd's minimum lease TTL (2 s with etcd's default timings).
    """

    def __init__(self, *, clock: Callable[[], float] | None = None, min_lease_ttl: int = MIN_LEASE_TTL) -> None:
        self.revision = 0
        self.compact_revision = 0
        self._kv: dict[str, KeyValue] = {}
        self._keys: list[str] = []  # sorted current keys, for range/prefix queries
        self._index: dict[str, list[_Rev]] = {}  # every revision of every key since compaction
        self._index_keys: list[str] = []  # sorted keys of _index, for ranges at a past revision
        self._history: list[WatchEvent] = []  # every write in revision order (for watch replay)
        self._watchers: dict[int, _Watcher] = {}
        self._next_watch = 1
        self._pending: deque[WatchEvent] = deque()
        self._emitting = False
        self._clock = clock
        self._time = 0.0
        self._replay_time: float | None = None
        self.lessor = Lessor(min_lease_ttl)

    # ---------------------------------------------------------------- time
    def set_clock(self, clock: Callable[[], float]) -> None:
        """Hand the store a clock after construction (a cluster restored from disk does this)."""
        self._clock = clock

    @property
    def now(self) -> float:
        """The store's idea of the virtual time (clock, or the last time it was handed)."""
        if self._replay_time is not None:
            return self._replay_time
        if self._clock is not None:
            return float(self._clock())
        return self._time

    # ---------------------------------------------------------------- reads
    def get(self, key: str) -> KeyValue | None:
        """The current value of ``key`` or None."""
        return self._kv.get(key)

    def range(self, key: str, range_end: str | None = None, *, limit: int = 0, revision: int = 0,
              count_only: bool = False, prefix: bool = False) -> tuple[list[KeyValue], int, int]:
        """Keys in ``[key, range_end)`` (exactly ``key`` when range_end is None; every key under
        ``key`` with ``prefix=True``; every key >= ``key`` when range_end is ``"\\0"``) at
        ``revision`` (0: the current one).

        Returns ``(kvs, count, header_revision)``; ``count`` is the number of keys in the range
        before ``limit``; with ``count_only`` kvs is empty.
        """
        if prefix:
            range_end = prefix_end(key)
        if revision and revision > self.revision:
            raise FutureRevisionError()
        if revision and revision < self.compact_revision:
            raise CompactedError()
        if not revision or revision == self.revision:
            kvs = self._current_range(key, range_end)
        else:
            kvs = self._range_at(key, range_end, revision)
        count = len(kvs)
        if count_only:
            return [], count, self.revision
        if limit:
            kvs = kvs[:limit]
        return kvs, count, self.revision

    def _current_range(self, key: str, range_end: str | None) -> list[KeyValue]:
        if range_end is None:
            kv = self._kv.get(key)
            return [kv] if kv else []
        return [self._kv[k] for k in _slice(self._keys, key, range_end)]

    def _range_at(self, key: str, range_end: str | None, revision: int) -> list[KeyValue]:
        keys = [key] if range_end is None else _slice(self._index_keys, key, range_end)
        out = []
        for k in keys:
            entries = self._index.get(k)
            if not entries:
                continue
            i = bisect.bisect_right(entries, revision, key=_main) - 1
            if i >= 0 and entries[i][2] is not None:
                out.append(entries[i][2])
        return out

    # ---------------------------------------------------------------- writes
    def put(self, key: str, value: bytes, lease: int = 0) -> KeyValue:
        """Write ``key`` (attached to ``lease`` when non-zero); returns the new KeyValue."""
        _ok, results = self.txn((), [("put", key, value, lease)])
        return results[0]

    def delete(self, key: str) -> KeyValue | None:
        """Delete ``key``; returns the deleted KeyValue or None when absent (no revision used)."""
        _ok, results = self.txn((), [("delete", key)])
        return results[0]

    def delete_range(self, key: str, range_end: str | None = None, *, prefix: bool = False) -> list[KeyValue]:
        """etcd DeleteRange: delete every key in the range in one revision; returns the deleted KeyValues."""
        if prefix:
            range_end = prefix_end(key)
        if range_end is None:
            kv = self.delete(key)
            return [kv] if kv else []
        _ok, results = self.txn((), [("delete", key, range_end)])
        return results[0]

    def txn(self, compares: Iterable[Compare], success: Iterable[tuple], failure: Iterable[tuple] = ()) -> tuple[bool, list]:
        """etcd Txn: if every compare holds run ``success`` ops else ``failure`` ops, as one revision.

        Ops are ``("put", key, value[, lease])``, ``("delete", key[, range_end])``,
        ``("get", key)`` and ``("range", key, range_end)``; reads see the txn's earlier writes.
        Returns ``(succeeded, results)``: a put gives the new KeyValue, a delete the deleted
        KeyValue (or None), a delete of a range the list of deleted KeyValues, a get the
        KeyValue (or None), a range the list of KeyValues. A key may be written only once
        per txn (``etcdserver: duplicate key given in txn request``); a bad request raises
        before anything is written.
        """
        compares = list(compares)
        success = [tuple(op) for op in success]
        failure = [tuple(op) for op in failure]
        for c in compares:
            _check_compare(c)
        _check_ops(success)
        _check_ops(failure)
        ok = all(self._compare(c) for c in compares)
        ops = success if ok else failure
        rev = self.revision + 1
        writes: list[list] = []
        events: list[WatchEvent] = []
        overlay: dict[str, KeyValue | None] = {}
        results: list = []
        for op in ops:
            kind = op[0]
            if kind == "put":
                lease = op[3] if len(op) > 3 else NO_LEASE
                if lease != NO_LEASE and lease not in self.lessor.leases:
                    raise LeaseNotFoundError(lease)
                ev = self._put_event(op[1], bytes(op[2]), lease, rev)
                writes.append(["put", op[1], encode_value(ev.kv.value), lease])
                events.append(ev)
                overlay[op[1]] = ev.kv
                results.append(ev.kv)
            elif kind == "delete":
                if len(op) > 2 and op[2] is not None:
                    keys = [k for k in _slice(self._keys, op[1], op[2]) if overlay.get(k, True) is not None]
                else:
                    keys = [op[1]] if self._kv.get(op[1]) is not None and overlay.get(op[1], True) is not None else []
                deleted = []
                for k in keys:
                    ev = self._delete_event(k, rev)
                    writes.append(["delete", k])
                    events.append(ev)
                    overlay[k] = None
                    deleted.append(ev.prev_kv)
                if len(op) > 2 and op[2] is not None:
                    results.append(deleted)
                else:
                    results.append(deleted[0] if deleted else None)
            elif kind == "get":
                results.append(overlay[op[1]] if op[1] in overlay else self._kv.get(op[1]))
            else:  # range
                cur = {kv.key: kv for kv in self._current_range(op[1], op[2])}
                for k, kv in overlay.items():
                    if _in_range(k, op[1], op[2]):
                        if kv is None:
                            cur.pop(k, None)
                        else:
                            cur[k] = kv
                results.append([cur[k] for k in sorted(cur)])
        if writes:
            self._commit({"op": "txn", "rev": rev, "w": writes}, lambda: self._apply_events(rev, events))
        return ok, results

    def _put_event(self, key: str, value: bytes, lease: int, rev: int) -> WatchEvent:
        prev = self._kv.get(key)
        if prev is None:
            kv = KeyValue(key, value, rev, rev, 1, lease)
        else:
            kv = KeyValue(key, value, prev.create_revision, rev, prev.version + 1, lease)
        return WatchEvent("PUT", kv, prev)

    def _delete_event(self, key: str, rev: int) -> WatchEvent:
        return WatchEvent("DELETE", KeyValue(key, b"", 0, rev, 0, 0), self._kv[key])

    def _compare(self, c: Compare) -> bool:
        kv = self._kv.get(c.key)
        if c.target == "value":
            # upstream: apply.go applyCompare: comparing the value of a missing key always fails
            if kv is None:
                return False
            actual: object = kv.value
        elif c.target == "version":
            actual = kv.version if kv else 0
        elif c.target == "create":
            actual = kv.create_revision if kv else 0
        elif c.target == "mod":
            actual = kv.mod_revision if kv else 0
        else:  # lease
            actual = kv.lease if kv else 0
        if c.op == "=":
            return actual == c.operand
        if c.op == "!=":
            return actual != c.operand
        if c.op == "<":
            return actual < c.operand  # type: ignore[operator]
        return actual > c.operand  # type: ignore[operator]

    def compact(self, revision: int) -> None:
        """Drop history before ``revision``; older reads and watches then fail with CompactedError."""
        if revision <= self.compact_revision:
            raise CompactedError()
        if revision > self.revision:
            raise FutureRevisionError()
        self._commit({"op": "compact", "rev": revision}, lambda: self._apply_compact(revision))

    # ---------------------------------------------------------------- leases
    def lease_grant(self, ttl: int, id: int = 0) -> int:
        """LeaseGrant: a new lease of ``ttl`` seconds (at least the minimum TTL); returns its id.

        ``id`` 0 lets the store choose one, as etcd's server does.
        """
        if id:
            granted = self.lessor.check_grant(id, ttl)
            lid = id
        else:
            granted = self.lessor.check_ttl(ttl)
            lid = self.lessor.next_id()
        self._commit({"op": "lease_grant", "id": lid, "ttl": granted}, lambda: self._apply_grant(lid, granted))
        return lid

    def lease_keepalive(self, id: int) -> int:
        """LeaseKeepAlive (lessor.Renew): the lease's TTL starts again; returns the TTL.

        A lease that has expired but is not yet revoked cannot be renewed (LeaseNotFoundError).
        """
        lease = self.lessor.get(id)
        if lease.expired(self.now):
            raise LeaseNotFoundError(id)
        self._commit({"op": "lease_keepalive", "id": id}, lambda: self.lessor.renew(id, self.now))
        return lease.ttl

    def lease_revoke(self, id: int) -> None:
        """LeaseRevoke: remove the lease and delete its keys (sorted, in one revision)."""
        lease = self.lessor.get(id)
        keys = sorted(lease.keys)
        rev = self.revision + 1 if keys else 0
        events = [self._delete_event(k, rev) for k in keys]
        self._commit({"op": "lease_revoke", "id": id, "rev": rev}, lambda: self._apply_revoke(id, rev, events))

    def lease_time_to_live(self, id: int, keys: bool = False) -> LeaseTimeToLive:
        """LeaseTimeToLive: seconds left (``ttl`` -1 when the lease is gone), granted TTL, keys."""
        return self.lessor.time_to_live(id, self.now, keys)

    def leases(self) -> list[int]:
        """LeaseLeases: the ids of every lease, sorted."""
        return sorted(self.lessor.leases)

    def lease(self, id: int) -> Lease | None:
        """The lease ``id`` (its ttl, expiry and attached keys) or None."""
        return self.lessor.leases.get(id)

    def expire_leases(self, now: float | None = None, limit: int = REVOKE_LIMIT) -> list[int]:
        """Revoke every lease expired at ``now`` (default: the store's clock); returns their ids.

        As etcd's lessor (revokeExpiredLeases, every 500 ms), at most ``limit`` leases are
        revoked per call, soonest expiry first.
        """
        if now is not None and self._clock is None and self._replay_time is None:
            self._time = max(self._time, float(now))
        t = self.now if now is None else float(now)
        ids = self.lessor.expired(t, limit)
        for lid in ids:
            self.lease_revoke(lid)
        return ids

    def next_lease_expiry(self) -> float | None:
        """When the next lease expires (virtual time), or None: for a timer in the cluster."""
        return self.lessor.next_expiry()

    # ---------------------------------------------------------------- watch
    def watch(self, key: str, callback: Callable[[WatchEvent], None], *, range_end: str | None = None,
              start_revision: int = 0, prefix: bool = False, prev_kv: bool = True,
              filter_put: bool = False, filter_delete: bool = False) -> int:
        """Watch ``key`` (or ``[key, range_end)``, or every key under ``key`` with ``prefix``);
        events since ``start_revision`` are replayed first. Returns the watch id.

        ``prev_kv`` (clientv3.WithPrevKV) puts the previous KeyValue in each event; it is on
        by default here because the API server always asks for it (upstream:
        staging/src/k8s.io/apiserver/pkg/storage/etcd3/watcher.go). ``filter_put`` /
        ``filter_delete`` drop those events (clientv3.WithFilterPut / WithFilterDelete).
        The callback runs synchronously after the write that caused it is applied.
        """
        if prefix:
            range_end = prefix_end(key)
        if start_revision and start_revision <= self.compact_revision:
            raise CompactedError()
        wid = self._next_watch
        self._next_watch += 1
        w = _Watcher(wid, key, range_end, callback, prev_kv, filter_put, filter_delete)
        if start_revision:
            for ev in self.history_since(start_revision):
                if _in_range(ev.kv.key, key, range_end):
                    self._deliver(w, ev)
        self._watchers[wid] = w
        return wid

    def cancel_watch(self, wid: int) -> None:
        self._watchers.pop(wid, None)

    def history_since(self, revision: int) -> list[WatchEvent]:
        """Every event with mod_revision >= ``revision`` (CompactedError if that is gone)."""
        if revision <= self.compact_revision:
            raise CompactedError()
        i = bisect.bisect_left(self._history, revision, key=_event_revision)
        return self._history[i:]

    @staticmethod
    def _deliver(w: _Watcher, ev: WatchEvent) -> None:
        if (w.filter_put and ev.type == "PUT") or (w.filter_delete and ev.type == "DELETE"):
            return
        if not w.prev_kv and ev.prev_kv is not None:
            ev = replace(ev, prev_kv=None)
        w.callback(ev)

    def _emit(self, events: Iterable[WatchEvent]) -> None:
        """Deliver events in revision order, even when a callback writes to the store."""
        self._pending.extend(events)
        if self._emitting:
            return
        self._emitting = True
        try:
            while self._pending:
                ev = self._pending.popleft()
                for w in list(self._watchers.values()):
                    if w.id in self._watchers and _in_range(ev.kv.key, w.key, w.range_end):
                        self._deliver(w, ev)
        finally:
            self._emitting = False

    # ---------------------------------------------------------------- commit / apply
    def _commit(self, record: dict, apply: Callable[[], Any]) -> Any:
        """Log ``record`` (durably, in a DurableStore) and then apply it: nothing is applied if logging fails."""
        record["at"] = self.now
        self._log(record)
        result = apply()
        self._committed(record)
        return result

    def _log(self, record: dict) -> None:
        """Hook: every write's record, before it is applied. Raising here aborts the write."""

    def _committed(self, record: dict) -> None:
        """Hook: called after a logged record has been applied."""

    def _apply_events(self, rev: int, events: list[WatchEvent]) -> None:
        for sub, ev in enumerate(events):
            key = ev.kv.key
            prev = ev.prev_kv
            if prev is not None and prev.lease:
                self.lessor.detach(prev.lease, key)
            entries = self._index.get(key)
            if entries is None:
                entries = self._index[key] = []
                bisect.insort(self._index_keys, key)
            if ev.type == "PUT":
                entries.append((rev, sub, ev.kv))
                if prev is None:
                    bisect.insort(self._keys, key)
                self._kv[key] = ev.kv
                if ev.kv.lease:
                    self.lessor.attach(ev.kv.lease, key)
            else:
                entries.append((rev, sub, None))
                del self._kv[key]
                del self._keys[bisect.bisect_left(self._keys, key)]
            self._history.append(ev)
        if events:
            self.revision = rev
        self._emit(events)

    def _apply_compact(self, revision: int) -> None:
        # upstream: key_index.go compact(): keep, per key, the newest revision <= atRev unless it is a tombstone
        gone = False
        for key in self._index_keys:
            entries = self._index[key]
            j = bisect.bisect_right(entries, revision, key=_main) - 1
            if j < 0:
                continue
            if entries[j][2] is None:
                del entries[:j + 1]
            else:
                del entries[:j]
            if not entries:
                del self._index[key]
                gone = True
        if gone:
            self._index_keys = [k for k in self._index_keys if k in self._index]
        i = bisect.bisect_left(self._history, revision, key=_event_revision)
        del self._history[:i]
        self.compact_revision = revision

    def _apply_grant(self, lid: int, ttl: int) -> None:
        self.lessor.grant(lid, ttl, self.now)
        self.lessor.observe_id(lid)

    def lease_checkpoint(self) -> None:
        """Log every lease's remaining TTL (etcd's LeaseCheckpoint), anchoring it on the current clock."""
        if self.lessor.leases:
            now = self.now
            rem = [[l.id, l.expiry - now] for l in sorted(self.lessor.leases.values(), key=lambda l: l.id)]
            self._commit({"op": "lease_checkpoint", "leases": rem}, lambda: self._apply_checkpoint(rem))

    def _apply_checkpoint(self, remaining: list) -> None:
        now = self.now
        for lid, rem in remaining:
            self.lessor.leases[int(lid)].expiry = now + float(rem)

    def _apply_revoke(self, lid: int, rev: int, events: list[WatchEvent]) -> None:
        self.lessor.remove(lid)
        self._apply_events(rev, events)

    def apply_record(self, record: dict) -> None:
        """Replay one write record (as handed to :meth:`_log`) on this store.

        Raises ValueError when the record does not fit the store's state (a gap in
        revisions, an unknown lease, a malformed record): a log that does not belong here.
        """
        try:
            op = record["op"]
            at = record.get("at")
            self._replay_time = float(at) if at is not None else None
            if op == "txn":
                rev = int(record["rev"])
                if rev != self.revision + 1:
                    raise ValueError(f"txn at revision {rev} does not follow revision {self.revision}")
                events = []
                seen = set()
                for w in record["w"]:
                    key = w[1]
                    if not isinstance(key, str) or key in seen:
                        raise ValueError(f"bad key {key!r} in txn")
                    seen.add(key)
                    if w[0] == "put":
                        lease = int(w[3])
                        if lease != NO_LEASE and lease not in self.lessor.leases:
                            raise ValueError(f"put of {key!r} names lease {lease:x} that does not exist")
                        events.append(self._put_event(key, decode_value(w[2]), lease, rev))
                    elif w[0] == "delete":
                        if key not in self._kv:
                            raise ValueError(f"delete of missing key {key!r}")
                        events.append(self._delete_event(key, rev))
                    else:
                        raise ValueError(f"unknown write {w[0]!r}")
                if not events:
                    raise ValueError("txn record without writes")
                self._log(record)
                self._apply_events(rev, events)
            elif op == "compact":
                rev = int(record["rev"])
                if not self.compact_revision < rev <= self.revision:
                    raise ValueError(f"compaction to {rev} outside ({self.compact_revision}, {self.revision}]")
                self._log(record)
                self._apply_compact(rev)
            elif op == "lease_grant":
                lid, ttl = int(record["id"]), int(record["ttl"])
                if lid in self.lessor.leases or lid == NO_LEASE:
                    raise ValueError(f"grant of lease {lid:x} that exists")
                self._log(record)
                self._apply_grant(lid, ttl)
            elif op == "lease_keepalive":
                lid = int(record["id"])
                if lid not in self.lessor.leases:
                    raise ValueError(f"keepalive of unknown lease {lid:x}")
                self._log(record)
                self.lessor.renew(lid, self.now)
            elif op == "lease_checkpoint":
                for lid, remaining in record["leases"]:
                    if int(lid) not in self.lessor.leases:
                        raise ValueError(f"checkpoint of unknown lease {int(lid):x}")
                self._log(record)
                self._apply_checkpoint(record["leases"])
            elif op == "lease_revoke":
                lid, rev = int(record["id"]), int(record["rev"])
                lease = self.lessor.leases.get(lid)
                if lease is None:
                    raise ValueError(f"revoke of unknown lease {lid:x}")
                keys = sorted(lease.keys)
                if (rev != self.revision + 1) if keys else (rev != 0):
                    raise ValueError(f"lease revoke at revision {rev} does not fit revision {self.revision}")
                self._log(record)
                self._apply_revoke(lid, rev, [self._delete_event(k, rev) for k in keys])
            else:
                raise ValueError(f"unknown record op {op!r}")
        except (KeyError, IndexError, TypeError, AttributeError) as e:
            raise ValueError(f"malformed record {record!r}: {e!r}") from None
        finally:
            self._replay_time = None
        self._committed(record)

    # ---------------------------------------------------------------- state (snapshots)
    def export_state(self) -> dict:
        """The whole store as a JSON-ready dict: revisions, every key's revisions since
        compaction (create/mod revision, version, lease, value), and leases with their
        remaining TTL. :meth:`from_state` rebuilds an identical store from it."""
        now = self.now
        keys = []
        for k in self._index_keys:
            revs = []
            for main, sub, kv in self._index[k]:
                if kv is None:
                    revs.append([main, sub])
                else:
                    revs.append([main, sub, kv.create_revision, kv.version, kv.lease, encode_value(kv.value)])
            keys.append([k, revs])
        leases = [[l.id, l.ttl, l.expiry - now] for l in sorted(self.lessor.leases.values(), key=lambda l: l.id)]
        return {"revision": self.revision, "compact_revision": self.compact_revision, "time": now,
                "lease_id_suffix": self.lessor.id_suffix, "keys": keys, "leases": leases}

    @classmethod
    def from_state(cls, state: dict, *, clock: Callable[[], float] | None = None,
                   min_lease_ttl: int = MIN_LEASE_TTL) -> "MVCCStore":
        """A store rebuilt from :meth:`export_state`; leases keep their remaining TTL from ``clock``'s now.

        Raises ValueError when ``state`` is malformed.
        """
        store = cls(clock=clock, min_lease_ttl=min_lease_ttl)
        store._restore(state, store.now)
        return store

    def _restore(self, state: dict, anchor: float) -> None:
        """Replace this store's contents with ``state``; lease expiries are ``anchor`` + remaining."""
        try:
            self._restore_unchecked(state, anchor)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as e:
            raise ValueError(f"malformed store state: {e}") from None

    def _restore_unchecked(self, state: dict, anchor: float) -> None:
        revision = _int(state["revision"])
        compact = _int(state["compact_revision"])
        if not 0 <= compact <= revision:
            raise ValueError(f"compact revision {compact} outside [0, {revision}]")
        index: dict[str, list[_Rev]] = {}
        kvs: dict[str, KeyValue] = {}
        for key, revs in state["keys"]:
            if not isinstance(key, str) or key in index or not revs:
                raise ValueError(f"bad key entry {key!r}")
            entries: list[_Rev] = []
            for r in revs:
                main, sub = _int(r[0]), _int(r[1])
                if not 0 < main <= revision or (entries and main <= entries[-1][0]):
                    raise ValueError(f"key {key!r}: revision {main} out of order")
                if len(r) == 2:
                    entries.append((main, sub, None))
                else:
                    create, version, lease = _int(r[2]), _int(r[3]), _int(r[4])
                    entries.append((main, sub, KeyValue(key, decode_value(r[5]), create, main, version, lease)))
            index[key] = entries
            if entries[-1][2] is not None:
                kvs[key] = entries[-1][2]
        lessor = Lessor(self.lessor.min_lease_ttl)
        for lid, ttl, remaining in state["leases"]:
            lid, ttl = _int(lid), _int(ttl)
            # upstream: lessor.go initAndRecover: a recovered TTL below the minimum is raised to it
            lessor.leases[lid] = Lease(lid, max(ttl, lessor.min_lease_ttl), anchor + float(remaining))
        for key, kv in kvs.items():
            if kv.lease:
                if kv.lease not in lessor.leases:
                    raise ValueError(f"key {key!r} is attached to lease {kv.lease:x} that does not exist")
                lessor.leases[kv.lease].keys.add(key)
        lessor.id_suffix = _int(state["lease_id_suffix"])
        evs: list[tuple[int, int, WatchEvent]] = []
        for key, entries in index.items():
            prev = None
            for main, sub, kv in entries:
                if main > compact:
                    if kv is None:
                        evs.append((main, sub, WatchEvent("DELETE", KeyValue(key, b"", 0, main, 0, 0), prev)))
                    else:
                        evs.append((main, sub, WatchEvent("PUT", kv, prev)))
                prev = kv
        evs.sort(key=lambda e: (e[0], e[1]))
        # all checks passed: swap the contents in
        self.revision = revision
        self.compact_revision = compact
        self._index = index
        self._index_keys = sorted(index)
        self._kv = kvs
        self._keys = sorted(kvs)
        self._history = [e[2] for e in evs]
        self.lessor = lessor

    # ---------------------------------------------------------------- info
    def keys(self, prefix: str = "") -> list[str]:
        """Current keys under ``prefix``, sorted."""
        if not prefix:
            return list(self._keys)
        return _slice(self._keys, prefix, prefix_end(prefix))

    def __len__(self) -> int:
        return len(self._kv)


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"expected an integer, got {v!r}")
    return v


def _check_compare(c: Compare) -> None:
    if c.target not in ("value", "version", "create", "mod", "lease"):
        raise ValueError(f"unknown compare target {c.target!r}")
    if c.op not in ("=", "!=", "<", ">"):
        raise ValueError(f"unknown compare op {c.op!r}")


def _check_ops(ops: list[tuple]) -> None:
    """Op shapes, and etcd's rule that a key is written at most once per txn (v3rpc/key.go checkIntervals)."""
    puts: set[str] = set()
    dels: list[tuple[str, str | None]] = []
    for op in ops:
        if not op or op[0] not in ("put", "delete", "get", "range"):
            raise ValueError(f"unknown txn op {op[0] if op else op!r}")
        if len(op) < 2 or not isinstance(op[1], str):
            raise TypeError(f"txn op {op[0]!r} needs a str key, got {op[1:2]!r}")
        if op[1] == "":
            raise EtcdError("etcdserver: key is not provided")
        if op[0] == "put":
            if len(op) not in (3, 4) or not isinstance(op[2], (bytes, bytearray)):
                raise TypeError(f"put of {op[1]!r} needs a bytes value")
            if len(op) == 4 and (isinstance(op[3], bool) or not isinstance(op[3], int)):
                raise TypeError(f"put of {op[1]!r}: lease must be an int, got {op[3]!r}")
            if op[1] in puts:
                raise DuplicateKeyError()
            puts.add(op[1])
        elif op[0] == "delete":
            end = op[2] if len(op) > 2 else None
            if end is not None and not isinstance(end, str):
                raise TypeError(f"delete range end must be a str, got {end!r}")
            dels.append((op[1], end))
        elif op[0] == "range" and (len(op) != 3 or not (op[2] is None or isinstance(op[2], str))):
            raise TypeError("range op is ('range', key, range_end)")
    for k in puts:
        if any(_in_range(k, key, end) for key, end in dels):
            raise DuplicateKeyError()


def _slice(keys: list[str], key: str, range_end: str) -> list[str]:
    lo = bisect.bisect_left(keys, key)
    hi = bisect.bisect_left(keys, range_end) if range_end != "\0" else len(keys)
    return keys[lo:hi]


def _in_range(k: str, key: str, range_end: str | None) -> bool:
    if range_end is None:
        return k == key
    if range_end == "\0":
        return k >= key
    return key <= k < range_end


def _main(entry: _Rev) -> int:
    return entry[0]


def _event_revision(ev: WatchEvent) -> int:
    return ev.kv.mod_revision
