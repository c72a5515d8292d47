"""The real kubectl explain reads upstream's field descriptions from the served OpenAPI v3."""

import os
import shutil
import subprocess

import pytest

import k8slab

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None and not os.environ.get("CI"), reason="no kubectl")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    c = k8slab.Cluster(seed=0, nodes=0)
    srv = c.serve()
    yield srv, tmp_path_factory.mktemp("cache")
    srv.close()


def explain(served, *args):
    srv, cache = served
    env = dict(os.environ, KUBECACHEDIR=str(cache))
    return subprocess.run([KUBECTL, "--kubeconfig", srv.kubeconfig, "explain", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def test_explain_a_field(served):
    out = explain(served, "deployment.spec.replicas")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[:3] == ["GROUP:      apps", "KIND:       Deployment", "VERSION:    v1"]
    assert "FIELD: replicas <integer>" in lines
    assert "Number of desired pods." in out.stdout and "Defaults to 1." in out.stdout


def test_explain_a_kind_lists_its_fields(served):
    out = explain(served, "pods")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("KIND:       Pod\nVERSION:    v1\n")
    for field in ("apiVersion\t<string>", "metadata\t<ObjectMeta>", "spec\t<PodSpec>", "status\t<PodStatus>"):
        assert field in out.stdout
    assert "enum: Pod" not in out.stdout


def test_explain_an_unknown_field(served):
    out = explain(served, "pod.spec.nope")
    assert out.returncode == 1
    assert 'field "nope" does not exist' in out.stderr
