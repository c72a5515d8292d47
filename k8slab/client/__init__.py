"""API client, informers, work queue and event recorder."""

from .client import Client
from .events import EventRecorder
from .informer import Informer
from .workqueue import WorkQueue

__all__ = ["Client", "EventRecorder", "Informer", "WorkQueue"]
from .context import ComponentContext  # noqa: E402

__all__.append("ComponentContext")
