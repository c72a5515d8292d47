"""The official ``kubernetes`` Python client against ``Cluster.serve()``: list, create, patch, delete, watch."""

from __future__ import annotations

import pytest

import k8slab

kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client, config, watch  # noqa: E402


@pytest.fixture(scope="module")
def api():
    c = k8slab.Cluster(seed=0, nodes=1)
    srv = c.serve(speed=20)
    yield c, srv, config.new_client_from_config(config_file=srv.kubeconfig)
    srv.close()


def test_list_create_patch_delete(api):
    c, srv, a = api
    v1 = client.CoreV1Api(a)
    assert [n.metadata.name for n in v1.list_node().items] == ["node-1"]
    cm = v1.create_namespaced_config_map("default", {"apiVersion": "v1", "kind": "ConfigMap",
                                                     "metadata": {"name": "a"}, "data": {"x": "1"}})
    assert cm.metadata.uid and cm.data == {"x": "1"}
    assert v1.patch_namespaced_config_map("a", "default", {"data": {"y": "2"}}).data == {"x": "1", "y": "2"}
    v1.delete_namespaced_config_map("a", "default")
    with pytest.raises(client.ApiException) as e:
        v1.read_namespaced_config_map("a", "default")
    assert e.value.status == 404


def test_watch_sees_a_deployment_come_up(api):
    c, srv, a = api
    client.AppsV1Api(a).create_namespaced_deployment("default", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    w = watch.Watch()
    seen = []
    for ev in w.stream(client.CoreV1Api(a).list_namespaced_pod, "default", timeout_seconds=10):
        seen.append((ev["type"], ev["object"].status.phase))
        if ev["object"].status.phase == "Running":
            w.stop()
    assert seen[0][0] == "ADDED" and seen[-1] == ("MODIFIED", "Running")


def test_wrong_token_is_401(api):
    c, srv, a = api
    cfg = client.Configuration()
    cfg.host = srv.url
    cfg.ssl_ca_cert = srv.ca_file
    cfg.api_key = {"authorization": "Bearer nope"}
    with pytest.raises(client.ApiException) as e:
        client.CoreV1Api(client.ApiClient(cfg)).list_namespaced_pod("default")
    assert e.value.status == 401
