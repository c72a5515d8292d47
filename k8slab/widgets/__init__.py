"""ipywidgets panels for the chapters, each wired to a plain step function.

The step functions (``scale_step``, ``step_events``, ``fail_step``, ``recover_step``) do
the work and return text or tables, so tests and checked notebook cells call them
directly; the panels only wire them to sliders and buttons. The core never imports this
package.
"""

from .failure import fail_step, failure_panel, recover_step, summary
from .scale import scale, scale_panel, scale_step, status_line
from .stepper import describe_record, step_events, stepper_panel

__all__ = [
    "fail_step", "failure_panel", "recover_step", "summary",
    "scale", "scale_panel", "scale_step", "status_line",
    "describe_record", "step_events", "stepper_panel",
]
