"""kube-controller-manager: runs the controllers, each with its own client and identity.

upstream: cmd/kube-controller-manager/app/controllermanager.go (NewControllerDescriptors).
Each controller gets a context named after its upstream client name (``deployment-controller``,
``replicaset-controller``, ``node-controller``, ...) so the trace and Events show who acted.

Simplification: a single controller manager, so no leader election yet (the controllers
issue adds it through a Lease).
"""

from __future__ import annotations

from typing import Callable

from ..client.context import ComponentContext
from ..client.informer import SharedInformerFactory
from .deployment import DeploymentController
from .garbage_collector import GarbageCollector
from .node_lifecycle import NodeLifecycleController
from .replicaset import ReplicaSetController
from .taint_eviction import TaintEvictionController

#: (client name, factory) in the order upstream starts them
CONTROLLERS: list[tuple[str, Callable[[ComponentContext], object]]] = [
    ("deployment-controller", DeploymentController),
    ("replicaset-controller", ReplicaSetController),
    ("node-controller", NodeLifecycleController),
    ("taint-eviction-controller", TaintEvictionController),
    ("generic-garbage-collector", GarbageCollector),
]


class ControllerManager:
    """Builds and starts every controller; ``controllers[name]`` gives one."""

    name = "kube-controller-manager"

    def __init__(self, make_context: Callable[[str], ComponentContext], options: dict | None = None):
        options = options or {}
        self.controllers: dict[str, object] = {}
        shared_ctx = make_context(self.name)
        # one informer per resource for the whole process, listing and watching as kube-controller-manager
        self.informers = SharedInformerFactory(shared_ctx.client)
        for name, factory in CONTROLLERS:
            kw = options.get(name, {})
            ctx = make_context(name)
            ctx.informers = self.informers
            self.controllers[name] = factory(ctx, **kw)

    def start(self) -> None:
        for c in self.controllers.values():
            c.start()
