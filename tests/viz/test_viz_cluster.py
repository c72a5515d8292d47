"""The data behind the cluster drawing, the tables and the failure timeline, from real clusters."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

import k8slab
from k8slab import viz
from k8slab.viz.cluster_view import UNSCHEDULED, status_colour

WEB = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
       "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                             "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2",
                                                      "ports": [{"containerPort": 80}]}]}}}}


def make(seed: int = 0, run: float = 30, nodes: int = 3):
    c = k8slab.Cluster(seed=seed, nodes=nodes)
    c.apply(WEB)
    c.run(run)
    return c


@pytest.fixture(scope="module")
def running():
    return make()


def test_cluster_layout_one_row_per_pod(running):
    df = viz.cluster_layout(running)
    assert list(df.columns) == ["node", "pod", "namespace", "phase", "status", "ready"]
    assert len(df) == 3
    assert set(df["status"]) == {"Running"} and df["ready"].all()
    assert sorted(df["node"]) == ["node-1", "node-2", "node-3"]  # spread over the nodes
    assert list(df["node"]) == sorted(df["node"])
    # the same rows kubectl prints
    text = running.kubectl("get pods -o wide")
    for row in df.itertuples():
        assert any(row.pod in line and row.node in line and row.status in line for line in text.splitlines())


def test_layout_before_the_scheduler_acts():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hello"},
             "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2"}]}})
    df = viz.cluster_layout(c)
    assert df.to_dict("records") == [{"node": UNSCHEDULED, "pod": "hello", "namespace": "default",
                                      "phase": "Pending", "status": "Pending", "ready": False}]
    fig = Figure()
    viz.draw_cluster(c, ax=fig.add_subplot())
    assert any(t.get_text() == UNSCHEDULED for t in fig.axes[0].texts)


def test_viz_reads_do_not_touch_the_trace(running):
    n = len(running.trace)
    viz.cluster_layout(running)
    viz.pods_table(running)
    viz.nodes_table(running)
    viz.events_table(running)
    fig = Figure()
    viz.draw_cluster(running, ax=fig.add_subplot())
    assert len(running.trace) == n


@pytest.mark.parametrize("status, ready, colour", [
    ("Running", True, "#2e9e44"),
    ("Running", False, "#e3b505"),
    ("Pending", False, "#f0a030"),
    ("ContainerCreating", False, "#f5c542"),
    ("Terminating", True, "#9e9e9e"),
    ("CrashLoopBackOff", False, "#d0342c"),
    ("SomethingNew", False, "#c0392b"),
])
def test_status_colours(status, ready, colour):
    assert status_colour(status, ready) == colour


def test_draw_cluster_draws_each_pod(running):
    fig = Figure()
    ax = fig.add_subplot()
    assert viz.draw_cluster(running, ax=ax) is fig
    suffixes = {p.rsplit("-", 1)[1] for p in viz.cluster_layout(running)["pod"]}
    assert suffixes <= {t.get_text() for t in ax.texts}
    assert "3 pods on 3 nodes" in ax.get_title()


def test_pods_and_nodes_tables(running):
    pods = viz.pods_table(running)
    assert list(pods.columns) == ["namespace", "name", "ready", "status", "restarts", "ip", "node", "phase", "owner",
                                  "created"]
    assert list(pods["ready"]) == ["1/1"] * 3
    assert pods["owner"].str.startswith("ReplicaSet/web-").all()
    assert list(pods["name"]) == sorted(pods["name"])
    nodes = viz.nodes_table(running)
    assert list(nodes["name"]) == ["node-1", "node-2", "node-3"]
    assert list(nodes["status"]) == ["Ready"] * 3
    assert nodes["pods"].sum() == 3
    assert list(nodes["pod_cidr"]) == ["10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24"]


def test_events_table_in_time_order(running):
    ev = viz.events_table(running)
    assert list(ev["time"]) == sorted(ev["time"])
    created = ev[ev["reason"] == "SuccessfulCreate"]
    assert len(created) == 3 and set(created["source"]) == {"replicaset-controller"}
    started = ev[ev["reason"] == "Started"]
    assert len(started) == 3 and started["source"].str.startswith("kubelet, node-").all()
    assert viz.events_table(running, since=1e9).empty


def test_tables_deterministic():
    a, b = make(), make()
    for f in (viz.cluster_layout, viz.pods_table, viz.nodes_table, viz.events_table, viz.etcd_keys):
        assert f(a).equals(f(b)), f.__name__


def test_etcd_keys(running):
    keys = viz.etcd_keys(running)
    row = keys[keys["key"] == "/registry/deployments/default/web"].iloc[0]
    assert (row["resource"], row["kind"], row["namespace"], row["name"]) == ("deployments", "Deployment", "default",
                                                                             "web")
    assert str(row["mod_revision"]) == running.get("deployments", "web")["metadata"]["resourceVersion"]
    node = keys[keys["key"] == "/registry/minions/node-1"].iloc[0]
    assert (node["kind"], node["namespace"], node["name"]) == ("Node", "", "node-1")


def test_node_failure_timeline_v132_defaults():
    """Grace period 50 s, then the 300 s unreachable toleration, then replacements elsewhere."""
    c = make()
    victim = viz.cluster_layout(c).set_index("node").loc["node-2", "pod"]
    t0 = c.now
    samples = viz.observe(c, 60, every=5)
    assert samples["time"].iloc[0] == t0 and samples["time"].iloc[-1] == t0 + 60
    assert list(samples.columns) == ["time", "node", "node_status", "pods", "ready", "terminating"]
    assert set(samples["node_status"]) == {"Ready"}  # a healthy cluster stays healthy
    c.fail_node("node-2")
    t_fail = c.now
    samples = viz.observe(c, 400, every=5)
    node2 = samples[samples["node"] == "node-2"]
    not_ready_at = node2[node2["node_status"] == "NotReady"]["time"].min()
    assert 50 <= not_ready_at - t_fail <= 65
    events = viz.failure_events(c, since=t_fail)
    evicted = events[events["reason"] == "TaintManagerEviction"]
    assert list(evicted["object"]) == [f"pod/{victim}"]
    nn = events[(events["reason"] == "NodeNotReady") & (events["object"] == "node/node-2")]["time"].iloc[0]
    assert evicted["time"].iloc[0] - nn == pytest.approx(300, abs=1)
    marks = dict((label, t) for t, label in viz.failure_marks(events, "node-2", t_fail))
    assert list(marks) == ["node-2 goes dark", "node-2 NotReady", "pods evicted", "replacement created",
                           "replacement started"]
    last = samples[samples["time"] == samples["time"].max()].set_index("node")
    assert last.loc["node-2", "terminating"] == 1  # nobody on node-2 can confirm the containers stopped
    assert last.drop("node-2")["ready"].sum() == 3
    wide = viz.ready_by_node(samples)
    assert list(wide.columns) == ["node-1", "node-2", "node-3"]
    assert wide["node-2"].iloc[-1] == 0
    tr = viz.transitions(samples)
    assert len(tr) < len(samples)
    fig = Figure()
    assert viz.draw_timeline(samples, ax=fig.add_subplot(), marks=list(marks.items())[:0]) is fig


def test_observe_rejects_bad_interval(running):
    with pytest.raises(ValueError):
        viz.observe(running, 10, every=0)
