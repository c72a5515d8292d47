"""The kube-scheduler process: leader election around the scheduler, exit and restart.

upstream: cmd/kube-scheduler/app/server.go (Run: leader election on the Lease
``kube-system/kube-scheduler`` with the component-base defaults — LeaseDuration 15 s,
RenewDeadline 10 s, RetryPeriod 2 s; OnStartedLeading runs the scheduler; OnStoppedLeading
is ``klog.FlushAndExit`` — the process exits and its static pod is restarted by the kubelet).

A stopped process keeps nothing: the restarted one builds a fresh :class:`Scheduler`
(informers, queue, cache) and campaigns again; timers of the dead one never fire.
"""

from __future__ import annotations

from typing import Any, Callable

from ..client.context import ComponentContext
from ..controllers.leader_election import ElectedProcess
from .scheduler import Scheduler


class SchedulerProcess(ElectedProcess):
    """Runs one :class:`Scheduler` at a time, while this process holds the scheduler Lease."""

    name = "kube-scheduler"

    def __init__(self, make_context: Callable[[], ComponentContext], config: Any = None, *,
                 leader_elect: bool = True, restart_delay: float | None = 10.0, identity: str | None = None):
        self._make_context = make_context
        self.config = config
        self._init_process(make_context(), leader_elect=leader_elect, restart_delay=restart_delay,
                           identity=identity)
        self._build()

    def _build(self) -> None:
        ctx = self._make_context()
        ctx.call_later = self._guarded(ctx.call_later)
        self.scheduler = Scheduler(ctx, self.config)
        self.elector = self._elector("kube-scheduler")

    def _run(self) -> None:
        """OnStartedLeading: the scheduler starts its informers and its loop."""
        self.scheduler.start()

    def _stop_watches(self) -> None:
        for inf in (self.scheduler._namespaces, self.scheduler._replicasets, self.scheduler._nodes,
                    self.scheduler._pods):
            if inf is not None:
                inf.stop()
