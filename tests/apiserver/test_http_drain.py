"""The real kubectl drains a node through the Eviction subresource, honouring a PodDisruptionBudget."""

import os
import shutil
import subprocess

import pytest

import k8slab

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None and not os.environ.get("CI"), reason="no kubectl")


def kubectl(srv, cache, *args):
    env = dict(os.environ, KUBECACHEDIR=str(cache))
    return subprocess.run([KUBECTL, "--kubeconfig", srv.kubeconfig, *args], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.fixture()
def served(tmp_path):
    c = k8slab.Cluster(seed=0, nodes=2)
    c.kubectl("create deployment web --image=nginx:1.27 --replicas=2")
    c.run(30)
    srv = c.serve(speed=50)
    yield c, srv, tmp_path / "cache"
    srv.close()


def test_real_kubectl_drain_evicts_through_the_api(served):
    c, srv, cache = served
    node = c.list("pods", "default")[0]["spec"]["nodeName"]
    victims = [p["metadata"]["name"] for p in c.list("pods", "default") if p["spec"]["nodeName"] == node]
    out = kubectl(srv, cache, "drain", node, "--ignore-daemonsets", "--timeout=60s")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"node/{node} cordoned"
    for v in victims:
        assert f"evicting pod default/{v}" in lines and f"pod/{v} evicted" in lines
    assert lines[-1] == f"node/{node} drained"
    with srv.lock:
        assert c.get("nodes", node, None)["spec"]["unschedulable"] is True
        assert all(v not in [p["metadata"]["name"] for p in c.list("pods", "default")] for v in victims)
        assert any(e["reason"] == "Killing" for e in c.list("events", "default"))  # the kubelet stopped them


def test_eviction_refused_by_a_pdb_is_a_429(served):
    c, srv, cache = served
    with srv.lock:
        c.apply({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web"},
                 "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}}})
        c.run(5)
        pod = c.list("pods", "default")[0]["metadata"]["name"]
    import json
    import ssl
    import urllib.request

    ctx = ssl.create_default_context(cafile=srv.ca_file) if getattr(srv, "ca_file", None) else None
    req = urllib.request.Request(
        f"{srv.url}/api/v1/namespaces/default/pods/{pod}/eviction", method="POST",
        data=json.dumps({"apiVersion": "policy/v1", "kind": "Eviction",
                         "metadata": {"name": pod, "namespace": "default"}}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {srv.token}"})
    with pytest.raises(urllib.error.HTTPError) as ei:
        urllib.request.urlopen(req, context=ctx)
    assert ei.value.code == 429
    body = json.loads(ei.value.read())
    assert body["message"] == "Cannot evict pod as it would violate the pod's disruption budget."
    with srv.lock:
        assert pod in [p["metadata"]["name"] for p in c.list("pods", "default")]
