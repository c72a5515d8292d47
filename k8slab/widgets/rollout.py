"""Rolling updates by hand: a rollout stepper, maxSurge/maxUnavailable sliders and a node kill switch.

The plain step functions do the work and return text or tables, so tests and checked
notebook cells call them directly; the panels only wire them to buttons and sliders.

- :func:`set_image` changes a Deployment's pod template (what ``kubectl set image`` does:
  a new template means a new ReplicaSet, upstream pkg/controller/deployment/sync.go).
- :func:`rollout_step` advances a rollout by ``seconds`` and returns its one-line state;
  :func:`rollout_stepper_panel` has "new image", "step" and "undo" buttons
  (``kubectl rollout undo``) and draws the ReplicaSet sizes so far.
- :func:`strategy_run` rolls a fresh cluster's Deployment from one image to another with
  the given ``maxSurge``/``maxUnavailable`` and returns the samples;
  :func:`strategy_panel` has the two sliders.
- :func:`kill_switch_step` fails or recovers a node and watches the cluster
  (:mod:`k8slab.widgets.failure`'s steps); :func:`kill_switch_panel` has one toggle per node.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from ..viz.rollout import draw_rollout, observe_rollout, rollout_bounds, rollout_table, sample_rollout
from ..viz.timeline import draw_timeline
from ._render import render_png
from .failure import fail_step, recover_step, summary


def set_image(c: Any, name: str, image: str, container: int = 0, namespace: str = "default") -> dict:
    """Set the image of container ``container`` in Deployment ``name``'s pod template (a new revision)."""
    d = c.client.get("deployments", name, namespace)
    d["spec"]["template"]["spec"]["containers"][container]["image"] = image
    return c.client.update("deployments", d)


def rollout_line(c: Any, name: str = "web", namespace: str = "default") -> str:
    """``t=33s rev 1 (nginx:1.26) 4 → rev 2 (nginx:1.27) 3 | pods 7 available 5``: each ReplicaSet's pods now."""
    rows = sample_rollout(c, name, namespace)
    parts = [f"rev {r['revision']} ({r['image']}) {r['current']}" for r in rows if r["current"] or r["desired"]]
    total = sum(r["current"] for r in rows)
    avail = sum(r["available"] for r in rows)
    return f"t={c.now:g}s " + " → ".join(parts) + f" | pods {total} available {avail}"


def rollout_step(c: Any, seconds: float = 1.0, name: str = "web", namespace: str = "default") -> str:
    """Advance the cluster ``seconds`` and return :func:`rollout_line`."""
    c.run(seconds)
    return rollout_line(c, name, namespace)


DEPLOYMENT_TEMPLATE = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
    "spec": {"replicas": 6, "selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}},
}


def strategy_run(max_surge: Any = 1, max_unavailable: Any = 1, replicas: int = 6, seed: int = 0,
                 new_image: str = "nginx:1.27", seconds: float = 40.0, every: float = 1.0) -> pd.DataFrame:
    """Roll a fresh 3-node cluster's Deployment ``web`` to ``new_image`` with the given strategy; the samples."""
    import copy

    from ..cluster import Cluster

    c = Cluster(seed=seed, nodes=3)
    d = copy.deepcopy(DEPLOYMENT_TEMPLATE)
    d["spec"]["replicas"] = replicas
    d["spec"]["strategy"] = {"type": "RollingUpdate",
                             "rollingUpdate": {"maxSurge": max_surge, "maxUnavailable": max_unavailable}}
    c.apply(d)
    c.run(30)
    set_image(c, "web", new_image)
    return observe_rollout(c, seconds, every)


def strategy_summary(samples: pd.DataFrame, replicas: int, max_surge: int, max_unavailable: int) -> str:
    """One line: how long the rollout took, most pods and fewest available, against the bounds."""
    b = rollout_bounds(samples, replicas, max_surge, max_unavailable)
    tab = rollout_table(samples)
    start, end = float(tab["time"].iloc[0]), float(tab["time"].iloc[-1])
    return (f"maxSurge={max_surge} maxUnavailable={max_unavailable}: {len(tab) - 1} steps in {end - start:g}s; "
            f"at most {b['max pods']} pods (limit {b['limit (replicas + maxSurge)']}), at least "
            f"{b['min available']} available (floor {b['floor (replicas - maxUnavailable)']})")


def kill_switch_step(c: Any, node: str, dead: bool, seconds: float | None = None, every: float = 5.0) -> pd.DataFrame:
    """Fail (``dead=True``) or recover ``node`` and watch the cluster; the samples of viz.observe."""
    if dead:
        return fail_step(c, node, 400.0 if seconds is None else seconds, every)
    return recover_step(c, node, 60.0 if seconds is None else seconds, every)


# ---------------------------------------------------------------------- panels
def _code(text: str) -> str:
    return f"<code>{html.escape(text)}</code>"


def rollout_stepper_panel(c: Any, name: str = "web", images: tuple[str, ...] = ("nginx:1.27", "nginx:1.25"),
                          namespace: str = "default") -> Any:
    """Buttons "new image", "step 1 s", "step 5 s", "rollout undo"; the state line; the ReplicaSet sizes so far."""
    import ipywidgets as w

    from ..kubectl import KubectlError

    pick = w.Dropdown(options=list(images), value=images[0], description="image")
    new = w.Button(description="set image", button_style="primary")
    step1 = w.Button(description="step 1 s")
    step5 = w.Button(description="step 5 s")
    undo = w.Button(description="rollout undo", button_style="warning")
    status = w.HTML(value=_code(rollout_line(c, name, namespace)))
    status.add_class("k8slab-status")
    image = w.Image(format="png")
    image.layout.max_width = "900px"
    rows = sample_rollout(c, name, namespace)

    def show(text: str) -> None:
        status.value = _code(text)
        image.value = render_png(draw_rollout, pd.DataFrame(rows, columns=list(rows[0]) if rows else None),
                                 figsize=(9.0, 3.2))

    def step(seconds: float) -> None:
        text = rollout_step(c, seconds, name, namespace)
        rows.extend(sample_rollout(c, name, namespace))
        show(text)

    def on_new(_b: Any) -> None:
        set_image(c, name, pick.value, namespace=namespace)
        step(0.0)

    def on_undo(_b: Any) -> None:
        try:
            c.kubectl(f"rollout undo deployment/{name} -n {namespace}")
        except KubectlError as e:
            status.value = _code(str(e))
            return
        step(0.0)

    new.on_click(on_new)
    step1.on_click(lambda _b: step(1.0))
    step5.on_click(lambda _b: step(5.0))
    undo.on_click(on_undo)
    box = w.VBox([w.HBox([pick, new, step1, step5, undo]), status, image])
    box.add_class("k8slab-rollout")
    return box


def strategy_panel(replicas: int = 6, seed: int = 0) -> Any:
    """maxSurge and maxUnavailable sliders; each change reruns :func:`strategy_run` and redraws."""
    import ipywidgets as w

    surge = w.IntSlider(value=1, min=0, max=replicas, description="maxSurge", continuous_update=False)
    unavail = w.IntSlider(value=1, min=0, max=replicas, description="maxUnavailable", continuous_update=False)
    status = w.HTML()
    status.add_class("k8slab-status")
    image = w.Image(format="png")
    image.layout.max_width = "900px"

    def redraw(_change: Any = None) -> None:
        from ..api.errors import ApiError
        from ..kubectl import KubectlError

        try:
            samples = strategy_run(surge.value, unavail.value, replicas, seed)
        except (ApiError, KubectlError) as e:  # e.g. both 0: upstream's validation refuses the Deployment
            status.value = f"<span style='color:#c0392b'>{html.escape(str(e))}</span>"
            return
        status.value = _code(strategy_summary(samples, replicas, surge.value, unavail.value))
        image.value = render_png(draw_rollout, samples, figsize=(9.0, 3.2))

    surge.observe(redraw, names="value")
    unavail.observe(redraw, names="value")
    redraw()
    box = w.VBox([w.HBox([surge, unavail]), status, image])
    box.add_class("k8slab-strategy")
    return box


def kill_switch_panel(c: Any, nodes: list[str] | None = None, seconds: float = 400.0, every: float = 5.0) -> Any:
    """One toggle per node: down fails it (and watches ``seconds``), up recovers it (and watches 60 s)."""
    import ipywidgets as w

    names = nodes or list(c.nodes)
    toggles = [w.ToggleButton(value=False, description=f"kill {n}", button_style="danger") for n in names]
    status = w.HTML(value=_code("(all nodes up)"))
    status.add_class("k8slab-status")
    image = w.Image(format="png")
    image.layout.max_width = "900px"

    def handler(node: str):
        def on_toggle(change: dict) -> None:
            samples = kill_switch_step(c, node, bool(change["new"]), None if change["new"] else 60.0, every)
            status.value = _code(summary(samples))
            image.value = render_png(draw_timeline, samples, figsize=(9.0, 3.4))
        return on_toggle

    for n, t in zip(names, toggles):
        t.observe(handler(n), names="value")
    box = w.VBox([w.HBox(toggles), status, image])
    box.add_class("k8slab-kill-switch")
    return box
