"""Take a node away and bring it back: the widget and the plain step functions behind it.

:func:`fail_step` makes the node go dark (``Cluster.fail_node``: its kubelet stops
reporting, its containers are gone) and watches the cluster for ``seconds``, sampling
every ``every`` seconds with :func:`k8slab.viz.observe`. With v1.32's defaults a failed
node is marked ``Unknown`` after the node-monitor grace period (50 s), and its pods are
evicted once their ``node.kubernetes.io/unreachable`` toleration runs out (300 s, added by
the DefaultTolerationSeconds admission plugin); so the default ``seconds`` covers both.
(upstream: pkg/controller/nodelifecycle/node_lifecycle_controller.go,
pkg/controller/tainteviction/taint_eviction.go,
plugin/pkg/admission/defaulttolerationseconds/admission.go.)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..viz.timeline import draw_timeline, observe
from ._render import render_png


def fail_step(c: Any, node: str, seconds: float = 400.0, every: float = 5.0,
              namespace: str | None = "default") -> pd.DataFrame:
    """Fail ``node``, run ``seconds`` of virtual time and return the samples (see ``viz.observe``)."""
    c.fail_node(node)
    return observe(c, seconds, every, namespace)


def recover_step(c: Any, node: str, seconds: float = 60.0, every: float = 5.0,
                 namespace: str | None = "default") -> pd.DataFrame:
    """Bring ``node`` back, run ``seconds`` of virtual time and return the samples."""
    c.recover_node(node)
    return observe(c, seconds, every, namespace)


def summary(samples: pd.DataFrame) -> str:
    """The last sample in one line: ``t=400s node-1 Ready 2/2, node-2 Unknown 0/0, ...`` (ready/pods)."""
    if samples.empty:
        return "(no samples)"
    t = samples["time"].max()
    last = samples[samples["time"] == t]
    parts = [f"{r.node} {r.node_status or '-'} {r.ready}/{r.pods}" for r in last.itertuples(index=False)]
    return f"t={t:g}s " + ", ".join(parts)


def failure_panel(c: Any, nodes: list[str] | None = None, seconds: float = 400.0, every: float = 5.0) -> Any:
    """A node picker with "fail" and "recover" buttons, a status line and the timeline picture."""
    import ipywidgets as w

    names = nodes or list(c.nodes)
    pick = w.Dropdown(options=names, value=names[min(1, len(names) - 1)] if names else None, description="node")
    fail = w.Button(description="fail node", button_style="danger")
    recover = w.Button(description="recover node", button_style="success")
    status = w.HTML(value="<code>(pick a node)</code>")
    status.add_class("k8slab-status")
    image = w.Image(format="png")
    image.layout.max_width = "900px"

    def show(samples: pd.DataFrame) -> None:
        status.value = f"<code>{summary(samples)}</code>"
        image.value = render_png(draw_timeline, samples, figsize=(9.0, 3.4))

    fail.on_click(lambda _b: show(fail_step(c, pick.value, seconds, every)))
    recover.on_click(lambda _b: show(recover_step(c, pick.value, 60.0, every)))
    box = w.VBox([w.HBox([pick, fail, recover]), status, image])
    box.add_class("k8slab-failure")
    return box

