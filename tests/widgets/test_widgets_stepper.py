"""The stepper: one kernel event per step, with the API calls it made."""

from __future__ import annotations

import ipywidgets as w
import pytest

import k8slab
from k8slab.widgets import fail_step, failure_panel, recover_step, step_events, stepper_panel, summary

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hello"},
       "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2"}]}}


@pytest.fixture
def cluster():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.run(5)
    return c


def test_step_events_one_event_each(cluster):
    cluster.apply(POD)
    steps0 = cluster.kernel.steps
    out = step_events(cluster, 5)
    assert len(out) == 5
    assert cluster.kernel.steps == steps0 + 5
    for text in out:
        assert text.startswith("t=")
        for line in text.splitlines()[1:]:
            assert line.startswith("    ") and " -> " in line


def test_step_events_show_the_binding(cluster):
    cluster.apply(POD)
    lines = []
    for _ in range(200):
        lines += step_events(cluster, 1)
        if any("create/binding Pod hello" in t for t in lines):
            break
    text = "\n".join(lines)
    assert "default-scheduler -> kube-apiserver: create/binding Pod hello (node " in text
    assert "kube-apiserver -> etcd: txn/put /registry/pods/default/hello" in text


def test_step_events_deterministic():
    def run():
        c = k8slab.Cluster(seed=0, nodes=2)
        c.apply(POD)
        return step_events(c, 30)
    assert run() == run()


def test_step_events_bad_n(cluster):
    with pytest.raises(ValueError):
        step_events(cluster, -1)


def test_stepper_panel_buttons(cluster):
    cluster.apply(POD)
    box = stepper_panel(cluster, big_step=10)
    assert "k8slab-stepper" in box._dom_classes
    buttons = [ch for ch in box.children[0].children if isinstance(ch, w.Button)]
    log = box.children[1]
    steps0 = cluster.kernel.steps
    buttons[0].click()
    assert cluster.kernel.steps == steps0 + 1
    assert "t=" in log.value
    buttons[1].click()
    assert cluster.kernel.steps == steps0 + 11


def test_fail_and_recover_step():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
             "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}},
                                   "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2"}]}}}})
    c.run(30)
    samples = fail_step(c, "node-2", 400)
    last = samples[samples["time"] == samples["time"].max()].set_index("node")
    assert last.loc["node-2", "node_status"] == "NotReady"
    assert last.drop("node-2")["ready"].sum() == 3
    assert summary(samples).startswith(f"t={c.now:g}s ")
    samples = recover_step(c, "node-2", 60)
    last = samples[samples["time"] == samples["time"].max()].set_index("node")
    assert last.loc["node-2", "node_status"] == "Ready"
    assert last.loc["node-2", "terminating"] == 0


def test_failure_panel_builds(cluster):
    box = failure_panel(cluster)
    assert "k8slab-failure" in box._dom_classes
