"""Render a drawing function into PNG bytes for an ``ipywidgets.Image`` (no pyplot involved).

A widget callback runs outside any notebook cell, so it must not open pyplot figures (the
inline backend would show them later, under some unrelated cell). It draws on a bare
``matplotlib.figure.Figure`` instead and hands the widget the PNG bytes.
"""

from __future__ import annotations

import io
from typing import Any, Callable


def render_png(draw: Callable[..., Any], *args: Any, figsize: tuple[float, float] = (9.0, 3.6), dpi: int = 80,
               **kw: Any) -> bytes:
    """Call ``draw(*args, ax=ax, **kw)`` on a fresh Figure and return it as PNG bytes."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    ax = fig.add_subplot(1, 1, 1)
    draw(*args, ax=ax, **kw)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()
