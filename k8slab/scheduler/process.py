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
from ..controllers.leader_election import LeaderElector
from .scheduler import Scheduler


class SchedulerProcess:
    """Runs one :class:`Scheduler` at a time, while this process holds the scheduler Lease."""

    name = "default-scheduler"

    def __init__(self, make_context: Callable[[], ComponentContext], config: Any = None, *,
                 leader_elect: bool = True, restart_delay: float | None = 10.0, identity: str | None = None):
        self._make_context = make_context
        self.config = config
        self.leader_elect = leader_elect
        self.restart_delay = restart_delay
        self.generation = 0
        self.restarts = 0
        self.alive = True
        self.ctx = make_context()
        if identity is None:
            from ..api.meta import new_uid

            identity = f"control-plane_{new_uid(self.ctx.rng)}"
        self.identity = identity
        self._build()

    def _build(self) -> None:
        ctx = self._make_context()
        generation = self.generation
        raw_call_later = ctx.call_later

        def guarded(delay, fn, *args, **kw):
            def run(*a):
                if self.alive and self.generation == generation:
                    fn(*a)
            return raw_call_later(delay, run, *args, **kw)

        ctx.call_later = guarded
        self.scheduler = Scheduler(ctx, self.config)
        self.elector = LeaderElector(self.ctx, self.identity, name="kube-scheduler",
                                     on_started_leading=self.scheduler.start, on_stopped_leading=self._lost_lease)

    def start(self) -> None:
        if self.leader_elect:
            self.elector.run()
        else:
            self.scheduler.start()

    @property
    def leading(self) -> bool:
        return self.alive and (self.elector.leading or not self.leader_elect)

    def crash(self) -> None:
        """The process dies: its watches, timers and renewals stop."""
        self.alive = False
        self.generation += 1
        self.elector.stop()
        for inf in (self.scheduler._namespaces, self.scheduler._replicasets, self.scheduler._nodes,
                    self.scheduler._pods):
            if inf is not None:
                inf.stop()

    def _lost_lease(self) -> None:
        self.crash()
        if self.restart_delay is not None:
            self.ctx.call_later(self.restart_delay, self._restart, what="restart kube-scheduler")

    def _restart(self) -> None:
        self.restarts += 1
        self.alive = True
        self._build()
        self.start()
