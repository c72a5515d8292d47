"""Watching the cluster over time: sampled pod counts per node, and the Events that explain them.

:func:`observe` advances the cluster in steps of ``every`` virtual seconds and records,
after each step, every node's status and how many pods it holds and how many are Ready;
:func:`draw_timeline` plots those samples. :func:`failure_events` is the Event story of a
node failure (upstream reasons: ``NodeNotReady`` from the node lifecycle controller,
``TaintManagerEviction`` from the taint-eviction controller, ``SuccessfulCreate`` from the
ReplicaSet controller, ``Scheduled`` from the scheduler, ``Started`` from the kubelet;
upstream: pkg/controller/util/node/controller_utils.go, pkg/controller/tainteviction/
taint_eviction.go, pkg/controller/replicaset/replica_set.go, pkg/scheduler/schedule_one.go,
pkg/kubelet/events/event.go).
"""

from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from .cluster_view import UNSCHEDULED
from .tables import events_table, is_pod_ready, node_status, read_objects

SAMPLE_COLUMNS = ["time", "node", "node_status", "pods", "ready", "terminating"]

#: the Event reasons that tell the story of a node failure and recovery, in upstream's words
FAILURE_REASONS = ("NodeNotReady", "NodeReady", "TaintManagerEviction", "SuccessfulCreate", "SuccessfulDelete",
                   "Scheduled", "Started", "Killing")


def sample(c: Any, namespace: str | None = "default") -> list[dict]:
    """One row per node (plus unscheduled pods): node status, pods held, Ready pods, Terminating pods."""
    t = round(c.now, 6)
    nodes = {n["metadata"]["name"]: node_status(n) for n in read_objects(c, "nodes")}
    counts = {n: [0, 0, 0] for n in nodes}
    for p in read_objects(c, "pods", namespace):
        if p.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            continue
        n = p.get("spec", {}).get("nodeName") or UNSCHEDULED
        cnt = counts.setdefault(n, [0, 0, 0])
        cnt[0] += 1
        if is_pod_ready(p):
            cnt[1] += 1
        if p["metadata"].get("deletionTimestamp"):
            cnt[2] += 1
    rows = []
    for n in sorted(nodes) + ([UNSCHEDULED] if UNSCHEDULED in counts else []):
        pods, ready, term = counts[n]
        rows.append({"time": t, "node": n, "node_status": nodes.get(n, ""), "pods": pods, "ready": ready,
                     "terminating": term})
    return rows


def observe(c: Any, seconds: float, every: float = 5.0, namespace: str | None = "default") -> pd.DataFrame:
    """Run the cluster for ``seconds``, sampling every ``every`` seconds (and once before starting)."""
    if every <= 0:
        raise ValueError(f"every must be > 0, got {every}")
    rows = sample(c, namespace)
    end = c.now + seconds
    while c.now < end - 1e-9:
        c.run(min(every, end - c.now))
        rows.extend(sample(c, namespace))
    return pd.DataFrame(rows, columns=SAMPLE_COLUMNS)


def ready_by_node(samples: pd.DataFrame) -> pd.DataFrame:
    """The samples as a wide table: one row per time, one column of Ready pods per node."""
    wide = samples.pivot_table(index="time", columns="node", values="ready", aggfunc="sum", fill_value=0)
    wide.columns.name = None
    return wide.astype(int)


def transitions(samples: pd.DataFrame) -> pd.DataFrame:
    """Only the samples where a node's status or its pod counts changed: the timeline's turning points."""
    out = []
    last: dict[str, tuple] = {}
    for row in samples.itertuples(index=False):
        state = (row.node_status, row.pods, row.ready, row.terminating)
        if last.get(row.node) != state:
            out.append(row._asdict())
            last[row.node] = state
    return pd.DataFrame(out, columns=SAMPLE_COLUMNS).reset_index(drop=True)


def failure_events(c: Any, since: float = 0.0, reasons: Iterable[str] = FAILURE_REASONS) -> pd.DataFrame:
    """The Events since ``since`` whose reasons tell a node-failure story, oldest first."""
    return events_table(c, since=since, namespace=None, reasons=tuple(reasons))


def failure_marks(events: pd.DataFrame, node: str, failed_at: float) -> list[tuple[float, str]]:
    """The turning points of a node failure, for :func:`draw_timeline`: when the node went dark,
    when the node controller marked it NotReady, the first eviction, the first replacement,
    and (if it came back) when it was Ready again."""
    marks = [(failed_at, f"{node} goes dark")]

    def first(mask, label: str) -> None:
        rows = events[mask & (events["time"] >= failed_at)]
        if len(rows):
            marks.append((float(rows["time"].iloc[0]), label))

    obj = events["object"]
    first((events["reason"] == "NodeNotReady") & (obj == f"node/{node}"), f"{node} NotReady")
    first(events["reason"] == "TaintManagerEviction", "pods evicted")
    evicted = events[(events["reason"] == "TaintManagerEviction") & (events["time"] >= failed_at)]
    if len(evicted):
        t_evict = float(evicted["time"].iloc[0])
        first((events["reason"] == "SuccessfulCreate") & (events["time"] >= t_evict), "replacement created")
        first((events["reason"] == "Started") & (events["time"] >= t_evict), "replacement started")
    first((events["reason"] == "NodeReady") & (obj == f"node/{node}"), f"{node} Ready again")
    return marks


def draw_timeline(samples: pd.DataFrame, ax: Any = None, marks: Iterable[tuple[float, str]] = (),
                  title: str | None = None) -> Any:
    """Ready pods over time, stacked by node (the top edge is the total); red bands while a node is
    not Ready; ``marks`` as labelled vertical lines."""
    wide = ready_by_node(samples)
    marks = list(marks)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(10, 4))
    fig = ax.figure
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"]
    base = pd.Series(0, index=wide.index)
    for i, node in enumerate(wide.columns):  # stacked: the top edge is the total of Ready pods
        upper = base + wide[node]
        ax.fill_between(wide.index, base, upper, step="post", color=palette[i % len(palette)], alpha=0.85,
                        label=node, lw=0)
        base = upper
    times = sorted(samples["time"].unique())
    for node, df in samples.groupby("node", sort=True):
        bad = df[(df["node_status"] != "") & (~df["node_status"].str.startswith("Ready"))]["time"].tolist()
        for t in bad:
            i = times.index(t)
            t1 = times[i + 1] if i + 1 < len(times) else t
            ax.axvspan(t, t1, color="#d0342c", alpha=0.12, lw=0)
    top = max(1, int(wide.sum(axis=1).max()) if wide.size else 1)
    span = (max(times) - min(times)) if len(times) > 1 else 1.0
    merged: list[tuple[float, str]] = []
    for t, label in sorted(marks, key=lambda m: m[0]):
        if merged and t - merged[-1][0] < 0.02 * span:  # too close to tell apart: one line, stacked labels
            merged[-1] = (merged[-1][0], merged[-1][1] + "\n" + label)
        else:
            merged.append((t, label))
    for i, (t, label) in enumerate(merged):
        ax.axvline(t, color="#7f8c8d", ls=":", lw=1)
        right = t > min(times) + 0.75 * span if times else False  # near the right edge: text to the left
        ax.text(t - 0.004 * span if right else t + 0.004 * span, top + 0.35 + 0.9 * (i % 2), label, va="bottom",
                ha="right" if right else "left", fontsize=7, color="#555555")
    ax.set_ylim(-0.2, top + 3.2 if merged else top + 0.8)
    ax.set_xlabel("virtual time (s)")
    ax.set_ylabel("Ready pods (stacked by node)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.set_title(title or "Ready pods by node (red bands: a node is not Ready)", fontsize=10)
    return fig
