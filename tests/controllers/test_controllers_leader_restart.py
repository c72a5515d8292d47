"""kube-controller-manager holds its Lease by default; losing it (etcd without quorum) makes it
exit, and it comes back, campaigns again and resumes reconciling."""

import k8slab


def lease_holder(c):
    return c.get("leases", "kube-controller-manager", "kube-system")["spec"]["holderIdentity"]


def test_leader_election_is_on_by_default_and_renews():
    c = k8slab.Cluster(seed=0, nodes=1)
    cm = c.controller_manager
    assert cm.leader_elect and cm.leading
    assert lease_holder(c) == cm.identity
    t0 = c.get("leases", "kube-controller-manager", "kube-system")["spec"]["renewTime"]
    c.run(10)
    assert c.get("leases", "kube-controller-manager", "kube-system")["spec"]["renewTime"] != t0


def test_losing_the_lease_exits_then_restarts_and_resumes():
    c = k8slab.Cluster(seed=0, nodes=2, etcd_members=3)
    c.kubectl("create deployment web --image=nginx:1.27 --replicas=2")
    c.run(20)
    cm = c.controller_manager
    names = list(c.etcd.network.names)
    c.etcd.partition([names[0]], [names[1]], [names[2]])  # no quorum: renewals fail
    c.run(30)
    assert not cm.leading and cm.restarts >= 1  # exited after RenewDeadline, restarted, cannot lead yet
    c.etcd.heal()
    c.run(30)
    assert cm.leading
    c.kubectl("scale deployment web --replicas=4")
    c.run(30)
    d = c.get("deployments", "web")
    assert d["status"].get("availableReplicas") == 4  # the restarted controllers reconcile again


def test_scheduler_elects_a_leader_and_comes_back_after_losing_it():
    c = k8slab.Cluster(seed=0, nodes=2, etcd_members=3)
    proc = c.scheduler_process
    assert proc.leading
    assert c.get("leases", "kube-scheduler", "kube-system")["spec"]["holderIdentity"] == proc.identity
    names = list(c.etcd.network.names)
    c.etcd.partition([names[0]], [names[1]], [names[2]])
    c.run(30)
    assert not proc.leading and proc.restarts >= 1
    c.etcd.heal()
    c.run(30)
    assert proc.leading and c.scheduler.started  # a fresh scheduler, started by the new term
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "late"},
             "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}})
    c.run(20)
    assert c.get("pods", "late")["spec"].get("nodeName")  # the restarted scheduler binds new pods
