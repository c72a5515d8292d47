"""kubectl on a whole simulated cluster: apply, watch it converge, scale, change, describe."""

import pytest

k8slab = pytest.importorskip("k8slab")

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        resources:
          requests: {cpu: 100m, memory: 64Mi}
"""


def make():
    c = k8slab.Cluster(seed=0, nodes=2)
    assert str(c.apply(MANIFEST)) == "deployment.apps/web created"
    c.run(60)
    return c


def test_apply_converges_and_kubectl_shows_it():
    c = make()
    lines = c.kubectl("get pods").splitlines()
    assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert [l.split()[1:4] for l in lines[1:]] == [["1/1", "Running", "0"]] * 3
    assert c.kubectl("get deploy web").splitlines()[1].split()[:4] == ["web", "3/3", "3", "3"]
    rs = c.kubectl("get rs -o name").strip()
    assert rs.startswith("replicaset.apps/web-")
    text = c.kubectl("describe deployment web")
    assert "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n" in text
    assert f"NewReplicaSet:   {rs.split('/')[1]} (3/3 replicas created)\n" in text
    assert "Normal  ScalingReplicaSet  60s   deployment-controller  Scaled up replica set" in text
    node = c.kubectl("describe node node-1")
    assert "Non-terminated Pods:" in node and "Allocated resources:" in node


def test_same_seed_same_output():
    assert make().kubectl("get pods -o wide") == make().kubectl("get pods -o wide")


def test_scale_and_reapply():
    c = make()
    assert c.kubectl("scale deployment web --replicas=1") == "deployment.apps/web scaled\n"
    c.run(60)
    assert len(c.kubectl("get pods --no-headers").splitlines()) == 1
    assert str(c.apply(MANIFEST)) == "deployment.apps/web configured"  # replicas back to 3, as kubectl would
    assert str(c.apply(MANIFEST)) == "deployment.apps/web unchanged"
    c.run(60)
    assert len(c.kubectl("get pods --no-headers").splitlines()) == 3


def test_bad_manifest_changes_nothing_on_a_cluster():
    c = make()
    rev = c.store.revision
    with pytest.raises(k8slab.KubectlError) as e:
        c.apply(MANIFEST.replace("name: web", "name: api").replace("image: nginx:1.27", "image: ''") +
                "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n")
    assert str(e.value) == 'The Deployment "api" is invalid: spec.template.spec.containers[0].image: Required value'
    assert c.store.revision == rev
