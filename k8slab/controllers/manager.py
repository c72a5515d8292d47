"""kube-controller-manager: runs the controllers, each with its own client and identity.

upstream: cmd/kube-controller-manager/app/controllermanager.go (NewControllerDescriptors).
Each controller gets a context named after its upstream client name (``deployment-controller``,
``replicaset-controller``, ``node-controller``, ...) so the trace and Events show who acted.

Leader election (leader_election.py): the manager campaigns for the Lease
``kube-system/kube-controller-manager`` and starts its controllers only once it leads, as
``--leader-elect=true`` (the default) does. ``crash()`` ends the process: its informers stop,
its timers do nothing, its Lease is left to expire, and a standby manager built on the same
API server takes over after LeaseDuration.
"""

from __future__ import annotations

from typing import Callable

from ..client.context import ComponentContext
from ..client.informer import SharedInformerFactory
from .deployment import DeploymentController
from .disruption import DisruptionController
from .endpointslice import EndpointSliceController
from .daemonset import DaemonSetController
from .garbage_collector import GarbageCollector
from .hpa import HorizontalPodAutoscalerController
from .job import JobController
from .namespace import NamespaceController
from .leader_election import LeaderElector
from .node_lifecycle import NodeLifecycleController
from .replicaset import ReplicaSetController
from .taint_eviction import TaintEvictionController

#: (client name, factory) in the order upstream starts them
CONTROLLERS: list[tuple[str, Callable[[ComponentContext], object]]] = [
    ("deployment-controller", DeploymentController),
    ("replicaset-controller", ReplicaSetController),
    ("daemon-set-controller", DaemonSetController),
    ("job-controller", JobController),
    ("node-controller", NodeLifecycleController),
    ("taint-eviction-controller", TaintEvictionController),
    ("generic-garbage-collector", GarbageCollector),
    ("namespace-controller", NamespaceController),
    ("endpointslice-controller", EndpointSliceController),
    ("disruption-controller", DisruptionController),
    ("horizontal-pod-autoscaler", HorizontalPodAutoscalerController),
]


class ControllerManager:
    """Builds and starts every controller; ``controllers[name]`` gives one."""

    name = "kube-controller-manager"

    def __init__(self, make_context: Callable[[str], ComponentContext], options: dict | None = None, *,
                 identity: str | None = None, restart_delay: float | None = 10.0):
        options = dict(options or {})
        self._make_context = make_context
        self.controllers: dict[str, object] = {}
        self.alive = True
        self.started = False
        self.generation = 0
        self.restarts = 0
        #: a manager that loses its Lease exits; the kubelet restarts the static pod after this delay
        self.restart_delay = restart_delay
        shared_ctx = make_context(self.name)
        self.ctx = shared_ctx
        le_opts = dict(options.pop("leader-election", {}) or {})
        # upstream's default, --leader-elect=true: the manager holds kube-system/kube-controller-manager,
        # renews it every RetryPeriod, and exits when it cannot (the kubelet then restarts it); turn it
        # off with controller_options={"leader-election": {"leader_elect": False}}.
        self.leader_elect = le_opts.pop("leader_elect", True)
        self._le_opts = le_opts
        self._options = options
        if identity is None:
            # upstream: "<hostname>_<uuid>"
            from ..api.meta import new_uid

            identity = f"control-plane_{new_uid(shared_ctx.rng)}"
        self.identity = identity
        self._build()

    def _build(self) -> None:
        """Informers, controllers and the elector of one run of the process."""
        # one informer per resource for the whole process, listing and watching as kube-controller-manager
        self.informers = SharedInformerFactory(self.ctx.client)
        self.controllers = {}
        for name, factory in CONTROLLERS:
            kw = self._options.get(name, {})
            ctx = self._make_context(name)
            ctx.informers = self.informers
            ctx.call_later = self._guarded(ctx.call_later)
            self.controllers[name] = factory(ctx, **kw)
        self.elector = LeaderElector(self.ctx, self.identity, on_started_leading=self._start_controllers,
                                     on_stopped_leading=self._lost_lease, **self._le_opts)

    def _guarded(self, call_later: Callable) -> Callable:
        generation = self.generation

        def guarded(delay, fn, *args, **kw):
            def run(*a):
                if self.alive and self.generation == generation:
                    fn(*a)
            return call_later(delay, run, *args, **kw)
        return guarded

    def start(self) -> None:
        """Campaign for leadership (at once); the controllers start when this manager leads."""
        if self.leader_elect:
            self.elector.run()
        else:
            self._start_controllers()

    def _start_controllers(self) -> None:
        if self.started or not self.alive:
            return
        self.started = True
        for c in self.controllers.values():
            c.start()

    def _lost_lease(self) -> None:
        """upstream: OnStoppedLeading is klog.Fatalf("leaderelection lost") — the process exits."""
        self.crash()
        if self.restart_delay is not None:
            self.ctx.call_later(self.restart_delay, self._restart, what="restart kube-controller-manager")

    def _restart(self) -> None:
        """The static pod comes back: a fresh process lists, watches and campaigns again."""
        self.restarts += 1
        self.alive = True
        self.started = False
        self._build()
        self.start()

    @property
    def leading(self) -> bool:
        return self.alive and (self.elector.leading or not self.leader_elect)

    def crash(self) -> None:
        """The process dies: no more watches, timers or lease renewals."""
        self.alive = False
        self.generation += 1
        self.elector.stop()
        for inf in list(getattr(self.informers, "_informers", {}).values()):
            inf.stop()
