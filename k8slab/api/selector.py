"""Label selectors and field selectors: parsing, matching and canonical strings.

Reproduces Kubernetes v1.32 behaviour, including the error messages:

- upstream: staging/src/k8s.io/apimachinery/pkg/labels/selector.go (``Parse``, the lexer
  and parser, ``NewRequirement``, ``Requirement.Matches``, ``String``)
- upstream: staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go
  (``LabelSelectorAsSelector``, ``FormatLabelSelector``)
- upstream: staging/src/k8s.io/apimachinery/pkg/fields/selector.go (``ParseSelector``,
  ``EscapeValue``, ``UnescapeValue``)
- upstream: staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go
  (``IsQualifiedName``, ``IsValidLabelValue``) and util/validation/field/errors.go
  (how the errors print)

Parse errors print as upstream's do, e.g. ``unable to parse requirement: <nil>: Invalid
value: "a/b/c": a qualified name must consist of ...`` (checked against kubectl v1.32).

k8slab simplification: requirements are sorted by key with a stable sort; upstream's
``sort.Sort`` is stable only up to 12 requirements, so the order of *duplicate* keys in a
selector of more than 12 requirements may differ from upstream's.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, Mapping, NamedTuple

__all__ = [
    "DOES_NOT_EXIST",
    "DOUBLE_EQUALS",
    "EQUALS",
    "EXISTS",
    "GREATER_THAN",
    "IN",
    "LESS_THAN",
    "NOT_EQUALS",
    "NOT_IN",
    "FieldRequirement",
    "FieldSelector",
    "Requirement",
    "Selector",
    "escape_field_value",
    "field_selector_from_set",
    "label_selector_to_string",
    "new_requirement",
    "parse_field_selector",
    "parse_selector",
    "selector_from_label_selector",
    "selector_from_set",
    "unescape_field_value",
]

# upstream: staging/src/k8s.io/apimachinery/pkg/selection/operator.go
DOES_NOT_EXIST = "!"
EQUALS = "="
DOUBLE_EQUALS = "=="
IN = "in"
NOT_EQUALS = "!="
NOT_IN = "notin"
EXISTS = "exists"
GREATER_THAN = "gt"
LESS_THAN = "lt"

_UNARY_OPERATORS = (EXISTS, DOES_NOT_EXIST)
_BINARY_OPERATORS = (IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN)
_VALID_REQUIREMENT_OPERATORS = _BINARY_OPERATORS + _UNARY_OPERATORS

_MAX_INT64 = (1 << 63) - 1
_MIN_INT64 = -(1 << 63)
_GO_INT = re.compile(r"[+-]?[0-9]+")


# --------------------------------------------------------------------------- validation
# upstream: staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go — the string
# rules live once, in k8slab.api.validation, and selectors use them from there.
from .validation import is_qualified_name as _is_qualified_name  # noqa: E402
from .validation import is_valid_label_value as _is_valid_label_value  # noqa: E402


# ------------------------------------------------------------------- error formatting
# upstream: staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go


def _go_quote(s: str) -> str:
    """Go's strconv.Quote (what %q prints)."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            if code < 0x80:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _go_string_slice(values: list[str] | None) -> str:
    """What %#v prints for a []string."""
    if values is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(_go_quote(v) for v in values) + "}"


def _invalid(path: str, bad_value: str, detail: str) -> str:
    """field.Invalid(path, value, detail).Error()."""
    return f"{path}: Invalid value: {bad_value}: {detail}"


def _aggregate(errs: list[str]) -> str:
    """field.ErrorList.ToAggregate().Error(): one message, or "[a, b]" for several."""
    unique = list(dict.fromkeys(errs))
    if len(unique) == 1:
        return unique[0]
    return "[" + ", ".join(unique) + "]"


def _validate_label_key(key: str, path: str) -> str | None:
    errs = _is_qualified_name(key)
    if errs:
        return _invalid(path, _go_quote(key), "; ".join(errs))
    return None


def _validate_label_value(key: str, value: str, path: str) -> str | None:
    errs = _is_valid_label_value(value)
    if errs:
        return _invalid(f"{path}[{key}]", _go_quote(value), "; ".join(errs))
    return None


def _parse_go_int64(s: str) -> int | None:
    """strconv.ParseInt(s, 10, 64), or None when it fails."""
    if not _GO_INT.fullmatch(s):
        return None
    n = int(s)
    if n < _MIN_INT64 or n > _MAX_INT64:
        return None
    return n


# --------------------------------------------------------------------- label selectors


class Requirement(NamedTuple):
    """One requirement of a label selector: key, operator (upstream's names) and values."""

    key: str
    operator: str
    values: tuple[str, ...]

    def __str__(self) -> str:
        """upstream: Requirement.String()."""
        op = self.operator
        if op == DOES_NOT_EXIST:
            return "!" + self.key
        if op == EXISTS:
            return self.key
        vals = self.values
        joined = vals[0] if len(vals) == 1 else ",".join(sorted(vals))
        if op in (IN, NOT_IN):
            return f"{self.key} {op} ({joined})"
        sym = {GREATER_THAN: ">", LESS_THAN: "<"}.get(op, op)
        return self.key + sym + joined

    def matches(self, labels: Mapping[str, str]) -> bool:
        """upstream: Requirement.Matches."""
        return Selector((self,)).matches(labels)


def new_requirement(key: str, operator: str, values: Iterable[str] | None = ()) -> Requirement:
    """Build a validated Requirement; upstream labels.NewRequirement.

    Raises ValueError with upstream's aggregated field errors when the key, operator or
    values are invalid.
    """
    vals = None if values is None else list(values)
    err = _new_requirement_error(key, operator, vals)
    if err:
        raise ValueError(err)
    return Requirement(key, operator, tuple(vals or ()))


def _new_requirement_error(key: str, op: str, vals: list[str] | None, path: str = "") -> str | None:
    """The error NewRequirement returns for these arguments, or None."""

    def child(name: str) -> str:
        return f"{path}.{name}" if path else name

    errs: list[str] = []
    err = _validate_label_key(key, child("key"))
    if err:
        errs.append(err)
    value_path = child("values")
    n = len(vals or ())
    if op in (IN, NOT_IN):
        if n == 0:
            errs.append(_invalid(value_path, _go_string_slice(vals),
                                 "for 'in', 'notin' operators, values set can't be empty"))
    elif op in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS):
        if n != 1:
            errs.append(_invalid(value_path, _go_string_slice(vals),
                                 "exact-match compatibility requires one single value"))
    elif op in (EXISTS, DOES_NOT_EXIST):
        if n != 0:
            errs.append(_invalid(value_path, _go_string_slice(vals),
                                 "values set must be empty for exists and does not exist"))
    elif op in (GREATER_THAN, LESS_THAN):
        if n != 1:
            errs.append(_invalid(value_path, _go_string_slice(vals),
                                 "for 'Gt', 'Lt' operators, exactly one value is required"))
        for i, v in enumerate(vals or ()):
            if _parse_go_int64(v) is None:
                errs.append(_invalid(f"{value_path}[{i}]", _go_quote(v),
                                     "for 'Gt', 'Lt' operators, the value must be an integer"))
    else:
        supported = ", ".join(_go_quote(o) for o in _VALID_REQUIREMENT_OPERATORS)
        errs.append(f"{child('operator')}: Unsupported value: {_go_quote(op)}: supported values: {supported}")
    for i, v in enumerate(vals or ()):
        err = _validate_label_value(key, v, f"{value_path}[{i}]")
        if err:
            errs.append(err)
    return _aggregate(errs) if errs else None


# compiled requirement kinds for the matching loop
_K_EQ, _K_IN, _K_NE, _K_NOTIN, _K_EXISTS, _K_NOT_EXISTS, _K_GT, _K_LT, _K_NEVER = range(9)


def _compile(r: Requirement) -> tuple[int, str, object]:
    op, vals = r.operator, r.values
    if op in (IN, EQUALS, DOUBLE_EQUALS):
        if len(vals) == 1:
            return _K_EQ, r.key, vals[0]
        return _K_IN, r.key, frozenset(vals)
    if op in (NOT_IN, NOT_EQUALS):
        if len(vals) == 1:
            return _K_NE, r.key, vals[0]
        return _K_NOTIN, r.key, frozenset(vals)
    if op == EXISTS:
        return _K_EXISTS, r.key, None
    if op == DOES_NOT_EXIST:
        return _K_NOT_EXISTS, r.key, None
    if op in (GREATER_THAN, LESS_THAN):
        n = _parse_go_int64(vals[0]) if len(vals) == 1 else None
        if n is None:
            return _K_NEVER, r.key, None
        return (_K_GT if op == GREATER_THAN else _K_LT), r.key, n
    return _K_NEVER, r.key, None


class Selector:
    """A label selector: the AND of its requirements (upstream labels.Selector).

    Immutable and hashable. Build one with :func:`parse_selector`,
    :func:`selector_from_label_selector`, :func:`selector_from_set`,
    :meth:`Selector.everything` or :meth:`Selector.nothing`.
    """

    __slots__ = ("requirements", "_compiled", "_nothing")

    requirements: tuple[Requirement, ...]

    def __init__(self, requirements: Iterable[Requirement] = (), *, _nothing: bool = False) -> None:
        reqs = tuple(sorted(requirements, key=lambda r: r.key))
        object.__setattr__(self, "requirements", reqs)
        object.__setattr__(self, "_compiled", tuple(_compile(r) for r in reqs))
        object.__setattr__(self, "_nothing", _nothing)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Selector is immutable")

    @classmethod
    def everything(cls) -> Selector:
        """The selector that matches every set of labels (upstream labels.Everything)."""
        return _EVERYTHING

    @classmethod
    def nothing(cls) -> Selector:
        """The selector that matches no set of labels (upstream labels.Nothing)."""
        return _NOTHING

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        """Whether labels satisfy every requirement (upstream Selector.Matches)."""
        if self._nothing:
            return False
        if labels is None:
            labels = {}
        get = labels.get
        for kind, key, val in self._compiled:
            if kind == _K_EQ:
                if get(key) != val:
                    return False
            elif kind == _K_IN:
                if get(key) not in val:  # type: ignore[operator]
                    return False
            elif kind == _K_NE:
                if get(key) == val:
                    return False
            elif kind == _K_NOTIN:
                if get(key) in val:  # type: ignore[operator]
                    return False
            elif kind == _K_EXISTS:
                if key not in labels:
                    return False
            elif kind == _K_NOT_EXISTS:
                if key in labels:
                    return False
            elif kind == _K_GT or kind == _K_LT:
                v = get(key)
                if v is None:
                    return False
                n = _parse_go_int64(v)
                if n is None:
                    return False
                if kind == _K_GT:
                    if not n > val:  # type: ignore[operator]
                        return False
                elif not n < val:  # type: ignore[operator]
                    return False
            else:
                return False
        return True

    def empty(self) -> bool:
        """Whether the selector does not restrict the selection (upstream Selector.Empty)."""
        return not self._nothing and not self.requirements

    def matches_nothing(self) -> bool:
        """Whether this is the Nothing() selector (upstream labels.MatchesNothing)."""
        return self._nothing

    def add(self, *requirements: Requirement) -> Selector:
        """A new selector with these requirements added (upstream Selector.Add)."""
        if self._nothing:
            return self
        return Selector(self.requirements + tuple(requirements))

    def requires_exact_match(self, label: str) -> str | None:
        """The value this selector requires label to have, if it requires exactly one.

        upstream: Selector.RequiresExactMatch (None stands for found=false).
        """
        for r in self.requirements:
            if r.key == label:
                if r.operator in (EQUALS, DOUBLE_EQUALS, IN) and len(r.values) == 1:
                    return r.values[0]
                return None
        return None

    def __str__(self) -> str:
        """upstream: Selector.String(): requirements joined by ","; "" for Everything/Nothing."""
        return ",".join(str(r) for r in self.requirements)

    def __repr__(self) -> str:
        if self._nothing:
            return "Selector.nothing()"
        return f"parse_selector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Selector):
            return NotImplemented
        return self._nothing == other._nothing and self.requirements == other.requirements

    def __hash__(self) -> int:
        return hash((self._nothing, self.requirements))


_EVERYTHING = Selector()
_NOTHING = Selector(_nothing=True)


# lexer tokens; upstream labels.Token
(
    _ERROR,
    _EOS,
    _CLOSED_PAR,
    _COMMA,
    _DOES_NOT_EXIST,
    _DOUBLE_EQUALS,
    _EQUALS,
    _GREATER_THAN,
    _IDENTIFIER,
    _IN,
    _LESS_THAN,
    _NOT_EQUALS,
    _NOT_IN,
    _OPEN_PAR,
) = range(14)

_STRING2TOKEN = {
    ")": _CLOSED_PAR,
    ",": _COMMA,
    "!": _DOES_NOT_EXIST,
    "==": _DOUBLE_EQUALS,
    "=": _EQUALS,
    ">": _GREATER_THAN,
    "in": _IN,
    "<": _LESS_THAN,
    "!=": _NOT_EQUALS,
    "notin": _NOT_IN,
    "(": _OPEN_PAR,
}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")
_NUL = "\x00"


def _lex(s: str) -> list[tuple[int, str]]:
    """Tokenize a selector string; upstream labels.Lexer (a NUL byte reads as end)."""
    pos = 0
    n = len(s)
    items: list[tuple[int, str]] = []

    def read() -> str:
        nonlocal pos
        if pos < n:
            ch = s[pos]
            pos += 1
            return ch
        return _NUL

    while True:
        ch = read()
        while ch in _WHITESPACE:
            ch = read()
        if ch == _NUL:
            items.append((_EOS, ""))
            return items
        pos -= 1
        if ch in _SPECIAL:
            last: tuple[int, str] | None = None
            buf = ""
            while True:
                ch = read()
                if ch == _NUL:
                    break
                if ch in _SPECIAL:
                    buf += ch
                    tok = _STRING2TOKEN.get(buf)
                    if tok is not None:
                        last = (tok, buf)
                    elif last is not None:
                        pos -= 1
                        break
                else:
                    pos -= 1
                    break
            items.append(last if last is not None else (_ERROR, f"error expected: keyword found '{buf}'"))
        else:
            chars = []
            while True:
                ch = read()
                if ch == _NUL:  # end of string, or a literal NUL (consumed, as upstream)
                    break
                if ch in _SPECIAL or ch in _WHITESPACE:
                    pos -= 1
                    break
                chars.append(ch)
            lit = "".join(chars)
            items.append((_STRING2TOKEN.get(lit, _IDENTIFIER), lit))


# parser contexts; upstream labels.ParserContext
_KEY_AND_OPERATOR, _VALUES = 0, 1


class _Parser:
    """Recursive-descent parser over the scanned tokens; upstream labels.Parser."""

    def __init__(self, s: str) -> None:
        self.items = _lex(s)
        self.position = 0

    def lookahead(self, context: int) -> tuple[int, str]:
        tok, lit = self.items[self.position]
        if context == _VALUES and tok in (_IN, _NOT_IN):
            tok = _IDENTIFIER
        return tok, lit

    def consume(self, context: int) -> tuple[int, str]:
        self.position += 1
        tok, lit = self.items[self.position - 1]
        if context == _VALUES and tok in (_IN, _NOT_IN):
            tok = _IDENTIFIER
        return tok, lit

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            tok, lit = self.lookahead(_VALUES)
            if tok in (_IDENTIFIER, _DOES_NOT_EXIST):
                try:
                    r = self.parse_requirement()
                except ValueError as e:
                    raise ValueError(f"unable to parse requirement: {e}") from None
                requirements.append(r)
                t, l = self.consume(_VALUES)
                if t == _EOS:
                    return requirements
                if t == _COMMA:
                    t2, l2 = self.lookahead(_VALUES)
                    if t2 not in (_IDENTIFIER, _DOES_NOT_EXIST):
                        raise ValueError(f"found '{l2}', expected: identifier after ','")
                else:
                    raise ValueError(f"found '{l}', expected: ',' or 'end of string'")
            elif tok == _EOS:
                return requirements
            else:
                raise ValueError(f"found '{lit}', expected: !, identifier, or 'end of string'")

    def parse_requirement(self) -> Requirement:
        key, operator = self.parse_key_and_infer_operator()
        if operator in (EXISTS, DOES_NOT_EXIST):
            return new_requirement(key, operator, [])
        operator = self.parse_operator()
        if operator in (IN, NOT_IN):
            values = self.parse_values()
        else:
            values = self.parse_exact_value()
        return new_requirement(key, operator, sorted(values))

    def parse_key_and_infer_operator(self) -> tuple[str, str]:
        operator = ""
        tok, literal = self.consume(_VALUES)
        if tok == _DOES_NOT_EXIST:
            operator = DOES_NOT_EXIST
            tok, literal = self.consume(_VALUES)
        if tok != _IDENTIFIER:
            raise ValueError(f"found '{literal}', expected: identifier")
        err = _validate_label_key(literal, "<nil>")
        if err:
            raise ValueError(err)
        t, _ = self.lookahead(_VALUES)
        if t in (_EOS, _COMMA) and operator != DOES_NOT_EXIST:
            operator = EXISTS
        return literal, operator

    def parse_operator(self) -> str:
        tok, lit = self.consume(_KEY_AND_OPERATOR)
        op = _TOKEN2OPERATOR.get(tok)
        if op is None:
            raise ValueError(f"found '{lit}', expected: {', '.join(_BINARY_OPERATORS)}")
        return op

    def parse_values(self) -> set[str]:
        tok, lit = self.consume(_VALUES)
        if tok != _OPEN_PAR:
            raise ValueError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead(_VALUES)
        if tok in (_IDENTIFIER, _COMMA):
            s = self.parse_identifiers_list()
            tok, _ = self.consume(_VALUES)
            if tok != _CLOSED_PAR:
                raise ValueError(f"found '{lit}', expected: ')'")
            return s
        if tok == _CLOSED_PAR:  # "()"
            self.consume(_VALUES)
            return {""}
        raise ValueError(f"found '{lit}', expected: ',', ')' or identifier")

    def parse_identifiers_list(self) -> set[str]:
        s: set[str] = set()
        while True:
            tok, lit = self.consume(_VALUES)
            if tok == _IDENTIFIER:
                s.add(lit)
                tok2, lit2 = self.lookahead(_VALUES)
                if tok2 == _COMMA:
                    continue
                if tok2 == _CLOSED_PAR:
                    return s
                raise ValueError(f"found '{lit2}', expected: ',' or ')'")
            if tok == _COMMA:  # "(," or ",," or ",)"
                if not s:
                    s.add("")
                tok2, _ = self.lookahead(_VALUES)
                if tok2 == _CLOSED_PAR:
                    s.add("")
                    return s
                if tok2 == _COMMA:
                    s.add("")
                continue
            raise ValueError(f"found '{lit}', expected: ',', or identifier")

    def parse_exact_value(self) -> set[str]:
        tok, _ = self.lookahead(_VALUES)
        if tok in (_EOS, _COMMA):
            return {""}
        tok, lit = self.consume(_VALUES)
        if tok == _IDENTIFIER:
            return {lit}
        raise ValueError(f"found '{lit}', expected: identifier")


_TOKEN2OPERATOR = {
    _IN: IN,
    _EQUALS: EQUALS,
    _DOUBLE_EQUALS: DOUBLE_EQUALS,
    _GREATER_THAN: GREATER_THAN,
    _LESS_THAN: LESS_THAN,
    _NOT_IN: NOT_IN,
    _NOT_EQUALS: NOT_EQUALS,
}


@functools.lru_cache(maxsize=2048)
def parse_selector(selector: str) -> Selector:
    """Parse a label selector string ("app=web,tier in (a,b),!canary"); upstream labels.Parse.

    Raises ValueError with upstream's message when the string is not a valid selector.
    """
    return Selector(_Parser(selector).parse())


def selector_from_set(labels: Mapping[str, str] | None) -> Selector:
    """A selector matching exactly these labels (upstream labels.SelectorFromSet; no validation)."""
    if not labels:
        return _EVERYTHING
    return Selector(Requirement(k, EQUALS, (v,)) for k, v in sorted(labels.items()))


# upstream: metav1.LabelSelectorOperator -> selection.Operator
_LABEL_SELECTOR_OPERATORS = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST}


def selector_from_label_selector(ls: Mapping[str, object] | None) -> Selector:
    """Convert a metav1.LabelSelector (dict form) to a Selector; upstream LabelSelectorAsSelector.

    None gives Nothing (matches nothing); {} gives Everything. matchLabels are checked in
    key order (upstream's map order is random). Raises ValueError with upstream's messages.
    """
    if ls is None:
        return _NOTHING
    if not isinstance(ls, Mapping):
        raise ValueError("a label selector must be a map with matchLabels and/or matchExpressions")
    match_labels = ls.get("matchLabels") or {}
    match_expressions = ls.get("matchExpressions") or []
    if not isinstance(match_labels, Mapping):
        raise ValueError("matchLabels must be a map of string keys to string values")
    if not isinstance(match_expressions, (list, tuple)):
        raise ValueError("matchExpressions must be a list of label selector requirements")
    if len(match_labels) + len(match_expressions) == 0:
        return _EVERYTHING
    requirements: list[Requirement] = []
    for k in sorted(match_labels):
        v = match_labels[k]
        if not isinstance(k, str) or not isinstance(v, str):
            raise ValueError(f"matchLabels: {k!r}: {v!r}: label keys and values must be strings")
        err = _new_requirement_error(k, EQUALS, [v])
        if err:
            raise ValueError(err)
        requirements.append(Requirement(k, EQUALS, (v,)))
    for expr in match_expressions:
        if not isinstance(expr, Mapping):
            raise ValueError("matchExpressions: each requirement must be a map with key, operator and values")
        operator = expr.get("operator", "")
        op = _LABEL_SELECTOR_OPERATORS.get(operator) if isinstance(operator, str) else None
        if op is None:
            raise ValueError(f"{_go_quote(str(operator))} is not a valid label selector operator")
        key = expr.get("key", "")
        raw_values = expr.get("values")
        values = list(raw_values) if raw_values else None  # append([]string(nil), values...)
        if not isinstance(key, str) or any(not isinstance(v, str) for v in values or ()):
            raise ValueError("matchExpressions: key and values must be strings")
        err = _new_requirement_error(key, op, values)
        if err:
            raise ValueError(err)
        requirements.append(Requirement(key, op, tuple(values or ())))
    return Selector(requirements)


def label_selector_to_string(ls: Mapping[str, object] | None) -> str:
    """The selector as kubectl prints it (e.g. the SELECTOR column); upstream FormatLabelSelector.

    "<none>" when it selects without restriction (or is None), "<error>" when invalid.
    """
    try:
        selector = selector_from_label_selector(ls)
    except ValueError:
        return "<error>"
    return str(selector) or "<none>"


# --------------------------------------------------------------------- field selectors


class FieldRequirement(NamedTuple):
    """One term of a field selector: field, operator ("=" or "!=") and value."""

    field: str
    operator: str
    value: str

    def __str__(self) -> str:
        sym = "!=" if self.operator == NOT_EQUALS else "="
        return self.field + sym + escape_field_value(self.value)


class FieldSelector:
    """A field selector: the AND of field=value / field!=value terms (upstream fields.Selector).

    Immutable and hashable; fields missing from the object read as "" (upstream Fields.Get).
    """

    __slots__ = ("requirements", "_compiled")

    requirements: tuple[FieldRequirement, ...]

    def __init__(self, requirements: Iterable[FieldRequirement] = ()) -> None:
        reqs = tuple(requirements)
        object.__setattr__(self, "requirements", reqs)
        object.__setattr__(self, "_compiled", tuple((r.operator == EQUALS, r.field, r.value) for r in reqs))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("FieldSelector is immutable")

    @classmethod
    def everything(cls) -> FieldSelector:
        """The field selector that matches everything (upstream fields.Everything)."""
        return _FIELD_EVERYTHING

    def matches(self, fields: Mapping[str, str] | None) -> bool:
        """Whether the fields satisfy every term (upstream Selector.Matches)."""
        if fields is None:
            fields = {}
        get = fields.get
        for equal, field, value in self._compiled:
            if (get(field, "") == value) != equal:
                return False
        return True

    def empty(self) -> bool:
        """Whether the selector does not restrict the selection (upstream Selector.Empty)."""
        return not self.requirements

    def requires_exact_match(self, field: str) -> str | None:
        """The value field must equal, if some term requires one (upstream RequiresExactMatch)."""
        for r in self.requirements:
            if r.field == field and r.operator == EQUALS:
                return r.value
        return None

    def __str__(self) -> str:
        """upstream: Selector.String(): terms joined by ",", values escaped."""
        return ",".join(str(r) for r in self.requirements)

    def __repr__(self) -> str:
        return f"parse_field_selector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldSelector):
            return NotImplemented
        return self.requirements == other.requirements

    def __hash__(self) -> int:
        return hash(self.requirements)


_FIELD_EVERYTHING = FieldSelector()


def escape_field_value(value: str) -> str:
    """Escape \\ , and = in a field selector value; upstream fields.EscapeValue."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def unescape_field_value(s: str) -> str:
    """Undo escape_field_value; upstream fields.UnescapeValue (ValueError on bad escapes)."""
    if not any(c in s for c in "\\,="):
        return s
    out = []
    in_slash = False
    for c in s:
        if in_slash:
            if c in "\\,=":
                out.append(c)
            else:
                raise ValueError(f"invalid field selector: invalid escape sequence: \\{c}")
            in_slash = False
            continue
        if c == "\\":
            in_slash = True
        elif c in ",=":
            # upstream prints the rune with %v, i.e. as a number
            raise ValueError(f"invalid field selector: unescaped character in value: {ord(c)}")
        else:
            out.append(c)
    if in_slash:
        raise ValueError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _split_terms(s: str) -> list[str]:
    """Split on unescaped commas, keeping escapes; upstream fields.splitTerms."""
    if not s:
        return []
    terms = []
    start = 0
    in_slash = False
    for i, c in enumerate(s):
        if in_slash:
            in_slash = False
        elif c == "\\":
            in_slash = True
        elif c == ",":
            terms.append(s[start:i])
            start = i + 1
    terms.append(s[start:])
    return terms


_TERM_OPERATORS = ("!=", "==", "=")


def _split_term(term: str) -> tuple[str, str, str] | None:
    """Split at the first operator; upstream fields.splitTerm."""
    for i in range(len(term)):
        for op in _TERM_OPERATORS:
            if term.startswith(op, i):
                return term[:i], op, term[i + len(op):]
    return None


@functools.lru_cache(maxsize=1024)
def parse_field_selector(selector: str) -> FieldSelector:
    """Parse a field selector ("metadata.name=web,status.phase!=Running"); upstream fields.ParseSelector.

    Terms are kept in sorted order, as upstream sorts them. Raises ValueError with
    upstream's message ("invalid selector: 'x'; can't understand 'x'") when invalid.
    """
    parts = sorted(_split_terms(selector))
    reqs = []
    for part in parts:
        if part == "":
            continue
        split = _split_term(part)
        if split is None:
            raise ValueError(f"invalid selector: '{selector}'; can't understand '{part}'")
        lhs, op, rhs = split
        value = unescape_field_value(rhs)
        if lhs == "" and value == "":
            continue  # Transform drops terms whose field and value are both empty
        reqs.append(FieldRequirement(lhs, NOT_EQUALS if op == "!=" else EQUALS, value))
    return FieldSelector(reqs)


def field_selector_from_set(fields: Mapping[str, str] | None) -> FieldSelector:
    """A field selector requiring these exact field values (upstream fields.SelectorFromSet).

    Terms are ordered by field (upstream's map order is random).
    """
    if not fields:
        return _FIELD_EVERYTHING
    return FieldSelector(FieldRequirement(k, EQUALS, v) for k, v in sorted(fields.items()))
