"""Self-healing end to end with upstream's default timings, through k8slab.Cluster.

Timeline (v1.32 defaults): the kubelet renews its Lease every 10 s; the node lifecycle
controller looks every 5 s (node-monitor-period) and marks a node whose heartbeat is older
than node-monitor-grace-period (50 s in v1.32, kubernetes/kubernetes#126287) Ready=Unknown,
with the ``node.kubernetes.io/unreachable`` NoExecute+NoSchedule taints; pods carry the
DefaultTolerationSeconds tolerations (300 s) and are evicted that long after the taint's
timeAdded; their ReplicaSet recreates them on the other nodes.
"""

import pytest

import k8slab
from k8slab.api.meta import parse_time


def deployment(replicas=6):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}}


def ready_status(c, node):
    n = c.get("nodes", node, None)
    return next(x for x in n["status"]["conditions"] if x["type"] == "Ready")["status"]


def live_pods(c):
    return [p for p in c.list("pods", "default") if not p["metadata"].get("deletionTimestamp")]


def test_node_failure_timeline_with_default_timings():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply(deployment())
    c.run(60)
    on_victim = {p["metadata"]["name"] for p in live_pods(c) if p["spec"]["nodeName"] == "node-2"}
    assert on_victim
    lease = c.get("leases", "node-2", "kube-node-lease")
    last_renew = parse_time(lease["spec"]["renewTime"])
    t_fail = c.now
    c.fail_node("node-2")

    assert c.run_until(lambda: ready_status(c, "node-2") == "Unknown", timeout=120, poll=0.5)
    t_unknown = c.now
    # the grace period (50 s) from the last heartbeat the controller saw, found by a 5 s monitor loop
    assert 50 <= t_unknown - last_renew <= 50 + 10 + 5 + 1, (t_unknown, last_renew)
    node = c.get("nodes", "node-2", None)
    cond = next(x for x in node["status"]["conditions"] if x["type"] == "Ready")
    assert (cond["reason"], cond["message"]) == ("NodeStatusUnknown", "Kubelet stopped posting node status.")
    taints = {(t["key"], t["effect"]) for t in node["spec"]["taints"]}
    assert taints == {("node.kubernetes.io/unreachable", "NoExecute"), ("node.kubernetes.io/unreachable", "NoSchedule")}
    t_taint = parse_time(next(t for t in node["spec"]["taints"] if t["effect"] == "NoExecute")["timeAdded"])
    # pods on the node are marked not ready at once
    c.run(1)
    for p in c.list("pods", "default"):
        if p["metadata"]["name"] in on_victim:
            assert next(x for x in p["status"]["conditions"] if x["type"] == "Ready")["status"] == "False"
            tol = [t for t in p["spec"]["tolerations"] if t["key"] == "node.kubernetes.io/unreachable"]
            assert tol == [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                            "tolerationSeconds": 300}]

    # nothing is evicted before tolerationSeconds
    c.run(t_taint + 299 - c.now)
    assert not any(p["metadata"].get("deletionTimestamp") for p in c.list("pods", "default"))
    assert c.run_until(lambda: any(p["metadata"].get("deletionTimestamp") for p in c.list("pods", "default")),
                       timeout=10, poll=0.25)
    assert 300 <= c.now - t_taint <= 301
    evicted = [p for p in c.list("pods", "default") if p["metadata"].get("deletionTimestamp")]
    assert {p["metadata"]["name"] for p in evicted} == on_victim
    dt = next(x for x in evicted[0]["status"]["conditions"] if x["type"] == "DisruptionTarget")
    assert dt["reason"] == "DeletionByTaintManager"
    # replacements on the healthy nodes
    assert c.run_until(lambda: len([p for p in live_pods(c) if p["status"].get("phase") == "Running"]) == 6,
                       timeout=60)
    assert all(p["spec"]["nodeName"] != "node-2" for p in live_pods(c))
    reasons = [e["reason"] for e in c.list("events", "default")]
    assert "TaintManagerEviction" in reasons
    assert t_unknown - t_fail <= 61

    # the node comes back: Ready, untainted, and used again
    c.recover_node("node-2")
    assert c.run_until(lambda: ready_status(c, "node-2") == "True", timeout=60)
    assert c.run_until(lambda: not c.get("nodes", "node-2", None)["spec"].get("taints"), timeout=30)
    c.run(35)  # the kubelet deletes the pods it finds evicted
    assert not [p for p in c.list("pods", "default") if p["metadata"]["name"] in on_victim]
    c.kubectl("scale deployment web --replicas=12")
    assert c.run_until(lambda: len(live_pods(c)) == 12, timeout=60)
    c.run(5)
    assert any(p["spec"]["nodeName"] == "node-2" for p in live_pods(c))


def test_deleted_pod_is_replaced_and_container_restarts():
    c = k8slab.Cluster(seed=1, nodes=2)
    c.apply(deployment(replicas=3))
    c.run(30)
    victim = live_pods(c)[0]["metadata"]["name"]
    c.kubectl(f"delete pod {victim}")
    assert c.run_until(lambda: len([p for p in live_pods(c) if p["status"].get("phase") == "Running"]) == 3
                       and victim not in {p["metadata"]["name"] for p in live_pods(c)}, timeout=60)
    reasons = [e["message"] for e in c.list("events", "default") if e["reason"] == "SuccessfulCreate"]
    assert len(reasons) == 4


def test_node_lifecycle_defaults_are_upstreams():
    c = k8slab.Cluster(seed=0, nodes=0)
    nlc = c.controller_manager.controllers["node-controller"]
    assert (nlc.period, nlc.grace, nlc.startup_grace) == (5.0, 50.0, 60.0)


@pytest.mark.parametrize("grace", [20.0, 40.0])
def test_grace_period_is_configurable(grace):
    c = k8slab.Cluster(seed=0, nodes=2, controller_options={"node-controller": {"node_monitor_grace_period": grace}})
    c.run(30)
    lease = c.get("leases", "node-1", "kube-node-lease")
    last = parse_time(lease["spec"]["renewTime"])
    c.fail_node("node-1")
    assert c.run_until(lambda: ready_status(c, "node-1") == "Unknown", timeout=120, poll=0.5)
    assert grace <= c.now - last <= grace + 16
