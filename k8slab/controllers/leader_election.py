"""Leader election through a coordination.k8s.io Lease, as kube-controller-manager does it.

upstream: staging/src/k8s.io/client-go/tools/leaderelection/leaderelection.go (acquire, renew,
tryAcquireOrRenew), resourcelock/leaselock.go, and kube-controller-manager's defaults in
staging/src/k8s.io/component-base/config/v1alpha1/defaults.go
(RecommendedDefaultLeaderElectionConfiguration: LeaseDuration 15 s, RenewDeadline 10 s,
RetryPeriod 2 s; the lock is the Lease ``kube-system/kube-controller-manager``).

A candidate tries at once and then every RetryPeriod (with wait.JitterUntil's jitter factor
1.2 while acquiring); it takes the Lease when it does not exist, when it holds it already,
or when the holder has not renewed for LeaseDuration (measured, as upstream, from when this
candidate last saw the record change). The leader renews every RetryPeriod; if it cannot
renew within RenewDeadline it stops leading (kube-controller-manager then exits).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable

from ..api.errors import ApiError
from ..api.meta import rfc3339_micro
from ..client.context import ComponentContext

LEASE_DURATION = 15.0
RENEW_DEADLINE = 10.0
RETRY_PERIOD = 2.0
JITTER_FACTOR = 1.2


class LeaderElector:
    """One candidate. ``on_started_leading`` / ``on_stopped_leading`` are called on transitions."""

    def __init__(self, ctx: ComponentContext, identity: str, *, namespace: str = "kube-system",
                 name: str = "kube-controller-manager", lease_duration: float = LEASE_DURATION,
                 renew_deadline: float = RENEW_DEADLINE, retry_period: float = RETRY_PERIOD,
                 on_started_leading: Callable[[], None] | None = None,
                 on_stopped_leading: Callable[[], None] | None = None):
        if not lease_duration > renew_deadline:
            raise ValueError("leaseDuration must be greater than renewDeadline")
        if not renew_deadline > JITTER_FACTOR * retry_period:
            raise ValueError("renewDeadline must be greater than retryPeriod*JitterFactor")
        self.ctx = ctx
        self.identity = identity
        self.namespace, self.name = namespace, name
        self.lease_duration, self.renew_deadline, self.retry_period = lease_duration, renew_deadline, retry_period
        self.on_started_leading = on_started_leading
        self.on_stopped_leading = on_stopped_leading
        self.leading = False
        self.stopped = False
        self._observed_record: dict | None = None
        self._observed_time = 0.0
        self._last_renew = 0.0
        self._timer = None

    # ------------------------------------------------------------------ loops
    def run(self) -> None:
        """Start campaigning: one attempt now, then the acquire loop."""
        self._acquire_tick()

    def stop(self) -> None:
        """The process ends: no more attempts (upstream ReleaseOnCancel is off for kube-controller-manager)."""
        self.stopped = True
        if self._timer is not None:
            self._timer.cancel()
        self.leading = False

    def _acquire_tick(self) -> None:
        if self.stopped:
            return
        if self._try_acquire_or_renew():
            self.leading = True
            self._last_renew = self.ctx.now
            self.ctx.recorder.event(self._lease or {}, "Normal", "LeaderElection", f"{self.identity} became leader")
            if self.on_started_leading:
                self.on_started_leading()
            self._timer = self.ctx.call_later(self.retry_period, self._renew_tick, source=self.ctx.name,
                                              what="renew leader lease")
            return
        delay = self.retry_period + self.ctx.rng.random() * JITTER_FACTOR * self.retry_period
        self._timer = self.ctx.call_later(delay, self._acquire_tick, source=self.ctx.name,
                                          what="try to acquire leader lease")

    def _renew_tick(self) -> None:
        if self.stopped:
            return
        if self._try_acquire_or_renew():
            self._last_renew = self.ctx.now
        elif self.ctx.now - self._last_renew >= self.renew_deadline:
            self.leading = False
            self.ctx.recorder.event(self._lease or {"kind": "Lease", "apiVersion": "coordination.k8s.io/v1",
                                                    "metadata": {"name": self.name, "namespace": self.namespace}},
                                    "Normal", "LeaderElection", f"{self.identity} stopped leading")
            self.stopped = True
            if self.on_stopped_leading:
                self.on_stopped_leading()
            return
        self._timer = self.ctx.call_later(self.retry_period, self._renew_tick, source=self.ctx.name,
                                          what="renew leader lease")

    # ------------------------------------------------------------------ one attempt
    _lease: dict | None = None

    def _try_acquire_or_renew(self) -> bool:
        """tryAcquireOrRenew."""
        now = self.ctx.now
        client = self.ctx.client
        try:
            lease = client.get("leases", self.name, self.namespace)
        except ApiError as e:
            if e.code != 404:
                return False
            record = {"holderIdentity": self.identity, "leaseDurationSeconds": int(self.lease_duration),
                      "acquireTime": rfc3339_micro(now), "renewTime": rfc3339_micro(now), "leaseTransitions": 0}
            try:
                self._lease = client.create("leases", {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                                                       "metadata": {"name": self.name, "namespace": self.namespace},
                                                       "spec": record}, namespace=self.namespace)
            except ApiError:
                return False
            self._observe(record, now)
            return True
        spec = dict(lease.get("spec") or {})
        if spec != self._observed_record:
            self._observe(spec, now)
        holder = spec.get("holderIdentity") or ""
        is_leader = holder == self.identity
        if holder and not is_leader and self._observed_time + self.lease_duration > now:
            return False  # held by another, not yet expired
        record = {"holderIdentity": self.identity, "leaseDurationSeconds": int(self.lease_duration),
                  "renewTime": rfc3339_micro(now)}
        if is_leader:
            record["acquireTime"] = spec.get("acquireTime") or rfc3339_micro(now)
            record["leaseTransitions"] = spec.get("leaseTransitions", 0)
        else:
            record["acquireTime"] = rfc3339_micro(now)
            record["leaseTransitions"] = spec.get("leaseTransitions", 0) + 1
        lease["spec"] = {**spec, **record}
        try:
            self._lease = client.update("leases", lease)
        except ApiError:
            return False
        self._observe(lease["spec"], now)
        return True

    def _observe(self, record: dict, now: float) -> None:
        self._observed_record = dict(record)
        self._observed_time = now

    @property
    def holder(self) -> str:
        return (self._observed_record or {}).get("holderIdentity", "")


class ElectedProcess(ABC):
    """A control-plane process that works only while it holds its Lease, and is restarted after losing it.

    upstream: kube-controller-manager and kube-scheduler both run their work from the
    elector's OnStartedLeading and exit from OnStoppedLeading (``klog.Fatalf`` /
    ``klog.FlushAndExit``); the kubelet then restarts their static pods. Here ``crash()`` ends
    the process — a generation counter silences every timer it had armed — and, after a lost
    Lease, ``restart_delay`` seconds later a fresh process is built (``_build``) and campaigns
    again. Subclasses provide ``_build()`` (which must set ``self.elector``), ``_run()`` (the
    work, once leading) and ``_stop_watches()``.
    """

    name = "process"

    def _init_process(self, ctx: ComponentContext, *, leader_elect: bool, restart_delay: float | None,
                      identity: str | None) -> None:
        self.ctx = ctx
        self.leader_elect = leader_elect
        self.restart_delay = restart_delay
        self.alive = True
        self.generation = 0
        self.restarts = 0
        if identity is None:
            # upstream: "<hostname>_<uuid>"
            from ..api.meta import new_uid

            identity = f"control-plane_{new_uid(ctx.rng)}"
        self.identity = identity

    def _guarded(self, call_later: Callable) -> Callable:
        """``call_later`` whose callbacks run only while this run of the process lives."""
        generation = self.generation

        def guarded(delay, fn, *args, **kw):
            def run(*a):
                if self.alive and self.generation == generation:
                    fn(*a)
            return call_later(delay, run, *args, **kw)
        return guarded

    def _elector(self, lease_name: str, **opts) -> LeaderElector:
        return LeaderElector(self.ctx, self.identity, name=lease_name, on_started_leading=self._run,
                             on_stopped_leading=self._lost_lease, **opts)

    def start(self) -> None:
        """Campaign for leadership (at once); the work starts when this process leads."""
        if self.leader_elect:
            self.elector.run()
        else:
            self._run()

    @property
    def leading(self) -> bool:
        return self.alive and (self.elector.leading or not self.leader_elect)

    def crash(self) -> None:
        """The process dies: no more watches, timers or lease renewals."""
        self.alive = False
        self.generation += 1
        self.elector.stop()
        self._stop_watches()

    def _lost_lease(self) -> None:
        self.crash()
        if self.restart_delay is not None:
            self.ctx.call_later(self.restart_delay, self._restart, what=f"restart {self.name}")

    def _restart(self) -> None:
        """The static pod comes back: a fresh process lists, watches and campaigns again."""
        self.restarts += 1
        self.alive = True
        self._build()
        self.start()

    # what each process defines
    @abstractmethod
    def _build(self) -> None:
        """Build one run of the process (its informers, its work, ``self.elector``)."""

    @abstractmethod
    def _run(self) -> None:
        """OnStartedLeading: start the work."""

    @abstractmethod
    def _stop_watches(self) -> None:
        """Stop the watches of this run."""
