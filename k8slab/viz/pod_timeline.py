"""A pod's containers over time: when each ran, why it stopped, and the probe results.

:func:`observe_pod` advances a cluster in steps and records each container's state
(``Waiting``/``Running``/``Terminated`` with its reason), readiness and restart count;
:func:`container_intervals` turns the samples into intervals and :func:`draw_pod_timeline`
draws them: one lane per container, coloured by state, restarts marked. Chapter 05 uses
it to show restart policies, CrashLoopBackOff and probes.

(The brief named this module ``k8slab/viz/timeline.py``; that file already belongs to
chapter 03's node timeline, so the pod timeline lives here.)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["container_state", "observe_pod", "container_intervals", "draw_pod_timeline", "STATE_COLOURS"]

STATE_COLOURS = {"Running": "#2ca02c", "Ready": "#2ca02c", "NotReady": "#bcbd22", "Waiting": "#ff7f0e",
                 "CrashLoopBackOff": "#d62728", "Terminated": "#7f7f7f", "Completed": "#1f77b4",
                 "OOMKilled": "#9467bd", "Error": "#8c564b", "Gone": "#ffffff"}


def container_state(cs: dict) -> tuple[str, str]:
    """(kind, reason) of a container status: ('Running', 'Ready'/'NotReady'), ('Waiting', reason), ..."""
    st = cs.get("state") or {}
    if "running" in st:
        return "Running", "Ready" if cs.get("ready") else "NotReady"
    if "terminated" in st:
        return "Terminated", st["terminated"].get("reason") or "Error"
    return "Waiting", (st.get("waiting") or {}).get("reason") or "ContainerCreating"


def observe_pod(c: Any, name: str, seconds: float, every: float = 1.0, namespace: str = "default") -> pd.DataFrame:
    """Run ``c`` for ``seconds`` and sample pod ``name`` every ``every`` seconds."""
    rows = []
    end = c.now + seconds
    while c.now < end - 1e-9:
        c.run(min(every, end - c.now))
        try:
            pod = c.client.get("pods", name, namespace)
        except Exception:
            rows.append({"time": round(c.now, 3), "container": "", "state": "Gone", "reason": "", "ready": False,
                         "restarts": 0})
            continue
        for cs in (pod.get("status") or {}).get("containerStatuses") or []:
            kind, reason = container_state(cs)
            rows.append({"time": round(c.now, 3), "container": cs["name"], "state": kind, "reason": reason,
                         "ready": bool(cs.get("ready")), "restarts": cs.get("restartCount", 0)})
    return pd.DataFrame(rows, columns=["time", "container", "state", "reason", "ready", "restarts"])


def container_intervals(samples: pd.DataFrame) -> pd.DataFrame:
    """Consecutive samples with the same (state, reason, restarts) merged into intervals."""
    out = []
    for name, g in samples[samples["container"] != ""].groupby("container", sort=False):
        cur = None
        for r in g.itertuples():
            key = (r.state, r.reason, r.restarts)
            if cur is not None and cur["key"] == key:
                cur["end"] = r.time
                continue
            if cur is not None:
                cur["end"] = r.time
                out.append(cur)
            cur = {"container": name, "start": r.time, "end": r.time, "key": key}
        if cur is not None:
            out.append(cur)
    return pd.DataFrame([{"container": i["container"], "start": i["start"], "end": i["end"], "state": i["key"][0],
                          "reason": i["key"][1], "restarts": i["key"][2]} for i in out],
                        columns=["container", "start", "end", "state", "reason", "restarts"])


def _colour(state: str, reason: str) -> str:
    if state == "Running":
        return STATE_COLOURS[reason]
    return STATE_COLOURS.get(reason, STATE_COLOURS.get(state, "#cccccc"))


def draw_pod_timeline(samples: pd.DataFrame, title: str = "", ax: Any = None) -> Any:
    """One lane per container: green running+ready, olive running not ready, orange waiting,
    red CrashLoopBackOff, purple OOMKilled; a tick where the restart count goes up."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    iv = container_intervals(samples)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 1 + 0.6 * max(1, iv["container"].nunique())))
    lanes = list(dict.fromkeys(iv["container"]))
    for i, name in enumerate(lanes):
        for r in iv[iv["container"] == name].itertuples():
            ax.broken_barh([(r.start, max(r.end - r.start, 0.5))], (i - 0.35, 0.7), color=_colour(r.state, r.reason))
        g = samples[samples["container"] == name]
        prev = None
        for r in g.itertuples():
            if prev is not None and r.restarts > prev:
                ax.plot([r.time, r.time], [i - 0.45, i + 0.45], color="black", lw=1)
                ax.annotate(str(r.restarts), (r.time, i + 0.45), fontsize=7, ha="center", va="bottom")
            prev = r.restarts
    ax.set_yticks(range(len(lanes)), lanes)
    ax.set_xlabel("virtual seconds")
    if title:
        ax.set_title(title)
    used = sorted({r for r in iv["reason"]} | {s for s in iv["state"]})
    handles = [Patch(color=STATE_COLOURS[k], label=k) for k in STATE_COLOURS if k in used]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return ax
