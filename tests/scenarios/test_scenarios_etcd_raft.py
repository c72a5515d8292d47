"""Scenarios: a cluster whose etcd is a 3-member Raft cluster (Cluster(etcd_members=3))."""

import pytest

import k8slab
from k8slab import ApiError, KubectlError

DEPLOY = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
          "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                   "template": {"metadata": {"labels": {"app": "web"}},
                                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}


def ready(c, name="web"):
    d = c.get("deployments", name)
    return d["status"].get("availableReplicas", 0), d["spec"]["replicas"]


def test_killing_the_etcd_leader_while_a_deployment_scales_up():
    """The issue's "Done when": the Deployment reaches its desired replicas and etcd has a new leader."""
    c = k8slab.Cluster(seed=0, nodes=3, etcd_members=3)
    c.apply(DEPLOY)
    c.run(20)
    assert ready(c) == (3, 3)
    c.kubectl("scale deployment web --replicas=12")
    c.run(0.3)  # the scale-up is under way
    old = c.etcd.leader
    c.etcd.stop_member(old)
    assert c.run_until(lambda: ready(c) == (12, 12), timeout=120)
    assert c.etcd.leader not in (None, old)
    assert [name for _, _, name in c.etcd.leader_history][-1] == c.etcd.leader
    rows = {r["name"]: r for r in c.etcd.member_rows()}
    assert rows[old]["running"] is False
    live = [n for n in c.etcd.names if n != old]
    kvs = [c.etcd.member_store(n).range("/registry/", prefix=True)[0] for n in live]
    assert kvs[0] == kvs[1] == c.etcd.range("/registry/", prefix=True)[0]


def test_without_quorum_kubectl_scale_times_out_and_nothing_changes_then_heal_resumes():
    c = k8slab.Cluster(seed=1, nodes=2, etcd_members=3)
    c.apply(DEPLOY)
    c.run(20)
    lead = c.etcd.leader
    c.etcd.partition([lead], [n for n in c.etcd.names if n != lead][:1])  # three groups of one
    rev = c.etcd.revision
    with pytest.raises(KubectlError) as e:
        c.kubectl("scale deployment web --replicas=5")
    assert str(e.value) == "Error from server: etcdserver: request timed out"
    with pytest.raises(ApiError) as e2:
        c.client.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                                 "spec": {"containers": [{"name": "c", "image": "nginx"}]}}, "default")
    assert (e2.value.code, e2.value.reason, e2.value.message) == (500, "", "etcdserver: request timed out")
    assert c.etcd.revision == rev
    c.run(60)  # controllers, kubelets and the node lifecycle controller keep failing and retrying
    assert c.etcd.revision == rev and c.etcd.leader is None
    assert c.get("deployments", "web")["spec"]["replicas"] == 3
    c.etcd.heal()
    assert c.run_until(lambda: c.etcd.leader is not None, timeout=10)
    c.kubectl("scale deployment web --replicas=5")
    assert c.run_until(lambda: ready(c) == (5, 5), timeout=120)
    assert "Ready" in c.kubectl("get nodes")


def test_stopping_two_of_three_members_stalls_the_cluster_until_they_return():
    c = k8slab.Cluster(seed=2, nodes=2, etcd_members=3)
    c.apply(DEPLOY)
    c.run(20)
    followers = [n for n in c.etcd.names if n != c.etcd.leader]
    for n in followers:
        c.etcd.stop_member(n)
    with pytest.raises(KubectlError, match=r"^Error from server: etcdserver: request timed out$"):
        c.kubectl("delete pod " + c.list("pods", "default")[0]["metadata"]["name"])
    c.run(30)
    assert len(c.list("pods", "default")) == 3
    for n in followers:
        c.etcd.start_member(n)
    assert c.run_until(lambda: c.etcd.has_quorum, timeout=10, poll=0.1)
    c.kubectl("scale deployment web --replicas=4")
    assert c.run_until(lambda: ready(c) == (4, 4), timeout=120)


def test_same_seed_same_leader_history_and_objects():
    def scenario():
        c = k8slab.Cluster(seed=5, nodes=2, etcd_members=3)
        c.apply(DEPLOY)
        c.run(5)
        c.etcd.stop_member(c.etcd.leader)
        c.kubectl("scale deployment web --replicas=6")  # may time out before the new election
        c.run(30)
        return c.etcd.leader_history, c.kubectl("get pods -o wide"), c.etcd.revision
    try:
        a = scenario()
    except KubectlError as e:
        a = str(e)
    try:
        b = scenario()
    except KubectlError as e:
        b = str(e)
    assert a == b


def test_etcd_members_argument():
    c = k8slab.Cluster(seed=0, nodes=0)
    assert c.etcd.leader == "etcd-0" and list(c.etcd.members.index) == ["etcd-0"]
    with pytest.raises(ValueError, match="single etcd member"):
        c.etcd.stop_member("etcd-0")
    for bad in (0, -1, "3", True):
        with pytest.raises(ValueError, match="etcd_members"):
            k8slab.Cluster(nodes=0, etcd_members=bad)
    with pytest.raises(ValueError, match="data_dir"):
        k8slab.Cluster(nodes=0, etcd_members=3, data_dir="/nonexistent")
    c5 = k8slab.Cluster(seed=0, nodes=1, etcd_members=5)
    assert len(c5.etcd.members) == 5 and c5.etcd.leader is not None
