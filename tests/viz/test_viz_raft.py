"""The RaftScope-style drawing's data, and the widget's step functions."""

import matplotlib

matplotlib.use("Agg")

import pytest

import k8slab
from k8slab.viz.raft import describe, draw_raft, entry_label, members_table, messages_table, raft_snapshot
from k8slab.widgets import raft as wr


@pytest.fixture
def c():
    c = k8slab.Cluster(seed=0, nodes=1, etcd_members=3)
    c.run(2)
    return c


def test_snapshot_members_logs_and_messages(c):
    snap = raft_snapshot(c)
    assert snap["leader"] == c.etcd.leader
    roles = sorted(m["role"] for m in snap["members"])
    assert roles == ["follower", "follower", "leader"]
    lead = next(m for m in snap["members"] if m["role"] == "leader")
    assert lead["log"] == len(lead["entries"]) and lead["commit"] == lead["log"]
    assert lead["entries"][0][2] == "·"  # the new leader's empty entry
    assert {lab for _, _, lab in lead["entries"][1:]} <= {"T", "P", "D", "C", "L"}
    t = members_table(snap)
    assert list(t.index) == list(c.etcd.names) and list(t.columns)[:3] == ["running", "role", "term"]
    # messages in flight: step a few ms past a heartbeat tick
    seen = 0
    for _ in range(40):
        snap = wr.step_time(c, 0.005)
        seen += len(snap["messages"])
        for m in snap["messages"]:
            assert 0 <= m["progress"] <= 1 and m["sent"] <= snap["time"] <= m["deliver_at"]
    assert seen > 0
    assert list(messages_table(snap).columns) == ["src", "dst", "type", "term", "sent", "deliver_at", "progress"]
    ax = draw_raft(snap)
    assert "leader" in ax.get_title()


def test_step_functions_stop_partition_heal(c):
    old = c.etcd.leader
    snap = wr.stop_step(c, old, seconds=3)
    assert snap["leader"] not in (None, old)
    assert next(m for m in snap["members"] if m["name"] == old)["role"] == "stopped"
    assert wr.write_step(c).startswith("ok rev ")
    snap = wr.start_step(c, old, seconds=1)
    assert len({m["log"] for m in snap["members"]}) == 1
    lead = snap["leader"]
    snap = wr.isolate_step(c, lead, seconds=0)
    assert wr.write_step(c) == "error: etcdserver: request timed out"
    snap = wr.step_time(c, 3)
    assert snap["leader"] not in (None, lead)
    snap = wr.heal_step(c, seconds=2)
    assert "leader=" in describe(snap) and len({m["term"] for m in snap["members"]}) == 1


def test_entry_labels_and_single_member_refused():
    assert [entry_label(d) for d in (None, {"op": "mvcc", "method": "txn"}, {"op": "mvcc", "method": "lease_grant"}, 5)] \
        == ["·", "T", "L", "*"]
    with pytest.raises(ValueError, match="single etcd member"):
        raft_snapshot(k8slab.Cluster(seed=0, nodes=0))


def test_panel_builds(c):
    box = wr.raft_panel(c)
    assert "k8slab-raft" in box._dom_classes
