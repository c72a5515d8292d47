"""Drive an etcd Raft cluster by hand: step time, stop and start a member, partition and heal.

Every button calls one of the plain step functions below (which tests and the chapter's
checked cells call too) and redraws :func:`k8slab.viz.raft.draw_raft`. Each step function
takes a cluster built with ``Cluster(etcd_members=3)`` (or its ``etcd``) and returns the
:func:`~k8slab.viz.raft.raft_snapshot` after the step.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..viz.raft import describe, draw_raft, raft_snapshot
from ._render import render_png


def _etcd(c: Any) -> Any:
    return getattr(c, "etcd", c)


def _advance(c: Any, seconds: float) -> None:
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    if hasattr(c, "run") and hasattr(c, "etcd"):
        c.run(seconds)
    else:
        k = _etcd(c).kernel
        k.run_until(round(k.now + seconds, 9))


def step_time(c: Any, seconds: float = 0.1) -> dict:
    """Advance the cluster's clock ``seconds`` (ticks, heartbeats, elections) and snapshot."""
    _advance(c, seconds)
    return raft_snapshot(c)


def stop_step(c: Any, member: str, seconds: float = 0.0) -> dict:
    """Crash ``member`` (it keeps its log), then advance ``seconds``."""
    _etcd(c).stop_member(member)
    return step_time(c, seconds)


def start_step(c: Any, member: str, seconds: float = 0.0) -> dict:
    """Restart ``member`` from its log, then advance ``seconds``."""
    _etcd(c).start_member(member)
    return step_time(c, seconds)


def partition_step(c: Any, *groups: Iterable[str], seconds: float = 0.0) -> dict:
    """Split the members into ``groups`` (the rest form one more group), then advance ``seconds``."""
    _etcd(c).partition(*groups)
    return step_time(c, seconds)


def isolate_step(c: Any, member: str, seconds: float = 0.0) -> dict:
    """Cut ``member`` off from every other member, then advance ``seconds``."""
    return partition_step(c, [member], seconds=seconds)


def heal_step(c: Any, seconds: float = 0.0) -> dict:
    """Reconnect every member, then advance ``seconds``."""
    _etcd(c).heal()
    return step_time(c, seconds)


def write_step(c: Any, key: str = "/demo/counter", value: str | None = None) -> str:
    """One write through Raft (a put to etcd, outside /registry): ``"ok rev N"`` or etcd's error."""
    from ..etcd.errors import EtcdError

    etcd = _etcd(c)
    try:
        kv = etcd.put(key, (value if value is not None else str(etcd.revision + 1)).encode())
    except EtcdError as e:
        return f"error: {e}"
    return f"ok rev {kv.mod_revision}"


def raft_panel(c: Any) -> Any:
    """Buttons to step time (10 ms, 100 ms, 1 s), write, stop/start/isolate a member and heal;
    a status line and the RaftScope-style picture."""
    import ipywidgets as w

    etcd = _etcd(c)
    names = list(etcd.names)
    pick = w.Dropdown(options=names, value=names[0], description="member")
    buttons = {
        "+10 ms": lambda: step_time(c, 0.01), "+100 ms": lambda: step_time(c, 0.1), "+1 s": lambda: step_time(c, 1.0),
        "write": lambda: (write_step(c), raft_snapshot(c))[1],
        "stop": lambda: stop_step(c, pick.value), "start": lambda: start_step(c, pick.value),
        "isolate": lambda: isolate_step(c, pick.value), "heal": lambda: heal_step(c),
    }
    status = w.HTML(value="")
    status.add_class("k8slab-status")
    image = w.Image(format="png")
    image.layout.max_width = "760px"

    def show(snap: dict) -> None:
        status.value = f"<code>{describe(snap)}</code>"
        image.value = render_png(draw_raft, snap, figsize=(8.0, 6.0))

    row = []
    for label, fn in buttons.items():
        b = w.Button(description=label, layout=w.Layout(width="80px"))
        b.on_click(lambda _b, fn=fn: show(fn()))
        row.append(b)
    show(raft_snapshot(c))
    box = w.VBox([w.HBox(row[:4]), w.HBox([pick] + row[4:]), status, image])
    box.add_class("k8slab-raft")
    return box
