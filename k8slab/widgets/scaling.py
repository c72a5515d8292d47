"""Scaling controls: the load curve, the HPA's CPU target and a node group's limits.

Plain step functions do the work and return a status line; :func:`scaling_panel` wires
them to widgets (a dropdown and slider for the load curve, a slider for the HPA target, a
range slider for the node group's min/max, a "run" button, a status line and the
dashboard of k8slab/viz/monitoring.py). Tests and notebook cells call the step functions:

- :func:`load_step` — give the load generator a new curve (:func:`load_curve`) and run;
- :func:`hpa_target_step` — patch the HPA's ``averageUtilization`` target (as
  ``kubectl patch hpa``) and run;
- :func:`node_group_step` — set the node group's min/max size (the cloud provider's
  setting, not a Kubernetes object) and run.
"""

from __future__ import annotations

import html
import math
from typing import Any, Callable

from ..api.errors import ApiError
from ..viz.monitoring import dashboard_frame, draw_dashboard

__all__ = ["LOAD_SHAPES", "load_curve", "status_line", "load_step", "hpa_target_step", "node_group_step",
           "scaling_panel"]

LOAD_SHAPES = ("constant", "ramp", "spike", "wave")


def load_curve(shape: str, peak: float, seconds: float = 300.0, base: float = 0.0) -> Callable[[float], float]:
    """Requests per second as a function of time since the curve started.

    ``constant``: ``peak`` all along; ``ramp``: from ``base`` up to ``peak`` over ``seconds``,
    then hold; ``spike``: ``peak`` between ``seconds/3`` and ``2·seconds/3``, ``base`` else;
    ``wave``: one sine period of ``seconds`` between ``base`` and ``peak``.
    """
    if shape not in LOAD_SHAPES:
        raise ValueError(f"unknown load shape {shape!r}: expected one of {', '.join(LOAD_SHAPES)}")
    if peak < 0 or base < 0:
        raise ValueError("requests per second cannot be negative")
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    peak, base, seconds = float(peak), float(base), float(seconds)
    if shape == "constant":
        return lambda t: peak
    if shape == "ramp":
        return lambda t: base + (peak - base) * min(1.0, max(0.0, t) / seconds)
    if shape == "spike":
        return lambda t: peak if seconds / 3 <= t < 2 * seconds / 3 else base
    return lambda t: base + (peak - base) * (1 - math.cos(2 * math.pi * t / seconds)) / 2


def status_line(c: Any, load: Any = None, hpa: str | None = "web", namespace: str = "default") -> str:
    """``t=300s load=150rps replicas=4 cpu=61%/50% nodes=3 pending=0``."""
    parts = [f"t={c.now:g}s"]
    if load is not None:
        parts.append(f"load={load.rate():g}rps")
    if hpa:
        try:
            h = c.client.get("horizontalpodautoscalers", hpa, namespace)
        except ApiError:
            h = None
        if h is not None:
            st = h.get("status") or {}
            target = None
            for m in (h.get("spec") or {}).get("metrics") or []:
                target = ((m.get("resource") or {}).get("target") or {}).get("averageUtilization", target)
            util = None
            for m in st.get("currentMetrics") or []:
                util = ((m.get("resource") or {}).get("current") or {}).get("averageUtilization", util)
            ref = (h.get("spec") or {}).get("scaleTargetRef") or {}
            try:
                replicas = c.client.get_scale("deployments", ref.get("name", hpa), namespace)["spec"].get("replicas", 0)
            except ApiError:
                replicas = st.get("currentReplicas", 0)
            parts.append(f"replicas={replicas}")
            parts.append(f"cpu={'<unknown>' if util is None else f'{util}%'}/{target}%")
    pods = c.client.list("pods")["items"]
    pending = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Pending")
    parts.append(f"nodes={len(c.client.list('nodes')['items'])}")
    parts.append(f"pending={pending}")
    return " ".join(parts)


def load_step(c: Any, load: Any, shape: str = "ramp", peak: float = 200.0, seconds: float = 300.0,
              run_seconds: float = 120.0, base: float = 0.0, hpa: str | None = "web") -> str:
    """Give ``load`` (a :class:`k8slab.load.LoadGenerator`) a new curve starting now, run, return the status line."""
    curve = load_curve(shape, peak, seconds, base)
    load.rps = curve
    load.started_at = c.now
    if not load.running:
        load.start()
    c.run(run_seconds)
    return status_line(c, load, hpa)


def hpa_target_step(c: Any, name: str, percent: int, run_seconds: float = 60.0, namespace: str = "default",
                    load: Any = None) -> str:
    """Set HPA ``name``'s CPU target to ``percent`` % of request (as ``kubectl patch hpa``), run, return the status.

    Raises :class:`k8slab.ApiError` (and changes nothing) for a missing HPA or a target below 1
    (upstream: pkg/apis/autoscaling/validation ``validateMetricTarget``: must be greater than 0).
    """
    hpa = c.client.get("horizontalpodautoscalers", name, namespace)
    if int(percent) <= 0:
        field = "spec.metrics[0].resource.target.averageUtilization"
        raise ApiError(422, "Invalid", f'HorizontalPodAutoscaler.autoscaling "{name}" is invalid: {field}: '
                                       f"Invalid value: {int(percent)}: must be greater than 0",
                       details={"name": name, "group": "autoscaling", "kind": "HorizontalPodAutoscaler",
                                "causes": [{"reason": "FieldValueInvalid", "field": field,
                                            "message": f"Invalid value: {int(percent)}: must be greater than 0"}]})
    metrics = [m for m in (hpa.get("spec") or {}).get("metrics") or []
               if not (m.get("type") == "Resource" and (m.get("resource") or {}).get("name") == "cpu")]
    metrics.insert(0, {"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "averageUtilization": int(percent)}}})
    c.client.patch("horizontalpodautoscalers", name, {"spec": {"metrics": metrics}}, namespace)
    c.run(run_seconds)
    return status_line(c, load, name, namespace)


def node_group_step(c: Any, group: Any, min_size: int, max_size: int, run_seconds: float = 60.0,
                    load: Any = None, hpa: str | None = None) -> str:
    """Set the node group's size limits (the cloud provider's setting), run, return the group's line.

    Raises ``ValueError`` (and changes nothing) unless 0 <= min <= max and max >= 1.
    """
    min_size, max_size = int(min_size), int(max_size)
    if min_size < 0 or max_size < min_size or max_size < 1:
        raise ValueError(f"node group {group.name}: need 0 <= min ({min_size}) <= max ({max_size}), max >= 1")
    group.min_size, group.max_size = min_size, max_size
    c.run(run_seconds)
    return (f"{group.name}: min={group.min_size} max={group.max_size} nodes={sorted(group.nodes)} "
            f"upcoming={group.upcoming} | " + status_line(c, load, hpa))


def _html(text: str, error: str = "") -> str:
    out = f"<code>{html.escape(text)}</code>"
    if error:
        out += f"<br><span style='color:#c0392b'>{html.escape(error)}</span>"
    return out


def scaling_panel(c: Any, load: Any, hpa: str = "web", group: Any = None, run_seconds: float = 120.0,
                  picture: bool = True) -> Any:
    """Widgets for the load curve (with ``load``), the HPA target (with ``hpa``) and the node group's limits (with ``group``).

    "apply load" calls :func:`load_step`, moving the target slider :func:`hpa_target_step`,
    moving the min/max range :func:`node_group_step`; the dashboard is redrawn after each.
    """
    import ipywidgets as w

    from ._render import render_png

    shape = w.Dropdown(options=list(LOAD_SHAPES), value="ramp", description="load")
    peak = w.IntSlider(value=200, min=0, max=600, step=10, description="peak rps", continuous_update=False)
    go = w.Button(description=f"apply load, run {run_seconds:g}s", button_style="primary")
    target = w.IntSlider(value=50, min=10, max=100, step=5, description="HPA target %", continuous_update=False)
    status = w.HTML(value=_html(status_line(c, load, hpa)))
    status.add_class("k8slab-status")
    rows: list = []
    if load is not None:
        rows.append(w.HBox([shape, peak, go]))
    if hpa:
        rows.append(target)
    limits = None
    if group is not None:
        limits = w.IntRangeSlider(value=[group.min_size, group.max_size], min=0, max=10, description="node group",
                                  continuous_update=False)
        rows.append(limits)
    rows.append(status)
    image = None

    def redraw() -> None:
        if image is not None:
            image.value = render_png(_draw, c, figsize=(9.0, 5.5))

    def _draw(cl: Any, ax: Any) -> None:
        fig = ax.figure
        fig.delaxes(ax)
        draw_dashboard(dashboard_frame(cl), fig=fig)

    if picture and getattr(c, "metrics_server", None) is not None:
        image = w.Image(value=render_png(_draw, c, figsize=(9.0, 5.5)), format="png")
        image.layout.max_width = "900px"
        rows.append(image)

    def run(fn: Callable[[], str]) -> None:
        try:
            status.value = _html(fn())
        except (ApiError, ValueError) as e:
            msg = f"Error from server ({e.reason}): {e.message}" if isinstance(e, ApiError) else f"error: {e}"
            status.value = _html(status_line(c, load, hpa), msg)
            return
        redraw()

    go.on_click(lambda _b: run(lambda: load_step(c, load, shape.value, peak.value, run_seconds=run_seconds, hpa=hpa)))
    target.observe(lambda ch: run(lambda: hpa_target_step(c, hpa, ch["new"], run_seconds, load=load)), names="value")
    if limits is not None:
        limits.observe(lambda ch: run(lambda: node_group_step(c, group, ch["new"][0], ch["new"][1], run_seconds,
                                                              load=load, hpa=hpa)), names="value")
    box = w.VBox(rows)
    box.add_class("k8slab-scaling")
    return box
