"""A rolling update drawn step by step: the old and new ReplicaSets' sizes over time.

:func:`sample_rollout` reads, at one instant, every ReplicaSet a Deployment owns (its
revision, ``spec.replicas``, ready and available replicas) and the Deployment's own pod
counts; :func:`observe_rollout` advances the cluster in steps and samples after each;
:func:`rollout_table` is the same data as one row per instant (the table in the chapter)
and :func:`draw_rollout` plots it. :func:`rollout_bounds` checks upstream's two
guarantees for RollingUpdate (pkg/controller/deployment/rolling.go, util/
deployment_util.go ``MaxSurge``/``MaxUnavailable``): never more than
``replicas + maxSurge`` pods, never fewer than ``replicas - maxUnavailable`` available.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..api.meta import controller_of
from .tables import read_objects

REVISION = "deployment.kubernetes.io/revision"
SAMPLE_COLUMNS = ["time", "replicaset", "revision", "image", "desired", "current", "ready", "available"]


def _owned_replicasets(c: Any, name: str, namespace: str) -> list[dict]:
    found = [d for d in read_objects(c, "deployments", namespace) if d["metadata"]["name"] == name]
    if not found:
        return []
    uid = found[0]["metadata"]["uid"]
    out = []
    for rs in read_objects(c, "replicasets", namespace):
        ref = controller_of(rs)
        if ref is not None and ref.get("uid") == uid:
            out.append(rs)
    return sorted(out, key=lambda rs: int((rs["metadata"].get("annotations") or {}).get(REVISION, "0")))


def sample_rollout(c: Any, name: str = "web", namespace: str = "default") -> list[dict]:
    """One row per ReplicaSet of Deployment ``name``: revision, image, desired/current/ready/available."""
    t = round(c.now, 6)
    rows = []
    for rs in _owned_replicasets(c, name, namespace):
        st = rs.get("status") or {}
        containers = rs["spec"]["template"]["spec"].get("containers") or [{}]
        rows.append({"time": t, "replicaset": rs["metadata"]["name"],
                     "revision": int((rs["metadata"].get("annotations") or {}).get(REVISION, "0")),
                     "image": containers[0].get("image", ""), "desired": int(rs["spec"].get("replicas", 0)),
                     "current": int(st.get("replicas", 0)), "ready": int(st.get("readyReplicas", 0)),
                     "available": int(st.get("availableReplicas", 0))})
    return rows


def observe_rollout(c: Any, seconds: float, every: float = 1.0, name: str = "web",
                    namespace: str = "default") -> pd.DataFrame:
    """Run ``seconds`` of virtual time, sampling the Deployment's ReplicaSets every ``every`` seconds."""
    if every <= 0:
        raise ValueError(f"every must be > 0, got {every}")
    rows = sample_rollout(c, name, namespace)
    end = c.now + seconds
    while c.now < end - 1e-9:
        c.run(min(every, end - c.now))
        rows.extend(sample_rollout(c, name, namespace))
    return pd.DataFrame(rows, columns=SAMPLE_COLUMNS)


def rollout_table(samples: pd.DataFrame, changes_only: bool = True) -> pd.DataFrame:
    """One row per instant: each ReplicaSet's pods (``rev N``) and the totals; by default only the
    instants where something changed — the steps of the rollout."""
    if samples.empty:
        return pd.DataFrame(columns=["time", "total", "available"])
    wide = samples.pivot_table(index="time", columns="revision", values="current", aggfunc="sum", fill_value=0)
    wide.columns = [f"rev {r}" for r in wide.columns]
    wide = wide.astype(int)
    wide["total"] = samples.groupby("time")["current"].sum().astype(int)
    wide["available"] = samples.groupby("time")["available"].sum().astype(int)
    wide = wide.reset_index()
    if changes_only:
        keep = wide.drop(columns="time").diff().abs().sum(axis=1) != 0
        keep.iloc[0] = True
        wide = wide[keep]
    return wide.reset_index(drop=True)


def rollout_bounds(samples: pd.DataFrame, replicas: int, max_surge: int, max_unavailable: int) -> dict:
    """The largest pod count and smallest available count seen, against upstream's bounds."""
    tab = rollout_table(samples, changes_only=False)
    most, fewest = int(tab["total"].max()), int(tab["available"].min())
    return {"max pods": most, "limit (replicas + maxSurge)": replicas + max_surge,
            "min available": fewest, "floor (replicas - maxUnavailable)": replicas - max_unavailable,
            "within bounds": most <= replicas + max_surge and fewest >= replicas - max_unavailable}


def draw_rollout(samples: pd.DataFrame, ax: Any = None, title: str | None = None) -> Any:
    """Pods of each ReplicaSet over time (step lines), with the total and available pods dashed."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(9, 3.6))
    fig = ax.figure
    tab = rollout_table(samples, changes_only=False)
    palette = ["#7f7f7f", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
    revs = [col for col in tab.columns if col.startswith("rev ")]
    for i, col in enumerate(revs):
        img = samples[samples["revision"] == int(col[4:])]["image"].iloc[0] if len(samples) else ""
        ax.step(tab["time"], tab[col], where="post", lw=2.2, color=palette[i % len(palette)], label=f"{col} ({img})")
    ax.step(tab["time"], tab["total"], where="post", lw=1, ls="--", color="#d62728", label="all pods")
    ax.step(tab["time"], tab["available"], where="post", lw=1, ls=":", color="#000000", label="available")
    ax.set_xlabel("virtual time (s)")
    ax.set_ylabel("pods")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.set_title(title or "Rolling update: old and new ReplicaSet sizes", fontsize=10)
    return fig
