"""Node selectors and pod label selectors as the scheduler evaluates them.

upstream: staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go
(``NodeSelector``, ``RequiredNodeAffinity``, ``PreferredSchedulingTerms``,
``nodeSelectorRequirementsAsSelector``, ``nodeSelectorRequirementsAsFieldSelector``) and
staging/src/k8s.io/apimachinery/pkg/labels/selector.go (``NewRequirement``'s validation).
Pod label selectors (``metav1.LabelSelector``) are parsed by :mod:`k8slab.api.selector`;
a nil selector selects nothing, as ``LabelSelectorAsSelector(nil)`` does.
"""

from __future__ import annotations

import re
from typing import Any

_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_NAME_MSG = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
             "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
             "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
              "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
              "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


def _key_error(key: str) -> str | None:
    """validation.IsQualifiedName (the part of it label keys need)."""
    prefix, _, name = key.rpartition("/")
    if "/" in key and (not prefix or len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        return "prefix part must be a lowercase RFC 1123 subdomain"
    if not name:
        return "name part must be non-empty"
    if len(name) > 63:
        return "name part must be no more than 63 characters"
    if not _QUALIFIED_NAME.match(name):
        return _NAME_MSG
    return None


def _go_quote(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Requirement:
    """One parsed NodeSelectorRequirement on labels."""

    __slots__ = ("key", "op", "values", "num")

    def __init__(self, key: str, op: str, values: list[str], path: str):
        err = _key_error(key)
        if err:
            raise ValueError(f"{path}.key: Invalid value: {_go_quote(key)}: {err}")
        self.key, self.op, self.values, self.num = key, op, frozenset(values), 0
        if op in ("In", "NotIn"):
            if not values:
                raise ValueError(f"{path}.values: Required value: for 'in', 'notin' operators, values set can't be empty")
            for i, v in enumerate(values):
                if not isinstance(v, str) or len(v) > 63 or not _LABEL_VALUE.match(v):
                    raise ValueError(f"{path}.values[{i}]: Invalid value: {_go_quote(str(v))}: {_VALUE_MSG}")
        elif op in ("Exists", "DoesNotExist"):
            if values:
                raise ValueError(f"{path}.values: Forbidden: values set must be empty for exists and does not exist")
        elif op in ("Gt", "Lt"):
            if len(values) != 1:
                raise ValueError(f"{path}.values: Required value: for 'Gt', 'Lt' operators, exactly one value is required")
            try:
                self.num = int(values[0])
            except (TypeError, ValueError):
                raise ValueError(f"{path}.values[0]: Invalid value: {_go_quote(str(values[0]))}: "
                                 f"for 'Gt', 'Lt' operators, the value must be an integer") from None
        else:
            raise ValueError(f'{path}.operator: Unsupported value: "{op}"')

    def matches(self, labels: dict) -> bool:
        op = self.op
        if op == "In":
            return self.key in labels and labels[self.key] in self.values
        if op == "NotIn":
            return self.key not in labels or labels[self.key] not in self.values
        if op == "Exists":
            return self.key in labels
        if op == "DoesNotExist":
            return self.key not in labels
        v = labels.get(self.key)
        if v is None:
            return False
        try:
            n = int(v)
        except ValueError:
            return False
        return n > self.num if op == "Gt" else n < self.num


class _Term:
    """upstream: nodeSelectorTerm -- matchExpressions ANDed with matchFields (metadata.name)."""

    __slots__ = ("labels", "fields", "errors")

    def __init__(self, term: dict, path: str):
        self.labels: list[_Requirement] | None = None
        self.fields: list[tuple[str, str]] | None = None
        self.errors: list[str] = []
        exprs = term.get("matchExpressions") or []
        if exprs:
            self.labels = []
            for i, e in enumerate(exprs):
                try:
                    self.labels.append(_Requirement(e.get("key", ""), e.get("operator", ""), list(e.get("values") or []),
                                                    f"{path}.matchExpressions[{i}]"))
                except ValueError as err:
                    self.errors.append(str(err))
        fields = term.get("matchFields") or []
        if fields:
            self.fields = []
            for i, f in enumerate(fields):
                p = f"{path}.matchFields[{i}]"
                vals = list(f.get("values") or [])
                if f.get("key") != "metadata.name":
                    self.errors.append(f'{p}.key: Invalid value: {_go_quote(str(f.get("key")))}: '
                                       f"not a valid field selector key")
                elif len(vals) != 1:
                    self.errors.append(f"{p}.values: Invalid value: {vals}: must have one element")
                elif f.get("operator") not in ("In", "NotIn"):
                    self.errors.append(f'{p}.operator: Invalid value: "{f.get("operator")}": not a valid selector operator')
                else:
                    self.fields.append((f["operator"], vals[0]))

    def match(self, labels: dict, name: str) -> bool:
        if self.errors:
            return False
        if self.labels is None and self.fields is None:
            return False
        if self.labels is not None and not all(r.matches(labels) for r in self.labels):
            return False
        if self.fields is not None:
            for op, v in self.fields:
                if (name == v) != (op == "In"):
                    return False
        return True


class NodeSelector:
    """upstream: nodeaffinity.NodeSelector -- terms ORed; a term with a parse error never matches."""

    def __init__(self, ns: dict, path: str = ""):
        self.terms = [_Term(t, f"{path}nodeSelectorTerms[{i}]" if path else f"[{i}]")
                      for i, t in enumerate(ns.get("nodeSelectorTerms") or [])]

    def match(self, labels: dict, name: str) -> bool:
        return any(t.match(labels, name) for t in self.terms)


class RequiredNodeAffinity:
    """upstream: nodeaffinity.GetRequiredNodeAffinity -- ``spec.nodeSelector`` AND required node affinity."""

    __slots__ = ("node_selector_map", "node_selector")

    def __init__(self, pod: dict):
        spec = pod.get("spec") or {}
        self.node_selector_map = spec.get("nodeSelector") or None
        req = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution")
        self.node_selector = NodeSelector(req) if req is not None else None

    def match(self, labels: dict, name: str) -> bool:
        m = self.node_selector_map
        if m:
            for k, v in m.items():
                if labels.get(k) != v:
                    return False
        if self.node_selector is not None:
            return self.node_selector.match(labels, name)
        return True


class PreferredSchedulingTerms:
    """upstream: nodeaffinity.PreferredSchedulingTerms -- the sum of weights of matching terms.

    Raises ValueError (the aggregated parse errors) for an invalid term, as upstream's
    constructor returns an error.
    """

    def __init__(self, terms: list[dict]):
        self.terms: list[tuple[_Term, int]] = []
        errors = []
        for i, t in enumerate(terms or []):
            pref = t.get("preference") or {}
            w = t.get("weight") or 0
            if w == 0 or (not pref.get("matchExpressions") and not pref.get("matchFields")):
                continue
            term = _Term(pref, f"[{i}]")
            if term.errors:
                errors.extend(term.errors)
            else:
                self.terms.append((term, int(w)))
        if errors:
            raise ValueError(errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")

    def score(self, labels: dict, name: str) -> int:
        return sum(w for t, w in self.terms if t.match(labels, name))


# ---------------------------------------------------------------- pod label selectors

def label_selector(ls: dict) -> Any:
    """metav1.LabelSelectorAsSelector for a non-nil selector (``{}`` selects everything)."""
    from ..api.selector import selector_from_label_selector

    return selector_from_label_selector(ls)


def label_selector_or_nothing(ls: dict | None) -> Any:
    """metav1.LabelSelectorAsSelector: nil selects nothing. Raises ValueError when invalid."""
    from ..api.selector import selector_from_label_selector

    return selector_from_label_selector(ls)


def is_empty_label_selector(ls: dict | None) -> bool:
    return ls is not None and not ls.get("matchLabels") and not ls.get("matchExpressions")


class _Nothing:
    """labels.Nothing()."""

    def matches(self, labels: dict) -> bool:
        return False

    def empty(self) -> bool:
        return False


NOTHING = _Nothing()
