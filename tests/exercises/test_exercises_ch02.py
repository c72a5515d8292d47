"""Chapter 02's checkers reject the exercises' start states and accept a solution."""

import json

import k8slab
from k8slab.exercises import ch02

WEB = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
       "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                             "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}


def test_lease_key():
    c = k8slab.Cluster(seed=1, nodes=2)
    c.run(5)
    assert not ch02.check_lease_key(c, None)
    assert not ch02.check_lease_key(c, "/registry/leases/node-1")
    assert ch02.check_lease_key(c, "/registry/leases/kube-node-lease/node-1")


def test_past_replicas():
    c = k8slab.Cluster(seed=2, nodes=2)
    c.apply(WEB)
    c.run(10)
    rev = c.store.revision
    c.kubectl("scale deployment web --replicas=5")
    c.run(10)
    assert not ch02.check_past_replicas(c, rev, None)
    assert not ch02.check_past_replicas(c, rev, 5)
    assert not ch02.check_past_replicas(c, 1, 3)  # web did not exist yet
    assert ch02.check_past_replicas(c, rev, 3)
    assert json.loads(c.store.get("/registry/deployments/default/web").value)["spec"]["replicas"] == 5


def test_fault_tolerance():
    c = k8slab.Cluster(seed=3, nodes=1, etcd_members=5)
    c.run(2)
    assert not ch02.check_fault_tolerance(c)
    names = list(c.etcd.names)
    followers = [n for n in names if n != c.etcd.leader]
    c.etcd.stop_member(followers[0])
    assert not ch02.check_fault_tolerance(c)
    c.etcd.stop_member(followers[1])
    assert ch02.check_fault_tolerance(c)
    c.etcd.stop_member(followers[2])
    assert not ch02.check_fault_tolerance(c)
    assert not ch02.check_fault_tolerance(k8slab.Cluster(seed=3, nodes=0, etcd_members=3))


def test_recovered():
    c = k8slab.Cluster(seed=4, nodes=2, etcd_members=3)
    c.apply(WEB)
    c.run(20)
    lead = c.etcd.leader
    for n in c.etcd.names:
        if n != lead:
            c.etcd.stop_member(n)
    c.run(5)
    assert not ch02.check_recovered(c, replicas=4)
    for n in c.etcd.names:
        c.etcd.start_member(n)
    c.run(3)
    assert not ch02.check_recovered(c, replicas=4)
    c.kubectl("scale deployment web --replicas=4")
    c.run(30)
    assert ch02.check_recovered(c, replicas=4)
