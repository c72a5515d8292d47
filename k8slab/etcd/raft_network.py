"""A deterministic network of Raft members for tests, the chapter and the replicated store.

upstream: etcd-io/raft rafttest/network.go and raft_test.go's ``network`` (``cut``,
``isolate``, ``drop``, ``recover``), raftexample's ready loop (persist, send, apply,
advance), and etcd's client behaviour for requests (``etcdserver: request timed out``).

Every member runs a :class:`~k8slab.etcd.raft.RaftNode`, a :class:`~k8slab.etcd.raft.MemoryStorage`
(its "disk") and a state machine (:class:`KVStateMachine`, a dict with put/get). Messages
travel on the virtual clock of a :class:`~k8slab.sim.kernel.Kernel` with a latency drawn
from a seeded random stream, so the same seed gives the same run. Members tick every
``tick_interval`` virtual seconds (100 ms, as etcd) when ``auto_tick`` is on; tests that
drive time by hand turn it off and call :meth:`RaftNetwork.tick_all` and
:meth:`RaftNetwork.stabilize`.

Faults: :meth:`~RaftNetwork.cut`, :meth:`~RaftNetwork.isolate`,
:meth:`~RaftNetwork.partition`, :meth:`~RaftNetwork.heal`, :meth:`~RaftNetwork.drop`
(message loss), :meth:`~RaftNetwork.stop` (a crash: the member keeps what it persisted
-- its log and hard state -- and loses everything else, including its state machine,
which is rebuilt by re-applying the committed log on :meth:`~RaftNetwork.start`).
Messages already on the wire when a link is cut, or addressed to a stopped member, are
lost. Each member processes its ``Ready`` synchronously right after every input, so
nothing acknowledged is ever only in memory when a crash happens.

The network also watches the Raft safety properties as it runs and records any breach
in :attr:`RaftNetwork.violations`: at most one leader per term (:attr:`leaders_by_term`),
every new leader's log holds every entry committed so far (leader completeness), and
every member applies the same entry at each index (state machine safety).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from k8slab.sim.kernel import Kernel, Timer
from k8slab.sim.rng import RngTree

from .raft import (Entry, MemoryStorage, Message, ProposalDroppedError, RaftNode, StateLeader)

__all__ = ["RaftNetwork", "RaftMember", "KVStateMachine", "ClientOp", "MemberStatus", "InFlight",
           "ERR_TIMEOUT", "ERR_PROPOSAL_DROPPED", "ERR_MEMBER_STOPPED"]

# upstream: etcd server/etcdserver/errors/errors.go and raft.ErrProposalDropped
ERR_TIMEOUT = "etcdserver: request timed out"
ERR_PROPOSAL_DROPPED = "raft proposal dropped"
ERR_MEMBER_STOPPED = "etcdserver: server stopped"


class KVStateMachine:
    """A member's state machine: a dict of key -> value, fed the committed log in order.

    Entries whose ``data`` is ``{"op": "put", "key": k, "value": v, ...}`` set a key;
    anything else (the empty entry a new leader appends, or other data) changes nothing.
    ``applied`` lists every applied entry as (index, term, data), in order.
    """

    def __init__(self) -> None:
        self.kv: dict[Any, Any] = {}
        self.applied_index = 0
        self.applied: list[tuple[int, int, Any]] = []

    def apply(self, entry: Entry) -> Any:
        if entry.index != self.applied_index + 1:
            raise AssertionError(f"applying entry {entry.index} after {self.applied_index}")
        self.applied_index = entry.index
        self.applied.append((entry.index, entry.term, entry.data))
        d = entry.data
        if isinstance(d, dict) and d.get("op") == "put":
            self.kv[d["key"]] = d["value"]
        return None

    def get(self, key: Any) -> Any:
        return self.kv.get(key)


@dataclass
class ClientOp:
    """One client request and what became of it.

    ``outcome`` is None while pending, ``"ok"`` when answered, ``"failed"`` when it
    certainly had no effect (proposal dropped, member stopped before it was sent), and
    ``"unknown"`` when the client gave up (timeout, or the member crashed) -- a put may or
    may not have been applied. ``value`` is the value written (put) or read (get);
    ``result`` what the state machine returned (a request) or the read function (a read).
    """

    id: int
    kind: str  # "put" or "get"
    key: Any
    value: Any
    via: str
    invoke: float
    response: float | None = None
    outcome: str | None = None
    error: str | None = None
    result: Any = None
    on_done: Callable[["ClientOp"], None] | None = field(default=None, repr=False)
    _timer: Timer | None = field(default=None, repr=False)
    _read: Callable[[Any], Any] | None = field(default=None, repr=False)

    @property
    def done(self) -> bool:
        return self.outcome is not None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


@dataclass(frozen=True)
class MemberStatus:
    """One member as the chapter draws it (RaftScope-style)."""

    name: str
    running: bool
    role: str
    term: int
    vote: Any
    leader: Any
    log_length: int
    commit: int
    applied: int
    log: tuple  # of Entry

    @property
    def last_term(self) -> int:
        return self.log[-1].term if self.log else 0


@dataclass(frozen=True)
class InFlight:
    """A message on the wire: sent at ``sent``, due at ``deliver_at``."""

    seq: int
    message: Message
    sent: float
    deliver_at: float

    @property
    def src(self) -> Any:
        return self.message.from_

    @property
    def dst(self) -> Any:
        return self.message.to


class RaftMember:
    """One etcd member of a :class:`RaftNetwork`: its node, its disk and its state machine."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.storage = MemoryStorage()
        self.node: RaftNode | None = None
        self.sm: KVStateMachine | None = None
        self.running = False
        self.incarnation = 0
        self.tick_timer: Timer | None = None
        self.pending_requests: dict[str, ClientOp] = {}
        self.pending_reads: dict[str, ClientOp] = {}
        self.reads_waiting_apply: list[tuple[int, ClientOp]] = []

    def status(self) -> MemberStatus:
        n = self.node
        if n is None:
            ents = tuple(self.storage.entries)
            hs = self.storage.hard_state
            return MemberStatus(self.name, False, "stopped", hs.term, hs.vote, None, len(ents),
                                hs.commit, 0, ents)
        return MemberStatus(self.name, self.running, n.role, n.term, n.vote, n.lead,
                            n.last_index, n.commit, n.applied, n.entries)


class RaftNetwork:
    """Members by name, exchanging Raft messages over a simulated network on a virtual clock.

    ``members`` is a count (names ``etcd-0``, ``etcd-1``, ...) or a list of names.
    ``latency`` is the (min, max) one-way delay in seconds, drawn uniformly per message
    from the seeded stream, so messages can overtake each other as on a real network.
    Pass ``kernel`` and ``rng`` to share a cluster's clock and random tree.
    """

    def __init__(self, members: int | Sequence[str] = 3, *, seed: int | str = 0, rng: RngTree | None = None,
                 kernel: Kernel | None = None, latency: tuple[float, float] = (0.005, 0.015),
                 tick_interval: float = 0.1, election_tick: int = 10, heartbeat_tick: int = 1,
                 pre_vote: bool = True, check_quorum: bool = True, auto_tick: bool = True,
                 request_timeout: float = 7.0,
                 state_machine: Callable[[], KVStateMachine] = KVStateMachine) -> None:
        names = [f"etcd-{i}" for i in range(members)] if isinstance(members, int) else list(members)
        if not names:
            raise ValueError("a Raft network needs at least one member")
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate member names in {names}")
        lo, hi = latency
        if lo < 0 or hi < lo:
            raise ValueError(f"latency must be 0 <= min <= max, got {latency}")
        if tick_interval <= 0:
            raise ValueError(f"tick interval must be greater than 0, got {tick_interval}")
        self.kernel = kernel if kernel is not None else Kernel()
        self.rng = rng if rng is not None else RngTree(seed)
        self._net_rng = self.rng.stream("etcd-raft/network")
        self.latency = (lo, hi)
        self.tick_interval = tick_interval
        self.election_tick = election_tick
        self.heartbeat_tick = heartbeat_tick
        self.pre_vote = pre_vote
        self.check_quorum = check_quorum
        self.auto_tick = auto_tick
        # etcd: ReqTimeout() = 5s + 2 * election timeout (1s) = 7s
        self.request_timeout = request_timeout
        self.state_machine = state_machine
        self.names: tuple[str, ...] = tuple(names)
        self.members: dict[str, RaftMember] = {n: RaftMember(n) for n in names}
        self._cut: set[frozenset] = set()
        self.drop_rate = 0.0
        self._seq = itertools.count(1)
        self._in_flight: dict[int, InFlight] = {}
        self._op_ids = itertools.count(1)
        self.history: list[ClientOp] = []
        self.messages_sent = 0
        self.messages_dropped = 0
        self.messages_delivered = 0
        # safety observations
        self.leaders_by_term: dict[int, set[str]] = {}
        self.committed: dict[int, Entry] = {}
        self.violations: list[str] = []
        for n in names:
            self.start(n)

    # ------------------------------------------------------------------ inspection
    @property
    def now(self) -> float:
        return self.kernel.now

    def node(self, name: str) -> RaftNode:
        m = self._member(name)
        if m.node is None:
            raise ValueError(f"member {name} is stopped")
        return m.node

    def state_machine_of(self, name: str) -> KVStateMachine:
        m = self._member(name)
        if m.sm is None:
            raise ValueError(f"member {name} is stopped")
        return m.sm

    @property
    def leader(self) -> str | None:
        """The running member that is leader at the highest term, or None."""
        best = None
        for m in self.members.values():
            if m.running and m.node.state == StateLeader:
                if best is None or m.node.term > best.node.term:
                    best = m
        return best.name if best else None

    def summary(self) -> list[MemberStatus]:
        """Role, term, log length, commit and applied index and known leader of every member."""
        return [self.members[n].status() for n in self.names]

    def in_flight(self) -> list[InFlight]:
        """The messages on the wire, by delivery time."""
        return sorted(self._in_flight.values(), key=lambda f: (f.deliver_at, f.seq))

    def converged(self) -> bool:
        """One leader; every member running with the leader's log, all of it committed and applied."""
        lead = self.leader
        if lead is None:
            return False
        ln = self.members[lead].node
        if ln.commit != ln.last_index:
            return False
        for m in self.members.values():
            if not m.running:
                return False
            n = m.node
            if n.entries != ln.entries or n.commit != ln.commit or n.applied != ln.commit:
                return False
            if n.term != ln.term or n.lead != lead:
                return False
        return True

    # ------------------------------------------------------------------ time
    def tick_all(self) -> None:
        """Tick every running member once (in name order)."""
        for n in self.names:
            m = self.members[n]
            if m.running:
                m.node.tick()
                self._process(m)

    def tick(self, name: str) -> None:
        m = self._running(name)
        m.node.tick()
        self._process(m)

    def stabilize(self, max_events: int = 1_000_000) -> int:
        """Run the clock until no message is in flight; returns the number of events run."""
        n = 0
        while self._in_flight:
            if self.kernel.step() is None:
                break
            n += 1
            if n >= max_events:
                raise RuntimeError(f"stabilize: still {len(self._in_flight)} messages in flight after {n} events")
        return n

    def run(self, seconds: float) -> None:
        """Advance the clock ``seconds``, processing every event due (ticks, deliveries, timeouts)."""
        self.kernel.run_until(round(self.kernel.now + seconds, 9))

    def run_until_leader(self, timeout: float = 30.0) -> str:
        """Run until some member is leader; its name. Raises TimeoutError otherwise."""
        end = self.kernel.now + timeout
        while self.leader is None:
            if self.kernel.now >= end:
                raise TimeoutError(f"no leader elected within {timeout}s")
            self.run(min(self.tick_interval, end - self.kernel.now))
        return self.leader

    def run_until_converged(self, timeout: float = 60.0) -> None:
        end = self.kernel.now + timeout
        while not self.converged():
            if self.kernel.now >= end:
                raise TimeoutError(f"members did not converge within {timeout}s: {self.summary()}")
            self.run(min(self.tick_interval, end - self.kernel.now))

    # ------------------------------------------------------------------ faults
    def cut(self, a: str, b: str) -> None:
        """Cut the link between ``a`` and ``b`` both ways."""
        self._member(a), self._member(b)
        if a != b:
            self._cut.add(frozenset((a, b)))

    def isolate(self, a: str) -> None:
        """Cut ``a`` off from every other member."""
        for b in self.names:
            if b != a:
                self.cut(a, b)

    def partition(self, *groups: Iterable[str]) -> None:
        """Split the members into groups that can talk only within themselves; members left
        out of every group form one more group together. Replaces any earlier cuts."""
        gs = [list(g) for g in groups]
        seen: set[str] = set()
        for g in gs:
            for n in g:
                self._member(n)
                if n in seen:
                    raise ValueError(f"member {n} is in more than one group")
                seen.add(n)
        rest = [n for n in self.names if n not in seen]
        if rest:
            gs.append(rest)
        self._cut = set()
        for i, g in enumerate(gs):
            for h in gs[i + 1:]:
                for a in g:
                    for b in h:
                        self._cut.add(frozenset((a, b)))

    def heal(self) -> None:
        """Reconnect every link and stop dropping messages."""
        self._cut = set()
        self.drop_rate = 0.0

    def drop(self, rate: float) -> None:
        """Lose each message with probability ``rate`` (0 <= rate <= 1)."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"drop rate must be between 0 and 1, got {rate}")
        self.drop_rate = float(rate)

    def connected(self, a: str, b: str) -> bool:
        return not self._cut or frozenset((a, b)) not in self._cut

    def stop(self, name: str) -> None:
        """Crash ``name``: keep its persisted log and hard state, lose everything else."""
        m = self._member(name)
        if not m.running:
            return
        m.running = False
        if m.tick_timer is not None:
            m.tick_timer.cancel()
            m.tick_timer = None
        m.node = None
        m.sm = None
        pending = list(m.pending_requests.values()) + list(m.pending_reads.values()) + [op for _, op in m.reads_waiting_apply]
        m.pending_requests.clear()
        m.pending_reads.clear()
        m.reads_waiting_apply.clear()
        for op in pending:
            self._finish(op, "unknown", error=ERR_MEMBER_STOPPED)

    def start(self, name: str) -> None:
        """(Re)start ``name`` from what it persisted; its state machine re-applies the committed log."""
        m = self._member(name)
        if m.running:
            return
        m.incarnation += 1
        rng = self.rng.stream(f"etcd-raft/{name}/{m.incarnation}")
        m.node = RaftNode(name, self.names, election_tick=self.election_tick,
                          heartbeat_tick=self.heartbeat_tick, rng=rng, storage=m.storage,
                          pre_vote=self.pre_vote, check_quorum=self.check_quorum)
        m.sm = self.state_machine()
        m.running = True
        if self.auto_tick:
            phase = rng.uniform(0, self.tick_interval)
            m.tick_timer = self.kernel.call_later(phase, self._on_tick, m, m.incarnation,
                                                  source=name, what="raft tick")
        self._process(m)

    # ------------------------------------------------------------------ client requests
    def propose(self, name: str, data: Any) -> None:
        """Propose ``data`` at member ``name`` (raises ProposalDroppedError as the node does)."""
        m = self._running(name)
        try:
            m.node.propose(data)
        finally:
            self._process(m)

    def request(self, command: dict, via: str | None = None, *, timeout: float | None = None,
                on_done: Callable[[ClientOp], None] | None = None) -> ClientOp:
        """A client's write: propose ``command`` (a dict; an ``"id"`` is added) through member
        ``via`` (default: the leader, else the first running member). It succeeds once
        ``via`` has applied it; ``op.result`` is what the state machine's ``apply`` returned.
        ``on_done(op)`` runs as its own kernel event when the outcome is known."""
        via = self._pick(via)
        op = ClientOp(next(self._op_ids), str(command.get("op", "request")), command.get("key"),
                      command.get("value"), via, self.kernel.now, on_done=on_done)
        self.history.append(op)
        m = self.members[via]
        if not m.running:
            self._finish(op, "failed", error=ERR_MEMBER_STOPPED)
            return op
        rid = f"req-{op.id}"
        try:
            m.node.propose(dict(command, id=rid))
        except ProposalDroppedError:
            self._finish(op, "failed", error=ERR_PROPOSAL_DROPPED)
            self._process(m)
            return op
        m.pending_requests[rid] = op
        self._arm_timeout(op, timeout)
        self._process(m)
        return op

    def put(self, key: Any, value: Any, via: str | None = None, *, timeout: float | None = None,
            on_done: Callable[[ClientOp], None] | None = None) -> ClientOp:
        """Write ``key = value`` through Raft (see :meth:`request`)."""
        return self.request({"op": "put", "key": key, "value": value}, via, timeout=timeout, on_done=on_done)

    def read(self, fn: Callable[[Any], Any], via: str | None = None, *, key: Any = None, kind: str = "read",
             timeout: float | None = None, on_done: Callable[[ClientOp], None] | None = None) -> ClientOp:
        """A linearizable read through member ``via`` by ReadIndex: once the leader has
        confirmed its read index with a quorum and ``via`` has applied up to it, ``op.result``
        is ``fn(state_machine_of(via))``."""
        via = self._pick(via)
        op = ClientOp(next(self._op_ids), kind, key, None, via, self.kernel.now, on_done=on_done)
        op._read = fn
        self.history.append(op)
        m = self.members[via]
        if not m.running:
            self._finish(op, "failed", error=ERR_MEMBER_STOPPED)
            return op
        ctx = f"read-{op.id}"
        m.pending_reads[ctx] = op
        self._arm_timeout(op, timeout)
        m.node.read_index(ctx)
        self._process(m)
        return op

    def get(self, key: Any, via: str | None = None, *, timeout: float | None = None,
            on_done: Callable[[ClientOp], None] | None = None) -> ClientOp:
        """Read ``key`` linearizably (see :meth:`read`); ``op.value`` is the value read."""
        return self.read(lambda sm: sm.get(key), via, key=key, kind="get", timeout=timeout, on_done=on_done)

    def linearizability_history(self) -> list:
        """The client history as :class:`k8slab.etcd.linearizability.Operation` records:
        answered ops with their times, puts of unknown outcome with no response, and
        no failed ops or unanswered reads (they had no effect anyone could see)."""
        from .linearizability import Operation
        out = []
        for op in self.history:
            if op.kind not in ("put", "get"):
                continue
            if op.outcome == "ok":
                out.append(Operation(op.kind, op.key, op.value, op.invoke, op.response, client=op.via, id=op.id))
            elif op.kind == "put" and op.outcome in (None, "unknown"):
                out.append(Operation("put", op.key, op.value, op.invoke, None, client=op.via, id=op.id))
        return out

    # ------------------------------------------------------------------ internals
    def _member(self, name: str) -> RaftMember:
        m = self.members.get(name)
        if m is None:
            raise ValueError(f"unknown member {name!r}; members are {list(self.names)}")
        return m

    def _running(self, name: str) -> RaftMember:
        m = self._member(name)
        if not m.running:
            raise ValueError(f"member {name} is stopped")
        return m

    def _pick(self, via: str | None) -> str:
        if via is not None:
            self._member(via)
            return via
        lead = self.leader
        if lead is not None:
            return lead
        for n in self.names:
            if self.members[n].running:
                return n
        return self.names[0]

    def _arm_timeout(self, op: ClientOp, timeout: float | None) -> None:
        t = self.request_timeout if timeout is None else timeout
        op._timer = self.kernel.call_later(t, self._on_timeout, op, source=op.via, what=f"{op.kind} timeout")

    def _on_timeout(self, op: ClientOp) -> None:
        if op.done:
            return
        m = self.members[op.via]
        m.pending_requests.pop(f"req-{op.id}", None)
        m.pending_reads.pop(f"read-{op.id}", None)
        m.reads_waiting_apply[:] = [(i, o) for i, o in m.reads_waiting_apply if o is not op]
        self._finish(op, "unknown", error=ERR_TIMEOUT)

    def _finish(self, op: ClientOp, outcome: str, *, error: str | None = None, result: Any = None) -> None:
        op.outcome = outcome
        op.error = error
        if outcome in ("ok", "failed"):
            op.response = self.kernel.now
        if outcome == "ok":
            op.result = result
            if op.kind == "get":
                op.value = result
        if op._timer is not None:
            op._timer.cancel()
            op._timer = None
        if op.on_done is not None:
            # the response reaches the client as its own event, never inside a ready loop
            self.kernel.call_later(0, op.on_done, op, source=op.via, what=f"{op.kind} response")

    def _on_tick(self, m: RaftMember, incarnation: int) -> None:
        if not m.running or m.incarnation != incarnation:
            return
        m.tick_timer = self.kernel.call_later(self.tick_interval, self._on_tick, m, incarnation,
                                              source=m.name, what="raft tick")
        m.node.tick()
        self._process(m)

    def _send(self, msg: Message) -> None:
        self.messages_sent += 1
        dst = self.members.get(msg.to)
        if dst is None or not self.connected(msg.from_, msg.to) or not dst.running:
            self.messages_dropped += 1
            return
        if self.drop_rate and self._net_rng.random() < self.drop_rate:
            self.messages_dropped += 1
            return
        lo, hi = self.latency
        delay = lo if hi == lo else self._net_rng.uniform(lo, hi)
        seq = next(self._seq)
        f = InFlight(seq, msg, self.kernel.now, round(self.kernel.now + delay, 9))
        self._in_flight[seq] = f
        self.kernel.call_later(delay, self._deliver, seq, source=str(msg.from_),
                               what=f"deliver {msg.type.name} to {msg.to}")

    def _deliver(self, seq: int) -> None:
        f = self._in_flight.pop(seq)
        msg = f.message
        dst = self.members[msg.to]
        if not dst.running or not self.connected(msg.from_, msg.to):
            self.messages_dropped += 1
            return
        self.messages_delivered += 1
        dst.node.step(msg)
        self._process(dst)

    def _process(self, m: RaftMember) -> None:
        """The application's ready loop: persist, send, apply, serve reads, advance."""
        node = m.node
        while node.has_ready():
            rd = node.ready()
            if rd.hard_state is not None:
                m.storage.set_hard_state(rd.hard_state)
            if rd.entries:
                m.storage.append(rd.entries)
            if rd.soft_state is not None and rd.soft_state.raft_state == StateLeader:
                self._observe_leader(m)
            for msg in rd.messages:
                self._send(msg)
            for e in rd.committed_entries:
                self._observe_commit(m, e)
                result = m.sm.apply(e)
                d = e.data
                if isinstance(d, dict) and m.pending_requests:
                    op = m.pending_requests.pop(d.get("id"), None)
                    if op is not None:
                        self._finish(op, "ok", result=result)
            for rs in rd.read_states:
                op = m.pending_reads.pop(rs.request_ctx, None)
                if op is not None:
                    m.reads_waiting_apply.append((rs.index, op))
            node.advance(rd)
            if m.reads_waiting_apply:
                applied = m.sm.applied_index
                ready_reads = [(i, op) for i, op in m.reads_waiting_apply if i <= applied]
                if ready_reads:
                    m.reads_waiting_apply[:] = [(i, op) for i, op in m.reads_waiting_apply if i > applied]
                    for _, op in ready_reads:
                        self._finish(op, "ok", result=op._read(m.sm))

    def _observe_leader(self, m: RaftMember) -> None:
        node = m.node
        leaders = self.leaders_by_term.setdefault(node.term, set())
        leaders.add(m.name)
        if len(leaders) > 1:
            self.violations.append(f"election safety: term {node.term} has leaders {sorted(leaders)}")
        lg = node.log
        for idx, e in self.committed.items():
            if lg.term(idx) != e.term:
                self.violations.append(
                    f"leader completeness: {m.name} became leader at term {node.term} without "
                    f"committed entry {idx} (term {e.term})")
                break

    def _observe_commit(self, m: RaftMember, e: Entry) -> None:
        seen = self.committed.get(e.index)
        if seen is None:
            self.committed[e.index] = e
        elif seen != e:
            self.violations.append(
                f"state machine safety: {m.name} applied {e} at index {e.index}, others applied {seen}")
