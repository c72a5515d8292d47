"""The pure Raft node (k8slab.etcd.raft): tables and small scenarios in the style of
etcd-io/raft's raft_test.go and raft_paper_test.go, over a synchronous in-memory network."""

import random

import pytest

from k8slab.etcd.raft import (
    Entry, HardState, MemoryStorage, Message, ProposalDroppedError, RaftLog, RaftNode, RaftStepError,
    MsgApp, MsgAppResp, MsgHeartbeat, MsgHeartbeatResp, MsgHup, MsgPreVote, MsgPreVoteResp, MsgProp,
    MsgReadIndex, MsgVote, MsgVoteResp,
    StateCandidate, StateFollower, StateLeader, StatePreCandidate,
)


# ---------------------------------------------------------------------------- harness
class SyncNet:
    """upstream raft_test.go ``network``: deliver every message at once, FIFO, with cuts."""

    def __init__(self, n=3, *, pre_vote=False, check_quorum=False, seed=0, election_tick=10):
        self.ids = list(range(1, n + 1))
        self.storage = {i: MemoryStorage() for i in self.ids}
        self.nodes = {i: RaftNode(i, self.ids, rng=random.Random(f"{seed}/{i}"), storage=self.storage[i],
                                  pre_vote=pre_vote, check_quorum=check_quorum, election_tick=election_tick)
                      for i in self.ids}
        self.cuts = set()
        self.down = set()
        self.applied = {i: [] for i in self.ids}
        self.read_states = {i: [] for i in self.ids}
        self.log = []  # every message delivered, for assertions

    def drain(self, i):
        node = self.nodes[i]
        out = []
        while node.has_ready():
            rd = node.ready()
            if rd.hard_state is not None:
                self.storage[i].set_hard_state(rd.hard_state)
            self.storage[i].append(rd.entries)
            out.extend(rd.messages)
            self.applied[i].extend(rd.committed_entries)
            self.read_states[i].extend(rd.read_states)
            node.advance(rd)
        return out

    def send(self, msgs):
        queue = list(msgs)
        while queue:
            m = queue.pop(0)
            if m.to in self.down or frozenset((m.from_, m.to)) in self.cuts:
                continue
            self.log.append(m)
            self.nodes[m.to].step(m)
            queue.extend(self.drain(m.to))

    def hup(self, i):
        self.nodes[i].campaign()
        self.send(self.drain(i))

    def propose(self, i, data):
        self.nodes[i].propose(data)
        self.send(self.drain(i))

    def tick(self, i, n=1):
        for _ in range(n):
            self.nodes[i].tick()
            self.send(self.drain(i))

    def cut(self, a, b):
        self.cuts.add(frozenset((a, b)))

    def isolate(self, a):
        for b in self.ids:
            if b != a:
                self.cut(a, b)

    def recover(self):
        self.cuts = set()


def states(net):
    return {i: n.state for i, n in net.nodes.items()}


# ---------------------------------------------------------------------------- config
@pytest.mark.parametrize("kwargs,message", [
    ({"heartbeat_tick": 0}, "heartbeat tick must be greater than 0"),
    ({"election_tick": 1, "heartbeat_tick": 1}, "election tick must be greater than heartbeat tick"),
    ({"id": None}, "cannot use none as id"),
])
def test_config_validation(kwargs, message):
    args = {"id": 1, "peers": [1, 2, 3], "rng": random.Random(0)}
    args.update(kwargs)
    id_ = args.pop("id")
    peers = args.pop("peers")
    with pytest.raises(ValueError, match=message):
        RaftNode(id_, peers, **args)


def test_randomized_election_timeout_range_is_upstreams():
    # upstream: TestRandomizedElectionTimeout -- [electiontimeout, 2 * electiontimeout - 1]
    n = RaftNode(1, [1, 2, 3], rng=random.Random(7))
    seen = set()
    for _ in range(500):
        n._reset_randomized_election_timeout()
        seen.add(n.randomized_election_timeout)
    assert seen == set(range(10, 20))


def test_election_timeout_is_deterministic_per_seed():
    a = RaftNode(1, [1, 2, 3], rng=random.Random(42))
    b = RaftNode(1, [1, 2, 3], rng=random.Random(42))
    assert a.randomized_election_timeout == b.randomized_election_timeout


# ---------------------------------------------------------------------------- elections
def test_follower_times_out_into_candidate_without_prevote():
    # upstream: TestFollowerStartElection (raft_paper_test.go)
    n = RaftNode(1, [1, 2, 3], rng=random.Random(0), pre_vote=False, check_quorum=False)
    for _ in range(2 * n.election_timeout):
        n.tick()
    assert n.state == StateCandidate and n.term == 1 and n.vote == 1
    rd = n.ready()
    votes = sorted((m.to, m.type, m.term) for m in rd.messages)
    assert votes == [(2, MsgVote, 1), (3, MsgVote, 1)]
    assert rd.hard_state == HardState(term=1, vote=1, commit=0) and rd.must_sync


def test_prevote_does_not_bump_the_term():
    n = RaftNode(1, [1, 2, 3], rng=random.Random(0), pre_vote=True)
    n.campaign()
    assert n.state == StatePreCandidate and n.term == 0 and n.vote is None
    rd = n.ready()
    assert sorted((m.to, m.type, m.term) for m in rd.messages) == [(2, MsgPreVote, 1), (3, MsgPreVote, 1)]
    n.advance(rd)
    # one granted pre-vote plus our own is a quorum: now a real election at term 1
    n.step(Message(MsgPreVoteResp, to=1, from_=2, term=1))
    assert n.state == StateCandidate and n.term == 1 and n.vote == 1


@pytest.mark.parametrize("pre_vote", [False, True])
def test_one_leader_elected_and_it_appends_an_empty_entry(pre_vote):
    net = SyncNet(3, pre_vote=pre_vote)
    net.hup(1)
    assert states(net) == {1: StateLeader, 2: StateFollower, 3: StateFollower}
    for n in net.nodes.values():
        assert n.term == 1 and n.lead == 1
        # the new leader's empty entry, replicated and committed
        assert n.entries == (Entry(1, 1, None),) and n.commit == 1


@pytest.mark.parametrize("votes,expected", [
    # upstream: TestLeaderElection -- the fate of candidate 1 given who answers
    ({2: True, 3: True}, StateLeader),
    ({2: True, 3: False}, StateLeader),
    ({2: False, 3: False}, StateFollower),  # VoteLost -> back to follower
])
def test_vote_tally(votes, expected):
    n = RaftNode(1, [1, 2, 3], rng=random.Random(0), pre_vote=False)
    n.campaign()
    n.advance(n.ready())  # our own vote lands at advance()
    for frm, granted in votes.items():
        if n.state != StateCandidate:
            break
        n.step(Message(MsgVoteResp, to=1, from_=frm, term=1, reject=not granted))
    assert n.state == expected


@pytest.mark.parametrize("voter_log,cand_index,cand_term,granted", [
    # upstream: TestVoter / §5.4.1 "at least as up-to-date"
    ([], 0, 0, True),
    ([1], 1, 1, True),
    ([1], 2, 1, True),
    ([1, 1], 1, 1, False),   # same last term, shorter log
    ([1], 1, 2, True),       # higher last term wins even if shorter
    ([1, 2], 3, 1, False),   # lower last term loses even if longer
    ([1, 2], 2, 2, True),
    ([2, 2], 1, 2, False),
])
def test_vote_granted_only_to_up_to_date_candidates(voter_log, cand_index, cand_term, granted):
    st = MemoryStorage()
    st.append([Entry(t, i, None) for i, t in enumerate(voter_log, 1)])
    st.set_hard_state(HardState(term=max(voter_log, default=0), vote=None, commit=0))
    n = RaftNode(1, [1, 2], rng=random.Random(0), storage=st, check_quorum=False)
    n.step(Message(MsgVote, to=1, from_=2, term=3, index=cand_index, log_term=cand_term))
    resp = [m for m in n.ready().messages if m.type == MsgVoteResp]
    assert len(resp) == 1 and resp[0].reject is (not granted)
    assert n.term == 3
    assert (n.vote == 2) is granted


def test_one_vote_per_term():
    n = RaftNode(1, [1, 2, 3], rng=random.Random(0), check_quorum=False)
    n.step(Message(MsgVote, to=1, from_=2, term=1))
    n.step(Message(MsgVote, to=1, from_=3, term=1))
    n.step(Message(MsgVote, to=1, from_=2, term=1))  # a repeat of the vote we cast is fine
    resps = [(m.to, m.reject) for m in n.ready().messages]
    assert resps == [(2, False), (3, True), (2, False)]


def test_vote_survives_restart():
    # hard state (term, vote) is persisted: a restarted node does not vote twice
    net = SyncNet(3)
    net.nodes[1].step(Message(MsgVote, to=1, from_=2, term=5))
    net.drain(1)
    assert net.storage[1].hard_state.vote == 2
    restarted = RaftNode(1, [1, 2, 3], rng=random.Random(1), storage=net.storage[1])
    assert (restarted.term, restarted.vote) == (5, 2)
    restarted.step(Message(MsgVote, to=1, from_=3, term=5))
    assert restarted.ready().messages[0].reject


def test_candidate_steps_down_on_append_from_leader_of_same_term():
    n = RaftNode(1, [1, 2, 3], rng=random.Random(0), pre_vote=False)
    n.campaign()
    n.advance(n.ready())
    n.step(Message(MsgApp, to=1, from_=2, term=1, index=0, log_term=0))
    assert n.state == StateFollower and n.lead == 2


def test_stale_leader_steps_down_on_higher_term():
    net = SyncNet(3)
    net.hup(1)
    old = net.nodes[1]
    net.isolate(1)
    net.hup(2)
    assert net.nodes[2].state == StateLeader and net.nodes[2].term == 2
    assert old.state == StateLeader and old.term == 1  # does not know yet
    net.recover()
    net.tick(2)  # a heartbeat at term 2 reaches the old leader
    assert old.state == StateFollower and old.term == 2 and old.lead == 2


def test_lower_term_append_gets_our_term_back_with_check_quorum():
    # upstream: Step, m.Term < r.Term with checkQuorum/preVote: answer MsgAppResp at our term
    st = MemoryStorage()
    st.set_hard_state(HardState(term=5))
    n = RaftNode(1, [1, 2, 3], rng=random.Random(0), storage=st, check_quorum=True)
    n.step(Message(MsgHeartbeat, to=1, from_=2, term=3))
    msgs = n.ready().messages
    assert [(m.type, m.to, m.term) for m in msgs] == [(MsgAppResp, 2, 5)]


def test_check_quorum_leader_steps_down_when_cut_off():
    net = SyncNet(3, check_quorum=True)
    net.hup(1)
    net.isolate(1)
    leader = net.nodes[1]
    # the first CheckQuorum finds followers recently active; the second does not
    net.tick(1, 2 * leader.election_timeout)
    assert leader.state == StateFollower and leader.term == 1


def test_check_quorum_follower_ignores_votes_within_lease():
    net = SyncNet(3, check_quorum=True)
    net.hup(1)
    f = net.nodes[2]
    f.step(Message(MsgVote, to=2, from_=3, term=2, index=5, log_term=1))
    assert f.term == 1 and f.vote == 1 and not f.ready().messages


# ---------------------------------------------------------------------------- proposals
def test_proposal_replicates_and_commits():
    net = SyncNet(3)
    net.hup(1)
    net.propose(1, "x")
    for i, n in net.nodes.items():
        assert [e.data for e in n.entries] == [None, "x"]
        assert n.commit == 2
        assert [e.data for e in net.applied[i]] == [None, "x"]
        assert net.storage[i].entries == list(n.entries)


def test_follower_forwards_proposals_to_the_leader():
    net = SyncNet(3)
    net.hup(1)
    net.propose(3, "via-follower")
    assert any(m.type == MsgProp and m.from_ == 3 and m.to == 1 for m in net.log)
    assert [e.data for e in net.nodes[1].entries] == [None, "via-follower"]


def test_proposal_dropped_without_leader_or_when_forwarding_disabled():
    n = RaftNode(1, [1, 2, 3], rng=random.Random(0))
    with pytest.raises(ProposalDroppedError, match="raft proposal dropped"):
        n.propose("x")
    f = RaftNode(2, [1, 2, 3], rng=random.Random(0), disable_proposal_forwarding=True)
    f.step(Message(MsgHeartbeat, to=2, from_=1, term=1))
    assert f.lead == 1
    with pytest.raises(ProposalDroppedError):
        f.propose("x")


def test_candidate_drops_proposals():
    n = RaftNode(1, [1, 2, 3], rng=random.Random(0), pre_vote=False)
    n.campaign()
    with pytest.raises(ProposalDroppedError):
        n.propose("x")


def test_minority_leader_never_commits():
    net = SyncNet(5)
    net.hup(1)
    net.cut(1, 3), net.cut(1, 4), net.cut(1, 5)
    net.propose(1, "lost")
    assert net.nodes[1].last_index == 2 and net.nodes[1].commit == 1
    assert net.nodes[2].last_index == 2 and net.nodes[2].commit == 1


@pytest.mark.parametrize("follower_log,prev_index,prev_term,commit,entries,want_index,want_commit,want_reject", [
    # upstream: TestHandleMsgApp -- follower log [1@1, 2@2]: (last index, commit, reject) after
    ([1, 2], 2, 3, 2, [], 2, 0, True),                 # previous log mismatch
    ([1, 2], 3, 3, 3, [], 2, 0, True),                 # previous log non-exist
    ([1, 2], 1, 1, 1, [], 2, 1, False),
    ([1, 2], 0, 0, 1, [(2, 1)], 1, 1, False),          # conflict at index 1: truncate, append
    ([1, 2], 2, 2, 3, [(2, 3), (2, 4)], 4, 3, False),
    ([1, 2], 2, 2, 4, [(2, 3)], 3, 3, False),          # commit only up to the last new entry
    ([1, 2], 1, 1, 4, [(2, 2)], 2, 2, False),
    ([1, 2], 1, 1, 3, [], 2, 1, False),                # ensure 1: commit min(commit, last new)
    ([1, 2], 1, 1, 3, [(2, 2)], 2, 2, False),
    ([1, 2], 2, 2, 3, [], 2, 2, False),
    ([1, 2], 2, 2, 4, [], 2, 2, False),
])
def test_handle_append_entries(follower_log, prev_index, prev_term, commit, entries, want_index, want_commit, want_reject):
    st = MemoryStorage()
    st.append([Entry(t, i, None) for i, t in enumerate(follower_log, 1)])
    st.set_hard_state(HardState(term=2))
    n = RaftNode(1, [1, 2], rng=random.Random(0), storage=st)
    ents = tuple(Entry(t, i, f"e{i}") for t, i in entries)
    n.step(Message(MsgApp, to=1, from_=2, term=2, index=prev_index, log_term=prev_term, commit=commit, entries=ents))
    resp = [m for m in n.ready().messages if m.type == MsgAppResp][0]
    assert (n.last_index, n.commit, resp.reject) == (want_index, want_commit, want_reject)
    if not want_reject:
        assert resp.index == prev_index + len(entries)


@pytest.mark.parametrize("log_terms,index,term,want", [
    # upstream: TestFindConflictByTerm
    ([2, 2, 5, 5, 5], 5, 6, (5, 5)),
    ([2, 2, 5, 5, 5], 5, 5, (5, 5)),
    ([2, 2, 5, 5, 5], 5, 4, (2, 2)),
    ([2, 2, 5, 5, 5], 3, 1, (0, 0)),
    ([1, 1, 1, 2], 4, 1, (3, 1)),
])
def test_find_conflict_by_term(log_terms, index, term, want):
    lg = RaftLog([Entry(t, i) for i, t in enumerate(log_terms, 1)])
    assert lg.find_conflict_by_term(index, term) == want


def test_divergent_follower_log_is_repaired():
    # §5.3: a follower with an uncommitted tail from an old term is overwritten
    st = {i: MemoryStorage() for i in (1, 2, 3)}
    st[1].append([Entry(1, 1), Entry(1, 2), Entry(3, 3), Entry(3, 4)])
    st[1].set_hard_state(HardState(term=3, commit=2))
    st[2].append([Entry(1, 1), Entry(1, 2), Entry(2, 3), Entry(2, 4), Entry(2, 5), Entry(2, 6)])
    st[2].set_hard_state(HardState(term=2, commit=2))
    st[3].append([Entry(1, 1), Entry(1, 2), Entry(3, 3), Entry(3, 4)])
    st[3].set_hard_state(HardState(term=3, commit=2))
    net = SyncNet(3)
    for i in (1, 2, 3):
        net.storage[i] = st[i]
        net.nodes[i] = RaftNode(i, [1, 2, 3], rng=random.Random(i), storage=st[i], pre_vote=False, check_quorum=False)
    net.hup(1)  # 2 has the longer log but a lower last term: 1 wins with 3's vote
    assert net.nodes[1].state == StateLeader and net.nodes[1].term == 4
    terms = [e.term for e in net.nodes[2].entries]
    assert terms == [1, 1, 3, 3, 4]
    assert all(n.entries == net.nodes[1].entries for n in net.nodes.values())
    assert net.nodes[2].commit == 5


def test_leader_does_not_commit_old_term_entries_by_counting():
    # §5.4.2 / Figure 8: an entry of an older term is not committed by being on a majority;
    # only once an entry of the leader's own term is.
    st = MemoryStorage()
    st.append([Entry(1, 1), Entry(2, 2)])
    st.set_hard_state(HardState(term=3, vote=1, commit=1))
    n = RaftNode(1, [1, 2, 3], rng=random.Random(0), storage=st, pre_vote=False, check_quorum=False)
    n.campaign()
    n.advance(n.ready())
    n.step(Message(MsgVoteResp, to=1, from_=2, term=4))
    assert n.state == StateLeader and n.last_index == 3  # the empty entry at term 4
    n.advance(n.ready())
    # follower 2 acknowledges index 2 (the term-2 entry) only
    n.step(Message(MsgAppResp, to=1, from_=2, term=4, index=2))
    assert n.commit == 1
    n.step(Message(MsgAppResp, to=1, from_=2, term=4, index=3))
    assert n.commit == 3


def test_heartbeat_never_commits_past_match():
    net = SyncNet(3)
    net.hup(1)
    net.cut(1, 3)
    net.propose(1, "a")
    net.recover()
    leader = net.nodes[1]
    leader.tick()
    hbs = [m for m in leader.ready().messages if m.type == MsgHeartbeat]
    assert {m.to: m.commit for m in hbs} == {2: 2, 3: 1}


# ---------------------------------------------------------------------------- ready / step contract
def test_ready_twice_without_advance_is_an_error():
    n = RaftNode(1, [1, 2, 3], rng=random.Random(0))
    n.campaign()
    n.ready()
    assert not n.has_ready()
    with pytest.raises(RuntimeError, match="before advance"):
        n.ready()


def test_local_messages_cannot_come_from_the_network():
    n = RaftNode(1, [1, 2, 3], rng=random.Random(0))
    with pytest.raises(RaftStepError, match="raft: cannot step raft local message"):
        n.step(Message(MsgHup, to=1, from_=2))
    with pytest.raises(RaftStepError, match="raft: cannot step as peer not found"):
        n.step(Message(MsgAppResp, to=1, from_=9, term=1))


def test_single_node_commits_at_advance():
    n = RaftNode(1, [1], rng=random.Random(0))
    n.campaign()
    while n.has_ready():
        n.advance(n.ready())
    assert n.state == StateLeader
    n.propose("x")
    rd = n.ready()
    assert [e.data for e in rd.entries] == ["x"] and rd.committed_entries == []
    n.advance(rd)  # the self-ack lands: committed
    rd = n.ready()
    assert [e.data for e in rd.committed_entries] == ["x"]
    n.advance(rd)
    assert n.applied == 2


def test_restart_reapplies_committed_entries():
    net = SyncNet(3)
    net.hup(1)
    net.propose(1, "a")
    r = RaftNode(2, [1, 2, 3], rng=random.Random(9), storage=net.storage[2])
    assert r.commit == 2 and r.applied == 0 and r.state == StateFollower and r.term == 1
    rd = r.ready()
    assert [e.data for e in rd.committed_entries] == [None, "a"]


def test_restart_refuses_commit_beyond_log():
    st = MemoryStorage()
    st.set_hard_state(HardState(term=1, commit=3))
    with pytest.raises(ValueError, match="state.commit 3 is out of range"):
        RaftNode(1, [1, 2, 3], rng=random.Random(0), storage=st)


# ---------------------------------------------------------------------------- ReadIndex
def test_read_index_waits_for_a_quorum_of_heartbeat_acks():
    net = SyncNet(3)
    net.hup(1)
    leader = net.nodes[1]
    leader.read_index("r1")
    msgs = net.drain(1)
    hbs = [m for m in msgs if m.type == MsgHeartbeat]
    assert len(hbs) == 2 and all(m.context == "r1" for m in hbs)
    assert net.read_states[1] == []  # not before leadership is confirmed
    net.send(msgs)
    assert [(rs.index, rs.request_ctx) for rs in net.read_states[1]] == [(1, "r1")]


def test_read_index_on_a_follower_comes_back_from_the_leader():
    net = SyncNet(3)
    net.hup(1)
    net.propose(1, "a")
    net.nodes[3].read_index("r2")
    net.send(net.drain(3))
    assert [(rs.index, rs.request_ctx) for rs in net.read_states[3]] == [(2, "r2")]
    assert any(m.type == MsgReadIndex and m.to == 1 for m in net.log)


def test_read_index_on_a_partitioned_leader_never_answers():
    net = SyncNet(3)
    net.hup(1)
    net.isolate(1)
    net.nodes[1].read_index("stale")
    net.send(net.drain(1))
    net.tick(1, 5)
    assert net.read_states[1] == []


def test_new_leader_postpones_reads_until_it_commits_in_its_term():
    # upstream: stepLeader MsgReadIndex / releasePendingReadIndexMessages
    n = RaftNode(1, [1, 2, 3], rng=random.Random(0), pre_vote=False)
    n.campaign()
    n.advance(n.ready())
    n.step(Message(MsgVoteResp, to=1, from_=2, term=1))
    assert n.state == StateLeader
    n.read_index("r")
    rd = n.ready()
    assert not any(m.type == MsgHeartbeat for m in rd.messages)  # its empty entry is not committed yet
    n.advance(rd)
    n.step(Message(MsgAppResp, to=1, from_=2, term=1, index=1))
    assert n.commit == 1
    rd = n.ready()
    assert sorted((m.to, m.context) for m in rd.messages if m.type == MsgHeartbeat) == [(2, "r"), (3, "r")]
    n.advance(rd)
    n.step(Message(MsgHeartbeatResp, to=1, from_=3, term=1, context="r"))
    assert [(rs.index, rs.request_ctx) for rs in n.ready().read_states] == [(1, "r")]
