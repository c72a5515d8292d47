"""Check objects against the real Kubernetes v1.32 OpenAPI-derived JSON schemas.

A plain helper module for tests (``from schema_check import assert_valid_k8s``): it uses
the ``kubernetes-validate`` package, whose bundled schemas are generated from upstream's
OpenAPI documents, in strict mode (no unknown fields).
"""

from __future__ import annotations

import kubernetes_validate
import kubernetes_validate.utils

#: The Kubernetes release k8slab follows (see DESIGN.md).
K8S_VERSION = "1.32"


def assert_valid_k8s(obj: dict, version: str = K8S_VERSION, strict: bool = True) -> None:
    """Raise AssertionError naming the schema violation when ``obj`` is not a valid object.

    ``kubernetes_validate.validate(data, desired_version, strict)`` raises on the first
    error; the message carries where (a JSON path into the object) and what was wrong.
    """
    try:
        kubernetes_validate.validate(obj, version, strict)
    except kubernetes_validate.ValidationError as e:
        where = "".join(f"[{p!r}]" if isinstance(p, str) else f"[{p}]" for p in e.absolute_path) or "<root>"
        kind = obj.get("kind", "?") if isinstance(obj, dict) else "?"
        name = (obj.get("metadata") or {}).get("name", "?") if isinstance(obj, dict) else "?"
        raise AssertionError(
            f"{kind} {name!r} is not a valid Kubernetes {version} object: "
            f"{e.message} (at {where}; schema rule {e.validator!r})"
        ) from None
    except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.utils.VersionNotSupportedError) as e:
        raise AssertionError(f"no Kubernetes {version} schema for this object: {e}") from None
