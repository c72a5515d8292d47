"""Patches: JSON merge patch (RFC 7386) for now; strategic merge and JSON patch extend this module.

upstream: staging/src/k8s.io/apimachinery/pkg/util/strategicpatch, github.com/evanphx/json-patch.
"""

from __future__ import annotations

import copy
from typing import Any

from .errors import ApiError

MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
JSON_PATCH = "application/json-patch+json"
APPLY = "application/apply-patch+yaml"

_ALIASES = {"merge": MERGE, "strategic": STRATEGIC, "json": JSON_PATCH}


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


def apply_patch(obj: dict, patch: Any, patch_type: str, kind: str = "") -> dict:
    """Apply ``patch`` of ``patch_type`` (a content type or merge|strategic|json) to ``obj``."""
    pt = _ALIASES.get(patch_type, patch_type)
    if pt == MERGE:
        if not isinstance(patch, dict):
            raise ApiError(400, "BadRequest", "json: cannot unmarshal into Go value of type map[string]interface {}")
        return merge_patch(obj, patch)
    raise ApiError(415, "UnsupportedMediaType", f"the body of the request was in an unknown format - accepted media types include: {MERGE}")
