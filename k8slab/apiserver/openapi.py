"""OpenAPI v3 as far as ``kubectl apply`` uses it.

upstream: staging/src/k8s.io/kube-openapi/pkg/handler3 (``/openapi/v3`` lists one document
per group-version by ``serverRelativeURL``) and staging/src/k8s.io/cli-runtime/pkg/resource/
query_param_verifier_v3.go: kubectl sends ``fieldValidation=Strict`` (leaving validation to
the server) when the group-version document has a ``patch`` operation whose
``x-kubernetes-group-version-kind`` is the object's and which lists a ``fieldValidation``
query parameter. Simplification: ``components.schemas`` is empty, so ``kubectl explain``
has no schema to print; ``/openapi/v2`` is not served (404), which kubectl accepts.
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
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.0-k8slab"}, "paths": paths,
            "components": {"schemas": {}}}


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
