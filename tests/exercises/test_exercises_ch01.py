"""Chapter 01's checkers reject the starting state and accept a solution."""

from __future__ import annotations

import pytest

import k8slab
from k8slab.exercises import ch01
from k8slab.widgets import step_events

WEB = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
       "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                             "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2"}]}}}}
HELLO = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hello"},
         "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2"}]}}

JOURNEY = ["kubectl", "kube-apiserver", "etcd", "deployment-controller", "replicaset-controller",
           "default-scheduler", "kubelet", "runtime"]


@pytest.fixture
def c():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.run(5)
    c.apply(WEB)
    c.run(30)
    return c


def test_checkers_on_an_empty_cluster():
    c = k8slab.Cluster(seed=0, nodes=1)
    assert not ch01.check_binder(c, "default-scheduler").ok
    assert not ch01.check_journey(c, JOURNEY).ok
    assert not ch01.check_etcd_key(c, "/registry/deployments/default/web").ok


@pytest.mark.parametrize("answer, ok", [
    (None, False), ("", False), ("kubelet", False), ("kube-apiserver", False),
    ("default-scheduler", True), ("kube-scheduler", True), ("Scheduler", True),
])
def test_binder(c, answer, ok):
    assert ch01.check_binder(c, answer).ok is ok


def test_journey_order_from_the_trace(c):
    assert ch01.journey_order(c) == JOURNEY


@pytest.mark.parametrize("answer, ok, needle", [
    (["kubectl"], False, "1 names given, the trace shows 8"),
    (None, False, "answer with a list of 8"),
    (["kubectl", "etcd"], False, "position 2"),
    (["kubectl", "kube-apiserver", "etcd", "replicaset-controller"], False, "position 4"),
    (JOURNEY, True, "kubectl -> kube-apiserver -> etcd"),
    (["kubectl", "API server", "etcd", "deployment-controller", "replicaset-controller", "kube-scheduler",
      "kubelet/node-3", "containerd"], True, "-> runtime"),
])
def test_journey(c, answer, ok, needle):
    r = ch01.check_journey(c, answer)
    assert r.ok is ok and needle in r.message


@pytest.mark.parametrize("answer, ok, needle", [
    (None, False, "starting with /registry/"),
    ("deployments/default/web", False, "starts with /registry/"),
    ("/registry/deployments/web", False, "/registry/<resource>/<namespace>/<name>"),
    ("/registry/deployments/default/web", True, "resourceVersion"),
    (" /registry/deployments/default/web ", True, "resourceVersion"),
])
def test_etcd_key(c, answer, ok, needle):
    r = ch01.check_etcd_key(c, answer)
    assert r.ok is ok and needle in r.message


def test_bare_pod_rejects_start_accepts_solution(c):
    r = ch01.check_bare_pod(c, "hello")
    assert not r.ok and 'pods "hello" not found' in r.message
    c.apply(HELLO)
    assert "not bound" in ch01.check_bare_pod(c, "hello").message
    for _ in range(500):
        step_events(c, 5)
        if ch01.check_bare_pod(c, "hello").ok:
            break
    r = ch01.check_bare_pod(c, "hello")
    assert r.ok
    assert "default-scheduler" in r.message and "replicaset-controller" not in r.message


def test_bare_pod_rejects_owned_pod(c):
    name = c.list("pods", "default")[0]["metadata"]["name"]
    r = ch01.check_bare_pod(c, name)
    assert not r.ok and "owned by ReplicaSet" in r.message


def test_journey_accepts_the_controller_manager_process(c):
    answer = JOURNEY[:3] + ["kube-controller-manager"] + JOURNEY[3:]
    assert ch01.check_journey(c, answer).ok
