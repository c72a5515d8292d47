"""Kubernetes JSONPath templates, as ``kubectl get -o jsonpath=...`` and ``--sort-by`` read them.

upstream: staging/src/k8s.io/client-go/util/jsonpath (parser.go, jsonpath.go): text with
``{...}`` actions; fields ``.a.b`` (``\\.`` escapes a dot), ``..a`` (recursive), ``*``,
``[n]``, ``[a:b:c]``, ``[*]``, ``['x','y']``, filters ``[?(@.a=="x")]``,
``{range ...}...{end}``, string literals ``{"\\n"}``. Results of one action print
separated by a space; maps and lists print as compact JSON (``PrintResults``). Missing
keys print nothing (kubectl's default ``--allow-missing-template-keys=true``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .encoding import compact_json


class JSONPathError(ValueError):
    pass


# ---------------------------------------------------------------------------- parsing
@dataclass
class _Field:
    name: str


@dataclass
class _Recursive:
    pass


@dataclass
class _Wildcard:
    pass


@dataclass
class _Index:
    start: int | None
    end: int | None
    step: int | None
    is_slice: bool
    star: bool = False


@dataclass
class _Union:
    items: list  # list of _Index or _Field


@dataclass
class _Filter:
    left: list
    op: str
    right: Any  # list of nodes, or a literal


@dataclass
class _Expr:
    nodes: list


@dataclass
class _Text:
    text: str


@dataclass
class _Range:
    expr: _Expr
    body: list = field(default_factory=list)


def _unquote(s: str) -> str:
    q = s[0]
    body = s[1:-1]
    if q == '"':
        return bytes(body, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
    return body


def _parse_expr(src: str) -> _Expr:
    s = src.strip()
    if s.startswith("$"):
        s = s[1:]
    if s.startswith("@"):
        s = s[1:]
    nodes: list = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == ".":
            if s[i + 1:i + 2] == ".":
                nodes.append(_Recursive())
                i += 2
                continue
            i += 1
            if i < n and s[i] == "*":
                nodes.append(_Wildcard())
                i += 1
                continue
            name = []
            while i < n:
                ch = s[i]
                if ch == "\\" and i + 1 < n:
                    name.append(s[i + 1])
                    i += 2
                    continue
                if ch in ".[ ":
                    break
                name.append(ch)
                i += 1
            if name:
                nodes.append(_Field("".join(name)))
            continue
        if c == "[":
            depth = 0
            j = i
            quote = None
            while j < n:
                ch = s[j]
                if quote:
                    if ch == quote:
                        quote = None
                elif ch in "'\"":
                    quote = ch
                elif ch == "[":
                    depth += 1
                elif ch == "]":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n:
                raise JSONPathError(f"unterminated array")
            nodes.append(_parse_bracket(s[i + 1:j].strip()))
            i = j + 1
            continue
        if c == "*":
            nodes.append(_Wildcard())
            i += 1
            continue
        if c.isspace():
            i += 1
            continue
        # a bare identifier (``{metadata.name}`` is accepted as ``.metadata.name``)
        name = []
        while i < n and s[i] not in ".[ ":
            name.append(s[i])
            i += 1
        nodes.append(_Field("".join(name)))
    return _Expr(nodes)


_FILTER = re.compile(r"^\?\((.*)\)$", re.S)
_OPS = ["==", "!=", "<=", ">=", "=~", "<", ">"]


def _parse_bracket(inner: str) -> Any:
    m = _FILTER.match(inner)
    if m:
        body = m.group(1).strip()
        for op in _OPS:
            k = _find_op(body, op)
            if k >= 0:
                left, right = body[:k].strip(), body[k + len(op):].strip()
                return _Filter(_parse_expr(left).nodes, op, _parse_operand(right))
        return _Filter(_parse_expr(body).nodes, "exists", None)
    if inner == "*":
        return _Index(None, None, None, True, star=True)
    parts = _split_top(inner, ",")
    if len(parts) > 1:
        return _Union([_parse_single(p.strip()) for p in parts])
    return _parse_single(inner)


def _find_op(body: str, op: str) -> int:
    quote = None
    for i, ch in enumerate(body):
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
            continue
        if body.startswith(op, i):
            return i
    return -1


def _split_top(s: str, sep: str) -> list[str]:
    out, cur, quote = [], [], None
    for ch in s:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        if ch == sep:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return out


def _parse_single(p: str) -> Any:
    if p[:1] in "'\"" and p[-1:] == p[:1]:
        return _Field(p[1:-1])
    if ":" in p:
        bits = p.split(":")
        vals = [int(b) if b.strip() else None for b in bits] + [None] * (3 - len(bits))
        return _Index(vals[0], vals[1], vals[2], True)
    try:
        return _Index(int(p), None, None, False)
    except ValueError:
        raise JSONPathError(f"invalid array index {p}")


def _parse_operand(s: str) -> Any:
    if s[:1] in "'\"":
        return ("lit", s[1:-1])
    if s.startswith("@") or s.startswith("$") or s.startswith("."):
        return ("expr", _parse_expr(s).nodes)
    if s in ("true", "false"):
        return ("lit", s == "true")
    try:
        return ("lit", int(s))
    except ValueError:
        try:
            return ("lit", float(s))
        except ValueError:
            return ("lit", s)


def parse_template(template: str) -> list:
    """Parse a template into text, expression and range nodes."""
    out: list = []
    stack: list[list] = [out]
    i = 0
    n = len(template)
    while i < n:
        j = template.find("{", i)
        if j < 0:
            stack[-1].append(_Text(template[i:]))
            break
        if j > i:
            stack[-1].append(_Text(template[i:j]))
        k = j + 1
        quote = None
        while k < n:
            ch = template[k]
            if quote:
                if ch == "\\":
                    k += 2
                    continue
                if ch == quote:
                    quote = None
            elif ch in "'\"":
                quote = ch
            elif ch == "}":
                break
            k += 1
        if k >= n:
            raise JSONPathError(f"unclosed action")
        action = template[j + 1:k].strip()
        i = k + 1
        if action.startswith("range "):
            r = _Range(_parse_expr(action[len("range "):]))
            stack[-1].append(r)
            stack.append(r.body)
        elif action == "end":
            if len(stack) == 1:
                raise JSONPathError("not in range, nothing to end")
            stack.pop()
        elif action[:1] in "'\"" and action[-1:] == action[:1] and len(action) >= 2:
            stack[-1].append(_Text(_unquote(action)))
        elif action == "":
            continue
        else:
            stack[-1].append(_parse_expr(action))
    return out


# ---------------------------------------------------------------------------- evaluation
def _eval_nodes(values: list, nodes: list, root: Any) -> list:
    for node in nodes:
        nxt: list = []
        for v in values:
            nxt.extend(_eval_node(v, node, root))
        values = nxt
    return values


def _eval_node(v: Any, node: Any, root: Any) -> list:
    if isinstance(node, _Field):
        if isinstance(v, dict) and node.name in v:
            return [v[node.name]]
        return []
    if isinstance(node, _Wildcard):
        if isinstance(v, dict):
            return [v[k] for k in sorted(v)]
        if isinstance(v, list):
            return list(v)
        return []
    if isinstance(node, _Recursive):
        out = [v]
        stack = [v]
        while stack:
            cur = stack.pop(0)
            children = [cur[k] for k in sorted(cur)] if isinstance(cur, dict) else (cur if isinstance(cur, list) else [])
            for ch in children:
                out.append(ch)
                stack.append(ch)
        return out
    if isinstance(node, _Index):
        if not isinstance(v, list):
            return []
        if node.star:
            return list(v)
        if not node.is_slice:
            i = node.start
            if i < 0:
                i += len(v)
            if 0 <= i < len(v):
                return [v[i]]
            return []
        return v[slice(node.start, node.end, node.step)]
    if isinstance(node, _Union):
        out = []
        for item in node.items:
            out.extend(_eval_node(v, item, root))
        return out
    if isinstance(node, _Filter):
        items = v if isinstance(v, list) else ([v[k] for k in sorted(v)] if isinstance(v, dict) else [])
        out = []
        for item in items:
            lefts = _eval_nodes([item], node.left, root)
            if node.op == "exists":
                if lefts:
                    out.append(item)
                continue
            kind, rv = node.right
            rights = [rv] if kind == "lit" else _eval_nodes([item], rv, root)
            if any(_compare(lv, node.op, r) for lv in lefts for r in rights):
                out.append(item)
        return out
    raise JSONPathError(f"unknown node {node!r}")


def _compare(a: Any, op: str, b: Any) -> bool:
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if op == "=~":
        return isinstance(a, str) and re.search(str(b), a) is not None
    try:
        if op == "<":
            return a < b
        if op == ">":
            return a > b
        if op == "<=":
            return a <= b
        if op == ">=":
            return a >= b
    except TypeError:
        return False
    return False


def _text(v: Any) -> str:
    if isinstance(v, (dict, list)):
        return compact_json(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        from ..api.patch import go_fmt

        return go_fmt(v)
    return str(v)


def _execute(nodes: list, data: Any, root: Any, out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.text)
        elif isinstance(node, _Range):
            for item in _eval_nodes([data], node.expr.nodes, root):
                _execute(node.body, item, root, out)
        else:
            results = _eval_nodes([data], node.nodes, root)
            out.append(" ".join(_text(r) for r in results))


def execute(template: str, data: Any) -> str:
    """The text ``template`` renders for ``data``."""
    out: list[str] = []
    _execute(parse_template(template), data, data, out)
    return "".join(out)


def find_results(expr: str, data: Any) -> list:
    """The values one JSONPath expression (``{.a.b}`` or ``.a.b``) selects."""
    e = expr.strip()
    if e.startswith("{") and e.endswith("}"):
        e = e[1:-1]
    return _eval_nodes([data], _parse_expr(e).nodes, data)
