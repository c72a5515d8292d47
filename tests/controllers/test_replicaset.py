"""ReplicaSet controller: creates and deletes pods to match replicas, adopts orphans, ranks victims."""

import pytest

from harness import ControlPlane


def rs(name="frontend", replicas=3, labels=None):
    labels = labels or {"tier": "frontend"}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "php-redis", "image": "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5"}]}}}}


def test_creates_pods_with_owner_and_generated_names():
    cp = ControlPlane()
    r = cp.client.create("replicasets", rs(), "default")
    cp.run(1)
    pods = cp.pods()
    assert len(pods) == 3
    for p in pods:
        assert p["metadata"]["name"].startswith("frontend-") and len(p["metadata"]["name"]) == len("frontend-") + 5
        ref = p["metadata"]["ownerReferences"][0]
        assert (ref["kind"], ref["name"], ref["uid"], ref["controller"]) == ("ReplicaSet", "frontend", r["metadata"]["uid"], True)
    st = cp.client.get("replicasets", "frontend", "default")["status"]
    assert st["replicas"] == 3 and st["observedGeneration"] == 1
    reasons = [e["reason"] for e in cp.client.list("events", "default")["items"]]
    assert reasons.count("SuccessfulCreate") == 3


def test_replaces_a_deleted_pod():
    cp = ControlPlane()
    cp.client.create("replicasets", rs(), "default")
    cp.run(1)
    victim = cp.pods()[0]["metadata"]["name"]
    cp.client.delete("pods", victim, "default")
    cp.run(1)
    names = [p["metadata"]["name"] for p in cp.pods()]
    assert len(names) == 3 and victim not in names


def test_scale_down_deletes_unready_pods_first():
    cp = ControlPlane()
    cp.client.create("replicasets", rs(replicas=2), "default")
    cp.run(1)
    cp.mark_ready()
    cp.run(1)
    r = cp.client.get("replicasets", "frontend", "default")
    r["spec"]["replicas"] = 4
    cp.client.update("replicasets", r)
    cp.run(1)
    ready = {p["metadata"]["name"] for p in cp.pods() if p["status"].get("phase") == "Running"}
    assert len(cp.pods()) == 4 and len(ready) == 2
    r = cp.client.get("replicasets", "frontend", "default")
    r["spec"]["replicas"] = 2
    cp.client.update("replicasets", r)
    cp.run(1)
    assert {p["metadata"]["name"] for p in cp.pods()} == ready  # the Pending ones went


def test_adopts_matching_orphan_and_creates_fewer():
    cp = ControlPlane()
    cp.client.create("pods", {"apiVersion": "v1", "kind": "Pod",
                              "metadata": {"name": "orphan", "labels": {"tier": "frontend"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}, "default")
    cp.client.create("replicasets", rs(), "default")
    cp.run(1)
    pods = cp.pods()
    assert len(pods) == 3
    orphan = next(p for p in pods if p["metadata"]["name"] == "orphan")
    assert orphan["metadata"]["ownerReferences"][0]["name"] == "frontend"


def test_releases_pod_whose_labels_no_longer_match():
    cp = ControlPlane()
    cp.client.create("replicasets", rs(replicas=1), "default")
    cp.run(1)
    p = cp.pods()[0]
    p["metadata"]["labels"] = {"tier": "debug"}
    cp.client.update("pods", p)
    cp.run(1)
    released = cp.client.get("pods", p["metadata"]["name"], "default")
    assert not released["metadata"].get("ownerReferences")
    assert len(cp.pods(label_selector="tier=frontend")) == 1


@pytest.mark.parametrize("replicas,batches", [(1, [1]), (3, [1, 2]), (10, [1, 2, 4, 3])])
def test_slow_start_batches(replicas, batches):
    from k8slab.controllers.replicaset import ReplicaSetController

    sizes = []
    remaining, batch = replicas, 1
    while batch > 0:
        sizes.append(batch)
        remaining -= batch
        batch = min(2 * batch, remaining)
    assert sizes == batches
    cp = ControlPlane()
    cp.client.create("replicasets", rs(replicas=replicas), "default")
    cp.run(1)
    assert len(cp.pods()) == replicas


def test_deleting_replicaset_garbage_collects_pods():
    cp = ControlPlane()
    cp.client.create("replicasets", rs(), "default")
    cp.run(1)
    cp.client.delete("replicasets", "frontend", "default")
    cp.run(1)
    assert cp.pods() == []


def test_orphan_propagation_keeps_pods():
    cp = ControlPlane()
    cp.client.create("replicasets", rs(), "default")
    cp.run(1)
    cp.client.delete("replicasets", "frontend", "default", propagation_policy="Orphan")
    cp.run(2)
    pods = cp.pods()
    assert len(pods) == 3 and all(not p["metadata"].get("ownerReferences") for p in pods)
