"""Chapter 06's scheduler figures: explain tables, the node × plugin score heatmap, bin packing.

Data functions first (pandas), each with the drawing made from it:

- :func:`score_matrix` -- the score columns of ``c.scheduler.explain(pod)``, nodes sorted
  by name; :func:`draw_score_heatmap` draws it.
- :func:`node_usage` -- per node: pods, CPU/memory requested and allocatable, free CPU.
- :func:`binpacking_run` -- one bin-packing experiment on a fresh cluster with a given
  ``NodeResourcesFit`` scoring strategy (upstream:
  pkg/scheduler/framework/plugins/noderesources/least_allocated.go, most_allocated.go);
  :func:`binpacking_summary` compares strategies (nodes used, fragmentation);
  :func:`draw_binpacking` draws the per-node CPU bars side by side.
- :func:`placement` -- pod → node and zone, for the spreading section.

Fragmentation here is k8slab's teaching measure, not a Kubernetes one: ``1 - largest free
CPU on one node / total free CPU`` (0 = all free CPU is in one place, so the largest pod
that still fits is as large as it can be; near 1 = the free CPU is scattered in crumbs).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

import pandas as pd

from .tables import read_objects

ZONE_LABEL = "topology.kubernetes.io/zone"
STRATEGIES = ("LeastAllocated", "MostAllocated")

#: the workload of the bin-packing experiment: CPU requests (millicores), created in this order
BINPACKING_WORKLOAD = (500, 250, 1000, 250, 500, 750, 250, 500, 1000, 250, 500, 250)


def _milli(q: Any) -> int:
    from ..api.quantity import parse_quantity

    return int(parse_quantity(str(q)) * 1000) if q not in (None, "") else 0


def _mebi(q: Any) -> int:
    from ..api.quantity import parse_quantity

    return int(parse_quantity(str(q)) / Decimal(1024 * 1024)) if q not in (None, "") else 0


def score_matrix(c: Any, pod: Any, namespace: str = "default") -> pd.DataFrame:
    """Node × score plugin (0-100 normalized, as ``explain``), plus ``total``; nodes by name.

    Infeasible nodes are kept, with <NA> scores, so the picture shows where the filters cut.
    """
    df = c.scheduler.explain(pod, namespace).sort_index()
    return df.drop(columns=["feasible", "reason"])


def draw_score_heatmap(scores: pd.DataFrame, ax: Any = None, title: str | None = None) -> Any:
    """Draw :func:`score_matrix` (without ``total``) as a heatmap with the numbers written in."""
    import numpy as np

    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(1.2 * max(len(scores.columns), 4), 0.5 * len(scores) + 1.5))
    data = scores.drop(columns=["total"], errors="ignore")
    values = data.astype("float64").to_numpy()
    masked = np.ma.masked_invalid(values)
    im = ax.imshow(masked, cmap="viridis", vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(range(len(data.columns)))
    ax.set_xticklabels(data.columns, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(data.index)))
    ax.set_yticklabels(data.index, fontsize=8)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            ax.text(j, i, "×" if np.isnan(v) else f"{int(v)}", ha="center", va="center", fontsize=8,
                    color="black" if (not np.isnan(v) and v > 60) else "white" if not np.isnan(v) else "#c0392b")
    ax.set_title(title or "score per node and plugin (× = filtered out)", fontsize=10)
    ax.figure.colorbar(im, ax=ax, fraction=0.03)
    return ax.figure


def node_usage(c: Any) -> pd.DataFrame:
    """One row per node (by name): pods, cpu_requested_m, cpu_allocatable_m, cpu_free_m,
    memory_requested_Mi, memory_allocatable_Mi -- requests of the pods bound to it that are not
    finished."""
    rows = {}
    for n in read_objects(c, "nodes"):
        alloc = (n.get("status") or {}).get("allocatable") or {}
        rows[n["metadata"]["name"]] = {"pods": 0, "cpu_requested_m": 0, "cpu_allocatable_m": _milli(alloc.get("cpu")),
                                       "memory_requested_Mi": 0, "memory_allocatable_Mi": _mebi(alloc.get("memory"))}
    for p in read_objects(c, "pods"):
        node = (p.get("spec") or {}).get("nodeName")
        if node not in rows or (p.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            continue
        r = rows[node]
        r["pods"] += 1
        for ctr in p["spec"].get("containers") or []:
            req = (ctr.get("resources") or {}).get("requests") or {}
            r["cpu_requested_m"] += _milli(req.get("cpu"))
            r["memory_requested_Mi"] += _mebi(req.get("memory"))
    df = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    df.index.name = "node"
    df["cpu_free_m"] = df["cpu_allocatable_m"] - df["cpu_requested_m"]
    return df[["pods", "cpu_requested_m", "cpu_allocatable_m", "cpu_free_m", "memory_requested_Mi",
               "memory_allocatable_Mi"]]


def strategy_config(strategy: str) -> dict:
    """A KubeSchedulerConfiguration whose default profile scores NodeResourcesFit with ``strategy``."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown scoring strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    return {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
            "profiles": [{"schedulerName": "default-scheduler", "pluginConfig": [
                {"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": strategy}}}]}]}


def workload_pod(i: int, cpu_m: int, memory: str = "128Mi") -> dict:
    """Pod ``job-<i>`` requesting ``cpu_m`` millicores (an ``nginx`` container)."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"job-{i:02d}", "labels": {"app": "job"}},
            "spec": {"containers": [{"name": "main", "image": "nginx:1.25",
                                     "resources": {"requests": {"cpu": f"{cpu_m}m", "memory": memory}}}]}}


def binpacking_run(strategy: str, workload: Iterable[int] = BINPACKING_WORKLOAD, nodes: int = 5, seed: int = 0,
                   node_cpu: str = "2", node_memory: str = "4Gi") -> pd.DataFrame:
    """Schedule ``workload`` (CPU millicores per pod, one pod at a time) on a fresh cluster
    scored with ``strategy``; returns :func:`node_usage` with a ``strategy`` column."""
    from ..cluster import Cluster

    c = Cluster(seed=seed, nodes=nodes, node_cpu=node_cpu, node_memory=node_memory,
                scheduler_config=strategy_config(strategy))
    c.run(2)
    for i, cpu in enumerate(workload):
        c.apply(workload_pod(i, cpu))
        c.run(1)
    c.run(5)
    df = node_usage(c)
    df.insert(0, "strategy", strategy)
    return df


def binpacking_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Per strategy: nodes_used, empty_nodes, cpu_free_m, largest_free_m (the biggest CPU request
    that still fits anywhere) and fragmentation (``1 - largest_free_m / cpu_free_m``, 3 decimals)."""
    out = {}
    for strategy, df in runs.groupby("strategy", sort=False):
        free = int(df["cpu_free_m"].sum())
        largest = int(df["cpu_free_m"].max())
        out[strategy] = {"nodes_used": int((df["pods"] > 0).sum()), "empty_nodes": int((df["pods"] == 0).sum()),
                         "pods": int(df["pods"].sum()), "cpu_free_m": free, "largest_free_m": largest,
                         "fragmentation": round(1 - largest / free, 3) if free else 0.0}
    res = pd.DataFrame.from_dict(out, orient="index")
    res.index.name = "strategy"
    return res


def draw_binpacking(runs: pd.DataFrame, ax: Any = None) -> Any:
    """Per-node CPU requested (solid) and free (hatched), one group of bars per strategy."""
    import numpy as np

    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(9, 3.6))
    strategies = list(dict.fromkeys(runs["strategy"]))
    colours = {"LeastAllocated": "#4a78c2", "MostAllocated": "#2e9e44"}
    width = 0.8 / max(len(strategies), 1)
    nodes = sorted(set(runs.index))
    x = np.arange(len(nodes))
    for k, s in enumerate(strategies):
        df = runs[runs["strategy"] == s].reindex(nodes)
        pos = x + (k - (len(strategies) - 1) / 2) * width
        ax.bar(pos, df["cpu_requested_m"], width, color=colours.get(s, "#888"), label=f"{s}: requested")
        ax.bar(pos, df["cpu_free_m"], width, bottom=df["cpu_requested_m"], color="white",
               edgecolor=colours.get(s, "#888"), hatch="//", label=f"{s}: free")
    ax.set_xticks(x)
    ax.set_xticklabels(nodes)
    ax.set_ylabel("CPU (millicores)")
    ax.set_title("the same pods, two scoring strategies")
    ax.legend(fontsize=8, ncol=2)
    return ax.figure


def placement(c: Any, namespace: str | None = "default", label: str | None = None) -> pd.DataFrame:
    """One row per pod (by name): node and the node's zone (``topology.kubernetes.io/zone``);
    only pods carrying ``label`` (a key) when given."""
    zones = {n["metadata"]["name"]: (n["metadata"].get("labels") or {}).get(ZONE_LABEL, "")
             for n in read_objects(c, "nodes")}
    rows = []
    for p in read_objects(c, "pods", namespace):
        if label and label not in (p["metadata"].get("labels") or {}):
            continue
        node = (p.get("spec") or {}).get("nodeName") or ""
        rows.append({"pod": p["metadata"]["name"], "node": node or "(pending)", "zone": zones.get(node, "")})
    return pd.DataFrame(sorted(rows, key=lambda r: r["pod"]), columns=["pod", "node", "zone"]).set_index("pod")


__all__ = ["score_matrix", "draw_score_heatmap", "node_usage", "strategy_config", "workload_pod", "binpacking_run",
           "binpacking_summary", "draw_binpacking", "placement", "BINPACKING_WORKLOAD", "STRATEGIES", "ZONE_LABEL"]
