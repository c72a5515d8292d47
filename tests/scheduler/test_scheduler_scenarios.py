"""Scenarios: a control plane with only the scheduler; pods are created and the kernel runs."""

import pandas as pd
import pytest

from sched_harness import SchedPlane, node, pod

from k8slab.api.errors import ApiError
from k8slab.scheduler.scheduler import num_feasible_nodes_to_find

NODE_CAP = {"cpu": "2", "memory": "4Gi", "pods": "110"}


def nodes(n=3, cap=NODE_CAP, **kw):
    return [node(f"node-{i + 1}", cap, labels={"kubernetes.io/hostname": f"node-{i + 1}"}, **kw) for i in range(n)]


def web(name, cpu="100m", mem="128Mi", **kw):
    return pod(name, {"cpu": cpu, "memory": mem}, **kw)


FAILED_3CPU = ("0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: "
               "3 No preemption victims found for incoming pod.")


def test_failed_scheduling_insufficient_cpu():
    cp = SchedPlane(nodes=nodes())
    cp.create_pod(pod("big", {"cpu": "3"}))
    cp.run(2)
    p = cp.pods()["big"]
    assert "nodeName" not in p["spec"]
    cond = [c for c in p["status"]["conditions"] if c["type"] == "PodScheduled"]
    assert cond == [{"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                     "lastTransitionTime": "2025-01-01T00:00:00Z", "reason": "Unschedulable", "message": FAILED_3CPU}]
    evs = [e for e in cp.events() if e["reason"] == "FailedScheduling"]
    assert len(evs) == 1
    e = evs[0]
    assert (e["type"], e["message"], e["source"], e["reportingComponent"]) == \
        ("Warning", FAILED_3CPU, {"component": "default-scheduler"}, "default-scheduler")
    assert e["involvedObject"]["name"] == "big" and e["involvedObject"]["kind"] == "Pod"
    assert cp.scheduler.pending_pods()["unschedulablePods"] == ["default/big"]


def test_preemption_never_and_unresolvable_messages():
    cp = SchedPlane(nodes=nodes(2) + [node("node-3", NODE_CAP, taints=[{"key": "gpu", "value": "true",
                                                                         "effect": "NoSchedule"}])])
    cp.create_pod(pod("big", {"cpu": "3"}, preemptionPolicy="Never"))
    cp.create_pod(pod("picky", {"cpu": "100m"}, nodeSelector={"disk": "ssd"}))
    cp.create_pod(pod("mixed", {"cpu": "3"}))
    cp.run(2)
    msgs = {p["metadata"]["name"]: p["status"]["conditions"][0]["message"] for p in cp.pods().values()}
    assert msgs["big"] == ("0/3 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 2 Insufficient cpu. "
                           "preemption: not eligible due to preemptionPolicy=Never.")
    # TaintToleration filters before NodeAffinity: the first failing plugin names the reason
    assert msgs["picky"] == ("0/3 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 2 node(s) didn't "
                             "match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption "
                             "is not helpful for scheduling.")
    assert msgs["mixed"] == ("0/3 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 2 Insufficient "
                             "cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
                             "2 No preemption victims found for incoming pod.")


def test_scheduled_event_and_binding():
    cp = SchedPlane(nodes=nodes())
    cp.create_pod(web("web-abc"))
    cp.run(1)
    p = cp.pods()["web-abc"]
    assert p["spec"]["nodeName"] in ("node-1", "node-2", "node-3")
    ev = [e for e in cp.events() if e["reason"] == "Scheduled"]
    assert [e["message"] for e in ev] == [f"Successfully assigned default/web-abc to {p['spec']['nodeName']}"]
    assert ev[0]["type"] == "Normal"
    assert cp.scheduler.schedule_attempts == {"scheduled": 1, "unschedulable": 0, "error": 0}


def test_no_nodes():
    cp = SchedPlane()
    cp.create_pod(web("lonely"))
    cp.run(1)
    c = cp.pods()["lonely"]["status"]["conditions"][0]
    assert (c["reason"], c["message"]) == ("Unschedulable", "no nodes available to schedule pods")
    # a node arrives: the pod is moved back and scheduled
    cp.client.create("nodes", nodes(1)[0])
    cp.run(12)
    assert cp.pods()["lonely"]["spec"].get("nodeName") == "node-1"


def test_unschedulable_pod_scheduled_when_a_node_fits():
    cp = SchedPlane(nodes=nodes())
    cp.create_pod(pod("big", {"cpu": "3"}))
    cp.run(5)
    assert "nodeName" not in cp.pods()["big"]["spec"]
    cp.client.create("nodes", node("big-1", {"cpu": "16", "memory": "64Gi", "pods": "110"}))
    cp.run(1)  # the NodeAdd event moves it; its 1 s backoff has passed
    assert cp.pods()["big"]["spec"]["nodeName"] == "big-1"


def test_backoff_then_leftover_flush():
    cp = SchedPlane(nodes=nodes())
    cp.create_pod(pod("big", {"cpu": "3"}))
    cp.run(299)
    ev = [e for e in cp.events() if e["reason"] == "FailedScheduling"][0]
    assert ev["count"] == 1  # no cluster event could help: it stays in unschedulablePods
    cp.run(31)  # the 30 s leftover flush after 5 minutes retries it
    ev = [e for e in cp.events() if e["reason"] == "FailedScheduling"][0]
    assert ev["count"] == 2


def test_scheduling_gates():
    cp = SchedPlane(nodes=nodes())
    cp.create_pod(web("gated", schedulingGates=[{"name": "example.com/wait"}]))
    cp.run(5)
    assert "nodeName" not in cp.pods()["gated"]["spec"]
    assert cp.scheduler.pending_pods()["unschedulablePods"] == ["default/gated"]
    p = cp.pods()["gated"]
    p["spec"]["schedulingGates"] = []
    cp.client.update("pods", p)
    cp.run(1)
    assert cp.pods()["gated"]["spec"].get("nodeName")


def test_least_allocated_spreads_pods():
    cp = SchedPlane(nodes=nodes())
    for i in range(6):
        cp.create_pod(web(f"web-{i}", cpu="500m"))
    cp.run(2)
    per_node = pd.Series([p["spec"]["nodeName"] for p in cp.pods().values()]).value_counts()
    assert sorted(per_node.tolist()) == [2, 2, 2]


MOST_ALLOCATED = """
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
"""


def test_most_allocated_packs_pods():
    cp = SchedPlane(nodes=nodes(), config=MOST_ALLOCATED)
    for i in range(3):
        cp.create_pod(web(f"web-{i}", cpu="500m"))
        cp.run(1)
    assert len({p["spec"]["nodeName"] for p in cp.pods().values()}) == 1


def test_second_profile_and_foreign_scheduler():
    cfg = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
           "profiles": [{"schedulerName": "default-scheduler"},
                        {"schedulerName": "no-scoring", "plugins": {"multiPoint": {"disabled": [{"name": "*"}],
                                                                                   "enabled": [
                                                                                       {"name": "PrioritySort"},
                                                                                       {"name": "NodeResourcesFit"},
                                                                                       {"name": "DefaultBinder"}]}}}]}
    cp = SchedPlane(nodes=nodes(), config=cfg)
    cp.create_pod(web("a", schedulerName="no-scoring"))
    cp.create_pod(web("b", schedulerName="someone-else"))
    cp.run(2)
    pods = cp.pods()
    assert pods["a"]["spec"].get("nodeName")
    assert "nodeName" not in pods["b"]["spec"] and not pods["b"]["status"].get("conditions")
    assert cp.scheduler.profiles["no-scoring"].score_plugin_names() == ["NodeResourcesFit"]


# ---------------------------------------------------------------- explain

def test_explain_shape_and_values():
    cp = SchedPlane(nodes=nodes() + [node("tainted", NODE_CAP, taints=[{"key": "gpu", "value": "true",
                                                                         "effect": "NoSchedule"}])])
    cp.create_pod(pod("hog", {"cpu": "1500m", "memory": "1Gi"}, nodeName="node-1"))
    cp.run(1)
    before = cp.server.store.revision
    df = cp.scheduler.explain({"metadata": {"name": "new"},
                               "spec": {"containers": [{"name": "c", "image": "nginx",
                                                        "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}]}})
    assert cp.server.store.revision == before  # explain changes nothing
    assert list(df.columns) == ["feasible", "reason", "TaintToleration", "NodeAffinity", "NodeResourcesFit",
                                "PodTopologySpread", "InterPodAffinity", "NodeResourcesBalancedAllocation",
                                "ImageLocality", "total"]
    assert list(df.index) == ["node-1", "node-2", "node-3", "tainted"]
    assert df["feasible"].tolist() == [False, True, True, False]
    assert df.loc["node-1", "reason"] == "Insufficient cpu"
    assert df.loc["tainted", "reason"] == "node(s) had untolerated taint {gpu: true}"
    assert pd.isna(df.loc["node-1", "total"]) and pd.isna(df.loc["node-1", "NodeResourcesFit"])
    # LeastAllocated: cpu (2000-1000)*100/2000 = 50, memory (4Gi-1Gi)*100/4Gi = 75 -> 62
    assert df.loc["node-2", "NodeResourcesFit"] == 62
    # BalancedAllocation: |0.5 - 0.25| / 2 = 0.125 -> 87
    assert df.loc["node-2", "NodeResourcesBalancedAllocation"] == 87
    # weights: TaintToleration 3, NodeAffinity 2, Fit 1, PTS 2, IPA 2, Balanced 1, ImageLocality 1
    row = df.loc["node-2"]
    assert row["total"] == 3 * row["TaintToleration"] + 2 * row["NodeAffinity"] + row["NodeResourcesFit"] + \
        2 * row["PodTopologySpread"] + 2 * row["InterPodAffinity"] + row["NodeResourcesBalancedAllocation"] + \
        row["ImageLocality"]
    assert str(df["total"].dtype) == "Int64"


def test_explain_by_name_and_errors():
    cp = SchedPlane(nodes=nodes())
    cp.create_pod(pod("big", {"cpu": "3"}))
    cp.run(1)
    df = cp.scheduler.explain("big")
    assert df["reason"].tolist() == ["Insufficient cpu"] * 3
    with pytest.raises(ApiError) as e:
        cp.scheduler.explain("nope")
    assert e.value.code == 404 and e.value.message == 'pods "nope" not found'


# ---------------------------------------------------------------- preemption

def test_preemption_evicts_lower_priority_pods():
    cp = SchedPlane(nodes=nodes(2))
    for i in range(2):
        cp.create_pod(pod(f"low-{i}", {"cpu": "1500m"}, priority=0))
    cp.run(2)
    assert all(p["spec"].get("nodeName") for p in cp.pods().values())
    cp.create_pod(pod("high", {"cpu": "1"}, priority=1000))
    cp.run(1)
    pods = cp.pods()
    high = pods["high"]
    assert "nodeName" not in high["spec"]
    nominated = high["status"]["nominatedNodeName"]
    victims = [p for p in pods.values() if p["metadata"].get("deletionTimestamp")]
    assert len(victims) == 1 and victims[0]["spec"]["nodeName"] == nominated
    dt = [c for c in victims[0]["status"]["conditions"] if c["type"] == "DisruptionTarget"][0]
    assert (dt["reason"], dt["message"]) == ("PreemptionByScheduler",
                                             "default-scheduler: preempting to accommodate a higher priority pod")
    preempted = [e for e in cp.events() if e["reason"] == "Preempted"]
    assert preempted[0]["message"] == f"Preempted by pod {high['metadata']['uid']} on node {nominated}"
    assert high["status"]["conditions"][0]["message"] == "0/2 nodes are available: 2 Insufficient cpu."
    # the kubelet would now stop the victim; play its part
    v = victims[0]["metadata"]["name"]
    cp.client.delete("pods", v, "default", grace_period_seconds=0)
    cp.run(3)
    assert cp.pods()["high"]["spec"]["nodeName"] == nominated


# ---------------------------------------------------------------- percentageOfNodesToScore

@pytest.mark.parametrize("global_pct,profile_pct,n,want", [
    (0, None, 10, 10), (0, 40, 10, 10), (0, None, 1000, 420), (0, 40, 1000, 400), (100, 70, 1000, 700),
    (40, None, 1000, 400), (0, None, 6000, 300), (0, 40, 6000, 2400),
])
def test_num_feasible_nodes_to_find(global_pct, profile_pct, n, want):
    """upstream: schedule_one_test.go TestNumFeasibleNodesToFind."""
    assert num_feasible_nodes_to_find(profile_pct, global_pct, n) == want


def test_percentage_of_nodes_to_score_limits_evaluated_nodes():
    cp = SchedPlane(nodes=[node(f"n-{i:03d}", NODE_CAP) for i in range(200)])
    sched = cp.scheduler
    assert sched.cache.num_nodes() == 200
    cp.create_pod(web("a"))
    cp.run(1)
    # 200 nodes: 50 - 200/125 = 49% -> 98, raised to the minimum of 100 nodes; the next cycle starts after them
    assert sched.next_start_node_index == 100


def test_explain_rejects_an_invalid_manifest():
    cp = SchedPlane(nodes=nodes(1))
    with pytest.raises(ApiError) as e:
        cp.scheduler.explain({"metadata": {"name": "bad"},
                              "spec": {"containers": [{"name": "c", "image": "nginx",
                                                       "resources": {"requests": {"cpu": "lots"}}}]}})
    assert e.value.code == 422 and "spec.containers[0].resources.requests[cpu]" in e.value.message


def test_out_of_tree_plugin():
    """A course-style plugin: prefer nodes whose name sorts first (Score) and refuse node-3 (Filter)."""
    from k8slab.scheduler.framework import Code, Plugin, Status

    class Picky(Plugin):
        name = "Picky"

        def filter(self, state, pi, ni):
            return Status(Code.Unschedulable, "node(s) are node-3") if ni.name == "node-3" else None

        def score(self, state, pi, ni):
            return {"node-1": 0, "node-2": 100}.get(ni.name, 0)

    cfg = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
           "profiles": [{"plugins": {"multiPoint": {"enabled": [{"name": "Picky", "weight": 50}]}}}]}
    cp = SchedPlane(nodes=nodes(), config=cfg, registry={"Picky": lambda args, h: Picky()})
    s = cp.scheduler
    cp.create_pod(web("p"))
    cp.run(1)
    assert cp.pods()["p"]["spec"]["nodeName"] == "node-2"
    df = s.explain("p")
    assert df.loc["node-3", "reason"] == "node(s) are node-3" and df.loc["node-2", "Picky"] == 100
