"""Deleting a namespace: Terminating, its content deleted (pods gracefully), then it is gone."""

import pytest

import k8slab
from k8slab.api.errors import ApiError


def test_namespace_deletion_empties_it_then_removes_it():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.kubectl("create namespace shop")
    c.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
             "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}},
                                   "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}})
    c.run(20)
    assert len(c.list("pods", "shop")) == 2
    ns = c.get("namespaces", "shop", None)
    assert ns["spec"]["finalizers"] == ["kubernetes"]
    c.client.delete("namespaces", "shop")
    ns = c.get("namespaces", "shop", None)
    assert ns["status"]["phase"] == "Terminating" and ns["metadata"]["deletionTimestamp"]
    with pytest.raises(ApiError) as ei:  # NamespaceLifecycle admission: nothing new goes in
        c.client.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}, "shop")
    assert ei.value.code == 403 and "being terminated" in ei.value.message
    c.run(60)
    with pytest.raises(ApiError) as ei:
        c.get("namespaces", "shop", None)
    assert ei.value.code == 404
    for kind in ("pods", "replicasets", "deployments", "events"):
        assert c.list(kind, "shop") == []


def test_a_normal_update_cannot_drop_the_namespace_finalizer():
    c = k8slab.Cluster(seed=0, nodes=0)
    c.kubectl("create namespace a")
    ns = c.get("namespaces", "a", None)
    ns["spec"]["finalizers"] = []
    c.client.update("namespaces", ns)
    assert c.get("namespaces", "a", None)["spec"]["finalizers"] == ["kubernetes"]
