"""Patches: JSON merge patch, strategic merge patch, JSON patch, and kubectl's 3-way apply patch.

- JSON merge patch (RFC 7386): :func:`merge_patch`.
- Strategic merge patch: :func:`strategic_merge_patch` (what the API server applies for
  ``application/strategic-merge-patch+json``), :func:`two_way_strategic_patch`
  (CreateTwoWayMergePatch) and :func:`three_way_strategic_patch` (CreateThreeWayMergePatch,
  what ``kubectl apply`` sends). Lists merge by the key the Go types declare in their
  ``patchStrategy``/``patchMergeKey`` struct tags (see :data:`PATCH_META`); the directives
  ``$patch: replace|delete``, ``$setElementOrder/<list>``, ``$retainKeys`` and
  ``$deleteFromPrimitiveList/<list>`` and ``null`` (delete the field) behave as upstream.
- JSON patch (RFC 6902: add, remove, replace, move, copy, test): :func:`json_patch`.
- :func:`apply_patch` is what the API server calls for PATCH: it picks one of the above by
  content type and turns failures into the ``ApiError`` the real server would return.

upstream: staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go (ported
function by function; names in comments), staging/src/k8s.io/apimachinery/pkg/util/mergepatch/errors.go,
staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go (error mapping),
gopkg.in/evanphx/json-patch.v4 (JSON patch and its messages), struct tags in
staging/src/k8s.io/api/core/v1/types.go and staging/src/k8s.io/api/apps/v1/types.go.

Simplification: upstream looks patch metadata up in the Go structs and refuses fields a
struct does not declare; k8slab knows the tags of the fields that carry one and treats
every other field leniently (maps merge, lists are replaced), which is what the struct
tags say for them anyway.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .errors import ApiError, json_type_name

MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
JSON_PATCH = "application/json-patch+json"
APPLY = "application/apply-patch+yaml"

_ALIASES = {"merge": MERGE, "strategic": STRATEGIC, "json": JSON_PATCH, "apply": APPLY}

DIRECTIVE = "$patch"
DELETE = "delete"
REPLACE = "replace"
MERGE_DIRECTIVE = "merge"
RETAIN_KEYS = "retainKeys"
RETAIN_KEYS_DIRECTIVE = "$retainKeys"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"
SET_ELEMENT_ORDER = "$setElementOrder"


# ---------------------------------------------------------------------------- errors
class PatchError(Exception):
    """A strategic-merge-patch failure; ``kind`` says how the API server reports it."""

    def __init__(self, message: str, kind: str = "internal"):
        super().__init__(message)
        self.message = message
        self.kind = kind  # "bad_request" | "unprocessable" | "internal"


# upstream: staging/src/k8s.io/apimachinery/pkg/util/mergepatch/errors.go
ERR_BAD_JSON_DOC = "invalid JSON document"
ERR_NO_LIST_OF_LISTS = "lists of lists are not supported"
ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST = "invalid patch format of primitive list"
ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS = "invalid patch format of retainKeys"
ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST = "invalid patch format of setElementOrder list"
ERR_PATCH_CONTENT_NOT_MATCH_RETAIN_KEYS = "patch content doesn't match retainKeys list"

# interpretStrategicMergePatchError in apiserver/pkg/endpoints/handlers/patch.go
_BAD_REQUEST_ERRORS = {ERR_BAD_JSON_DOC, ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST, ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS,
                       ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST}
_UNPROCESSABLE_ERRORS = {ERR_NO_LIST_OF_LISTS, ERR_PATCH_CONTENT_NOT_MATCH_RETAIN_KEYS}


def _err(message: str) -> PatchError:
    if message in _BAD_REQUEST_ERRORS:
        return PatchError(message, "bad_request")
    if message in _UNPROCESSABLE_ERRORS:
        return PatchError(message, "unprocessable")
    return PatchError(message, "internal")


def _go_kind(v: Any) -> str:
    if isinstance(v, dict):
        return "map"
    if isinstance(v, list):
        return "slice"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    return "invalid" if v is None else type(v).__name__


def go_fmt(v: Any) -> str:
    """Go's ``fmt.Sprintf("%v", v)`` for JSON values (map keys sorted, as fmt prints them)."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v == int(v) and abs(v) < 1e21:
            return str(int(v))
        r = repr(v)
        if "e" in r:
            mant, _, exp = r.partition("e")
            sign = "-" if exp.startswith("-") else "+"
            exp = exp.lstrip("+-").rjust(2, "0")
            return f"{mant}e{sign}{exp}"
        return r
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_fmt(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, list):
        return "[" + " ".join(go_fmt(x) for x in v) + "]"
    return str(v)


def _err_no_merge_key(m: Any, key: str) -> PatchError:
    return _err(f"map: {go_fmt(m)} does not contain declared merge key: {key}")


def _err_bad_arg_type(expected: str, actual: Any) -> PatchError:
    return _err(f"expected a {expected}, but received a {_go_kind(actual)}")


def _err_bad_patch_type(t: Any, m: Any) -> PatchError:
    return _err(f"unknown patch type: {go_fmt(t)} in map: {go_fmt(m)}")


def _same_type(a: Any, b: Any) -> bool:
    """reflect.TypeOf(a) == reflect.TypeOf(b) for decoded JSON values."""
    return _go_kind(a) == _go_kind(b)


def deep_equal(a: Any, b: Any) -> bool:
    """reflect.DeepEqual on decoded JSON: types must match (1 is not true, 1 is not 1.0)."""
    if not _same_type(a, b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(deep_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(deep_equal(x, y) for x, y in zip(a, b))
    return a == b


def _scalar_eq(a: Any, b: Any) -> bool:
    """Go interface ``==`` on scalars (dynamic types must match)."""
    return _same_type(a, b) and a == b


# ---------------------------------------------------------------------------- patch metadata
# field -> (struct type of the field's value or of its list elements, patch strategies, merge key)
# upstream: the patchStrategy/patchMergeKey struct tags of staging/src/k8s.io/api/{core,apps,batch}/v1/types.go
_M = ("merge",)
_MR = ("merge", "retainKeys")
PATCH_META: dict[str, dict[str, tuple[str | None, tuple[str, ...], str]]] = {
    "ObjectMeta": {
        "ownerReferences": (None, _M, "uid"),
        "finalizers": (None, _M, ""),
    },
    "PodTemplateSpec": {"metadata": ("ObjectMeta", (), ""), "spec": ("PodSpec", (), "")},
    "PodSpec": {
        "volumes": ("Volume", _MR, "name"),
        "initContainers": ("Container", _M, "name"),
        "containers": ("Container", _M, "name"),
        "ephemeralContainers": ("Container", _M, "name"),
        "imagePullSecrets": (None, _M, "name"),
        "hostAliases": (None, _M, "ip"),
        "topologySpreadConstraints": (None, _M, "topologyKey"),
        "resourceClaims": (None, _MR, "name"),
        "schedulingGates": (None, _M, "name"),
    },
    "Volume": {},
    "Container": {
        "ports": (None, _M, "containerPort"),
        "env": (None, _M, "name"),
        "volumeMounts": (None, _M, "mountPath"),
        "volumeDevices": (None, _M, "devicePath"),
    },
    "PodStatus": {
        "conditions": (None, _M, "type"),
        "podIPs": (None, _M, "ip"),
        "hostIPs": (None, _M, "ip"),
        "resourceClaimStatuses": (None, _MR, "name"),
    },
    "Pod": {"metadata": ("ObjectMeta", (), ""), "spec": ("PodSpec", (), ""), "status": ("PodStatus", (), "")},
    "PodTemplate": {"metadata": ("ObjectMeta", (), ""), "template": ("PodTemplateSpec", (), "")},
    "NodeSpec": {"podCIDRs": (None, _M, "")},
    "NodeStatus": {"conditions": (None, _M, "type"), "addresses": (None, _M, "type")},
    "Node": {"metadata": ("ObjectMeta", (), ""), "spec": ("NodeSpec", (), ""), "status": ("NodeStatus", (), "")},
    "NamespaceStatus": {"conditions": (None, _M, "type")},
    "Namespace": {"metadata": ("ObjectMeta", (), ""), "status": ("NamespaceStatus", (), "")},
    "ServiceSpec": {"ports": (None, _M, "port")},
    "ConditionsStatus": {"conditions": (None, _M, "type")},
    "Service": {"metadata": ("ObjectMeta", (), ""), "spec": ("ServiceSpec", (), ""), "status": ("ConditionsStatus", (), "")},
    "Event": {"metadata": ("ObjectMeta", (), "")},
    "Lease": {"metadata": ("ObjectMeta", (), "")},
    "ConfigMap": {"metadata": ("ObjectMeta", (), "")},
    "Secret": {"metadata": ("ObjectMeta", (), "")},
    "ServiceAccount": {"metadata": ("ObjectMeta", (), ""), "secrets": (None, _M, "name")},
    "EndpointSlice": {"metadata": ("ObjectMeta", (), "")},
    "DeploymentSpec": {"template": ("PodTemplateSpec", (), ""), "strategy": (None, ("retainKeys",), "")},
    "Deployment": {"metadata": ("ObjectMeta", (), ""), "spec": ("DeploymentSpec", (), ""),
                   "status": ("ConditionsStatus", (), "")},
    "TemplateSpec": {"template": ("PodTemplateSpec", (), "")},
    "ReplicaSet": {"metadata": ("ObjectMeta", (), ""), "spec": ("TemplateSpec", (), ""),
                   "status": ("ConditionsStatus", (), "")},
    "DaemonSet": {"metadata": ("ObjectMeta", (), ""), "spec": ("TemplateSpec", (), ""),
                  "status": ("ConditionsStatus", (), "")},
    "StatefulSet": {"metadata": ("ObjectMeta", (), ""), "spec": ("TemplateSpec", (), ""),
                    "status": ("ConditionsStatus", (), "")},
    "Job": {"metadata": ("ObjectMeta", (), ""), "spec": ("TemplateSpec", (), ""), "status": ("ConditionsStatus", (), "")},
    "JobTemplateSpec": {"metadata": ("ObjectMeta", (), ""), "spec": ("TemplateSpec", (), "")},
    "CronJobSpec": {"jobTemplate": ("JobTemplateSpec", (), "")},
    "CronJob": {"metadata": ("ObjectMeta", (), ""), "spec": ("CronJobSpec", (), "")},
}


def _lookup(schema: str | None, key: str) -> tuple[str | None, tuple[str, ...], str]:
    """LookupPatchMetadataForStruct/ForSlice: (element schema, strategies, merge key)."""
    if schema is None:
        return None, (), ""
    return PATCH_META.get(schema, {}).get(key, (None, (), ""))


def _extract_retain_keys(strategies: tuple[str, ...]) -> tuple[bool, str]:
    """extractRetainKeysPatchStrategy."""
    if not strategies:
        return False, ""
    if len(strategies) == 1:
        return (True, "") if strategies[0] == RETAIN_KEYS else (False, strategies[0])
    if len(strategies) == 2:
        if strategies[0] == RETAIN_KEYS:
            return True, strategies[1]
        if strategies[1] == RETAIN_KEYS:
            return True, strategies[0]
    raise _err(f"unexpected patch strategy: [{' '.join(strategies)}]")


# ---------------------------------------------------------------------------- small helpers
def _sort_scalars(s: list) -> list:
    """sortScalars: by the %v string of each scalar."""
    return sorted(s, key=go_fmt)


def _dedup_scalars(s: list) -> list:
    """deduplicateScalars, including its swap-with-last reordering."""
    s = list(s)
    length = len(s) - 1
    i = 0
    while i < length:
        j = i + 1
        while j <= length:
            if _scalar_eq(s[i], s[j]):
                s[j] = s[length]
                s = s[:length]
                length -= 1
                j -= 1
            j += 1
        i += 1
    return s


def _slice_element_kind(*slices: list) -> str:
    """sliceElementType: the common kind of the elements ('map' or a scalar kind)."""
    prev = None
    for s in slices:
        for v in s:
            k = _go_kind(v)
            if prev is None:
                prev = k
                if k == "slice":
                    raise _err(ERR_NO_LIST_OF_LISTS)
            elif prev != k:
                raise _err(f"list element types are not identical: {go_fmt(list(slices))}")
    if prev is None:
        raise _err("no elements in any of the given slices")
    return prev


def _index(lst: list, val: Any, merge_key: str, kind: str) -> int:
    if kind == "map":
        def get(item: Any) -> Any:
            return item.get(merge_key) if isinstance(item, dict) else None
    else:
        def get(item: Any) -> Any:
            return item
    want = get(val)
    for i, v in enumerate(lst):
        if _scalar_eq(want, get(v)):
            return i
    return -1


def _stable_sort(items: list, less) -> list:
    """Go's sort.SliceStable (insertion sort for the small lists patches carry)."""
    items = list(items)
    for i in range(1, len(items)):
        j = i
        while j > 0 and less(items[j], items[j - 1]):
            items[j], items[j - 1] = items[j - 1], items[j]
            j -= 1
    return items


def _validate_merge_key_in_lists(merge_key: str, *lists: list) -> None:
    for lst in lists:
        for item in lst:
            if not isinstance(item, dict):
                raise _err_bad_arg_type("map", item)
            if merge_key not in item:
                raise _err_no_merge_key(item, merge_key)


def _extract_to_delete_items(lst: list) -> tuple[list, list]:
    non_delete, to_delete = [], []
    for v in lst:
        if not isinstance(v, dict):
            raise _err_bad_arg_type("map", v)
        if v.get(DIRECTIVE) == DELETE:
            to_delete.append(v)
        else:
            non_delete.append(v)
    return non_delete, to_delete


def _normalize_slice_order(to_sort: list, order: list, merge_key: str, kind: str) -> list:
    """normalizeSliceOrder: sort ``to_sort`` by ``order``; delete directives go last."""
    to_delete: list = []
    if kind == "map":
        _validate_merge_key_in_lists(merge_key, to_sort, order)
        to_sort, to_delete = _extract_to_delete_items(to_sort)

    def less(a: Any, b: Any) -> bool:
        ia = _index(order, a, merge_key, kind)
        if ia >= 0:
            ib = _index(order, b, merge_key, kind)
            if ib >= 0:
                return ia < ib
        return True

    return _stable_sort(to_sort, less) + to_delete


def _merge_sorted_slice(left: list, right: list, server_order: list, merge_key: str, kind: str) -> list:
    """mergeSortedSlice: interleave server-only items (left) into patch items (right)."""
    out = []
    i = j = 0
    for _ in range(len(left) + len(right)):
        if i >= len(left) and j < len(right):
            out.append(right[j])
            j += 1
        elif j >= len(right) and i < len(left):
            out.append(left[i])
            i += 1
        else:
            li = _index(server_order, left[i], merge_key, kind)
            ri = _index(server_order, right[j], merge_key, kind)
            if li >= 0 and ri >= 0 and li < ri:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out


def _normalize_element_order(patch: list, server_only: list, patch_order: list, server_order: list,
                             merge_key: str, kind: str) -> list:
    patch = _normalize_slice_order(patch, patch_order, merge_key, kind)
    server_only = _normalize_slice_order(server_only, server_order, merge_key, kind)
    return _merge_sorted_slice(server_only, patch, server_order, merge_key, kind)


def _find_map_in_slice(m: list, key: str, value: Any) -> tuple[dict | None, int, bool]:
    for k, v in enumerate(m):
        if not isinstance(v, dict):
            raise _err(f"value for key {k} is not a map.")
        if key in v and _scalar_eq(v[key], value):
            return v, k, True
    return None, 0, False


def _partition_primitives(original: list, partition_by: list) -> tuple[list, list]:
    patch, server_only = [], []
    for v in original:
        if any(_scalar_eq(v, p) for p in partition_by):
            patch.append(v)
        else:
            server_only.append(v)
    return patch, server_only


def _partition_maps(original: list, partition_by: list, merge_key: str) -> tuple[list, list]:
    patch, server_only = [], []
    for v in original:
        if not isinstance(v, dict):
            raise _err_bad_arg_type("map", v)
        if merge_key not in v:
            raise _err_no_merge_key(v, merge_key)
        _, _, found = _find_map_in_slice(partition_by, merge_key, v[merge_key])
        (patch if found else server_only).append(v)
    return patch, server_only


def _remove_directives(obj: Any) -> tuple[Any, bool]:
    """removeDirectives: drop maps carrying ``$patch`` from a value taken wholesale."""
    if isinstance(obj, dict):
        if DIRECTIVE in obj:
            return None, False
        for k in list(obj):
            v, keep = _remove_directives(obj[k])
            if keep:
                obj[k] = v
            else:
                del obj[k]
        return obj, True
    if isinstance(obj, list):
        res = []
        for v in obj:
            nv, keep = _remove_directives(v)
            if keep:
                res.append(nv)
        return res, True
    return obj, True


# ---------------------------------------------------------------------------- apply (mergeMap)
class _MergeOptions:
    __slots__ = ("merge_parallel_list", "ignore_unmatched_nulls")

    def __init__(self, merge_parallel_list: bool, ignore_unmatched_nulls: bool):
        self.merge_parallel_list = merge_parallel_list
        self.ignore_unmatched_nulls = ignore_unmatched_nulls


def _handle_directive_in_merge_map(directive: Any, patch: dict) -> dict:
    if directive == REPLACE:
        del patch[DIRECTIVE]
        return patch
    if directive == DELETE:
        return {}
    raise _err_bad_patch_type(directive, patch)


def _apply_retain_keys_directive(original: dict, patch: dict, opts: _MergeOptions) -> None:
    if RETAIN_KEYS_DIRECTIVE not in patch:
        return
    retain = patch.pop(RETAIN_KEYS_DIRECTIVE)
    if not opts.merge_parallel_list:
        if RETAIN_KEYS_DIRECTIVE in original:
            if not deep_equal(original[RETAIN_KEYS_DIRECTIVE], retain):
                raise _err(f"{go_fmt(original[RETAIN_KEYS_DIRECTIVE])} and {go_fmt(retain)} are not deep equal: "
                           "this may happen when calculating the 3-way diff patch")
        else:
            original[RETAIN_KEYS_DIRECTIVE] = retain
        return
    if not isinstance(retain, list):
        raise _err(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS)
    keep = set()
    for v in retain:
        keep.add(v if isinstance(v, str) else json.dumps(v))
    for k, v in patch.items():
        if v is None or k.startswith(DELETE_FROM_PRIMITIVE_LIST) or k.startswith(SET_ELEMENT_ORDER):
            continue
        if k not in keep:
            raise _err(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS)
    for k in list(original):
        if k not in keep:
            del original[k]


def _extract_key(s: str, prefix: str) -> str:
    parts = s.split("/", 1)
    if len(parts) <= 1 or parts[0] != prefix:
        if prefix == DELETE_FROM_PRIMITIVE_LIST:
            raise _err(ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST)
        if prefix == SET_ELEMENT_ORDER:
            raise _err(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST)
        raise _err(f"fail to find unknown prefix {json.dumps(prefix)} in {s}\n")
    return parts[1]


def _merge_key_value_equal(left: Any, right: Any, merge_key: str) -> bool:
    if not merge_key:
        return _scalar_eq(left, right)
    if not isinstance(left, dict):
        raise _err_bad_arg_type("map", left)
    if not isinstance(right, dict):
        raise _err_bad_arg_type("map", right)
    if merge_key not in left:
        raise _err_no_merge_key(left, merge_key)
    if merge_key not in right:
        raise _err_no_merge_key(right, merge_key)
    return _scalar_eq(left[merge_key], right[merge_key])


def _validate_patch_with_set_order_list(patch_list: Any, set_order_list: Any, merge_key: str) -> None:
    if not isinstance(set_order_list, list) or not isinstance(patch_list, list):
        raise _err(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST)
    if not set_order_list or not patch_list:
        return
    if merge_key:
        non_delete, _ = _extract_to_delete_items(patch_list)
    else:
        non_delete = patch_list
    pi = si = 0
    while pi < len(non_delete) and si < len(set_order_list):
        item = non_delete[pi]
        if isinstance(item, dict) and DIRECTIVE in item:
            pi += 1
            continue
        if _merge_key_value_equal(item, set_order_list[si], merge_key):
            pi += 1
        si += 1
    if pi < len(non_delete) and si >= len(set_order_list):
        raise _err(f"The order in patch list:\n{go_fmt(patch_list)}\n doesn't match {SET_ELEMENT_ORDER} list:\n"
                   f"{go_fmt(set_order_list)}\n")


def _merge_patch_into_original(original: dict, patch: dict, schema: str | None, opts: _MergeOptions) -> None:
    """mergePatchIntoOriginal: process ``$setElementOrder/<list>`` with its list."""
    for key in [k for k in patch if k.startswith(SET_ELEMENT_ORDER)]:
        set_order = patch[key]
        if not opts.merge_parallel_list:
            if key in original:
                if not deep_equal(original[key], set_order):
                    raise _err(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST)
            else:
                original[key] = set_order
        del patch[key]
        if not isinstance(set_order, list):
            raise _err_bad_arg_type("slice", set_order)
        original_key = _extract_key(key, SET_ELEMENT_ORDER)
        found_original = original_key in original
        found_patch = original_key in patch
        original_value: list = []
        patch_value: list = []
        if found_original:
            original_value = original[original_key]
            if not isinstance(original_value, list):
                raise _err_bad_arg_type("slice", original_value)
        if found_patch:
            patch_value = patch[original_key]
            if not isinstance(patch_value, list):
                raise _err_bad_arg_type("slice", patch_value)
        sub, strategies, merge_key = _lookup(schema, original_key)
        _, strategy = _extract_retain_keys(strategies)
        _validate_patch_with_set_order_list(patch_value, set_order, merge_key)
        if found_original and not found_patch:
            merged = original_value
        elif not found_original and found_patch:
            merged, _ = _remove_directives(patch_value)
        elif found_original and found_patch:
            merged = _merge_slice_handler(original_value, patch_value, sub, strategy, merge_key, False, opts)
        else:
            continue
        if not merge_key:
            patch_items, server_only = _partition_primitives(merged, set_order)
        else:
            patch_items, server_only = _partition_maps(merged, set_order, merge_key)
        kind = _slice_element_kind(original_value, patch_value)
        original[original_key] = _normalize_element_order(patch_items, server_only, set_order, original_value,
                                                           merge_key, kind)
        patch.pop(original_key, None)


def _merge_map(original: dict | None, patch: dict, schema: str | None, opts: _MergeOptions) -> dict:
    """mergeMap: merge ``patch`` into ``original`` (both may be mutated)."""
    if DIRECTIVE in patch:
        return _handle_directive_in_merge_map(patch[DIRECTIVE], patch)
    if original is None:
        original = {}
    _apply_retain_keys_directive(original, patch, opts)
    _merge_patch_into_original(original, patch, schema, opts)
    for k in list(patch):
        patch_v = patch[k]
        is_delete_list = False
        if k.startswith(DELETE_FROM_PRIMITIVE_LIST):
            if not opts.merge_parallel_list:
                original[k] = patch_v
                continue
            k = _extract_key(k, DELETE_FROM_PRIMITIVE_LIST)
            is_delete_list = True
        if patch_v is None:
            original.pop(k, None)
            if opts.ignore_unmatched_nulls:
                continue
        if k not in original:
            if not is_delete_list:
                value, keep = _remove_directives(patch_v)
                if keep:
                    original[k] = value
            continue
        if not _same_type(original[k], patch_v):
            if not is_delete_list:
                original[k] = patch_v
            continue
        if isinstance(patch_v, dict):
            sub, strategies, _ = _lookup(schema, k)
            _, strategy = _extract_retain_keys(strategies)
            if strategy != REPLACE:
                original[k] = _merge_map(original[k], patch_v, sub, opts)
            else:
                original[k] = patch_v
        elif isinstance(patch_v, list):
            sub, strategies, merge_key = _lookup(schema, k)
            _, strategy = _extract_retain_keys(strategies)
            original[k] = _merge_slice_handler(original[k], patch_v, sub, strategy, merge_key, is_delete_list, opts)
        else:
            original[k] = patch_v
    return original


def _merge_slice_handler(original: list, patch: list, schema: str | None, strategy: str, merge_key: str,
                         is_delete_list: bool, opts: _MergeOptions) -> list:
    if strategy == MERGE_DIRECTIVE:
        return _merge_slice(original, patch, schema, merge_key, opts, is_delete_list)
    return patch


def _merge_slice(original: list, patch: list, schema: str | None, merge_key: str, opts: _MergeOptions,
                 is_delete_list: bool) -> list:
    """mergeSlice: merge two lists; scalars are unioned, maps merged by ``merge_key``."""
    if not original and not patch:
        return original
    kind = _slice_element_kind(original, patch)
    if kind != "map":
        if opts.merge_parallel_list and is_delete_list:
            return [v for v in original if not any(_scalar_eq(v, d) for d in patch)]
        merged = _dedup_scalars(list(original) + list(patch))
    else:
        if not merge_key:
            raise _err(f"cannot merge lists without merge key for {schema or 'type'}")
        original, patch = _merge_slice_with_special_elements(original, patch, merge_key)
        merged = _merge_slice_without_special_elements(list(original), patch, merge_key, schema, opts)
    if not merge_key:
        patch_items, server_only = _partition_primitives(merged, patch)
    else:
        patch_items, server_only = _partition_maps(merged, patch, merge_key)
    return _normalize_element_order(patch_items, server_only, patch, original, merge_key, kind)


def _merge_slice_with_special_elements(original: list, patch: list, merge_key: str) -> tuple[list, list]:
    without = []
    replace = False
    for v in patch:
        if not isinstance(v, dict):
            raise _err_bad_arg_type("map", v)
        if DIRECTIVE not in v:
            without.append(v)
            continue
        directive = v[DIRECTIVE]
        if directive == DELETE:
            if merge_key not in v:
                raise _err_no_merge_key(v, merge_key)
            original = [o for o in original if not (isinstance(o, dict) and merge_key in o
                                                    and _scalar_eq(o[merge_key], v[merge_key]))]
        elif directive == REPLACE:
            replace = True
        elif directive == MERGE_DIRECTIVE:
            raise _err("merging lists cannot yet be specified in the patch")
        else:
            raise _err_bad_patch_type(directive, v)
    if replace:
        return without, []
    return original, without


def _merge_slice_without_special_elements(original: list, patch: list, merge_key: str, schema: str | None,
                                          opts: _MergeOptions) -> list:
    for v in patch:
        if merge_key not in v:
            raise _err_no_merge_key(v, merge_key)
        om, idx, found = _find_map_in_slice(original, merge_key, v[merge_key])
        if found:
            original[idx] = _merge_map(om, v, schema, opts)
        else:
            original.append(v)
    return original


def strategic_merge_patch(obj: dict, patch: dict, kind: str) -> dict:
    """Apply a strategic merge patch to ``obj`` (StrategicMergeMapPatch); raises :class:`PatchError`.

    Neither argument is modified.
    """
    if not isinstance(patch, dict):
        raise PatchError("json: cannot unmarshal array into Go value of type map[string]interface {}"
                         if isinstance(patch, list) else ERR_BAD_JSON_DOC, "bad_request")
    return _merge_map(copy.deepcopy(obj), copy.deepcopy(patch), kind or None,
                      _MergeOptions(merge_parallel_list=True, ignore_unmatched_nulls=True))


# ---------------------------------------------------------------------------- create (diffMaps)
class _DiffOptions:
    __slots__ = ("set_element_order", "ignore_changes_and_additions", "ignore_deletions", "build_retain_keys")

    def __init__(self, set_element_order: bool = False, ignore_changes_and_additions: bool = False,
                 ignore_deletions: bool = False, build_retain_keys: bool = False):
        self.set_element_order = set_element_order
        self.ignore_changes_and_additions = ignore_changes_and_additions
        self.ignore_deletions = ignore_deletions
        self.build_retain_keys = build_retain_keys

    def with_retain(self, retain: bool) -> "_DiffOptions":
        return _DiffOptions(self.set_element_order, self.ignore_changes_and_additions, self.ignore_deletions, retain)


def _diff_maps(original: dict, modified: dict, schema: str | None, opts: _DiffOptions) -> dict:
    """diffMaps: the (recursive) strategic patch that turns ``original`` into ``modified``."""
    patch: dict = {}
    retain_keys: list = []
    for key, mv in modified.items():
        if opts.build_retain_keys and mv is not None:
            retain_keys.append(key)
        if key not in original:
            if not opts.ignore_changes_and_additions:
                patch[key] = mv
            continue
        ov = original[key]
        if key == DIRECTIVE:
            if not isinstance(ov, str) or not isinstance(mv, str):
                raise _err(f"invalid value for special key: {DIRECTIVE}")
            if ov != mv:
                patch[DIRECTIVE] = mv
            continue
        if not _same_type(ov, mv):
            if not opts.ignore_changes_and_additions:
                patch[key] = mv
            continue
        if isinstance(ov, dict):
            sub, strategies, _ = _lookup(schema, key)
            retain, strategy = _extract_retain_keys(strategies)
            sub_opts = opts.with_retain(retain)
            if strategy == REPLACE:
                if not opts.ignore_changes_and_additions:
                    patch[key] = mv
            else:
                pv = _diff_maps(ov, mv, sub, sub_opts)
                if pv:
                    patch[key] = pv
        elif isinstance(ov, list):
            sub, strategies, merge_key = _lookup(schema, key)
            retain, strategy = _extract_retain_keys(strategies)
            if strategy == MERGE_DIRECTIVE:
                add, delete, order = _diff_lists(ov, mv, sub, merge_key, opts.with_retain(retain))
                if add:
                    patch[key] = add
                if delete:
                    patch[f"{DELETE_FROM_PRIMITIVE_LIST}/{key}"] = delete
                if order:
                    patch[f"{SET_ELEMENT_ORDER}/{key}"] = order
            elif not opts.ignore_changes_and_additions and not deep_equal(ov, mv):
                patch[key] = mv
        elif not opts.ignore_changes_and_additions and not deep_equal(ov, mv):
            patch[key] = mv
    if not opts.ignore_deletions:
        for key in original:
            if key not in modified:
                patch[key] = None
    if retain_keys and (patch or any(v is not None and k not in modified for k, v in original.items())):
        patch[RETAIN_KEYS_DIRECTIVE] = _sort_scalars(retain_keys)
    return patch


def _diff_lists(original: list, modified: list, schema: str | None, merge_key: str,
                opts: _DiffOptions) -> tuple[list, list, list]:
    """diffLists: (patch list, primitive deletion list, $setElementOrder list)."""
    if not original:
        if not modified or opts.ignore_changes_and_additions:
            return [], [], []
        return modified, [], []
    kind = _slice_element_kind(original, modified)
    order: list = []
    if kind == "map":
        patch_list, delete_list = _diff_lists_of_maps(original, modified, schema, merge_key, opts)
        patch_list = _normalize_slice_order(patch_list, modified, merge_key, kind)
        order_same = _is_order_same(original, modified, merge_key)
        patch_list = patch_list + delete_list
        delete_list = []
        if opts.set_element_order and ((not opts.ignore_changes_and_additions and (patch_list or not order_same))
                                       or (not opts.ignore_deletions and patch_list)):
            order = [{merge_key: v[merge_key]} for v in modified]
    else:
        patch_list, delete_list = _diff_lists_of_scalars(original, modified, opts)
        patch_list = _normalize_slice_order(patch_list, modified, merge_key, kind)
        if opts.set_element_order and ((not opts.ignore_deletions and delete_list)
                                       or (not opts.ignore_changes_and_additions and not deep_equal(original, modified))):
            order = modified
    return patch_list, delete_list, order


def _is_order_same(original: list, modified: list, merge_key: str) -> bool:
    if len(original) != len(modified):
        return False
    for o, m in zip(original, modified):
        if not _merge_key_value_equal(o, m, merge_key):
            return False
    return True


def _diff_lists_of_scalars(original: list, modified: list, opts: _DiffOptions) -> tuple[list, list]:
    os_, ms = _sort_scalars(original), _sort_scalars(modified)
    oi = mi = 0
    add: list = []
    delete: list = []
    while oi < len(os_) or mi < len(ms):
        o_in, m_in = oi < len(os_), mi < len(ms)
        o_s = go_fmt(os_[oi]) if o_in else ""
        m_s = go_fmt(ms[mi]) if m_in else ""
        if o_in and m_in and o_s == m_s:
            oi += 1
            mi += 1
        elif not o_in or (o_in and m_in and o_s > m_s):
            if not opts.ignore_changes_and_additions:
                add.append(ms[mi])
            mi += 1
        else:
            if not opts.ignore_deletions:
                delete.append(os_[oi])
            oi += 1
    return add, _dedup_scalars(delete)


def _sort_maps_by_key(lst: list, merge_key: str) -> list:
    for v in lst:
        if not isinstance(v, dict):
            raise _err_bad_arg_type("map", v)
    return sorted(lst, key=lambda m: go_fmt(m.get(merge_key)))


def _diff_lists_of_maps(original: list, modified: list, schema: str | None, merge_key: str,
                        opts: _DiffOptions) -> tuple[list, list]:
    patch: list = []
    deletion: list = []
    os_ = _sort_maps_by_key(original, merge_key)
    ms = _sort_maps_by_key(modified, merge_key)
    oi = mi = 0
    while oi < len(os_) or mi < len(ms):
        o_in, m_in = oi < len(os_), mi < len(ms)
        o_el = m_el = None
        o_s = m_s = ""
        if o_in:
            o_el = os_[oi]
            if merge_key not in o_el:
                raise _err_no_merge_key(o_el, merge_key)
            o_s = go_fmt(o_el[merge_key])
        if m_in:
            m_el = ms[mi]
            if merge_key not in m_el:
                raise _err_no_merge_key(m_el, merge_key)
            m_s = go_fmt(m_el[merge_key])
        if o_in and m_in and o_s == m_s:
            pv = _diff_maps(o_el, m_el, schema, opts)
            if pv:
                pv[merge_key] = m_el[merge_key]
                patch.append(pv)
            oi += 1
            mi += 1
        elif not o_in or (o_in and m_in and o_s > m_s):
            if not opts.ignore_changes_and_additions:
                patch.append(m_el)
            mi += 1
        else:
            if not opts.ignore_deletions:
                deletion.append({merge_key: o_el[merge_key], DIRECTIVE: DELETE})
            oi += 1
    return patch, deletion


def two_way_strategic_patch(original: dict, modified: dict, kind: str) -> dict:
    """CreateTwoWayMergePatch: the strategic patch that turns ``original`` into ``modified``."""
    return _diff_maps(copy.deepcopy(original or {}), copy.deepcopy(modified or {}), kind or None,
                      _DiffOptions(set_element_order=True))


def three_way_strategic_patch(original: dict | None, modified: dict, current: dict, kind: str) -> dict:
    """CreateThreeWayMergePatch as ``kubectl apply`` computes it (overwrite=true).

    ``original`` is the last-applied configuration, ``modified`` the new manifest (with the
    new last-applied annotation), ``current`` the live object. The patch is the change
    from current to modified without deletions, merged onto the deletions from original
    to modified: fields the user removed from the manifest are removed from the object,
    fields others set (status, defaults) are left alone.
    """
    original = copy.deepcopy(original or {})
    modified = copy.deepcopy(modified or {})
    current = copy.deepcopy(current or {})
    schema = kind or None
    delta = _diff_maps(current, modified, schema, _DiffOptions(set_element_order=True, ignore_deletions=True))
    deletions = _diff_maps(original, modified, schema,
                           _DiffOptions(set_element_order=True, ignore_changes_and_additions=True))
    return _merge_map(deletions, delta, schema, _MergeOptions(merge_parallel_list=False, ignore_unmatched_nulls=False))


# ---------------------------------------------------------------------------- JSON merge patch
def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: objects merge recursively, ``null`` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            result.pop(k, None)
        else:
            result[k] = merge_patch(result.get(k), v)
    return result


# ---------------------------------------------------------------------------- JSON patch (RFC 6902)
class JSONPatchError(Exception):
    """A JSON patch operation failed (evanphx/json-patch's message)."""


def _unescape(tok: str) -> str:
    return tok.replace("~1", "/").replace("~0", "~")


def _split_pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise JSONPatchError(f"missing value: {path}")
    return [_unescape(p) for p in path[1:].split("/")]


def _find_container(doc: Any, parts: list[str]) -> tuple[Any, str] | tuple[None, None]:
    """findObject: the container holding the last path token, and that token."""
    cur = doc
    for p in parts[:-1]:
        if isinstance(cur, dict):
            if p not in cur:
                return None, None
            cur = cur[p]
        elif isinstance(cur, list):
            try:
                i = int(p)
            except ValueError:
                return None, None
            if i < 0 or i >= len(cur):
                return None, None
            cur = cur[i]
        else:
            return None, None
    if not isinstance(cur, (dict, list)):
        return None, None
    return cur, parts[-1]


def _array_index(con: list, key: str, allow_end: bool) -> int:
    if allow_end and key == "-":
        return len(con)
    try:
        i = int(key)
    except ValueError:
        raise JSONPatchError(f"Unable to access invalid index: {key}: invalid index referenced")
    limit = len(con) if allow_end else len(con) - 1
    if i < -len(con) or i > limit:
        raise JSONPatchError(f"Unable to access invalid index: {i}: invalid index referenced")
    return i if i >= 0 else len(con) + i


def _get(con: Any, key: str) -> tuple[Any, bool]:
    if isinstance(con, dict):
        return (con[key], True) if key in con else (None, False)
    try:
        i = int(key)
    except ValueError:
        return None, False
    if 0 <= i < len(con):
        return con[i], True
    return None, False


def _add(con: Any, key: str, value: Any, path: str) -> None:
    if isinstance(con, dict):
        con[key] = value
        return
    try:
        i = _array_index(con, key, True)
    except JSONPatchError as e:
        raise JSONPatchError(f"error in add for path: '{path}': {e}")
    con.insert(i, value)


def _remove(con: Any, key: str, path: str) -> Any:
    if isinstance(con, dict):
        if key not in con:
            raise JSONPatchError(f"error in remove for path: '{path}': Unable to remove nonexistent key: {key}: missing value")
        return con.pop(key)
    try:
        i = _array_index(con, key, False)
    except JSONPatchError as e:
        raise JSONPatchError(f"error in remove for path: '{path}': {e}")
    return con.pop(i)


def json_patch(doc: Any, ops: Any) -> Any:
    """Apply an RFC 6902 JSON patch to a copy of ``doc``; raises :class:`JSONPatchError`."""
    if not isinstance(ops, list):
        raise ValueError(f"json: cannot unmarshal {json_type_name(ops)} into Go value of type jsonpatch.Patch")
    doc = copy.deepcopy(doc)
    for op in ops:
        if not isinstance(op, dict):
            raise ValueError(f"json: cannot unmarshal {json_type_name(op)} into Go value of type jsonpatch.Operation")
        kind = op.get("op")
        path = op.get("path")
        if kind not in ("add", "remove", "replace", "move", "copy", "test"):
            raise JSONPatchError(f"Unexpected kind: {kind if isinstance(kind, str) else 'unknown'}")
        if not isinstance(path, str):
            raise JSONPatchError(f"{kind} operation failed to decode path: missing value")
        parts = _split_pointer(path)
        if kind in ("add", "replace", "test") and "value" not in op:
            raise JSONPatchError(f"{kind} operation failed to decode value: missing value")
        value = copy.deepcopy(op.get("value"))
        if kind == "test":
            cur: Any
            if not parts:
                cur, ok = doc, True
            else:
                con, key = _find_container(doc, parts)
                if con is None:
                    raise JSONPatchError(f"test operation does not apply: is missing path: {path}: missing value")
                cur, ok = _get(con, key)
            if not ok and value is None:
                continue
            if not ok or not deep_equal(cur, value):
                raise JSONPatchError(f"testing value {path} failed: test failed")
            continue
        if kind in ("move", "copy"):
            frm = op.get("from")
            if not isinstance(frm, str):
                raise JSONPatchError(f"{kind} operation failed to decode from: missing value")
            fparts = _split_pointer(frm)
            fcon, fkey = _find_container(doc, fparts) if fparts else (None, None)
            if fcon is None:
                raise JSONPatchError(f"{kind} operation does not apply: doc is missing from path: {frm}: missing value")
            if kind == "move":
                val = _remove(fcon, fkey, frm)
            else:
                val, ok = _get(fcon, fkey)
                if not ok:
                    raise JSONPatchError(f"error in copy for from: '{frm}': missing value")
                val = copy.deepcopy(val)
            value = val
            kind_for_target = "add"
        else:
            kind_for_target = kind
        if not parts:
            if kind_for_target in ("add", "replace"):
                doc = value
                continue
            raise JSONPatchError(f"{kind} operation does not apply: doc is missing path: \"{path}\": missing value")
        con, key = _find_container(doc, parts)
        if con is None:
            if kind_for_target == "replace":
                raise JSONPatchError(f"replace operation does not apply: doc is missing path: {path}: missing value")
            raise JSONPatchError(f"{kind} operation does not apply: doc is missing path: \"{path}\": missing value")
        if kind_for_target == "add":
            _add(con, key, value, path)
        elif kind_for_target == "remove":
            _remove(con, key, path)
        elif kind_for_target == "replace":
            _, ok = _get(con, key)
            if not ok:
                raise JSONPatchError(f"replace operation does not apply: doc is missing key: {path}: missing value")
            if isinstance(con, dict):
                con[key] = value
            else:
                con[int(key)] = value
    return doc




# ---------------------------------------------------------------------------- the API server's PATCH
def _rejected(detail: str) -> ApiError:
    """errors.NewGenericServerResponse(422, ...): how the server reports a JSON patch that does not apply."""
    return ApiError(422, "Invalid", "the server rejected our request due to an error in our request",
                    {"causes": [{"reason": "UnexpectedServerResponse", "message": detail}]})


def _decode(patch: Any) -> Any:
    if isinstance(patch, (bytes, bytearray)):
        patch = patch.decode()
    if isinstance(patch, str):
        try:
            return json.loads(patch)
        except ValueError as e:
            raise ApiError(400, "BadRequest", f"error decoding patch: {e}")
    return patch


def apply_patch(obj: dict, patch: Any, patch_type: str, kind: str = "") -> dict:
    """Apply ``patch`` of ``patch_type`` (a content type or merge|strategic|json) to ``obj``.

    ``patch`` may be decoded JSON or JSON text. Failures raise the ``ApiError`` the API
    server returns: 400 for a malformed patch, 422 for a JSON patch that does not apply,
    415 for an unsupported content type, 500 for a strategic patch the server cannot merge.
    """
    pt = _ALIASES.get(patch_type, patch_type)
    if pt not in (MERGE, STRATEGIC, JSON_PATCH):
        raise ApiError(415, "UnsupportedMediaType",
                       f"the body of the request was in an unknown format - accepted media types include: "
                       f"{JSON_PATCH}, {MERGE}, {STRATEGIC}, {APPLY}")
    patch = _decode(patch)
    if pt == MERGE:
        if not isinstance(patch, dict):
            raise ApiError(400, "BadRequest",
                           f"json: cannot unmarshal {json_type_name(patch)} into Go value of type map[string]interface {{}}")
        return merge_patch(obj, patch)
    if pt == JSON_PATCH:
        try:
            return json_patch(obj, patch)
        except ValueError as e:
            raise ApiError(400, "BadRequest", str(e))
        except JSONPatchError as e:
            raise _rejected(str(e))
    if not isinstance(patch, dict):
        raise ApiError(400, "BadRequest",
                       f"json: cannot unmarshal {json_type_name(patch)} into Go value of type map[string]interface {{}}")
    try:
        return strategic_merge_patch(obj, patch, kind)
    except PatchError as e:
        if e.kind == "bad_request":
            raise ApiError(400, "BadRequest", e.message)
        if e.kind == "unprocessable":
            raise ApiError(422, "Invalid", e.message)
        raise ApiError(500, "", e.message)
