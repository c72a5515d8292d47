"""Kubernetes API errors: ``metav1.Status`` objects raised as :class:`ApiError`.

upstream: staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go (constructors and
messages) and staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go
(field errors and their aggregate).
"""

from __future__ import annotations

from dataclasses import dataclass, field as _field
from typing import Any


class ApiError(Exception):
    """An API call failed; carries the Kubernetes ``Status`` fields.

    ``code`` is the HTTP status code, ``reason`` the ``StatusReason`` (``NotFound``,
    ``AlreadyExists``, ``Conflict``, ``Invalid``, ...), ``message`` the human text and
    ``details`` the ``StatusDetails`` dict (name, group, kind, causes).
    """

    def __init__(self, code: int, reason: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details or {}

    def status(self) -> dict:
        """The ``Status`` object as the API server sends it."""
        st: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details:
            st["details"] = self.details
        return st

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"ApiError({self.code}, {self.reason!r}, {self.message!r})"


def qualified_resource(resource: str, group: str) -> str:
    """``pods`` or ``deployments.apps``: how messages name a resource."""
    return f"{resource}.{group}" if group else resource


def qualified_kind(kind: str, group: str) -> str:
    """``Pod`` or ``Deployment.apps``: how Invalid messages name a kind."""
    return f"{kind}.{group}" if group else kind


def _details(name: str, group: str, kind: str, **extra: Any) -> dict:
    d: dict[str, Any] = {"name": name}
    if group:
        d["group"] = group
    d["kind"] = kind
    d.update(extra)
    return d


def json_type_name(v: Any) -> str:
    """How Go's encoding/json names a JSON value's type in ``cannot unmarshal X into ...``."""
    if isinstance(v, dict):
        return "object"
    if isinstance(v, list):
        return "array"
    if isinstance(v, str):
        return "string"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    return "null"


def not_found(resource: str, group: str, name: str) -> ApiError:
    return ApiError(404, "NotFound", f'{qualified_resource(resource, group)} "{name}" not found',
                    _details(name, group, resource))


def already_exists(resource: str, group: str, name: str) -> ApiError:
    return ApiError(409, "AlreadyExists", f'{qualified_resource(resource, group)} "{name}" already exists',
                    _details(name, group, resource))


def conflict(resource: str, group: str, name: str, err: str) -> ApiError:
    return ApiError(409, "Conflict",
                    f'Operation cannot be fulfilled on {qualified_resource(resource, group)} "{name}": {err}',
                    _details(name, group, resource))


OPTIMISTIC_LOCK_MESSAGE = "the object has been modified; please apply your changes to the latest version and try again"


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def method_not_supported(resource: str, group: str, action: str) -> ApiError:
    return ApiError(405, "MethodNotAllowed",
                    f"{action} is not supported on resources of kind {qualified_resource(resource, group)!r}")


def gone(message: str) -> ApiError:
    return ApiError(410, "Expired", message)


def timeout(message: str) -> ApiError:
    return ApiError(504, "Timeout", message)


def forbidden(resource: str, group: str, name: str, err: str) -> ApiError:
    res = qualified_resource(resource, group)
    if name:
        msg = f'{res} "{name}" is forbidden: {err}'
    else:
        msg = f"{res} is forbidden: {err}"
    return ApiError(403, "Forbidden", msg, _details(name, group, resource))


# ---------------------------------------------------------------- field errors

_CAUSE_TYPES = {
    "Required value": "FieldValueRequired",
    "Invalid value": "FieldValueInvalid",
    "Unsupported value": "FieldValueNotSupported",
    "Duplicate value": "FieldValueDuplicate",
    "Forbidden": "FieldValueForbidden",
    "Too long": "FieldValueTooLong",
    "Too many": "FieldValueTooMany",
    "Not found": "FieldValueNotFound",
    "Internal error": "InternalError",
}

_OMIT = object()


def _fmt_value(v: Any) -> str:
    """Format a bad value as Go's ``%#v``-ish rendering used by field.Error."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        import json
        return json.dumps(v, ensure_ascii=False)
    if v is None:
        return "null"
    import json
    return json.dumps(v, separators=(",", ":"), sort_keys=True)


@dataclass
class FieldError:
    """One ``field.Error``: a path, a type (``Required value`` ...), a bad value, a detail."""

    type: str
    field: str
    bad_value: Any = _OMIT
    detail: str = ""

    def body(self) -> str:
        if self.type in ("Required value", "Forbidden", "Too long", "Internal error") or self.bad_value is _OMIT:
            s = self.type
        else:
            s = f"{self.type}: {_fmt_value(self.bad_value)}"
        if self.detail:
            s += f": {self.detail}"
        return s

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"

    def cause(self) -> dict:
        return {"reason": _CAUSE_TYPES.get(self.type, "FieldValueInvalid"), "message": self.body(), "field": self.field}


def required(path: str, detail: str = "") -> FieldError:
    return FieldError("Required value", path, _OMIT, detail)


def invalid(path: str, value: Any, detail: str = "") -> FieldError:
    return FieldError("Invalid value", path, value, detail)


def not_supported(path: str, value: Any, supported: list[str]) -> FieldError:
    detail = ""
    if supported:
        detail = "supported values: " + ", ".join(f'"{s}"' for s in supported)
    return FieldError("Unsupported value", path, value, detail)


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError("Duplicate value", path, value)


def forbidden_field(path: str, detail: str) -> FieldError:
    return FieldError("Forbidden", path, _OMIT, detail)


def too_long(path: str, value: Any, max_len: int) -> FieldError:
    return FieldError("Too long", path, value, f"must have at most {max_len} bytes")


def aggregate(errs: list[FieldError]) -> str:
    """``ErrorList.ToAggregate().Error()``: one message, or ``[a, b]`` for several."""
    msgs: list[str] = []
    for e in errs:
        s = str(e)
        if s not in msgs:
            msgs.append(s)
    if len(msgs) == 1:
        return msgs[0]
    return "[" + ", ".join(msgs) + "]"


def invalid_object(kind: str, group: str, name: str, errs: list[FieldError]) -> ApiError:
    """``errors.NewInvalid``: 422 with causes, message ``Kind.group "name" is invalid: ...``."""
    unique: list[FieldError] = []
    for e in errs:  # the same error reached twice is one cause (ErrorList.ToAggregate dedups too)
        if str(e) not in {str(u) for u in unique}:
            unique.append(e)
    msg = f'{qualified_kind(kind, group)} "{name}" is invalid: {aggregate(unique)}'
    return ApiError(422, "Invalid", msg, _details(name, group, kind, causes=[e.cause() for e in unique]))
