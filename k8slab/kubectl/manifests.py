"""Reading manifests as kubectl does: YAML or JSON text, files, directories, dicts, lists.

upstream: staging/src/k8s.io/apimachinery/pkg/util/yaml/decoder.go (``YAMLReader``: a
document ends at a line that is exactly ``---``), sigs.k8s.io/yaml (``YAMLToJSON`` through
gopkg.in/yaml.v2: ``yes``/``no``/``on``/``off``/``y``/``n`` are booleans, ``1e3`` is a
number, timestamps stay strings, no base-60 numbers), staging/src/k8s.io/cli-runtime/
pkg/resource/visitor.go (``StreamVisitor``: empty and ``null`` documents are skipped,
``kind: List`` is flattened; ``FileVisitorForSTDIN``/``ExpandPathsToFileVisitors``:
``.json``, ``.yaml`` and ``.yml`` files of a directory in lexical order).

Errors read as kubectl's: ``error: error parsing STDIN: error converting YAML to JSON:
yaml: line 3: mapping values are not allowed in this context``. PyYAML's messages are
mapped onto go-yaml's wording for the common cases (k8slab simplification).
"""

from __future__ import annotations

import json
import os
import pathlib
import re
from typing import Any

import yaml

from .encoding import compact_json
from ..api.errors import json_type_name
from .errors import KubectlError

STDIN = "STDIN"


class _GoYAMLLoader(yaml.SafeLoader):
    """PyYAML with go-yaml v2's implicit types (no timestamps, no base 60, y/n booleans)."""


_GoYAMLLoader.yaml_implicit_resolvers = {}
_GoYAMLLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
    list("yYnNtTfFoO"))
_GoYAMLLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"))
_GoYAMLLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))
_GoYAMLLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"),
                                    ["~", "n", "N", ""])
_GoYAMLLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


def _construct_bool(loader: yaml.SafeLoader, node: yaml.Node) -> bool:
    return loader.construct_scalar(node) in ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    s = loader.construct_scalar(node).replace("_", "")
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    if s.startswith("0b"):
        return sign * int(s[2:], 2)
    if s.startswith("0x"):
        return sign * int(s[2:], 16)
    if s.startswith("0o"):
        return sign * int(s[2:], 8)
    if len(s) > 1 and s.startswith("0"):
        return sign * int(s, 8)
    return sign * int(s)


def _construct_float(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    s = loader.construct_scalar(node).replace("_", "").lower()
    if s in (".inf", "+.inf"):
        return float("inf")
    if s == "-.inf":
        return float("-inf")
    if s == ".nan":
        return float("nan")
    return float(s)


def _construct_str(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return loader.construct_scalar(node)


_GoYAMLLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_GoYAMLLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_GoYAMLLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_GoYAMLLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)

# PyYAML message -> go-yaml v2 message (scanner.go / parser.go wording)
_MESSAGES = [
    ("mapping values are not allowed here", "mapping values are not allowed in this context"),
    ("found character '\\t' that cannot start any token", "found character that cannot start any token"),
    ("that cannot start any token", "found character that cannot start any token"),
    ("expected <block end>, but found '-'", "did not find expected key"),
    ("expected <block end>, but found", "did not find expected key"),
    ("could not find expected ':'", "could not find expected ':'"),
    ("expected ',' or ']'", "did not find expected ',' or ']'"),
    ("expected ',' or '}'", "did not find expected ',' or '}'"),
    ("found unexpected end of stream", "found unexpected end of stream"),
    ("found undefined alias", "unknown anchor"),
    ("found unknown escape character", "found unknown escape character"),
    ("expected a comment or a line break", "did not find expected comment or line break"),
    ("expected the node content, but found", "did not find expected node content"),
    ("found duplicate anchor", "found duplicate anchor"),
    ("found a tab character", "found a tab character that violates indentation"),
    ("expected '<document start>', but found", "did not find expected <document start>"),
    ("while scanning a simple key", "could not find expected ':'"),
]


def _yaml_error_text(e: yaml.YAMLError) -> str:
    """go-yaml v2's ``yaml: line N: problem``: scanner errors count lines from 1, parser
    errors report the 0-based line of the problem, and line 0 is not printed (parser.fail)."""
    problem = getattr(e, "problem", None) or str(e)
    context = getattr(e, "context", None) or ""
    pmark = getattr(e, "problem_mark", None)
    cmark = getattr(e, "context_mark", None)
    scanner = isinstance(e, yaml.scanner.ScannerError)
    msg = problem
    if "while parsing a block collection" in context:
        msg = "did not find expected '-' indicator"
    elif "while parsing a block mapping" in context:
        msg = "did not find expected key"
    elif "while scanning a simple key" in context:
        msg = "could not find expected ':'"
    else:
        for py, go in _MESSAGES:
            if py in problem:
                msg = go
                break
    line = 0
    if pmark is not None and pmark.line != 0:
        line = pmark.line + (1 if scanner else 0)
    elif cmark is not None and cmark.line != 0:
        line = cmark.line
    where = f"line {line}: " if line else ""
    return f"yaml: {where}{msg}"


def split_documents(text: str) -> list[str]:
    """YAMLReader: split at lines that are ``---`` followed only by whitespace."""
    docs: list[str] = []
    cur: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("---") and not line[3:].strip():
            if cur:
                docs.append("".join(cur))
            cur = []
            continue
        cur.append(line)
    if cur:
        docs.append("".join(cur))
    return docs


def _jsonable(v: Any) -> Any:
    """YAMLToJSON + kube's JSON decoding: integral floats become ints, keys become strings."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if isinstance(k, bool):
                k = "true" if k else "false"
            elif k is None:
                k = "null"
            elif isinstance(k, float) and k == int(k):
                k = str(int(k))
            out[str(k)] = _jsonable(x)
        return out
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, float) and v == v and v not in (float("inf"), float("-inf")) and v == int(v) and abs(v) < 2**63:
        return int(v)
    return v


def parse_documents(text: str, source: str = STDIN) -> list[dict]:
    """Objects in a YAML/JSON stream (``kind: List`` kept as is); raises KubectlError on bad YAML."""
    out: list[dict] = []
    for doc in split_documents(text):
        if not doc.strip():
            continue
        try:
            value = yaml.load(doc, Loader=_GoYAMLLoader)
        except yaml.YAMLError as e:
            raise KubectlError(f"error: error parsing {source}: error converting YAML to JSON: {_yaml_error_text(e)}")
        except ValueError as e:  # e.g. an unrepresentable number
            raise KubectlError(f"error: error parsing {source}: error converting YAML to JSON: {e}")
        if value is None:
            continue
        value = _jsonable(value)
        if not isinstance(value, dict):
            raise KubectlError(f"error: error parsing {source}: error unmarshaling JSON: while decoding JSON: "
                               f"json: cannot unmarshal {json_type_name(value)} into Go value of type map[string]interface {{}}")
        out.append(value)
    return out




def _flatten(obj: dict, source: str, out: list[tuple[dict, str]]) -> None:
    kind = obj.get("kind")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(obj.get("items"), list):
        for item in obj["items"]:
            if not isinstance(item, dict):
                raise KubectlError(f'error: unable to decode "{source}": items in a List must be objects')
            _flatten(item, source, out)
        return
    out.append((obj, source))


def check_type_fields(obj: dict, source: str) -> None:
    """The client-side check that every object names its apiVersion and kind."""
    errs = []
    api_version = obj.get("apiVersion")
    if api_version is None:
        errs.append("apiVersion not set")
    elif not isinstance(api_version, str):
        errs.append("apiVersion isn't string type")
    kind = obj.get("kind")
    if kind is None:
        errs.append("kind not set")
    elif not isinstance(kind, str):
        errs.append("kind isn't string type")
    if errs:
        detail = errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]"
        raise KubectlError(f'error: error validating "{source}": error validating data: {detail}; '
                           "if you choose to ignore these errors, turn validation off with --validate=false")


def _files_of(path: pathlib.Path) -> list[pathlib.Path]:
    if path.is_dir():
        files = []
        for root, _dirs, names in os.walk(path):
            for n in sorted(names):
                if os.path.splitext(n)[1] in (".json", ".yaml", ".yml"):
                    files.append(pathlib.Path(root) / n)
            _dirs.sort()
        return sorted(files)
    return [path]


def _looks_like_path(s: str) -> bool:
    """A one-line string naming an existing path, or ending in .yaml/.yml/.json, is a path."""
    if "\n" in s or not s.strip():
        return False
    return os.path.exists(s) or s.endswith((".yaml", ".yml", ".json"))


def load_sources(manifest: Any, source: str | None = None) -> list[tuple[dict, str]]:
    """(object, source) pairs from any manifest form, Lists flattened, nothing sent anywhere."""
    pairs: list[tuple[dict, str]] = []
    if isinstance(manifest, pathlib.Path) or (isinstance(manifest, str) and _looks_like_path(manifest)):
        path = pathlib.Path(manifest)
        if not path.exists():
            raise KubectlError(f'error: the path "{manifest}" does not exist')
        for f in _files_of(path):
            name = str(f) if path.is_dir() else str(manifest)
            try:
                text = f.read_text()
            except OSError as e:
                raise KubectlError(f"error: {e}")
            for obj in parse_documents(text, name):
                _flatten(obj, name, pairs)
        return pairs
    src = source or STDIN
    if isinstance(manifest, (bytes, bytearray)):
        manifest = manifest.decode()
    if isinstance(manifest, str):
        for obj in parse_documents(manifest, src):
            _flatten(obj, src, pairs)
        return pairs
    if isinstance(manifest, dict):
        _flatten(_jsonable(json.loads(json.dumps(manifest))), src, pairs)
        return pairs
    if isinstance(manifest, (list, tuple)):
        for item in manifest:
            if isinstance(item, (dict, str, pathlib.Path)):
                pairs.extend(load_sources(item, source))
            else:
                raise KubectlError(f"error: cannot read a manifest from {type(item).__name__}")
        return pairs
    raise KubectlError(f"error: cannot read a manifest from {type(manifest).__name__}")


def load_manifests(manifest: Any) -> list[dict]:
    """Parse a manifest (YAML/JSON text, a path to a file or directory, a dict, a list of
    those) into the list of objects it holds, ``kind: List`` flattened. Raises KubectlError
    with kubectl's text on broken YAML or an object without apiVersion/kind."""
    pairs = load_sources(manifest)
    for obj, src in pairs:
        check_type_fields(obj, src)
    return [obj for obj, _ in pairs]


def object_json(obj: dict) -> str:
    """The object as kubectl quotes it in messages (Go's json.Marshal)."""
    return compact_json(obj)
