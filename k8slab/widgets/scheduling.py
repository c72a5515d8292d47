"""Chapter 06's scheduler panels: a pod's requests, the scoring strategy, the score heatmap.

Plain step functions do the work and return tables, so tests and checked notebook cells
call them directly; the builders only wire them to sliders and dropdowns:

- :func:`requests_step` -- ``explain`` a pod with the given CPU/memory requests (nothing is
  created): one row per node, feasible or why not, scores, total.
- :func:`strategy_step` -- the bin-packing experiment for one scoring strategy
  (:func:`k8slab.viz.scheduling.binpacking_run`) and its summary row.
- :func:`scheduling_panel` -- CPU and memory sliders plus a heatmap of the scores;
  :func:`strategy_panel` -- a strategy dropdown plus the per-node table and summary.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from ..api.errors import ApiError
from ..viz.scheduling import (STRATEGIES, binpacking_run, binpacking_summary, draw_score_heatmap, score_matrix)
from ._render import render_png


def probe_pod(cpu_m: int, memory_mi: int, name: str = "probe") -> dict:
    """A pod manifest (not created) requesting ``cpu_m`` millicores and ``memory_mi`` MiB."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "main", "image": "nginx:1.25",
                                     "resources": {"requests": {"cpu": f"{int(cpu_m)}m",
                                                                "memory": f"{int(memory_mi)}Mi"}}}]}}


def requests_step(c: Any, cpu_m: int, memory_mi: int) -> pd.DataFrame:
    """What the scheduler would say about a pod requesting ``cpu_m`` / ``memory_mi``: the
    ``explain`` table, nodes by name. Changes nothing in the cluster."""
    return c.scheduler.explain(probe_pod(cpu_m, memory_mi)).sort_index()


def strategy_step(strategy: str, **kw: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the bin-packing workload with ``strategy``; returns (per-node usage, summary row)."""
    runs = binpacking_run(strategy, **kw)
    return runs, binpacking_summary(runs)


def _heatmap_png(c: Any, cpu_m: int, memory_mi: int) -> bytes:
    scores = score_matrix(c, probe_pod(cpu_m, memory_mi))
    return render_png(draw_score_heatmap, scores, figsize=(8.0, 0.5 * len(scores) + 1.8),
                      title=f"pod requesting cpu={cpu_m}m memory={memory_mi}Mi")


def scheduling_panel(c: Any, cpu_m: int = 500, memory_mi: int = 256, max_cpu_m: int = 4000,
                     max_memory_mi: int = 8192) -> Any:
    """Sliders for a pod's CPU and memory requests, the explain table and the score heatmap.

    Moving a slider calls :func:`requests_step` and redraws.
    """
    import ipywidgets as w

    cpu = w.IntSlider(value=cpu_m, min=0, max=max_cpu_m, step=100, description="cpu (m)", continuous_update=False)
    mem = w.IntSlider(value=memory_mi, min=0, max=max_memory_mi, step=64, description="memory (Mi)",
                      continuous_update=False)
    table = w.HTML()
    table.add_class("k8slab-explain")
    image = w.Image(format="png")
    image.layout.max_width = "800px"

    def refresh(_: Any = None) -> None:
        try:
            df = requests_step(c, cpu.value, mem.value)
            table.value = df.to_html()
            image.value = _heatmap_png(c, cpu.value, mem.value)
        except (ApiError, ValueError) as e:
            table.value = f"<span style='color:#c0392b'>{html.escape(str(e))}</span>"

    cpu.observe(refresh, names="value")
    mem.observe(refresh, names="value")
    refresh()
    box = w.VBox([w.HBox([cpu, mem]), table, image])
    box.add_class("k8slab-scheduling")
    return box


def strategy_panel(strategy: str = "LeastAllocated", **kw: Any) -> Any:
    """A dropdown of NodeResourcesFit scoring strategies; choosing one reruns the experiment."""
    import ipywidgets as w

    choose = w.Dropdown(options=list(STRATEGIES), value=strategy, description="strategy")
    out = w.HTML()
    out.add_class("k8slab-strategy")

    def refresh(_: Any = None) -> None:
        runs, summary = strategy_step(choose.value, **kw)
        out.value = summary.to_html() + runs.to_html()

    choose.observe(refresh, names="value")
    refresh()
    box = w.VBox([choose, out])
    box.add_class("k8slab-strategy-panel")
    return box


__all__ = ["probe_pod", "requests_step", "strategy_step", "scheduling_panel", "strategy_panel"]
