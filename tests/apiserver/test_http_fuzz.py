"""A bounded fuzz of the HTTP API: random methods, paths, content types and bodies never crash the
server (no 5xx), errors are Status objects, and the server keeps serving."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import k8slab
from http_harness import Raw


@pytest.fixture(scope="module")
def raw():
    c = k8slab.Cluster(seed=0, nodes=1)
    srv = c.serve(speed=5, tls=False)
    yield Raw(srv)
    srv.close()


PATHS = st.sampled_from([
    "/api/v1/namespaces/default/pods", "/api/v1/namespaces/default/configmaps", "/api/v1/namespaces/default/pods/x",
    "/apis/apps/v1/namespaces/default/deployments", "/apis/apps/v1/namespaces/default/deployments/web/scale",
    "/api/v1/nodes", "/api/v1/namespaces", "/api/v1/namespaces/nope/configmaps", "/apis/x/y/z", "/api/v1/nope",
    "/apis/rbac.authorization.k8s.io/v1/clusterroles", "/api/v1/namespaces/default/configmaps/cfg",
    "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
])
QUERY = st.sampled_from(["", "?dryRun=All", "?fieldValidation=Strict", "?labelSelector=a%3D%3D", "?limit=1",
                         "?fieldSelector=nope%3Dx", "?fieldValidation=Bogus", "?dryRun=Some", "?continue=zz"])
JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                       lambda ch: st.lists(ch, max_size=3) | st.dictionaries(st.text(max_size=8), ch, max_size=3),
                       max_leaves=10)
OBJ = st.fixed_dictionaries({"apiVersion": st.sampled_from(["v1", "apps/v1", "v2", ""]),
                             "kind": st.sampled_from(["ConfigMap", "Pod", "Deployment", "Nope"]),
                             "metadata": st.fixed_dictionaries({"name": st.sampled_from(["cfg", "Bad_Name", "", "x"])})},
                            optional={"data": st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
                                      "spec": JSONISH})
BODY = st.one_of(st.none(), OBJ.map(json.dumps), JSONISH.map(json.dumps), st.binary(max_size=40))
CTYPE = st.sampled_from(["application/json", "application/yaml", "application/merge-patch+json",
                         "application/strategic-merge-patch+json", "application/json-patch+json",
                         "application/apply-patch+yaml", "application/vnd.kubernetes.protobuf", "text/plain"])


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]), path=PATHS, query=QUERY, body=BODY,
       ctype=CTYPE)
def test_fuzz_http_api(raw, method, path, query, body, ctype):
    code, _, out = raw.request(method, path + query, body, content_type=ctype)
    assert code < 500, (method, path, query, body, out)
    if code >= 400:
        assert isinstance(out, dict) and out.get("kind") == "Status" and out.get("code") == code, out


def test_still_serving_after_fuzz(raw):
    assert raw.request("GET", "/version")[0] == 200
