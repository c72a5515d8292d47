"""Patches: JSON merge patch, strategic merge patch (apply, 2-way, 3-way), JSON patch, PATCH errors.

The strategic cases are upstream's own tables (data/strategic_cases.yaml, ported from
strategicpatch/patch_test.go over its MergeItem test type); the apply cases in
data/kubectl_apply_patches.json are the patches the real kubectl v1.32 computed for
``kubectl apply`` (recorded against a fake API server holding ``current``).
"""

import copy
import json
import pathlib

import pytest
import yaml

from k8slab.api import patch as P
from k8slab.api.errors import ApiError

DATA = pathlib.Path(__file__).parent / "data"

# upstream patch_test.go: MergeItem / RetainKeysMergeItem struct tags
MERGE_ITEM = {
    "mergingList": ("MergeItem", ("merge",), "name"),
    "nonMergingList": ("MergeItem", (), ""),
    "mergingIntList": (None, ("merge",), ""),
    "nonMergingIntList": (None, (), ""),
    "mergeItemPtr": ("MergeItem", ("merge",), "name"),
    "replacingItem": (None, ("replace",), ""),
    "retainKeysMap": ("RetainKeysMergeItem", ("retainKeys",), ""),
    "retainKeysMergingList": ("MergeItem", ("merge", "retainKeys"), "name"),
}
RETAIN_KEYS_MERGE_ITEM = {
    "mergingIntList": (None, ("merge",), ""),
    "mergingList": ("MergeItem", ("merge",), "name"),
    "nonMergingList": ("MergeItem", (), ""),
}


@pytest.fixture(autouse=True)
def merge_item_schema(monkeypatch):
    monkeypatch.setitem(P.PATCH_META, "MergeItem", MERGE_ITEM)
    monkeypatch.setitem(P.PATCH_META, "RetainKeysMergeItem", RETAIN_KEYS_MERGE_ITEM)


CASES = yaml.safe_load((DATA / "strategic_cases.yaml").read_text())


def _sorted_directives(p):
    """Upstream compares patches with $retainKeys and $deleteFromPrimitiveList sorted."""
    if isinstance(p, dict):
        out = {}
        for k, v in p.items():
            if k == "$retainKeys" or k.startswith("$deleteFromPrimitiveList/"):
                out[k] = sorted(v, key=str)
            else:
                out[k] = _sorted_directives(v)
        return out
    if isinstance(p, list):
        return [_sorted_directives(x) for x in p]
    return p


def _strip_nulls(v):
    if isinstance(v, dict):
        return {k: _strip_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_strip_nulls(x) for x in v]
    return v


@pytest.mark.parametrize("case", CASES["createCases"], ids=lambda c: c["description"])
def test_upstream_create_cases(case):
    original = case.get("original") or {}
    modified = case["modified"]
    two_way = P.two_way_strategic_patch(original, modified, "MergeItem")
    assert _sorted_directives(two_way) == _sorted_directives(case["twoWay"])
    applied = P.strategic_merge_patch(original, case["twoWay"], "MergeItem")
    assert applied == case.get("twoWayResult", _strip_nulls(modified))
    if "current" in case:
        three_way = P.three_way_strategic_patch(original, modified, case["current"], "MergeItem")
        assert _sorted_directives(three_way) == _sorted_directives(case["threeWay"])
        assert P.strategic_merge_patch(case["current"], case["threeWay"], "MergeItem") == case["result"]


@pytest.mark.parametrize("case", CASES["applyCases"], ids=lambda c: c["description"])
def test_upstream_apply_cases(case):
    assert P.strategic_merge_patch(case["original"], case["patch"], "MergeItem") == case["result"]


@pytest.mark.parametrize("case", CASES["errorCases"], ids=lambda c: c["description"])
def test_upstream_error_cases(case):
    with pytest.raises(P.PatchError, match=case["error"]):
        P.strategic_merge_patch(case["original"], case["patch"], "MergeItem")


def test_patching_does_not_touch_its_arguments():
    obj = {"mergingList": [{"name": 1, "value": "a"}], "simpleMap": {"k": "v"}}
    patch = {"mergingList": [{"name": 1, "value": "b"}], "simpleMap": {"k": None}}
    before = (copy.deepcopy(obj), copy.deepcopy(patch))
    P.strategic_merge_patch(obj, patch, "MergeItem")
    P.three_way_strategic_patch(obj, patch, obj, "MergeItem")
    assert (obj, patch) == before


# ------------------------------------------------------------------ kubectl's apply patches on real types
KUBECTL = json.loads((DATA / "kubectl_apply_patches.json").read_text())["cases"]


@pytest.mark.parametrize("case", KUBECTL, ids=lambda c: c["name"])
def test_three_way_patch_equals_kubectl(case):
    patch = P.three_way_strategic_patch(case["original"], case["modified"], case["current"], case["kind"])
    assert patch == case["patch"]
    assert ("unchanged" if not patch else "configured") in case["kubectl_output"]


@pytest.mark.parametrize("case", KUBECTL, ids=lambda c: c["name"])
def test_applying_kubectls_patch_reaches_the_manifest(case):
    """After the server applies the patch, every field of the manifest is as written, and
    what only the server set (status, defaults, others' annotations) is still there."""
    result = P.strategic_merge_patch(case["current"], case["patch"], case["kind"])

    def covers(have, want):
        if isinstance(want, dict):
            return isinstance(have, dict) and all(covers(have.get(k), v) for k, v in want.items())
        if isinstance(want, list) and want and isinstance(want[0], dict) and "name" in want[0]:
            names = [w["name"] for w in want]
            got = [h for h in have if h.get("name") in names] if isinstance(have, list) else []
            return [h["name"] for h in got] == names and all(covers(h, w) for h, w in zip(got, want))
        return have == want

    assert covers(result, case["modified"])
    assert result["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] == \
        case["modified"]["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    if "status" in case["current"]:
        assert result["status"] == case["current"]["status"]


def test_removed_field_and_container_are_removed_others_kept():
    original = {"metadata": {"labels": {"app": "web", "tier": "front"}},
                "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}}}
    modified = {"metadata": {"labels": {"app": "web"}},
                "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x2"}]}}}}
    current = copy.deepcopy(original)
    current["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "IfNotPresent"
    current["spec"]["replicas"] = 3
    patch = P.three_way_strategic_patch(original, modified, current, "Deployment")
    result = P.strategic_merge_patch(current, patch, "Deployment")
    assert result["metadata"]["labels"] == {"app": "web"}
    assert result["spec"]["template"]["spec"]["containers"] == [
        {"name": "a", "image": "x2", "imagePullPolicy": "IfNotPresent"}]
    assert result["spec"]["replicas"] == 3


@pytest.mark.parametrize("kind,path,key", [
    ("Pod", ("spec", "containers"), "name"),
    ("Pod", ("spec", "volumes"), "name"),
    ("Pod", ("spec", "imagePullSecrets"), "name"),
    ("Pod", ("status", "conditions"), "type"),
    ("Pod", ("status", "podIPs"), "ip"),
    ("Node", ("status", "addresses"), "type"),
    ("Node", ("status", "conditions"), "type"),
    ("Deployment", ("status", "conditions"), "type"),
    ("ReplicaSet", ("status", "conditions"), "type"),
    ("Pod", ("metadata", "ownerReferences"), "uid"),
])
def test_core_types_merge_lists_by_their_keys(kind, path, key):
    def nest(value):
        out = value
        for p in reversed(path):
            out = {p: out}
        return out

    obj = nest([{key: "a", "x": 1}, {key: "b", "x": 2}])
    result = P.strategic_merge_patch(obj, nest([{key: "b", "x": 3}, {key: "c", "x": 4}]), kind)
    got = result
    for p in path:
        got = got[p]
    assert got == [{key: "a", "x": 1}, {key: "b", "x": 3}, {key: "c", "x": 4}]


def test_container_ports_env_and_mounts_merge_by_their_keys():
    pod = {"spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80, "name": "http"}],
                                    "env": [{"name": "A", "value": "1"}],
                                    "volumeMounts": [{"name": "v", "mountPath": "/a"}]}]}}
    patch = {"spec": {"containers": [{"name": "c", "ports": [{"containerPort": 443}], "env": [{"name": "A", "value": "2"}],
                                      "volumeMounts": [{"name": "w", "mountPath": "/b"}]}]}}
    c = P.strategic_merge_patch(pod, patch, "Pod")["spec"]["containers"][0]
    # items new to the list come first, in patch order (mergeSortedSlice), then the server's
    assert c["ports"] == [{"containerPort": 443}, {"containerPort": 80, "name": "http"}]
    assert c["env"] == [{"name": "A", "value": "2"}]
    assert c["volumeMounts"] == [{"name": "w", "mountPath": "/b"}, {"name": "v", "mountPath": "/a"}]


def test_tolerations_and_args_are_replaced_finalizers_merged():
    pod = {"metadata": {"finalizers": ["a"]}, "spec": {"tolerations": [{"key": "x"}], "containers": [{"name": "c", "args": ["1"]}]}}
    patch = {"metadata": {"finalizers": ["b"]}, "spec": {"tolerations": [{"key": "y"}], "containers": [{"name": "c", "args": ["2"]}]}}
    r = P.strategic_merge_patch(pod, patch, "Pod")
    assert r["metadata"]["finalizers"] == ["b", "a"]  # new items first, as mergeSortedSlice orders them
    assert r["spec"]["tolerations"] == [{"key": "y"}]
    assert r["spec"]["containers"][0]["args"] == ["2"]
    r = P.strategic_merge_patch(r, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}, "Pod")
    assert r["metadata"]["finalizers"] == ["b"]
    r = P.strategic_merge_patch({"metadata": {"finalizers": ["a", "b"]}},
                                {"metadata": {"$setElementOrder/finalizers": ["a", "c", "b"], "finalizers": ["c"]}}, "Pod")
    assert r["metadata"]["finalizers"] == ["a", "c", "b"]


def test_deployment_strategy_retain_keys_switches_type():
    d = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}
    r = P.strategic_merge_patch(d, {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}, "Deployment")
    assert r["spec"]["strategy"] == {"type": "Recreate"}


# ------------------------------------------------------------------ JSON merge patch (RFC 7386 appendix A)
@pytest.mark.parametrize("target,patch,result", [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
])
def test_merge_patch_rfc7386(target, patch, result):
    assert P.merge_patch(target, patch) == result


# ------------------------------------------------------------------ JSON patch (RFC 6902 appendix A)
@pytest.mark.parametrize("doc,ops,result", [
    ({"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux"}], {"baz": "qux", "foo": "bar"}),
    ({"foo": ["bar", "baz"]}, [{"op": "add", "path": "/foo/1", "value": "qux"}], {"foo": ["bar", "qux", "baz"]}),
    ({"baz": "qux", "foo": "bar"}, [{"op": "remove", "path": "/baz"}], {"foo": "bar"}),
    ({"foo": ["bar", "qux", "baz"]}, [{"op": "remove", "path": "/foo/1"}], {"foo": ["bar", "baz"]}),
    ({"baz": "qux", "foo": "bar"}, [{"op": "replace", "path": "/baz", "value": "boo"}], {"baz": "boo", "foo": "bar"}),
    ({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
     [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
     {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
    ({"foo": ["all", "grass", "cows", "eat"]}, [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
     {"foo": ["all", "cows", "eat", "grass"]}),
    ({"baz": "qux", "foo": ["a", 2, "c"]},
     [{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2}],
     {"baz": "qux", "foo": ["a", 2, "c"]}),
    ({"foo": "bar"}, [{"op": "add", "path": "/child", "value": {"grandchild": {}}}],
     {"foo": "bar", "child": {"grandchild": {}}}),
    ({"foo": ["bar"]}, [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}], {"foo": ["bar", ["abc", "def"]]}),
    ({"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": 10}], {"/": 9, "~1": 10}),
    ({"a": {"b": 1}}, [{"op": "copy", "from": "/a", "path": "/c"}], {"a": {"b": 1}, "c": {"b": 1}}),
    ({"metadata": {"labels": {"app": "web"}}},
     [{"op": "add", "path": "/metadata/labels/app.kubernetes.io~1name", "value": "x"}],
     {"metadata": {"labels": {"app": "web", "app.kubernetes.io/name": "x"}}}),
])
def test_json_patch_rfc6902(doc, ops, result):
    assert P.json_patch(doc, ops) == result


@pytest.mark.parametrize("doc,ops,message", [
    ({"baz": "qux"}, [{"op": "test", "path": "/baz", "value": "bar"}], "testing value /baz failed: test failed"),
    ({"foo": "bar"}, [{"op": "add", "path": "/baz/bat", "value": "qux"}],
     'add operation does not apply: doc is missing path: "/baz/bat": missing value'),
    ({"foo": "bar"}, [{"op": "remove", "path": "/nope"}],
     "error in remove for path: '/nope': Unable to remove nonexistent key: nope: missing value"),
    ({"foo": "bar"}, [{"op": "replace", "path": "/nope", "value": 1}],
     "replace operation does not apply: doc is missing key: /nope: missing value"),
    ({"foo": "bar"}, [{"op": "frob", "path": "/foo"}], "Unexpected kind: frob"),
    ({"foo": [1]}, [{"op": "add", "path": "/foo/5", "value": 2}],
     "error in add for path: '/foo/5': Unable to access invalid index: 5: invalid index referenced"),
])
def test_json_patch_errors(doc, ops, message):
    with pytest.raises(P.JSONPatchError) as e:
        P.json_patch(doc, ops)
    assert str(e.value) == message


# ------------------------------------------------------------------ what the API server answers
def test_apply_patch_dispatches_on_content_type():
    obj = {"metadata": {"name": "x"}, "spec": {"containers": [{"name": "a", "image": "1"}]}}
    assert P.apply_patch(obj, {"spec": {"containers": [{"name": "b", "image": "2"}]}}, "strategic", "Pod")["spec"][
        "containers"] == [{"name": "b", "image": "2"}, {"name": "a", "image": "1"}]
    assert P.apply_patch(obj, {"spec": {"containers": [{"name": "b", "image": "2"}]}}, P.MERGE, "Pod")["spec"][
        "containers"] == [{"name": "b", "image": "2"}]
    assert P.apply_patch(obj, '[{"op": "replace", "path": "/metadata/name", "value": "y"}]', "json")["metadata"] == \
        {"name": "y"}


@pytest.mark.parametrize("patch,ptype,code,reason,message", [
    ({"a": 1}, "application/apply-patch+yaml", 415, "UnsupportedMediaType",
     "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, "
     "application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml"),
    ([1], "merge", 400, "BadRequest", "json: cannot unmarshal array into Go value of type map[string]interface {}"),
    ([1], "strategic", 400, "BadRequest", "json: cannot unmarshal array into Go value of type map[string]interface {}"),
    ({"op": "add"}, "json", 400, "BadRequest", "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
    ("{not json", "merge", 400, "BadRequest", None),
    ([{"op": "remove", "path": "/nope"}], "json", 422, "Invalid",
     "the server rejected our request due to an error in our request"),
    ({"spec": {"containers": [{"image": "x"}]}}, "strategic", 500, "",
     "map: map[image:x] does not contain declared merge key: name"),
    ({"spec": {"containers": [{"name": "a", "$patch": "frob"}]}}, "strategic", 500, "",
     "unknown patch type: frob in map: map[$patch:frob name:a]"),
    ({"metadata": {"$retainKeys": "x"}}, "strategic", 400, "BadRequest", "invalid patch format of retainKeys"),
    ({"metadata": {"$setElementOrder/finalizers": "x"}}, "strategic", 500, "", "expected a slice, but received a string"),
    ({"metadata": {"$deleteFromPrimitiveList": ["x"]}}, "strategic", 400, "BadRequest",
     "invalid patch format of primitive list"),
])
def test_apply_patch_errors_are_the_servers(patch, ptype, code, reason, message):
    obj = {"metadata": {"name": "x", "finalizers": ["f"]}, "spec": {"containers": [{"name": "a", "image": "1"}]}}
    with pytest.raises(ApiError) as e:
        P.apply_patch(obj, patch, ptype, "Pod")
    assert (e.value.code, e.value.reason) == (code, reason)
    if message is not None:
        assert e.value.message == message


def test_json_patch_failure_carries_the_cause():
    with pytest.raises(ApiError) as e:
        P.apply_patch({"a": 1}, [{"op": "test", "path": "/a", "value": 2}], "json")
    assert e.value.details["causes"][0]["message"] == "testing value /a failed: test failed"


@pytest.mark.parametrize("value,text", [
    (None, "<nil>"), (True, "true"), (3, "3"), (2.0, "2"), (0.5, "0.5"), (1e21, "1e+21"), ("s", "s"),
    ({"b": 1, "a": [1, "x"]}, "map[a:[1 x] b:1]"),
])
def test_go_fmt(value, text):
    assert P.go_fmt(value) == text
