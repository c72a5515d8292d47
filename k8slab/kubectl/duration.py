"""Human-readable durations, as kubectl prints them in AGE columns and describe output.

upstream: staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go (``HumanDuration``,
``ShortHumanDuration``). Times come from the virtual clock (``client.now``) and the
objects' RFC 3339 timestamps, never from the wall clock.
"""

from __future__ import annotations

from ..api.meta import parse_time


def human_duration(seconds: float) -> str:
    """HumanDuration: ``45s``, ``2m30s``, ``10m``, ``3h``, ``5h20m``, ``2d3h``, ``400d``, ``2y30d``."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 60 * 2:
        return f"{s}s"
    minutes = int(seconds // 60)
    if minutes < 10:
        sec = s % 60
        return f"{minutes}m" if sec == 0 else f"{minutes}m{sec}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = int(seconds // 3600)
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def short_human_duration(seconds: float) -> str:
    """ShortHumanDuration: one unit only (``45s``, ``2m``, ``3h``, ``5d``, ``2y``)."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 60:
        return f"{s}s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes}m"
    hours = int(seconds // 3600)
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{int(hours / 24 / 365)}y"


def since(timestamp: str | None, now: float) -> str:
    """translateTimestampSince: the age of an RFC 3339 timestamp at virtual time ``now``."""
    if not timestamp:
        return "<unknown>"
    return human_duration(now - parse_time(timestamp))
