"""An etcd Raft cluster drawn RaftScope-style: members by role and term, their logs, messages in flight.

After RaftScope (raft.github.io): each member is a circle coloured by its role (leader,
follower, candidate, pre-candidate, stopped) and labelled with its term; a message on the
wire is a dot on the line between sender and receiver, as far along as its delivery time
allows; below, each member's log is a row of cells (one per entry, shaded by the entry's
term) with a bar after the commit index.

:func:`raft_snapshot` reads one instant from ``cluster.etcd`` (a
:class:`~k8slab.etcd.replicated.ReplicatedStore`) or from a bare
:class:`~k8slab.etcd.raft_network.RaftNetwork`; :func:`members_table`,
:func:`messages_table`, :func:`describe` and :func:`draw_raft` present it. The data are
plain dicts, so tests check them rather than pixels.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

ROLE_COLOURS = {"leader": "#2e7d32", "follower": "#1565c0", "candidate": "#ef6c00",
                "pre-candidate": "#f9a825", "stopped": "#9e9e9e"}
MESSAGE_COLOURS = {"MsgApp": "#1565c0", "MsgAppResp": "#64b5f6", "MsgHeartbeat": "#2e7d32",
                   "MsgHeartbeatResp": "#81c784", "MsgVote": "#ef6c00", "MsgVoteResp": "#ffb74d",
                   "MsgPreVote": "#f9a825", "MsgPreVoteResp": "#fff176", "MsgProp": "#6a1b9a",
                   "MsgReadIndex": "#6a1b9a", "MsgReadIndexResp": "#ce93d8"}
MEMBER_COLUMNS = ["name", "running", "role", "term", "vote", "leader", "log", "commit", "applied"]


def _network(x: Any):
    """The RaftNetwork behind a cluster, a ReplicatedStore or a network."""
    etcd = getattr(x, "etcd", x)
    net = getattr(etcd, "network", etcd)
    if net is None or not hasattr(net, "summary"):
        raise ValueError("the cluster has a single etcd member (no Raft to draw); "
                         "create it with Cluster(etcd_members=3) or 5")
    return net


def entry_label(data: Any) -> str:
    """One letter for an entry: ``·`` a new leader's empty entry, P put, T txn, D delete,
    C compact, L a lease operation, ``*`` anything else."""
    if data is None:
        return "·"
    if isinstance(data, dict):
        m = data.get("method") or data.get("op")
        return {"put": "P", "txn": "T", "delete": "D", "delete_range": "D", "compact": "C"}.get(
            m, "L" if str(m).startswith("lease") else "*")
    return "*"


def raft_snapshot(x: Any) -> dict:
    """The Raft cluster at this instant: ``time``, ``leader``, ``members`` (one dict each, with
    ``entries`` as (index, term, label) tuples) and ``messages`` in flight (src, dst, type, term,
    sent, deliver_at, progress 0..1)."""
    net = _network(x)
    now = net.kernel.now
    members = []
    for s in net.summary():
        members.append({"name": s.name, "running": s.running, "role": s.role, "term": s.term,
                        "vote": s.vote, "leader": s.leader if s.running else None, "log": s.log_length,
                        "commit": s.commit, "applied": s.applied,
                        "entries": [(e.index, e.term, entry_label(e.data)) for e in s.log]})
    messages = []
    for f in net.in_flight():
        span = f.deliver_at - f.sent
        progress = 1.0 if span <= 0 else min(1.0, max(0.0, (now - f.sent) / span))
        messages.append({"src": f.src, "dst": f.dst, "type": f.message.type.name, "term": f.message.term,
                         "sent": round(f.sent, 6), "deliver_at": round(f.deliver_at, 6),
                         "progress": round(progress, 3)})
    return {"time": round(now, 6), "leader": net.leader, "members": members, "messages": messages}


def members_table(snap: dict) -> pd.DataFrame:
    """One row per member: running, role, term, vote, known leader, log length, commit, applied."""
    return pd.DataFrame([{k: m[k] for k in MEMBER_COLUMNS} for m in snap["members"]],
                        columns=MEMBER_COLUMNS).set_index("name")


def messages_table(snap: dict) -> pd.DataFrame:
    """The messages on the wire, by delivery time."""
    cols = ["src", "dst", "type", "term", "sent", "deliver_at", "progress"]
    return pd.DataFrame(snap["messages"], columns=cols)


def describe(snap: dict) -> str:
    """One line: ``t=3.2s leader=etcd-1 | etcd-0 stopped t1 log 5 c5 | etcd-1 leader t2 log 7 c7 | ... | 2 in flight``."""
    parts = [f"t={snap['time']:g}s leader={snap['leader'] or '-'}"]
    for m in snap["members"]:
        parts.append(f"{m['name']} {m['role']} t{m['term']} log {m['log']} c{m['commit']}")
    parts.append(f"{len(snap['messages'])} in flight")
    return " | ".join(parts)


def _positions(names: list[str]) -> dict[str, tuple[float, float]]:
    n = len(names)
    return {name: (math.cos(math.pi / 2 - 2 * math.pi * i / n), math.sin(math.pi / 2 - 2 * math.pi * i / n))
            for i, name in enumerate(names)}


def draw_raft(snap: dict, ax: Any = None, last: int = 10) -> Any:
    """Draw ``snap``: members on a ring (colour = role, label = name and term), messages in
    flight as dots between them, and the last ``last`` entries of each log with the commit
    index marked. Returns the axes."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 6))
    from matplotlib.patches import Circle, Rectangle

    names = [m["name"] for m in snap["members"]]
    pos = _positions(names)
    ring_y = 1.9  # the ring sits above the logs
    for a in names:
        for b in names:
            if a < b:
                (xa, ya), (xb, yb) = pos[a], pos[b]
                ax.plot([xa, xb], [ya + ring_y, yb + ring_y], color="#e0e0e0", lw=1, zorder=1)
    for m in snap["members"]:
        x, y = pos[m["name"]]
        colour = ROLE_COLOURS.get(m["role"], "#9e9e9e")
        ax.add_patch(Circle((x, y + ring_y), 0.24, facecolor=colour, edgecolor="black",
                            lw=2.5 if m["role"] == "leader" else 1, zorder=3))
        ax.text(x, y + ring_y, f"{m['name']}\nterm {m['term']}", ha="center", va="center", fontsize=7,
                color="white", zorder=4)
    for msg in snap["messages"]:
        if msg["src"] not in pos or msg["dst"] not in pos:
            continue
        (xa, ya), (xb, yb) = pos[msg["src"]], pos[msg["dst"]]
        p = msg["progress"]
        ax.plot([xa + (xb - xa) * p], [ya + ring_y + (yb - ya) * p], "o", ms=6, zorder=5,
                color=MESSAGE_COLOURS.get(msg["type"], "#424242"), markeredgecolor="black", markeredgewidth=0.5)
    # the logs
    top = 0.55
    hi = max([m["log"] for m in snap["members"]] + [1])
    lo = max(1, hi - last + 1)
    cell = 2.4 / last
    x0 = -1.2
    max_term = max([m["term"] for m in snap["members"]] + [1])
    for row, m in enumerate(snap["members"]):
        y = top - row * (cell + 0.05) - 0.5
        ax.text(x0 - 0.05, y + cell / 2, m["name"], ha="right", va="center", fontsize=7)
        for idx, term, label in m["entries"]:
            if idx < lo:
                continue
            x = x0 + (idx - lo) * cell
            shade = 0.25 + 0.6 * term / max_term
            ax.add_patch(Rectangle((x, y), cell * 0.92, cell * 0.92, facecolor=(1 - shade, 1 - shade * 0.6, 1),
                                   edgecolor="black" if idx <= m["commit"] else "#9e9e9e",
                                   lw=1.0 if idx <= m["commit"] else 0.6, ls="-" if idx <= m["commit"] else "--"))
            ax.text(x + cell * 0.46, y + cell * 0.46, f"{label}\n{term}", ha="center", va="center", fontsize=6)
        if m["commit"] >= lo:
            xc = x0 + (m["commit"] - lo + 1) * cell - cell * 0.04
            ax.plot([xc, xc], [y - 0.03, y + cell + 0.03], color="#c62828", lw=2)
    for i in range(lo, hi + 1, max(1, (hi - lo) // 6 or 1)):
        ax.text(x0 + (i - lo) * cell + cell * 0.46, top - 0.5 + cell + 0.05, str(i), ha="center", fontsize=6)
    ax.set_xlim(-1.9, 1.5)
    ax.set_ylim(top - len(names) * (cell + 0.05) - 0.6, ring_y + 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    roles = " ".join(f"{r}" for r in ROLE_COLOURS)
    ax.set_title(f"etcd Raft at t={snap['time']:g}s — leader {snap['leader'] or '(none)'}; "
                 f"{len(snap['messages'])} messages in flight\n(colours: {roles}; red bar = commit index)",
                 fontsize=8)
    return ax
