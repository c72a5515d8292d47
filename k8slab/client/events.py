"""The event recorder: Normal/Warning Events about objects, aggregated as upstream.

upstream: staging/src/k8s.io/client-go/tools/record (event.go, events_cache.go). An
event's name is ``<object name>.<hex of the timestamp in ns>``; a repeat of the same
(source, object, type, reason, message) increments ``count`` and moves
``lastTimestamp`` instead of creating a new Event.
"""

from __future__ import annotations

from ..api.errors import ApiError
from ..api.meta import rfc3339
from .client import Client


class EventRecorder:
    """Records Events for one component (``source.component``, and ``source.host`` on a node)."""

    def __init__(self, client: Client, component: str, host: str = ""):
        self.client = client
        self.component = component
        self.host = host
        self._seen: dict[tuple, str] = {}
        self._counts: dict[str, int] = {}

    def event(self, obj: dict, type_: str, reason: str, message: str, field_path: str = "") -> None:
        """Record one event about ``obj`` (type_ is ``Normal`` or ``Warning``)."""
        md = obj["metadata"]
        ns = md.get("namespace") or "default"
        ref = {"kind": obj.get("kind", ""), "namespace": md.get("namespace", ""), "name": md["name"],
               "uid": md.get("uid", ""), "apiVersion": obj.get("apiVersion", ""),
               "resourceVersion": md.get("resourceVersion", "")}
        if field_path:
            ref["fieldPath"] = field_path
        if not ref["namespace"]:
            del ref["namespace"]
        now = self.client.now
        key = (ref["kind"], ns, ref["name"], ref["uid"], field_path, type_, reason, message)
        existing = self._seen.get(key)
        if existing is not None:
            count = self._counts[existing] + 1
            try:
                self.client.patch("events", existing, {"count": count, "lastTimestamp": rfc3339(now)}, namespace=ns)
                self._counts[existing] = count
                return
            except ApiError:
                del self._seen[key]
        nanos = int(round(now * 1e9)) + 1_735_689_600 * 10**9  # the virtual epoch in Unix ns
        name = f"{md['name']}.{nanos:x}"
        while name in self._counts:
            nanos += 1
            name = f"{md['name']}.{nanos:x}"
        source = {"component": self.component}
        if self.host:
            source["host"] = self.host
        ev = {
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": ns},
            "involvedObject": ref,
            "reason": reason, "message": message, "source": source,
            "firstTimestamp": rfc3339(now), "lastTimestamp": rfc3339(now), "count": 1,
            "type": type_, "eventTime": None,
            "reportingComponent": self.component, "reportingInstance": self.host or "",
        }
        try:
            self.client.create("events", ev, namespace=ns)
        except ApiError:
            return  # upstream drops events it cannot write; they are best-effort
        self._seen[key] = name
        self._counts[name] = 1
