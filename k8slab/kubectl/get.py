"""``kubectl get``: tables, ``-o wide|json|yaml|name|jsonpath=...``, selectors, several kinds.

upstream: staging/src/k8s.io/kubectl/pkg/cmd/get/get.go (``Run``: one printer per
resource type, a blank line between types, ``kind/name`` names when several types are
requested, ``No resources found in <ns> namespace.``; ``printGeneric``: one object as is,
several as a ``List``), staging/src/k8s.io/kubectl/pkg/cmd/get/sorter.go (``--sort-by``),
staging/src/k8s.io/cli-runtime/pkg/printers/name.go (``-o name``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..api.errors import ApiError
from ..api.resources import ResourceInfo
from . import jsonpath
from .encoding import to_json, to_yaml
from .errors import KubectlError, error_text
from .flags import Flag
from .mapping import kind_group, parse_resource_args
from .printers import PrintOptions, build_table, render_tables, table_lines

FLAGS = [
    Flag("output", "o"), Flag("selector", "l"), Flag("field-selector"), Flag("all-namespaces", "A", "bool", False),
    Flag("show-labels", "", "bool", False), Flag("no-headers", "", "bool", False), Flag("sort-by"),
    Flag("label-columns", "L", "array"), Flag("ignore-not-found", "", "bool", False), Flag("filename", "f", "array"),
    Flag("watch", "w", "bool", False), Flag("show-kind", "", "bool", False), Flag("chunk-size", "", "int", 500),
    Flag("output-watch-events", "", "bool", False), Flag("raw"), Flag("server-print", "", "bool", True),
    Flag("recursive", "R", "bool", False), Flag("show-managed-fields", "", "bool", False),
    Flag("allow-missing-template-keys", "", "bool", True),
]

OUTPUT_FORMATS = ("custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
                  "jsonpath-file,name,template,templatefile,wide,yaml")


def subject(ri: ResourceInfo) -> str:
    """mapping.Resource.String(): ``/v1, Resource=pods``, ``apps/v1, Resource=deployments``."""
    return f"{ri.group}/{ri.version}, Resource={ri.plural}"


def enhance_list_error(err: ApiError, ri: ResourceInfo, label_selector: str, field_selector: str) -> ApiError:
    """resource.EnhanceListError: say what was being listed."""
    if err.code in (400, 404):
        if not label_selector and not field_selector:
            msg = f'Unable to list "{subject(ri)}": {err.message}'
        else:
            msg = (f'Unable to find "{subject(ri)}" that match label selector "{label_selector}", '
                   f'field selector "{field_selector}": {err.message}')
        return ApiError(err.code, err.reason, msg, err.details)
    return err


def check_output_format(fmt: str | None) -> None:
    if not fmt:
        return
    base = fmt.split("=", 1)[0]
    if base in ("wide", "json", "yaml", "name") or (base in ("jsonpath", "jsonpath-as-json") and "=" in fmt):
        return
    if base in ("jsonpath", "jsonpath-as-json"):
        raise KubectlError("error: template format specified but no template given")
    raise KubectlError(f'error: unable to match a printer suitable for the output format "{fmt}", '
                       f"allowed formats are: {OUTPUT_FORMATS}")


@dataclass
class _Info:
    """One request's result: a list of a type, or one named object."""

    ri: ResourceInfo
    objs: list[dict]
    single: bool = False


def name_of(ri: ResourceInfo, obj: dict) -> str:
    """The NamePrinter's ``kind.group/name``."""
    return f"{kind_group(ri)}/{(obj.get('metadata') or {}).get('name', '')}"


def _natural_less(a: str, b: str) -> bool:
    """sortorder.NaturalLess: digit runs compare as numbers."""
    import re

    ta = re.findall(r"\d+|\D+", a)
    tb = re.findall(r"\d+|\D+", b)
    for x, y in zip(ta, tb):
        if x == y:
            continue
        if x.isdigit() and y.isdigit():
            if int(x) != int(y):
                return int(x) < int(y)
            return len(x) < len(y)
        return x < y
    return len(ta) < len(tb)


def _sort_key(field: str):
    import functools

    from ..api.meta import parse_time

    expr = field
    if not expr.startswith("{"):
        expr = "{" + (expr if expr.startswith(".") else "." + expr) + "}"

    def value(obj: dict) -> Any:
        found = jsonpath.find_results(expr, obj)
        return found[0] if found else None

    def cmp(a: dict, b: dict) -> int:
        va, vb = value(a), value(b)
        if va is None or vb is None:
            return (va is not None) - (vb is not None)
        if isinstance(va, str) and isinstance(vb, str):
            try:
                ta, tb = parse_time(va), parse_time(vb)
                return (ta > tb) - (ta < tb)
            except ValueError:
                pass
            if _natural_less(va, vb):
                return -1
            return 1 if _natural_less(vb, va) else 0
        try:
            return (va > vb) - (va < vb)
        except TypeError:
            return 0

    return functools.cmp_to_key(cmp)


def run_get(client: Any, args: list[str], opts: dict) -> str:
    """The output of ``kubectl get`` (stdout); raises KubectlError with stderr on failure."""
    out_fmt = opts.get("output") or ""
    check_output_format(out_fmt)
    if opts.get("watch"):
        raise KubectlError("error: k8slab's kubectl does not stream: use Cluster.run() and get again instead of --watch")
    namespace = opts.get("namespace") or "default"
    all_ns = bool(opts.get("all-namespaces"))
    label_sel = opts.get("selector") or ""
    field_sel = opts.get("field-selector") or ""
    filenames = opts.get("filename") or []
    requests: list[tuple[ResourceInfo, list[str]]]
    ns_of: dict[int, str] = {}  # request index -> namespace named in a manifest (get -f)
    if filenames:
        from .manifests import load_sources, check_type_fields
        from .mapping import for_object

        requests = []
        for fname in filenames:
            for obj, src in load_sources(fname if fname != "-" else opts.get("_stdin", "")):
                check_type_fields(obj, src)
                ri = for_object(obj)
                if ri is None:
                    raise KubectlError(f'error: the server doesn\'t have a resource type "{obj.get("kind")}"')
                md = obj.get("metadata") or {}
                if ri.namespaced and md.get("namespace"):
                    ns_of[len(requests)] = md["namespace"]
                requests.append((ri, [md.get("name", "")]))
    else:
        if not args:
            raise KubectlError('You must specify the type of resource to get. Use "kubectl api-resources" for a complete '
                               'list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl '
                               'explain <resource>" for a detailed description of that resource (e.g. kubectl explain '
                               "pods).\nSee 'kubectl get -h' for help and examples")
        requests = parse_resource_args(args)
        has_names = any(names for _, names in requests)
        if has_names and label_sel:
            raise KubectlError("error: name cannot be provided when a selector is specified")
        if has_names and all_ns:
            raise KubectlError("error: a resource cannot be retrieved by name across all namespaces")
    single_implied = len(requests) == 1 and len(requests[0][1]) == 1 and not (args and args[0].lower() == "all")
    infos: list[_Info] = []
    errs: list[BaseException] = []
    for i, (ri, names) in enumerate(requests):
        ns = None if (all_ns or not ri.namespaced) else ns_of.get(i, namespace)
        if names:
            for name in names:
                try:
                    obj = client.get(ri.plural, name, ns if ri.namespaced else None)
                except ApiError as e:
                    if opts.get("ignore-not-found") and e.code == 404:
                        continue
                    errs.append(e)
                    continue
                infos.append(_Info(ri, [obj], single=True))
        else:
            try:
                lst = client.list(ri.plural, ns, label_selector=label_sel or None, field_selector=field_sel or None)
            except ApiError as e:
                raise KubectlError(error_text(enhance_list_error(e, ri, label_sel, field_sel)))
            infos.append(_Info(ri, lst["items"]))
    if opts.get("sort-by"):
        key = _sort_key(opts["sort-by"])
        for info in infos:
            info.objs.sort(key=key)
    now = client.now
    if out_fmt in ("", "wide"):
        text = _print_tables(infos, opts, namespace, all_ns, now, out_fmt == "wide")
    else:
        text = _print_generic(infos, out_fmt, single_implied and len(infos) == 1 and not errs)
    if errs:
        raise KubectlError("".join(error_text(e) + "\n" for e in errs), stdout=text)
    if out_fmt in ("", "wide") and not text and not opts.get("ignore-not-found"):
        all_namespaced = not all_ns and all(i.ri.namespaced for i in infos)
        return f"No resources found in {namespace} namespace.\n" if all_namespaced else "No resources found\n"
    return text


def _print_tables(infos: list[_Info], opts: dict, namespace: str, all_ns: bool, now: float, wide: bool) -> str:
    kinds = {(i.ri.group, i.ri.kind) for i in infos}
    with_kind = len(infos) >= 2 and len(kinds) > 1 or bool(opts.get("show-kind"))
    blocks: list[list[str]] = []
    last: ResourceInfo | None = None
    printed_header = False
    for info in infos:
        if last is None or info.ri != last:
            blocks.append([])
            printed_header = False
            last = info.ri
        table = build_table(info.ri.kind, info.objs, now)
        popts = PrintOptions(wide=wide, no_headers=bool(opts.get("no-headers")),
                             with_namespace=all_ns and info.ri.namespaced, show_labels=bool(opts.get("show-labels")),
                             kind_prefix=kind_group(info.ri) if with_kind else "",
                             label_columns=[c for v in opts.get("label-columns") or [] for c in v.split(",") if c])
        lines = table_lines(table, popts, print_header=not printed_header)
        if table.rows:
            printed_header = True
        blocks[-1].extend(lines)
    return render_tables(blocks, separate=not opts.get("no-headers"))


def _print_generic(infos: list[_Info], fmt: str, single: bool) -> str:
    objs = [(i.ri, o) for i in infos for o in i.objs]
    if fmt == "name":
        return "".join(name_of(ri, o) + "\n" for ri, o in objs)
    if single and len(objs) == 1:
        data: Any = objs[0][1]
    else:
        data = {"apiVersion": "v1", "items": [o for _, o in objs], "kind": "List", "metadata": {"resourceVersion": ""}}
    if fmt == "json":
        return to_json(data)
    if fmt == "yaml":
        return to_yaml(data)
    kind, _, template = fmt.partition("=")
    if kind == "jsonpath-as-json":
        from .encoding import _dumps

        results = jsonpath.find_results(template, data)
        return _dumps(results, 4) + "\n"
    try:
        return jsonpath.execute(template, data)
    except jsonpath.JSONPathError as e:
        raise KubectlError(f"error: error parsing jsonpath {template}, {e}")
