"""The served HTTP API with a raw client: discovery, Table, authn/RBAC, bad input, REST semantics."""

from __future__ import annotations

import json

import pytest

import k8slab
from http_harness import Raw

CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1"}}


@pytest.fixture(scope="module")
def served():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.run(5)
    srv = c.serve(speed=20, tls=False)
    yield c, srv
    srv.close()


@pytest.fixture(scope="module")
def raw(served):
    return Raw(served[1])


def _stored(c, srv, name, resource="configmaps"):
    with srv.lock:
        return any(o["metadata"]["name"] == name for o in c.apiserver.list(resource, "default")["items"])


def test_version_reports_minor_32(raw):
    code, _, body = raw.request("GET", "/version?timeout=5s")
    assert code == 200
    assert body["major"] == "1" and body["minor"] == "32" and body["gitVersion"].startswith("v1.32.")


def test_discovery_legacy_and_aggregated(raw):
    code, h, body = raw.request("GET", "/api")
    assert code == 200 and body["versions"] == ["v1"]
    code, h, body = raw.request("GET", "/apis")
    assert "apps" in [g["name"] for g in body["groups"]]
    code, h, body = raw.request("GET", "/apis", headers={
        "Accept": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"})
    assert h["Content-Type"].startswith("application/json;g=apidiscovery.k8s.io;v=v2")
    apps = next(i for i in body["items"] if i["metadata"]["name"] == "apps")
    dep = next(r for r in apps["versions"][0]["resources"] if r["resource"] == "deployments")
    assert dep["scope"] == "Namespaced" and "scale" in [s["subresource"] for s in dep["subresources"]]
    code, _, body = raw.request("GET", "/api/v1")
    names = [r["name"] for r in body["resources"]]
    assert "pods" in names and "pods/log" in names and "pods/status" in names


def test_table_response_for_get(raw):
    code, h, body = raw.request("GET", "/api/v1/nodes?limit=500", headers={
        "Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"})
    assert code == 200 and body["kind"] == "Table"
    assert [c["name"] for c in body["columnDefinitions"]][:5] == ["Name", "Status", "Roles", "Age", "Version"]
    assert body["rows"][0]["cells"][0] == "node-1"
    assert body["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


def test_no_token_is_401_and_wrong_token_is_401(raw):
    code, _, body = raw.request("GET", "/api/v1/pods", token="")
    assert code == 401 and body["reason"] == "Unauthorized" and body["message"] == "Unauthorized"
    code, _, body = raw.request("GET", "/api/v1/pods", token="not-a-token")
    assert code == 401


def test_service_account_sees_only_what_its_bindings_allow(served, raw):
    c, srv = served
    raw.request("POST", "/api/v1/namespaces/default/serviceaccounts",
                {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "viewer"}})
    code, _, tr = raw.request("POST", "/api/v1/namespaces/default/serviceaccounts/viewer/token",
                              {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}})
    assert code == 201
    tok = tr["status"]["token"]
    code, _, body = raw.request("GET", "/api/v1/namespaces/default/pods", token=tok)
    assert code == 403
    assert body["message"] == ('pods is forbidden: User "system:serviceaccount:default:viewer" cannot list resource '
                               '"pods" in API group "" in the namespace "default"')
    raw.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "viewer"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"kind": "ServiceAccount", "name": "viewer", "namespace": "default"}]})
    assert raw.request("GET", "/api/v1/namespaces/default/pods", token=tok)[0] == 200
    assert raw.request("GET", "/api/v1/namespaces/kube-system/pods", token=tok)[0] == 403
    code, _, body = raw.request("POST", "/api/v1/namespaces/default/configmaps", CM, token=tok)
    assert code == 403 and "cannot create resource" in body["message"]
    assert not _stored(c, srv, "cfg")
    # a deleted ServiceAccount's token stops working
    raw.request("DELETE", "/api/v1/namespaces/default/serviceaccounts/viewer")
    assert raw.request("GET", "/api/v1/namespaces/default/pods", token=tok)[0] == 401


def test_self_subject_access_review_json(raw):
    code, _, body = raw.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
        "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": {"verb": "delete", "resource": "nodes"}}})
    assert code == 201 and body["status"]["allowed"] is True


def test_ssar_protobuf_decoding():
    from k8slab.apiserver.http import decode_ssar_protobuf

    def fld(n, b):
        return bytes([n << 3 | 2, len(b)]) + b
    ra = fld(1, b"default") + fld(2, b"list") + fld(5, b"pods")
    raw_ssar = fld(2, fld(1, ra))
    body = b"k8s\x00" + fld(1, fld(1, b"authorization.k8s.io/v1") + fld(2, b"SelfSubjectAccessReview")) + fld(2, raw_ssar)
    got = decode_ssar_protobuf(body)
    assert got["spec"]["resourceAttributes"]["verb"] == "list"
    assert got["spec"]["resourceAttributes"]["resource"] == "pods"
    assert got["spec"]["resourceAttributes"]["namespace"] == "default"


@pytest.mark.parametrize("body,ctype,code,message", [
    (b'{"apiVersion": "v1", "kind": ', "application/json", 400,
     "couldn't get version/kind; json parse error: unexpected end of JSON input"),
    (b"{oops}", "application/json", 400,
     "couldn't get version/kind; json parse error: invalid character 'o' looking for beginning of object key string"),
    (b"a: [b", "application/yaml", 400, None),
    (json.dumps({**CM, "apiVersion": "v2"}).encode(), "application/json", 400,
     'ConfigMap in version "v2" cannot be handled as a ConfigMap: no kind "ConfigMap" is registered for version "v2" '
     'in scheme "pkg/api/legacyscheme/scheme.go:30"'),
    (json.dumps({**CM, "metadata": {"name": "Bad_Name"}}).encode(), "application/json", 422, None),
    (b"\x00\x01", "application/vnd.kubernetes.protobuf", 400, None),  # not the k8s\x00 envelope
])
def test_bad_input_gets_a_status_and_stores_nothing(served, raw, body, ctype, code, message):
    c, srv = served
    got, _, st = raw.request("POST", "/api/v1/namespaces/default/configmaps", body, content_type=ctype)
    assert got == code, st
    assert st["kind"] == "Status" and st["code"] == code
    if message:
        assert st["message"] == message
    assert not _stored(c, srv, "cfg") and not _stored(c, srv, "Bad_Name")
    assert raw.request("GET", "/version")[0] == 200  # still serving


def test_strict_field_validation_rejects_unknown_fields(served, raw):
    c, srv = served
    bad = {**CM, "metadata": {"name": "strict"}, "spec": {"foo": 1}}
    code, _, st = raw.request("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", bad)
    assert code == 400 and st["message"] == 'strict decoding error: unknown field "spec"'
    assert not _stored(c, srv, "strict")
    code, h, _ = raw.request("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Warn&dryRun=All", bad)
    assert code == 201 and 'unknown field \\"spec\\"' not in h.get("Warning", "") and "unknown field" in h["Warning"]


def test_body_over_3mib_is_413(served, raw):
    big = {**CM, "metadata": {"name": "big"}, "data": {"a": "x" * (3 * 1024 * 1024 + 10)}}
    code, _, st = raw.request("POST", "/api/v1/namespaces/default/configmaps", big)
    assert code == 413 and st["message"] == "Request entity too large: limit is 3145728"
    assert raw.request("GET", "/version")[0] == 200


def test_dry_run_stores_nothing(served, raw):
    c, srv = served
    code, _, obj = raw.request("POST", "/api/v1/namespaces/default/configmaps?dryRun=All",
                               {**CM, "metadata": {"name": "dry"}})
    assert code == 201 and obj["metadata"]["name"] == "dry"
    assert not _stored(c, srv, "dry")


def test_stale_resource_version_is_409(raw):
    code, _, obj = raw.request("POST", "/api/v1/namespaces/default/configmaps", {**CM, "metadata": {"name": "race"}})
    assert code == 201
    first = dict(obj, data={"a": "writer-1"})
    second = dict(obj, data={"a": "writer-2"})
    assert raw.request("PUT", "/api/v1/namespaces/default/configmaps/race", first)[0] == 200
    code, _, st = raw.request("PUT", "/api/v1/namespaces/default/configmaps/race", second)
    assert code == 409 and st["reason"] == "Conflict"
    assert st["message"] == ('Operation cannot be fulfilled on configmaps "race": the object has been modified; '
                             'please apply your changes to the latest version and try again')
    assert raw.request("GET", "/api/v1/namespaces/default/configmaps/race")[2]["data"] == {"a": "writer-1"}


def test_patch_types_and_scale_subresource(raw):
    dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
           "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "c", "image": "nginx",
                                                          "ports": [{"containerPort": 80}]}]}}}}
    assert raw.request("POST", "/apis/apps/v1/namespaces/default/deployments", dep)[0] == 201
    code, _, out = raw.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web",
                               {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:2"}]}}}},
                               content_type="application/strategic-merge-patch+json")
    c0 = out["spec"]["template"]["spec"]["containers"][0]
    assert code == 200 and c0["image"] == "nginx:2" and c0["ports"][0]["containerPort"] == 80
    code, _, sc = raw.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale",
                              {"spec": {"replicas": 3}}, content_type="application/merge-patch+json")
    assert code == 200 and sc["kind"] == "Scale" and sc["spec"]["replicas"] == 3
    code, _, out = raw.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web",
                               [{"op": "replace", "path": "/spec/replicas", "value": 2}],
                               content_type="application/json-patch+json")
    assert code == 200 and out["spec"]["replicas"] == 2
    code, _, st = raw.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", "{}",
                              content_type="text/plain")
    assert code == 415


def test_watch_streams_events_and_410_for_compacted(served, raw):
    c, srv = served
    code, _, lst = raw.request("GET", "/api/v1/namespaces/default/configmaps")
    rv = lst["metadata"]["resourceVersion"]
    raw.request("POST", "/api/v1/namespaces/default/configmaps", {**CM, "metadata": {"name": "watched"}})
    conn = raw.conn()
    conn.request("GET", f"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=1",
                 headers={"Authorization": f"Bearer {srv.token}"})
    r = conn.getresponse()
    lines = [json.loads(x) for x in r.read().splitlines() if x.strip()]
    assert r.status == 200
    assert ("ADDED", "watched") in [(e["type"], e["object"]["metadata"]["name"]) for e in lines]
    with srv.lock:
        c.store.compact(c.store.revision)
    conn = raw.conn()
    conn.request("GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2&timeoutSeconds=1",
                 headers={"Authorization": f"Bearer {srv.token}"})
    r = conn.getresponse()
    ev = json.loads(r.read().splitlines()[0])
    assert ev["type"] == "ERROR" and ev["object"]["code"] == 410 and ev["object"]["reason"] == "Expired"


def test_pipeline_steps_are_in_the_trace(served, raw):
    c, srv = served
    raw.request("GET", "/api/v1/namespaces/default/pods")
    with srv.lock:
        verbs = [(r.source, r.verb) for r in c.trace.records[-50:]]
    assert ("kubernetes-admin", "authenticate") in verbs and ("kubernetes-admin", "authorize") in verbs
    assert ("kubernetes-admin", "list") in verbs


def test_unknown_path_is_404_status(raw):
    code, _, st = raw.request("GET", "/apis/nope.example.com/v1/things")
    assert code == 404 and st["kind"] == "Status"
