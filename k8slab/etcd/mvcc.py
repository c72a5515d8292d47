"""An MVCC key-value store with etcd v3 semantics.

upstream: etcd-io/etcd server/storage/mvcc (kvstore.go, kvstore_txn.go, watchable_store.go)
and api/mvccpb/kv.proto. One global ``revision`` counts every write; each key carries
``create_revision``, ``mod_revision`` and ``version`` (the number of writes since it was
created; a delete resets it). Every write is kept in a history log so that reads and
watches can start at a past revision until that revision is compacted.

Simplification (documented): each put/delete and each txn's write set takes its own
revision number per write (etcd gives a whole txn one main revision with sub-revisions);
k8slab's API server writes one key per txn, so the difference never shows.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Callable, Iterable


class CompactedError(Exception):
    """``mvcc: required revision has been compacted`` (etcd's ErrCompacted)."""

    def __init__(self) -> None:
        super().__init__("mvcc: required revision has been compacted")


class FutureRevisionError(Exception):
    """``mvcc: required revision is a future revision`` (etcd's ErrFutureRev)."""

    def __init__(self) -> None:
        super().__init__("mvcc: required revision is a future revision")


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
    """A txn comparison: ``target`` is value|version|create|mod, ``op`` one of = != < >."""

    key: str
    target: str
    op: str
    operand: object


@dataclass
class _Watcher:
    id: int
    key: str
    range_end: str | None
    prefix: bool
    callback: Callable[[WatchEvent], None]


def prefix_end(prefix: str) -> str:
    """The range end that selects every key starting with ``prefix`` (clientv3.GetPrefixRangeEnd)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class MVCCStore:
    """The store: current key index, a revision history, and synchronous watchers."""

    def __init__(self) -> None:
        self.revision = 0
        self.compact_revision = 0
        self._kv: dict[str, KeyValue] = {}
        self._keys: list[str] = []  # sorted current keys, for range/prefix queries
        self._history: list[WatchEvent] = []  # every write in revision order
        self._watchers: dict[int, _Watcher] = {}
        self._next_watch = 1

    # ---------------------------------------------------------------- reads
    def get(self, key: str) -> KeyValue | None:
        """The current value of ``key`` or None."""
        return self._kv.get(key)

    def range(self, key: str, range_end: str | None = None, *, limit: int = 0, revision: int = 0,
              count_only: bool = False) -> tuple[list[KeyValue], int, int]:
        """Keys in ``[key, range_end)`` (or exactly ``key`` when range_end is None) at ``revision``.

        Returns ``(kvs, count, header_revision)``; with ``count_only`` kvs is empty.
        """
        if revision and revision > self.revision:
            raise FutureRevisionError()
        if revision and revision < self.compact_revision:
            raise CompactedError()
        if not revision or revision == self.revision:
            if range_end is None:
                kv = self._kv.get(key)
                kvs = [kv] if kv else []
            else:
                lo = bisect.bisect_left(self._keys, key)
                hi = bisect.bisect_left(self._keys, range_end) if range_end != "\0" else len(self._keys)
                kvs = [self._kv[k] for k in self._keys[lo:hi]]
        else:
            kvs = self._range_at(key, range_end, revision)
        count = len(kvs)
        if count_only:
            return [], count, self.revision
        if limit:
            kvs = kvs[:limit]
        return kvs, count, self.revision

    def _range_at(self, key: str, range_end: str | None, revision: int) -> list[KeyValue]:
        state: dict[str, KeyValue] = {}
        for ev in self._history:
            if ev.kv.mod_revision > revision:
                break
            k = ev.kv.key
            if not _in_range(k, key, range_end):
                continue
            if ev.type == "PUT":
                state[k] = ev.kv
            else:
                state.pop(k, None)
        return [state[k] for k in sorted(state)]

    # ---------------------------------------------------------------- writes
    def put(self, key: str, value: bytes, lease: int = 0) -> KeyValue:
        """Write ``key``; returns the new KeyValue."""
        self.revision += 1
        prev = self._kv.get(key)
        if prev is None:
            kv = KeyValue(key, value, self.revision, self.revision, 1, lease)
            bisect.insort(self._keys, key)
        else:
            kv = KeyValue(key, value, prev.create_revision, self.revision, prev.version + 1, lease)
        self._kv[key] = kv
        self._emit(WatchEvent("PUT", kv, prev))
        return kv

    def delete(self, key: str) -> KeyValue | None:
        """Delete ``key``; returns the deleted KeyValue or None when absent (no revision used)."""
        prev = self._kv.pop(key, None)
        if prev is None:
            return None
        self.revision += 1
        i = bisect.bisect_left(self._keys, key)
        del self._keys[i]
        tomb = KeyValue(key, b"", 0, self.revision, 0, 0)
        self._emit(WatchEvent("DELETE", tomb, prev))
        return prev

    def txn(self, compares: Iterable[Compare], success: Iterable[tuple], failure: Iterable[tuple] = ()) -> tuple[bool, list]:
        """etcd Txn: if every compare holds run ``success`` ops else ``failure`` ops.

        Ops are ``("put", key, value)``, ``("delete", key)`` or ``("get", key)``.
        Returns ``(succeeded, results)``.
        """
        ok = all(self._compare(c) for c in compares)
        results = []
        for op in (success if ok else failure):
            if op[0] == "put":
                results.append(self.put(op[1], op[2]))
            elif op[0] == "delete":
                results.append(self.delete(op[1]))
            elif op[0] == "get":
                results.append(self._kv.get(op[1]))
            else:
                raise ValueError(f"unknown txn op {op[0]!r}")
        return ok, results

    def _compare(self, c: Compare) -> bool:
        kv = self._kv.get(c.key)
        if c.target == "value":
            actual: object = kv.value if kv else None
        elif c.target == "version":
            actual = kv.version if kv else 0
        elif c.target == "create":
            actual = kv.create_revision if kv else 0
        elif c.target == "mod":
            actual = kv.mod_revision if kv else 0
        else:
            raise ValueError(f"unknown compare target {c.target!r}")
        if c.op == "=":
            return actual == c.operand
        if c.op == "!=":
            return actual != c.operand
        if actual is None:
            return False
        if c.op == "<":
            return actual < c.operand  # type: ignore[operator]
        if c.op == ">":
            return actual > c.operand  # type: ignore[operator]
        raise ValueError(f"unknown compare op {c.op!r}")

    def compact(self, revision: int) -> None:
        """Drop history before ``revision``; older reads and watches then fail with CompactedError."""
        if revision <= self.compact_revision:
            raise CompactedError()
        if revision > self.revision:
            raise FutureRevisionError()
        i = bisect.bisect_left(self._history, revision, key=_event_revision)
        del self._history[:i]
        self.compact_revision = revision

    # ---------------------------------------------------------------- watch
    def watch(self, key: str, callback: Callable[[WatchEvent], None], *, range_end: str | None = None,
              start_revision: int = 0) -> int:
        """Watch ``key`` (or ``[key, range_end)``); events since ``start_revision`` are replayed first.

        The callback runs synchronously inside the write that caused it; the API server
        decides when its own clients hear about it.
        """
        if start_revision and start_revision <= self.compact_revision:
            raise CompactedError()
        wid = self._next_watch
        self._next_watch += 1
        w = _Watcher(wid, key, range_end, False, callback)
        if start_revision:
            for ev in self.history_since(start_revision):
                if _in_range(ev.kv.key, key, range_end):
                    callback(ev)
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

    def _emit(self, ev: WatchEvent) -> None:
        self._history.append(ev)
        for w in list(self._watchers.values()):
            if _in_range(ev.kv.key, w.key, w.range_end):
                w.callback(ev)

    # ---------------------------------------------------------------- info
    def keys(self, prefix: str = "") -> list[str]:
        """Current keys under ``prefix``, sorted."""
        if not prefix:
            return list(self._keys)
        lo = bisect.bisect_left(self._keys, prefix)
        hi = bisect.bisect_left(self._keys, prefix_end(prefix))
        return self._keys[lo:hi]

    def __len__(self) -> int:
        return len(self._kv)


def _in_range(k: str, key: str, range_end: str | None) -> bool:
    if range_end is None:
        return k == key
    if range_end == "\0":
        return k >= key
    return key <= k < range_end


def _event_revision(ev: WatchEvent) -> int:
    return ev.kv.mod_revision
