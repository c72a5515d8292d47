"""``kubectl cordon|uncordon|drain`` against a running cluster, with kubectl v1.32's texts.

upstream: staging/src/k8s.io/kubectl/pkg/cmd/drain/drain_test.go and pkg/drain/filters.go.
"""

import pytest

import k8slab
from k8slab import KubectlError


def deployment(name="web", replicas=3):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}}


def pdb(min_available):
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web-pdb"},
            "spec": {"minAvailable": min_available, "selector": {"matchLabels": {"app": "web"}}}}


def on_node(c, node):
    return sorted(p["metadata"]["name"] for p in c.list("pods", "default")
                  if p["spec"].get("nodeName") == node and not p["metadata"].get("deletionTimestamp"))


@pytest.fixture
def cluster():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply(deployment())
    c.run(30)
    return c


def test_cordon_and_uncordon(cluster):
    assert cluster.kubectl("cordon node-1") == "node/node-1 cordoned\n"
    assert cluster.get("nodes", "node-1", None)["spec"]["unschedulable"] is True
    assert cluster.kubectl("cordon node/node-1") == "node/node-1 already cordoned\n"
    assert "Ready,SchedulingDisabled" in cluster.kubectl("get node node-1")
    assert cluster.kubectl("uncordon node-1") == "node/node-1 uncordoned\n"
    assert "unschedulable" not in cluster.get("nodes", "node-1", None)["spec"]
    assert cluster.kubectl("uncordon node-1") == "node/node-1 already uncordoned\n"
    assert cluster.kubectl("cordon node-2 --dry-run=client") == "node/node-2 cordoned (dry run)\n"
    assert not cluster.get("nodes", "node-2", None)["spec"].get("unschedulable")


def test_cordoned_node_gets_no_new_pods(cluster):
    cluster.kubectl("cordon node-1")
    cluster.kubectl("scale deployment web --replicas=9")
    cluster.run(30)
    assert len(on_node(cluster, "node-1")) == 1  # only the pod that was already there


@pytest.mark.parametrize("cmd, err", [
    ("drain", "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples"),
    ("cordon", "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples"),
    ("cordon nope", 'Error from server (NotFound): nodes "nope" not found'),
    ("drain node-1 -l a=b", "error: error: cannot specify both a node name and a --selector option\n"
                            "See 'kubectl drain -h' for help and examples"),
])
def test_usage_errors(cluster, cmd, err):
    with pytest.raises(KubectlError) as e:
        cluster.kubectl(cmd)
    assert str(e.value) == err


def test_drain_evicts_and_the_replicaset_recreates_elsewhere(cluster):
    victim = on_node(cluster, "node-2")
    assert len(victim) == 1
    out = cluster.kubectl("drain node-2")
    assert out == (f"node/node-2 cordoned\nevicting pod default/{victim[0]}\npod/{victim[0]} evicted\n"
                   "node/node-2 drained\n")
    cluster.run(40)
    assert on_node(cluster, "node-2") == []
    assert len([p for p in cluster.list("pods", "default") if p["status"].get("phase") == "Running"]) == 3
    # draining again has nothing to do
    assert cluster.kubectl("drain node-2") == "node/node-2 already cordoned\nnode/node-2 drained\n"


def test_drain_respects_a_pod_disruption_budget(cluster):
    cluster.apply(pdb(3))
    cluster.run(2)
    victim = on_node(cluster, "node-1")[0]
    with pytest.raises(KubectlError) as e:
        cluster.kubectl("drain node-1")
    assert e.value.stdout == f"node/node-1 cordoned\nevicting pod default/{victim}\n"
    refused = f'error when evicting pods/"{victim}" -n "default"'
    msg = "Cannot evict pod as it would violate the pod's disruption budget."
    assert str(e.value) == (
        f"{refused} (will retry after 5s): {msg}\n"
        f'There are pending pods in node "node-1" when an error occurred: {refused}: {msg}\n'
        f"pod/{victim}\n"
        f'error: unable to drain node "node-1" due to error: {refused}: {msg}, continuing command...\n'
        "There are pending nodes to be drained:\n node-1\n"
        f"{refused}: {msg}")
    assert on_node(cluster, "node-1") == [victim]  # nothing was evicted
    cluster.apply(pdb(2))
    cluster.run(2)
    assert cluster.kubectl("drain node-1").endswith(f"pod/{victim} evicted\nnode/node-1 drained\n")


def test_daemonset_pods_need_ignore_daemonsets(cluster):
    cluster.apply({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "kube-system"},
                   "spec": {"selector": {"matchLabels": {"app": "agent"}},
                            "template": {"metadata": {"labels": {"app": "agent"}},
                                         "spec": {"containers": [{"name": "a", "image": "busybox:1.36"}]}}}})
    cluster.run(20)
    agent = [p["metadata"]["name"] for p in cluster.list("pods", "kube-system")
             if p["spec"].get("nodeName") == "node-3"][0]
    web = on_node(cluster, "node-3")[0]
    with pytest.raises(KubectlError) as e:
        cluster.kubectl("drain node-3")
    fatal = f"cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/{agent}"
    assert str(e.value) == (f'error: unable to drain node "node-3" due to error: {fatal}, continuing command...\n'
                            f"There are pending nodes to be drained:\n node-3\n{fatal}")
    assert e.value.stdout == "node/node-3 cordoned\n"
    out = cluster.kubectl("drain node-3 --ignore-daemonsets")
    assert out == (f"node/node-3 already cordoned\nevicting pod default/{web}\npod/{web} evicted\n"
                   "node/node-3 drained\n")
    assert not cluster.get("pods", agent, "kube-system")["metadata"].get("deletionTimestamp")


def test_bare_pods_need_force(cluster):
    cluster.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "lonely"},
                   "spec": {"nodeName": "node-1", "containers": [{"name": "c", "image": "nginx:1.27"}]}})
    cluster.run(5)
    with pytest.raises(KubectlError) as e:
        cluster.kubectl("drain node-1 --ignore-daemonsets")
    assert str(e.value).endswith("\ncannot delete Pods that declare no controller (use --force to override): "
                                 "default/lonely")
    out = cluster.kubectl("drain node-1 --force")
    assert "evicting pod default/lonely\n" in out and out.endswith("node/node-1 drained\n")


def test_drain_dry_run_client_changes_nothing(cluster):
    victim = on_node(cluster, "node-1")[0]
    out = cluster.kubectl("drain node-1 --dry-run=client")
    assert out == (f"node/node-1 cordoned (dry run)\nevicting pod default/{victim} (dry run)\n"
                   "node/node-1 drained (dry run)\n")
    assert not cluster.get("nodes", "node-1", None)["spec"].get("unschedulable")
    assert on_node(cluster, "node-1") == [victim]


def test_disable_eviction_deletes_despite_the_budget(cluster):
    cluster.apply(pdb(3))
    cluster.run(2)
    victim = on_node(cluster, "node-1")[0]
    out = cluster.kubectl("drain node-1 --disable-eviction")
    assert out == f"node/node-1 cordoned\npod/{victim} deleted\nnode/node-1 drained\n"
