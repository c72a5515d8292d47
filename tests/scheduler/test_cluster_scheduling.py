"""Scheduling scenarios through ``k8slab.Cluster`` (controllers and kubelets included)."""

import collections

import pytest

k8slab = pytest.importorskip("k8slab")

FAILED = ("0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: "
          "3 No preemption victims found for incoming pod.")

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 6
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        resources:
          requests: {cpu: 100m, memory: 64Mi}
"""


def cluster(**kw):
    try:
        return k8slab.Cluster(seed=0, nodes=3, **kw)
    except ImportError as e:  # pragma: no cover - while other components are being written
        pytest.skip(f"cluster not available: {e}")


def test_three_cpu_pod_on_two_cpu_nodes():
    c = cluster()
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "big"},
             "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "3"}}}]}})
    c.run(10)
    pod = c.client.get("pods", "big", "default")
    cond = [x for x in pod["status"]["conditions"] if x["type"] == "PodScheduled"][0]
    assert (cond["status"], cond["reason"], cond["message"]) == ("False", "Unschedulable", FAILED)
    evs = [e for e in c.client.list("events", "default")["items"] if e["reason"] == "FailedScheduling"]
    assert [(e["type"], e["message"], e["source"]["component"]) for e in evs] == \
        [("Warning", FAILED, "default-scheduler")]


def test_deployment_spreads_and_is_deterministic():
    def run():
        c = cluster()
        c.apply(DEPLOYMENT)
        c.run(30)
        pods = c.client.list("pods", "default")["items"]
        return c, {p["metadata"]["name"]: p["spec"].get("nodeName") for p in pods}

    c, a = run()
    _, b = run()
    assert a == b
    assert sorted(collections.Counter(a.values()).values()) == [2, 2, 2]
    sched = [e for e in c.client.list("events", "default")["items"] if e["reason"] == "Scheduled"]
    assert len(sched) == 6
    assert all(e["message"].startswith("Successfully assigned default/web-") for e in sched)
    df = c.scheduler.explain(next(iter(a)))
    assert list(df.index) == ["node-1", "node-2", "node-3"] and df["feasible"].all()
    assert df["PodTopologySpread"].notna().all()


def test_taints_and_tolerations_through_add_node():
    c = cluster()
    c.add_node("gpu-1", cpu="8", memory="16Gi", labels={"accelerator": "gpu"},
               taints=[{"key": "gpu", "value": "true", "effect": "NoSchedule"}])
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "trainer"},
             "spec": {"nodeSelector": {"accelerator": "gpu"},
                      "tolerations": [{"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}],
                      "containers": [{"name": "c", "image": "busybox", "resources": {"requests": {"cpu": "4"}}}]}})
    c.run(10)
    assert c.client.get("pods", "trainer", "default")["spec"].get("nodeName") == "gpu-1"
    df = c.scheduler.explain({"metadata": {"name": "plain"}, "spec": {"containers": [{"name": "c", "image": "x"}]}})
    assert df.loc["gpu-1", "reason"] == "node(s) had untolerated taint {gpu: true}"


def test_critical_pod_preempts_through_the_cluster():
    c = cluster()
    c.apply(DEPLOYMENT.replace("replicas: 6", "replicas: 3").replace("cpu: 100m", "cpu: 1500m"))
    c.run(20)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "critical"},
             "spec": {"priorityClassName": "system-cluster-critical",
                      "containers": [{"name": "c", "image": "busybox", "resources": {"requests": {"cpu": "1"}}}]}})
    c.run(60)
    crit = c.client.get("pods", "critical", "default")
    assert crit["spec"]["priority"] == 2000000000
    assert crit["spec"].get("nodeName")
    reasons = [e["reason"] for e in c.client.list("events", "default")["items"]]
    assert "Preempted" in reasons
    # the Deployment replaced its victim, which now waits: no node has 1500m left
    web = [p for p in c.client.list("pods", "default")["items"] if p["metadata"]["name"].startswith("web-")]
    pending = [p for p in web if not p["spec"].get("nodeName")]
    assert len(pending) == 1
    assert pending[0]["status"]["conditions"][0]["message"].startswith("0/3 nodes are available: 3 Insufficient cpu.")
