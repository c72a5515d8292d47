"""The cluster: builds every component and wires it to the simulation kernel.

This is the only module that knows all the components. It creates the virtual clock,
the seeded random streams, etcd's store, the API server, the controller manager, the
scheduler and one kubelet (with its container runtime) per node, gives each component its
own API client and context, and starts them. From then on they talk only through the API
server, and the kernel decides when each callback runs.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable

from .apiserver.server import APIServer
from .client.client import Client
from .client.context import ComponentContext
from .client.events import EventRecorder
from .controllers.manager import ControllerManager
from .etcd.errors import EtcdTimeoutError
from .etcd.mvcc import MVCCStore, CompactedError
from .sim.kernel import Kernel, StepRecord
from .sim.rng import RngTree
from .sim.trace import Trace

#: the etcd compaction interval the API server uses (--etcd-compaction-interval=5m)
COMPACTION_INTERVAL = 300.0


def _node_specs_from_store(store) -> list[dict]:
    """The workers a restored store knew: name, capacity, user labels and taints of each Node."""
    import json

    from .etcd.mvcc import prefix_end

    specs = []
    kvs, _, _ = store.range("/registry/minions/", prefix_end("/registry/minions/"))
    for kv in kvs:
        node = json.loads(kv.value)
        cap = node.get("status", {}).get("capacity", {})
        labels = {k: v for k, v in (node["metadata"].get("labels") or {}).items()
                  if not k.startswith(("kubernetes.io/", "beta.kubernetes.io/", "node.kubernetes.io/"))}
        taints = [t for t in node.get("spec", {}).get("taints") or [] if not t["key"].startswith("node.kubernetes.io/")]
        specs.append({"name": node["metadata"]["name"], "cpu": cap.get("cpu"), "memory": cap.get("memory"),
                      "pods": int(cap["pods"]) if cap.get("pods") else None, "labels": labels or None,
                      "taints": taints or None})
    return specs


class KubectlOutput(str):
    """What ``Cluster.kubectl`` returns: the text, shown as is in a notebook."""

    def __repr__(self) -> str:
        return str(self)


class Cluster:
    """A simulated Kubernetes cluster: control plane plus ``nodes`` workers.

    ``node_cpu``, ``node_memory`` and ``node_pods`` size the default workers (named
    ``node-1`` .. ``node-N``); ``scheduler_config`` is a KubeSchedulerConfiguration (YAML
    text or dict). Nothing runs until ``run()`` or ``step()`` is called.
    """

    def __init__(self, seed: int = 0, nodes: int = 3, *, node_cpu: str = "2", node_memory: str = "4Gi",
                 node_pods: int = 110, scheduler_config: Any = None, trace_limit: int | None = 200_000,
                 controller_options: dict | None = None, data_dir: str | None = None,
                 etcd_members: int = 1, scheduler_leader_elect: bool = True, _restore: tuple | None = None):
        from .node.kubelet import Kubelet  # noqa: F401  (import errors surface at construction)
        from .scheduler import Scheduler

        if not isinstance(nodes, int) or nodes < 0:
            raise ValueError(f"nodes must be a non-negative integer, got {nodes!r}")
        if not isinstance(etcd_members, int) or isinstance(etcd_members, bool) or etcd_members < 1:
            raise ValueError(f"etcd_members must be a positive integer (1, 3 or 5), got {etcd_members!r}")
        if etcd_members > 1 and (data_dir is not None or _restore is not None):
            raise ValueError("etcd_members > 1 cannot be combined with data_dir or Cluster.load "
                             "(k8slab keeps the Raft members' logs in memory)")
        self.seed = seed
        self.kernel = Kernel()
        self.rng = RngTree(seed)
        self.trace = Trace(limit=trace_limit)
        self.data_dir = data_dir
        if _restore is not None:  # Cluster.load: a store from a lab file, its clock and node specs
            self.store, start, node_specs = _restore
            self.kernel.now = start
            self.store.set_clock(lambda: self.kernel.now)
            if data_dir is not None:
                from .etcd.durable import DurableStore

                self.store = DurableStore(data_dir, clock=lambda: self.kernel.now, initial=self.store)
        elif data_dir is not None:
            from .etcd.durable import DurableStore

            # etcd's WAL and snapshots in data_dir: every acknowledged write is on disk first;
            # an existing directory is recovered (a corrupt or foreign one is refused).
            self.store = DurableStore(data_dir)
            self.kernel.now = self.store.recovered_time or 0.0
            self.store.set_clock(lambda: self.kernel.now)
            node_specs = _node_specs_from_store(self.store)
        elif etcd_members > 1:
            from .etcd.replicated import ReplicatedStore

            # etcd as a Raft cluster on this kernel: runs until its first leader is elected
            self.store = ReplicatedStore(etcd_members, kernel=self.kernel, rng=self.rng.child("etcd"),
                                         trace=self.trace)
            node_specs = []
        else:
            self.store = MVCCStore(clock=lambda: self.kernel.now)
            node_specs = []
        from .etcd.replicated import ReplicatedStore, SingleMemberEtcd

        #: the etcd cluster: leader, members, and faults (stop_member, partition, heal, drop)
        self.etcd = self.store if isinstance(self.store, ReplicatedStore) else SingleMemberEtcd(self.store)
        self.apiserver = APIServer(self.store, self.kernel, self.rng, self.trace)
        self.apiserver.bootstrap()
        self.client = Client(self.apiserver, "kubectl")
        self.controller_manager = ControllerManager(self._context, controller_options)
        from .scheduler.process import SchedulerProcess

        # kube-scheduler runs under leader election (--leader-elect=true, the Lease kube-system/kube-scheduler)
        self.scheduler_process = SchedulerProcess(lambda: self._context("default-scheduler"), scheduler_config,
                                                  leader_elect=scheduler_leader_elect)
        self.kubelets: dict[str, Any] = {}
        self.proxies: dict[str, Any] = {}  # kube-proxy per node (node/proxy.py)
        self._node_index = 0
        self._default_node = {"cpu": node_cpu, "memory": node_memory, "pods": node_pods}
        self._node_specs: dict[str, dict] = {}
        self.controller_manager.start()
        self.scheduler_process.start()
        from .dns import ClusterDNS

        self.dns = ClusterDNS(self._context("coredns"))  # cluster DNS (dns.py)
        self.dns.start()
        from .node.network import PodNetwork

        # the pod network (CNI + netfilter): DNS, the kube-proxies' rules and the runtimes' pods (node/network.py)
        self.network = PodNetwork(self.dns, self.proxies,
                                  lambda: {n: k.runtime for n, k in self.kubelets.items()},
                                  self.rng.stream("pod-network"))
        if node_specs:
            # a restored cluster: its workers come back, re-register and reconcile their pods
            for spec in node_specs:
                self.add_node(**spec)
        else:
            for _ in range(nodes):
                self.add_node()
        self._lessor_timer = None
        self.apiserver.on_lease_granted = self._schedule_lessor
        self._schedule_lessor()
        self._last_compact_rev = self.store.revision
        self.kernel.call_later(COMPACTION_INTERVAL, self._compact, source="kube-apiserver", what="compact etcd")

    @property
    def scheduler(self):
        """The running kube-scheduler (a fresh one after its process restarts)."""
        return self.scheduler_process.scheduler

    # ------------------------------------------------------------------ wiring
    def _context(self, name: str, host: str = "") -> ComponentContext:
        client = Client(self.apiserver, name if not host else f"{name}/{host}")
        kernel = self.kernel

        def call_later(delay: float, fn: Callable, *args: Any, source: str = "", what: str = ""):
            return kernel.call_later(delay, fn, *args, source=source or client.source, what=what)

        component = name
        return ComponentContext(name=client.source, client=client, call_later=call_later,
                                rng=self.rng.stream(client.source), recorder=EventRecorder(client, component, host))

    def _schedule_lessor(self) -> None:
        """etcd's lessor: wake at the next lease expiry and revoke what has expired (keys go with it)."""
        nxt = self.store.next_lease_expiry()
        if nxt is None:
            return
        t = self._lessor_timer
        if t is not None and not t.cancelled and t.time <= nxt:
            return
        if t is not None:
            t.cancel()
        self._lessor_timer = self.kernel.call_at(nxt, self._run_lessor, source="etcd", what="expire leases")

    def _run_lessor(self) -> None:
        self._lessor_timer = None
        try:
            self.store.expire_leases(self.kernel.now)
        except EtcdTimeoutError:
            pass  # no quorum: the leader's lessor cannot revoke; it tries again
        self._schedule_lessor()

    def _compact(self) -> None:
        """The API server's periodic etcd compaction, to the revision seen one interval ago."""
        rev = self._last_compact_rev
        if rev > self.store.compact_revision:
            try:
                self.store.compact(rev)
            except (CompactedError, EtcdTimeoutError):
                pass
        self._last_compact_rev = self.store.revision
        self.kernel.call_later(COMPACTION_INTERVAL, self._compact, source="kube-apiserver", what="compact etcd")

    # ------------------------------------------------------------------ nodes
    def add_node(self, name: str | None = None, *, cpu: str | None = None, memory: str | None = None,
                 pods: int | None = None, labels: dict | None = None, taints: list | None = None) -> str:
        """Start a worker: a container runtime and a kubelet that registers the Node."""
        from .node.kubelet import Kubelet
        from .node.runtime import ContainerRuntime

        self._node_index += 1
        i = self._node_index
        if name is None:
            name = f"node-{i}"
            while name in self.kubelets:
                self._node_index += 1
                i = self._node_index
                name = f"node-{i}"
        if name in self.kubelets:
            raise ValueError(f'node "{name}" already exists')
        ctx = self._context("kubelet", host=name)
        runtime = ContainerRuntime(name, ctx.call_later, self.rng.stream(f"runtime/{name}"),
                                   network=self.network)
        pod_cidr = f"{ipaddress.ip_address('10.244.0.0') + 256 * i}/24"
        internal_ip = str(ipaddress.ip_address("172.18.0.1") + i)
        kubelet = Kubelet(ctx, name, cpu=cpu or self._default_node["cpu"], memory=memory or self._default_node["memory"],
                          pods=pods if pods is not None else self._default_node["pods"], labels=labels, taints=taints,
                          runtime=runtime, pod_cidr=pod_cidr, internal_ip=internal_ip)
        kubelet.start()  # registers the Node; an invalid one raises and nothing is kept
        self.kubelets[name] = kubelet
        from .node.proxy import KubeProxy

        self.proxies[name] = KubeProxy(self._context("kube-proxy", host=name), name)
        self.proxies[name].start()
        self.apiserver.register_kubelet(name, kubelet)  # pods/log and pods/exec are proxied to it
        self._node_specs[name] = {"name": name, "cpu": cpu or self._default_node["cpu"],
                                  "memory": memory or self._default_node["memory"],
                                  "pods": pods if pods is not None else self._default_node["pods"],
                                  "labels": labels, "taints": taints}
        return name

    def _kubelet(self, name: str):
        k = self.kubelets.get(name)
        if k is None:
            raise ValueError(f'node "{name}" not found; nodes are: {", ".join(sorted(self.kubelets))}')
        return k

    def fail_node(self, name: str) -> None:
        """The node goes dark: its kubelet stops reporting and its containers are gone."""
        self._kubelet(name).fail()

    def recover_node(self, name: str) -> None:
        """The node comes back: its kubelet re-registers and reconciles its pods."""
        self._kubelet(name).recover()

    # ------------------------------------------------------------------ persistence
    def save(self, path: str) -> None:
        """Write the whole lab (etcd's state, the clock, the seed, the workers) to one file.

        ``Cluster.load(path)`` brings it back: the control plane and the kubelets restart
        against the saved state, as a real cluster restarts from etcd.
        """
        from .etcd.snapshot import save_state

        save_state(self.store, path, metadata={"format": "k8slab-lab/1", "seed": self.seed, "now": self.kernel.now,
                                               "nodes": [self._node_specs[n] for n in sorted(self._node_specs)]})

    @classmethod
    def load(cls, path: str, *, data_dir: str | None = None, **kw: Any) -> "Cluster":
        """A cluster restarted from a file written by :meth:`save` (a corrupt or foreign file is refused)."""
        from .etcd.snapshot import load_state, load_state_metadata

        meta = load_state_metadata(path) or {}
        if meta.get("format") != "k8slab-lab/1":
            raise ValueError(f"{path}: not a k8slab lab file (no k8slab-lab/1 metadata)")
        store = load_state(path)
        return cls(seed=meta.get("seed", 0), nodes=0, data_dir=data_dir,
                   _restore=(store, float(meta.get("now", 0.0)), meta.get("nodes") or []), **kw)

    def close(self) -> None:
        """Release the data directory (a durable store's files)."""
        close = getattr(self.store, "close", None)
        if close is not None:
            close()

    # ------------------------------------------------------------------ time
    @property
    def now(self) -> float:
        """Virtual seconds since the cluster started."""
        return self.kernel.now

    def run(self, seconds: float) -> int:
        """Advance ``seconds`` of virtual time, processing every event due; returns how many ran."""
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {seconds}")
        return self.kernel.run_until(self.kernel.now + seconds)

    def step(self) -> StepRecord | None:
        """Process exactly one event and return what it was (None when nothing is scheduled)."""
        return self.kernel.step()

    def run_until(self, predicate: Callable[[], bool], timeout: float = 300.0, poll: float = 1.0) -> bool:
        """Run until ``predicate()`` holds, checking every ``poll`` virtual seconds, at most ``timeout``."""
        end = self.kernel.now + timeout
        while not predicate():
            if self.kernel.now >= end:
                return False
            self.kernel.run_until(min(self.kernel.now + poll, end))
        return True

    # ------------------------------------------------------------------ API conveniences
    def apply(self, manifest: Any, namespace: str | None = None):
        """Apply manifests like ``kubectl apply -f``: YAML text, a path, a dict or a list."""
        from .kubectl import apply_manifest

        return apply_manifest(self.client, manifest, namespace)

    def kubectl(self, command: str, stdin: str | None = None) -> KubectlOutput:
        """The text the real kubectl prints for ``command``; raises KubectlError on failure.

        ``stdin`` feeds ``-f -`` (e.g. ``c.kubectl("apply -f -", stdin=yaml_text)``).
        """
        from . import kubectl as _kubectl

        return KubectlOutput(_kubectl.run(self.client, command, stdin=stdin))

    def get(self, resource: str, name: str, namespace: str | None = "default") -> dict:
        """One object, fresh from the API server."""
        return self.client.get(resource, name, namespace)

    def list(self, resource: str, namespace: str | None = None, **kw: Any) -> list[dict]:
        """Objects of one resource (all namespaces when ``namespace`` is None)."""
        return self.client.list(resource, namespace, **kw)["items"]

    def serve(self, port: int | None = None, host: str = "127.0.0.1", speed: float = 1.0, token: str | None = None,
              **kw: Any):
        """Serve the API over HTTPS on ``host`` (loopback by default) for the real kubectl and clients.

        Returns the served API (``.url``, ``.kubeconfig``, ``.close()``); while served, the
        simulation advances with the wall clock times ``speed``. See k8slab/apiserver/http.py.
        """
        from .apiserver.http import serve

        return serve(self, port=port, host=host, speed=speed, token=token, **kw)

    # ------------------------------------------------------------------ scaling and monitoring (metrics.py, autoscaler.py)
    def start_metrics_server(self, resolution: float = 15.0):
        """Deploy metrics-server (as ``kubectl apply -f components.yaml``): ``kubectl top`` and the HPA need it."""
        if getattr(self, "metrics_server", None) is None:
            from .metrics import GROUP_VERSION, MetricsServer

            self.metrics_server = MetricsServer(self._context("metrics-server"), resolution=resolution)
            self.apiserver.register_api_service(GROUP_VERSION, self.metrics_server)
            self.metrics_server.start()
        return self.metrics_server

    def metrics(self, kind: str = "node", **filters: Any):
        """Time series (pandas DataFrame) the metrics-server recorded: node, pod, container, cluster, deployment, hpa."""
        if getattr(self, "metrics_server", None) is None:
            raise ValueError("no metrics-server: call cluster.start_metrics_server() first")
        return self.metrics_server.frame(kind, **filters)

    def add_node_group(self, name: str, min_size: int = 0, max_size: int = 5, *, cpu: str | None = None,
                       memory: str | None = None, pods: int | None = None, labels: dict | None = None,
                       taints: list | None = None, provisioning_delay: float = 60.0, **options: Any):
        """A node group for the cluster autoscaler (autoscaler.py), started on first use; ``min_size`` nodes now."""
        from .autoscaler import ClusterAutoscaler, NodeGroup

        if getattr(self, "autoscaler", None) is None:
            self.autoscaler = ClusterAutoscaler(self._context("cluster-autoscaler"), _CloudProvider(self), **options)
            self.autoscaler.start()
        group = NodeGroup(name, int(min_size), int(max_size), cpu=cpu or self._default_node["cpu"],
                          memory=memory or self._default_node["memory"],
                          pods=pods if pods is not None else self._default_node["pods"], labels=dict(labels or {}),
                          taints=list(taints or []), provisioning_delay=float(provisioning_delay))
        self.autoscaler.add_node_group(group)
        return group

    @property
    def nodes(self) -> list[str]:
        return sorted(self.kubelets)


class _CloudProvider:
    """The cloud's API the cluster autoscaler calls: create a VM that joins as a node, delete one."""

    def __init__(self, cluster: "Cluster"):
        self._cluster = cluster

    def create_node(self, name: str, *, cpu: str, memory: str, pods: int, labels: dict, taints: list) -> str:
        return self._cluster.add_node(name, cpu=cpu, memory=memory, pods=pods, labels=labels, taints=taints or None)

    def delete_node(self, name: str) -> None:
        c = self._cluster
        kubelet = c.kubelets.pop(name, None)
        if kubelet is not None:
            kubelet.fail()  # the VM is gone: its kubelet and containers stop
        proxy = c.proxies.pop(name, None)
        if proxy is not None and hasattr(proxy, "stop"):
            proxy.stop()
        c._node_specs.pop(name, None)

    def node_names(self) -> list[str]:
        return sorted(self._cluster.kubelets)
