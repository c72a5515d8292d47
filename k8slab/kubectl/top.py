"""``kubectl top nodes|pods``: resource usage from the metrics.k8s.io API.

upstream: staging/src/k8s.io/kubectl/pkg/cmd/top/top_node.go, top_pod.go and
pkg/metricsutil/metrics_printer.go (columns ``NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%)``,
CPU as ``%vm`` millicores, memory as ``%vMi``, a tab after every cell so lines end in
padding; ``--sort-by=cpu|memory`` sorts descending, otherwise by name).
"""

from __future__ import annotations

from typing import Any

from ..api.errors import ApiError
from ..api.quantity import milli_value, value
from .errors import KubectlError
from .flags import Flag
from .tabwriter import format_table

NODE_FLAGS = [Flag("selector", "l"), Flag("sort-by"), Flag("no-headers", "", "bool", False),
              Flag("show-capacity", "", "bool", False), Flag("use-protocol-buffers", "", "bool", True)]
POD_FLAGS = [Flag("selector", "l"), Flag("field-selector"), Flag("sort-by"), Flag("containers", "", "bool", False),
             Flag("all-namespaces", "A", "bool", False), Flag("no-headers", "", "bool", False),
             Flag("sum", "", "bool", False), Flag("use-protocol-buffers", "", "bool", True)]
FLAGS = sorted({f.name: f for f in NODE_FLAGS + POD_FLAGS}.values(), key=lambda f: f.name)


def _api(client: Any):
    from ..metrics import MetricsAPI

    return MetricsAPI(client)


def _cpu(q: str) -> int:
    return milli_value(q)


def _mem(q: str) -> int:
    return value(q)


def _cells(cpu_m: int, mem_b: int) -> list[str]:
    return [f"{cpu_m}m", f"{mem_b // (1024 * 1024)}Mi"]


def _table(header: list[str], rows: list[list[str]], no_headers: bool) -> str:
    lines = [] if no_headers else ["\t".join(header) + "\t"]
    lines += ["\t".join(r) + "\t" for r in rows]
    return format_table("\n".join(lines) + "\n")


def _check_sort(sort_by: str | None) -> None:
    if sort_by and sort_by not in ("cpu", "memory"):
        raise KubectlError("error: --sort-by accepts only cpu or memory")


def run_top(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    if not args:
        raise KubectlError("error: k8slab's kubectl top needs a resource: node or pod")
    what, rest = args[0], args[1:]
    if what in ("node", "nodes", "no"):
        return top_nodes(client, rest, opts)
    if what in ("pod", "pods", "po"):
        return top_pods(client, rest, opts)
    raise KubectlError(f'Error: unknown command "{what}" for "kubectl top"')


def top_nodes(client: Any, args: list[str], opts: dict) -> str:
    """``kubectl top node [NAME] [-l sel] [--sort-by=cpu|memory]``."""
    _check_sort(opts.get("sort-by"))
    api = _api(client)
    try:
        if args:
            metrics = [api.get("nodes", args[0])]
        else:
            metrics = api.list("nodes", label_selector=opts.get("selector"))["items"]
    except ApiError as e:
        if e.code == 404 and "could not find the requested resource" in e.message:
            raise KubectlError("error: Metrics API not available")
        if e.code == 404:
            raise KubectlError(f"Error from server (NotFound): {e.message}")
        raise
    if not metrics:
        raise KubectlError("error: metrics not available yet")
    nodes = {n["metadata"]["name"]: n for n in client.list("nodes")["items"]}
    rows = []
    for m in metrics:
        name = m["metadata"]["name"]
        node = nodes.get(name)
        if node is None:
            continue
        st = node.get("status") or {}
        avail = st.get("capacity") if opts.get("show-capacity") else st.get("allocatable")
        avail = avail or {}
        cpu, mem = _cpu(m["usage"]["cpu"]), _mem(m["usage"]["memory"])
        cpu_a, mem_a = _cpu(avail.get("cpu", "0")), _mem(avail.get("memory", "0"))
        rows.append((name, cpu, mem, cpu_a, mem_a))
    # nodes without metrics print <unknown> (top_node.go: nodesWithoutMetrics)
    missing = [n for n in sorted(nodes) if n not in {r[0] for r in rows} and not args
               and not opts.get("selector")]
    _sort(rows, opts.get("sort-by"), cpu_i=1, mem_i=2)
    out = []
    for name, cpu, mem, cpu_a, mem_a in rows:
        cpu_pct = cpu * 100 // cpu_a if cpu_a else 0
        mem_pct = mem * 100 // mem_a if mem_a else 0
        out.append([name, f"{cpu}m", f"{cpu_pct}%", f"{mem // (1024 * 1024)}Mi", f"{mem_pct}%"])
    for name in missing:
        out.append([name, "<unknown>", "<unknown>", "<unknown>", "<unknown>"])
    return _table(["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"], out, opts.get("no-headers"))


def _sort(rows: list, sort_by: str | None, cpu_i: int, mem_i: int) -> None:
    if sort_by == "cpu":
        rows.sort(key=lambda r: -r[cpu_i])
    elif sort_by == "memory":
        rows.sort(key=lambda r: -r[mem_i])


def top_pods(client: Any, args: list[str], opts: dict) -> str:
    """``kubectl top pod [NAME] [-A] [-l sel] [--containers] [--sort-by=cpu|memory] [--sum]``."""
    _check_sort(opts.get("sort-by"))
    all_ns = bool(opts.get("all-namespaces"))
    ns = None if all_ns else (opts.get("namespace") or "default")
    api = _api(client)
    try:
        if args:
            metrics = [api.get("pods", args[0], ns)]
        else:
            metrics = api.list("pods", ns, label_selector=opts.get("selector"))["items"]
    except ApiError as e:
        if e.code == 404 and "could not find the requested resource" in e.message:
            raise KubectlError("error: Metrics API not available")
        if e.code == 404:
            raise KubectlError(f"Error from server (NotFound): {e.message}")
        raise
    if not metrics:
        if all_ns:
            return "No resources found\n"
        return f"No resources found in {ns} namespace.\n"
    rows = []
    for m in metrics:
        md = m["metadata"]
        conts = [(c["name"], _cpu(c["usage"]["cpu"]), _mem(c["usage"]["memory"])) for c in m.get("containers") or []]
        rows.append((md["namespace"], md["name"], sum(c[1] for c in conts), sum(c[2] for c in conts), conts))
    rows.sort(key=lambda r: (r[0], r[1]))
    _sort(rows, opts.get("sort-by"), cpu_i=2, mem_i=3)
    header = (["NAMESPACE"] if all_ns else []) + (["POD"] if opts.get("containers") else []) + \
        ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    out = []
    for pns, name, cpu, mem, conts in rows:
        prefix = [pns] if all_ns else []
        if opts.get("containers"):
            for cname, ccpu, cmem in conts:
                out.append(prefix + [name, cname] + _cells(ccpu, cmem))
        else:
            out.append(prefix + [name] + _cells(cpu, mem))
    if opts.get("sum"):
        blank = [""] * (len(header) - 2)
        out.append(blank + ["________", "________"])
        out.append(blank + _cells(sum(r[2] for r in rows), sum(r[3] for r in rows)))
    return _table(header, out, opts.get("no-headers"))
