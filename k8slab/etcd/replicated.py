"""etcd replicated by Raft: a drop-in for :class:`~k8slab.etcd.mvcc.MVCCStore` as the API server uses it.

upstream: etcd-io/etcd server/etcdserver/server.go (a write is proposed to Raft and
answered once the entry is committed and applied: ``processInternalRaftRequestOnce``),
server/etcdserver/apply (every member applies the committed log to its own MVCC store),
server/etcdserver/errors/errors.go (``etcdserver: request timed out``), and
kube-apiserver's watch cache (staging/src/k8s.io/apiserver/pkg/storage/cacher), which
serves most reads and every watch from etcd's watch stream.

Each member of a :class:`~k8slab.etcd.raft_network.RaftNetwork` keeps its own
:class:`MVCCStore` as its state machine and applies committed entries to it in log order
(put, delete, delete_range, txn, compact and lease operations are deterministic, so every
member's store ends up identical). The network runs on the cluster's kernel: Raft ticks
(100 ms), heartbeats, elections and failure detection are ordinary kernel events on the
cluster's virtual clock.

**Writes** are synchronous, because the API server's calls are: the write is proposed at
the leader and the Raft messages it causes are delivered at once among the running,
connected members (no message loss, no latency) until the entry is committed and applied
at the leader. *Replication latency is therefore not charged to the cluster's clock;
elections, heartbeats and failure detection are.* With no leader, or a leader that cannot
reach a quorum of running members over the current links, the write fails fast with
:class:`~k8slab.etcd.errors.EtcdTimeoutError` (``etcdserver: request timed out``) and
nothing is proposed, so the store is unchanged (etcd would wait for its request timeout
of 7 s; k8slab answers at once). The drop rate applies to the asynchronous traffic
(ticks, heartbeats, elections), not to this synchronous flush.

**Reads and watches** are served from a *view*: one more MVCCStore that applies the
committed stream in order, exactly once per index, whichever member applies it first (as
kube-apiserver serves reads from its watch cache fed by etcd's watch). So watchers see
each committed write exactly once, across leader changes. Reads are not linearizable
ReadIndex reads; they keep being served while etcd has no quorum (the watch cache keeps
its last state). Lease expiry (:meth:`ReplicatedStore.expire_leases`) is decided on the
view and revoked through Raft, as etcd's leader alone revokes expired leases.

Faults: :meth:`stop_member`, :meth:`start_member`, :meth:`partition`, :meth:`heal`,
:meth:`drop`; inspection: :attr:`leader`, :attr:`members`, :attr:`leader_history`,
:attr:`network` (the RaftNetwork, with its messages in flight).
"""

from __future__ import annotations

import itertools
from collections import deque
from typing import Any, Callable, Iterable, Sequence

from k8slab.sim.kernel import Kernel
from k8slab.sim.rng import RngTree

from .errors import CompactedError, EtcdError, EtcdTimeoutError
from .lease import REVOKE_LIMIT
from .mvcc import Compare, KeyValue, MVCCStore, WatchEvent
from .raft import Entry, Message, MsgBeat, ProposalDroppedError
from .raft_network import RaftMember, RaftNetwork

__all__ = ["ReplicatedStore", "MVCCStateMachine", "SingleMemberEtcd", "EtcdTimeoutError"]

#: MVCCStore methods that change the store and so go through the Raft log
WRITE_METHODS = frozenset({"put", "delete", "delete_range", "txn", "compact", "lease_grant",
                           "lease_keepalive", "lease_revoke"})


def apply_op(store: MVCCStore, data: Any) -> tuple[str, Any] | None:
    """Apply one committed entry's data to ``store``: ``("ok", result)``, ``("err", error)``,
    or None for an entry that is not a store operation (a new leader's empty entry)."""
    if not isinstance(data, dict) or data.get("op") != "mvcc":
        return None
    method = data["method"]
    if method not in WRITE_METHODS:
        return ("err", EtcdError(f"unknown store operation {method!r}"))
    try:
        return ("ok", getattr(store, method)(*data["args"], **data["kwargs"]))
    except EtcdError as e:  # the same on every member: a failed compare-less request changes nothing
        return ("err", e)


class MVCCStateMachine:
    """One member's state machine: its own MVCC store, fed the committed log in order.

    ``on_apply(entry)`` is called after each entry is applied (the replicated store uses it
    to feed its view). Has the interface RaftNetwork expects (``apply``, ``applied_index``,
    ``get``).
    """

    def __init__(self, clock: Callable[[], float], on_apply: Callable[[Entry], None] | None = None) -> None:
        self.store = MVCCStore(clock=clock)
        self.applied_index = 0
        self._on_apply = on_apply

    def apply(self, entry: Entry) -> Any:
        if entry.index != self.applied_index + 1:
            raise AssertionError(f"applying entry {entry.index} after {self.applied_index}")
        self.applied_index = entry.index
        out = apply_op(self.store, entry.data)
        if self._on_apply is not None:
            self._on_apply(entry)
        return out

    def get(self, key: Any) -> Any:
        kv = self.store.get(key)
        return kv.value if kv is not None else None


class _StoreRaftNetwork(RaftNetwork):
    """A RaftNetwork that can also deliver messages synchronously (for the store's writes),
    and that remembers each leader it saw elected, in order."""

    _sync_queue: deque | None = None

    def __init__(self, *a: Any, on_leader: Callable[[str, int], None] | None = None, **kw: Any) -> None:
        self._on_leader = on_leader
        super().__init__(*a, **kw)

    def _send(self, msg: Message) -> None:
        if self._sync_queue is None:
            return super()._send(msg)
        self.messages_sent += 1
        dst = self.members.get(msg.to)
        if dst is None or not self.connected(msg.from_, msg.to) or not dst.running:
            self.messages_dropped += 1
            return
        self._sync_queue.append(msg)

    def propose_sync(self, name: str, data: Any) -> None:
        """Propose ``data`` at ``name`` and deliver every message it causes at once, among the
        running and connected members, until none is left (no latency, no loss)."""
        self._sync(lambda: self.propose(name, data))

    def heartbeat_sync(self, name: str) -> None:
        """Have leader ``name`` send a heartbeat round now (a local MsgBeat, as its heartbeat
        tick does) and deliver what follows at once: a follower whose replication was paused
        (a probe still in flight on the asynchronous network) answers, and is sent the entries."""
        m = self._running(name)

        def beat() -> None:
            m.node._step(Message(MsgBeat, from_=name))
            self._process(m)
        self._sync(beat)

    def _sync(self, start: Callable[[], None], max_messages: int = 100_000) -> None:
        assert self._sync_queue is None, "synchronous delivery is not reentrant"
        q: deque = deque()
        self._sync_queue = q
        try:
            start()
            n = 0
            while q:
                msg = q.popleft()
                dst = self.members.get(msg.to)
                if dst is None or not dst.running or not self.connected(msg.from_, msg.to):
                    self.messages_dropped += 1
                    continue
                self.messages_delivered += 1
                dst.node.step(msg)
                self._process(dst)
                n += 1
                if n >= max_messages:  # pragma: no cover - Raft's exchange for one entry is finite
                    raise RuntimeError(f"synchronous delivery still has {len(q)} messages after {n}")
        finally:
            self._sync_queue = None

    def _observe_leader(self, m: RaftMember) -> None:
        super()._observe_leader(m)
        if self._on_leader is not None:
            self._on_leader(m.name, m.node.term)


class ReplicatedStore:
    """The cluster's etcd as ``members`` Raft members, each with its own MVCC store.

    ``kernel`` is the cluster's kernel (ticks and messages are its events) and ``rng`` a
    child of the cluster's RngTree. ``trace`` (optional) receives a record for every fault
    and every new leader. Construction runs the kernel until the first leader is elected
    (about one election timeout of virtual time).
    """

    def __init__(self, members: int | Sequence[str] = 3, *, kernel: Kernel, rng: RngTree,
                 clock: Callable[[], float] | None = None, trace: Any = None,
                 latency: tuple[float, float] = (0.005, 0.015), elect: bool = True) -> None:
        self.kernel = kernel
        self._clock = clock if clock is not None else (lambda: kernel.now)
        self.trace = trace
        self.view = MVCCStore(clock=self._now)
        self._view_index = 0
        self._awaiting: str | None = None
        self._result: tuple[str, Any] | None = None
        self._req_ids = itertools.count(1)
        self.leader_history: list[tuple[float, int, str]] = []
        self.network = _StoreRaftNetwork(members, kernel=kernel, rng=rng, latency=latency,
                                         state_machine=self._new_state_machine, on_leader=self._on_leader)
        if elect:
            self.network.run_until_leader()

    # ------------------------------------------------------------------ plumbing
    def _now(self) -> float:
        return float(self._clock())

    def _new_state_machine(self) -> MVCCStateMachine:
        return MVCCStateMachine(self._now, self._on_member_apply)

    def _on_member_apply(self, entry: Entry) -> None:
        """Feed the view: each committed index once, in order, the first time a member applies it."""
        if entry.index != self._view_index + 1:
            return  # already applied (another member got there first, or a restarted member replays)
        self._view_index = entry.index
        out = apply_op(self.view, entry.data)
        d = entry.data
        if out is not None and self._awaiting is not None and d.get("id") == self._awaiting:
            self._result = out

    def _on_leader(self, name: str, term: int) -> None:
        self.leader_history.append((self.kernel.now, term, name))
        self._record("elected leader", name, f"term {term}")

    def _record(self, verb: str, name: str, detail: str = "") -> None:
        if self.trace is not None and getattr(self.trace, "enabled", True):
            from k8slab.sim.trace import TraceRecord

            self.trace.add(TraceRecord(self.kernel.now, "etcd", name, verb, "member", name, "", detail))

    def _has_quorum(self, lead: str) -> bool:
        net = self.network
        reach = sum(1 for n in net.names
                    if net.members[n].running and (n == lead or net.connected(lead, n)))
        return reach >= len(net.names) // 2 + 1

    def _write(self, method: str, *args: Any, **kwargs: Any) -> Any:
        net = self.network
        lead = net.leader
        if lead is None or not self._has_quorum(lead):
            raise EtcdTimeoutError()
        rid = f"mvcc-{next(self._req_ids)}"
        self._awaiting, self._result = rid, None
        try:
            net.propose_sync(lead, {"op": "mvcc", "id": rid, "method": method, "args": args, "kwargs": kwargs})
            for _ in range(3):  # a follower still probing: a heartbeat round gets it the entry
                if self._result is not None or net.leader != lead:
                    break
                net.heartbeat_sync(lead)
        except ProposalDroppedError:
            raise EtcdTimeoutError() from None
        finally:
            self._awaiting = None
        out, self._result = self._result, None
        if out is None:  # not committed (cannot happen with a quorum reachable; kept for etcd's meaning)
            raise EtcdTimeoutError()
        kind, value = out
        if kind == "err":
            raise value
        return value

    # ------------------------------------------------------------------ writes (through Raft)
    def put(self, key: str, value: bytes, lease: int = 0) -> KeyValue:
        return self._write("put", key, value, lease)

    def delete(self, key: str) -> KeyValue | None:
        return self._write("delete", key)

    def delete_range(self, key: str, range_end: str | None = None, *, prefix: bool = False) -> list[KeyValue]:
        return self._write("delete_range", key, range_end, prefix=prefix)

    def txn(self, compares: Iterable[Compare], success: Iterable[tuple], failure: Iterable[tuple] = ()) -> tuple[bool, list]:
        return self._write("txn", tuple(compares), tuple(success), tuple(failure))

    def compact(self, revision: int) -> None:
        if revision <= self.view.compact_revision:
            raise CompactedError()
        return self._write("compact", revision)

    def lease_grant(self, ttl: int, id: int = 0) -> int:
        return self._write("lease_grant", ttl, id)

    def lease_keepalive(self, id: int) -> int:
        return self._write("lease_keepalive", id)

    def lease_revoke(self, id: int) -> None:
        return self._write("lease_revoke", id)

    def expire_leases(self, now: float | None = None, limit: int = REVOKE_LIMIT) -> list[int]:
        """Revoke, through Raft, every lease the view sees expired (as etcd's leader's lessor does)."""
        t = self._now() if now is None else float(now)
        ids = self.view.lessor.expired(t, limit)
        for lid in ids:
            self.lease_revoke(lid)
        return ids

    # ------------------------------------------------------------------ reads and watches (the view)
    def get(self, key: str) -> KeyValue | None:
        return self.view.get(key)

    def range(self, key: str, range_end: str | None = None, **kw: Any) -> tuple[list[KeyValue], int, int]:
        return self.view.range(key, range_end, **kw)

    def keys(self, prefix: str = "") -> list[str]:
        return self.view.keys(prefix)

    def __len__(self) -> int:
        return len(self.view)

    @property
    def revision(self) -> int:
        return self.view.revision

    @property
    def compact_revision(self) -> int:
        return self.view.compact_revision

    def watch(self, key: str, callback: Callable[[WatchEvent], None], **kw: Any) -> int:
        return self.view.watch(key, callback, **kw)

    def cancel_watch(self, wid: int) -> None:
        self.view.cancel_watch(wid)

    def history_since(self, revision: int) -> list[WatchEvent]:
        return self.view.history_since(revision)

    def lease_time_to_live(self, id: int, keys: bool = False):
        return self.view.lease_time_to_live(id, keys)

    def leases(self) -> list[int]:
        return self.view.leases()

    def lease(self, id: int):
        return self.view.lease(id)

    def next_lease_expiry(self) -> float | None:
        return self.view.next_lease_expiry()

    def export_state(self) -> dict:
        return self.view.export_state()

    def set_clock(self, clock: Callable[[], float]) -> None:
        self._clock = clock

    def member_store(self, name: str) -> MVCCStore:
        """The MVCC store of member ``name`` (its state machine); ValueError if it is stopped."""
        return self.network.state_machine_of(name).store

    # ------------------------------------------------------------------ faults and inspection
    @property
    def names(self) -> tuple[str, ...]:
        return self.network.names

    @property
    def leader(self) -> str | None:
        """The current leader (the running leader at the highest term), or None."""
        return self.network.leader

    @property
    def has_quorum(self) -> bool:
        """Whether a write would be accepted now (a leader that reaches a quorum)."""
        lead = self.network.leader
        return lead is not None and self._has_quorum(lead)

    def member_rows(self) -> list[dict]:
        """One dict per member: name, running, role, term, log length, commit and applied index, leader."""
        rows = []
        for s in self.network.summary():
            rows.append({"name": s.name, "running": s.running, "role": s.role, "term": s.term,
                         "log": s.log_length, "commit": s.commit, "applied": s.applied,
                         "leader": s.leader if s.running else None})
        return rows

    @property
    def members(self):
        """A DataFrame, one row per member (see :meth:`member_rows`)."""
        import pandas as pd

        return pd.DataFrame(self.member_rows()).set_index("name")

    def stop_member(self, name: str) -> None:
        """Crash member ``name``: it keeps its log on disk and loses the rest."""
        self.network.stop(name)
        self._record("stop", name)

    def start_member(self, name: str) -> None:
        """Restart member ``name`` from its log; it catches up from the leader."""
        self.network.start(name)
        self._record("start", name)

    def partition(self, *groups: Iterable[str]) -> None:
        """Split the members into groups that only talk within themselves (replaces earlier cuts)."""
        groups = tuple(list(g) for g in groups)
        self.network.partition(*groups)
        self._record("partition", "etcd", " | ".join(",".join(g) for g in groups))

    def heal(self) -> None:
        """Reconnect every link and stop dropping messages."""
        self.network.heal()
        self._record("heal", "etcd")

    def drop(self, rate: float) -> None:
        """Lose each asynchronous Raft message with probability ``rate``."""
        self.network.drop(rate)
        self._record("drop", "etcd", f"rate {rate}")


class SingleMemberEtcd:
    """``cluster.etcd`` for a cluster with one etcd member (no Raft): inspection works, faults
    raise a clear ValueError."""

    def __init__(self, store: Any, name: str = "etcd-0") -> None:
        self.store = store
        self.name = name
        self.names = (name,)
        self.network = None
        self.leader_history: list[tuple[float, int, str]] = []

    @property
    def leader(self) -> str:
        return self.name

    @property
    def has_quorum(self) -> bool:
        return True

    def member_rows(self) -> list[dict]:
        return [{"name": self.name, "running": True, "role": "leader", "term": None, "log": None,
                 "commit": None, "applied": None, "leader": self.name}]

    @property
    def members(self):
        import pandas as pd

        return pd.DataFrame(self.member_rows()).set_index("name")

    def _single(self, *_a: Any, **_kw: Any) -> None:
        raise ValueError("the cluster has a single etcd member (no Raft to fault); "
                         "create it with Cluster(etcd_members=3) or 5")

    stop_member = start_member = partition = heal = drop = _single
