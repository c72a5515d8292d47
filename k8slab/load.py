"""A load generator: requests per second through a Service, turned into the backends' CPU use.

Like k8slab/traffic.py this is the data plane (in a real cluster: clients, the kernel and the
network, not a Kubernetes component): it reads the Service's EndpointSlices through the
cluster's client and sets the CPU the backend containers use in their node's runtime.
kube-proxy spreads connections evenly over the ready endpoints (iptables' random
probabilities), so each ready backend gets ``rps / n`` requests per second and its serving
container (the first declaring a port, else the first; sidecars stay idle) uses
``base + rps / n × cpu_per_request`` cores, capped at its CPU limit (CFS throttling).

Simplification (k8slab): the per-request cost is a constant (``cpu_per_request``, in cores
per request per second, default 1m), updated every ``interval`` seconds of virtual time.
"""

from __future__ import annotations

from typing import Any, Callable

from .api.quantity import milli_value

IDLE_CPU = 0.001  # what an idle server uses (node/runtime.py SERVER_CPU)


def _serving_container(pod: dict) -> str:
    """The container the requests reach: the first one declaring a port, else the first (sidecars stay idle)."""
    containers = pod["spec"].get("containers") or []
    for c in containers:
        if c.get("ports"):
            return c["name"]
    return containers[0]["name"] if containers else ""


class LoadGenerator:
    """``rps`` is a number or a function of virtual time (seconds since start) → requests per second."""

    def __init__(self, cluster: Any, service: str, rps: float | Callable[[float], float], *, namespace: str = "default",
                 cpu_per_request: float = 0.001, interval: float = 5.0):
        self.cluster = cluster
        self.service = service
        self.namespace = namespace
        self.rps = rps
        self.cpu_per_request = float(cpu_per_request)
        self.interval = float(interval)
        self.started_at = cluster.now
        self.running = False
        self._touched: set[tuple[str, str]] = set()  # (node, container id)
        self.history: list[dict] = []

    def rate(self, t: float | None = None) -> float:
        """Requests per second at virtual time ``t`` (default: now)."""
        t = self.cluster.now if t is None else t
        r = self.rps(t - self.started_at) if callable(self.rps) else self.rps
        return max(0.0, float(r))

    def start(self) -> "LoadGenerator":
        self.running = True
        self._tick()
        return self

    def stop(self) -> None:
        self.running = False
        self._apply({}, 0.0)

    def _tick(self) -> None:
        if not self.running:
            return
        backends = self._ready_backends()
        rps = self.rate()
        self._apply(backends, rps)
        self.history.append({"time": self.cluster.now, "rps": rps, "backends": len(backends)})
        self.cluster.kernel.call_later(self.interval, self._tick, source="load-generator", what="load tick")

    def _ready_backends(self) -> dict[str, str]:
        """pod name -> node of the Service's ready endpoints."""
        out = {}
        client = self.cluster.client
        slices = client.list("endpointslices", self.namespace,
                             label_selector=f"kubernetes.io/service-name={self.service}")["items"]
        for s in slices:
            for ep in s.get("endpoints") or []:
                if (ep.get("conditions") or {}).get("ready") is False:
                    continue
                ref = ep.get("targetRef") or {}
                if ref.get("kind") == "Pod" and ep.get("nodeName"):
                    out[ref["name"]] = ep["nodeName"]
        return out

    def _apply(self, backends: dict[str, str], rps: float) -> None:
        per = rps / len(backends) if backends else 0.0
        touched: set[tuple[str, str]] = set()
        for pod_name in sorted(backends):
            node = backends[pod_name]
            kubelet = self.cluster.kubelets.get(node)
            if kubelet is None:
                continue
            try:
                pod = self.cluster.client.get("pods", pod_name, self.namespace)
            except Exception:  # noqa: BLE001 - gone meanwhile
                continue
            limits = {c["name"]: ((c.get("resources") or {}).get("limits") or {}).get("cpu")
                      for c in pod["spec"].get("containers") or []}
            serving = _serving_container(pod)
            for c in kubelet.runtime.list_containers(pod["metadata"]["uid"]):
                if c.state != "CONTAINER_RUNNING" or c.name != serving:
                    continue
                use = IDLE_CPU + per * self.cpu_per_request
                lim = limits.get(c.name)
                if lim:
                    use = min(use, milli_value(lim) / 1000)
                c.cpu_usage = use
                touched.add((node, c.id))
        for node, cid in self._touched - touched:
            kubelet = self.cluster.kubelets.get(node)
            c = kubelet.runtime.container_status(cid) if kubelet else None
            if c is not None and c.state == "CONTAINER_RUNNING":
                c.cpu_usage = IDLE_CPU
        self._touched = touched

    def frame(self):
        import pandas as pd

        return pd.DataFrame(self.history, columns=["time", "rps", "backends"])
