"""Admission: LimitRanger defaults and limits, ResourceQuota, each refusal changing nothing."""

from __future__ import annotations

import pytest

import k8slab


def pod(name, resources=None):
    c = {"name": "c", "image": "nginx"}
    if resources is not None:
        c["resources"] = resources
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [c]}}


@pytest.fixture
def cluster():
    return k8slab.Cluster(seed=0, nodes=0)


def test_limit_ranger_sets_defaults_and_annotates(cluster):
    cluster.apply({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr", "namespace": "default"},
                   "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "256Mi"},
                                        "defaultRequest": {"cpu": "100m"}, "max": {"cpu": "1"}}]}})
    p = cluster.client.create("pods", pod("a"))
    r = p["spec"]["containers"][0]["resources"]
    assert r == {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "256Mi"}}
    assert p["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == \
        "LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c"
    with pytest.raises(k8slab.ApiError) as e:
        cluster.client.create("pods", pod("big", {"limits": {"cpu": "2"}}))
    assert e.value.code == 403
    assert e.value.message == 'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2'
    assert [p["metadata"]["name"] for p in cluster.list("pods", "default")] == ["a"]


def test_resource_quota_counts_and_compute(cluster):
    cluster.apply({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q", "namespace": "default"},
                   "spec": {"hard": {"pods": "2", "requests.cpu": "1"}}})
    cluster.client.create("pods", pod("a", {"requests": {"cpu": "600m"}}))
    with pytest.raises(k8slab.ApiError) as e:
        cluster.client.create("pods", pod("b", {"requests": {"cpu": "600m"}}))
    assert e.value.code == 403
    assert e.value.message == ('pods "b" is forbidden: exceeded quota: q, requested: requests.cpu=600m, '
                               'used: requests.cpu=600m, limited: requests.cpu=1')
    with pytest.raises(k8slab.ApiError) as e:
        cluster.client.create("pods", pod("c"))
    assert e.value.message == 'pods "c" is forbidden: failed quota: q: must specify requests.cpu'
    cluster.client.create("pods", pod("d", {"requests": {"cpu": "400m"}}))
    q = cluster.get("resourcequotas", "q")
    assert q["status"]["used"] == {"pods": "2", "requests.cpu": "1"}
    with pytest.raises(k8slab.ApiError) as e:
        cluster.client.create("pods", pod("e", {"requests": {"cpu": "0"}}))
    assert "exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2" in e.value.message
    assert sorted(p["metadata"]["name"] for p in cluster.list("pods", "default")) == ["a", "d"]


def test_namespace_lifecycle_refuses_missing_namespace(cluster):
    with pytest.raises(k8slab.ApiError) as e:
        cluster.client.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                             "metadata": {"name": "x", "namespace": "nope"}})
    assert e.value.code == 404 and e.value.message == 'namespaces "nope" not found'
