"""The cluster drawn as worker nodes holding their pods, each pod coloured by its status.

:func:`cluster_layout` is the data (one row per pod: node, pod, phase, status as
``kubectl get pods`` prints it, ready); :func:`draw_cluster` draws it. Pods the scheduler
has not bound yet are drawn in a separate "unscheduled" column, which is where a Pending
pod really is: in etcd, with no ``spec.nodeName``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .tables import is_pod_ready, node_status, pod_status, read_objects

UNSCHEDULED = "(unscheduled)"

#: status colours: green = serving, amber = on its way, grey = going away, red = broken
STATUS_COLOURS = {
    "Running": "#2e9e44",
    "NotReady": "#e3b505",
    "Pending": "#f0a030",
    "ContainerCreating": "#f5c542",
    "PodInitializing": "#f5c542",
    "Terminating": "#9e9e9e",
    "Completed": "#4a78c2",
    "Succeeded": "#4a78c2",
    "Unknown": "#8e5bb5",
    "Failed": "#d0342c",
    "Error": "#d0342c",
    "CrashLoopBackOff": "#d0342c",
    "ImagePullBackOff": "#d0342c",
    "ErrImagePull": "#d0342c",
}
_OTHER = "#c0392b"

LAYOUT_COLUMNS = ["node", "pod", "namespace", "phase", "status", "ready"]


def status_colour(status: str, ready: bool = True) -> str:
    """The fill colour for a pod: by kubectl's STATUS; a Running pod that is not Ready is amber."""
    if status == "Running" and not ready:
        return STATUS_COLOURS["NotReady"]
    return STATUS_COLOURS.get(status, _OTHER)


def cluster_layout(c: Any, namespace: str | None = None) -> pd.DataFrame:
    """One row per pod: its node (or ``(unscheduled)``), name, namespace, phase, STATUS, Ready.

    Rows follow the nodes in name order, unscheduled pods last, pods by name within a node.
    """
    nodes = sorted(n["metadata"]["name"] for n in read_objects(c, "nodes"))
    order = {n: i for i, n in enumerate(nodes)}
    rows = []
    for p in read_objects(c, "pods", namespace):
        node = p.get("spec", {}).get("nodeName") or UNSCHEDULED
        rows.append({
            "node": node,
            "pod": p["metadata"]["name"],
            "namespace": p["metadata"].get("namespace", ""),
            "phase": p.get("status", {}).get("phase", ""),
            "status": pod_status(p, c.now),
            "ready": is_pod_ready(p),
        })
    rows.sort(key=lambda r: (order.get(r["node"], len(order)), r["node"], r["namespace"], r["pod"]))
    return pd.DataFrame(rows, columns=LAYOUT_COLUMNS)


def _node_states(c: Any) -> dict[str, str]:
    return {n["metadata"]["name"]: node_status(n) for n in read_objects(c, "nodes")}


def draw_cluster(c: Any, ax: Any = None, namespace: str | None = None, title: str | None = None,
                 columns: int = 3) -> Any:
    """Draw the nodes as boxes holding their pods (coloured by status); returns the Figure.

    A node that is not Ready gets a red dashed outline. With ``ax=None`` a new pyplot
    figure is made (end the notebook cell with ``plt.show()``).
    """
    from matplotlib.patches import FancyBboxPatch, Patch

    layout = cluster_layout(c, namespace)
    states = _node_states(c)
    nodes = sorted(states)
    if (layout["node"] == UNSCHEDULED).any():
        nodes.append(UNSCHEDULED)
    per_node = {n: layout[layout["node"] == n] for n in nodes}
    most = max([len(df) for df in per_node.values()] + [1])
    rows_needed = -(-most // columns)

    if ax is None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(max(6.0, 2.6 * max(len(nodes), 1)), 1.6 + 0.75 * rows_needed))
    fig = ax.figure

    cell = 0.8
    box_w = columns * cell + 0.4
    box_h = rows_needed * cell + 0.9
    gap = 0.5
    for i, n in enumerate(nodes):
        x0 = i * (box_w + gap)
        state = states.get(n, "")
        healthy = n == UNSCHEDULED or state.startswith("Ready")
        ax.add_patch(FancyBboxPatch((x0, 0), box_w, box_h, boxstyle="round,pad=0.02,rounding_size=0.12",
                                    facecolor="#f4f6fb" if n != UNSCHEDULED else "#ffffff",
                                    edgecolor="#34495e" if healthy else "#d0342c",
                                    linestyle=":" if n == UNSCHEDULED else ("-" if healthy else "--"),
                                    linewidth=1.6 if healthy else 2.4))
        label = n if n == UNSCHEDULED else f"{n}\n{state}"
        ax.text(x0 + box_w / 2, box_h - 0.12, label, ha="center", va="top", fontsize=9,
                fontweight="bold", color="#2c3e50" if healthy else "#d0342c")
        for j, row in enumerate(per_node[n].itertuples(index=False)):
            r, col = divmod(j, columns)
            px = x0 + 0.2 + col * cell
            py = box_h - 0.85 - (r + 1) * cell + 0.1
            ax.add_patch(FancyBboxPatch((px + 0.05, py + 0.05), cell - 0.1, cell - 0.1,
                                        boxstyle="round,pad=0.01,rounding_size=0.08",
                                        facecolor=status_colour(row.status, row.ready),
                                        edgecolor="#2c3e50", linewidth=0.8))
            short = row.pod.rsplit("-", 1)[-1] if "-" in row.pod else row.pod
            ax.text(px + cell / 2, py + cell / 2, short, ha="center", va="center", fontsize=7, color="white",
                    fontweight="bold")
    total_w = len(nodes) * (box_w + gap) - gap if nodes else 1
    ax.set_xlim(-0.2, total_w + 0.2)
    ax.set_ylim(-0.2, box_h + 0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    seen = []
    for row in layout.itertuples(index=False):
        key = "Running (not ready)" if row.status == "Running" and not row.ready else row.status
        if key not in seen:
            seen.append(key)
    handles = [Patch(facecolor=status_colour("Running", False) if k == "Running (not ready)" else status_colour(k),
                     edgecolor="#2c3e50", label=k) for k in seen]
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=min(len(handles), 5),
                  fontsize=8, frameon=False)
    t = getattr(c, "now", 0.0)
    ax.set_title(title or f"{len(layout)} pods on {len(states)} nodes at t={t:g}s", fontsize=10)
    return fig
