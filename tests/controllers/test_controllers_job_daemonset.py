"""Job (completions, parallelism, backoffLimit, conditions) and DaemonSet (one pod per node,
new nodes, rolling update) through k8slab.Cluster."""

import k8slab
from k8slab.api.meta import parse_time

JOBS = """
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  completions: 5
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: ["sh", "-c", "sleep 5"]}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: bad}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: ["sh", "-c", "exit 1"]}]
"""

DS = """
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: c, image: busybox:1.36, command: ["sleep", "3600"]}]
"""


def job_pods(c, name):
    return [p for p in c.list("pods", "default") if (p["metadata"].get("labels") or {}).get("job-name") == name]


def test_job_parallelism_completions_and_complete_condition():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply(JOBS)
    peak = 0
    for _ in range(60):
        c.run(1)
        running = [p for p in job_pods(c, "pi") if p["status"].get("phase") in ("Pending", "Running")
                   and not p["metadata"].get("deletionTimestamp")]
        peak = max(peak, len(running))
        assert len(running) <= 2
    assert peak == 2
    job = c.get("jobs", "pi")
    st = job["status"]
    assert st["succeeded"] == 5 and "active" not in st
    assert [x["type"] for x in st["conditions"]] == ["SuccessCriteriaMet", "Complete"]
    assert st["conditions"][1]["reason"] == "CompletionsReached"
    assert st["conditions"][1]["message"] == "Reached expected number of succeeded pods"
    assert len(job_pods(c, "pi")) == 5
    p = job_pods(c, "pi")[0]
    assert p["metadata"]["labels"]["batch.kubernetes.io/job-name"] == "pi"
    assert p["metadata"]["labels"]["batch.kubernetes.io/controller-uid"] == job["metadata"]["uid"]
    assert "Job completed" in [e["message"] for e in c.list("events", "default") if e["reason"] == "Completed"]


def test_job_backoff_limit_and_backoff_delays():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.apply(JOBS)
    c.run(120)
    st = c.get("jobs", "bad")["status"]
    assert st["failed"] == 3  # backoffLimit 2: the third failure ends it
    assert [x["type"] for x in st["conditions"]] == ["FailureTarget", "Failed"]
    assert st["conditions"][1]["reason"] == "BackoffLimitExceeded"
    assert st["conditions"][1]["message"] == "Job has reached the specified backoff limit"
    created = sorted(parse_time(p["metadata"]["creationTimestamp"]) for p in job_pods(c, "bad"))
    gaps = [b - a for a, b in zip(created, created[1:])]
    assert gaps[0] >= 10 and gaps[1] >= 20  # 10 s, then 20 s after each failure
    assert any(e["reason"] == "BackoffLimitExceeded" for e in c.list("events", "default"))


def ds_pods(c):
    return [p for p in c.list("pods", "default") if (p["metadata"].get("labels") or {}).get("app") == "agent"
            and not p["metadata"].get("deletionTimestamp")]


def test_daemonset_one_pod_per_node_follows_nodes_and_rolls():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply(DS)
    c.run(30)
    pods = ds_pods(c)
    assert sorted(p["spec"]["nodeName"] for p in pods) == ["node-1", "node-2", "node-3"]
    tols = {(t["key"], t["effect"]) for t in pods[0]["spec"]["tolerations"]}
    assert ("node.kubernetes.io/unreachable", "NoExecute") in tols
    assert ("node.kubernetes.io/unschedulable", "NoSchedule") in tols
    st = c.get("daemonsets", "agent")["status"]
    assert (st["desiredNumberScheduled"], st["currentNumberScheduled"], st["numberReady"]) == (3, 3, 3)
    c.add_node("node-4")
    c.run(30)
    assert sorted(p["spec"]["nodeName"] for p in ds_pods(c)) == ["node-1", "node-2", "node-3", "node-4"]
    assert c.kubectl("rollout status daemonset/agent") == 'daemon set "agent" successfully rolled out\n'
    # a rolling update replaces one pod at a time (maxUnavailable 1)
    ds = c.get("daemonsets", "agent")
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "busybox:1.37"
    c.client.update("daemonsets", ds)
    for _ in range(200):
        c.run(0.5)
        running = [p for p in ds_pods(c) if any(x["type"] == "Ready" and x["status"] == "True"
                                                for x in p["status"].get("conditions") or [])]
        assert len(running) >= 3
        if len(running) == 4 and all(p["spec"]["containers"][0]["image"] == "busybox:1.37" for p in running):
            break
    assert {p["spec"]["containers"][0]["image"] for p in ds_pods(c)} == {"busybox:1.37"}
