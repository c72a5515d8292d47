"""Scale a Deployment with a slider: the widget and the plain step function behind it.

:func:`scale_step` is what the slider does, callable without a widget: it scales the
Deployment through the API server's ``scale`` subresource (what ``kubectl scale
deployment web --replicas=N`` does: upstream staging/src/k8s.io/kubectl/pkg/scale/scale.go
patches ``deployments/web/scale``), then advances virtual time so the controllers, the
scheduler and the kubelets can act, and returns the status line.

:func:`scale_panel` builds the panel: an ``ipywidgets`` box with CSS class
``k8slab-scale`` holding an ``IntSlider`` (the replicas), an ``HTML`` status line with CSS
class ``k8slab-status`` reading ``replicas=N ready=M ...``, and a picture of the cluster.
"""

from __future__ import annotations

import html
from typing import Any

from ..api.errors import ApiError
from ..viz.cluster_view import draw_cluster
from ..viz.tables import deployment_counts
from ._render import render_png


def status_line(c: Any, name: str, namespace: str = "default") -> str:
    """``deployment.apps/web: replicas=3 ready=3 updated=3 available=3 (t=30s)``."""
    d = deployment_counts(c, name, namespace)
    return (f"deployment.apps/{name}: replicas={d['replicas']} ready={d['ready']} updated={d['updated']} "
            f"available={d['available']} (t={c.now:g}s)")


def scale(c: Any, name: str, replicas: int, namespace: str = "default") -> dict:
    """Set the Deployment's replicas through the scale subresource; returns the autoscaling/v1 Scale."""
    return c.client.update_scale("deployments", name, namespace, replicas)


def scale_step(c: Any, name: str, replicas: int, run_seconds: float = 30, namespace: str = "default") -> str:
    """Scale Deployment ``name`` to ``replicas``, run ``run_seconds`` of virtual time, return the status line.

    Raises :class:`k8slab.ApiError` (and changes nothing) when the Deployment does not
    exist or ``replicas`` is invalid.
    """
    scale(c, name, replicas, namespace)
    c.run(run_seconds)
    return status_line(c, name, namespace)


def _status_html(text: str, error: str = "") -> str:
    out = f"<code>{html.escape(text)}</code>"
    if error:
        out += f"<br><span style='color:#c0392b'>{html.escape(error)}</span>"
    return out


def scale_panel(c: Any, name: str = "web", namespace: str = "default", max_replicas: int = 10,
                run_seconds: float = 30, picture: bool = True) -> Any:
    """The scale panel for Deployment ``name``: replicas slider, status line, cluster picture.

    Moving the slider calls :func:`scale_step` with the new value, then refreshes the
    status line and the picture.
    """
    import ipywidgets as w

    counts = deployment_counts(c, name, namespace)
    slider = w.IntSlider(value=counts["replicas"], min=0, max=max(max_replicas, counts["replicas"]), step=1,
                         description="replicas", continuous_update=False)
    status = w.HTML(value=_status_html(status_line(c, name, namespace)))
    status.add_class("k8slab-status")
    children: list = [slider, status]
    image = None
    if picture:
        image = w.Image(value=render_png(draw_cluster, c), format="png")
        image.layout.max_width = "900px"
        children.append(image)

    def on_change(change: dict) -> None:
        try:
            text = scale_step(c, name, int(change["new"]), run_seconds, namespace)
            status.value = _status_html(text)
        except ApiError as e:
            status.value = _status_html(status_line(c, name, namespace), f"Error from server ({e.reason}): {e.message}")
            return
        if image is not None:
            image.value = render_png(draw_cluster, c)

    slider.observe(on_change, names="value")
    box = w.VBox(children)
    box.add_class("k8slab-scale")
    return box
