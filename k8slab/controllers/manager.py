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
from .leader_election import ElectedProcess
from .node_lifecycle import NodeLifecycleController
from .replicaset import ReplicaSetController
from .rootcacertpublisher import RootCACertPublisher
from .serviceaccount import ServiceAccountsController
from .statefulset import StatefulSetController
from .taint_eviction import TaintEvictionController

#: (client name, factory) in the order upstream starts them
CONTROLLERS: list[tuple[str, Callable[[ComponentContext], object]]] = [
    ("deployment-controller", DeploymentController),
    ("replicaset-controller", ReplicaSetController),
    ("daemon-set-controller", DaemonSetController),
    ("statefulset-controller", StatefulSetController),
    ("job-controller", JobController),
    ("node-controller", NodeLifecycleController),
    ("taint-eviction-controller", TaintEvictionController),
    ("generic-garbage-collector", GarbageCollector),
    ("namespace-controller", NamespaceController),
    ("endpointslice-controller", EndpointSliceController),
    ("disruption-controller", DisruptionController),
    ("horizontal-pod-autoscaler", HorizontalPodAutoscalerController),
    ("serviceaccount-controller", ServiceAccountsController),
    ("root-ca-cert-publisher", RootCACertPublisher),
]


class ControllerManager(ElectedProcess):
    """Builds and starts every controller; ``controllers[name]`` gives one."""

    name = "kube-controller-manager"

    def __init__(self, make_context: Callable[[str], ComponentContext], options: dict | None = None, *,
                 identity: str | None = None, restart_delay: float | None = 10.0):
        options = dict(options or {})
        self._make_context = make_context
        le_opts = dict(options.pop("leader-election", {}) or {})
        # upstream's default, --leader-elect=true: the manager holds kube-system/kube-controller-manager,
        # renews it every RetryPeriod, and exits when it cannot (the kubelet then restarts it); turn it
        # off with controller_options={"leader-election": {"leader_elect": False}}.
        self._init_process(make_context(self.name), leader_elect=le_opts.pop("leader_elect", True),
                           restart_delay=restart_delay, identity=identity)
        self._le_opts = le_opts
        self._options = options
        self._build()

    def _build(self) -> None:
        """Informers, controllers and the elector of one run of the process."""
        self.started = False
        # one informer per resource for the whole process, listing and watching as kube-controller-manager
        self.informers = SharedInformerFactory(self.ctx.client)
        self.controllers: dict[str, object] = {}
        for name, factory in CONTROLLERS:
            kw = self._options.get(name, {})
            ctx = self._make_context(name)
            ctx.informers = self.informers
            ctx.call_later = self._guarded(ctx.call_later)
            self.controllers[name] = factory(ctx, **kw)
        self.elector = self._elector("kube-controller-manager", **self._le_opts)

    def _run(self) -> None:
        """OnStartedLeading: start every controller."""
        if self.started or not self.alive:
            return
        self.started = True
        for c in self.controllers.values():
            c.start()

    def _stop_watches(self) -> None:
        for inf in list(getattr(self.informers, "_informers", {}).values()):
            inf.stop()
