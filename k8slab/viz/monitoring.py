"""Monitoring figures: the cluster's events on a timeline, and a dashboard of CPU, replicas and pending pods.

:func:`events_frame` reads every Event through the API (as ``kubectl get events -A`` does)
into a DataFrame, one row per Event object, timed on the virtual clock; :func:`draw_event_timeline`
puts them on a timeline, one lane per reason, Warnings in red. :func:`dashboard_frame` joins the
metrics-server's time series (``cluster.metrics("node"|"cluster"|"deployment"|"hpa")``) into one
row per scrape, and :func:`draw_dashboard` draws it as three stacked panels (CPU used against
allocatable, replicas, pending pods) — what a Grafana board over metrics-server and
kube-state-metrics would show. :func:`hpa_frame` / :func:`draw_hpa` put an HPA's replicas next
to the load and the utilization it saw. Figures are drawn from these frames, so tests check
the frames.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..api.meta import parse_time

__all__ = ["events_frame", "draw_event_timeline", "dashboard_frame", "draw_dashboard", "hpa_frame", "draw_hpa",
           "EVENT_COLUMNS", "TYPE_COLOURS"]

EVENT_COLUMNS = ["time", "first_seen", "namespace", "type", "reason", "object", "message", "count", "source"]
TYPE_COLOURS = {"Normal": "#1f77b4", "Warning": "#d62728"}


def _t(ts: str | None) -> float | None:
    return parse_time(ts) if ts else None


def events_frame(c: Any, namespace: str | None = None, types: list[str] | None = None) -> pd.DataFrame:
    """Every Event (of ``namespace``, or all), oldest first, as ``kubectl events`` orders them.

    ``time`` is when the event was last seen (``series.lastObservedTime``, ``lastTimestamp`` or
    ``eventTime``: upstream kubectl/pkg/cmd/events ``eventTime``), ``first_seen`` when it was first,
    both in virtual seconds; ``object`` is ``kind/name`` as kubectl prints it.
    """
    rows = []
    for e in c.client.list("events", namespace)["items"]:
        series = e.get("series") or {}
        last = _t(series.get("lastObservedTime")) or _t(e.get("lastTimestamp")) or _t(e.get("eventTime")) or 0.0
        first = _t(e.get("eventTime")) or _t(e.get("firstTimestamp")) or last
        io = e.get("involvedObject") or {}
        src = e.get("source") or {}
        rows.append({"time": last, "first_seen": first, "namespace": e["metadata"].get("namespace", ""),
                     "type": e.get("type", ""), "reason": e.get("reason", ""),
                     "object": f"{(io.get('kind') or '').lower()}/{io.get('name', '')}",
                     "message": (e.get("message") or "").strip(),
                     "count": series.get("count") or e.get("count") or 1,
                     "source": src.get("component") or e.get("reportingComponent") or ""})
    df = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    if types:
        df = df[df["type"].isin(types)]
    return df.sort_values(["time", "first_seen"], kind="stable").reset_index(drop=True)


def draw_event_timeline(events: pd.DataFrame, ax: Any = None, lane: str = "reason", title: str = "Events") -> Any:
    """A dot per Event at its last-seen time, one lane per ``lane`` value (reason, source or type)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, max(2.5, 0.32 * events[lane].nunique() + 1)))
    lanes = list(dict.fromkeys(events.sort_values("time", kind="stable")[lane]))
    y = {name: i for i, name in enumerate(lanes)}
    for typ, g in events.groupby("type", sort=True):
        ax.scatter(g["time"], [y[v] for v in g[lane]], s=18 + 6 * (g["count"].clip(upper=10) - 1),
                   c=TYPE_COLOURS.get(typ, "#7f7f7f"), label=typ, alpha=0.8, zorder=3)
    ax.set_yticks(range(len(lanes)))
    ax.set_yticklabels(lanes, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("virtual time (s)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title)
    if len(events):
        ax.legend(loc="lower right", fontsize=8)
    return ax


def dashboard_frame(c: Any, deployment: str | None = None, namespace: str = "default") -> pd.DataFrame:
    """One row per metrics-server scrape: ``cpu`` (cores used on all nodes), ``cpu_allocatable``,
    ``nodes``, ``pods_pending``, ``pods_running`` and ``replicas`` / ``ready`` (of ``deployment``, or
    summed over all Deployments). Needs ``cluster.start_metrics_server()``.
    """
    cluster = c.metrics("cluster")
    if cluster.empty:
        return pd.DataFrame(columns=["time", "cpu", "cpu_allocatable", "nodes", "pods_pending", "pods_running",
                                     "replicas", "ready"])
    nodes = c.metrics("node")
    cpu = nodes.groupby("time", as_index=False)[["cpu", "cpu_allocatable"]].sum()
    deps = c.metrics("deployment")
    if deployment is not None and not deps.empty:
        deps = deps[(deps["name"] == deployment) & (deps["namespace"] == namespace)]
    if deps.empty:
        reps = pd.DataFrame({"time": cluster["time"], "replicas": 0, "ready": 0})
    else:
        reps = deps.groupby("time", as_index=False)[["replicas", "ready"]].sum()
    df = cluster.merge(cpu, on="time", how="left").merge(reps, on="time", how="left")
    df[["cpu", "cpu_allocatable"]] = df[["cpu", "cpu_allocatable"]].fillna(0.0).round(3)
    df[["replicas", "ready"]] = df[["replicas", "ready"]].fillna(0).astype(int)
    return df[["time", "cpu", "cpu_allocatable", "nodes", "pods_pending", "pods_running", "replicas", "ready"]]


def draw_dashboard(df: pd.DataFrame, fig: Any = None, title: str = "Cluster dashboard") -> Any:
    """Three panels over time from :func:`dashboard_frame`: CPU (used vs allocatable), replicas, pending pods."""
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure(figsize=(10, 6.5))
    axes = fig.subplots(3, 1, sharex=True)
    axes[0].plot(df["time"], df["cpu"], label="CPU used (cores)", color="#ff7f0e")
    axes[0].step(df["time"], df["cpu_allocatable"], where="post", label="allocatable (cores)", color="#7f7f7f",
                 linestyle="--")
    axes[0].set_ylabel("cores")
    axes[0].legend(loc="upper left", fontsize=8)
    axes[1].step(df["time"], df["replicas"], where="post", label="replicas (spec)", color="#1f77b4")
    axes[1].step(df["time"], df["ready"], where="post", label="ready", color="#2ca02c", linestyle=":")
    axes[1].step(df["time"], df["nodes"], where="post", label="nodes", color="#9467bd", linestyle="-.")
    axes[1].set_ylabel("count")
    axes[1].legend(loc="upper left", fontsize=8)
    axes[2].fill_between(df["time"], df["pods_pending"], step="post", color="#d62728", alpha=0.4)
    axes[2].step(df["time"], df["pods_pending"], where="post", color="#d62728", label="pending pods")
    axes[2].set_ylabel("pending")
    axes[2].set_xlabel("virtual time (s)")
    axes[2].legend(loc="upper left", fontsize=8)
    for ax in axes:
        ax.grid(alpha=0.3)
    axes[0].set_title(title)
    return fig


def hpa_frame(c: Any, load: Any, name: str, namespace: str = "default") -> pd.DataFrame:
    """An HPA's view at each scrape: ``rps`` (the load generator's rate then), ``replicas`` (the
    Deployment's spec), ``utilization`` (the HPA's last observed average, % of request) and ``target``."""
    hpa = c.metrics("hpa")
    hpa = hpa[(hpa["name"] == name) & (hpa["namespace"] == namespace)] if not hpa.empty else hpa
    deps = c.metrics("deployment", name=name, namespace=namespace)
    target = None
    for m in (c.client.get("horizontalpodautoscalers", name, namespace).get("spec") or {}).get("metrics") or []:
        target = ((m.get("resource") or {}).get("target") or {}).get("averageUtilization", target)
    out = deps[["time", "replicas", "ready"]].copy()
    util = hpa[["time", "utilization"]] if not hpa.empty and "utilization" in hpa.columns else \
        pd.DataFrame({"time": out["time"], "utilization": float("nan")})
    out = out.merge(util, on="time", how="left")
    out.insert(1, "rps", [round(load.rate(t), 1) for t in out["time"]])
    out["target"] = target
    return out.reset_index(drop=True)


def draw_hpa(df: pd.DataFrame, ax: Any = None, title: str = "HPA under load") -> Any:
    """Replicas (left axis) against the load (rps) and the observed utilization (% of request, right axis)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    ax.step(df["time"], df["replicas"], where="post", color="#1f77b4", label="replicas", linewidth=2)
    ax.set_ylabel("replicas")
    ax.set_xlabel("virtual time (s)")
    right = ax.twinx()
    right.plot(df["time"], df["rps"], color="#7f7f7f", label="load (rps)")
    right.plot(df["time"], df["utilization"], color="#ff7f0e", label="CPU utilization (%)")
    if df["target"].notna().any():
        right.axhline(float(df["target"].dropna().iloc[0]), color="#ff7f0e", linestyle="--", linewidth=1,
                      label="target (%)")
    right.set_ylabel("rps / %")
    lines = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(title)
    return ax
