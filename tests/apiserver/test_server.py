"""API server REST semantics: create/get/list/update/patch/delete/watch, resourceVersion, errors."""

import json

import pytest

from k8slab.api.errors import ApiError
from k8slab.apiserver import APIServer
from k8slab.etcd import MVCCStore
from k8slab.sim import Kernel, RngTree, Trace


def make():
    k = Kernel()
    store = MVCCStore()
    s = APIServer(store, k, RngTree(0), Trace())
    s.bootstrap()
    return k, store, s


def pod(name="web", image="nginx:1.27", **labels):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": image}]}}


def test_create_sets_metadata_and_defaults_and_stores_under_registry_key():
    k, store, s = make()
    created = s.create("pods", "default", pod())
    md = created["metadata"]
    assert md["namespace"] == "default" and md["uid"] and md["creationTimestamp"] == "2025-01-01T00:00:00Z"
    assert md["resourceVersion"] == str(store.revision)
    assert created["status"]["phase"] == "Pending"
    assert created["spec"]["restartPolicy"] == "Always"
    assert created["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    raw = json.loads(store.get("/registry/pods/default/web").value)
    assert "resourceVersion" not in raw["metadata"]  # the revision is the resourceVersion


def test_nodes_live_under_minions():
    k, store, s = make()
    s.create("nodes", None, {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}})
    assert store.get("/registry/minions/n1") is not None


def test_handed_out_objects_cannot_corrupt_the_store():
    k, store, s = make()
    obj = pod()
    created = s.create("pods", "default", obj)
    obj["spec"]["containers"][0]["image"] = "evil"
    created["spec"]["containers"][0]["image"] = "evil"
    got = s.get("pods", "default", "web")
    got["metadata"]["labels"]["app"] = "evil"
    again = s.get("pods", "default", "web")
    assert again["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert again["metadata"]["labels"]["app"] == "web"


@pytest.mark.parametrize("call,code,reason,message", [
    (lambda s: s.get("pods", "default", "nope"), 404, "NotFound", 'pods "nope" not found'),
    (lambda s: s.get("deployments", "default", "nope"), 404, "NotFound", 'deployments.apps "nope" not found'),
    (lambda s: s.create("pods", "default", pod()), 409, "AlreadyExists", 'pods "web" already exists'),
    (lambda s: s.create("pods", "missing", pod("x")), 404, "NotFound", 'namespaces "missing" not found'),
    (lambda s: s.create("pods", "default", pod("y", image="")), 422, "Invalid",
     'Pod "y" is invalid: spec.containers[0].image: Required value'),
    (lambda s: s.list("pods", "default", field_selector="spec.bogus=x"), 400, "BadRequest",
     "field label not supported: spec.bogus"),
])
def test_errors_are_status_objects_and_change_nothing(call, code, reason, message):
    k, store, s = make()
    s.create("pods", "default", pod())
    rev = store.revision
    with pytest.raises(ApiError) as ei:
        call(s)
    e = ei.value
    assert (e.code, e.reason, e.message) == (code, reason, message)
    st = e.status()
    assert st["kind"] == "Status" and st["status"] == "Failure" and st["code"] == code
    assert store.revision == rev


def test_stale_update_conflicts():
    k, store, s = make()
    a = s.create("pods", "default", pod())
    b = json.loads(json.dumps(a))
    a["metadata"]["labels"]["v"] = "1"
    s.update("pods", "default", a)
    b["metadata"]["labels"]["v"] = "2"
    with pytest.raises(ApiError) as ei:
        s.update("pods", "default", b)
    assert ei.value.code == 409 and ei.value.reason == "Conflict"
    assert ei.value.message == ('Operation cannot be fulfilled on pods "web": the object has been modified; '
                                'please apply your changes to the latest version and try again')
    assert s.get("pods", "default", "web")["metadata"]["labels"]["v"] == "1"


def test_noop_update_keeps_resource_version():
    k, store, s = make()
    a = s.create("pods", "default", pod())
    b = s.update("pods", "default", a)
    assert b["metadata"]["resourceVersion"] == a["metadata"]["resourceVersion"]


def test_status_subresource_and_generation():
    k, store, s = make()
    d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
         "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                  "template": {"metadata": {"labels": {"app": "web"}},
                               "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
    d = s.create("deployments", "default", d)
    assert d["metadata"]["generation"] == 1
    d["status"] = {"replicas": 5}
    d = s.update("deployments", "default", d)  # status ignored on the main resource
    assert d.get("status", {}).get("replicas") is None and d["metadata"]["generation"] == 1
    d["spec"]["replicas"] = 3
    d = s.update("deployments", "default", d)
    assert d["metadata"]["generation"] == 2
    d["status"] = {"replicas": 3}
    d["spec"]["replicas"] = 9  # spec ignored on the status subresource
    d = s.update("deployments", "default", d, subresource="status")
    assert d["status"]["replicas"] == 3 and d["spec"]["replicas"] == 3


def test_list_selectors_and_pagination():
    k, store, s = make()
    for i, app in enumerate(["a", "b", "a", "c"]):
        s.create("pods", "default", pod(f"p{i}", app=app))
    assert [p["metadata"]["name"] for p in s.list("pods", "default", label_selector="app=a")["items"]] == ["p0", "p2"]
    assert [p["metadata"]["name"] for p in s.list("pods", None, label_selector="app in (b,c)")["items"]] == ["p1", "p3"]
    assert [p["metadata"]["name"] for p in s.list("pods", None, field_selector="metadata.name=p3")["items"]] == ["p3"]
    page = s.list("pods", "default", limit=3)
    assert len(page["items"]) == 3 and page["metadata"]["continue"]
    s.create("pods", "default", pod("p9"))  # later writes do not leak into the paged snapshot
    rest = s.list("pods", "default", limit=3, continue_token=page["metadata"]["continue"])
    assert [p["metadata"]["name"] for p in rest["items"]] == ["p3"]


def test_watch_from_resource_version_and_selector_transitions():
    k, store, s = make()
    lst = s.list("pods", "default")
    seen = []
    s.watch("pods", "default", lambda t, o: seen.append((t, o["metadata"]["name"])),
            resource_version=lst["metadata"]["resourceVersion"], label_selector="app=web")
    p = s.create("pods", "default", pod())
    p["metadata"]["labels"]["app"] = "other"
    s.update("pods", "default", p)  # leaves the selector -> DELETED
    s.create("pods", "default", pod("x", app="other"))  # never matches
    k.run_until(1)
    assert seen == [("ADDED", "web"), ("DELETED", "web")]


def test_watch_without_resource_version_starts_with_synthetic_adds():
    k, store, s = make()
    s.create("pods", "default", pod("a"))
    seen = []
    s.watch("pods", "default", lambda t, o: seen.append((t, o["metadata"]["name"])))
    k.run_until(1)
    assert seen == [("ADDED", "a")]


def test_watch_too_old_is_gone():
    k, store, s = make()
    for i in range(3):
        s.create("pods", "default", pod(f"p{i}"))
    store.compact(store.revision)
    with pytest.raises(ApiError) as ei:
        s.watch("pods", "default", lambda t, o: None, resource_version="2")
    assert ei.value.code == 410 and ei.value.reason == "Expired"


def test_graceful_pod_deletion_and_binding():
    k, store, s = make()
    s.create("pods", "default", pod())
    s.bind("default", "web", {"target": {"name": "node-1"}})
    p = s.get("pods", "default", "web")
    assert p["spec"]["nodeName"] == "node-1"
    assert any(c["type"] == "PodScheduled" and c["status"] == "True" for c in p["status"]["conditions"])
    with pytest.raises(ApiError) as ei:
        s.bind("default", "web", {"target": {"name": "node-2"}})
    assert ei.value.code == 409
    d = s.delete("pods", "default", "web")
    assert d["metadata"]["deletionTimestamp"] == "2025-01-01T00:00:30Z"
    assert d["metadata"]["deletionGracePeriodSeconds"] == 30
    s.delete("pods", "default", "web", grace_period_seconds=0)
    with pytest.raises(ApiError):
        s.get("pods", "default", "web")


def test_unscheduled_pod_is_deleted_at_once():
    k, store, s = make()
    s.create("pods", "default", pod())
    s.delete("pods", "default", "web")
    with pytest.raises(ApiError):
        s.get("pods", "default", "web")


def test_finalizers_hold_deletion_until_removed():
    k, store, s = make()
    s.create("namespaces", None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}})
    d = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs", "finalizers": ["example.com/hold"]},
         "spec": {"replicas": 0, "selector": {"matchLabels": {"a": "b"}},
                  "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}}
    s.create("replicasets", "x", d)
    out = s.delete("replicasets", "x", "rs")
    assert out["metadata"]["deletionTimestamp"]
    cur = s.get("replicasets", "x", "rs")
    cur["metadata"]["finalizers"] = []
    s.update("replicasets", "x", cur)
    with pytest.raises(ApiError) as ei:
        s.get("replicasets", "x", "rs")
    assert ei.value.code == 404


def test_generate_name_is_seeded():
    names = []
    for _ in range(2):
        k, store, s = make()
        p = pod("")
        p["metadata"] = {"generateName": "web-", "labels": {"app": "web"}}
        names.append(s.create("pods", "default", p)["metadata"]["name"])
    assert names[0] == names[1] and names[0].startswith("web-") and len(names[0]) == 9


def test_scale_subresource():
    k, store, s = make()
    d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
         "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                  "template": {"metadata": {"labels": {"app": "web"}},
                               "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
    s.create("deployments", "default", d)
    sc = s.update_scale("deployments", "default", "web", 5)
    assert sc["kind"] == "Scale" and sc["spec"]["replicas"] == 5 and sc["status"]["selector"] == "app=web"
    with pytest.raises(ApiError) as ei:
        s.update_scale("deployments", "default", "web", -1)
    assert ei.value.code == 422
    assert s.get("deployments", "default", "web")["spec"]["replicas"] == 5
