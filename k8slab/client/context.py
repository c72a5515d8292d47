"""What a component is handed: an API client, timers on the virtual clock, a random stream, an event recorder.

Components are sans-IO: they never touch the kernel, the store or each other. They make
API calls through ``ctx.client`` and ask for a callback later with ``ctx.call_later``;
the cluster (``cluster.py``) builds one context per component and decides when things run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable

from .client import Client
from .events import EventRecorder
from .informer import Informer, SharedInformerFactory
from .workqueue import WorkQueue


@dataclass
class ComponentContext:
    """Everything a component may use. ``name`` is how the trace names it."""

    name: str
    client: Client
    call_later: Callable[..., Any]
    rng: random.Random
    recorder: EventRecorder
    informers: SharedInformerFactory | None = None

    @property
    def now(self) -> float:
        return self.client.now

    def informer(self, resource: str, namespace: str | None = None, **kw: Any) -> Informer:
        """An informer for ``resource``: the process's shared one when the component has a factory."""
        if self.informers is not None:
            return self.informers.informer(resource, namespace, **kw)
        return Informer(self.client, resource, namespace, **kw)

    def workqueue(self, name: str, process: Callable[[str], None], **kw: Any) -> WorkQueue:
        q = WorkQueue(f"{self.name}/{name}", self.call_later, process, **kw)
        q.now = lambda: self.client.now
        return q
