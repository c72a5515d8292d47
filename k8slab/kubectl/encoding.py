"""JSON and YAML exactly as kubectl writes them.

- ``-o json``: Go's ``json.MarshalIndent(obj, "", "    ")`` of the unstructured object:
  keys sorted, ``<``, ``>`` and ``&`` escaped as ``\\u003c`` ..., non-ASCII kept.
  upstream: staging/src/k8s.io/cli-runtime/pkg/printers/json.go.
- ``-o yaml``: sigs.k8s.io/yaml (JSON -> go-yaml v2): keys in go-yaml's "natural" order
  (digits compared as numbers, non-letters before letters), strings that would read back
  as another type double-quoted (``"true"``, ``"1"``, ``"2025-01-01T00:00:00Z"``, ``"n"``),
  multi-line strings as literal blocks, lines folded at 80 columns.
  upstream: staging/src/k8s.io/cli-runtime/pkg/printers/yaml.go, gopkg.in/yaml.v2
  (resolve.go ``resolve``, encode.go ``stringv``, sorter.go ``keyList.Less``).
- :func:`compact_json`: Go's ``json.Marshal`` (what kubectl stores in the
  last-applied-configuration annotation and sends as patches).
"""

from __future__ import annotations

import json
import math
import re
from functools import cmp_to_key
from typing import Any

import yaml

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _go_json_float(f: float) -> str:
    """encoding/json's float64 format: 'f' unless the exponent is < -6 or >= 21, then 'e' (e-7, e+21)."""
    if math.isinf(f) or math.isnan(f):
        raise ValueError(f"json: unsupported value: {f}")
    if f == int(f) and abs(f) < 1e21:
        return str(int(f))
    a = abs(f)
    if a < 1e-6 or a >= 1e21:
        r = repr(f)
        if "e" not in r:
            r = f"{f:e}"
        mant, _, exp = r.partition("e")
        sign = exp[0] if exp[0] in "+-" else "+"
        exp = exp.lstrip("+-").lstrip("0") or "0"
        return f"{mant}e{sign}{exp}"
    return repr(f)


def _go_string(s: str) -> str:
    """encoding/json's string: HTML-escaped, non-ASCII kept, control characters as \\u00XX."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch in _HTML_ESCAPES:
            out.append(_HTML_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _encode(v: Any, indent: str | None, level: int) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _go_json_float(v)
    if isinstance(v, str):
        return _go_string(v)
    if isinstance(v, dict):
        if not v:
            return "{}"
        keys = sorted(str(k) for k in v)
        items = {str(k): x for k, x in v.items()}
        if indent is None:
            return "{" + ",".join(f"{_go_string(k)}:{_encode(items[k], None, 0)}" for k in keys) + "}"
        pad = indent * (level + 1)
        body = ",\n".join(f"{pad}{_go_string(k)}: {_encode(items[k], indent, level + 1)}" for k in keys)
        return "{\n" + body + "\n" + indent * level + "}"
    if isinstance(v, (list, tuple)):
        if not v:
            return "[]"
        if indent is None:
            return "[" + ",".join(_encode(x, None, 0) for x in v) + "]"
        pad = indent * (level + 1)
        body = ",\n".join(f"{pad}{_encode(x, indent, level + 1)}" for x in v)
        return "[\n" + body + "\n" + indent * level + "]"
    raise TypeError(f"json: unsupported type: {type(v).__name__}")


def _dumps(obj: Any, indent: int | None) -> str:
    """json.Marshal (indent None) or json.MarshalIndent(obj, "", " " * indent)."""
    return _encode(obj, None if indent is None else " " * indent, 0)


def to_json(obj: Any) -> str:
    """kubectl's ``-o json``: 4-space indent, sorted keys, final newline."""
    return _dumps(obj, 4) + "\n"


def compact_json(obj: Any) -> str:
    """Go's ``json.Marshal``: compact, sorted keys, HTML characters escaped."""
    return _dumps(obj, None)


# ---------------------------------------------------------------------------- YAML (go-yaml v2)
_BOOL_NULL = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
              "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
              "", "~", "null", "Null", "NULL",
              ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"}
_YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_GO_INT = re.compile(r"^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$")
_GO_FLOAT = re.compile(r"^[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf(inity)?|nan)$", re.I)
_TS_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TS_FULL = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})([Tt]| )(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def _valid_date(y: str, m: str, d: str) -> bool:
    import calendar

    mi, di = int(m), int(d)
    return 1 <= mi <= 12 and 1 <= di <= calendar.monthrange(int(y), mi)[1]


def _is_timestamp(s: str) -> bool:
    m = _TS_DATE.match(s)
    if m:
        return _valid_date(*m.groups())
    m = _TS_FULL.match(s)
    if not m:
        return False
    y, mo, d, sep, hh, mm, ss, _frac, zone = m.groups()
    if sep == " " and zone:
        return False
    if sep in "Tt" and not zone:
        return False
    return _valid_date(y, mo, d) and int(hh) < 24 and int(mm) < 60 and int(ss) < 60


def _resolves_non_string(s: str) -> bool:
    """go-yaml v2 ``resolve("", s)`` gives something other than !!str (or a base-60 float)."""
    if s in _BOOL_NULL:
        return True
    c = s[0]
    if c == ".":
        return bool(_GO_FLOAT.match(s)) and not s.lower().lstrip(".").startswith(("inf", "nan"))
    if c in "+-0123456789":
        if _is_timestamp(s):
            return True
        plain = s.replace("_", "")
        if _GO_INT.match(plain):
            return True
        if _YAML_STYLE_FLOAT.match(plain):
            return True
        if plain.startswith(("0b", "-0b")):
            return bool(re.match(r"^-?0b[01]+$", plain))
        return bool(_BASE60.match(s))
    return False


def _go_float_g(f: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64), with go-yaml's .inf/.nan: shortest digits, %e when
    the decimal exponent is < -4 or >= 6 (``1e+06``, ``1.5``, ``100``)."""
    import decimal

    if math.isnan(f):
        return ".nan"
    if math.isinf(f):
        return ".inf" if f > 0 else "-.inf"
    if f == 0:
        return "0" if math.copysign(1, f) > 0 else "-0"
    sign, digs, exponent = decimal.Decimal(repr(abs(f))).normalize().as_tuple()
    digits = "".join(map(str, digs))
    dp = len(digits) + exponent
    x = dp - 1
    s = "-" if f < 0 else ""
    if x < -4 or x >= 6:
        m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{s}{m}e{'-' if x < 0 else '+'}{abs(x):02d}"
    if dp <= 0:
        return f"{s}0.{'0' * (-dp)}{digits}"
    if dp >= len(digits):
        return f"{s}{digits}{'0' * (dp - len(digits))}"
    return f"{s}{digits[:dp]}.{digits[dp:]}"


def _key_less(a: str, b: str) -> bool:
    """gopkg.in/yaml.v2 sorter.go keyList.Less for two string keys."""
    ar, br = a, b
    for i in range(min(len(ar), len(br))):
        if ar[i] == br[i]:
            continue
        al, bl = ar[i].isalpha(), br[i].isalpha()
        if al and bl:
            return ar[i] < br[i]
        if al or bl:
            return bl
        an = bn = 0
        if ar[i] == "0" or br[i] == "0":
            j = i - 1
            while j >= 0 and ar[j].isdigit():
                if ar[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(ar) and ar[ai].isdigit():
            an = an * 10 + int(ar[ai])
            ai += 1
        bi = i
        while bi < len(br) and br[bi].isdigit():
            bn = bn * 10 + int(br[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ar[i] < br[i]
    return len(ar) < len(br)


def _cmp_keys(a: str, b: str) -> int:
    if _key_less(a, b):
        return -1
    if _key_less(b, a):
        return 1
    return 0


def sorted_yaml_keys(keys) -> list[str]:
    """Keys in the order go-yaml v2 writes them."""
    return sorted(keys, key=cmp_to_key(_cmp_keys))


class _GoStr(str):
    pass


class _Dumper(yaml.SafeDumper):
    """PyYAML's libyaml-derived emitter with go-yaml v2's resolver and styles."""

    def resolve(self, kind, value, implicit):  # type: ignore[override]
        if kind is yaml.ScalarNode and implicit[0]:
            if value in ("true", "false"):
                return "tag:yaml.org,2002:bool"
            if value == "null":
                return "tag:yaml.org,2002:null"
            if _resolves_non_string(value):
                return "tag:yaml.org,2002:float" if not _GO_INT.match(value.replace("_", "")) else "tag:yaml.org,2002:int"
            return "tag:yaml.org,2002:str"
        return super().resolve(kind, value, implicit)

    def ignore_aliases(self, data):  # type: ignore[override]
        return True


def _represent_str(dumper: yaml.SafeDumper, s: str):
    if "\n" in s:
        style = "|"
    elif s == "" or _resolves_non_string(s):
        style = '"'
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


def _represent_dict(dumper: yaml.SafeDumper, d: dict):
    items = [(k, d[k]) for k in sorted_yaml_keys(d)]
    return dumper.represent_mapping("tag:yaml.org,2002:map", items, flow_style=False if d else True)


def _represent_list(dumper: yaml.SafeDumper, lst: list):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", lst, flow_style=False if lst else True)


def _represent_float(dumper: yaml.SafeDumper, f: float):
    text = _go_float_g(f)
    tag = "tag:yaml.org,2002:int" if _GO_INT.match(text) else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


def _represent_int(dumper: yaml.SafeDumper, i: int):
    return dumper.represent_scalar("tag:yaml.org,2002:int", str(i))


def _represent_bool(dumper: yaml.SafeDumper, b: bool):
    return dumper.represent_scalar("tag:yaml.org,2002:bool", "true" if b else "false")


def _represent_none(dumper: yaml.SafeDumper, _):
    return dumper.represent_scalar("tag:yaml.org,2002:null", "null")


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)
_Dumper.add_representer(float, _represent_float)
_Dumper.add_representer(int, _represent_int)
_Dumper.add_representer(bool, _represent_bool)
_Dumper.add_representer(type(None), _represent_none)


def to_yaml(obj: Any) -> str:
    """kubectl's ``-o yaml`` of one object (sigs.k8s.io/yaml.Marshal)."""
    obj = json.loads(compact_json(obj).replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&"))
    return yaml.dump(obj, Dumper=_Dumper, default_flow_style=False, allow_unicode=True, width=80, indent=2,
                     sort_keys=False)
