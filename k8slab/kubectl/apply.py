"""``kubectl apply`` (client-side) and ``kubectl create -f``: the engine behind ``Cluster.apply``.

upstream: staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go (``applyOneObject``: get the
live object; create it with the last-applied annotation when it does not exist, else
PATCH it with the 3-way strategic merge patch and report ``unchanged`` when that patch is
``{}``), staging/src/k8s.io/kubectl/pkg/cmd/apply/patcher.go (``Patcher.Patch``),
staging/src/k8s.io/kubectl/pkg/util/apply.go (``GetModifiedConfiguration``: the
annotation is the compact JSON of the manifest with ``"annotations":{}`` at least, plus a
newline), staging/src/k8s.io/cli-runtime/pkg/resource/mapper.go (the "resource mapping
not found" error).

k8slab's apply is all-or-nothing where kubectl goes object by object: every object is
parsed and mapped first, then each is checked with a server-side dry run, and only when
all pass are they applied for real. An object in a namespace the same manifest creates
cannot be dry-run on the server (the namespace does not exist yet); it is defaulted and
validated locally instead.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from ..api.errors import ApiError
from ..api.patch import three_way_strategic_patch
from ..api.resources import ResourceInfo
from .encoding import compact_json
from .errors import KubectlError, error_text, with_source
from .manifests import check_type_fields, load_sources
from .mapping import for_object, kind_group

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


class ApplyResult(list):
    """What apply/create did: a list of ``(object, action)``; prints as kubectl's lines.

    ``str(result)`` is e.g. ``deployment.apps/web created`` (one line per object).
    """

    def lines(self) -> list[str]:
        out = []
        for obj, action in self:
            ri = for_object(obj)
            prefix = kind_group(ri) if ri is not None else str(obj.get("kind", "")).lower()
            out.append(f"{prefix}/{(obj.get('metadata') or {}).get('name', '')} {action}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython
        p.text(str(self))


def mapping_error(obj: dict, source: str) -> KubectlError:
    md = obj.get("metadata") or {}
    return KubectlError(f'error: resource mapping not found for name: "{md.get("name", "")}" namespace: '
                        f'"{md.get("namespace", "")}" from "{source}": no matches for kind "{obj.get("kind")}" in version '
                        f'"{obj.get("apiVersion")}"\nensure CRDs are installed first')


def gvk_string(ri: ResourceInfo) -> str:
    return f"{ri.group}/{ri.version}, Kind={ri.kind}"


def info_string(ri: ResourceInfo, name: str, namespace: str) -> str:
    """resource.Info.String()."""
    return (f'Resource: "{ri.group}/{ri.version}, Resource={ri.plural}", GroupVersionKind: "{gvk_string(ri)}"\n'
            f'Name: "{name}", Namespace: "{namespace}"')


def modified_configuration(obj: dict) -> tuple[dict, str]:
    """GetModifiedConfiguration(annotate=true): (object carrying the annotation, annotation text)."""
    o = copy.deepcopy(obj)
    md = o.setdefault("metadata", {})
    annotations = dict(md.get("annotations") or {})
    annotations.pop(LAST_APPLIED, None)
    md["annotations"] = annotations
    text = compact_json(o) + "\n"
    annotations[LAST_APPLIED] = text
    md["annotations"] = annotations
    return o, text


class _Item:
    def __init__(self, obj: dict, source: str, ri: ResourceInfo, namespace: str | None):
        self.obj = obj
        self.source = source
        self.ri = ri
        self.namespace = namespace
        md = obj.get("metadata") or {}
        self.name = md.get("name", "") if isinstance(md, dict) else ""


def prepare(manifest: Any, namespace: str | None, *, enforce_namespace: bool) -> list[_Item]:
    """Parse, check apiVersion/kind, map every object to a served resource and set its namespace."""
    items = []
    for obj, src in load_sources(manifest):
        check_type_fields(obj, src)
        ri = for_object(obj)
        if ri is None:
            raise mapping_error(obj, src)
        md = obj.get("metadata")
        if not isinstance(md, dict):
            md = obj["metadata"] = {}
        ns = None
        if ri.namespaced:
            obj_ns = md.get("namespace") or ""
            if enforce_namespace and namespace and obj_ns and obj_ns != namespace:
                raise KubectlError(f'error: the namespace from the provided object "{obj_ns}" does not match the '
                                   f'namespace "{namespace}". You must pass \'--namespace={obj_ns}\' to perform this '
                                   "operation.")
            ns = obj_ns or namespace or "default"
            md["namespace"] = ns
        items.append(_Item(obj, src, ri, ns))
    return items


def _namespaces_created_here(items: list[_Item]) -> set[str]:
    return {i.name for i in items if i.ri.kind == "Namespace"}


def _namespace_exists(client: Any, name: str) -> bool:
    try:
        client.get("namespaces", name)
        return True
    except ApiError as e:
        if e.code == 404:
            return False
        raise


def _validate_locally(item: _Item, obj: dict) -> None:
    """Defaulting and validation the API server would run, for an object whose namespace
    is created by the same manifest (no server-side dry run is possible for it yet)."""
    from ..api.defaults import apply_defaults
    from ..api.validation import validate_or_raise

    o = copy.deepcopy(obj)
    apply_defaults(o)
    try:
        validate_or_raise(o, None)
    except ApiError as e:
        raise KubectlError(error_text(with_source("creating", item.source, e)))


def _live(client: Any, item: _Item) -> dict | None:
    try:
        return client.get(item.ri.plural, item.name, item.namespace)
    except ApiError as e:
        if e.code == 404:
            return None
        msg = (f"error when retrieving current configuration of:\n{info_string(item.ri, item.name, item.namespace or '')}"
               f"\nfrom server for: \"{item.source}\": {e.message}")
        raise KubectlError(error_text(ApiError(e.code, e.reason, msg, e.details)))


def _check_name(item: _Item) -> None:
    if item.name:
        return
    gen = (item.obj.get("metadata") or {}).get("generateName")
    if gen:
        raise KubectlError(f"error: from {gen}: cannot use generate name with apply")
    raise KubectlError(f"error: error when retrieving current configuration of:\n"
                       f"{info_string(item.ri, '', item.namespace or '')}\n"
                       f"from server for: \"{item.source}\": resource name may not be empty")


def _plan(client: Any, item: _Item, pending_namespaces: set[str]) -> tuple[str, dict, dict | None]:
    """(action, object to create or patch to send, live object) for one item, dry-run checked."""
    _check_name(item)
    modified, _ = modified_configuration(item.obj)
    deferred = item.namespace is not None and item.namespace in pending_namespaces
    live = None if deferred else _live(client, item)
    if live is None:
        if deferred:
            _validate_locally(item, modified)
        else:
            try:
                client.create(item.ri.plural, modified, namespace=item.namespace, dry_run=True)
            except ApiError as e:
                raise KubectlError(error_text(with_source("creating", item.source, e)))
        return "created", modified, None
    original_text = ((live.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    original = None
    if original_text:
        try:
            original = json.loads(original_text)
        except ValueError:
            original = None
    patch = three_way_strategic_patch(original, modified, live, item.ri.kind)
    if not patch:
        return "unchanged", {}, live
    try:
        client.patch(item.ri.plural, item.name, patch, namespace=item.namespace, patch_type="strategic", dry_run=True)
    except ApiError as e:
        raise KubectlError(error_text(_patch_error(item, patch, e)))
    return "configured", patch, live


def _patch_error(item: _Item, patch: dict, e: ApiError) -> ApiError:
    verb = f"applying patch:\n{compact_json(patch)}\nto:\n{info_string(item.ri, item.name, item.namespace or '')}\nfor:"
    return with_source(verb, item.source, e)


def apply_manifest(client: Any, manifest: Any, namespace: str | None = None, *,
                   enforce_namespace: bool = True) -> ApplyResult:
    """Apply ``manifest`` like ``kubectl apply -f``; returns what happened to each object.

    ``manifest`` is YAML/JSON text (several documents, ``kind: List``), a path to a file or
    directory, a dict or a list of those. Nothing changes unless every object passes.
    Raises KubectlError with kubectl's message otherwise.
    """
    items = prepare(manifest, namespace, enforce_namespace=enforce_namespace)
    if not items:
        raise KubectlError("error: no objects passed to apply")
    created_ns = _namespaces_created_here(items)
    pending = {ns for ns in created_ns if not _namespace_exists(client, ns)}
    plans = [(item, *_plan(client, item, pending)) for item in items]
    result = ApplyResult()
    for item, action, body, live in plans:
        try:
            if action == "created":
                obj = client.create(item.ri.plural, body, namespace=item.namespace)
            elif action == "configured":
                obj = client.patch(item.ri.plural, item.name, body, namespace=item.namespace, patch_type="strategic")
            else:
                obj = live
        except ApiError as e:
            err = with_source("creating", item.source, e) if action == "created" else _patch_error(item, body, e)
            raise KubectlError(error_text(err), stdout="".join(line + "\n" for line in result.lines()))
        result.append((obj, action))
    return result


def create_manifest(client: Any, manifest: Any, namespace: str | None = None, *, save_config: bool = False,
                    enforce_namespace: bool = True) -> ApplyResult:
    """``kubectl create -f``: create every object (no last-applied annotation), all or nothing."""
    items = prepare(manifest, namespace, enforce_namespace=enforce_namespace)
    if not items:
        raise KubectlError("error: no objects passed to create")
    created_ns = _namespaces_created_here(items)
    pending = {ns for ns in created_ns if not _namespace_exists(client, ns)}
    bodies = []
    for item in items:
        body = modified_configuration(item.obj)[0] if save_config else item.obj
        if item.namespace is not None and item.namespace in pending:
            _validate_locally(item, body)
        else:
            try:
                client.create(item.ri.plural, body, namespace=item.namespace, dry_run=True)
            except ApiError as e:
                raise KubectlError(error_text(with_source("creating", item.source, e)))
        bodies.append((item, body))
    result = ApplyResult()
    for item, body in bodies:
        try:
            obj = client.create(item.ri.plural, body, namespace=item.namespace)
        except ApiError as e:
            raise KubectlError(error_text(with_source("creating", item.source, e)),
                               stdout="".join(line + "\n" for line in result.lines()))
        result.append((obj, "created"))
    return result
