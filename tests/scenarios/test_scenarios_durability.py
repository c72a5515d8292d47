"""A cluster on disk: Cluster(data_dir=...) survives a restart; save()/load() hand out a lab."""

import json
import os

import pytest

import k8slab
from k8slab.etcd import CorruptError

NGINX = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
         "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                  "template": {"metadata": {"labels": {"app": "web"}},
                               "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}


def names(c, kind):
    return sorted(o["metadata"]["name"] for o in c.list(kind))


def test_restart_from_data_dir_keeps_everything_and_workers_pick_pods_up(tmp_path):
    d = str(tmp_path / "etcd")
    c = k8slab.Cluster(seed=0, nodes=2, data_dir=d)
    c.apply(NGINX)
    c.run(30)
    before = {k: names(c, k) for k in ("deployments", "replicasets", "pods", "nodes", "namespaces")}
    rev = c.store.revision
    c.close()
    c2 = k8slab.Cluster(seed=0, data_dir=d)
    assert c2.store.revision >= rev  # all kept; the returning kubelets write on top
    assert {k: names(c2, k) for k in before} == before
    assert c2.nodes == ["node-1", "node-2"]  # the workers come back
    assert c2.now > 0  # the clock goes on from the last write, so no timestamp is in the future
    c2.run(30)
    pods = c2.list("pods")
    assert names(c2, "pods") == before["pods"]  # the same pods, not replacements
    assert all(p["status"]["phase"] == "Running" for p in pods)
    runtime_pods = sum(len(k.runtime.list_containers()) for k in c2.kubelets.values())
    assert runtime_pods == 3  # the new kubelets really started the containers again
    c2.close()


def test_corrupt_or_foreign_data_dir_is_refused(tmp_path):
    d = tmp_path / "etcd"
    c = k8slab.Cluster(seed=0, nodes=1, data_dir=str(d))
    c.run(5)
    c.close()
    wal = sorted((d / "member" / "wal").iterdir())[0]
    data = bytearray(wal.read_bytes())
    data[40] ^= 0xFF  # flip a byte in the middle of an early record
    wal.write_bytes(bytes(data))
    with pytest.raises(CorruptError):
        k8slab.Cluster(seed=0, data_dir=str(d))
    foreign = tmp_path / "foreign"
    (foreign / "member" / "wal").mkdir(parents=True)
    (foreign / "member" / "wal" / "0000000000000000-0000000000000000.wal").write_text('{"not": "a wal"}')
    with pytest.raises(CorruptError):
        k8slab.Cluster(seed=0, data_dir=str(foreign))


def test_save_and_load_a_lab(tmp_path):
    c = k8slab.Cluster(seed=3, nodes=2)
    c.apply(NGINX)
    c.run(30)
    path = str(tmp_path / "lab.k8slab")
    c.save(path)
    lab = k8slab.Cluster.load(path)
    assert lab.nodes == c.nodes and lab.now == c.now
    assert lab.store.revision > c.store.revision  # the restarted kubelets re-registered on top
    assert names(lab, "pods") == names(c, "pods")
    lab.run(30)
    assert all(p["status"]["phase"] == "Running" for p in lab.list("pods"))
    # a learner's changes to the loaded lab do not touch the file
    lab.kubectl("scale deployment web --replicas=1")
    again = k8slab.Cluster.load(path)
    assert again.get("deployments", "web")["spec"]["replicas"] == 3


def test_load_refuses_a_foreign_file(tmp_path):
    p = tmp_path / "x.json"
    p.write_text(json.dumps({"hello": "world"}))
    with pytest.raises(Exception) as ei:
        k8slab.Cluster.load(str(p))
    assert str(p) in str(ei.value) or "k8slab" in str(ei.value) or "snapshot" in str(ei.value).lower()
