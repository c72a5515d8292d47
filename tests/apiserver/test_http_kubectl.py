"""The real kubectl (/usr/bin/kubectl, v1.32) against ``Cluster.serve()``, and parity with ``cluster.kubectl``."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

import k8slab

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    c = k8slab.Cluster(seed=0, nodes=2)
    c.apply(DEPLOY)
    c.run(60)
    srv = c.serve(speed=1)
    cache = tmp_path_factory.mktemp("kubecache")
    yield c, srv, str(cache)
    srv.close()


def kubectl(served, *args, stdin=None, kubeconfig=None, timeout=30):
    c, srv, cache = served
    env = {"PATH": "/usr/bin:/bin", "HOME": cache, "KUBECACHEDIR": cache}
    return subprocess.run(["kubectl", "--kubeconfig", kubeconfig or srv.kubeconfig, "--cache-dir", cache, *args],
                          capture_output=True, text=True, input=stdin, timeout=timeout, env=env)


AGE = re.compile(r"^(\d+(\.\d+)?[smhdy])+$|^<unknown>$")


def normalise(text: str) -> list[list[str]]:
    """Rows of cells with AGE-like cells blanked (ages differ between the two clocks)."""
    return [["AGE?" if AGE.match(cell) else cell for cell in re.split(r"\s{2,}|\t", line.strip())]
            for line in text.strip().splitlines()]


@pytest.mark.parametrize("cmd", [
    "get nodes", "get nodes -o wide", "get pods", "get pods -o wide", "get deployments", "get rs",
    "get namespaces", "get pods -A", "get pods -l app=web", "get deploy,rs", "get pods --show-labels",
    "get deployment web -o wide",
])
def test_parity_with_cluster_kubectl(served, cmd):
    c, srv, _ = served
    real = kubectl(served, *cmd.split())
    assert real.returncode == 0, real.stderr
    with srv.lock:
        ours = c.kubectl(cmd)
    assert normalise(real.stdout) == normalise(str(ours))


def test_api_resources_and_version(served):
    out = kubectl(served, "api-resources")
    assert out.returncode == 0 and "deployments" in out.stdout and "apps/v1" in out.stdout
    out = kubectl(served, "version")
    assert "Server Version: v1.32.0-k8slab" in out.stdout


def test_apply_create_configure_unchanged_and_server_side(served):
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '1'}\n"
    assert kubectl(served, "apply", "-f", "-", stdin=cm).stdout.strip() == "configmap/settings created"
    assert kubectl(served, "apply", "-f", "-", stdin=cm).stdout.strip() == "configmap/settings unchanged"
    assert kubectl(served, "apply", "-f", "-", stdin=cm.replace("'1'", "'2'")).stdout.strip() == \
        "configmap/settings configured"
    out = kubectl(served, "apply", "--server-side", "-f", "-", stdin=cm.replace("settings", "ssa"))
    assert out.stdout.strip() == "configmap/ssa serverside-applied", out.stderr
    out = kubectl(served, "apply", "-f", "-", stdin=cm.replace("settings", "bad") + "foo: bar\n")
    assert out.returncode == 1
    assert 'strict decoding error: unknown field "foo"' in out.stderr


def test_label_annotate_patch_scale_rollout(served):
    assert kubectl(served, "label", "deployment", "web", "tier=front").stdout.strip() == "deployment.apps/web labeled"
    assert kubectl(served, "annotate", "deployment", "web", "note=x").stdout.strip() == \
        "deployment.apps/web annotated"
    out = kubectl(served, "patch", "deployment", "web", "-p", '{"spec":{"minReadySeconds":1}}')
    assert out.stdout.strip() == "deployment.apps/web patched", out.stderr
    assert kubectl(served, "scale", "deployment", "web", "--replicas=3").stdout.strip() == "deployment.apps/web scaled"
    out = kubectl(served, "rollout", "status", "deployment/web", "--timeout=30s", timeout=40)
    assert out.returncode == 0 and 'deployment "web" successfully rolled out' in out.stdout


def test_describe_and_not_found(served):
    out = kubectl(served, "describe", "deployment", "web")
    assert out.returncode == 0 and "Name:                   web" in out.stdout
    out = kubectl(served, "get", "pod", "nope")
    assert out.returncode == 1
    assert out.stderr.strip() == 'Error from server (NotFound): pods "nope" not found'


def test_get_json_and_yaml(served):
    import json

    out = kubectl(served, "get", "deployment", "web", "-o", "json")
    assert json.loads(out.stdout)["metadata"]["name"] == "web"
    out = kubectl(served, "get", "pods", "-o", "yaml")
    assert out.stdout.startswith("apiVersion: v1\nitems:")


def test_watch_prints_changes(served):
    c, srv, cache = served
    env = {"PATH": "/usr/bin:/bin", "HOME": cache}
    p = subprocess.Popen(["kubectl", "--kubeconfig", srv.kubeconfig, "--cache-dir", cache, "get", "configmaps", "-w",
                          "--request-timeout=3s"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    import time

    time.sleep(1.0)
    kubectl(served, "create", "-f", "-", stdin="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched}\n")
    out, err = p.communicate(timeout=15)
    assert "watched" in out, (out, err)


def test_rbac_with_service_account_token(served):
    c, srv, _ = served
    for doc in ("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: viewer}\n",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: viewer}\n"
                "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n"
                "subjects: [{kind: ServiceAccount, name: viewer, namespace: default}]\n"):
        assert kubectl(served, "apply", "-f", "-", stdin=doc).returncode == 0
    kc = srv.service_account_kubeconfig("default", "viewer")
    assert kubectl(served, "get", "pods", kubeconfig=kc).returncode == 0
    out = kubectl(served, "delete", "deployment", "web", kubeconfig=kc)
    assert out.returncode == 1
    assert out.stderr.strip() == ('Error from server (Forbidden): deployments.apps "web" is forbidden: User '
                                  '"system:serviceaccount:default:viewer" cannot delete resource "deployments" in '
                                  'API group "apps" in the namespace "default"')
    out = kubectl(served, "get", "nodes", kubeconfig=kc)
    assert 'cannot list resource "nodes" in API group "" at the cluster scope' in out.stderr
    assert kubectl(served, "auth", "can-i", "list", "pods", kubeconfig=kc).stdout.strip() == "yes"
    out = kubectl(served, "auth", "can-i", "delete", "pods", kubeconfig=kc)
    assert out.returncode == 1 and out.stdout.strip() == "no"
    out = kubectl(served, "auth", "whoami", kubeconfig=kc)
    assert "system:serviceaccount:default:viewer" in out.stdout
    bad = srv.write_kubeconfig(kc + "-bad", token="wrong")
    out = kubectl(served, "get", "pods", kubeconfig=bad)
    assert out.returncode == 1 and "Unauthorized" in out.stderr


def test_delete_pod_waits_for_graceful_deletion(served):
    c, srv, _ = served
    with srv.lock:
        pod = c.list("pods", "default")[0]["metadata"]["name"]
    out = kubectl(served, "delete", "pod", pod, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == f'pod "{pod}" deleted'


@pytest.mark.parametrize("real_cmd,ours_cmd,plural,ns", [
    ("create deployment pbweb --image=nginx:1.27 --replicas=2",
     "create deployment pbweb2 --image=nginx:1.27 --replicas=2", "deployments", "default"),
    ("create namespace pbshop", "create namespace pbshop2", "namespaces", None),
])
def test_create_shortcut_parity_with_cluster_kubectl(served, real_cmd, ours_cmd, plural, ns):
    """The real kubectl's typed create (a protobuf body) and ``cluster.kubectl`` make the same object."""
    c, srv, _ = served
    real = kubectl(served, *real_cmd.split())
    assert real.returncode == 0, real.stderr
    with srv.lock:
        ours = str(c.kubectl(ours_cmd))
    real_name, our_name = real_cmd.split()[2], ours_cmd.split()[2]
    assert real.stdout.replace(real_name, our_name) == ours
    with srv.lock:
        a = c.apiserver.get(plural, ns, real_name)
        b = c.apiserver.get(plural, ns, our_name)
    # the real kubectl's template carries "creationTimestamp": null (as upstream stores it); ours omits it
    spec = json.dumps(a.get("spec"), sort_keys=True).replace(real_name, our_name).replace(
        '"creationTimestamp": null, ', "")
    assert json.loads(spec) == b.get("spec")
    assert {k: v.replace(real_name, our_name) for k, v in (a["metadata"].get("labels") or {}).items()} == \
        (b["metadata"].get("labels") or {})
