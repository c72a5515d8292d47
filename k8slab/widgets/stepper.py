"""Step the cluster one event at a time: the widget and the plain function behind it.

Every callback the simulation runs — a watch event delivered, a workqueue key synced, a
timer firing — is one kernel event (``Cluster.step()``). :func:`step_events` runs ``n`` of
them and says, for each, what ran and which API calls it made (read from the trace).
:func:`stepper_panel` wires that to two buttons and a log.
"""

from __future__ import annotations

import html
from typing import Any

from ..viz.sequence import message_of


def describe_record(r: Any) -> str:
    """``deployment-controller -> kube-apiserver: create ReplicaSet web-…``."""
    return f"{r.source} -> {r.target}: {message_of(r)}"


def step_events(c: Any, n: int = 1) -> list[str]:
    """Process ``n`` kernel events; one text per event: what ran, then the calls it made, indented.

    Stops early (with ``(nothing scheduled)``) when no event is pending.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    out: list[str] = []
    trace = c.trace
    for _ in range(n):
        mark, dropped = trace.mark(), trace.dropped
        rec = c.step()
        if rec is None:
            out.append("(nothing scheduled)")
            break
        start = max(mark - (trace.dropped - dropped), 0)
        calls = [r for r in trace.records[start:]
                 if not (r.verb.startswith("watch ") and r.target == rec.source)]  # the delivery is the step itself
        lines = [str(rec)] + ["    " + describe_record(r) for r in calls]
        out.append("\n".join(lines))
    return out


def stepper_panel(c: Any, big_step: int = 10, keep_lines: int = 40) -> Any:
    """Buttons "step 1" and "step N" with a log of the last events (CSS class ``k8slab-stepper``)."""
    import ipywidgets as w

    one = w.Button(description="step 1 event", button_style="primary")
    many = w.Button(description=f"step {big_step} events")
    clock = w.HTML(value=_clock(c))
    log = w.HTML(value="<pre style='font-size:11px'>(press a button)</pre>")
    log.add_class("k8slab-step-log")
    lines: list[str] = []

    def run(n: int) -> None:
        for text in step_events(c, n):
            lines.extend(text.splitlines())
        del lines[:-keep_lines]
        log.value = "<pre style='font-size:11px'>" + html.escape("\n".join(lines)) + "</pre>"
        clock.value = _clock(c)

    one.on_click(lambda _b: run(1))
    many.on_click(lambda _b: run(big_step))
    box = w.VBox([w.HBox([one, many, clock]), log])
    box.add_class("k8slab-stepper")
    return box


def _clock(c: Any) -> str:
    return f"<code>t={c.now:.3f}s, {c.kernel.pending()} events pending</code>"
