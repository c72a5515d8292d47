"""OpenAPI v3 as far as ``kubectl apply`` uses it.

upstream: staging/src/k8s.io/kube-openapi/pkg/handler3 (``/openapi/v3`` lists one document
per group-version by ``serverRelativeURL``) and staging/src/k8s.io/cli-runtime/pkg/resource/
query_param_verifier_v3.go: kubectl sends ``fieldValidation=Strict`` (leaving validation to
the server) when the group-version document has a ``patch`` operation whose
``x-kubernetes-group-version-kind`` is the object's and which lists a ``fieldValidation``
query parameter. ``components.schemas`` holds the v1.32 API's definitions (the published
OpenAPI definitions as the kubernetes-validate package carries them, with ``$ref`` pointed at
``#/components/schemas/`` and the JSON-schema ``["T", "null"]`` types folded back to ``T``),
so ``kubectl explain`` prints upstream's field descriptions; each group-version's document
carries the definitions its kinds reach. ``/openapi/v2`` is not served (404), which kubectl
accepts.
"""

from __future__ import annotations

import hashlib
import json

from . import discovery


def _gv_path(group: str, version: str) -> str:
    return f"api/{version}" if not group else f"apis/{group}/{version}"


def gv_document(group: str, version: str) -> dict | None:
    """The OpenAPI v3 document of one group-version: paths with GVK-tagged operations."""
    rs = discovery.resources_in(group, version)
    if not rs:
        return None
    params = [{"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
              for n in ("dryRun", "fieldManager", "fieldValidation", "pretty")]
    paths = {}
    for r in rs:
        base = "/" + _gv_path(group, version)
        gvk = {"group": group, "version": version, "kind": r.kind}
        coll = f"{base}/namespaces/{{namespace}}/{r.plural}" if r.namespaced else f"{base}/{r.plural}"
        ops = {}
        if "create" in r.verbs:
            ops["post"] = {"operationId": f"create{r.kind}", "x-kubernetes-action": "post",
                           "x-kubernetes-group-version-kind": gvk, "parameters": params,
                           "responses": {"201": {"description": "Created"}}}
        if "list" in r.verbs:
            ops["get"] = {"operationId": f"list{r.kind}", "x-kubernetes-action": "list",
                          "x-kubernetes-group-version-kind": gvk, "responses": {"200": {"description": "OK"}}}
        paths[coll] = ops
        item = {}
        if "patch" in r.verbs:
            item["patch"] = {"operationId": f"patch{r.kind}", "x-kubernetes-action": "patch",
                             "x-kubernetes-group-version-kind": gvk,
                             "parameters": params + [{"name": "force", "in": "query", "schema": {"type": "boolean"}}],
                             "responses": {"200": {"description": "OK"}}}
        if "get" in r.verbs:
            item["get"] = {"operationId": f"read{r.kind}", "x-kubernetes-action": "get",
                           "x-kubernetes-group-version-kind": gvk, "responses": {"200": {"description": "OK"}}}
        if "update" in r.verbs:
            item["put"] = {"operationId": f"replace{r.kind}", "x-kubernetes-action": "put",
                           "x-kubernetes-group-version-kind": gvk, "parameters": params,
                           "responses": {"200": {"description": "OK"}}}
        if "delete" in r.verbs:
            item["delete"] = {"operationId": f"delete{r.kind}", "x-kubernetes-action": "delete",
                              "x-kubernetes-group-version-kind": gvk, "responses": {"200": {"description": "OK"}}}
        paths[coll + "/{name}"] = item
    schemas = _schemas_for([(group, version, r.kind) for r in rs])
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.0-k8slab"}, "paths": paths,
            "components": {"schemas": schemas}}


_DEFS: dict | None = None


def _definitions() -> dict:
    """The v1.32 definitions by name (io.k8s.api.core.v1.Pod, ...), normalised for OpenAPI v3."""
    global _DEFS
    if _DEFS is None:
        try:
            import kubernetes_validate  # the v1.32 schemas, also used for strict field validation
        except ImportError:  # pragma: no cover - a declared dependency
            _DEFS = {}
            return _DEFS
        import pathlib

        path = (pathlib.Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" /
                "v1.32.0-local" / "_definitions.json")
        raw = json.loads(path.read_text())["$defs"]
        _DEFS = {name: _normalise(schema) for name, schema in raw.items()}
        for schema in _DEFS.values():  # the validator's pinned apiVersion/kind enums are not upstream's
            for field in ("apiVersion", "kind"):
                (schema.get("properties") or {}).get(field, {}).pop("enum", None)
    return _DEFS


def _normalise(node):
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                out[k] = v.replace("#/$defs/", "#/components/schemas/")
            elif k == "type" and isinstance(v, list):
                kinds = [t for t in v if t != "null"]
                out[k] = kinds[0] if len(kinds) == 1 else kinds
            else:
                out[k] = _normalise(v)
        return out
    if isinstance(node, list):
        return [_normalise(x) for x in node]
    return node


def _refs(node, found: set) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                found.add(v.rsplit("/", 1)[-1])
            else:
                _refs(v, found)
    elif isinstance(node, list):
        for x in node:
            _refs(x, found)


def _schemas_for(gvks: list[tuple[str, str, str]]) -> dict:
    """The definitions of these kinds and everything they reference."""
    defs = _definitions()
    want = set()
    for name, schema in defs.items():
        for g in schema.get("x-kubernetes-group-version-kind") or []:
            if (g.get("group", ""), g.get("version"), g.get("kind")) in gvks:
                want.add(name)
    todo, seen = list(want), set()
    while todo:
        n = todo.pop()
        if n in seen or n not in defs:
            continue
        seen.add(n)
        found: set = set()
        _refs(defs[n], found)
        todo.extend(found - seen)
    return {n: defs[n] for n in sorted(seen)}


def _hash(doc: dict) -> str:
    return hashlib.sha512(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:128].upper()


def root() -> dict:
    """``GET /openapi/v3``: where each group-version's document is."""
    paths = {}
    for g, vs in discovery.group_versions().items():
        for v in vs:
            p = _gv_path(g, v)
            paths[p] = {"serverRelativeURL": f"/openapi/v3/{p}?hash={_hash(gv_document(g, v))}"}
    return {"paths": paths}


def document_for_path(path: str) -> dict | None:
    """``GET /openapi/v3/api/v1`` or ``/openapi/v3/apis/<g>/<v>``."""
    parts = path.strip("/").split("/")
    if len(parts) == 2 and parts[0] == "api":
        return gv_document("", parts[1])
    if len(parts) == 3 and parts[0] == "apis":
        return gv_document(parts[1], parts[2])
    return None
