"""Server-side ``Table`` responses (``Accept: application/json;as=Table;v=v1;g=meta.k8s.io``).

upstream: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go (transformObject
to a Table), pkg/printers/internalversion/printers.go (the column handlers, ported in
:mod:`k8slab.kubectl.printers`, which this module reuses) and
staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go (Table, TableRow,
PartialObjectMetadata). AGE cells come from the virtual clock, so the real kubectl prints
the simulation's ages.
"""

from __future__ import annotations

from typing import Any

TABLE_CONTENT_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io"

_DESCRIPTIONS = {
    "Name": "Name must be unique within a namespace. Is required when creating resources, although some resources "
            "may allow a client to request the generation of an appropriate name automatically. Name is primarily "
            "intended for creation idempotence and configuration definition. Cannot be updated. More info: "
            "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
    "Age": "CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
           "guaranteed to be set in happens-before order across separate operations. Clients may not set this value. "
           "It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. "
           "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
}


def wants_table(accept: str) -> bool:
    """Whether an Accept header asks for a meta.k8s.io Table (v1 or v1beta1)."""
    return "as=Table" in (accept or "").replace(" ", "")


def _column_defs(columns) -> list[dict]:
    out = []
    for c in columns:
        out.append({"name": c.name, "type": "string", "format": "name" if c.is_name else "",
                    "description": _DESCRIPTIONS.get(c.name, c.name), "priority": c.priority})
    return out


def _partial(obj: dict) -> dict:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj.get("metadata", {})}


def _cell(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def table_for(kind: str, objs: list[dict], now: float, *, resource_version: str = "", continue_token: str = "",
              include_object: str = "Metadata", with_columns: bool = True) -> dict:
    """A meta.k8s.io/v1 Table for ``objs`` of ``kind``; ``includeObject`` None|Metadata|Object."""
    from ..kubectl.printers import build_table

    t = build_table(kind, objs, now)
    rows = []
    for cells, obj in t.rows:
        row: dict[str, Any] = {"cells": [_cell(c) for c in cells]}
        if include_object == "Object":
            row["object"] = obj
        elif include_object != "None":
            row["object"] = _partial(obj)
        rows.append(row)
    md: dict[str, Any] = {"resourceVersion": resource_version}
    if continue_token:
        md["continue"] = continue_token
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": md,
            "columnDefinitions": _column_defs(t.columns) if with_columns else None, "rows": rows}
