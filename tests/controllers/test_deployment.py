"""Deployment controller: ReplicaSet naming and annotations, status, scaling, rolling update limits."""

import pytest

from harness import ControlPlane, deployment
from k8slab.controllers.deployment import compute_hash, resolve_fenceposts, safe_encode_string


@pytest.mark.parametrize("surge,unavail,replicas,expected", [
    ("25%", "25%", 4, (1, 1)), ("25%", "25%", 3, (1, 0)), ("25%", "25%", 10, (3, 2)),
    (0, 0, 5, (0, 1)), ("0%", "0%", 5, (0, 1)), (1, 0, 3, (1, 0)), ("50%", "50%", 1, (1, 0)),
    (2, "10%", 10, (2, 1)),
])
def test_resolve_fenceposts(surge, unavail, replicas, expected):
    # upstream: pkg/controller/deployment/util/deployment_util_test.go TestResolveFenceposts
    assert resolve_fenceposts(surge, unavail, replicas) == expected


def test_safe_encode_string_uses_upstream_alphabet():
    assert safe_encode_string("0123456789") == "bcdfghjklm"[:0] + "".join(
        "bcdfghjklmnpqrstvwxz2456789"[ord(c) % 27] for c in "0123456789")
    h = compute_hash({"metadata": {"labels": {"app": "web"}}})
    assert 1 <= len(h) <= 10 and set(h) <= set("bcdfghjklmnpqrstvwxz2456789")


def test_creates_replicaset_with_hash_and_revision():
    cp = ControlPlane()
    d = cp.client.create("deployments", deployment(), "default")
    cp.run(1)
    rss = cp.client.list("replicasets", "default")["items"]
    assert len(rss) == 1
    r = rss[0]
    h = r["metadata"]["labels"]["pod-template-hash"]
    assert r["metadata"]["name"] == f"web-{h}"
    assert r["spec"]["selector"]["matchLabels"] == {"app": "web", "pod-template-hash": h}
    ann = r["metadata"]["annotations"]
    assert ann["deployment.kubernetes.io/revision"] == "1"
    assert ann["deployment.kubernetes.io/desired-replicas"] == "3"
    assert ann["deployment.kubernetes.io/max-replicas"] == "4"
    assert r["spec"]["replicas"] == 3
    assert len(cp.pods()) == 3
    assert all(p["metadata"]["name"].startswith(f"web-{h}-") for p in cp.pods())
    ev = [e for e in cp.client.list("events", "default")["items"] if e["reason"] == "ScalingReplicaSet"]
    assert ev[0]["message"] == f"Scaled up replica set web-{h} from 0 to 3"
    d = cp.client.get("deployments", "web", "default")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"


def test_status_and_conditions_once_ready():
    cp = ControlPlane()
    cp.client.create("deployments", deployment(), "default")
    cp.run(1)
    d = cp.client.get("deployments", "web", "default")
    assert d["status"]["conditions"][0]["type"] == "Available" and d["status"]["conditions"][0]["status"] == "False"
    cp.mark_ready()
    cp.run(1)
    d = cp.client.get("deployments", "web", "default")
    st = d["status"]
    assert (st["replicas"], st["updatedReplicas"], st["readyReplicas"], st["availableReplicas"]) == (3, 3, 3, 3)
    conds = {c["type"]: c for c in st["conditions"]}
    assert conds["Available"]["reason"] == "MinimumReplicasAvailable"
    assert conds["Available"]["message"] == "Deployment has minimum availability."
    assert conds["Progressing"]["reason"] == "NewReplicaSetAvailable"
    rs_name = cp.client.list("replicasets", "default")["items"][0]["metadata"]["name"]
    assert conds["Progressing"]["message"] == f'ReplicaSet "{rs_name}" has successfully progressed.'
    assert st["observedGeneration"] == 1


def test_scale_event_resizes_the_replicaset():
    cp = ControlPlane()
    cp.client.create("deployments", deployment(), "default")
    cp.run(1)
    cp.client.update_scale("deployments", "web", "default", 5)
    cp.run(1)
    assert len(cp.pods()) == 5
    msgs = [e["message"] for e in cp.client.list("events", "default")["items"] if e["reason"] == "ScalingReplicaSet"]
    assert msgs[-1].startswith("Scaled up replica set web-") and msgs[-1].endswith("from 3 to 5")


@pytest.mark.parametrize("replicas,surge,unavail", [(3, "25%", "25%"), (4, 1, 1), (5, 0, 1), (6, "50%", 0)])
def test_rolling_update_respects_surge_and_unavailable(replicas, surge, unavail):
    cp = ControlPlane()
    cp.client.create("deployments", deployment(replicas=replicas, strategy={
        "type": "RollingUpdate", "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavail}}), "default")
    cp.run(1)
    cp.mark_ready()
    cp.run(1)
    d = cp.client.get("deployments", "web", "default")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    cp.client.update("deployments", d)
    max_surge, max_unavail = resolve_fenceposts(surge, unavail, replicas)
    for _ in range(60):
        cp.run(0.5)
        live = [p for p in cp.pods() if not p["metadata"].get("deletionTimestamp")]
        ready = [p for p in live if p["status"].get("phase") == "Running"]
        assert len(live) <= replicas + max_surge
        assert len(ready) >= replicas - max_unavail
        cp.finish_terminating()
        cp.mark_ready()
    live = cp.pods()
    assert len(live) == replicas
    assert all(p["spec"]["containers"][0]["image"] == "nginx:1.28" for p in live)
    rss = sorted(cp.client.list("replicasets", "default")["items"],
                 key=lambda r: r["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
    assert [r["spec"]["replicas"] for r in rss] == [0, replicas]
    d = cp.client.get("deployments", "web", "default")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"


def test_recreate_scales_old_to_zero_before_new():
    cp = ControlPlane()
    cp.client.create("deployments", deployment(replicas=2, strategy={"type": "Recreate"}), "default")
    cp.run(1)
    cp.mark_ready()
    cp.run(1)
    d = cp.client.get("deployments", "web", "default")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    cp.client.update("deployments", d)
    cp.run(1)
    images = {p["spec"]["containers"][0]["image"] for p in cp.pods() if not p["metadata"].get("deletionTimestamp")}
    assert images <= {"nginx:1.27"}  # no new pod while old ones exist
    cp.finish_terminating()
    cp.run(1)
    assert {p["spec"]["containers"][0]["image"] for p in cp.pods()} == {"nginx:1.28"}


def test_deleting_deployment_removes_replicasets_and_pods():
    cp = ControlPlane()
    cp.client.create("deployments", deployment(), "default")
    cp.run(1)
    cp.client.delete("deployments", "web", "default")
    cp.run(2)
    assert cp.client.list("replicasets", "default")["items"] == []
    assert cp.pods() == []
