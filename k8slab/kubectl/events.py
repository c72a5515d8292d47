"""``kubectl events``: the events of a namespace (or all), oldest first, optionally for one object.

upstream: staging/src/k8s.io/kubectl/pkg/cmd/events/events.go (flags ``--for TYPE/NAME``,
``--types Normal,Warning``, ``-A``, ``--no-headers``; the list is sorted by ``eventTime``:
``series.lastObservedTime``, else ``lastTimestamp``, else ``eventTime``) and
event_printer.go (columns ``LAST SEEN TYPE REASON OBJECT MESSAGE``, ``NAMESPACE`` first with
``-A``; LAST SEEN reads ``3m (x4 over 10m)`` for a repeated event). ``No events found in
default namespace.`` goes to stderr in kubectl; it is returned here (as ``get`` does).
``--watch`` is refused: advance the simulation and run the command again.
"""

from __future__ import annotations

from typing import Any

from ..api.meta import parse_time
from .duration import since
from .errors import KubectlError
from .flags import Flag
from .mapping import resolve_type
from .tabwriter import format_table

__all__ = ["FLAGS", "run_events", "event_time"]

FLAGS = [Flag("for"), Flag("types", "", "array"), Flag("all-namespaces", "A", "bool", False),
         Flag("no-headers", "", "bool", False), Flag("watch", "w", "bool", False), Flag("output", "o"),
         Flag("chunk-size", "", "int", 500)]


def event_time(ev: dict) -> float:
    """events.go ``eventTime``: when an event was last seen, in virtual seconds (0 when unknown)."""
    series = ev.get("series") or {}
    for ts in (series.get("lastObservedTime"), ev.get("lastTimestamp"), ev.get("eventTime")):
        if ts:
            return parse_time(ts)
    return 0.0


def _interval(ev: dict, now: float) -> str:
    """event_printer.go ``getInterval``."""
    first = since(ev.get("eventTime"), now) if ev.get("eventTime") else since(ev.get("firstTimestamp"), now)
    series = ev.get("series")
    if series:
        return f"{since(series.get('lastObservedTime'), now)} (x{series.get('count', 0)} over {first})"
    if (ev.get("count") or 0) > 1:
        return f"{since(ev.get('lastTimestamp'), now)} (x{ev['count']} over {first})"
    return first


def _types(opts: dict) -> list[str]:
    out: list[str] = []
    for v in opts.get("types") or []:
        for t in str(v).split(","):
            t = t.strip()
            if not t:
                continue
            if t.lower() not in ("normal", "warning"):
                raise KubectlError("error: valid --types are Normal or Warning")
            out.append(t.lower())
    return out


def run_events(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    """Run ``kubectl events [--for TYPE/NAME] [--types ...] [-A]`` and return what it prints."""
    if opts.get("watch"):
        raise KubectlError("error: k8slab's kubectl does not watch: run the cluster and list again")
    if opts.get("output"):
        raise KubectlError('error: k8slab\'s kubectl events prints the table only (no "-o")')
    if args:
        raise KubectlError("error: unknown command \"%s\" for \"kubectl events\"" % args[0])
    all_ns = bool(opts.get("all-namespaces"))
    ns = None if all_ns else (opts.get("namespace") or "default")
    types = _types(opts)
    field_selector = None
    if opts.get("for"):
        target = str(opts["for"])
        kind, sep, name = target.partition("/")
        if not sep or not kind or not name or "/" in name:
            raise KubectlError("error: arguments in resource/name form must have a single resource and name")
        ri = resolve_type(kind)
        api_version = f"{ri.group}/{ri.version}" if ri.group else ri.version
        field_selector = (f"involvedObject.kind={ri.kind},involvedObject.apiVersion={api_version},"
                          f"involvedObject.name={name}")
    items = client.list("events", ns, field_selector=field_selector)["items"]
    if types:
        items = [e for e in items if (e.get("type") or "").lower() in types]
    if not items:
        return "No events found.\n" if all_ns else f"No events found in {ns} namespace.\n"
    items = sorted(items, key=event_time)  # sort.Sort(SortableEvents) is not stable; list order breaks ties here
    now = client.now
    lines = []
    if not opts.get("no-headers"):
        lines.append(("NAMESPACE\t" if all_ns else "") + "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE")
    for e in items:
        io = e.get("involvedObject") or {}
        row = [_interval(e, now), e.get("type", ""), e.get("reason", ""),
               f"{(io.get('kind') or '').lower()}/{io.get('name', '')}", (e.get("message") or "").strip()]
        if all_ns:
            row.insert(0, (e.get("metadata") or {}).get("namespace", ""))
        lines.append("\t".join(row))
    return format_table("\n".join(lines) + "\n")
