"""Validation: the field errors a v1.32 API server answers with before it stores an object.

``validate(obj)`` checks a create, ``validate(obj, old)`` an update; both return a list of
:class:`~k8slab.api.errors.FieldError` in upstream's order, with upstream's field paths,
error types and detail messages. ``validate_or_raise`` turns them into the 422 ``Invalid``
:class:`~k8slab.api.errors.ApiError` (``Deployment.apps "web" is invalid: ...``).

The object must already be defaulted (:func:`k8slab.api.defaults.apply_defaults`), as it is
upstream: validation of an undefaulted Pod reports e.g. ``spec.restartPolicy: Required value``.

Where each rule comes from:

- upstream: staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go (DNS-1123
  label/subdomain, qualified names, label values, port names/numbers, percent strings,
  env var names and their messages, ``RegexError``'s wording)
- upstream: staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go and generic.go
  (``ValidateObjectMeta``, ``ValidateObjectMetaUpdate``, annotations size, owner
  references, finalizers, ``field is immutable``)
- upstream: staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go
  (labels, label selectors)
- upstream: pkg/apis/core/validation/validation.go (``ValidatePodCreate``,
  ``ValidatePodUpdate``, ``ValidatePodSpec``, containers, ports, env, probes, resources,
  volumes, tolerations, ``ValidatePodTemplateSpec``, ``ValidateNamespace``, ``ValidateNode``)
- upstream: pkg/apis/core/validation/events.go (``legacyValidateEvent``: core/v1 Events)
- upstream: pkg/apis/apps/validation/validation.go (``ValidateDeployment``,
  ``ValidateReplicaSet``, rolling-update int-or-percent rules)
- upstream: pkg/apis/coordination/validation/validation.go (``ValidateLease``)
- upstream: pkg/registry/apps/{deployment,replicaset}/strategy.go (``spec.selector`` is
  immutable in apps/v1) and staging/src/k8s.io/apiserver/pkg/registry/rest/create.go,
  update.go (the generic ObjectMeta checks that run around the kind's own).

Bad values are rendered as upstream's ``field.Error`` renders them, including Go's ``%#v``
form for structs and maps (``map[string]string{"app":"web"}``,
``v1.LabelSelector{MatchLabels:..., MatchExpressions:...}``,
``intstr.IntOrString{Type:1, IntVal:0, StrVal:"30"}``).

k8slab simplifications (each said where it happens):

- JSON type errors (``replicas: "three"``) are a 400 decode error upstream; here they are
  reported as field errors carrying Go's decoder text (``json: cannot unmarshal string into
  Go value of type int32``) so that nothing raises a traceback.
- A quantity that does not parse is likewise reported as an ``Invalid value`` at its field
  with upstream's parse message; ``resource.Quantity`` values that upstream prints with
  ``%#v`` are printed as their canonical string.
- ``metadata.resourceVersion`` is not required on update (the store fills it in for
  unconditional updates before validating); ``creationTimestamp`` and an omitted ``uid``
  are taken from the old object, as ``rest.BeforeUpdate`` does.
- Not validated: security contexts, affinity, topology spread constraints, host aliases,
  resource claims, volume devices, most volume-source internals (only the ones k8slab's
  chapters use), the pod-update diff is a short listing of changed fields rather than
  go-cmp's rendering, Go pointers inside ``%#v`` values print as a fixed address.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any, Callable

from .errors import (
    FieldError,
    forbidden_field,
    invalid_object,
    required,
    too_long,
)
from .errors import duplicate as _duplicate
from .errors import invalid as _invalid
from .errors import not_supported as _not_supported

__all__ = [
    "validate",
    "validate_or_raise",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_qualified_name",
    "is_valid_label_value",
    "is_valid_port_num",
    "is_valid_port_name",
    "is_valid_percent",
    "name_is_dns_subdomain",
    "name_is_dns_label",
    "FIELD_IMMUTABLE",
]

NameFn = Callable[[str, bool], list[str]]
Errs = list[FieldError]

def _json_safe(v: Any) -> Any:
    """A bad value as JSON can print it (YAML allows non-string keys; JSON does not)."""
    if isinstance(v, dict):
        return {str(k): _json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_safe(x) for x in v]
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def invalid(path: str, value: Any, detail: str = "") -> FieldError:
    return _invalid(path, _json_safe(value), detail)


def duplicate(path: str, value: Any) -> FieldError:
    return _duplicate(path, _json_safe(value))


def not_supported(path: str, value: Any, supported: list[str]) -> FieldError:
    return _not_supported(path, _json_safe(value), supported)


# ================================================================ messages
# upstream: staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go

FIELD_IMMUTABLE = "field is immutable"  # upstream: apimachineryvalidation.FieldImmutableErrorMsg
IS_NEGATIVE = "must be greater than or equal to 0"  # upstream: IsNegativeErrorMsg
IS_NOT_INTEGER = "must be an integer"
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * (1 << 10)
MAX_INT32 = (1 << 31) - 1


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """upstream RegexError, including its double space before `` or ``."""
    if not examples:
        return msg + " (regex used for validation is '" + fmt + "')"
    msg += " (e.g. "
    for i, ex in enumerate(examples):
        if i > 0:
            msg += " or "
        msg += "'" + ex + "', "
    return msg + "regex used for validation is '" + fmt + "')"


def max_len_error(n: int) -> str:
    return f"must be no more than {n} characters"


EMPTY_ERROR = "must be non-empty"


def inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


def _blen(s: str) -> int:
    """Go's len(): bytes, not characters."""
    return len(s.encode("utf-8"))


DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_LABEL_ERR = ("a lowercase RFC 1123 label must consist of lower case alphanumeric "
                     "characters or '-', and must start and end with an alphanumeric character")
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*"
DNS1123_SUBDOMAIN_ERR = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                         "characters, '-' or '.', and must start and end with an alphanumeric character")
_DNS1123_LABEL_RE = re.compile(DNS1123_LABEL_FMT)
_DNS1123_SUBDOMAIN_RE = re.compile(DNS1123_SUBDOMAIN_FMT)

QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
QUALIFIED_NAME_ERR = ("must consist of alphanumeric characters, '-', '_' or '.', and must start "
                      "and end with an alphanumeric character")
_QUALIFIED_NAME_RE = re.compile(QUALIFIED_NAME_FMT)
LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?"
LABEL_VALUE_ERR = ("a valid label must be an empty string or consist of alphanumeric characters, "
                   "'-', '_' or '.', and must start and end with an alphanumeric character")
_LABEL_VALUE_RE = re.compile(LABEL_VALUE_FMT)
PERCENT_FMT = "[0-9]+%"
PERCENT_ERR = "a valid percent string must be a numeric string followed by an ending '%'"
_PERCENT_RE = re.compile(PERCENT_FMT)
HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+"
HTTP_HEADER_NAME_ERR = "a valid HTTP header must consist of alphanumeric characters or '-'"
CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
CONFIG_MAP_KEY_ERR = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
RELAXED_ENV_VAR_NAME_ERR = "a valid environment variable name must consist only of printable ASCII characters other than '='"


def is_dns1123_label(value: str) -> list[str]:
    """upstream IsDNS1123Label."""
    errs = []
    if _blen(value) > 63:
        errs.append(max_len_error(63))
    if not _DNS1123_LABEL_RE.fullmatch(value):
        if _DNS1123_SUBDOMAIN_RE.fullmatch(value):
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    """upstream IsDNS1123Subdomain."""
    errs = []
    if _blen(value) > 253:
        errs.append(max_len_error(253))
    if not _DNS1123_SUBDOMAIN_RE.fullmatch(value):
        errs.append(regex_error(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    """upstream IsQualifiedName (label keys, annotation keys, finalizers, resource names)."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part " + EMPTY_ERROR)
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return errs + ["a qualified name " + regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
                       + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errs.append("name part " + EMPTY_ERROR)
    elif _blen(name) > 63:
        errs.append("name part " + max_len_error(63))
    if not _QUALIFIED_NAME_RE.fullmatch(name):
        errs.append("name part " + regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"))
    return errs


def is_valid_label_value(value: str) -> list[str]:
    """upstream IsValidLabelValue."""
    errs = []
    if _blen(value) > 63:
        errs.append(max_len_error(63))
    if not _LABEL_VALUE_RE.fullmatch(value):
        errs.append(regex_error(LABEL_VALUE_ERR, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def is_valid_port_num(port: int) -> list[str]:
    """upstream IsValidPortNum."""
    return [] if 1 <= port <= 65535 else [inclusive_range_error(1, 65535)]


def is_valid_port_name(port: str) -> list[str]:
    """upstream IsValidPortName (IANA service names)."""
    errs = []
    if _blen(port) > 15:
        errs.append(max_len_error(15))
    if not re.fullmatch("[-a-z0-9]+", port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_valid_percent(value: str) -> list[str]:
    """upstream IsValidPercent."""
    return [] if _PERCENT_RE.fullmatch(value) else [regex_error(PERCENT_ERR, PERCENT_FMT, "1%", "93%")]


def _is_relaxed_env_var_name(value: str) -> list[str]:
    """upstream IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is beta, on, in v1.32)."""
    errs = []
    if not value:
        errs.append("environment variable name " + EMPTY_ERROR)
    for ch in value:
        if ord(ch) > 0x7F or not (0x20 <= ord(ch) <= 0x7E) or ch == "=":
            errs.append(RELAXED_ENV_VAR_NAME_ERR)
            break
    return errs


def _is_config_map_key(value: str) -> list[str]:
    errs = []
    if _blen(value) > 253:
        errs.append(max_len_error(253))
    if not re.fullmatch(CONFIG_MAP_KEY_FMT, value):
        errs.append(regex_error(CONFIG_MAP_KEY_ERR, CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    if value == ".":
        errs.append("must not be '.'")
    elif value == "..":
        errs.append("must not be '..'")
    elif value.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def _is_http_header_name(value: str) -> list[str]:
    if re.fullmatch(HTTP_HEADER_NAME_FMT, value):
        return []
    return [regex_error(HTTP_HEADER_NAME_ERR, HTTP_HEADER_NAME_FMT, "X-Header-Name")]


def _is_valid_cidr(value: Any) -> bool:
    if not isinstance(value, str) or "/" not in value:
        return False
    try:
        ipaddress.ip_network(value, strict=False)
        return True
    except ValueError:
        return False


def _is_valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------- name functions
# upstream: staging/src/k8s.io/apimachinery/pkg/api/validation/generic.go


def _mask_trailing_dash(name: str) -> str:
    if len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name


def name_is_dns_subdomain(name: str, prefix: bool = False) -> list[str]:
    """upstream NameIsDNSSubdomain: most object names."""
    return is_dns1123_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool = False) -> list[str]:
    """upstream NameIsDNSLabel: Namespace names."""
    return is_dns1123_label(_mask_trailing_dash(name) if prefix else name)


def _path_segment_name(name: str, prefix: bool) -> list[str]:
    """upstream: apimachinery/pkg/api/validation/path ValidatePathSegmentName."""
    if not prefix:
        for bad in (".", ".."):
            if name == bad:
                return [f"may not be '{bad}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


# ================================================================ Go renderings and helpers


def go_quote(s: str) -> str:
    """Go's strconv.Quote (what ``%q`` and ``%#v`` print for a string)."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\a\b\f\n\r\t\v":
            out.append({"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                        "\t": "\\t", "\v": "\\v"}[ch])
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif o < 0x80:
            out.append(f"\\x{o:02x}")
        elif o < 0x10000:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


def _go_val(v: Any) -> str:
    if isinstance(v, str):
        return go_quote(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return json.dumps(v, separators=(",", ":"), sort_keys=True) if not isinstance(v, (int, float)) else repr(v)


def go_map_ss(m: Any) -> str:
    """``%#v`` of a map[string]string: keys sorted, as fmt prints maps."""
    if m is None:
        return "map[string]string(nil)"
    if not isinstance(m, dict):
        return _go_val(m)
    items = ", ".join(f"{go_quote(str(k))}:{_go_val(m[k])}" for k in sorted(m, key=str))
    return "map[string]string{" + items + "}"


def go_string_slice(v: Any) -> str:
    if v is None:
        return "[]string(nil)"
    if not isinstance(v, list):
        return _go_val(v)
    return "[]string{" + ", ".join(_go_val(x) for x in v) + "}"


def go_label_selector(sel: Any) -> str:
    """``%#v`` of a metav1.LabelSelector."""
    if not isinstance(sel, dict):
        return _go_val(sel)
    exprs = sel.get("matchExpressions")
    if exprs is None:
        e = "[]v1.LabelSelectorRequirement(nil)"
    elif isinstance(exprs, list):
        parts = []
        for r in exprs:
            r = r if isinstance(r, dict) else {}
            parts.append("v1.LabelSelectorRequirement{Key:" + _go_val(r.get("key", "")) + ", Operator:"
                         + _go_val(r.get("operator", "")) + ", Values:" + go_string_slice(r.get("values")) + "}")
        e = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    else:
        e = _go_val(exprs)
    return "v1.LabelSelector{MatchLabels:" + go_map_ss(sel.get("matchLabels")) + ", MatchExpressions:" + e + "}"


def go_intstr(v: Any) -> str:
    """``%#v`` of an intstr.IntOrString (Type 0 = Int, 1 = String)."""
    if isinstance(v, str):
        return "intstr.IntOrString{Type:1, IntVal:0, StrVal:" + go_quote(v) + "}"
    n = v if isinstance(v, int) and not isinstance(v, bool) else 0
    return "intstr.IntOrString{Type:0, IntVal:" + str(n) + ", StrVal:\"\"}"


GO_POINTER = "0xc000123456"  # k8slab: fixed stand-in for the address Go prints for a pointer


def _with_go_value(type_: str, path: str, go_repr: str, detail: str = "") -> FieldError:
    """A field error whose bad value is printed verbatim (a Go ``%#v`` rendering)."""
    return FieldError(type_, path, detail=go_repr + (": " + detail if detail else ""))


def _invalid_go(path: str, go_repr: str, detail: str) -> FieldError:
    return _with_go_value("Invalid value", path, go_repr, detail)


def _not_found(path: str, value: Any) -> FieldError:
    return FieldError("Not found", path, value)


def _c(path: str, *children: str) -> str:
    for ch in children:
        path = f"{path}.{ch}" if path else ch
    return path


# ---------------------------------------------------------------- JSON-type tolerant access


def _json_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, str):
        return "string"
    if isinstance(v, (int, float)):
        return "number " + json.dumps(v)
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "null"


def _type_error(path: str, v: Any, go_type: str) -> FieldError:
    """k8slab: a JSON type mismatch, as Go's decoder words it (upstream answers 400 for these)."""
    return invalid(path, v, f"json: cannot unmarshal {_json_kind(v)} into Go value of type {go_type}")


def _int(v: Any, path: str, errs: Errs, go_type: str = "int32") -> int | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, int):
        errs.append(_type_error(path, v, go_type))
        return None
    if go_type == "int32" and not -(1 << 31) <= v <= MAX_INT32:
        errs.append(_type_error(path, v, go_type))
        return None
    return v


def _str(v: Any, path: str, errs: Errs) -> str:
    if v is None:
        return ""
    if not isinstance(v, str):
        errs.append(_type_error(path, v, "string"))
        return ""
    return v


def _obj(v: Any, path: str, errs: Errs, go_type: str) -> dict:
    if v is None:
        return {}
    if not isinstance(v, dict):
        errs.append(_type_error(path, v, go_type))
        return {}
    return v


def _list(v: Any, path: str, errs: Errs, go_type: str) -> list:
    if v is None:
        return []
    if not isinstance(v, list):
        errs.append(_type_error(path, v, go_type))
        return []
    return v


def _objs(v: Any, path: str, errs: Errs, go_type: str) -> list[tuple[int, dict]]:
    """The (index, dict) items of a list of objects; non-objects are reported and skipped."""
    out = []
    for i, item in enumerate(_list(v, path, errs, "[]" + go_type)):
        if not isinstance(item, dict):
            errs.append(_type_error(f"{path}[{i}]", item, go_type))
            continue
        out.append((i, item))
    return out


def _str_map(v: Any, path: str, errs: Errs) -> dict[str, str]:
    if v is None:
        return {}
    if not isinstance(v, dict):
        errs.append(_type_error(path, v, "map[string]string"))
        return {}
    out = {}
    for k, val in v.items():
        if not isinstance(val, str):
            errs.append(_type_error(f"{path}[{k}]", val, "string"))
            continue
        out[str(k)] = val
    return out


def _lst(v: Any) -> list:
    """v when it is a list, else [] (for reads whose type errors are reported elsewhere)."""
    return v if isinstance(v, list) else []


def _s(v: Any) -> str:
    """v when it is a string, else "" (for reads whose type errors are reported elsewhere)."""
    return v if isinstance(v, str) else ""


def _nonnegative(v: int | None, path: str) -> Errs:
    """upstream ValidateNonnegativeField."""
    return [invalid(path, v, IS_NEGATIVE)] if v is not None and v < 0 else []


def _semantic(v: Any) -> Any:
    """Normalise for upstream's Semantic.DeepEqual, which treats nil and empty slices/maps alike."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            x = _semantic(x)
            if x is None or x == [] or (x == {} and k in _EMPTY_MAP_IS_NIL):
                continue
            out[k] = x
        return out
    if isinstance(v, list):
        return [_semantic(x) for x in v]
    return v


# JSON fields that are Go maps (so {} equals absent); other {} are non-nil struct pointers.
_EMPTY_MAP_IS_NIL = {"labels", "annotations", "nodeSelector", "matchLabels", "limits", "requests",
                     "overhead", "capacity", "allocatable", "data"}


# ================================================================ ObjectMeta


def _validate_labels(labels: Any, path: str) -> Errs:
    """upstream: metav1 validation ValidateLabels (keys then values; sorted for determinism)."""
    errs: Errs = []
    m = _str_map(labels, path, errs)
    for k in sorted(m):
        errs += [invalid(path, k, msg) for msg in is_qualified_name(k)]
        errs += [invalid(path, m[k], msg) for msg in is_valid_label_value(m[k])]
    return errs


def _validate_annotations(annotations: Any, path: str) -> Errs:
    """upstream: apimachinery ValidateAnnotations (case-insensitive qualified names, 256 KiB total)."""
    errs: Errs = []
    m = _str_map(annotations, path, errs)
    for k in sorted(m):
        errs += [invalid(path, k, msg) for msg in is_qualified_name(k.lower())]
    if sum(_blen(k) + _blen(v) for k, v in m.items()) > TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.append(too_long(path, "", TOTAL_ANNOTATION_SIZE_LIMIT))
    return errs


def _go_owner_reference(ref: dict) -> str:
    def ptr(key: str) -> str:
        return "(*bool)(nil)" if ref.get(key) is None else f"(*bool)({GO_POINTER})"
    return ("v1.OwnerReference{APIVersion:" + _go_val(ref.get("apiVersion", "")) + ", Kind:" + _go_val(ref.get("kind", ""))
            + ", Name:" + _go_val(ref.get("name", "")) + ", UID:" + _go_val(ref.get("uid", ""))
            + ", Controller:" + ptr("controller") + ", BlockOwnerDeletion:" + ptr("blockOwnerDeletion") + "}")


def _validate_owner_references(refs: Any, path: str) -> Errs:
    """upstream: apimachinery ValidateOwnerReferences (paths carry no index, as upstream's do)."""
    errs: Errs = []
    items = _objs(refs, path, errs, "v1.OwnerReference")
    first_controller = ""
    for _, ref in items:
        api_version = ref.get("apiVersion") if isinstance(ref.get("apiVersion"), str) else ""
        group, _, version = api_version.rpartition("/")
        if not version:
            errs.append(invalid(_c(path, "apiVersion"), api_version, "version must not be empty"))
        for key in ("kind", "name", "uid"):
            if not ref.get(key):
                errs.append(invalid(_c(path, key), ref.get(key) or "", "must not be empty"))
        if group == "" and version == "v1" and ref.get("kind") == "Event":
            errs.append(_invalid_go(path, _go_owner_reference(ref), "/v1, Kind=Event is disallowed from being an owner"))
        if ref.get("controller") is True:
            cur = f"{ref.get('kind', '')}/{ref.get('name', '')}"
            if first_controller:
                rendered = "[]v1.OwnerReference{" + ", ".join(_go_owner_reference(r) for _, r in items) + "}"
                errs.append(_invalid_go(path, rendered,
                                        "Only one reference can have Controller set to true. Found \"true\" in "
                                        f"references for {first_controller} and {cur}"))
            else:
                first_controller = cur
    return errs


_STANDARD_FINALIZERS = {"kubernetes", "orphan", "foregroundDeletion"}


def _validate_finalizers(finalizers: Any, path: str, errs_out: Errs) -> list[str]:
    """upstream: apimachinery ValidateFinalizers; returns the string finalizers."""
    names = [f for f in _list(finalizers, path, errs_out, "[]string") if isinstance(f, str)]
    for f in names:
        errs_out += [invalid(path, f, msg) for msg in is_qualified_name(f)]
    if "orphan" in names and "foregroundDeletion" in names:
        errs_out.append(_invalid_go(path, go_string_slice(names),
                                    "finalizer orphan and foregroundDeletion cannot be both set"))
    return names


def _kube_finalizer_name(name: str, path: str) -> Errs:
    """upstream: core validateKubeFinalizerName."""
    if "/" not in name and name not in _STANDARD_FINALIZERS:
        return [invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified")]
    return []


def _meta_common(md: dict, namespaced: bool, path: str) -> Errs:
    """upstream: validateObjectMetaAccessorWithOptsCommon."""
    errs: Errs = []
    ns = _str(md.get("namespace"), _c(path, "namespace"), errs)
    if namespaced:
        if not ns:
            errs.append(required(_c(path, "namespace")))
        else:
            errs += [invalid(_c(path, "namespace"), ns, msg) for msg in name_is_dns_label(ns, False)]
    elif ns:
        errs.append(forbidden_field(_c(path, "namespace"), "not allowed on this type"))
    errs += _nonnegative(_int(md.get("generation"), _c(path, "generation"), errs, "int64"), _c(path, "generation"))
    errs += _validate_labels(md.get("labels"), _c(path, "labels"))
    errs += _validate_annotations(md.get("annotations"), _c(path, "annotations"))
    errs += _validate_owner_references(md.get("ownerReferences"), _c(path, "ownerReferences"))
    _validate_finalizers(md.get("finalizers"), _c(path, "finalizers"), errs)
    return errs


def _validate_object_meta(md: Any, namespaced: bool, name_fn: NameFn, path: str = "metadata",
                          kube_finalizers: bool = True) -> Errs:
    """upstream: ValidateObjectMeta (apimachinery, plus core's kube finalizer-name check).

    The API server generates a name from ``generateName`` before validating; a missing
    name is therefore only an error when ``generateName`` is missing too.
    """
    errs: Errs = []
    md = _obj(md, path, errs, "v1.ObjectMeta")
    gen = _str(md.get("generateName"), _c(path, "generateName"), errs)
    name = _str(md.get("name"), _c(path, "name"), errs)
    if gen:
        errs += [invalid(_c(path, "generateName"), gen, msg) for msg in name_fn(gen, True)]
    if not name:
        if not gen:
            errs.append(required(_c(path, "name"), "name or generateName is required"))
    else:
        errs += [invalid(_c(path, "name"), name, msg) for msg in name_fn(name, False)]
    errs += _meta_common(md, namespaced, path)
    if kube_finalizers:
        fins = md.get("finalizers")
        if isinstance(fins, list):
            for i, f in enumerate(fins):
                if isinstance(f, str):
                    errs += _kube_finalizer_name(f, f"{path}.finalizers[{i}]")
    return errs


def _validate_object_meta_update(new_md: Any, old_md: Any, path: str = "metadata",
                                 kube_finalizers: bool = True) -> Errs:
    """upstream: ValidateObjectMetaAccessorUpdate (+ core's kube finalizer names).

    k8slab: ``resourceVersion`` is not required (the store fills it in first) and a
    missing ``uid`` stands for the old one, as rest.BeforeUpdate arranges upstream.
    """
    errs: Errs = []
    new_md = new_md if isinstance(new_md, dict) else {}
    old_md = old_md if isinstance(old_md, dict) else {}
    new_fins = [f for f in _lst(new_md.get("finalizers")) if isinstance(f, str)]
    if old_md.get("deletionTimestamp"):
        old_fins = {f for f in _lst(old_md.get("finalizers")) if isinstance(f, str)}
        extra = sorted(set(new_fins) - old_fins)
        if extra:
            errs.append(forbidden_field(_c(path, "finalizers"),
                                        "no new finalizers can be added if the object is being deleted, "
                                        f"found new finalizers {go_string_slice(extra)}"))
    new_gen, old_gen = new_md.get("generation"), old_md.get("generation")
    if isinstance(new_gen, int) and isinstance(old_gen, int) and new_gen < old_gen:
        errs.append(invalid(_c(path, "generation"), new_gen, "must not be decremented"))
    for key in ("name", "namespace"):
        nv, ov = new_md.get(key) or "", old_md.get(key) or ""
        if nv != ov:
            errs.append(invalid(_c(path, key), nv, FIELD_IMMUTABLE))
    if new_md.get("uid") and new_md.get("uid") != old_md.get("uid"):
        errs.append(invalid(_c(path, "uid"), new_md.get("uid"), FIELD_IMMUTABLE))
    errs += _validate_labels(new_md.get("labels"), _c(path, "labels"))
    errs += _validate_annotations(new_md.get("annotations"), _c(path, "annotations"))
    errs += _validate_owner_references(new_md.get("ownerReferences"), _c(path, "ownerReferences"))
    _validate_finalizers(new_md.get("finalizers"), _c(path, "finalizers"), errs)
    if kube_finalizers:
        for i, f in enumerate(new_fins):
            errs += _kube_finalizer_name(f, f"{path}.finalizers[{i}]")
    return errs


# ================================================================ label selectors


def _validate_label_selector(sel: dict, path: str) -> Errs:
    """upstream: metav1 validation ValidateLabelSelector (values checked strictly, as apps does)."""
    errs = _validate_labels(sel.get("matchLabels"), _c(path, "matchLabels"))
    for i, req in _objs(sel.get("matchExpressions"), _c(path, "matchExpressions"), errs, "v1.LabelSelectorRequirement"):
        p = f"{path}.matchExpressions[{i}]"
        op = req.get("operator")
        values = [v for v in _list(req.get("values"), _c(p, "values"), errs, "[]string")]
        if op in ("In", "NotIn"):
            if not values:
                errs.append(required(_c(p, "values"), "must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(forbidden_field(_c(p, "values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
        else:
            errs.append(invalid(_c(p, "operator"), op if op is not None else "", "not a valid selector operator"))
        key = req.get("key") if isinstance(req.get("key"), str) else ""
        errs += [invalid(_c(p, "key"), key, msg) for msg in is_qualified_name(key)]
        for j, v in enumerate(values):
            if isinstance(v, str):
                errs += [invalid(f"{p}.values[{j}]", v, msg) for msg in is_valid_label_value(v)]
            else:
                errs.append(_type_error(f"{p}.values[{j}]", v, "string"))
    return errs


def _selector_matches(sel: dict, labels: dict) -> bool | None:
    """Whether a (valid) LabelSelector matches labels; None when it cannot be parsed."""
    from .selector import selector_from_label_selector

    try:
        return bool(selector_from_label_selector(sel).matches(labels))
    except ValueError:
        return None


# ================================================================ Pod


_SUPPORTED_PORT_PROTOCOLS = ["SCTP", "TCP", "UDP"]  # upstream: sets.List (sorted)
_SUPPORTED_PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
_SUPPORTED_HTTP_SCHEMES = ["HTTP", "HTTPS"]
_RESTART_POLICIES = ["Always", "OnFailure", "Never"]
_DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
_TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
_TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
_UPDATABLE_POD_SPEC_FIELDS = [
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
]
_ENV_FIELD_PATHS = sorted([
    "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
])
# upstream: pkg/apis/core/pods/helpers.go ConvertDownwardAPIFieldLabel (what v1 can convert)
_CONVERTIBLE_FIELD_LABELS = set(_ENV_FIELD_PATHS) | {
    "metadata.annotations", "metadata.labels", "spec.restartPolicy", "spec.schedulerName", "status.phase",
}
_RESOURCE_FIELD_PATHS = sorted([
    "limits.cpu", "limits.memory", "limits.ephemeral-storage",
    "requests.cpu", "requests.memory", "requests.ephemeral-storage",
])
_VOLUME_SOURCES = [
    # (JSON key, path upstream reports "more than 1" at)
    ("emptyDir", "emptyDir"), ("hostPath", "hostPath"), ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"), ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"), ("nfs", "nfs"), ("iscsi", "iscsi"), ("glusterfs", "glusterfs"),
    ("flocker", "flocker"), ("persistentVolumeClaim", "persistentVolumeClaim"), ("rbd", "rbd"),
    ("cinder", "cinder"), ("cephfs", "cephFS"), ("quobyte", "quobyte"),
    ("downwardAPI", "downwarAPI"),  # sic: upstream's path has this typo
    ("fc", "fc"), ("flexVolume", "flexVolume"), ("configMap", "configMap"), ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"), ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"), ("azureDisk", "azureDisk"), ("storageos", "storageos"),
    ("projected", "projected"), ("scaleIO", "scaleIO"), ("csi", "csi"), ("ephemeral", "ephemeral"),
    ("image", "image"),
]
# upstream: pkg/apis/core/helper/helpers.go standardResources / standardContainerResources
_STANDARD_RESOURCES = {
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers",
    "resourcequotas", "secrets", "persistentvolumeclaims", "configmaps", "services.nodeports",
    "services.loadbalancers", "requests.storage",
}
_STANDARD_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}
_INTEGER_RESOURCES = {
    "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "persistentvolumeclaims",
    "configmaps", "services.nodeports", "services.loadbalancers",
}


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_native(name: str) -> bool:
    """upstream helper.IsNativeResource: unprefixed, or prefixed with kubernetes.io/."""
    return "/" not in name or "kubernetes.io/" in name


def _is_extended(name: str) -> bool:
    """upstream helper.IsExtendedResourceName."""
    if _is_native(name) or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


def _overcommit_allowed(name: str) -> bool:
    return _is_native(name) and not _is_hugepages(name)


def _validate_container_resource_name(name: str, path: str) -> Errs:
    """upstream: validateResourceName + validateContainerResourceName."""
    errs = [invalid(path, name, msg) for msg in is_qualified_name(name)]
    if not errs and "/" not in name and name not in _STANDARD_RESOURCES and not _is_hugepages(name):
        errs.append(invalid(path, name, "must be a standard resource type or fully qualified"))
    if "/" not in name:
        if name not in _STANDARD_CONTAINER_RESOURCES and not _is_hugepages(name):
            errs.append(invalid(path, name, "must be a standard resource for containers"))
    elif not _is_native(name) and not _is_extended(name):
        errs.append(invalid(path, name, "doesn't follow extended resource name standard"))
    return errs


def _quantity(q: Any, path: str, errs: Errs):
    """Parse a quantity; report (k8slab: as a field error) when it does not parse."""
    from .quantity import canonical, parse_quantity

    try:
        if isinstance(q, bool) or not isinstance(q, (str, int, float)):
            raise ValueError("quantities must be a string or a number")
        return parse_quantity(q), canonical(q)
    except (ValueError, ArithmeticError) as e:
        errs.append(invalid(path, q, str(e)))
        return None


def _validate_resource_quantity_value(name: str, parsed, path: str) -> Errs:
    """upstream ValidateResourceQuantityValue (non-negative; integer for integer resources)."""
    value, text = parsed
    errs: Errs = []
    if value < 0:
        errs.append(invalid(path, text, IS_NEGATIVE))
    if name in _INTEGER_RESOURCES or _is_extended(name):
        if (value * 1000) % 1000 != 0:
            errs.append(invalid(path, text, IS_NOT_INTEGER))
    return errs


def _validate_resource_requirements(res: Any, path: str) -> Errs:
    """upstream: validateResourceRequirements with validateContainerResourceName."""
    errs: Errs = []
    res = _obj(res, path, errs, "core.ResourceRequirements")
    lim_path, req_path = _c(path, "limits"), _c(path, "requests")
    limits = _obj(res.get("limits"), lim_path, errs, "core.ResourceList")
    requests = _obj(res.get("requests"), req_path, errs, "core.ResourceList")
    parsed_limits = {}
    for name in sorted(limits, key=str):
        p = f"{lim_path}[{name}]"
        errs += _validate_container_resource_name(str(name), p)
        q = _quantity(limits[name], p, errs)
        if q is not None:
            parsed_limits[name] = q
            errs += _validate_resource_quantity_value(str(name), q, p)
    for name in sorted(requests, key=str):
        p = f"{req_path}[{name}]"
        errs += _validate_container_resource_name(str(name), p)
        q = _quantity(requests[name], p, errs)
        if q is None:
            continue
        errs += _validate_resource_quantity_value(str(name), q, p)
        if name in parsed_limits:
            lim_value, lim_text = parsed_limits[name]
            if q[0] != lim_value and not _overcommit_allowed(str(name)):
                errs.append(invalid(req_path, q[1], f"must be equal to {name} limit of {lim_text}"))
            elif q[0] > lim_value:
                errs.append(invalid(req_path, q[1], f"must be less than or equal to {name} limit of {lim_text}"))
        elif name not in limits and not _overcommit_allowed(str(name)):
            errs.append(required(lim_path, "Limit must be set for non overcommitable resources"))
    return errs


def _validate_port_num_or_name(port: Any, path: str) -> Errs:
    """upstream ValidatePortNumOrName (an absent intstr is the int 0)."""
    if port is None:
        port = 0
    if isinstance(port, str):
        return [invalid(path, port, msg) for msg in is_valid_port_name(port)]
    errs: Errs = []
    n = _int(port, path, errs)
    if n is None:
        return errs
    return [invalid(path, n, msg) for msg in is_valid_port_num(n)]


def _validate_handler(h: dict, grace: int | None, path: str, sleep_allowed: bool) -> Errs:
    """upstream: validateHandler (probe handlers and lifecycle handlers)."""
    errs: Errs = []
    n = 0
    kinds = ["exec", "httpGet", "tcpSocket", "grpc"] + (["sleep"] if sleep_allowed else [])
    for kind in kinds:
        action = h.get(kind)
        if action is None:
            continue
        p = _c(path, kind)
        if n > 0:
            errs.append(forbidden_field(p, "may not specify more than 1 handler type"))
            continue
        n += 1
        action = _obj(action, p, errs, "core.Action")
        if kind == "exec":
            if not _list(action.get("command"), _c(p, "command"), errs, "[]string"):
                errs.append(required(_c(p, "command")))
        elif kind == "httpGet":
            if not _str(action.get("path"), _c(p, "path"), errs):
                errs.append(required(_c(p, "path")))
            errs += _validate_port_num_or_name(action.get("port"), _c(p, "port"))
            scheme = action.get("scheme") or ""
            if scheme not in _SUPPORTED_HTTP_SCHEMES:
                errs.append(not_supported(_c(p, "scheme"), scheme, _SUPPORTED_HTTP_SCHEMES))
            for _, header in _objs(action.get("httpHeaders"), _c(p, "httpHeaders"), errs, "core.HTTPHeader"):
                hn = header.get("name") if isinstance(header.get("name"), str) else ""
                errs += [invalid(_c(p, "httpHeaders"), hn, msg) for msg in _is_http_header_name(hn)]
        elif kind == "tcpSocket":
            errs += _validate_port_num_or_name(action.get("port"), _c(p, "port"))
        elif kind == "grpc":
            port = _int(action.get("port"), _c(p, "port"), errs)
            errs += [invalid(_c(p, "port"), port or 0, msg) for msg in is_valid_port_num(port or 0)]
        elif kind == "sleep":
            secs = _int(action.get("seconds"), _c(p, "seconds"), errs, "int64") or 0
            if grace is not None and (secs <= 0 or secs > grace):
                errs.append(invalid(p, secs, f"must be greater than 0 and less than terminationGracePeriodSeconds ({grace}). "
                                             "Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep."))
    if n == 0:
        errs.append(required(path, "must specify a handler type"))
    return errs


def _validate_probe(probe: Any, grace: int | None, path: str, which: str) -> Errs:
    """upstream: validateProbe plus the liveness/readiness/startup specifics."""
    if probe is None:
        return []
    errs: Errs = []
    probe = _obj(probe, path, errs, "core.Probe")
    errs += _validate_handler(probe, grace, path, sleep_allowed=False)
    nums = {}
    for f in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        nums[f] = _int(probe.get(f), _c(path, f), errs)
        errs += _nonnegative(nums[f], _c(path, f))
    tgps = _int(probe.get("terminationGracePeriodSeconds"), _c(path, "terminationGracePeriodSeconds"), errs, "int64")
    if tgps is not None and tgps <= 0:
        errs.append(invalid(_c(path, "terminationGracePeriodSeconds"), tgps, "must be greater than 0"))
    if which in ("liveness", "startup") and (nums["successThreshold"] or 0) != 1:
        errs.append(invalid(_c(path, "successThreshold"), nums["successThreshold"] or 0, "must be 1"))
    if which == "readiness" and tgps is not None:
        errs.append(invalid(_c(path, "terminationGracePeriodSeconds"), tgps, "must not be set for readinessProbes"))
    return errs


def _validate_lifecycle(lc: Any, grace: int | None, path: str) -> Errs:
    errs: Errs = []
    lc = _obj(lc, path, errs, "core.Lifecycle")
    for hook in ("postStart", "preStop"):
        if lc.get(hook) is not None:
            h = _obj(lc.get(hook), _c(path, hook), errs, "core.LifecycleHandler")
            errs += _validate_handler(h, grace, _c(path, hook), sleep_allowed=True)
    return errs


def _validate_ports(ports: Any, path: str) -> Errs:
    """upstream: validateContainerPorts."""
    errs: Errs = []
    names: set[str] = set()
    for i, port in _objs(ports, path, errs, "core.ContainerPort"):
        p = f"{path}[{i}]"
        name = _str(port.get("name"), _c(p, "name"), errs)
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [invalid(_c(p, "name"), name, m) for m in msgs]
            elif name in names:
                errs.append(duplicate(_c(p, "name"), name))
            else:
                names.add(name)
        raw_cp = port.get("containerPort")
        cp = _int(raw_cp, _c(p, "containerPort"), errs)
        if raw_cp is None or cp == 0:
            errs.append(required(_c(p, "containerPort")))
        elif cp is not None:
            errs += [invalid(_c(p, "containerPort"), cp, m) for m in is_valid_port_num(cp)]
        hp = _int(port.get("hostPort"), _c(p, "hostPort"), errs)
        if hp:
            errs += [invalid(_c(p, "hostPort"), hp, m) for m in is_valid_port_num(hp)]
        proto = _str(port.get("protocol"), _c(p, "protocol"), errs)
        if not proto:
            errs.append(required(_c(p, "protocol")))
        elif proto not in _SUPPORTED_PORT_PROTOCOLS:
            errs.append(not_supported(_c(p, "protocol"), proto, _SUPPORTED_PORT_PROTOCOLS))
    return errs


def _split_subscript(fp: str) -> tuple[str, str] | None:
    """upstream: fieldpath.SplitMaybeSubscriptedPath."""
    if not fp.endswith("']"):
        return None
    parts = fp[:-2].split("['", 1)
    if len(parts) < 2 or not parts[0]:
        return None
    return parts[0], parts[1]


def _validate_env(env: Any, path: str) -> Errs:
    """upstream: ValidateEnv and validateEnvVarValueFrom."""
    errs: Errs = []
    for i, ev in _objs(env, path, errs, "core.EnvVar"):
        p = f"{path}[{i}]"
        name = _str(ev.get("name"), _c(p, "name"), errs)
        if not name:
            errs.append(required(_c(p, "name")))
        else:
            errs += [invalid(_c(p, "name"), name, m) for m in _is_relaxed_env_var_name(name)]
        vf = ev.get("valueFrom")
        if vf is None:
            continue
        vp = _c(p, "valueFrom")
        vf = _obj(vf, vp, errs, "core.EnvVarSource")
        n = 0
        if vf.get("fieldRef") is not None:
            n += 1
            fr = _obj(vf["fieldRef"], _c(vp, "fieldRef"), errs, "core.ObjectFieldSelector")
            fp = _c(vp, "fieldRef")
            api_version = _str(fr.get("apiVersion"), _c(fp, "apiVersion"), errs)
            field_path = _str(fr.get("fieldPath"), _c(fp, "fieldPath"), errs)
            if not api_version:
                errs.append(required(_c(fp, "apiVersion")))
            elif not field_path:
                errs.append(required(_c(fp, "fieldPath")))
            elif api_version != "v1":
                errs.append(invalid(_c(fp, "fieldPath"), field_path,
                                    f"error converting fieldPath: unsupported pod version: {api_version}"))
            else:
                sub = _split_subscript(field_path)
                if sub is not None:
                    base, key = sub
                    if base == "metadata.annotations":
                        errs += [invalid(fp, key.lower(), m) for m in is_qualified_name(key.lower())]
                    elif base == "metadata.labels":
                        errs += [invalid(fp, key, m) for m in is_qualified_name(key)]
                    else:
                        errs.append(invalid(_c(fp, "fieldPath"), field_path,
                                            f"error converting fieldPath: field label does not support subscript: {field_path}"))
                elif field_path not in _CONVERTIBLE_FIELD_LABELS:
                    errs.append(invalid(_c(fp, "fieldPath"), field_path,
                                        f"error converting fieldPath: field label not supported: {field_path}"))
                elif field_path not in _ENV_FIELD_PATHS:
                    errs.append(not_supported(_c(fp, "fieldPath"), field_path, _ENV_FIELD_PATHS))
        if vf.get("resourceFieldRef") is not None:
            n += 1
            rp = _c(vp, "resourceFieldRef")
            rf = _obj(vf["resourceFieldRef"], rp, errs, "core.ResourceFieldSelector")
            resource = _str(rf.get("resource"), _c(rp, "resource"), errs)
            if not resource:
                errs.append(required(_c(rp, "resource")))
            elif resource not in _RESOURCE_FIELD_PATHS and not resource.startswith(("requests.hugepages-", "limits.hugepages-")):
                errs.append(not_supported(_c(rp, "resource"), resource, _RESOURCE_FIELD_PATHS))
        for key in ("configMapKeyRef", "secretKeyRef"):
            if vf.get(key) is None:
                continue
            n += 1
            kp = _c(vp, key)
            ref = _obj(vf[key], kp, errs, "core.KeySelector")
            rname = _str(ref.get("name"), _c(kp, "name"), errs)
            errs += [invalid(_c(kp, "name"), rname, m) for m in name_is_dns_subdomain(rname, False)]
            k = _str(ref.get("key"), _c(kp, "key"), errs)
            if not k:
                errs.append(required(_c(kp, "key")))
            else:
                errs += [invalid(_c(kp, "key"), k, m) for m in _is_config_map_key(k)]
        if n == 0:
            errs.append(invalid(vp, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
        elif ev.get("value"):
            errs.append(invalid(vp, "", "may not be specified when `value` is not empty"))
        elif n > 1:
            errs.append(invalid(vp, "", "may not have more than one field specified at a time"))
    return errs


def _validate_env_from(env_from: Any, path: str) -> Errs:
    """upstream: ValidateEnvFrom."""
    errs: Errs = []
    for i, ef in _objs(env_from, path, errs, "core.EnvFromSource"):
        p = f"{path}[{i}]"
        prefix = _str(ef.get("prefix"), _c(p, "prefix"), errs)
        if prefix:
            errs += [invalid(_c(p, "prefix"), prefix, m) for m in _is_relaxed_env_var_name(prefix)]
        n = 0
        for key in ("configMapRef", "secretRef"):
            if ef.get(key) is None:
                continue
            n += 1
            rp = _c(p, key)
            ref = _obj(ef[key], rp, errs, "core.LocalObjectReference")
            rname = _str(ref.get("name"), _c(rp, "name"), errs)
            if not rname:
                errs.append(required(_c(rp, "name")))
            else:
                errs += [invalid(_c(rp, "name"), rname, m) for m in name_is_dns_subdomain(rname, True)]
        if n == 0:
            errs.append(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif n > 1:
            errs.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _validate_local_descending_path(target: str, path: str) -> Errs:
    errs: Errs = []
    if target.startswith("/"):
        errs.append(invalid(path, target, "must be a relative path"))
    if ".." in target.split("/"):
        errs.append(invalid(path, target, "must not contain '..'"))
    return errs


def _validate_volume_mounts(mounts: Any, volumes: dict, path: str) -> Errs:
    """upstream: ValidateVolumeMounts (the subPath paths carry no index, as upstream's do)."""
    errs: Errs = []
    seen: set[str] = set()
    for i, m in _objs(mounts, path, errs, "core.VolumeMount"):
        p = f"{path}[{i}]"
        name = _str(m.get("name"), _c(p, "name"), errs)
        if not name:
            errs.append(required(_c(p, "name")))
        if name not in volumes:
            errs.append(_not_found(_c(p, "name"), name))
        mp = _str(m.get("mountPath"), _c(p, "mountPath"), errs)
        if not mp:
            errs.append(required(_c(p, "mountPath")))
        if mp in seen:
            errs.append(invalid(_c(p, "mountPath"), mp, "must be unique"))
        seen.add(mp)
        sub = _str(m.get("subPath"), _c(p, "subPath"), errs)
        if sub:
            errs += _validate_local_descending_path(sub, _c(path, "subPath"))
        sub_expr = _str(m.get("subPathExpr"), _c(p, "subPathExpr"), errs)
        if sub_expr:
            if sub:
                errs.append(invalid(_c(p, "subPathExpr"), sub_expr, "subPathExpr and subPath are mutually exclusive"))
            errs += _validate_local_descending_path(sub_expr, _c(path, "subPathExpr"))
    return errs


def _validate_container_common(c: dict, volumes: dict, path: str, is_pod: bool) -> Errs:
    """upstream: validateContainerCommon (regular, init and ephemeral containers)."""
    errs: Errs = []
    name = _str(c.get("name"), _c(path, "name"), errs)
    if not name:
        errs.append(required(_c(path, "name")))
    else:
        errs += [invalid(_c(path, "name"), name, m) for m in is_dns1123_label(name)]
    image = _str(c.get("image"), _c(path, "image"), errs)
    if not image:
        errs.append(required(_c(path, "image")))
    tmp = _str(c.get("terminationMessagePolicy"), _c(path, "terminationMessagePolicy"), errs)
    if not tmp:
        errs.append(required(_c(path, "terminationMessagePolicy")))
    elif tmp not in _TERMINATION_MESSAGE_POLICIES:
        errs.append(not_supported(_c(path, "terminationMessagePolicy"), tmp, _TERMINATION_MESSAGE_POLICIES))
    errs += _validate_ports(c.get("ports"), _c(path, "ports"))
    errs += _validate_env(c.get("env"), _c(path, "env"))
    errs += _validate_env_from(c.get("envFrom"), _c(path, "envFrom"))
    errs += _validate_volume_mounts(c.get("volumeMounts"), volumes, _c(path, "volumeMounts"))
    policy = _str(c.get("imagePullPolicy"), _c(path, "imagePullPolicy"), errs)
    if not policy:
        errs.append(required(_c(path, "imagePullPolicy")))
    elif policy not in _SUPPORTED_PULL_POLICIES:
        errs.append(not_supported(_c(path, "imagePullPolicy"), policy, _SUPPORTED_PULL_POLICIES))
    if c.get("resources") is not None:
        errs += _validate_resource_requirements(c.get("resources"), _c(path, "resources"))
    return errs


def _host_port_conflicts(containers: list[tuple[int, dict]], path: str) -> Errs:
    """upstream: AccumulateUniqueHostPorts."""
    errs: Errs = []
    seen: set[str] = set()
    for ci, c in containers:
        ports = c.get("ports") if isinstance(c.get("ports"), list) else []
        for pi, port in enumerate(ports):
            if not isinstance(port, dict) or not isinstance(port.get("hostPort"), int) or not port.get("hostPort"):
                continue
            key = f"{port.get('protocol') or ''}/{port.get('hostIP') or ''}/{port['hostPort']}"
            if key in seen:
                errs.append(duplicate(f"{path}[{ci}].ports[{pi}].hostPort", key))
            else:
                seen.add(key)
    return errs


def _validate_containers(containers: Any, volumes: dict, grace: int | None, path: str, is_pod: bool) -> Errs:
    """upstream: validateContainers."""
    errs: Errs = []
    items = _objs(containers, path, errs, "core.Container")
    if not items and not errs:
        return [required(path)]
    names: set[str] = set()
    for i, c in items:
        p = f"{path}[{i}]"
        errs += _validate_container_common(c, volumes, p, is_pod)
        name = c.get("name") if isinstance(c.get("name"), str) else ""
        if name in names:
            errs.append(duplicate(_c(p, "name"), name))
        else:
            names.add(name)
        if c.get("lifecycle") is not None:
            errs += _validate_lifecycle(c.get("lifecycle"), grace, _c(p, "lifecycle"))
        errs += _validate_probe(c.get("livenessProbe"), grace, _c(p, "livenessProbe"), "liveness")
        errs += _validate_probe(c.get("readinessProbe"), grace, _c(p, "readinessProbe"), "readiness")
        errs += _validate_probe(c.get("startupProbe"), grace, _c(p, "startupProbe"), "startup")
        if c.get("restartPolicy") is not None:
            errs.append(forbidden_field(_c(p, "restartPolicy"), "may not be set for non-init containers"))
    errs += _host_port_conflicts(items, path)
    return errs


def _validate_init_containers(inits: Any, regular: Any, volumes: dict, grace: int | None, path: str,
                              is_pod: bool) -> Errs:
    """upstream: validateInitContainers (sidecars are init containers with restartPolicy Always)."""
    errs: Errs = []
    names = {_s(c.get("name")) for c in regular if isinstance(c, dict)} if isinstance(regular, list) else set()
    for i, c in _objs(inits, path, errs, "core.Container"):
        p = f"{path}[{i}]"
        errs += _validate_container_common(c, volumes, p, is_pod)
        restart_always = False
        if c.get("restartPolicy") is not None:
            rp = c.get("restartPolicy")
            if rp != "Always":
                errs.append(not_supported(_c(p, "restartPolicy"), rp, ["Always"]))
            restart_always = rp == "Always"
        name = c.get("name") if isinstance(c.get("name"), str) else ""
        if name in names:
            errs.append(duplicate(_c(p, "name"), name))
        elif name:
            names.add(name)
        errs += _host_port_conflicts([(0, c)], path)  # sic: upstream passes each one alone
        if restart_always:
            if c.get("lifecycle") is not None:
                errs += _validate_lifecycle(c.get("lifecycle"), grace, _c(p, "lifecycle"))
            errs += _validate_probe(c.get("livenessProbe"), grace, _c(p, "livenessProbe"), "liveness")
            errs += _validate_probe(c.get("readinessProbe"), grace, _c(p, "readinessProbe"), "readiness")
            errs += _validate_probe(c.get("startupProbe"), grace, _c(p, "startupProbe"), "startup")
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if c.get(key) is not None:
                    errs.append(forbidden_field(_c(p, key), "may not be set for init containers without restartPolicy=Always"))
    return errs


def _validate_volumes(volumes: Any, path: str) -> tuple[dict, Errs]:
    """upstream: ValidateVolumes and validateVolumeSource (source internals: a few)."""
    errs: Errs = []
    vols: dict[str, dict] = {}
    for i, v in _objs(volumes, path, errs, "core.Volume"):
        p = f"{path}[{i}]"
        el: Errs = []
        n = 0
        for key, more_path in _VOLUME_SOURCES:
            src = v.get(key)
            if src is None:
                continue
            if n > 0:
                el.append(forbidden_field(_c(p, more_path), "may not specify more than 1 volume type"))
                continue
            n += 1
            sp = _c(p, key)
            src = _obj(src, sp, el, "core.VolumeSource")
            if key == "hostPath":
                hp = _str(src.get("path"), _c(sp, "path"), el)
                if not hp:
                    el.append(required(_c(sp, "path")))
                elif ".." in hp.split("/"):
                    el.append(invalid(_c(sp, "path"), hp, "must not contain '..'"))
            elif key == "secret":
                if not src.get("secretName"):
                    el.append(required(_c(sp, "secretName")))
            elif key == "configMap":
                if not src.get("name"):
                    el.append(required(_c(sp, "name")))
            elif key == "persistentVolumeClaim":
                if not src.get("claimName"):
                    el.append(required(_c(sp, "claimName")))
            if key in ("secret", "configMap", "downwardAPI", "projected"):
                mode = _int(src.get("defaultMode"), _c(sp, "defaultMode"), el)
                if mode is not None and not 0 <= mode <= 0o777:
                    el.append(invalid(_c(sp, "defaultMode"), mode, "must be a number between 0 and 0777 (octal), both inclusive"))
        if n == 0:
            el.append(required(p, "must specify a volume type"))
        name = _str(v.get("name"), _c(p, "name"), el)
        if not name:
            el.append(required(_c(p, "name")))
        else:
            el += [invalid(_c(p, "name"), name, m) for m in is_dns1123_label(name)]
        if name in vols:
            el.append(duplicate(_c(p, "name"), name))
        if not el:
            vols[name] = v
        else:
            errs += el
    return vols, errs


def _validate_tolerations(tolerations: Any, path: str) -> Errs:
    """upstream: ValidateTolerations."""
    errs: Errs = []
    for i, t in _objs(tolerations, path, errs, "core.Toleration"):
        p = f"{path}[{i}]"
        key = _str(t.get("key"), _c(p, "key"), errs)
        op = _str(t.get("operator"), _c(p, "operator"), errs)
        value = _str(t.get("value"), _c(p, "value"), errs)
        effect = _str(t.get("effect"), _c(p, "effect"), errs)
        if key:
            errs += [invalid(_c(p, "key"), key, m) for m in is_qualified_name(key)]
        if not key and op != "Exists":
            errs.append(invalid(_c(p, "operator"), op,
                                "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(invalid(_c(p, "effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        if op in ("Equal", ""):
            msgs = is_valid_label_value(value)
            if msgs:
                errs.append(invalid(_c(p, "operator"), value, ";".join(msgs)))
        elif op == "Exists":
            if value:
                errs.append(invalid(_c(p, "operator"), value, "value must be empty when `operator` is 'Exists'"))
        else:
            errs.append(not_supported(_c(p, "operator"), op, ["Equal", "Exists"]))
        if effect and effect not in _TAINT_EFFECTS:
            errs.append(not_supported(_c(p, "effect"), effect, _TAINT_EFFECTS))
    return errs


def _validate_dns_config(cfg: Any, dns_policy: str, path: str) -> Errs:
    """upstream: validatePodDNSConfig."""
    errs: Errs = []
    if dns_policy == "None":
        if cfg is None:
            return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not isinstance(cfg, dict) or not cfg.get("nameservers"):
            return [required(_c(path, "nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None")]
    if cfg is None:
        return errs
    cfg = _obj(cfg, path, errs, "core.PodDNSConfig")
    nameservers = _list(cfg.get("nameservers"), _c(path, "nameservers"), errs, "[]string")
    if len(nameservers) > 3:
        errs.append(_invalid_go(_c(path, "nameservers"), go_string_slice(nameservers), "must not have more than 3 nameservers"))
    for i, ns in enumerate(nameservers):
        if not isinstance(ns, str) or not _is_valid_ip(ns):
            errs.append(invalid(f"{path}.nameservers[{i}]", ns, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
    searches = _list(cfg.get("searches"), _c(path, "searches"), errs, "[]string")
    if len(searches) > 32:
        errs.append(_invalid_go(_c(path, "searches"), go_string_slice(searches), "must not have more than 32 search paths"))
    if len(" ".join(s for s in searches if isinstance(s, str))) > 2048:
        errs.append(_invalid_go(_c(path, "searches"), go_string_slice(searches),
                                "must not have more than 2048 characters (including spaces) in the search list"))
    for i, s in enumerate(searches):
        s = s if isinstance(s, str) else ""
        s = s[:-1] if s.endswith(".") else s
        errs += [invalid(f"{path}.searches[{i}]", s, m) for m in is_dns1123_subdomain(s)]
    for i, opt in _objs(cfg.get("options"), _c(path, "options"), errs, "core.PodDNSConfigOption"):
        if not opt.get("name"):
            errs.append(required(f"{path}.options[{i}]", "must not be empty"))
    return errs


def _validate_pod_spec(spec: Any, path: str, is_pod: bool) -> Errs:
    """upstream: ValidatePodSpec (with the pod-only hostNetwork rule when is_pod)."""
    errs: Errs = []
    spec = _obj(spec, path, errs, "core.PodSpec")
    grace = _int(spec.get("terminationGracePeriodSeconds"), _c(path, "terminationGracePeriodSeconds"), errs, "int64")
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(required(_c(path, "terminationGracePeriodSeconds")))
    vols, verrs = _validate_volumes(spec.get("volumes"), _c(path, "volumes"))
    errs += verrs
    errs += _validate_containers(spec.get("containers"), vols, grace, _c(path, "containers"), is_pod)
    errs += _validate_init_containers(spec.get("initContainers"), spec.get("containers"), vols, grace,
                                      _c(path, "initContainers"), is_pod)
    # upstream: validatePodHostNetworkDeps
    if spec.get("hostNetwork") is True:
        for ci, c in _objs(spec.get("containers"), _c(path, "containers"), [], "core.Container"):
            for pi, port in _objs(c.get("ports"), "", [], "core.ContainerPort"):
                hp, cp = port.get("hostPort") or 0, port.get("containerPort") or 0
                if (is_pod or hp != 0) and hp != cp:
                    errs.append(invalid(f"{path}.containers[{ci}].ports[{pi}].hostPort", hp,
                                        "must match `containerPort` when `hostNetwork` is true"))
    restart = _str(spec.get("restartPolicy"), _c(path, "restartPolicy"), errs)
    if not restart:
        errs.append(required(_c(path, "restartPolicy")))
    elif restart not in _RESTART_POLICIES:
        errs.append(not_supported(_c(path, "restartPolicy"), restart, _RESTART_POLICIES))
    dns = _str(spec.get("dnsPolicy"), _c(path, "dnsPolicy"), errs)
    if not dns:
        errs.append(required(_c(path, "dnsPolicy")))
    elif dns not in _DNS_POLICIES:
        errs.append(not_supported(_c(path, "dnsPolicy"), dns, _DNS_POLICIES))
    errs += _validate_labels(spec.get("nodeSelector"), _c(path, "nodeSelector"))
    for i, ref in _objs(spec.get("imagePullSecrets"), _c(path, "imagePullSecrets"), errs, "core.LocalObjectReference"):
        if set(ref) - {"name"}:
            errs.append(_invalid_go(f"{path}.imagePullSecrets[{i}]", "core.LocalObjectReference{Name:" + _go_val(ref.get("name", "")) + "}",
                                    "only name may be set"))
    errs += _validate_dns_config(spec.get("dnsConfig"), dns, _c(path, "dnsConfig"))
    for i, gate in _objs(spec.get("readinessGates"), _c(path, "readinessGates"), errs, "core.PodReadinessGate"):
        ct = gate.get("conditionType") if isinstance(gate.get("conditionType"), str) else ""
        errs += [invalid(f"{path}.readinessGates[{i}].conditionType", ct, m) for m in is_qualified_name(ct)]
    seen_gates: set[str] = set()
    for i, gate in _objs(spec.get("schedulingGates"), _c(path, "schedulingGates"), errs, "core.PodSchedulingGate"):
        gn = gate.get("name") if isinstance(gate.get("name"), str) else ""
        errs += [invalid(f"{path}.schedulingGates[{i}]", gn, m) for m in is_qualified_name(gn)]
        if gn in seen_gates:
            errs.append(duplicate(f"{path}.schedulingGates[{i}]", gn))
        seen_gates.add(gn)
    for key in ("serviceAccountName", "nodeName"):
        v = _str(spec.get(key), _c(path, key), errs)
        if v:
            errs += [invalid(_c(path, key), v, m) for m in name_is_dns_subdomain(v, False)]
    ads = _int(spec.get("activeDeadlineSeconds"), _c(path, "activeDeadlineSeconds"), errs, "int64")
    if ads is not None and not 1 <= ads <= MAX_INT32:
        errs.append(invalid(_c(path, "activeDeadlineSeconds"), ads, inclusive_range_error(1, MAX_INT32)))
    for key in ("hostname", "subdomain"):
        v = _str(spec.get(key), _c(path, key), errs)
        if v:
            errs += [invalid(_c(path, key), v, m) for m in is_dns1123_label(v)]
    if spec.get("tolerations"):
        errs += _validate_tolerations(spec.get("tolerations"), _c(path, "tolerations"))
    pcn = _str(spec.get("priorityClassName"), _c(path, "priorityClassName"), errs)
    if pcn:
        errs += [invalid(_c(path, "priorityClassName"), pcn, m) for m in name_is_dns_subdomain(pcn, False)]
    if spec.get("runtimeClassName") is not None:
        rcn = _str(spec.get("runtimeClassName"), _c(path, "runtimeClassName"), errs)
        errs += [invalid(_c(path, "runtimeClassName"), rcn, m) for m in name_is_dns_subdomain(rcn, False)]
    if spec.get("preemptionPolicy") is not None:
        pp = _str(spec.get("preemptionPolicy"), _c(path, "preemptionPolicy"), errs)
        if not pp:
            errs.append(required(_c(path, "preemptionPolicy")))
        elif pp not in ("PreemptLowerPriority", "Never"):
            errs.append(not_supported(_c(path, "preemptionPolicy"), pp, ["PreemptLowerPriority", "Never"]))
    if spec.get("overhead") is not None:
        errs += _validate_resource_requirements({"limits": spec.get("overhead")}, _c(path, "overhead"))
    return errs


def _valid_first_digit(s: str) -> bool:
    return bool(s) and (s[0] == "-" or s == "0" or "1" <= s[0] <= "9")


def _validate_pod_specific_annotations(annotations: Any, spec: dict, path: str) -> Errs:
    """upstream: ValidatePodSpecificAnnotations (mirror pods, pod-deletion-cost)."""
    errs: Errs = []
    if not isinstance(annotations, dict):
        return errs
    mirror = "kubernetes.io/config.mirror"
    if mirror in annotations and not spec.get("nodeName"):
        errs.append(invalid(f"{path}[{mirror}]", annotations[mirror], "must set spec.nodeName if mirror pod annotation is set"))
    cost_key = "controller.kubernetes.io/pod-deletion-cost"
    if cost_key in annotations:
        v = annotations[cost_key]
        ok = isinstance(v, str) and _valid_first_digit(v) and re.fullmatch(r"-?[0-9]+", v) is not None \
            and -(1 << 31) <= int(v) <= MAX_INT32
        if not ok:
            errs.append(invalid(f"{path}[{cost_key}]", v, "must be a 32bit integer"))
    return errs


def _pod_metadata_and_spec(pod: dict) -> Errs:
    """upstream: validatePodMetadataAndSpec."""
    errs = _validate_object_meta(pod.get("metadata"), True, name_is_dns_subdomain)
    spec = pod.get("spec") if isinstance(pod.get("spec"), dict) else {}
    md = pod.get("metadata") if isinstance(pod.get("metadata"), dict) else {}
    errs += _validate_pod_specific_annotations(md.get("annotations"), spec, "metadata.annotations")
    errs += _validate_pod_spec(pod.get("spec"), "spec", is_pod=True)
    if not spec.get("serviceAccountName"):
        for vi, vol in _objs(spec.get("volumes"), "spec.volumes", [], "core.Volume"):
            proj = vol.get("projected")
            if isinstance(proj, dict):
                for si, src in _objs(proj.get("sources"), "", [], "core.VolumeProjection"):
                    if src.get("serviceAccountToken") is not None:
                        errs.append(forbidden_field(f"spec.volumes[{vi}].projected.sources[{si}].serviceAccountToken",
                                                    "must not be specified when serviceAccountName is not set"))
    for key in ("containers", "initContainers"):
        for i, c in _objs(spec.get(key), f"spec.{key}", [], "core.Container"):
            image = c.get("image")
            if isinstance(image, str) and image != image.strip():
                errs.append(invalid(f"spec.{key}[{i}].image", image, "must not have leading or trailing whitespace"))
    return errs


def _validate_pod(pod: dict) -> Errs:
    """upstream: ValidatePodCreate."""
    errs = _pod_metadata_and_spec(pod)
    spec = pod.get("spec") if isinstance(pod.get("spec"), dict) else {}
    if spec.get("ephemeralContainers"):
        errs.append(forbidden_field("spec.ephemeralContainers", "cannot be set on create"))
    if spec.get("nodeName") and spec.get("schedulingGates"):
        errs.append(forbidden_field("spec.nodeName", "cannot be set until all schedulingGates have been cleared"))
    return errs


def _leaf_diff(old: Any, new: Any, path: str, out: list[tuple[str, Any, Any]]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for k in sorted(set(old) | set(new)):
            _leaf_diff(old.get(k), new.get(k), f"{path}.{k}" if path else k, out)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new)):
            _leaf_diff(a, b, f"{path}[{i}]", out)
    elif old != new:
        out.append((path, old, new))


def _spec_diff(old: dict, new: dict) -> str:
    """k8slab: a short listing in place of upstream's go-cmp diff of the two PodSpecs."""
    out: list[tuple[str, Any, Any]] = []
    _leaf_diff(old, new, "", out)
    lines = ["  core.PodSpec{"]
    for path, a, b in out:
        if a is not None:
            lines.append(f"- \t{path}: {json.dumps(a, sort_keys=True)},")
        if b is not None:
            lines.append(f"+ \t{path}: {json.dumps(b, sort_keys=True)},")
    lines.append("  }")
    return "\n".join(lines) + "\n"


def _validate_pod_update(new: dict, old: dict) -> Errs:
    """upstream: ValidatePodUpdate (only images, activeDeadlineSeconds, added tolerations, ...)."""
    errs = _validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs += _pod_metadata_and_spec(new)
    nspec = new.get("spec") if isinstance(new.get("spec"), dict) else {}
    ospec = old.get("spec") if isinstance(old.get("spec"), dict) else {}
    for key in ("containers", "initContainers"):
        nc = nspec.get(key) if isinstance(nspec.get(key), list) else []
        oc = ospec.get(key) if isinstance(ospec.get(key), list) else []
        if len(nc) != len(oc):
            errs.append(forbidden_field(f"spec.{key}", "pod updates may not add or remove containers"))
            return errs
        for i, c in enumerate(nc):
            image = c.get("image") if isinstance(c, dict) else None
            if not image:
                errs.append(required(f"spec.{key}[{i}].image"))
            elif isinstance(image, str) and image != image.strip():
                errs.append(invalid(f"spec.{key}[{i}].image", image, "must not have leading or trailing whitespace"))
    nads, oads = nspec.get("activeDeadlineSeconds"), ospec.get("activeDeadlineSeconds")
    if isinstance(nads, int):
        if nads < 0 or nads > MAX_INT32:
            errs.append(invalid("spec.activeDeadlineSeconds", nads, inclusive_range_error(0, MAX_INT32)))
            return errs
        if isinstance(oads, int) and oads < nads:
            errs.append(invalid("spec.activeDeadlineSeconds", nads, "must be less than or equal to previous value"))
            return errs
    elif oads is not None:
        errs.append(invalid("spec.activeDeadlineSeconds", None, "must not update from a positive integer to nil value"))
    # upstream: validateOnlyAddedTolerations
    ntol = [t for t in _lst(nspec.get("tolerations")) if isinstance(t, dict)]
    for ot in _lst(ospec.get("tolerations")):
        if not isinstance(ot, dict):
            continue
        if not any({k: v for k, v in ot.items() if k != "tolerationSeconds"} ==
                   {k: v for k, v in t.items() if k != "tolerationSeconds"} for t in ntol):
            errs.append(forbidden_field("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"))
            break
    else:
        errs += _validate_tolerations(nspec.get("tolerations"), "spec.tolerations")
    # upstream: validateOnlyDeletedSchedulingGates
    ngates = _lst(nspec.get("schedulingGates"))
    old_gate_names = {_s(g.get("name")) for g in _lst(ospec.get("schedulingGates")) if isinstance(g, dict)}
    for i, g in enumerate(ngates):
        if isinstance(g, dict) and _s(g.get("name")) not in old_gate_names:
            errs.append(forbidden_field(f"spec.schedulingGates[{i}].name",
                                        f"only deletion is allowed, but found new scheduling gate '{g.get('name')}'"))
    if _semantic(nspec) == _semantic(ospec):
        return errs
    munged = json.loads(json.dumps(nspec))
    for key in ("containers", "initContainers"):
        for c, oc in zip(_lst(munged.get(key)), _lst(ospec.get(key))):
            if isinstance(c, dict) and isinstance(oc, dict):
                c["image"] = oc.get("image")
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        munged.pop(key, None)
        if key in ospec:
            munged[key] = ospec[key]
    otg, ntg = ospec.get("terminationGracePeriodSeconds"), munged.get("terminationGracePeriodSeconds")
    if isinstance(otg, int) and otg < 0 and ntg == 1:
        munged["terminationGracePeriodSeconds"] = otg
    if _semantic(munged) != _semantic(ospec):
        errs.append(forbidden_field("spec", "pod updates may not change fields other than "
                                    + ",".join(_UPDATABLE_POD_SPEC_FIELDS) + "\n" + _spec_diff(ospec, munged)))
    return errs


def _validate_pod_template_spec(tmpl: Any, path: str) -> Errs:
    """upstream: ValidatePodTemplateSpec (labels/annotations sit at template.labels, not .metadata)."""
    errs: Errs = []
    tmpl = _obj(tmpl, path, errs, "core.PodTemplateSpec")
    md = _obj(tmpl.get("metadata"), _c(path, "metadata"), errs, "v1.ObjectMeta")
    errs += _validate_labels(md.get("labels"), _c(path, "labels"))
    errs += _validate_annotations(md.get("annotations"), _c(path, "annotations"))
    spec = tmpl.get("spec") if isinstance(tmpl.get("spec"), dict) else {}
    errs += _validate_pod_specific_annotations(md.get("annotations"), spec, _c(path, "annotations"))
    errs += _validate_pod_spec(tmpl.get("spec"), _c(path, "spec"), is_pod=False)
    if spec.get("ephemeralContainers"):
        errs.append(forbidden_field(_c(path, "spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"))
    return errs


# ================================================================ apps/v1


def _template_for_replica_set(tmpl: dict, selector: Any, path: str) -> Errs:
    """upstream: ValidatePodTemplateSpecForReplicaSet (Deployments use it too, message and all)."""
    errs: Errs = []
    md = tmpl.get("metadata") if isinstance(tmpl.get("metadata"), dict) else {}
    labels = md.get("labels") if isinstance(md.get("labels"), dict) else None
    if selector is None:
        matches = False  # upstream: a nil selector converts to labels.Nothing()
        empty = False
    else:
        empty = not selector.get("matchLabels") and not selector.get("matchExpressions")
        matches = empty or bool(_selector_matches(selector, labels or {}))
    if not empty and not matches:
        errs.append(_invalid_go(_c(path, "metadata", "labels"), go_map_ss(labels),
                                "`selector` does not match template `labels`"))
    errs += _validate_pod_template_spec(tmpl, path)
    spec = tmpl.get("spec") if isinstance(tmpl.get("spec"), dict) else {}
    restart = spec.get("restartPolicy") or ""
    if restart != "Always":
        errs.append(not_supported(_c(path, "spec", "restartPolicy"), restart, ["Always"]))
    if spec.get("activeDeadlineSeconds") is not None:
        errs.append(forbidden_field(_c(path, "spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicaSet is not Supported"))
    return errs


def _selector_and_template(spec: dict, errs: Errs) -> None:
    """The selector checks and template validation shared by ReplicaSet and Deployment specs."""
    sel = spec.get("selector")
    if sel is not None and not isinstance(sel, dict):
        errs.append(_type_error("spec.selector", sel, "v1.LabelSelector"))
        sel = {}
    sel_errs: Errs = []
    if sel is None:
        errs.append(required("spec.selector"))
    else:
        sel_errs = _validate_label_selector(sel, "spec.selector")
        errs += sel_errs
        if not sel.get("matchLabels") and not sel.get("matchExpressions"):
            errs.append(_invalid_go("spec.selector", go_label_selector(sel), "empty selector is invalid for deployment"))
    tmpl = spec.get("template")
    tmpl = _obj(tmpl, "spec.template", errs, "core.PodTemplateSpec")
    if sel_errs or (sel and (sel.get("matchLabels") or sel.get("matchExpressions"))
                    and _selector_matches(sel, {}) is None):
        # upstream: LabelSelectorAsSelector failed, so the template is not checked at all
        errs.append(_invalid_go("spec.selector", go_label_selector(sel), "invalid label selector"))
        return
    errs += _template_for_replica_set(tmpl, sel, "spec.template")


def _validate_replica_set(rs: dict) -> Errs:
    """upstream: ValidateReplicaSet."""
    return _validate_object_meta(rs.get("metadata"), True, name_is_dns_subdomain) + _replica_set_spec(rs)


def _replica_set_spec(rs: dict) -> Errs:
    """upstream: ValidateReplicaSetSpec."""
    errs: Errs = []
    spec = _obj(rs.get("spec"), "spec", errs, "apps.ReplicaSetSpec")
    errs += _nonnegative(_int(spec.get("replicas"), "spec.replicas", errs), "spec.replicas")
    errs += _nonnegative(_int(spec.get("minReadySeconds"), "spec.minReadySeconds", errs), "spec.minReadySeconds")
    _selector_and_template(spec, errs)
    return errs


def _int_or_percent_value(v: Any) -> int:
    """upstream getIntOrPercentValue (a non-percent string counts as its Atoi value, else 0)."""
    if isinstance(v, str):
        if is_valid_percent(v) == []:
            return int(v[:-1])
        return int(v) if re.fullmatch(r"[+-]?[0-9]+", v) else 0
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def _positive_int_or_percent(v: Any, path: str) -> Errs:
    """upstream ValidatePositiveIntOrPercent."""
    if isinstance(v, str):
        return [_invalid_go(path, go_intstr(v), m) for m in is_valid_percent(v)]
    if isinstance(v, int) and not isinstance(v, bool):
        return _nonnegative(v, path)
    if v is None:
        return []
    return [_type_error(path, v, "intstr.IntOrString")]


def _validate_deployment_strategy(strategy: Any, path: str) -> Errs:
    """upstream: ValidateDeploymentStrategy and ValidateRollingUpdateDeployment."""
    errs: Errs = []
    strategy = _obj(strategy, path, errs, "apps.DeploymentStrategy")
    stype = strategy.get("type") or ""
    ru = strategy.get("rollingUpdate")
    if stype == "Recreate":
        if ru is not None:
            errs.append(forbidden_field(_c(path, "rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"))
    elif stype == "RollingUpdate":
        if ru is None:
            errs.append(required(_c(path, "rollingUpdate"), "this should be defaulted and never be nil"))
        else:
            rp = _c(path, "rollingUpdate")
            ru = _obj(ru, rp, errs, "apps.RollingUpdateDeployment")
            mu, ms = ru.get("maxUnavailable"), ru.get("maxSurge")
            errs += _positive_int_or_percent(mu, _c(rp, "maxUnavailable"))
            errs += _positive_int_or_percent(ms, _c(rp, "maxSurge"))
            if _int_or_percent_value(mu) == 0 and _int_or_percent_value(ms) == 0:
                errs.append(_invalid_go(_c(rp, "maxUnavailable"), go_intstr(mu), "may not be 0 when `maxSurge` is 0"))
            if isinstance(mu, str) and not is_valid_percent(mu) and int(mu[:-1]) > 100:
                errs.append(_invalid_go(_c(rp, "maxUnavailable"), go_intstr(mu), "must not be greater than 100%"))
    else:
        ru_repr = "(*apps.RollingUpdateDeployment)(nil)" if ru is None else f"(*apps.RollingUpdateDeployment)({GO_POINTER})"
        rendered = "apps.DeploymentStrategy{Type:" + _go_val(stype) + ", RollingUpdate:" + ru_repr + "}"
        errs.append(_with_go_value("Unsupported value", path, rendered,
                                   'supported values: "Recreate", "RollingUpdate"'))
    return errs


def _validate_deployment(d: dict) -> Errs:
    """upstream: ValidateDeployment."""
    return _validate_object_meta(d.get("metadata"), True, name_is_dns_subdomain) + _deployment_spec(d)


def _deployment_spec(d: dict) -> Errs:
    """upstream: ValidateDeploymentSpec (apps/v1 has no rollbackTo)."""
    errs: Errs = []
    spec = _obj(d.get("spec"), "spec", errs, "apps.DeploymentSpec")
    errs += _nonnegative(_int(spec.get("replicas"), "spec.replicas", errs), "spec.replicas")
    _selector_and_template(spec, errs)
    errs += _validate_deployment_strategy(spec.get("strategy"), "spec.strategy")
    mrs = _int(spec.get("minReadySeconds"), "spec.minReadySeconds", errs) or 0
    errs += _nonnegative(mrs, "spec.minReadySeconds")
    rhl = _int(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit", errs)
    errs += _nonnegative(rhl, "spec.revisionHistoryLimit")
    pds = _int(spec.get("progressDeadlineSeconds"), "spec.progressDeadlineSeconds", errs)
    if pds is not None:
        errs += _nonnegative(pds, "spec.progressDeadlineSeconds")
        if pds <= mrs:
            errs.append(invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"))
    return errs


def _selector_immutable(new: dict, old: dict) -> Errs:
    """upstream: pkg/registry/apps/{deployment,replicaset}/strategy.go ValidateUpdate (apps/v1)."""
    nsel = new.get("spec", {}).get("selector") if isinstance(new.get("spec"), dict) else None
    osel = old.get("spec", {}).get("selector") if isinstance(old.get("spec"), dict) else None
    if _semantic(nsel) == _semantic(osel):
        return []
    if nsel is None:
        return [invalid("spec.selector", "null", FIELD_IMMUTABLE)]
    return [_invalid_go("spec.selector", go_label_selector(nsel), FIELD_IMMUTABLE)]


def _validate_replica_set_update(new: dict, old: dict) -> Errs:
    """upstream: ValidateReplicaSetUpdate, then the registry strategy's selector check."""
    errs = _validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    return errs + _replica_set_spec(new) + _selector_immutable(new, old)


def _validate_deployment_update(new: dict, old: dict) -> Errs:
    """upstream: ValidateDeploymentUpdate, then the registry strategy's selector check."""
    errs = _validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    return errs + _deployment_spec(new) + _selector_immutable(new, old)


# ================================================================ Namespace, Node, Event, Lease


def _validate_namespace(ns: dict) -> Errs:
    """upstream: ValidateNamespace."""
    errs = _validate_object_meta(ns.get("metadata"), False, name_is_dns_label)
    spec = _obj(ns.get("spec"), "spec", errs, "core.NamespaceSpec")
    for f in _list(spec.get("finalizers"), "spec.finalizers", errs, "[]core.FinalizerName"):
        f = f if isinstance(f, str) else ""
        errs += [invalid("spec.finalizers", f, m) for m in is_qualified_name(f)]
        errs += _kube_finalizer_name(f, "spec.finalizers")
    return errs


def _validate_namespace_update(new: dict, old: dict) -> Errs:
    """upstream: namespace strategy ValidateUpdate = ValidateNamespace + ValidateNamespaceUpdate."""
    return _validate_namespace(new) + _validate_object_meta_update(new.get("metadata"), old.get("metadata"))


def _go_taint(t: dict) -> str:
    added = "(*v1.Time)(nil)" if t.get("timeAdded") is None else f"(*v1.Time)({GO_POINTER})"
    return ("core.Taint{Key:" + _go_val(t.get("key", "")) + ", Value:" + _go_val(t.get("value", ""))
            + ", Effect:" + _go_val(t.get("effect", "")) + ", TimeAdded:" + added + "}")


def _validate_node_taints(taints: Any, path: str) -> Errs:
    """upstream: validateNodeTaints."""
    errs: Errs = []
    unique: dict[str, set[str]] = {}
    for i, t in _objs(taints, path, errs, "core.Taint"):
        p = f"{path}[{i}]"
        key = t.get("key") if isinstance(t.get("key"), str) else ""
        value = t.get("value") if isinstance(t.get("value"), str) else ""
        effect = t.get("effect") if isinstance(t.get("effect"), str) else ""
        errs += [invalid(_c(p, "key"), key, m) for m in is_qualified_name(key)]
        msgs = is_valid_label_value(value)
        if msgs:
            errs.append(invalid(_c(p, "value"), value, ";".join(msgs)))
        if not effect:
            errs.append(required(_c(p, "effect")))
        elif effect not in _TAINT_EFFECTS:
            errs.append(not_supported(_c(p, "effect"), effect, _TAINT_EFFECTS))
        if key in unique.get(effect, set()):
            errs.append(_with_go_value("Duplicate value", p, _go_taint(t), "taints must be unique by key and effect pair"))
            continue
        unique.setdefault(effect, set()).add(key)
    return errs


def _validate_node_resources(node: dict) -> Errs:
    """upstream: ValidateNodeResources (paths like status.capacity.cpu)."""
    errs: Errs = []
    status = node.get("status") if isinstance(node.get("status"), dict) else {}
    for key in ("capacity", "allocatable"):
        rl = _obj(status.get(key), f"status.{key}", errs, "core.ResourceList")
        for name in sorted(rl, key=str):
            p = f"status.{key}.{name}"
            q = _quantity(rl[name], p, errs)
            if q is not None:
                errs += _validate_resource_quantity_value(str(name), q, p)
    return errs


def _validate_node(node: dict) -> Errs:
    """upstream: ValidateNode (taint errors sit under metadata.taints, as upstream's do)."""
    errs = _validate_object_meta(node.get("metadata"), False, name_is_dns_subdomain)
    spec = _obj(node.get("spec"), "spec", errs, "core.NodeSpec")
    if spec.get("taints"):
        errs += _validate_node_taints(spec.get("taints"), "metadata.taints")
    errs += _validate_node_resources(node)
    cidrs = _list(spec.get("podCIDRs"), "spec.podCIDRs", errs, "[]string")
    seen: set[str] = set()
    for i, c in enumerate(cidrs):
        if not _is_valid_cidr(c):
            errs.append(invalid(f"spec.podCIDRs[{i}]", c, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"))
        if c in seen:
            errs.append(duplicate(f"spec.podCIDRs[{i}]", c))
        seen.add(c)
    return errs


def _validate_node_update(new: dict, old: dict) -> Errs:
    """upstream: node strategy ValidateUpdate = ValidateNode + ValidateNodeUpdate."""
    errs = _validate_node(new)
    errs += _validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs += _validate_node_resources(new)
    nspec = new.get("spec") if isinstance(new.get("spec"), dict) else {}
    ospec = old.get("spec") if isinstance(old.get("spec"), dict) else {}
    ocidrs, ncidrs = _lst(ospec.get("podCIDRs")), _lst(nspec.get("podCIDRs"))
    if ocidrs:
        if len(ocidrs) != len(ncidrs):
            errs.append(forbidden_field("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid"))
        else:
            for a, b in zip(ocidrs, ncidrs):
                if a != b:
                    errs.append(forbidden_field("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid"))
    if ospec.get("providerID") and ospec.get("providerID") != nspec.get("providerID"):
        errs.append(forbidden_field("spec.providerID", "node updates may not change providerID except from \"\" to valid"))
    if nspec.get("taints"):
        errs += _validate_node_taints(nspec.get("taints"), "metadata.taints")
    if nspec.get("externalID") != ospec.get("externalID"):
        errs.append(forbidden_field("spec.externalID", "may not be updated"))
    return errs


def _validate_event(ev: dict) -> Errs:
    """upstream: events.go legacyValidateEvent (the only checks for core/v1 Events)."""
    errs: Errs = []
    md = ev.get("metadata") if isinstance(ev.get("metadata"), dict) else {}
    ns = md.get("namespace") if isinstance(md.get("namespace"), str) else ""
    involved = ev.get("involvedObject") if isinstance(ev.get("involvedObject"), dict) else {}
    ins = involved.get("namespace") if isinstance(involved.get("namespace"), str) else ""
    if not ev.get("eventTime"):
        if not ins:
            if ns not in ("", "default"):
                errs.append(invalid("involvedObject.namespace", ins, "does not match event.namespace"))
        elif ns != ins:
            errs.append(invalid("involvedObject.namespace", ins, "does not match event.namespace"))
    else:
        if not ins and ns not in ("default", "kube-system"):
            errs.append(invalid("involvedObject.namespace", ins, "does not match event.namespace"))
        # core/v1 serialises ReportingController as "reportingComponent"; upstream's path
        # names the internal field
        rc = ev.get("reportingComponent") if isinstance(ev.get("reportingComponent"), str) else ""
        if not rc:
            errs.append(required("reportingController"))
        errs += [invalid("reportingController", rc, m) for m in is_qualified_name(rc)]
        for key, limit in (("reportingInstance", 128), ("action", 128), ("reason", 128)):
            v = ev.get(key) if isinstance(ev.get(key), str) else ""
            if not v:
                errs.append(required(key))
            if len(v) > limit:
                errs.append(invalid(key, "", f"can have at most {limit} characters"))
        msg = ev.get("message") if isinstance(ev.get("message"), str) else ""
        if len(msg) > 1024:
            errs.append(invalid("message", "", "can have at most 1024 characters"))
    errs += [invalid("namespace", ns, m) for m in is_dns1123_subdomain(ns)]
    return errs


def _validate_lease_spec(spec: Any) -> Errs:
    """upstream: ValidateLeaseSpec."""
    errs: Errs = []
    spec = _obj(spec, "spec", errs, "coordination.LeaseSpec")
    lds = _int(spec.get("leaseDurationSeconds"), "spec.leaseDurationSeconds", errs)
    if lds is not None and lds <= 0:
        errs.append(invalid("spec.leaseDurationSeconds", lds, "must be greater than 0"))
    lt = _int(spec.get("leaseTransitions"), "spec.leaseTransitions", errs)
    if lt is not None and lt < 0:
        errs.append(invalid("spec.leaseTransitions", lt, "must be greater than or equal to 0"))
    return errs


def _validate_lease(lease: dict) -> Errs:
    """upstream: ValidateLease (apimachinery's ObjectMeta validation, no kube finalizer check)."""
    errs = _validate_object_meta(lease.get("metadata"), True, name_is_dns_subdomain, kube_finalizers=False)
    return errs + _validate_lease_spec(lease.get("spec"))


def _validate_lease_update(new: dict, old: dict) -> Errs:
    errs = _validate_object_meta_update(new.get("metadata"), old.get("metadata"), kube_finalizers=False)
    return errs + _validate_lease_spec(new.get("spec"))


# ================================================================ entry points

# kind -> (namespaced, create validator, update validator)
_KINDS: dict[str, tuple[bool, Callable[[dict], Errs], Callable[[dict, dict], Errs]]] = {
    "Pod": (True, _validate_pod, _validate_pod_update),
    "ReplicaSet": (True, _validate_replica_set, _validate_replica_set_update),
    "Deployment": (True, _validate_deployment, _validate_deployment_update),
    "Namespace": (False, _validate_namespace, _validate_namespace_update),
    "Node": (False, _validate_node, _validate_node_update),
    "Event": (True, _validate_event, lambda new, old: _validate_event(new)),
    "Lease": (True, _validate_lease, _validate_lease_update),
}


def register_kind(kind: str, namespaced: bool, on_create: Callable[[dict], Errs],
                  on_update: Callable[[dict, dict], Errs] | None = None) -> None:
    """Register the validation of a further kind (modules that add kinds call this at import).

    ``on_create(obj)`` returns the kind's field errors; ``on_update(new, old)`` those of an
    update (immutable fields); by default an update is validated like a create.
    """
    _KINDS[kind] = (namespaced, on_create, on_update or (lambda new, old: on_create(new)))


def _meta_only(obj: dict) -> Errs:
    """For served kinds with no registered validation: ObjectMeta with DNS-1123 subdomain names."""
    from .resources import RESOURCES

    namespaced = next((r.namespaced for r in RESOURCES if r.kind == obj.get("kind")), True)
    return _validate_object_meta(obj.get("metadata"), namespaced, name_is_dns_subdomain, kube_finalizers=False)


def _generic_meta(obj: dict, namespaced: bool) -> Errs:
    """upstream: rest.BeforeCreate/BeforeUpdate's common ObjectMeta check (path-segment names)."""
    return _validate_object_meta(obj.get("metadata"), namespaced, _path_segment_name, kube_finalizers=False)


def validate(obj: dict, old: dict | None = None) -> list[FieldError]:
    """Field errors for creating ``obj`` (``old`` is None) or updating ``old`` to ``obj``.

    Runs what a v1.32 API server runs: on create the kind's validation and, when that
    passes, the generic ObjectMeta checks; on update the generic ObjectMeta and
    ObjectMeta-update checks, then the kind's update validation (including immutable
    fields such as an apps/v1 ``spec.selector`` and most of a Pod's spec). Kinds k8slab
    does not serve return no errors. ``obj`` must already be defaulted.
    """
    if not isinstance(obj, dict):
        return [_type_error("", obj, "map[string]interface {}")]
    entry = _KINDS.get(obj.get("kind"))  # type: ignore[arg-type]
    if entry is None:
        from .resources import RESOURCES

        r = next((r for r in RESOURCES if r.kind == obj.get("kind")), None)
        if r is None:
            return []
        entry = (r.namespaced, _meta_only, lambda new, old: [])
    namespaced, on_create, on_update = entry
    if old is None:
        errs = on_create(obj)
        if not errs:
            errs = _generic_meta(obj, namespaced)
        return errs
    errs = _generic_meta(obj, namespaced)
    errs += _validate_object_meta_update(obj.get("metadata"), old.get("metadata") if isinstance(old, dict) else {},
                                         kube_finalizers=False)
    return errs + on_update(obj, old if isinstance(old, dict) else {})


def validate_or_raise(obj: dict, old: dict | None = None) -> None:
    """Raise the 422 ``Invalid`` ApiError upstream answers with when ``validate`` finds errors."""
    errs = validate(obj, old)
    if not errs:
        return
    api_version = obj.get("apiVersion") if isinstance(obj.get("apiVersion"), str) else ""
    group = api_version.rpartition("/")[0]
    md = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = md.get("name") if isinstance(md.get("name"), str) else ""
    raise invalid_object(str(obj.get("kind", "")), group, name, errs)
