"""kube-scheduler: the scheduling framework, queue, cache, in-tree plugins and ``explain``.

upstream: pkg/scheduler (v1.32). See :class:`Scheduler`.
"""

from .config import ConfigError, load_config
from .scheduler import Scheduler

__all__ = ["Scheduler", "ConfigError", "load_config"]
