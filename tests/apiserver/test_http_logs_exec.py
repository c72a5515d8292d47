"""The real kubectl reads container logs through the API server, which asks the node's kubelet."""

import os
import shutil
import subprocess

import pytest

import k8slab

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None and not os.environ.get("CI"), reason="no kubectl")


def test_real_kubectl_logs(tmp_path):
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "counter"},
             "spec": {"containers": [{"name": "count", "image": "busybox:1.36",
                                      "args": ["/bin/sh", "-c",
                                               'i=0; while true; do echo "$i: hello"; i=$((i+1)); sleep 1; done']}]}})
    c.run(12)
    expected = c.kubectl("logs counter --tail=3")
    assert expected.splitlines()[-1].endswith(": hello")
    srv = c.serve(speed=0.0001)  # the lab barely moves while kubectl asks
    try:
        env = dict(os.environ, KUBECACHEDIR=str(tmp_path / "cache"))
        out = subprocess.run([KUBECTL, "--kubeconfig", srv.kubeconfig, "logs", "counter", "--tail=3"],
                             capture_output=True, text=True, env=env, timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout == expected
        bad = subprocess.run([KUBECTL, "--kubeconfig", srv.kubeconfig, "logs", "counter", "-c", "nope"],
                             capture_output=True, text=True, env=env, timeout=120)
        assert bad.returncode == 1
        # kubectl checks the container against the pod it fetched before asking for logs
        assert bad.stderr.strip() == "error: container nope is not valid for pod counter"
        assert c.kubectl("logs counter --tail=1")  # and the in-process kubectl agrees on the valid case
    finally:
        srv.close()
