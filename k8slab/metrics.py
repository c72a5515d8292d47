"""metrics-server: scrapes every kubelet's resource usage and serves ``metrics.k8s.io/v1beta1``.

upstream: kubernetes-sigs/metrics-server (pkg/scraper: one scrape of every node's
``/metrics/resource`` per ``--metric-resolution=15s``; pkg/storage: a pod's or node's
metrics are served once two scrapes exist, with ``window`` the interval between them;
pkg/api: ``NodeMetrics`` / ``PodMetrics`` objects, CPU in nanocores, memory in Ki).

The metrics-server reaches the kubelets through the API server's node proxy
(``APIServer.node_stats``), and the API server proxies ``metrics.k8s.io`` to it
(``APIServer.register_api_service``), as the aggregation layer does. It holds no
reference to any other component.

Simplifications (k8slab): the kubelet reports instantaneous usage (the runtime's simulated
programs), not cumulative CPU counters, so the CPU served is the usage at the latest
scrape; a node's usage is its pods' usage plus a fixed system share (the OS, kubelet and
container runtime: :data:`SYSTEM_CPU`, :data:`SYSTEM_MEMORY`).

It also keeps a time series of what it scraped (and of a few cluster quantities read from
the API at each scrape: replicas of Deployments, pending pods, HPA status, nodes) for
``Cluster.metrics(kind=...)`` as a pandas DataFrame.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .api.errors import ApiError
from .api.meta import rfc3339
from .api.quantity import format_quantity

GROUP_VERSION = "metrics.k8s.io/v1beta1"
#: --metric-resolution default
METRIC_RESOLUTION = 15.0
#: the node's own share (OS, kubelet, containerd): k8slab's simplification
SYSTEM_CPU = 0.05
SYSTEM_MEMORY = 256 * 1024 * 1024


class MetricsAPI:
    """What a component uses to read ``metrics.k8s.io`` and kubelet stats through its client."""

    def __init__(self, client: Any):
        self._client = client

    def list(self, resource: str, namespace: str | None = None, label_selector: Any = None) -> dict:
        return self._client.get_aggregated(GROUP_VERSION, resource, namespace, None, label_selector=label_selector)

    def get(self, resource: str, name: str, namespace: str | None = None) -> dict:
        return self._client.get_aggregated(GROUP_VERSION, resource, namespace, name)

    def node_stats(self, node: str) -> dict:
        return self._client.node_stats(node)


def cpu_quantity(cores: float) -> str:
    """CPU as metrics-server serialises it: nanocores (``NewScaledQuantity(n, Nano)``)."""
    n = int(round(cores * 1e9))
    return "0" if n == 0 else f"{n}n"


def memory_quantity(b: int) -> str:
    """Memory as metrics-server serialises it (BinarySI, ``Ki`` for a whole number of KiB)."""
    return format_quantity(Decimal(int(b)), "BinarySI")


class MetricsServer:
    """The metrics-server Deployment: a scrape loop, an in-memory store, the metrics API."""

    name = "metrics-server"

    def __init__(self, ctx: Any, resolution: float = METRIC_RESOLUTION):
        self.ctx = ctx
        self.resolution = float(resolution)
        self.api = MetricsAPI(ctx.client)
        # (ns, pod) -> list of (time, {container: {"cpu", "memory"}}); node -> list of (time, cpu, memory)
        self._pods: dict[tuple[str, str], list] = {}
        self._pod_labels: dict[tuple[str, str], dict] = {}
        self._nodes: dict[str, list] = {}
        self._node_labels: dict[str, dict] = {}
        self.series: list[dict] = []
        self.started = False

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        self.ctx.call_later(self.resolution, self._tick, what="metrics-server scrape")

    def _tick(self) -> None:
        self.scrape()
        self.ctx.call_later(self.resolution, self._tick, what="metrics-server scrape")

    # ------------------------------------------------------------------ scraping
    def scrape(self) -> None:
        """One scrape of every Ready node's kubelet; records the samples and the cluster quantities."""
        now = self.ctx.now
        client = self.ctx.client
        nodes = client.list("nodes")["items"]
        pods = client.list("pods")["items"]
        labels = {(p["metadata"]["namespace"], p["metadata"]["name"]): p["metadata"].get("labels") or {} for p in pods}
        seen_pods: set = set()
        seen_nodes: set = set()
        for node in sorted(nodes, key=lambda n: n["metadata"]["name"]):
            name = node["metadata"]["name"]
            try:
                stats = self.api.node_stats(name)
            except ApiError:
                continue  # unreachable kubelet: "Failed to scrape node" (its metrics go stale and are dropped)
            seen_nodes.add(name)
            cpu, mem = SYSTEM_CPU, SYSTEM_MEMORY
            for key in sorted(stats):
                containers = stats[key]
                if not containers:
                    continue
                seen_pods.add(key)
                self._pods.setdefault(key, []).append((now, containers))
                del self._pods[key][:-2]
                self._pod_labels[key] = labels.get(key, {})
                for cname in sorted(containers):
                    c = containers[cname]
                    cpu += float(c.get("cpu") or 0.0)
                    mem += int(c.get("memory") or 0)
                    self.series.append({"time": now, "kind": "container", "namespace": key[0], "pod": key[1],
                                        "container": cname, "node": name, "cpu": float(c.get("cpu") or 0.0),
                                        "memory": int(c.get("memory") or 0)})
            self._nodes.setdefault(name, []).append((now, cpu, mem))
            del self._nodes[name][:-2]
            self._node_labels[name] = node["metadata"].get("labels") or {}
            alloc = (node.get("status") or {}).get("allocatable") or {}
            self.series.append({"time": now, "kind": "node", "namespace": "", "pod": "", "container": "",
                                "node": name, "cpu": cpu, "memory": mem,
                                "cpu_allocatable": _cores(alloc.get("cpu")), "memory_allocatable": _bytes(alloc.get("memory"))})
        for key in [k for k in self._pods if k not in seen_pods]:
            del self._pods[key]
        for name in [n for n in self._nodes if n not in seen_nodes]:
            del self._nodes[name]
        self._record_cluster(now, nodes, pods)

    def _record_cluster(self, now: float, nodes: list, pods: list) -> None:
        client = self.ctx.client
        pending = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Pending")
        running = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Running")
        self.series.append({"time": now, "kind": "cluster", "nodes": len(nodes), "pods_pending": pending,
                            "pods_running": running})
        for d in client.list("deployments")["items"]:
            st = d.get("status") or {}
            self.series.append({"time": now, "kind": "deployment", "namespace": d["metadata"]["namespace"],
                                "name": d["metadata"]["name"], "replicas": (d.get("spec") or {}).get("replicas", 1),
                                "ready": st.get("readyReplicas", 0), "available": st.get("availableReplicas", 0)})
        try:
            hpas = client.list("horizontalpodautoscalers")["items"]
        except ApiError:
            hpas = []
        for h in hpas:
            st = h.get("status") or {}
            util = None
            for m in st.get("currentMetrics") or []:
                cur = (m.get("resource") or {}).get("current") or {}
                if "averageUtilization" in cur:
                    util = cur["averageUtilization"]
                    break
            self.series.append({"time": now, "kind": "hpa", "namespace": h["metadata"]["namespace"],
                                "name": h["metadata"]["name"], "current_replicas": st.get("currentReplicas", 0),
                                "desired_replicas": st.get("desiredReplicas", 0), "utilization": util})

    # ------------------------------------------------------------------ the metrics.k8s.io API
    def serve(self, resource: str, namespace: str | None, name: str | None, label_selector: Any) -> dict:
        """GET/LIST NodeMetrics (``nodes``) and PodMetrics (``pods``) as metrics-server returns them."""
        if resource == "nodes":
            items = [self._node_metrics(n) for n in sorted(self._nodes) if len(self._nodes[n]) >= 2]
            kind, lkind = "NodeMetrics", "nodemetrics"
        elif resource == "pods":
            items = [self._pod_metrics(k) for k in sorted(self._pods) if len(self._pods[k]) >= 2
                     and (namespace is None or k[0] == namespace)]
            kind, lkind = "PodMetrics", "podmetrics"
        else:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if label_selector:
            from .api.selector import parse_selector

            sel = parse_selector(label_selector) if isinstance(label_selector, str) else label_selector
            items = [i for i in items if sel.matches(i["metadata"].get("labels") or {})]
        if name is not None:
            for i in items:
                if i["metadata"]["name"] == name:
                    return i
            shown = name if resource == "nodes" else f"{namespace}/{name}"
            raise ApiError(404, "NotFound", f'{lkind}.metrics.k8s.io "{shown}" not found',
                           details={"name": name, "group": "metrics.k8s.io", "kind": resource})
        return {"kind": f"{kind}List", "apiVersion": GROUP_VERSION, "metadata": {}, "items": items}

    def _window(self, samples: list) -> str:
        w = samples[-1][0] - samples[-2][0]
        return f"{w:g}s"

    def _node_metrics(self, name: str) -> dict:
        s = self._nodes[name]
        t, cpu, mem = s[-1]
        return {"kind": "NodeMetrics", "apiVersion": GROUP_VERSION,
                "metadata": {"name": name, "creationTimestamp": rfc3339(self.ctx.now),
                             "labels": dict(self._node_labels.get(name) or {})},
                "timestamp": rfc3339(t), "window": self._window(s),
                "usage": {"cpu": cpu_quantity(cpu), "memory": memory_quantity(mem)}}

    def _pod_metrics(self, key: tuple[str, str]) -> dict:
        s = self._pods[key]
        t, containers = s[-1]
        md: dict = {"name": key[1], "namespace": key[0], "creationTimestamp": rfc3339(self.ctx.now)}
        if self._pod_labels.get(key):
            md["labels"] = dict(self._pod_labels[key])
        return {"kind": "PodMetrics", "apiVersion": GROUP_VERSION, "metadata": md,
                "timestamp": rfc3339(t), "window": self._window(s),
                "containers": [{"name": c, "usage": {"cpu": cpu_quantity(float(containers[c].get("cpu") or 0.0)),
                                                     "memory": memory_quantity(int(containers[c].get("memory") or 0))}}
                               for c in sorted(containers)]}

    # ------------------------------------------------------------------ time series
    def frame(self, kind: str = "node", **filters: Any):
        """The recorded samples of ``kind`` (node, container, pod, cluster, deployment, hpa) as a DataFrame.

        ``pod`` sums containers per pod. ``filters`` keep rows whose column equals the value
        (e.g. ``namespace="default"``, ``name="web"``). CPU is in cores, memory in bytes.
        """
        import pandas as pd

        known = ("node", "container", "pod", "cluster", "deployment", "hpa")
        if kind not in known:
            raise ValueError(f"unknown metrics kind {kind!r}: expected one of {', '.join(known)}")
        src = "container" if kind == "pod" else kind
        rows = [r for r in self.series if r["kind"] == src]
        df = pd.DataFrame(rows)
        if df.empty:
            return df
        df = df.drop(columns=["kind"]).dropna(axis=1, how="all")
        if kind == "pod":
            df = df.groupby(["time", "namespace", "pod", "node"], as_index=False)[["cpu", "memory"]].sum()
        for col, val in filters.items():
            if col not in df.columns:
                raise ValueError(f"no column {col!r} in {kind} metrics: {', '.join(df.columns)}")
            df = df[df[col] == val]
        return df.reset_index(drop=True)


def _cores(q: Any) -> float:
    from .api.quantity import milli_value

    return milli_value(q) / 1000 if q else 0.0


def _bytes(q: Any) -> int:
    from .api.quantity import value

    return value(q) if q else 0
