"""A control plane without nodes: API server + controller manager, and a stand-in for kubelets.

``mark_ready`` plays the kubelet's part (pods bound and Ready) so controller behaviour
can be tested on its own.
"""

from __future__ import annotations

from k8slab.api.meta import rfc3339
from k8slab.apiserver import APIServer
from k8slab.client import Client, ComponentContext, EventRecorder
from k8slab.controllers import ControllerManager
from k8slab.etcd import MVCCStore
from k8slab.sim import Kernel, RngTree, Trace


class ControlPlane:
    def __init__(self, seed: int = 0):
        self.kernel = Kernel()
        self.rng = RngTree(seed)
        self.store = MVCCStore()
        self.server = APIServer(self.store, self.kernel, self.rng, Trace())
        self.server.bootstrap()
        self.client = Client(self.server, "test")
        self.cm = ControllerManager(self.ctx)
        self.cm.start()

    def ctx(self, name: str) -> ComponentContext:
        c = Client(self.server, name)
        return ComponentContext(name, c, lambda d, fn, *a, source="", what="": self.kernel.call_later(d, fn, *a, source=source or name, what=what),
                                self.rng.stream(name), EventRecorder(c, name))

    def run(self, seconds: float) -> None:
        self.kernel.run_until(self.kernel.now + seconds)

    def pods(self, **kw):
        return self.client.list("pods", "default", **kw)["items"]

    def mark_ready(self, node: str = "node-1") -> int:
        """Bind and mark Running+Ready every active pod that is not yet (the kubelet's job in a cluster)."""
        n = 0
        for p in self.pods():
            if p["metadata"].get("deletionTimestamp"):
                continue
            if not p["spec"].get("nodeName"):
                self.client.bind(p, node)
                p = self.client.get("pods", p["metadata"]["name"], "default")
            if p["status"].get("phase") == "Running":
                continue
            now = rfc3339(self.kernel.now)
            p["status"]["phase"] = "Running"
            p["status"]["conditions"] = [{"type": "Ready", "status": "True", "lastTransitionTime": now}]
            self.client.update_status("pods", p)
            n += 1
        return n

    def finish_terminating(self) -> None:
        for p in self.pods():
            if p["metadata"].get("deletionTimestamp"):
                self.client.delete("pods", p["metadata"]["name"], "default", grace_period_seconds=0)


def deployment(name="web", replicas=3, image="nginx:1.27", **spec):
    d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
         "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                  "template": {"metadata": {"labels": {"app": name}},
                               "spec": {"containers": [{"name": "c", "image": image}]}}}}
    d["spec"].update(spec)
    return d
