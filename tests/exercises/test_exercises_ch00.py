"""Chapter 00's checkers reject the starting state and accept a solution."""

from __future__ import annotations

import pytest

import k8slab
from k8slab.exercises import CheckResult, ch00
from k8slab.widgets import fail_step, scale_step

WEB = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
       "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                             "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2"}]}}}}


@pytest.fixture
def c():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply(WEB)
    c.run(30)
    return c


def test_scaled_rejects_start_accepts_solution(c, capsys):
    r = ch00.check_scaled(c, replicas=5)
    assert isinstance(r, CheckResult) and not r.ok and "replicas=3" in r.message
    assert "❌ exercise 00.1: not yet" in capsys.readouterr().out
    c.kubectl("scale deployment web --replicas=5")
    assert not ch00.check_scaled(c, replicas=5).ok  # asked for, not ready yet
    c.run(30)
    r = ch00.check_scaled(c, replicas=5)
    assert r.ok and "replicas=5 ready=5" in r.message
    assert "✅ exercise 00.1: correct" in capsys.readouterr().out.splitlines()[-1]


def test_scaled_without_deployment():
    c = k8slab.Cluster(seed=0, nodes=1)
    r = ch00.check_scaled(c)
    assert not r.ok and 'deployment "web" not found' in r.message


def test_checkers_do_not_change_the_cluster(c):
    n, rev = len(c.trace), c.store.revision
    ch00.check_scaled(c)
    ch00.check_survived(c)
    assert (len(c.trace), c.store.revision) == (n, rev)


GOOD = {"isolation": "container runtime", "scheduling": "kube-scheduler", "self-healing": "replicaset-controller",
        "replication": "Deployment Controller", "node-failure": "node-controller", "node-clustering": "kubelet"}


@pytest.mark.parametrize("answer, ok, needle", [
    (None, False, "answer with a dict"),
    ({}, False, "answer with a dict"),
    (dict.fromkeys(ch00.FEATURES), False, "look again at: isolation"),
    ({**GOOD, "isolation": "kube-apiserver"}, False, "which program actually starts"),
    ({k: v for k, v in GOOD.items() if k != "scheduling"}, False, "missing features: scheduling"),
    ({**GOOD, "scheduling": "default-scheduler", "isolation": "containerd"}, True, "container runtime"),
    (GOOD, True, "isolation comes from the container runtime"),
])
def test_feature_owners(answer, ok, needle):
    r = ch00.check_feature_owners(answer)
    assert r.ok is ok and needle in r.message


def test_survived_rejects_start_accepts_solution(c):
    r = ch00.check_survived(c, node="node-1")
    assert not r.ok and "still Ready" in r.message
    samples = fail_step(c, "node-1", seconds=60)
    r = ch00.check_survived(c, node="node-1")
    assert not r.ok and "300 s toleration" in r.message
    samples = fail_step(c, "node-1", seconds=340)  # failing it again is harmless
    r = ch00.check_survived(c, node="node-1")
    assert r.ok, r.message
    assert len(samples)


def test_scaled_solution_via_step(c):
    scale_step(c, "web", 5)
    assert ch00.check_scaled(c, 5).ok
