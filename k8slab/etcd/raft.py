"""Raft consensus for the replicated etcd store: a pure node in the shape of etcd-io/raft.

upstream: etcd-io/raft raft.go (the state machine: ``Step``, ``stepLeader``,
``stepCandidate``, ``stepFollower``, ``tickElection``, ``tickHeartbeat``), log.go (the
log: ``maybeAppend``, ``findConflict``, ``findConflictByTerm``, ``isUpToDate``,
``maybeCommit``), read_only.go (ReadIndex), tracker/progress.go (per-follower
``Progress``), quorum/majority.go (``CommittedIndex``, ``VoteResult``), rawnode.go/node.go
(``Ready``/``Advance``) and raftpb/raft.proto (message types, ``Entry``, ``HardState``).

A :class:`RaftNode` is sans-IO: it never sends, sleeps or writes anything itself. The
application drives it with :meth:`RaftNode.tick` (one logical clock tick; etcd ticks every
100 ms, so ``heartbeat_tick=1`` and ``election_tick=10`` are etcd's 100 ms heartbeat and
1000 ms election timeout), :meth:`RaftNode.step` (a message received from a peer),
:meth:`RaftNode.propose` and :meth:`RaftNode.read_index`. It then collects a
:class:`Ready` (entries and hard state to persist, messages to send, committed entries to
apply, read states), does those things in that order, and calls :meth:`RaftNode.advance`.

What k8slab implements, as etcd runs it (etcd's server sets ``PreVote`` and
``CheckQuorum`` to true and uses ``ReadOnlySafe``):

* **PreVote** (thesis §9.6), on by default: a node first asks whether it *could* win
  before it bumps its term, so a member that was partitioned away does not disrupt the
  cluster when it comes back.
* **CheckQuorum**, on by default: a leader that has not heard from a quorum within an
  election timeout steps down, and a follower that heard from a leader within the
  election timeout ignores (pre-)votes for a higher term (the leader "lease").
* **Proposal forwarding**, as upstream's default (``DisableProposalForwarding=false``):
  a follower that knows the leader forwards ``MsgProp`` to it; a node with no leader (or
  a candidate) drops the proposal and :meth:`RaftNode.propose` raises
  :class:`ProposalDroppedError` ("raft proposal dropped"). A forwarded proposal can still
  be lost on the way; the application learns the outcome only by seeing the entry
  applied, or by timing out.
* **Linearizable reads by ReadIndex** (``ReadOnlySafe``, thesis §6.4): the leader records
  its commit index, confirms it is still the leader with a round of heartbeats acknowledged
  by a quorum, and only then returns a :class:`ReadState`; the application serves the
  read once it has applied up to that index. A leader that has not yet committed an entry
  of its own term holds reads back until it has. Leader leases (``ReadOnlyLeaseBased``)
  are not implemented.

Simplifications (documented): no log compaction or snapshots (``MsgSnap``), no membership
changes, learners or leadership transfer; no flow-control limits (``MaxSizePerMsg``,
``MaxInflightMsgs`` are unbounded: a follower in ``StateReplicate`` gets every entry
optimistically); storage writes are synchronous (no ``AsyncStorageWrites``). Node ids are
names or integers; ``None`` stands for upstream's ``None = 0`` (no leader, no vote).
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass, field, replace
from typing import Any, Hashable, Iterable, Sequence

__all__ = [
    "MessageType", "StateType", "Entry", "Message", "HardState", "SoftState", "ReadState",
    "Ready", "MemoryStorage", "Progress", "RaftLog", "RaftNode", "ProposalDroppedError",
    "RaftStepError",
    "MsgHup", "MsgBeat", "MsgProp", "MsgApp", "MsgAppResp", "MsgVote", "MsgVoteResp",
    "MsgHeartbeat", "MsgHeartbeatResp", "MsgCheckQuorum", "MsgReadIndex", "MsgReadIndexResp",
    "MsgPreVote", "MsgPreVoteResp",
    "StateFollower", "StateCandidate", "StateLeader", "StatePreCandidate",
]

NodeID = Hashable


class MessageType(enum.IntEnum):
    """raftpb.MessageType, with upstream's numbers (the ones k8slab implements)."""

    MsgHup = 0
    MsgBeat = 1
    MsgProp = 2
    MsgApp = 3
    MsgAppResp = 4
    MsgVote = 5
    MsgVoteResp = 6
    MsgHeartbeat = 8
    MsgHeartbeatResp = 9
    MsgCheckQuorum = 12
    MsgReadIndex = 15
    MsgReadIndexResp = 16
    MsgPreVote = 17
    MsgPreVoteResp = 18

    def __str__(self) -> str:
        return self.name

    __repr__ = __str__


MsgHup = MessageType.MsgHup
MsgBeat = MessageType.MsgBeat
MsgProp = MessageType.MsgProp
MsgApp = MessageType.MsgApp
MsgAppResp = MessageType.MsgAppResp
MsgVote = MessageType.MsgVote
MsgVoteResp = MessageType.MsgVoteResp
MsgHeartbeat = MessageType.MsgHeartbeat
MsgHeartbeatResp = MessageType.MsgHeartbeatResp
MsgCheckQuorum = MessageType.MsgCheckQuorum
MsgReadIndex = MessageType.MsgReadIndex
MsgReadIndexResp = MessageType.MsgReadIndexResp
MsgPreVote = MessageType.MsgPreVote
MsgPreVoteResp = MessageType.MsgPreVoteResp

# upstream: raft/util.go IsLocalMsg / IsResponseMsg
_LOCAL_MSGS = frozenset({MsgHup, MsgBeat, MsgCheckQuorum})
_RESPONSE_MSGS = frozenset({MsgAppResp, MsgVoteResp, MsgHeartbeatResp, MsgReadIndexResp, MsgPreVoteResp})
_VOTE_MSGS = frozenset({MsgVote, MsgVoteResp, MsgPreVote, MsgPreVoteResp})
_AFTER_APPEND_MSGS = frozenset({MsgAppResp, MsgVoteResp, MsgPreVoteResp})


def vote_resp_msg_type(t: MessageType) -> MessageType:
    """upstream: raft/util.go voteRespMsgType."""
    if t == MsgVote:
        return MsgVoteResp
    if t == MsgPreVote:
        return MsgPreVoteResp
    raise ValueError(f"not a vote message: {t}")


class StateType(enum.Enum):
    """raft.StateType: the role of a node (upstream's names; ``role`` is the short form)."""

    StateFollower = "StateFollower"
    StateCandidate = "StateCandidate"
    StateLeader = "StateLeader"
    StatePreCandidate = "StatePreCandidate"

    @property
    def role(self) -> str:
        return _ROLES[self]

    def __str__(self) -> str:
        return self.value

    __repr__ = __str__


_ROLES = {
    StateType.StateFollower: "follower",
    StateType.StateCandidate: "candidate",
    StateType.StateLeader: "leader",
    StateType.StatePreCandidate: "pre-candidate",
}
StateFollower = StateType.StateFollower
StateCandidate = StateType.StateCandidate
StateLeader = StateType.StateLeader
StatePreCandidate = StateType.StatePreCandidate


@dataclass(frozen=True, slots=True)
class Entry:
    """raftpb.Entry: one log entry. ``data`` None is the empty entry a new leader appends."""

    term: int
    index: int
    data: Any = None


@dataclass(slots=True)
class Message:
    """raftpb.Message (the fields k8slab uses). ``from_`` is upstream's ``From``."""

    type: MessageType
    to: NodeID = None
    from_: NodeID = None
    term: int = 0
    log_term: int = 0
    index: int = 0
    entries: tuple = ()
    commit: int = 0
    reject: bool = False
    reject_hint: int = 0
    context: Any = None

    def describe(self) -> str:
        """A one-line description, e.g. ``MsgApp etcd-0->etcd-1 term=2 index=3 logterm=1 entries=1 commit=3``."""
        parts = [f"{self.type.name} {self.from_}->{self.to} term={self.term}"]
        t = self.type
        if t in (MsgApp,):
            parts.append(f"index={self.index} logterm={self.log_term} entries={len(self.entries)} commit={self.commit}")
        elif t == MsgAppResp:
            parts.append(f"index={self.index}")
            if self.reject:
                parts.append(f"rejected hint={self.reject_hint} logterm={self.log_term}")
        elif t in (MsgVote, MsgPreVote):
            parts.append(f"index={self.index} logterm={self.log_term}")
        elif t in (MsgVoteResp, MsgPreVoteResp):
            parts.append("rejected" if self.reject else "granted")
        elif t in (MsgHeartbeat,):
            parts.append(f"commit={self.commit}")
        elif t == MsgReadIndexResp:
            parts.append(f"index={self.index}")
        elif t == MsgProp:
            parts.append(f"entries={len(self.entries)}")
        if self.context is not None:
            parts.append(f"ctx={self.context}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class HardState:
    """raftpb.HardState: what must be on disk before messages go out (term, vote, commit)."""

    term: int = 0
    vote: NodeID = None
    commit: int = 0


@dataclass(frozen=True, slots=True)
class SoftState:
    """raft.SoftState: volatile state worth reporting (the leader and this node's role)."""

    lead: NodeID
    raft_state: StateType


@dataclass(frozen=True, slots=True)
class ReadState:
    """raft.ReadState: a read with context ``request_ctx`` may be served once applied >= ``index``."""

    index: int
    request_ctx: Any


@dataclass
class Ready:
    """raft.Ready: what the application must do, in order: persist ``entries`` and
    ``hard_state``, send ``messages``, apply ``committed_entries``, serve ``read_states``,
    then call :meth:`RaftNode.advance`."""

    soft_state: SoftState | None = None
    hard_state: HardState | None = None
    read_states: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    committed_entries: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    must_sync: bool = False


class ProposalDroppedError(Exception):
    """upstream: raft.ErrProposalDropped (no leader, or a candidate, or forwarding disabled)."""

    def __init__(self) -> None:
        super().__init__("raft proposal dropped")


class RaftStepError(ValueError):
    """upstream: raft.ErrStepLocalMsg / ErrStepPeerNotFound."""


class MemoryStorage:
    """raft.MemoryStorage: the persisted log and hard state of one member (upstream: storage.go).

    The application writes ``Ready.entries`` with :meth:`append` and ``Ready.hard_state``
    with :meth:`set_hard_state`; a restarted :class:`RaftNode` reads them back.
    """

    def __init__(self) -> None:
        self.hard_state = HardState()
        self.entries: list[Entry] = []

    def initial_state(self) -> HardState:
        return self.hard_state

    def set_hard_state(self, hs: HardState) -> None:
        self.hard_state = hs

    def last_index(self) -> int:
        return len(self.entries)

    def term(self, index: int) -> int:
        if index == 0:
            return 0
        return self.entries[index - 1].term

    def append(self, entries: Sequence[Entry]) -> None:
        """Append, truncating whatever conflicts (upstream: MemoryStorage.Append)."""
        if not entries:
            return
        first = entries[0].index
        last = len(self.entries)
        if first > last + 1:
            raise ValueError(f"missing log entry [last: {last}, append at: {first}]")
        del self.entries[first - 1:]
        self.entries.extend(entries)


class RaftLog:
    """raftLog (upstream: log.go): the entries, the commit and applied indexes, and how much
    of the log is known to be on stable storage (``stabled``). Index 1 is the first entry."""

    __slots__ = ("entries", "committed", "applied", "applying", "stabled")

    def __init__(self, entries: Sequence[Entry] = (), committed: int = 0, applied: int = 0) -> None:
        self.entries: list[Entry] = list(entries)
        self.stabled = len(self.entries)
        self.committed = committed
        self.applied = applied
        self.applying = applied

    def last_index(self) -> int:
        return len(self.entries)

    def last_term(self) -> int:
        return self.entries[-1].term if self.entries else 0

    def term(self, i: int) -> int | None:
        """The term of entry ``i`` (0 for index 0), or None when out of range."""
        if i == 0:
            return 0
        if 0 < i <= len(self.entries):
            return self.entries[i - 1].term
        return None

    def match_term(self, i: int, term: int) -> bool:
        return self.term(i) == term

    def is_up_to_date(self, index: int, term: int) -> bool:
        """§5.4.1: a candidate's log is at least as up to date as ours."""
        lt = self.last_term()
        return term > lt or (term == lt and index >= self.last_index())

    def entries_from(self, lo: int) -> tuple:
        return tuple(self.entries[lo - 1:])

    def find_conflict(self, ents: Sequence[Entry]) -> int:
        """The index of the first entry that is new or conflicts with ours, or 0."""
        for e in ents:
            if not self.match_term(e.index, e.term):
                return e.index
        return 0

    def find_conflict_by_term(self, index: int, term: int) -> tuple[int, int]:
        """The largest (index, term) with index <= ``index`` and term <= ``term``."""
        while index > 0:
            t = self.term(index)
            if t is None or t > term:
                index -= 1
                continue
            return index, t
        return 0, 0

    def maybe_append(self, prev_index: int, prev_term: int, committed: int, ents: Sequence[Entry]) -> int | None:
        """§5.3: accept ``ents`` after (prev_index, prev_term) if our log has that entry;
        truncate any conflicting suffix. Returns the last new index, or None on mismatch."""
        if not self.match_term(prev_index, prev_term):
            return None
        lastnewi = prev_index + len(ents)
        ci = self.find_conflict(ents)
        if ci:
            if ci <= self.committed:
                raise AssertionError(f"entry {ci} conflict with committed entry [committed({self.committed})]")
            offset = prev_index + 1
            self.append(ents[ci - offset:])
        self.commit_to(min(committed, lastnewi))
        return lastnewi

    def append(self, ents: Sequence[Entry]) -> int:
        if not ents:
            return self.last_index()
        after = ents[0].index - 1
        if after < self.committed:
            raise AssertionError(f"after({after}) is out of range [committed({self.committed})]")
        del self.entries[after:]
        self.entries.extend(ents)
        if self.stabled > after:
            self.stabled = after
        return self.last_index()

    def commit_to(self, tocommit: int) -> None:
        if self.committed < tocommit:
            if self.last_index() < tocommit:
                raise AssertionError(
                    f"tocommit({tocommit}) is out of range [lastIndex({self.last_index()})]. "
                    "Was the raft log corrupted, truncated, or lost?")
            self.committed = tocommit

    def maybe_commit(self, index: int, term: int) -> bool:
        """§5.4.2: only an entry of the leader's current term is committed by counting replicas."""
        if index > self.committed and self.match_term(index, term):
            self.commit_to(index)
            return True
        return False

    def unstable_entries(self) -> list[Entry]:
        return self.entries[self.stabled:]

    def has_next_committed_entries(self) -> bool:
        return self.committed > self.applying

    def next_committed_entries(self) -> list[Entry]:
        return self.entries[self.applying:self.committed]

    def stable_to(self, index: int, term: int) -> None:
        if index > self.stabled and self.match_term(index, term):
            self.stabled = index

    def applied_to(self, index: int) -> None:
        if index > self.applied:
            self.applied = index
        if self.applying < self.applied:
            self.applying = self.applied


class Progress:
    """tracker.Progress: the leader's view of one follower (upstream: tracker/progress.go).

    ``StateProbe`` sends at most one append per heartbeat until the follower's match is
    found; ``StateReplicate`` streams entries optimistically. No inflight limit here.
    """

    __slots__ = ("match", "next", "state", "paused", "recent_active", "pending_commit")

    def __init__(self, next_: int) -> None:
        self.match = 0
        self.next = next_
        self.state = "StateProbe"
        self.paused = False
        self.recent_active = False
        self.pending_commit = 0

    def become_probe(self) -> None:
        self.state = "StateProbe"
        self.paused = False
        self.next = self.match + 1
        self.pending_commit = min(self.pending_commit, self.match)

    def become_replicate(self) -> None:
        self.state = "StateReplicate"
        self.paused = False
        self.next = self.match + 1
        self.pending_commit = min(self.pending_commit, self.match)

    def is_paused(self) -> bool:
        return self.state == "StateProbe" and self.paused

    def sent_entries(self, n: int) -> None:
        if self.state == "StateReplicate":
            self.next += n
        elif n > 0:
            self.paused = True

    def sent_commit(self, commit: int) -> None:
        self.pending_commit = min(max(self.pending_commit, commit), self.next - 1)

    def can_bump_commit(self, index: int) -> bool:
        return self.pending_commit < min(index, self.next - 1)

    def maybe_update(self, n: int) -> bool:
        if n <= self.match:
            return False
        self.match = n
        self.next = max(self.next, n + 1)
        self.paused = False
        return True

    def maybe_decr_to(self, rejected: int, match_hint: int) -> bool:
        if self.state == "StateReplicate":
            if rejected <= self.match:
                return False  # stale rejection
            self.next = self.match + 1
            self.pending_commit = min(self.pending_commit, self.match)
            return True
        if self.next - 1 != rejected:
            return False  # stale: probes are one at a time
        self.next = max(min(rejected, match_hint + 1), self.match + 1)
        self.pending_commit = min(self.pending_commit, self.next - 1)
        self.paused = False
        return True

    def __repr__(self) -> str:
        return f"{self.state} match={self.match} next={self.next}" + (" paused" if self.is_paused() else "")


class _ReadIndexStatus:
    __slots__ = ("req", "index", "acks")

    def __init__(self, req: Message, index: int) -> None:
        self.req = req
        self.index = index
        self.acks: set = set()


class _ReadOnly:
    """readOnly (upstream: read_only.go) for ReadOnlySafe: pending ReadIndex requests by context."""

    def __init__(self) -> None:
        self.pending: dict[Any, _ReadIndexStatus] = {}
        self.queue: list = []

    def add_request(self, index: int, m: Message) -> None:
        ctx = m.entries[0].data
        if ctx in self.pending:
            return
        self.pending[ctx] = _ReadIndexStatus(m, index)
        self.queue.append(ctx)

    def recv_ack(self, id: NodeID, ctx: Any) -> set:
        rs = self.pending.get(ctx)
        if rs is None:
            return set()
        rs.acks.add(id)
        return rs.acks

    def advance(self, ctx: Any) -> list[_ReadIndexStatus]:
        if ctx not in self.pending:
            return []
        out = []
        i = 0
        for i, okctx in enumerate(self.queue, 1):
            out.append(self.pending[okctx])
            if okctx == ctx:
                break
        self.queue = self.queue[i:]
        for rs in out:
            del self.pending[rs.req.entries[0].data]
        return out

    def last_pending_request_ctx(self) -> Any:
        return self.queue[-1] if self.queue else None


class RaftNode:
    """One Raft peer (upstream: raft.go's ``raft`` behind rawnode.go's ``RawNode``).

    ``peers`` are the ids of every voter (this node's id is added if missing).
    ``rng`` (a seeded ``random.Random``) draws the randomized election timeout in
    ``[election_tick, 2*election_tick)`` as upstream's ``resetRandomizedElectionTimeout``.
    ``storage`` (a :class:`MemoryStorage`) restarts the node from its persisted log and
    hard state; ``applied`` is the index the application has already applied (upstream
    ``Config.Applied``; 0 means committed entries are handed out again from index 1).
    """

    def __init__(self, id: NodeID, peers: Iterable[NodeID], *, election_tick: int = 10,
                 heartbeat_tick: int = 1, rng: random.Random, storage: MemoryStorage | None = None,
                 applied: int = 0, pre_vote: bool = True, check_quorum: bool = True,
                 disable_proposal_forwarding: bool = False) -> None:
        # upstream: Config.validate
        if id is None:
            raise ValueError("cannot use none as id")
        if heartbeat_tick <= 0:
            raise ValueError("heartbeat tick must be greater than 0")
        if election_tick <= heartbeat_tick:
            raise ValueError("election tick must be greater than heartbeat tick")
        if rng is None:
            raise ValueError("rng is required (a seeded random.Random)")
        self.id = id
        voters = set(peers)
        voters.add(id)
        if None in voters:
            raise ValueError("cannot use none as id")
        self.peers: tuple = tuple(sorted(voters))
        self.election_timeout = election_tick
        self.heartbeat_timeout = heartbeat_tick
        self.pre_vote = pre_vote
        self.check_quorum = check_quorum
        self.disable_proposal_forwarding = disable_proposal_forwarding
        self._rng = rng

        storage = storage if storage is not None else MemoryStorage()
        hs = storage.initial_state()
        self.log = RaftLog(storage.entries)
        self.term = 0
        self.vote: NodeID = None
        if hs != HardState():
            # upstream: raft.loadState
            if hs.commit < self.log.committed or hs.commit > self.log.last_index():
                raise ValueError(f"{id} state.commit {hs.commit} is out of range "
                                 f"[{self.log.committed}, {self.log.last_index()}]")
            self.log.committed = hs.commit
            self.term = hs.term
            self.vote = hs.vote
        if applied:
            self.log.applied_to(min(applied, self.log.committed))

        self.state = StateFollower
        self.lead: NodeID = None
        self.prs: dict[NodeID, Progress] = {}
        self.votes: dict[NodeID, bool] = {}
        self.msgs: list[Message] = []
        self.msgs_after_append: list[Message] = []
        self.read_states: list[ReadState] = []
        self._read_only = _ReadOnly()
        self._pending_read_index_messages: list[Message] = []
        self.election_elapsed = 0
        self.heartbeat_elapsed = 0
        self.randomized_election_timeout = election_tick
        self._steps_on_advance: list[Message] | None = None
        self._accepted_ready: Ready | None = None
        self.become_follower(self.term, None)
        # upstream: NewRawNode records the initial soft and hard state
        self._prev_soft = self.soft_state()
        self._prev_hard = self.hard_state()

    # ------------------------------------------------------------------ reporting
    @property
    def role(self) -> str:
        """``follower``, ``pre-candidate``, ``candidate`` or ``leader``."""
        return self.state.role

    @property
    def commit(self) -> int:
        return self.log.committed

    @property
    def applied(self) -> int:
        return self.log.applied

    @property
    def last_index(self) -> int:
        return self.log.last_index()

    @property
    def entries(self) -> tuple:
        """The whole log (stable and unstable), oldest first."""
        return tuple(self.log.entries)

    def soft_state(self) -> SoftState:
        return SoftState(self.lead, self.state)

    def hard_state(self) -> HardState:
        return HardState(self.term, self.vote, self.log.committed)

    def status(self) -> dict:
        """Like upstream ``Status``: id, term, vote, commit, applied, lead, raft_state, progress."""
        st = {"id": self.id, "term": self.term, "vote": self.vote, "commit": self.log.committed,
              "applied": self.log.applied, "lead": self.lead, "raft_state": str(self.state),
              "last_index": self.log.last_index()}
        if self.state == StateLeader:
            st["progress"] = {i: {"match": p.match, "next": p.next, "state": p.state}
                              for i, p in self.prs.items()}
        return st

    def __repr__(self) -> str:
        return (f"<RaftNode {self.id} {self.role} term={self.term} lead={self.lead} "
                f"last={self.log.last_index()} commit={self.log.committed} applied={self.log.applied}>")

    # ------------------------------------------------------------------ public driving API
    def tick(self) -> None:
        """Advance the logical clock by one tick (upstream: RawNode.Tick)."""
        if self.state == StateLeader:
            self._tick_heartbeat()
        else:
            self._tick_election()

    def campaign(self) -> None:
        """Start an election now (upstream: RawNode.Campaign, a local MsgHup)."""
        self._step(Message(MsgHup, from_=self.id))

    def propose(self, data: Any) -> None:
        """Propose ``data`` for the log (upstream: RawNode.Propose). Raises
        :class:`ProposalDroppedError` when this node cannot take or forward it."""
        if self._step(Message(MsgProp, from_=self.id, entries=(Entry(0, 0, data),))) is ProposalDroppedError:
            raise ProposalDroppedError()

    def read_index(self, ctx: Any) -> None:
        """Request a linearizable read (upstream: RawNode.ReadIndex, ReadOnlySafe).

        The leader records its commit index as the read index, then confirms that it is
        still the leader by a heartbeat round acknowledged by a quorum; only then does a
        :class:`ReadState` with ``request_ctx == ctx`` appear in a :class:`Ready` (on this
        node: a follower forwards the request to the leader and gets the index back). Serve
        the read once ``applied >= ReadState.index``. A request made with no known leader,
        or lost on the way, is dropped silently: the caller must time out. ``ctx`` must be
        unique among outstanding requests.
        """
        self._step(Message(MsgReadIndex, entries=(Entry(0, 0, ctx),)))

    def step(self, m: Message) -> None:
        """Process a message received from a peer (upstream: RawNode.Step)."""
        if m.type in _LOCAL_MSGS:
            raise RaftStepError("raft: cannot step raft local message")
        if m.type in _RESPONSE_MSGS and m.from_ not in self.prs:
            raise RaftStepError("raft: cannot step as peer not found")
        self._step(m)

    def has_ready(self) -> bool:
        """Whether :meth:`ready` has anything to hand out (upstream: RawNode.HasReady)."""
        if self._accepted_ready is not None:
            return False
        if self.msgs or self.msgs_after_append or self.read_states:
            return True
        lg = self.log
        if lg.stabled < len(lg.entries) or lg.committed > lg.applying:
            return True
        ps = self._prev_soft
        if self.lead != ps.lead or self.state is not ps.raft_state:
            return True
        ph = self._prev_hard
        if self.term != ph.term or self.vote != ph.vote or lg.committed != ph.commit:
            return self.term != 0 or self.vote is not None or lg.committed != 0
        return False

    def ready(self) -> Ready:
        """Hand out what is ready (upstream: RawNode.Ready + acceptReady). Persist
        ``entries`` and ``hard_state``, send ``messages``, apply ``committed_entries``, serve
        ``read_states``, then call :meth:`advance` before the next ``ready()``."""
        if self._accepted_ready is not None:
            raise RuntimeError("ready() called again before advance()")
        lg = self.log
        rd = Ready(entries=lg.unstable_entries(), committed_entries=lg.next_committed_entries(),
                   messages=self.msgs)
        ss = self.soft_state()
        if ss != self._prev_soft:
            rd.soft_state = ss
            self._prev_soft = ss
        hs = self.hard_state()
        if hs != self._prev_hard:
            rd.hard_state = hs
        rd.read_states = self.read_states
        # upstream: MustSync -- term, vote or new entries must reach the disk
        prev = self._prev_hard
        rd.must_sync = bool(rd.entries) or hs.term != prev.term or hs.vote != prev.vote
        if rd.hard_state is not None:
            self._prev_hard = hs
        steps = []
        for m in self.msgs_after_append:
            if m.to == self.id:
                steps.append(m)
            else:
                rd.messages.append(m)
        self.msgs = []
        self.msgs_after_append = []
        self.read_states = []
        if rd.committed_entries:
            lg.applying = rd.committed_entries[-1].index
        self._steps_on_advance = steps
        self._accepted_ready = rd
        return rd

    def advance(self, rd: Ready | None = None) -> None:
        """Tell the node the last :class:`Ready` was persisted, sent and applied
        (upstream: RawNode.Advance): marks entries stable and applied, and steps this
        node's own responses (its self-vote, the leader's self-ack) that had to wait for
        the disk write."""
        rd = self._accepted_ready if rd is None else rd
        if self._accepted_ready is None or rd is not self._accepted_ready:
            raise RuntimeError("advance() without a matching ready()")
        if rd.entries:
            last = rd.entries[-1]
            self.log.stable_to(last.index, last.term)
        if rd.committed_entries:
            self.log.applied_to(rd.committed_entries[-1].index)
        steps = self._steps_on_advance or []
        self._steps_on_advance = None
        self._accepted_ready = None
        for m in steps:
            self._step(m)

    # ------------------------------------------------------------------ sending
    def _send(self, m: Message) -> None:
        # upstream: raft.send
        if m.from_ is None:
            m.from_ = self.id
        if m.type in _VOTE_MSGS:
            if m.term == 0:
                raise AssertionError(f"term should be set when sending {m.type}")
        else:
            if m.term != 0:
                raise AssertionError(f"term should not be set when sending {m.type} (was {m.term})")
            if m.type != MsgProp and m.type != MsgReadIndex:
                m.term = self.term
        if m.type in _AFTER_APPEND_MSGS:
            self.msgs_after_append.append(m)
        else:
            if m.to == self.id:
                raise AssertionError(f"message should not be self-addressed when sending {m.type}")
            self.msgs.append(m)

    def _send_append(self, to: NodeID) -> None:
        self._maybe_send_append(to, True)

    def _maybe_send_append(self, to: NodeID, send_if_empty: bool) -> bool:
        pr = self.prs[to]
        if pr.is_paused():
            return False
        prev_index = pr.next - 1
        prev_term = self.log.term(prev_index)
        ents = self.log.entries_from(pr.next)
        if not ents and not send_if_empty:
            return False
        self._send(Message(MsgApp, to=to, index=prev_index, log_term=prev_term, entries=ents,
                           commit=self.log.committed))
        pr.sent_entries(len(ents))
        pr.sent_commit(self.log.committed)
        return True

    def _send_heartbeat(self, to: NodeID, ctx: Any) -> None:
        pr = self.prs[to]
        # the leader must not forward a follower's commit past what it has matched
        commit = min(pr.match, self.log.committed)
        self._send(Message(MsgHeartbeat, to=to, commit=commit, context=ctx))
        pr.sent_commit(commit)

    def _bcast_append(self) -> None:
        for id in self.peers:
            if id != self.id:
                self._send_append(id)

    def _bcast_heartbeat(self) -> None:
        self._bcast_heartbeat_with_ctx(self._read_only.last_pending_request_ctx())

    def _bcast_heartbeat_with_ctx(self, ctx: Any) -> None:
        for id in self.peers:
            if id != self.id:
                self._send_heartbeat(id, ctx)

    # ------------------------------------------------------------------ state transitions
    def _quorum(self) -> int:
        return len(self.peers) // 2 + 1

    def _committed_index(self) -> int:
        # upstream: quorum/majority.go MajorityConfig.CommittedIndex
        matches = sorted((pr.match for pr in self.prs.values()), reverse=True)
        return matches[self._quorum() - 1]

    def _maybe_commit(self) -> bool:
        return self.log.maybe_commit(self._committed_index(), self.term)

    def _reset(self, term: int) -> None:
        if self.term != term:
            self.term = term
            self.vote = None
        self.lead = None
        self.election_elapsed = 0
        self.heartbeat_elapsed = 0
        self._reset_randomized_election_timeout()
        self.votes = {}
        last = self.log.last_index()
        self.prs = {id: Progress(last + 1) for id in self.peers}
        self.prs[self.id].match = last
        self._read_only = _ReadOnly()
        self._pending_read_index_messages = []

    def _reset_randomized_election_timeout(self) -> None:
        self.randomized_election_timeout = self.election_timeout + self._rng.randrange(self.election_timeout)

    def _append_entry(self, datas: Sequence[Any]) -> None:
        li = self.log.last_index()
        es = [Entry(self.term, li + 1 + i, d) for i, d in enumerate(datas)]
        li = self.log.append(es)
        # the leader acks its own entries once they are on disk (delivered at advance())
        self._send(Message(MsgAppResp, to=self.id, index=li))

    def become_follower(self, term: int, lead: NodeID) -> None:
        self._reset(term)
        self.lead = lead
        self.state = StateFollower

    def _become_candidate(self) -> None:
        if self.state == StateLeader:
            raise AssertionError("invalid transition [leader -> candidate]")
        self._reset(self.term + 1)
        self.vote = self.id
        self.state = StateCandidate

    def _become_pre_candidate(self) -> None:
        if self.state == StateLeader:
            raise AssertionError("invalid transition [leader -> pre-candidate]")
        # does not change term or vote
        self.votes = {}
        self.lead = None
        self.state = StatePreCandidate

    def _become_leader(self) -> None:
        if self.state == StateFollower:
            raise AssertionError("invalid transition [follower -> leader]")
        self._reset(self.term)
        self.lead = self.id
        self.state = StateLeader
        pr = self.prs[self.id]
        pr.become_replicate()
        pr.recent_active = True
        # §8: a new leader commits an empty entry of its own term
        self._append_entry([None])

    def _tick_election(self) -> None:
        self.election_elapsed += 1
        if self.election_elapsed >= self.randomized_election_timeout:
            self.election_elapsed = 0
            self._step(Message(MsgHup, from_=self.id))

    def _tick_heartbeat(self) -> None:
        self.heartbeat_elapsed += 1
        self.election_elapsed += 1
        if self.election_elapsed >= self.election_timeout:
            self.election_elapsed = 0
            if self.check_quorum:
                self._step(Message(MsgCheckQuorum, from_=self.id))
        if self.state != StateLeader:
            return
        if self.heartbeat_elapsed >= self.heartbeat_timeout:
            self.heartbeat_elapsed = 0
            self._step(Message(MsgBeat, from_=self.id))

    def _hup(self, pre: bool) -> None:
        if self.state == StateLeader:
            return
        self._campaign(pre)

    def _campaign(self, pre: bool) -> None:
        if pre:
            self._become_pre_candidate()
            vote_msg = MsgPreVote
            term = self.term + 1  # pre-votes are for the next term, before we increment
        else:
            self._become_candidate()
            vote_msg = MsgVote
            term = self.term
        last_index, last_term = self.log.last_index(), self.log.last_term()
        for id in self.peers:
            if id == self.id:
                # our own vote counts once it is on disk (delivered at advance())
                self._send(Message(vote_resp_msg_type(vote_msg), to=id, term=term))
                continue
            self._send(Message(vote_msg, to=id, term=term, index=last_index, log_term=last_term))

    def _poll(self, id: NodeID, granted: bool) -> str:
        # upstream: quorum/majority.go VoteResult
        self.votes.setdefault(id, granted)
        yes = sum(1 for v in self.votes.values() if v)
        missing = len(self.peers) - len(self.votes)
        q = self._quorum()
        if yes >= q:
            return "VoteWon"
        if yes + missing >= q:
            return "VotePending"
        return "VoteLost"

    def _quorum_active(self) -> bool:
        active = sum(1 for id, pr in self.prs.items() if id == self.id or pr.recent_active)
        return active >= self._quorum()

    # ------------------------------------------------------------------ Step
    def _step(self, m: Message):
        """upstream: raft.Step. Returns ProposalDroppedError (the class) when a proposal is dropped."""
        if m.term == 0:
            pass  # local message
        elif m.term > self.term:
            if m.type in (MsgVote, MsgPreVote):
                in_lease = self.check_quorum and self.lead is not None and self.election_elapsed < self.election_timeout
                if in_lease:
                    # heard from a current leader within the minimum election timeout:
                    # do not update the term or grant the vote
                    return None
            if m.type == MsgPreVote:
                pass  # never change our term in response to a PreVote
            elif m.type == MsgPreVoteResp and not m.reject:
                pass  # we will bump our term when we get a quorum
            else:
                if m.type in (MsgApp, MsgHeartbeat):
                    self.become_follower(m.term, m.from_)
                else:
                    self.become_follower(m.term, None)
        elif m.term < self.term:
            if (self.check_quorum or self.pre_vote) and m.type in (MsgHeartbeat, MsgApp):
                # a leader at a lower term: tell it our term so that it steps down
                self._send(Message(MsgAppResp, to=m.from_))
            elif m.type == MsgPreVote:
                self._send(Message(MsgPreVoteResp, to=m.from_, term=self.term, reject=True))
            return None  # ignore other stale messages

        t = m.type
        if t == MsgHup:
            self._hup(self.pre_vote)
            return None
        if t in (MsgVote, MsgPreVote):
            can_vote = (self.vote == m.from_
                        or (self.vote is None and self.lead is None)
                        or (t == MsgPreVote and m.term > self.term))
            if can_vote and self.log.is_up_to_date(m.index, m.log_term):
                # respond with the term from the message (pre-votes are for a future term)
                self._send(Message(vote_resp_msg_type(t), to=m.from_, term=m.term))
                if t == MsgVote:
                    self.election_elapsed = 0
                    self.vote = m.from_
            else:
                self._send(Message(vote_resp_msg_type(t), to=m.from_, term=self.term, reject=True))
            return None
        if self.state == StateLeader:
            return self._step_leader(m)
        if self.state in (StateCandidate, StatePreCandidate):
            return self._step_candidate(m)
        return self._step_follower(m)

    def _step_leader(self, m: Message):
        t = m.type
        if t == MsgBeat:
            self._bcast_heartbeat()
            return None
        if t == MsgCheckQuorum:
            if not self._quorum_active():
                self.become_follower(self.term, None)  # "stepped down to follower since quorum is not active"
            for id, pr in self.prs.items():
                if id != self.id:
                    pr.recent_active = False
            return None
        if t == MsgProp:
            if not m.entries:
                raise AssertionError(f"{self.id} stepped empty MsgProp")
            self._append_entry([e.data for e in m.entries])
            self._bcast_append()
            return None
        if t == MsgReadIndex:
            if len(self.peers) == 1:
                self._respond_read_index(m, self.log.committed)
                return None
            if not self._committed_entry_in_current_term():
                # postpone until the leader has committed an entry of its own term
                self._pending_read_index_messages.append(m)
                return None
            self._send_read_index_response(m)
            return None

        pr = self.prs.get(m.from_)
        if pr is None:
            return None
        if t == MsgAppResp:
            pr.recent_active = True
            if m.reject:
                next_probe = m.reject_hint
                if m.log_term > 0:
                    next_probe, _ = self.log.find_conflict_by_term(m.reject_hint, m.log_term)
                if pr.maybe_decr_to(m.index, next_probe):
                    if pr.state == "StateReplicate":
                        pr.become_probe()
                    self._send_append(m.from_)
            else:
                if pr.maybe_update(m.index) or (pr.match == m.index and pr.state == "StateProbe"):
                    if pr.state == "StateProbe":
                        pr.become_replicate()
                    if self._maybe_commit():
                        self._release_pending_read_index_messages()
                        self._bcast_append()
                    elif m.from_ != self.id and pr.can_bump_commit(self.log.committed):
                        self._send_append(m.from_)
                    if m.from_ != self.id:
                        while self._maybe_send_append(m.from_, False):
                            pass
        elif t == MsgHeartbeatResp:
            pr.recent_active = True
            pr.paused = False
            if pr.match < self.log.last_index() or pr.state == "StateProbe":
                self._send_append(m.from_)
            if m.context is None:
                return None
            acks = self._read_only.recv_ack(m.from_, m.context)
            if len(acks) < self._quorum():
                return None
            for rs in self._read_only.advance(m.context):
                self._respond_read_index(rs.req, rs.index)
        return None

    def _step_candidate(self, m: Message):
        my_vote_resp = MsgPreVoteResp if self.state == StatePreCandidate else MsgVoteResp
        t = m.type
        if t == MsgProp:
            return ProposalDroppedError  # "no leader at term %d; dropping proposal"
        if t == MsgApp:
            self.become_follower(m.term, m.from_)
            self._handle_append_entries(m)
        elif t == MsgHeartbeat:
            self.become_follower(m.term, m.from_)
            self._handle_heartbeat(m)
        elif t == my_vote_resp:
            res = self._poll(m.from_, not m.reject)
            if res == "VoteWon":
                if self.state == StatePreCandidate:
                    self._campaign(False)
                else:
                    self._become_leader()
                    self._bcast_append()
            elif res == "VoteLost":
                # a MsgPreVoteResp carries the pre-candidate's future term; keep ours
                self.become_follower(self.term, None)
        return None

    def _step_follower(self, m: Message):
        t = m.type
        if t == MsgProp:
            if self.lead is None or self.disable_proposal_forwarding:
                return ProposalDroppedError
            self._send(replace(m, to=self.lead))
        elif t == MsgApp:
            self.election_elapsed = 0
            self.lead = m.from_
            self._handle_append_entries(m)
        elif t == MsgHeartbeat:
            self.election_elapsed = 0
            self.lead = m.from_
            self._handle_heartbeat(m)
        elif t == MsgReadIndex:
            if self.lead is None:
                return None  # "no leader at term %d; dropping index reading msg"
            self._send(replace(m, to=self.lead))
        elif t == MsgReadIndexResp:
            if len(m.entries) != 1:
                return None
            self.read_states.append(ReadState(m.index, m.entries[0].data))
        return None

    def _handle_append_entries(self, m: Message) -> None:
        lg = self.log
        if m.index < lg.committed:
            self._send(Message(MsgAppResp, to=m.from_, index=lg.committed))
            return
        lastnewi = lg.maybe_append(m.index, m.log_term, m.commit, m.entries)
        if lastnewi is not None:
            self._send(Message(MsgAppResp, to=m.from_, index=lastnewi))
            return
        # reject, with a hint: the largest (index, term) that may match the leader's log
        hint_index = min(m.index, lg.last_index())
        hint_index, hint_term = lg.find_conflict_by_term(hint_index, m.log_term)
        self._send(Message(MsgAppResp, to=m.from_, index=m.index, reject=True,
                           reject_hint=hint_index, log_term=hint_term))

    def _handle_heartbeat(self, m: Message) -> None:
        self.log.commit_to(m.commit)
        self._send(Message(MsgHeartbeatResp, to=m.from_, context=m.context))

    # ------------------------------------------------------------------ ReadIndex
    def _committed_entry_in_current_term(self) -> bool:
        return self.log.term(self.log.committed) == self.term

    def _respond_read_index(self, req: Message, read_index: int) -> None:
        if req.from_ is None or req.from_ == self.id:
            self.read_states.append(ReadState(read_index, req.entries[0].data))
            return
        self._send(Message(MsgReadIndexResp, to=req.from_, index=read_index, entries=req.entries))

    def _send_read_index_response(self, m: Message) -> None:
        ctx = m.entries[0].data
        self._read_only.add_request(self.log.committed, m)
        self._read_only.recv_ack(self.id, ctx)  # the leader acks its own request
        self._bcast_heartbeat_with_ctx(ctx)

    def _release_pending_read_index_messages(self) -> None:
        if not self._pending_read_index_messages or not self._committed_entry_in_current_term():
            return
        msgs, self._pending_read_index_messages = self._pending_read_index_messages, []
        for m in msgs:
            self._send_read_index_response(m)
