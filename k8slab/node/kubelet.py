"""The kubelet: registers its Node, keeps its Lease and status fresh, and runs the pods bound to it.

upstream, by concern:

- registration and node status: pkg/kubelet/kubelet_node_status.go (``initialNode``,
  ``registerWithAPIServer``, ``tryUpdateNodeStatus``, ``nodeStatusHasChanged``),
  pkg/kubelet/nodestatus/setters.go (addresses, machine info, version info, images,
  the pressure and Ready conditions, their reasons, messages and events),
  pkg/kubelet/cm/node_container_manager_linux.go (``hardEvictionReservation``: allocatable
  is capacity minus the default hard-eviction thresholds);
- the node Lease: staging/src/k8s.io/component-helpers/apimachinery/lease/controller.go
  and pkg/kubelet/nodelease.go (owner reference to the Node);
- pods: pkg/kubelet/kubelet.go (``HandlePodAdditions``, ``rejectPod``, ``SyncPod``,
  ``SyncTerminatingPod``), pkg/kubelet/pod_workers.go (one sync at a time per pod; retry
  after an error in ``workerBackOffPeriod`` 10 s with jitter 0.5), pkg/kubelet/kuberuntime/
  kuberuntime_manager.go (``computePodActions``, ``SyncPod``, ``doBackOff``),
  kuberuntime_container.go (``startContainer``, ``killContainer`` and their events),
  pkg/kubelet/images/image_manager.go (``EnsureImageExists``: pull policy, image back-off,
  event texts), pkg/kubelet/images/puller.go (serialized pulls, the default),
  pkg/kubelet/pleg/generic.go (the runtime is relisted every second: a container that
  changed is noticed at the next relist), pkg/kubelet/status/status_manager.go (status
  writes; deleting a pod with grace period 0 and a UID precondition once its containers
  have stopped), pkg/kubelet/lifecycle/predicate.go (admission: ``OutOfcpu`` & co.),
  staging/src/k8s.io/client-go/util/flowcontrol/backoff.go (:class:`Backoff`).

k8slab simplifications, each deliberate:

- The kubelet keeps the Node status it last posted instead of GETting its Node every
  10 s (upstream reads it from the API server's cache); only this kubelet writes its
  Node's status while it is alive. After a failed API call it reads the Node again.
- ``spec.podCIDR`` is written by the kubelet at registration (upstream, the node IPAM
  controller of kube-controller-manager sets it); the cluster hands each node its CIDR.
- Probes are not executed: a container with a startup or readiness probe counts as
  started/ready from its probe's ``initialDelaySeconds`` after it started (its first
  probe is assumed to succeed); liveness probes never fail. Ephemeral containers and
  eviction are not simulated.
- Init containers run one at a time in a sandbox, each to exit code 0, before any app
  container (computePodActions / computeInitContainerActions); a new sandbox runs them
  again from the first. Sidecars (restartable init containers, SidecarContainers is beta
  and on in v1.32) need only to have started; at termination they are stopped with the
  app containers rather than strictly after them.
- CPU limits are a CFS quota: a container's CPU use is capped at ``limits.cpu`` (it is
  throttled, never killed); memory over ``limits.memory`` is OOMKilled.
- Healthy pods are not resynced every minute (nothing would change); pods in an error
  state are retried as upstream's pod workers do.
"""

from __future__ import annotations

import base64
import json
import math
import re
import struct
import uuid
from collections import deque
from typing import Any, Callable

from ..api.errors import ApiError
from ..api.meta import rfc3339, rfc3339_micro
from ..api.quantity import format_quantity, milli_value, parse_quantity, value
from ..client.context import ComponentContext
from . import status as podstatus
from .images import parse_image
from .probes import ProbeManager
from .network import pod_dns_config, service_env
from .runtime import (CONTAINER_EXITED, CONTAINER_RUNNING, RUNTIME_NAME, SANDBOX_READY, ContainerEvent,
                      ContainerRuntime, PullResult, RuntimeError_, SandboxResult)

__all__ = ["Kubelet", "Backoff", "DEFAULTS"]

# ----------------------------------------------------------------------------- upstream defaults
#: upstream: pkg/kubelet/apis/config/v1beta1/defaults.go and the constants named in each comment
KUBELET_VERSION = "v1.32.0"
NODE_STATUS_UPDATE_FREQUENCY = 10.0       # nodeStatusUpdateFrequency
NODE_STATUS_REPORT_FREQUENCY = 300.0      # nodeStatusReportFrequency (5m)
NODE_LEASE_DURATION_SECONDS = 40          # nodeLeaseDurationSeconds
NODE_LEASE_RENEW_INTERVAL_FRACTION = 0.25  # pkg/kubelet/kubelet.go nodeLeaseRenewIntervalFraction
NODE_LEASE_RENEW_INTERVAL = NODE_LEASE_DURATION_SECONDS * NODE_LEASE_RENEW_INTERVAL_FRACTION  # 10 s
HEARTBEAT_JITTER = 0.04                   # wait.JitterUntil(..., 0.04, ...) in both loops
IMAGE_BACKOFF_PERIOD = 10.0               # pkg/kubelet/kubelet.go backOffPeriod
MAX_CONTAINER_BACKOFF = 300.0             # pkg/kubelet/kubelet.go MaxContainerBackOff
WORKER_BACKOFF_PERIOD = 10.0              # pod_workers.go workerBackOffPeriod
WORKER_BACKOFF_JITTER = 0.5               # pod_workers.go workerBackOffPeriodJitterFactor
PLEG_RELIST_PERIOD = 1.0                  # pkg/kubelet/kubelet.go genericPlegRelistPeriod
STATUS_SYNC_PERIOD = 10.0                 # status_manager.go syncPeriod (retry of a failed write)
MINIMUM_GRACE_PERIOD = 2                  # kuberuntime_container.go minimumGracePeriodInSeconds
DEFAULT_TERMINATION_GRACE_PERIOD = 30     # core/v1 DefaultTerminationGracePeriodSeconds
KUBELET_PORT = 10250                      # ports.KubeletPort
NODE_STATUS_MAX_IMAGES = 50               # nodeStatusMaxImages
MAX_NAMES_PER_IMAGE = 5                   # nodestatus.MaxNamesPerImageInNodeStatus
REGISTER_RETRY_MAX = 7.0                  # registerWithAPIServer's step cap
#: pkg/kubelet/eviction/defaults_linux.go DefaultEvictionHard
EVICTION_HARD = {"memory.available": "100Mi", "nodefs.available": "10%", "imagefs.available": "15%",
                 "nodefs.inodesFree": "5%"}

#: the defaults above as one table (what tests and chapters print)
DEFAULTS = {
    "nodeStatusUpdateFrequency": NODE_STATUS_UPDATE_FREQUENCY,
    "nodeStatusReportFrequency": NODE_STATUS_REPORT_FREQUENCY,
    "nodeLeaseDurationSeconds": NODE_LEASE_DURATION_SECONDS,
    "nodeLeaseRenewInterval": NODE_LEASE_RENEW_INTERVAL,
    "imageBackOffInitial": IMAGE_BACKOFF_PERIOD,
    "imageBackOffMax": MAX_CONTAINER_BACKOFF,
    "containerBackOffInitial": IMAGE_BACKOFF_PERIOD,
    "containerBackOffMax": MAX_CONTAINER_BACKOFF,
    "podWorkerBackOffPeriod": WORKER_BACKOFF_PERIOD,
    "plegRelistPeriod": PLEG_RELIST_PERIOD,
    "evictionHard": dict(EVICTION_HARD),
    "kubeletVersion": KUBELET_VERSION,
}

OS_IMAGE = "k8slab simulated node"
KERNEL_VERSION = "k8slab"
CMAD_ANNOTATION = "volumes.kubernetes.io/controller-managed-attach-detach"
_F32_10_PERCENT = struct.unpack("f", struct.pack("f", 0.1))[0]  # evictionapi Percentage is a float32


def _jitter(rng, period: float, factor: float) -> float:
    """wait.Jitter: ``period + rand * factor * period`` (rounded to the millisecond)."""
    return round(period + rng.random() * factor * period, 3)


# ----------------------------------------------------------------------------- flowcontrol.Backoff
class Backoff:
    """client-go's ``flowcontrol.Backoff``: per-key exponential back-off on virtual time.

    ``next`` starts a key at ``initial`` and doubles it up to ``max``; an entry unused for
    more than ``2 * max`` starts over. Times are passed in (seconds), no clock is read.
    """

    def __init__(self, initial: float = IMAGE_BACKOFF_PERIOD, max_duration: float = MAX_CONTAINER_BACKOFF):
        self.initial = initial
        self.max = max_duration
        self._entries: dict[str, tuple[float, float]] = {}  # key -> (backoff, lastUpdate)

    def _expired(self, event_time: float, last_update: float) -> bool:
        return event_time - last_update > self.max * 2

    def next(self, key: str, event_time: float) -> float:
        """Record a failure at ``event_time``; returns the new back-off."""
        e = self._entries.get(key)
        if e is None or self._expired(event_time, e[1]):
            b = self.initial
        else:
            b = min(e[0] * 2, self.max)
        self._entries[key] = (b, event_time)
        return b

    def get(self, key: str) -> float:
        e = self._entries.get(key)
        return e[0] if e else 0.0

    def is_in_backoff_since_update(self, key: str, event_time: float) -> bool:
        """``IsInBackOffSinceUpdate``: less than the back-off has passed since the last failure."""
        e = self._entries.get(key)
        if e is None or self._expired(event_time, e[1]):
            return False
        return event_time - e[1] < e[0]

    def is_in_backoff_since(self, key: str, event_time: float, now: float) -> bool:
        """``IsInBackOffSince``: less than the back-off has passed since ``event_time``."""
        e = self._entries.get(key)
        if e is None or self._expired(event_time, e[1]):
            return False
        return now - event_time < e[0]

    def gc(self, now: float) -> None:
        for k in [k for k, (_, last) in self._entries.items() if now - last > self.max * 2]:
            del self._entries[k]

    def reset(self) -> None:
        self._entries.clear()


# ----------------------------------------------------------------------------- per-pod state
class _Pod:
    """What the kubelet knows about one pod (its pod worker's state)."""

    __slots__ = ("uid", "key", "pod", "admitted", "busy", "pending", "terminating", "terminated", "gone",
                 "reasons", "requeue", "pleg", "requests", "probe_ready", "rejected", "final_status")

    def __init__(self, pod: dict):
        self.uid: str = pod["metadata"]["uid"]
        self.key = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        self.pod = pod
        self.admitted = False
        self.busy = False
        self.pending = False
        self.terminating = False
        self.terminated = False
        self.gone = False
        self.reasons: dict[str, tuple[str, str]] = {}   # reasonCache: container -> (reason, message)
        self.requeue = None
        self.pleg = None
        self.requests: dict[str, int] = {}
        self.probe_ready: dict[str, tuple[float, float]] = {}  # container id -> (started at, ready at)
        self.rejected = False
        self.final_status: dict | None = None


class _SyncRun:
    """One in-flight SyncPod: which containers to start, and what happened."""

    __slots__ = ("w", "epoch", "to_start", "changed", "error")

    def __init__(self, w: _Pod, epoch: int, to_start: list[dict]):
        self.w = w
        self.epoch = epoch
        self.to_start = to_start
        self.changed = False
        self.error = False


# ----------------------------------------------------------------------------- the kubelet
class Kubelet:
    """The node agent of ``node_name``. Talks to the API server only through ``ctx``.

    ``cpu``/``memory``/``pods`` size the machine (capacity); ``ephemeral_storage`` is the
    size of its root filesystem (the default, about 98Gi, is what ``df`` shows for a
    100 GB disk). ``labels`` and ``taints`` are registered with the Node
    (``--node-labels``, ``--register-with-taints``).
    """

    def __init__(self, ctx: ComponentContext, node_name: str, *, cpu: str = "2", memory: str = "4Gi",
                 pods: int = 110, labels: dict | None = None, taints: list | None = None,
                 runtime: ContainerRuntime, pod_cidr: str, internal_ip: str,
                 ephemeral_storage: str = "102626232Ki"):
        self.ctx = ctx
        self.node_name = node_name
        self.runtime = runtime
        self.pod_cidr = pod_cidr
        self.internal_ip = internal_ip
        self._cpu = _quantity("cpu", cpu)
        self._memory = _quantity("memory", memory)
        self._ephemeral = _quantity("ephemeral-storage", ephemeral_storage)
        if not isinstance(pods, int) or isinstance(pods, bool) or pods < 0:
            raise ValueError(f"pods must be a non-negative integer, got {pods!r}")
        self._max_pods = pods
        self._extra_labels = {str(k): str(v) for k, v in (labels or {}).items()}
        self._taints = [dict(t) for t in (taints or [])]
        for t in self._taints:
            if not t.get("key") or t.get("effect") not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
                raise ValueError(f"invalid taint {t!r}: a taint needs a key and an effect "
                                 "(NoSchedule, PreferNoSchedule or NoExecute)")
        self.capacity, self.allocatable = self._resources()
        rng = ctx.rng
        self.machine_id = f"{rng.getrandbits(128):032x}"
        self.system_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.boot_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        runtime.set_clock(lambda: ctx.now)
        runtime.update_runtime_config(pod_cidr)
        runtime.get_container_events(self._on_container_event)
        self.alive = False
        self._epoch = 0
        self._timers: dict[int, Any] = {}
        self._next_timer = 0
        self._node_uid = ""
        self._node_ref = {"kind": "Node", "apiVersion": "", "metadata": {"name": node_name, "uid": node_name}}
        self._conditions: dict[str, dict] = {}
        self._last_posted: dict | None = None
        self._last_report = -math.inf
        self._posted_images = -1
        self._status_stale = False
        self._lease: dict | None = None
        self._informer = None
        self._initial: list[dict] | None = None
        self._pods: dict[str, _Pod] = {}
        self._used = {"cpu": 0, "memory": 0, "ephemeral-storage": 0, "pods": 0}
        self._image_backoff = Backoff()
        self._crash_backoff = Backoff()
        self._prev_pull_err: dict[str, str] = {}
        self._pull_queue: deque = deque()
        self._pulling = False
        self._pleg_phase = 0.0
        #: /var/log/pods: how many times each (pod uid, container) was started; survives reboots
        self._log_dirs: dict[tuple[str, str], int] = {}
        self._probes = ProbeManager(self._later, self._cancel, lambda: self.ctx.now, runtime, self._probe_changed,
                                    self._probe_failed, self._probe_event)
        #: pod uid -> volume name -> files (emptyDir, projected ConfigMap/Secret); hostPath dirs per node
        self._pod_volumes: dict[str, dict[str, dict]] = {}
        self._host_paths: dict[str, dict] = {}
        self.registered = False

    # ------------------------------------------------------------------ resources
    def _resources(self) -> tuple[dict, dict]:
        """Capacity as machine info reports it, allocatable = capacity - hard eviction thresholds."""
        mem = int(self._memory)
        es = int(self._ephemeral)
        cap = {
            "cpu": format_quantity(self._cpu, "DecimalSI"),
            "ephemeral-storage": format_quantity(es, "BinarySI"),
            "hugepages-1Gi": "0",
            "hugepages-2Mi": "0",
            "memory": format_quantity(mem, "BinarySI"),
            "pods": str(self._max_pods),
        }
        mem_res = value(EVICTION_HARD["memory.available"])
        es_res = int(float(es) * _F32_10_PERCENT)  # int64(float64(capacity) * float64(float32 percentage))
        alloc = dict(cap)
        alloc["memory"] = format_quantity(max(mem - mem_res, 0), "BinarySI")
        alloc["ephemeral-storage"] = format_quantity(max(es - es_res, 0), "BinarySI")
        return cap, alloc

    # ------------------------------------------------------------------ timers
    def _later(self, delay: float, fn: Callable, *args: Any, what: str = "") -> int:
        """A timer that does nothing if the kubelet failed (or restarted) before it fires."""
        self._next_timer += 1
        tid = self._next_timer
        epoch = self._epoch

        def fire() -> None:
            self._timers.pop(tid, None)
            if self.alive and self._epoch == epoch:
                fn(*args)

        self._timers[tid] = self.ctx.call_later(max(delay, 0.0), fire, source=self.ctx.name, what=what)
        return tid

    def _cancel(self, tid: int | None) -> None:
        if tid is not None:
            t = self._timers.pop(tid, None)
            if t is not None:
                t.cancel()

    @property
    def now(self) -> float:
        return self.ctx.now

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Boot: register the Node, start the lease and status loops, watch this node's pods."""
        if self.alive:
            return
        self.alive = True
        self._epoch += 1
        self._boot()

    def fail(self) -> None:
        """The node goes dark: no more API calls or heartbeats, its containers are gone."""
        if not self.alive:
            return
        self.alive = False
        self._epoch += 1
        for t in self._timers.values():
            t.cancel()
        self._timers.clear()
        if self._informer is not None:
            self._informer.stop()
            self._informer = None
        self.runtime.power_off()
        self._probes.clear()
        self._pod_volumes.clear()  # emptyDirs live in memory here: a reboot loses them
        # the kubelet process is gone with everything it kept in memory
        self._pods = {}
        self._used = {"cpu": 0, "memory": 0, "ephemeral-storage": 0, "pods": 0}
        self._pull_queue.clear()
        self._pulling = False
        self._lease = None
        self._last_posted = None
        self._conditions = {}

    def recover(self) -> None:
        """The node is back after a reboot: re-register, renew the Lease, relist and reconcile pods."""
        if self.alive:
            return
        self.runtime.power_on()
        self.boot_id = str(uuid.UUID(int=self.ctx.rng.getrandbits(128), version=4))
        self._image_backoff.reset()
        self._crash_backoff.reset()
        self._prev_pull_err.clear()
        self._last_report = -math.inf
        self.alive = True
        self._epoch += 1
        self._boot()

    def _boot(self) -> None:
        self._pleg_phase = self.now % PLEG_RELIST_PERIOD
        self._event(self._node_ref, "Normal", "Starting", "Starting kubelet.")
        try:
            self._register(first=True)
        except ApiError:
            # the Node itself is invalid (bad labels or taints): nothing is left running
            self.alive = False
            self._epoch += 1
            for t in self._timers.values():
                t.cancel()
            self._timers.clear()
            raise

    # ------------------------------------------------------------------ registration
    def _labels(self) -> dict:
        labels = {
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": self.node_name,
            "kubernetes.io/os": "linux",
        }
        labels.update(self._extra_labels)
        return labels

    def _initial_node(self) -> dict:
        spec: dict[str, Any] = {"podCIDR": self.pod_cidr, "podCIDRs": [self.pod_cidr]}
        if self._taints:
            spec["taints"] = [dict(t) for t in self._taints]
        return {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": self.node_name, "labels": self._labels(),
                         "annotations": {CMAD_ANNOTATION: "true"}},
            "spec": spec,
            "status": self._node_status(None),
        }

    def _register(self, step: float = 0.1, first: bool = False) -> None:
        """registerWithAPIServer: create the Node, or reconcile the one that exists.

        Failures are retried (100 ms doubling up to 7 s), except that an invalid Node on the
        first attempt raises the API server's 422, so a bad ``add_node`` fails loudly.
        """
        client = self.ctx.client
        try:
            node = client.create("nodes", self._initial_node())
            created = True
        except ApiError as e:
            if first and e.code in (400, 422):
                raise
            if e.code != 409:
                self._retry_register(step)
                return
            try:
                node = client.get("nodes", self.node_name)
            except ApiError:
                self._retry_register(step)
                return
            created = False
        self._node_uid = node["metadata"]["uid"]
        if not created:
            node = self._reconcile_existing(node)
            if node is None:
                self._retry_register(step)
                return
        self.registered = True
        if created:
            conditions = self._last_posted_conditions_from(node)
            self._record_condition_events(conditions, None, ready=False)
            self._event(self._node_ref, "Normal", "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods")
            self._record_condition_events(conditions, None, pressure=False)
            self._conditions["list"] = conditions
            self._last_posted = self._status_core(node["status"])
            self._last_report = self.now
            self._posted_images = self.runtime.images_version
        else:
            self._event(self._node_ref, "Normal", "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods")
        self._lease_tick()
        if not created:
            self._post_status(node)
        self._schedule_status_tick()
        self._start_pods()

    def _retry_register(self, step: float) -> None:
        self._later(step, self._register, min(step * 2, REGISTER_RETRY_MAX), what="register node")

    def _reconcile_existing(self, node: dict) -> dict | None:
        """The Node exists (a restart): make the default labels and the attach/detach annotation right."""
        md = node["metadata"]
        changed = False
        labels = dict(md.get("labels") or {})
        for k, v in self._labels().items():
            if k not in self._extra_labels and labels.get(k) != v:
                labels[k] = v
                changed = True
        ann = dict(md.get("annotations") or {})
        if ann.get(CMAD_ANNOTATION) != "true":
            ann[CMAD_ANNOTATION] = "true"
            changed = True
        if not changed:
            return node
        try:
            return self.ctx.client.patch("nodes", self.node_name, {"metadata": {"labels": labels, "annotations": ann}},
                                         patch_type="strategic")
        except ApiError:
            return None

    # ------------------------------------------------------------------ node status
    def _condition_specs(self) -> list[tuple[str, str, str, str, str]]:
        """(type, status, reason, message, event) as the setters produce them on a healthy node."""
        return [
            ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available",
             "NodeHasSufficientMemory"),
            ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure",
             "NodeHasNoDiskPressure"),
            ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available",
             "NodeHasSufficientPID"),
            ("Ready", "True", "KubeletReady", "kubelet is posting ready status", "NodeReady"),
        ]

    def _node_conditions(self, previous: list[dict] | None) -> list[dict]:
        now = rfc3339(self.now)
        prev = {c.get("type"): c for c in previous or []}
        out = []
        for typ, st, reason, msg, _ev in self._condition_specs():
            p = prev.get(typ)
            transition = p["lastTransitionTime"] if p is not None and p.get("status") == st and \
                p.get("lastTransitionTime") else now
            out.append({"type": typ, "status": st, "lastHeartbeatTime": now, "lastTransitionTime": transition,
                        "reason": reason, "message": msg})
        return out

    def _record_condition_events(self, new: list[dict], previous: list[dict] | None, *, pressure: bool = True,
                                 ready: bool = True) -> None:
        """recordNodeStatusEvent for every condition whose status changed."""
        prev = {c.get("type"): c.get("status") for c in previous or []}
        by_type = {c["type"]: c["status"] for c in new}
        for typ, st, _r, _m, ev in self._condition_specs():
            if (typ == "Ready" and not ready) or (typ != "Ready" and not pressure):
                continue
            if by_type.get(typ) == st and prev.get(typ) != st:
                self._event(self._node_ref, "Normal", ev, f"Node {self.node_name} status is now: {ev}")

    @staticmethod
    def _last_posted_conditions_from(node: dict) -> list[dict]:
        return list((node.get("status") or {}).get("conditions") or [])

    def _images(self) -> list[dict]:
        """The Images setter: largest first, at most 50, at most 5 names each."""
        imgs = sorted(self.runtime.list_images(), key=lambda i: (-i.size, i.id))[:NODE_STATUS_MAX_IMAGES]
        return [{"names": (list(i.repo_digests) + list(i.repo_tags))[:MAX_NAMES_PER_IMAGE], "sizeBytes": i.size}
                for i in imgs]

    def _node_status(self, previous_conditions: list[dict] | None) -> dict:
        rv = self.runtime.version()
        return {
            "capacity": dict(self.capacity),
            "allocatable": dict(self.allocatable),
            "conditions": self._node_conditions(previous_conditions),
            "addresses": [{"type": "InternalIP", "address": self.internal_ip},
                          {"type": "Hostname", "address": self.node_name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": KUBELET_PORT}},
            "nodeInfo": {
                "machineID": self.machine_id,
                "systemUUID": self.system_uuid,
                "bootID": self.boot_id,
                "kernelVersion": KERNEL_VERSION,
                "osImage": OS_IMAGE,
                "containerRuntimeVersion": f"{rv['runtimeName']}://{rv['runtimeVersion']}",
                "kubeletVersion": KUBELET_VERSION,
                "kubeProxyVersion": KUBELET_VERSION,
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
            "images": self._images(),
        }

    @staticmethod
    def _status_core(status: dict) -> str:
        """nodeStatusHasChanged: everything but the heartbeat times."""
        st = dict(status)
        st["conditions"] = [{k: v for k, v in c.items() if k != "lastHeartbeatTime"}
                            for c in status.get("conditions") or []]
        return json.dumps(st, sort_keys=True)

    def _schedule_status_tick(self) -> None:
        self._later(_jitter(self.ctx.rng, NODE_STATUS_UPDATE_FREQUENCY, HEARTBEAT_JITTER), self._status_tick,
                    what="update node status")

    def _status_tick(self) -> None:
        """tryUpdateNodeStatus: compute; post when changed or when the report period has passed."""
        if self._status_stale:
            try:
                node = self.ctx.client.get("nodes", self.node_name)
                self._post_status(node)
            except ApiError:
                pass
        elif self.runtime.images_version != self._posted_images or \
                self.now - self._last_report >= NODE_STATUS_REPORT_FREQUENCY:
            self._post_status(None)
        # else: nothing can have changed (conditions are constant on a healthy node; the
        # heartbeat times alone do not count as a change), so there is nothing to compute
        self._image_backoff.gc(self.now)
        self._crash_backoff.gc(self.now)
        self._schedule_status_tick()

    def _post_status(self, node: dict | None) -> None:
        """Post the status if it changed (compared with ``node``, or with what was posted last)."""
        if node is not None:
            previous = self._last_posted_conditions_from(node)
            old_core = self._status_core(node.get("status") or {})
            old_boot = (node.get("status") or {}).get("nodeInfo", {}).get("bootID", "")
        else:
            previous = list(self._conditions.get("list") or [])
            old_core = self._last_posted
            old_boot = self.boot_id
        images_version = self.runtime.images_version
        status = self._node_status(previous)
        core = self._status_core(status)
        if core == old_core and self.now - self._last_report < NODE_STATUS_REPORT_FREQUENCY:
            self._conditions["list"] = status["conditions"]
            self._posted_images = images_version
            self._last_posted = core
            self._status_stale = False
            return
        try:
            self.ctx.client.patch("nodes", self.node_name, {"status": status}, patch_type="strategic",
                                  subresource="status")
        except ApiError as e:
            if e.code == 404:  # the Node was deleted: register again
                self.registered = False
                self._later(0, self._register, what="register node")
                return
            self._status_stale = True
            return
        self._status_stale = False
        if old_boot and old_boot != self.boot_id:
            self._event(self._node_ref, "Warning", "Rebooted",
                        f"Node {self.node_name} has been rebooted, boot id: {self.boot_id}")
        if node is not None or previous:
            self._record_condition_events(status["conditions"], previous)
        self._conditions["list"] = status["conditions"]
        self._last_posted = core
        self._last_report = self.now
        self._posted_images = images_version

    # ------------------------------------------------------------------ lease
    def _lease_object(self, base: dict | None) -> dict:
        lease = json.loads(json.dumps(base)) if base else {
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": self.node_name, "namespace": "kube-node-lease"}, "spec": {}}
        spec = lease.setdefault("spec", {})
        spec["holderIdentity"] = self.node_name
        spec["leaseDurationSeconds"] = NODE_LEASE_DURATION_SECONDS
        spec["renewTime"] = rfc3339_micro(self.now)
        if self._node_uid and not lease["metadata"].get("ownerReferences"):
            lease["metadata"]["ownerReferences"] = [
                {"apiVersion": "v1", "kind": "Node", "name": self.node_name, "uid": self._node_uid}]
        return lease

    def _lease_tick(self) -> None:
        """The lease controller's sync: update the last lease, else get-or-create and update it."""
        client = self.ctx.client
        done = False
        if self._lease is not None:
            try:
                self._lease = client.update("leases", self._lease_object(self._lease))
                done = True
            except ApiError:
                self._lease = None
                self._status_stale = True
        if not done:
            try:
                try:
                    cur = client.get("leases", self.node_name, "kube-node-lease")
                    self._lease = client.update("leases", self._lease_object(cur))
                except ApiError as e:
                    if e.code != 404:
                        raise
                    self._lease = client.create("leases", self._lease_object(None))
            except ApiError:
                self._lease = None
                self._status_stale = True
        self._later(_jitter(self.ctx.rng, NODE_LEASE_RENEW_INTERVAL, HEARTBEAT_JITTER), self._lease_tick,
                    what="renew lease")

    # ------------------------------------------------------------------ events
    def _event(self, obj: dict, type_: str, reason: str, message: str, container: str = "") -> None:
        fp = ""
        if container:
            # upstream: pkg/kubelet/container/ref.go fieldPath: spec.containers{x} / spec.initContainers{x}
            inits = {c.get("name") for c in (obj.get("spec") or {}).get("initContainers") or []}
            fp = f"spec.{'initContainers' if container in inits else 'containers'}{{{container}}}"
        self.ctx.recorder.event(obj, type_, reason, message, field_path=fp)

    # ------------------------------------------------------------------ pods: informer
    def _start_pods(self) -> None:
        inf = self.ctx.informer("pods", field_selector=f"spec.nodeName={self.node_name}")
        inf.add_handler(self._on_pod_add, self._on_pod_update, self._on_pod_delete)
        self._initial = []
        try:
            inf.start()
        except ApiError:
            self._initial = None
            self._later(STATUS_SYNC_PERIOD, self._start_pods, what="list pods")
            return
        self._informer = inf
        initial, self._initial = self._initial, None
        # HandlePodAdditions sorts by creation time
        initial.sort(key=lambda p: (p["metadata"].get("creationTimestamp", ""), p["metadata"]["namespace"],
                                    p["metadata"]["name"]))
        for pod in initial:
            self._add_pod(pod)
        self._housekeeping()

    def _housekeeping(self) -> None:
        """HandlePodCleanups: sandboxes of pods the kubelet no longer knows are stopped and removed."""
        for uid in self.runtime.pod_uids():
            if uid not in self._pods:
                self._kill_orphan(uid)

    def _kill_orphan(self, uid: str) -> None:
        running = [c for c in self.runtime.list_containers(uid) if c.state == CONTAINER_RUNNING]
        pending = len(running)

        def stopped(_cid: str) -> None:
            nonlocal pending
            pending -= 1
            if pending == 0:
                self._remove_runtime_pod(uid)

        if not running:
            self._remove_runtime_pod(uid)
            return
        for c in running:
            self.runtime.stop_container(c.id, MINIMUM_GRACE_PERIOD, stopped)

    def _remove_runtime_pod(self, uid: str) -> None:
        for sb in list(self.runtime.list_pod_sandboxes(uid)):
            self.runtime.remove_pod_sandbox(sb.id)

    def _on_pod_add(self, pod: dict) -> None:
        if self._initial is not None:
            self._initial.append(pod)
            return
        self._add_pod(pod)

    def _add_pod(self, pod: dict) -> None:
        uid = pod["metadata"]["uid"]
        w = self._pods.get(uid)
        if w is not None:
            self._on_pod_update(w.pod, pod)
            return
        w = _Pod(pod)
        self._pods[uid] = w
        phase = (pod.get("status") or {}).get("phase")
        if phase in ("Succeeded", "Failed"):
            # a terminal pod is not admitted again; only its leftovers are cleaned up
            w.terminated = True
            self._stop_sandboxes(w)
            return
        if not pod["metadata"].get("deletionTimestamp"):
            ok, reason, message = self._admit(w)
            if not ok:
                self._reject(w, reason, message)
                return
        self._sync(w)

    def _on_pod_update(self, old: dict, new: dict) -> None:
        uid = new["metadata"]["uid"]
        w = self._pods.get(uid)
        if w is None:
            self._add_pod(new)
            return
        try:
            if int(new["metadata"].get("resourceVersion", 0)) < int(w.pod["metadata"].get("resourceVersion", 0)):
                return  # an older version than the one we already hold
        except ValueError:
            pass
        prev = w.pod
        w.pod = new
        if w.terminated:
            if new["metadata"].get("deletionTimestamp") and not prev["metadata"].get("deletionTimestamp"):
                self._finalize(w)
            return
        if new["metadata"].get("deletionTimestamp") and not prev["metadata"].get("deletionTimestamp"):
            self._sync(w)
        elif [c.get("image") for c in new["spec"].get("containers") or []] != \
                [c.get("image") for c in prev["spec"].get("containers") or []]:
            self._sync(w)

    def _on_pod_delete(self, pod: dict) -> None:
        uid = pod["metadata"]["uid"]
        w = self._pods.pop(uid, None)
        if w is None:
            return
        w.gone = True
        self._probes.remove_pod(uid)
        self._pod_volumes.pop(uid, None)
        self._cancel(w.requeue)
        self._cancel(w.pleg)
        self._release(w)
        for c in _all_containers(pod["spec"]):  # the pod's log directory goes with it
            self._log_dirs.pop((uid, c["name"]), None)
            self._prev_pull_err.pop(f"{uid}_{c.get('image', '')}", None)
        running = [c for c in self.runtime.list_containers(uid) if c.state == CONTAINER_RUNNING]
        if not running:
            self._remove_runtime_pod(uid)
            return
        grace = _grace_period(pod)
        pending = len(running)
        epoch = self._epoch

        def stopped(_cid: str) -> None:
            nonlocal pending
            pending -= 1
            if pending == 0 and self.alive and self._epoch == epoch:
                self._remove_runtime_pod(uid)

        for c in running:
            self._kill_container(pod, c, grace, stopped)

    # ------------------------------------------------------------------ admission
    def _admit(self, w: _Pod) -> tuple[bool, str, str]:
        """The predicate admit handler's resource check (the scheduler's NodeResourcesFit, on this node)."""
        req = podstatus.pod_requests(w.pod)
        if self._used["pods"] + 1 > self._max_pods:
            return False, "OutOfpods", (f"Node didn't have enough resource: pods, requested: 1, used: "
                                        f"{self._used['pods']}, capacity: {self._max_pods}")
        alloc = {"cpu": int(self._cpu * 1000), "memory": value(self.allocatable["memory"]),
                 "ephemeral-storage": value(self.allocatable["ephemeral-storage"])}
        for name in ("cpu", "memory", "ephemeral-storage"):
            if req[name] and self._used[name] + req[name] > alloc[name]:
                return False, f"OutOf{name}", (f"Node didn't have enough resource: {name}, requested: {req[name]}, "
                                               f"used: {self._used[name]}, capacity: {alloc[name]}")
        w.admitted = True
        w.requests = req
        for name, v in req.items():
            self._used[name] += v
        self._used["pods"] += 1
        return True, "", ""

    def _release(self, w: _Pod) -> None:
        if w.admitted:
            w.admitted = False
            for name, v in w.requests.items():
                self._used[name] -= v
            self._used["pods"] -= 1

    def _reject(self, w: _Pod, reason: str, message: str) -> None:
        """rejectPod: a Warning event and the pod Failed with the admission's reason."""
        self._event(w.pod, "Warning", reason, message)
        w.terminated = True
        w.rejected = True
        old = w.pod.get("status") or {}
        st: dict[str, Any] = {"phase": "Failed", "conditions": list(old.get("conditions") or []),
                              "message": "Pod was rejected: " + message, "reason": reason,
                              "startTime": old.get("startTime") or rfc3339(self.now)}
        if old.get("qosClass"):
            st["qosClass"] = old["qosClass"]
        w.final_status = st
        self._finalize(w)

    # ------------------------------------------------------------------ pods: runtime view
    def _sandbox(self, w: _Pod):
        sbs = self.runtime.list_pod_sandboxes(w.uid)
        return sbs[-1] if sbs else None

    def _containers_by_name(self, w: _Pod) -> dict[str, list]:
        """Runtime containers of the pod per container name, newest first."""
        out: dict[str, list] = {}
        for c in self.runtime.list_containers(w.uid):
            out.setdefault(c.name, []).append(c)
        for v in out.values():
            v.sort(key=lambda c: (c.created_at, c.attempt), reverse=True)
        return out

    def _stop_sandboxes(self, w: _Pod) -> None:
        for sb in self.runtime.list_pod_sandboxes(w.uid):
            self.runtime.stop_pod_sandbox(sb.id)

    # ------------------------------------------------------------------ pods: status
    def _generate_status(self, w: _Pod, terminal: bool) -> dict:
        """generateAPIPodStatus: from the runtime's view, the reason cache and the current status."""
        pod = w.pod
        spec = pod["spec"]
        old = pod.get("status") or {}
        now = self.now
        sb = self._sandbox(w)
        sandbox_ready = sb is not None and sb.state == SANDBOX_READY
        runtime = self._containers_by_name(w)
        inits = spec.get("initContainers") or []
        # convertToAPIContainerStatuses: with init containers the default waiting reason is PodInitializing
        default_reason = POD_INITIALIZING if inits else podstatus.CONTAINER_CREATING
        old_cs = {cs.get("name"): cs for cs in old.get("containerStatuses") or []}
        statuses = []
        for c in spec.get("containers") or []:
            statuses.append(self._container_status(w, c, old_cs.get(c["name"]), runtime.get(c["name"], []), now,
                                                   default_reason))
        init_statuses = []
        if inits:
            old_ics = {cs.get("name"): cs for cs in old.get("initContainerStatuses") or []}
            for c in inits:
                init_statuses.append(self._container_status(w, c, old_ics.get(c["name"]), runtime.get(c["name"], []),
                                                            now, default_reason, init=True))
            phase = _get_phase(spec, init_statuses + statuses, terminal, self._has_initialized(w, sb, runtime))
        else:
            phase = podstatus.get_phase(spec, statuses, terminal)
        if phase not in ("Succeeded", "Failed") and old.get("phase") in ("Succeeded", "Failed"):
            phase = old["phase"]
        # GenerateContainersReadyCondition counts restartable init containers (sidecars) first
        ready_spec = {**spec, "containers": [c for c in inits if _is_sidecar(c)] + list(spec.get("containers") or [])}
        all_statuses = init_statuses + statuses
        generated = [
            {"type": "PodReadyToStartContainers", "status": "True" if sandbox_ready else "False",
             "lastProbeTime": None, "lastTransitionTime": None},
            _initialized_condition(spec, all_statuses, phase),
            podstatus.ready_condition(ready_spec, old.get("conditions") or [], all_statuses, phase),
            podstatus.containers_ready_condition(ready_spec, all_statuses, phase),
            {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": None},
        ]
        st: dict[str, Any] = {"phase": phase,
                              "conditions": podstatus.merge_conditions(old.get("conditions") or [], generated, now)}
        if phase == old.get("phase"):
            if old.get("message"):
                st["message"] = old["message"]
            if old.get("reason"):
                st["reason"] = old["reason"]
        if old.get("nominatedNodeName"):
            st["nominatedNodeName"] = old["nominatedNodeName"]
        st["hostIP"] = self.internal_ip
        st["hostIPs"] = [{"ip": self.internal_ip}]
        if spec.get("hostNetwork"):
            pod_ip = self.internal_ip
        elif sandbox_ready:
            pod_ip = sb.ip
        else:
            pod_ip = old.get("podIP", "")
        if pod_ip:
            st["podIP"] = pod_ip
            st["podIPs"] = [{"ip": pod_ip}]
        st["startTime"] = old.get("startTime") or rfc3339(now)
        if inits:
            st["initContainerStatuses"] = init_statuses
        st["containerStatuses"] = statuses
        if old.get("qosClass"):
            st["qosClass"] = old["qosClass"]
        return st

    def _container_status(self, w: _Pod, c: dict, old: dict | None, rs: list, now: float,
                          default_reason: str = podstatus.CONTAINER_CREATING, init: bool = False) -> dict:
        """convertToAPIContainerStatuses for one container (and the probe manager's ready/started).

        For a regular init container (``init``), the prober manager's UpdatePodStatus makes it
        ready once it terminated with exit code 0 (upstream: pkg/kubelet/prober/prober_manager.go).
        """
        name = c["name"]
        st: dict[str, Any] = {"name": name, "state": {"waiting": {"reason": default_reason}},
                              "lastState": {}, "ready": False, "restartCount": 0, "image": c.get("image", ""),
                              "imageID": "", "started": False}
        if old is not None:
            if (old.get("state") or {}).get("terminated") is not None:
                st = json.loads(json.dumps(old))
            else:
                st["restartCount"] = old.get("restartCount", 0)
                st["lastState"] = old.get("lastState") or {}
        if not rs and old is not None and (old.get("state") or {}).get("running") is not None \
                and (st["state"].get("waiting") or {}).get("reason") == default_reason \
                and not (st.get("lastState") or {}).get("terminated"):
            # it ran, and the runtime lost it: it terminated, we do not know how
            st["lastState"] = {"terminated": {
                "exitCode": 137, "reason": "ContainerStatusUnknown",
                "message": "The container could not be located when the pod was deleted.  The container used to be Running",
                "startedAt": None, "finishedAt": None}}
            if not w.pod["metadata"].get("deletionTimestamp"):
                st["restartCount"] = st.get("restartCount", 0) + 1
        if rs:
            latest = rs[0]
            cid = f"{RUNTIME_NAME}://{latest.id}"
            st = {"name": name, "state": podstatus.container_state_from_runtime(latest, cid), "lastState": {},
                  "ready": False, "restartCount": latest.attempt, "image": latest.image, "imageID": latest.image_ref,
                  "containerID": cid, "started": False}
            if len(rs) > 1:
                st["lastState"] = podstatus.container_state_from_runtime(rs[1], f"{RUNTIME_NAME}://{rs[1].id}")
            mounts = _volume_mounts(c)
            if mounts:
                st["volumeMounts"] = mounts
            if latest.state == CONTAINER_RUNNING:
                st["started"] = self._probes.started(latest.id)
                st["ready"] = self._probes.ready(latest.id)
        if init and not _is_sidecar(c) and rs:
            term = st["state"].get("terminated")
            st["ready"] = term is not None and term.get("exitCode") == 0
        reason = w.reasons.get(name)
        restart = _should_restart(c, w.pod, rs[0] if rs else None)
        if init and not _is_sidecar(c) and rs and rs[0].state == CONTAINER_EXITED and rs[0].exit_code == 0:
            restart = False  # a completed init container is not run again
        if reason is not None and restart:
            if st["state"].get("terminated") is not None:
                st["lastState"] = st["state"]
            st["state"] = {"waiting": {"reason": reason[0], **({"message": reason[1]} if reason[1] else {})}}
            st["ready"] = False
            st["started"] = False
        return st

    def _write_status(self, w: _Pod, status: dict, retry: bool = True) -> bool:
        """The status manager's write: skip when unchanged; on 409 re-read and retry once, then later."""
        if w.gone:
            return False
        pod = w.pod
        if status == (pod.get("status") or {}):
            return True
        new = dict(pod)
        new["status"] = status
        try:
            w.pod = self.ctx.client.update_status("pods", new)
            return True
        except ApiError as e:
            if e.code == 404:
                return False
            if e.code in (400, 422):
                raise  # the kubelet wrote something invalid: a bug worth seeing
            if e.code == 409 and retry:
                try:
                    fresh = self.ctx.client.get("pods", pod["metadata"]["name"], pod["metadata"]["namespace"])
                except ApiError as e2:
                    if e2.code != 404:
                        self._retry_status_later(w)
                    return False
                if fresh["metadata"].get("uid") != w.uid:
                    return False
                w.pod = fresh
                return self._write_status(w, self._regenerate(w, status), retry=False)
            self._retry_status_later(w)
            return False

    def _regenerate(self, w: _Pod, status: dict) -> dict:
        """The status again, merged onto the pod as it is now (after a conflict)."""
        if w.rejected:
            return status
        return self._generate_status(w, terminal=w.terminated)

    def _retry_status_later(self, w: _Pod) -> None:
        self._later(STATUS_SYNC_PERIOD, self._retry_status, w.uid, what=f"retry status {w.key}")

    def _retry_status(self, uid: str) -> None:
        w = self._pods.get(uid)
        if w is None or w.gone:
            return
        if w.terminated:
            if not w.rejected and w.final_status is not None:
                w.final_status = self._generate_status(w, terminal=True)
            self._finalize(w)
        else:
            self._sync(w)

    # ------------------------------------------------------------------ pods: sync
    def _sync(self, w: _Pod) -> None:
        """syncPod: write the status, then start what should run (one sync at a time per pod)."""
        if not self.alive or w.gone:
            return
        if w.busy:
            w.pending = True
            return
        if w.terminated:
            return
        if w.pod["metadata"].get("deletionTimestamp") or w.terminating:
            self._sync_terminating(w)
            return
        status = self._generate_status(w, terminal=False)
        self._write_status(w, status)
        if status["phase"] in ("Succeeded", "Failed"):
            self._sync_terminating(w)
            return
        pod = w.pod
        spec = pod["spec"]
        sb = self._sandbox(w)
        runtime = self._containers_by_name(w)
        need_sandbox = sb is None or sb.state != SANDBOX_READY
        policy = spec.get("restartPolicy") or "Always"
        to_start: list[dict] = []
        inits = spec.get("initContainers") or []
        if need_sandbox:
            if policy == "Never" and sb is not None and any(runtime.values()):
                return  # already ran; a Never pod does not get a new sandbox
            if inits:
                # computePodActions: a new sandbox runs the init containers again, from the first
                to_start.append(inits[0])
            else:
                for c in spec.get("containers") or []:
                    rs = runtime.get(c["name"])
                    if policy == "OnFailure" and rs and rs[0].state == CONTAINER_EXITED and rs[0].exit_code == 0:
                        continue
                    to_start.append(c)
        initialized = not need_sandbox and (not inits or self._has_initialized(w, sb, runtime))
        if not need_sandbox and not initialized:
            nxt = self._next_init_container(w, sb, runtime)
            if nxt is None:
                return  # one is running (or the pod failed): the PLEG brings us back
            if nxt is True:
                initialized = True
            else:
                to_start.append(nxt)
        if initialized:
            for c in inits:  # computeInitContainerActions: sidecars that stopped are started again
                if not _is_sidecar(c):
                    continue
                cur = [x for x in runtime.get(c["name"], []) if x.sandbox_id == sb.id]
                if not cur or (cur[0].state == CONTAINER_EXITED):
                    to_start.append(c)
            for c in spec.get("containers") or []:
                rs = runtime.get(c["name"])
                latest = rs[0] if rs else None
                if latest is not None and latest.state == CONTAINER_RUNNING and latest.user_image and \
                        c.get("image") != latest.user_image:
                    if not self.runtime.is_stopping(latest.id):
                        self._restart_changed(w, c, latest)
                    continue
                if podstatus.should_restart(c, pod, latest):
                    to_start.append(c)
        if not need_sandbox and not to_start:
            return
        run = _SyncRun(w, self._epoch, to_start)
        w.busy = True
        if need_sandbox:
            self._create_sandbox(run, sb)
        else:
            self._start_next(run, 0)

    def _has_initialized(self, w: _Pod, sb, runtime: dict[str, list]) -> bool:
        """Has a regular container been created in the current sandbox? (then init is done)

        upstream: computeInitContainerActions' ``podHasInitialized``; k8slab looks at the current
        sandbox only, so a pod whose sandbox is re-created runs its init containers again.
        """
        if sb is None:
            return False
        for c in w.pod["spec"].get("containers") or []:
            if any(x.sandbox_id == sb.id for x in runtime.get(c["name"], [])):
                return True
        return False

    def _next_init_container(self, w: _Pod, sb, runtime: dict[str, list]):
        """computeInitContainerActions: the init container to start next (a spec dict), ``None``
        to wait (one is running, or the pod failed), or ``True`` when all have completed.

        Regular init containers run one at a time, each to exit code 0; a failed one is
        started again (with crash back-off) unless restartPolicy is Never. A restartable init
        container (a sidecar, ``restartPolicy: Always``) only has to have started.
        """
        policy = w.pod["spec"].get("restartPolicy") or "Always"
        for c in w.pod["spec"].get("initContainers") or []:
            cur = [x for x in runtime.get(c["name"], []) if sb is not None and x.sandbox_id == sb.id]
            latest = cur[0] if cur else None
            if _is_sidecar(c):
                if latest is None or latest.state == CONTAINER_EXITED:
                    return c
                if latest.state == CONTAINER_RUNNING and not self._probes.started(latest.id):
                    return None
                continue
            if latest is None or latest.state not in (CONTAINER_RUNNING, CONTAINER_EXITED):
                return c
            if latest.state == CONTAINER_RUNNING:
                return None
            if latest.exit_code == 0:
                continue
            if policy == "Never":
                return None
            return c
        return True

    def _restart_changed(self, w: _Pod, c: dict, latest) -> None:
        """computePodActions: a container whose spec changed (its image) is killed and started again."""
        grace = w.pod["spec"].get("terminationGracePeriodSeconds", DEFAULT_TERMINATION_GRACE_PERIOD)
        self._kill_container(w.pod, latest, grace, lambda _id: None,
                             message=f"Container {c['name']} definition changed, will be restarted")

    def _create_sandbox(self, run: _SyncRun, old_sb) -> None:
        w = run.w
        pod = w.pod
        if old_sb is not None:
            self._event(pod, "Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.")
            self.runtime.stop_pod_sandbox(old_sb.id)
        md = pod["metadata"]
        attempt = (old_sb.attempt + 1) if old_sb is not None else 0
        config = {"name": md["name"], "namespace": md["namespace"], "uid": w.uid, "attempt": attempt,
                  "hostNetwork": bool(pod["spec"].get("hostNetwork")), "hostIP": self.internal_ip,
                  "dns": pod_dns_config(pod)}  # upstream: pkg/kubelet/network/dns/dns.go GetPodDNS

        def done(res: SandboxResult) -> None:
            if not self._still(run):
                return
            if res.error:
                self._event(w.pod, "Warning", "FailedCreatePodSandBox", f"Failed to create pod sandbox: {res.error}")
                run.error = True
                self._finish(run)
                return
            run.changed = True
            self._start_next(run, 0)

        self.runtime.run_pod_sandbox(config, done)

    def _still(self, run: _SyncRun) -> bool:
        """Is this SyncPod still wanted? (the kubelet may have failed, the pod may be going away)"""
        if not self.alive or run.epoch != self._epoch:
            return False
        w = run.w
        if w.gone or self._pods.get(w.uid) is not w:
            w.busy = False
            return False
        return True

    def _aborted(self, run: _SyncRun) -> bool:
        return bool(run.w.pod["metadata"].get("deletionTimestamp"))

    def _start_next(self, run: _SyncRun, i: int) -> None:
        if i >= len(run.to_start) or self._aborted(run):
            self._finish(run)
            return
        self._start_container(run, run.to_start[i], lambda: self._start_next(run, i + 1))

    def _finish(self, run: _SyncRun) -> None:
        w = run.w
        w.busy = False
        if run.changed:
            self._pleg_soon(w)
        self._cancel(w.requeue)
        w.requeue = None
        if run.error:
            w.requeue = self._later(_jitter(self.ctx.rng, WORKER_BACKOFF_PERIOD, WORKER_BACKOFF_JITTER),
                                    self._requeue, w.uid, what=f"resync pod {w.key}")
        if w.pending:
            w.pending = False
            self._later(0, self._resync, w.uid, what=f"sync pod {w.key}")

    def _requeue(self, uid: str) -> None:
        w = self._pods.get(uid)
        if w is not None:
            w.requeue = None
            self._sync(w)

    def _resync(self, uid: str) -> None:
        w = self._pods.get(uid)
        if w is not None:
            self._sync(w)

    def _pleg_soon(self, w: _Pod) -> None:
        """The generic PLEG relists every second: a change is seen at the next relist."""
        if w.pleg is not None:
            return
        now = self.now
        k = math.floor((now - self._pleg_phase) / PLEG_RELIST_PERIOD) + 1
        at = self._pleg_phase + k * PLEG_RELIST_PERIOD
        w.pleg = self._later(round(at - now, 9), self._pleg_fire, w.uid, what=f"PLEG relist: pod {w.key}")

    def _pleg_fire(self, uid: str) -> None:
        w = self._pods.get(uid)
        if w is None:
            return
        w.pleg = None
        self._sync(w)

    def _on_container_event(self, ev: ContainerEvent) -> None:
        if not self.alive:
            return
        w = self._pods.get(ev.pod_uid)
        if w is not None and not w.gone:
            self._pleg_soon(w)

    # ------------------------------------------------------------------ pods: one container
    def _start_container(self, run: _SyncRun, c: dict, then: Callable[[], None]) -> None:
        """startContainer, preceded by doBackOff: image, create, start, with their events."""
        w = run.w
        pod = w.pod
        name = c["name"]
        rs = self._containers_by_name(w).get(name) or []
        latest = rs[0] if rs else None
        if latest is not None and latest.state == CONTAINER_EXITED:
            key = f"{pod['metadata']['name']}_{pod['metadata']['namespace']}_{w.uid}_{name}"
            if self._crash_backoff.is_in_backoff_since(key, latest.finished_at, self.now):
                fp = podstatus.format_pod(pod)
                self._event(pod, "Warning", "BackOff", f"Back-off restarting failed container {name} in pod {fp}", name)
                w.reasons[name] = ("CrashLoopBackOff",
                                   f"back-off {podstatus.go_duration(self._crash_backoff.get(key))} "
                                   f"restarting failed container={name} pod={fp}")
                run.error = True
                then()
                return
            self._crash_backoff.next(key, latest.finished_at)

        def image_ready(ok: bool, reason: str, message: str) -> None:
            if not self._still(run):
                return
            if not ok:
                self._event(w.pod, "Warning", "Failed", f"Error: {reason}", name)
                w.reasons[name] = (reason, message)
                run.error = True
                then()
                return
            if self._aborted(run):
                then()
                return
            self._create_and_start(run, c, latest, then)

        self._ensure_image(run, c, image_ready)

    def _create_and_start(self, run: _SyncRun, c: dict, latest, then: Callable[[], None]) -> None:
        w = run.w
        name = c["name"]
        sb = self._sandbox(w)
        if latest is not None:
            attempt = latest.attempt + 1
        else:
            attempt = self._log_dirs.get((w.uid, name), -1) + 1
        config = {"name": name, "attempt": attempt, "image": c.get("image", ""), "command": c.get("command"),
                  "args": c.get("args"), "stdin": c.get("stdin", False), "tty": c.get("tty", False),
                  "hostname": w.pod["metadata"]["name"]}
        try:
            config["env"] = self._container_env(w, c, sb)
            config["mounts"] = self._container_mounts(w, c)
        except _ConfigError as e:
            if e.reason == "FailedMount":
                self._event(w.pod, "Warning", "FailedMount", e.message)
            else:
                self._event(w.pod, "Warning", "Failed", f"Error: {e.message}", name)
                w.reasons[name] = (e.reason, e.message)
            run.error = True
            then()
            return
        mem_limit = ((c.get("resources") or {}).get("limits") or {}).get("memory")
        if mem_limit:
            config["memory_limit"] = value(mem_limit)
        cpu_limit = ((c.get("resources") or {}).get("limits") or {}).get("cpu")
        if cpu_limit:
            # the container's CFS quota: cpu.cfs_quota_us = limit * cpu.cfs_period_us (100 ms)
            # upstream: pkg/kubelet/cm/helpers_linux.go MilliCPUToQuota
            config["cpu_limit"] = milli_value(cpu_limit) / 1000.0
        try:
            if sb is None or sb.state != SANDBOX_READY:
                raise RuntimeError_("pod sandbox is not ready")
            cid = self.runtime.create_container(sb.id, config)
        except RuntimeError_ as e:
            self._event(w.pod, "Warning", "Failed", f"Error: {e.message}", name)
            w.reasons[name] = ("CreateContainerError", e.message)
            run.error = True
            then()
            return
        self._event(w.pod, "Normal", "Created", f"Created container: {name}", name)
        self.runtime.start_container(cid)
        self._event(w.pod, "Normal", "Started", f"Started container {name}", name)
        self._log_dirs[(w.uid, name)] = attempt
        w.reasons.pop(name, None)
        run.changed = True
        self._probe_times(w, c, cid)
        self._prune_containers(w, name)
        then()

    def _probe_times(self, w: _Pod, c: dict, cid: str) -> None:
        """Start the container's probe workers (k8slab.node.probes)."""
        sb = self._sandbox(w)
        if sb is not None:
            self._probes.add(w.uid, c, cid, sb.id, sb.ip)

    def _probe_changed(self, uid: str) -> None:
        w = self._pods.get(uid)
        if w is not None:
            self._sync(w)

    def _probe_event(self, uid: str, container: str, type_: str, reason: str, message: str) -> None:
        w = self._pods.get(uid)
        if w is not None and not w.gone:
            self._event(w.pod, type_, reason, message, container)

    def _probe_failed(self, uid: str, cid: str, kind: str, probe: dict) -> None:
        """computePodActions: a container whose liveness (or startup) probe failed is killed."""
        w = self._pods.get(uid)
        if w is None or w.gone or w.terminating or w.terminated:
            return
        c = self.runtime.container_status(cid)
        if c is None or c.state != CONTAINER_RUNNING or self.runtime.is_stopping(cid):
            return
        policy = w.pod["spec"].get("restartPolicy") or "Always"
        msg = f"Container {c.name} failed {kind.lower()} probe"
        if policy != "Never":
            msg += ", will be restarted"
        grace = probe.get("terminationGracePeriodSeconds")
        if grace is None:
            grace = w.pod["spec"].get("terminationGracePeriodSeconds", DEFAULT_TERMINATION_GRACE_PERIOD)
        self._kill_container(w.pod, c, grace, lambda _id: None, message=msg)

    def _kill_container(self, pod: dict, c, grace: Any, on_done: Callable[[str], None], message: str = "") -> None:
        """killContainer: the Killing event, the preStop hook, then StopContainer with what is left of the grace.

        upstream: pkg/kubelet/kuberuntime/kuberuntime_container.go (``killContainer``,
        ``executePreStopHook``); pkg/kubelet/lifecycle/handlers.go (exec and httpGet hooks).
        """
        grace = max(int(grace or 0), MINIMUM_GRACE_PERIOD)
        self._event(pod, "Normal", "Killing", message or f"Stopping container {c.name}", c.name)
        spec = next((x for x in _all_containers(pod["spec"]) if x.get("name") == c.name), {})
        pre = ((spec.get("lifecycle") or {}).get("preStop") or {})
        used = 0.0
        if pre and c.state == CONTAINER_RUNNING:
            used = self._run_hook(pod, spec, c, pre, grace)
        used = min(used, float(grace))
        if used > 0:
            cid = c.id
            self._later(used, lambda: self.runtime.stop_container(cid, max(grace - used, 0), on_done),
                        what=f"preStop hook {c.name} done")
        else:
            self.runtime.stop_container(c.id, grace, on_done)

    def _run_hook(self, pod: dict, spec: dict, c, hook: dict, grace: float) -> float:
        """Run a preStop hook now; returns the seconds it takes (its sleeps)."""
        fp = podstatus.format_pod(pod)
        if "exec" in hook:
            cmd = list((hook["exec"] or {}).get("command") or [])
            code, out, slept = self.runtime.exec_hook(c.id, cmd, grace)
            if code != 0:
                self._event(pod, "Warning", "FailedPreStopHook",
                            f"PreStopHook failed: Exec lifecycle hook ({cmd}) for Container \"{c.name}\" in Pod "
                            f"\"{fp}\" failed - error: command '{' '.join(cmd)}' exited with {code}: {out}, "
                            f"message: \"{out}\"", c.name)
            return slept
        if "sleep" in hook:
            return float((hook["sleep"] or {}).get("seconds") or 0)
        if "httpGet" in hook:
            g = hook["httpGet"] or {}
            port = g.get("port")
            if isinstance(port, str) and not port.isdigit():
                port = next((p.get("containerPort") for p in spec.get("ports") or [] if p.get("name") == port), 0)
            sb = self._sandbox_of(c)
            res = self.runtime.http_get(sb, int(port or 0), g.get("path") or "/") if sb else None
            if res is None or res[0] >= 400:
                self._event(pod, "Warning", "FailedPreStopHook",
                            f"PreStopHook failed: HTTP lifecycle hook ({g.get('path') or '/'}) for Container "
                            f"\"{c.name}\" in Pod \"{fp}\" failed", c.name)
        return 0.0

    def _sandbox_of(self, c) -> str:
        return getattr(c, "sandbox_id", "")

    # ------------------------------------------------------------------ the kubelet's server: logs and exec
    def _served_pod(self, namespace: str, pod: str) -> _Pod:
        for w in self._pods.values():
            if w.key == f"{namespace}/{pod}" and not w.gone:
                return w
        raise ApiError(404, "NotFound", f'pod "{pod}" not found')

    def logs(self, namespace: str, pod: str, container: str, previous: bool = False, tail: int | None = None,
             timestamps: bool = False) -> str:
        """GET /containerLogs/{namespace}/{pod}/{container} (what ``kubectl logs`` reads).

        upstream: pkg/kubelet/server/server.go ``getContainerLogs``, pkg/kubelet/kubelet_pods.go
        ``validateContainerLogStatus`` (its messages); timestamps are RFC3339Nano.
        """
        w = self._served_pod(namespace, pod)
        rs = self._containers_by_name(w).get(container) or []
        if previous:
            if len(rs) < 2:
                raise ApiError(400, "BadRequest",
                               f'previous terminated container "{container}" in pod "{pod}" not found')
            inst = rs[1]
        else:
            if not rs:
                reason = (w.reasons.get(container) or (podstatus.CONTAINER_CREATING, ""))[0]
                raise ApiError(400, "BadRequest",
                               f'container "{container}" in pod "{pod}" is waiting to start: {reason}')
            inst = rs[0]
        entries = self.runtime.container_log_entries(inst.id)
        if tail is not None and tail >= 0:
            entries = entries[max(0, len(entries) - tail):] if tail else []
        if timestamps:
            return "".join(f"{_rfc3339_nano(t)} {line}\n" for t, line in entries)
        return "".join(f"{line}\n" for _t, line in entries)

    def exec(self, namespace: str, pod: str, container: str, argv: list[str]) -> tuple[int, str]:
        """POST /exec/{namespace}/{pod}/{container}: run ``argv`` with the simulated shell; (code, output)."""
        w = self._served_pod(namespace, pod)
        rs = self._containers_by_name(w).get(container) or []
        if not rs or rs[0].state != CONTAINER_RUNNING:
            raise ApiError(400, "BadRequest", f'unable to upgrade connection: container not found ("{container}")')
        if not argv:
            raise ApiError(400, "BadRequest", "you must specify at least one command for the container")
        code, out, timed_out = self.runtime.exec_sync(rs[0].id, argv)
        return code, out

    def container_stats(self, namespace: str, pod: str) -> dict[str, dict]:
        """The summary API's per-container usage (memory bytes, CPU cores) of a pod, now."""
        w = self._served_pod(namespace, pod)
        out = {}
        for name, rs in self._containers_by_name(w).items():
            out[name] = self.runtime.container_stats(rs[0].id)
        return out

    # ------------------------------------------------------------------ pods: env and volumes
    def _get_obj(self, kind: str, name: str, namespace: str) -> dict | None:
        try:
            return self.ctx.client.get(kind, name, namespace)
        except ApiError as e:
            if e.code == 404:
                return None
            raise _ConfigError("CreateContainerConfigError", e.message) from None

    @staticmethod
    def _data(obj: dict, secret: bool) -> dict[str, str]:
        if not secret:
            out = {k: str(v) for k, v in (obj.get("data") or {}).items()}
            for k, v in (obj.get("binaryData") or {}).items():
                out[k] = base64.b64decode(v).decode("utf-8", "replace")
            return out
        out = {}
        for k, v in (obj.get("data") or {}).items():
            try:
                out[k] = base64.b64decode(v).decode("utf-8", "replace")
            except (ValueError, TypeError):
                out[k] = str(v)
        for k, v in (obj.get("stringData") or {}).items():
            out[k] = str(v)
        return out

    def _container_env(self, w: _Pod, c: dict, sb) -> dict[str, str]:
        """makeEnvironmentVariables: service links of the default ``kubernetes`` Service, envFrom, env.

        upstream: pkg/kubelet/kubelet_pods.go; errors are CreateContainerConfigError with its messages.
        """
        pod = w.pod
        ns = pod["metadata"]["namespace"]
        env: dict[str, str] = {"HOSTNAME": pod["metadata"]["name"]}
        env.update(self._service_env(pod))
        for ef in c.get("envFrom") or []:
            prefix = ef.get("prefix") or ""
            for key, kind, secret in (("configMapRef", "configmaps", False), ("secretRef", "secrets", True)):
                ref = ef.get(key)
                if not ref:
                    continue
                obj = self._get_obj(kind, ref.get("name", ""), ns)
                if obj is None:
                    if ref.get("optional"):
                        continue
                    raise _ConfigError("CreateContainerConfigError",
                                       f'{"secret" if secret else "configmap"} "{ref.get("name", "")}" not found')
                for k, v in self._data(obj, secret).items():
                    env[prefix + k] = v
        for e in c.get("env") or []:
            name = e.get("name", "")
            if "valueFrom" not in e:
                env[name] = _expand_refs(str(e.get("value") or ""), env)
                continue
            vf = e.get("valueFrom") or {}
            for key, kind, secret, label in (("configMapKeyRef", "configmaps", False, "ConfigMap"),
                                             ("secretKeyRef", "secrets", True, "Secret")):
                ref = vf.get(key)
                if not ref:
                    continue
                obj = self._get_obj(kind, ref.get("name", ""), ns)
                if obj is None:
                    if ref.get("optional"):
                        break
                    raise _ConfigError("CreateContainerConfigError",
                                       f'{"secret" if secret else "configmap"} "{ref.get("name", "")}" not found')
                data = self._data(obj, secret)
                if ref.get("key") not in data:
                    if ref.get("optional"):
                        break
                    raise _ConfigError("CreateContainerConfigError",
                                       f"couldn't find key {ref.get('key')} in {label} {ns}/{ref.get('name')}")
                env[name] = data[ref["key"]]
            fr = vf.get("fieldRef")
            if fr:
                env[name] = self._field_ref(pod, fr.get("fieldPath", ""), sb)
            rf = vf.get("resourceFieldRef")
            if rf:
                env[name] = self._resource_field(c, rf)
        return env

    def _service_env(self, pod: dict) -> dict[str, str]:
        """Service links (upstream: kubelet_pods.go getServiceEnvVarMap, pkg/kubelet/envvars/envvars.go).

        k8slab simplification: the Services are read from the pod network's view of them
        (node/network.py) rather than from a Service informer of the kubelet's own;
        without a pod network only ``default/kubernetes`` is known.
        """
        net = getattr(self.runtime, "network", None)
        if net is None:
            return dict(KUBERNETES_SERVICE_ENV)
        return service_env(net.services(), pod["metadata"]["namespace"],
                           (pod.get("spec") or {}).get("enableServiceLinks", True) is not False)

    def _field_ref(self, pod: dict, path: str, sb) -> str:
        md = pod["metadata"]
        simple = {"metadata.name": md.get("name", ""), "metadata.namespace": md.get("namespace", ""),
                  "metadata.uid": md.get("uid", ""), "spec.nodeName": self.node_name,
                  "spec.serviceAccountName": pod["spec"].get("serviceAccountName", "default"),
                  "status.hostIP": self.internal_ip, "status.hostIPs": self.internal_ip,
                  "status.podIP": sb.ip if sb is not None else "", "status.podIPs": sb.ip if sb is not None else ""}
        if path in simple:
            return simple[path]
        for field_name in ("labels", "annotations"):
            pre = f"metadata.{field_name}['"
            if path.startswith(pre) and path.endswith("']"):
                return (md.get(field_name) or {}).get(path[len(pre):-2], "")
        return ""

    def _resource_field(self, c: dict, rf: dict) -> str:
        res = rf.get("resource", "")
        kind, _, rname = res.partition(".")
        q = ((c.get("resources") or {}).get(kind) or {}).get(rname)
        if q is None:
            q = {"cpu": str(self._cpu), "memory": str(int(self._memory))}.get(rname, "0")
        div = rf.get("divisor") or "1"
        if rname == "cpu":
            return str(max(1, math.ceil(float(parse_quantity(q)) / float(parse_quantity(div)))))
        return str(math.ceil(value(q) / float(parse_quantity(div))))

    def _container_mounts(self, w: _Pod, c: dict) -> dict[str, tuple[dict, bool]]:
        """The volumes a container mounts: mount path -> (files shared with the pod, read only)."""
        vols = self._pod_volumes.setdefault(w.uid, {})
        specs = {v.get("name"): v for v in w.pod["spec"].get("volumes") or []}
        ns = w.pod["metadata"]["namespace"]
        out: dict[str, tuple[dict, bool]] = {}
        for m in c.get("volumeMounts") or []:
            v = specs.get(m.get("name"))
            if v is None:
                continue
            files = self._volume_files(w, v, vols, ns)
            sub = m.get("subPath") or ""
            if sub:
                files = _SubPath(files, sub)
            ro = bool(m.get("readOnly")) or "configMap" in v or "secret" in v or "downwardAPI" in v or "projected" in v
            out[m.get("mountPath", "")] = (files, ro)
        return out

    def _volume_files(self, w: _Pod, v: dict, vols: dict, ns: str) -> dict:
        name = v.get("name", "")
        if "projected" in v:
            return self._projected_files(w, v, vols, ns)
        if "hostPath" in v:
            return self._host_paths.setdefault((v["hostPath"] or {}).get("path", ""), {})
        for key, kind, secret, ref_key in (("configMap", "configmaps", False, "name"),
                                           ("secret", "secrets", True, "secretName")):
            if key in v:
                src = v[key] or {}
                obj = self._get_obj(kind, src.get(ref_key, ""), ns)
                files = vols.setdefault(name, {})
                if obj is None:
                    if src.get("optional"):
                        files.clear()
                        return files
                    raise _ConfigError("FailedMount",
                                       f'MountVolume.SetUp failed for volume "{name}" : '
                                       f'{"secret" if secret else "configmap"} "{src.get(ref_key, "")}" not found')
                data = self._data(obj, secret)
                files.clear()
                if src.get("items"):
                    for it in src["items"]:
                        if it.get("key") in data:
                            files[it.get("path", it["key"])] = data[it["key"]]
                else:
                    files.update(data)
                return files
        if "downwardAPI" in v:
            files = vols.setdefault(name, {})
            for it in (v["downwardAPI"] or {}).get("items") or []:
                fr = it.get("fieldRef") or {}
                if fr.get("fieldPath") in ("metadata.labels", "metadata.annotations"):
                    d = w.pod["metadata"].get(fr["fieldPath"].split(".")[1]) or {}
                    files[it.get("path", "")] = "\n".join(f'{k}="{val}"' for k, val in sorted(d.items()))
                elif fr:
                    files[it.get("path", "")] = self._field_ref(w.pod, fr.get("fieldPath", ""), self._sandbox(w))
            return files
        return vols.setdefault(name, {})  # emptyDir (and any other kind: an empty directory)

    def _projected_files(self, w: _Pod, v: dict, vols: dict, ns: str) -> dict:
        """A projected volume: its sources' files in one directory.

        upstream: pkg/volume/projected/projected.go collectData. This is how the
        ``kube-api-access-*`` volume that the ServiceAccount admission plugin adds puts
        ``ca.crt`` (ConfigMap ``kube-root-ca.crt``) and ``namespace`` (downward API) under
        /var/run/secrets/kubernetes.io/serviceaccount, and ``token`` from a TokenRequest the
        kubelet makes for the pod's ServiceAccount (pkg/kubelet/token/token_manager.go).
        Simplification: the token is requested when the volume is set up and not rotated.
        """
        name = v.get("name", "")
        files: dict = {}
        for i, src in enumerate((v.get("projected") or {}).get("sources") or []):
            sat = src.get("serviceAccountToken")
            if sat is not None:
                files[sat.get("path") or "token"] = self._service_account_token(w.pod, sat)
            for key in ("configMap", "secret", "downwardAPI"):
                if key in src:
                    sub = dict(src[key] or {})
                    if key == "secret":  # a projected secret names it "name", a secret volume "secretName"
                        sub["secretName"] = sub.pop("name", "")
                    try:
                        part = self._volume_files(w, {"name": f"\0{name}/{i}", key: sub}, vols, ns)
                    except _ConfigError as e:
                        e.message = e.message.replace(f"\0{name}/{i}", name)
                        raise
                    files.update(part)
        cur = vols.setdefault(name, {})
        cur.clear()
        cur.update(files)
        return cur

    def _service_account_token(self, pod: dict, sat: dict) -> str:
        """A bound token for the pod's ServiceAccount, through the API (TokenRequest)."""
        spec = {"expirationSeconds": int(sat.get("expirationSeconds") or 3600)}
        if sat.get("audience"):
            spec["audiences"] = [sat["audience"]]
        ns = pod["metadata"].get("namespace", "default")
        sa = (pod.get("spec") or {}).get("serviceAccountName") or "default"
        try:
            tr = self.ctx.client.create_token(sa, ns, {"spec": spec})
        except ApiError as e:
            raise _ConfigError("FailedMount", f"MountVolume.SetUp failed for volume \"{sat.get('path') or 'token'}\" : "
                                              f"failed to fetch token: {e.message}") from None
        return tr["status"]["token"]

    def _prune_containers(self, w: _Pod, name: str) -> None:
        """Container GC keeps the newest dead instance per container (MaxPerPodContainer = 1)."""
        rs = self._containers_by_name(w).get(name) or []
        for old in rs[2:]:
            self.runtime.remove_container(old.id)
            self._probes.remove(old.id)
        sbs = self.runtime.list_pod_sandboxes(w.uid)
        for sb in sbs[:-1]:  # sandbox GC: dead sandboxes whose containers are all gone
            if sb.state != SANDBOX_READY and not self.runtime.sandbox_containers(sb.id):
                self.runtime.remove_pod_sandbox(sb.id)

    # ------------------------------------------------------------------ pods: images
    def _ensure_image(self, run: _SyncRun, c: dict, cb: Callable[[bool, str, str], None]) -> None:
        """EnsureImageExists: pull policy, image back-off, the serialized puller, and the events."""
        w = run.w
        pod = w.pod
        name = c["name"]
        image = c.get("image", "")
        try:
            parse_image(image)
        except ValueError as e:
            msg = f'Failed to apply default image tag "{image}": couldn\'t parse image reference "{image}": {e}'
            self._event(pod, "Warning", "InspectFailed", msg, name)
            cb(False, "InvalidImageName", msg)
            return
        policy = c.get("imagePullPolicy") or _default_pull_policy(image)
        present = self.runtime.image_status(image) is not None
        if policy == "Never" or (policy == "IfNotPresent" and present):
            if present:
                self._event(pod, "Normal", "Pulled", f'Container image "{image}" already present on machine', name)
                cb(True, "", "")
            else:
                msg = f'Container image "{image}" is not present with pull policy of Never'
                self._event(pod, "Warning", "ErrImageNeverPull", msg, name)
                cb(False, "ErrImageNeverPull", msg)
            return
        key = f"{w.uid}_{image}"
        if self._image_backoff.is_in_backoff_since_update(key, self.now):
            msg = f'Back-off pulling image "{image}"'
            self._event(pod, "Normal", "BackOff", msg, name)
            prev = self._prev_pull_err.get(key)
            if prev:
                msg = f"{msg}: {prev}"
            cb(False, "ImagePullBackOff", msg)
            return
        self._prev_pull_err.pop(key, None)
        self._event(pod, "Normal", "Pulling", f'Pulling image "{image}"', name)
        start = self.now
        epoch = self._epoch

        def pulled(res: PullResult) -> None:
            if not self.alive or self._epoch != epoch:
                return
            if res.error:
                self._event(w.pod, "Warning", "Failed", f'Failed to pull image "{image}": {res.error}', name)
                self._image_backoff.next(key, self.now)
                self._prev_pull_err[key] = f"ErrImagePull: {res.error}"
                cb(False, "ErrImagePull", res.error)
                return
            self._event(w.pod, "Normal", "Pulled",
                        f'Successfully pulled image "{image}" in {podstatus.go_duration(res.duration)} '
                        f'({podstatus.go_duration(self.now - start)} including waiting). Image size: {res.size} bytes.',
                        name)
            self._image_backoff.gc(self.now)
            cb(True, "", "")

        self._pull_queue.append((image, pulled))
        self._pump_pulls()

    def _pump_pulls(self) -> None:
        """serialImagePuller: one pull at a time, in the order they were asked for."""
        if self._pulling or not self._pull_queue:
            return
        image, cb = self._pull_queue.popleft()
        self._pulling = True
        epoch = self._epoch

        def done(res: PullResult) -> None:
            if not self.alive or self._epoch != epoch:
                return
            self._pulling = False
            try:
                cb(res)
            finally:
                self._pump_pulls()

        self.runtime.pull_image(image, done)

    # ------------------------------------------------------------------ pods: termination
    def _sync_terminating(self, w: _Pod) -> None:
        """SyncTerminatingPod: stop the containers (grace period), the sandbox; terminal status; delete."""
        if w.busy:
            w.pending = True
            return
        if w.terminating or w.terminated:
            return
        w.terminating = True
        self._cancel(w.requeue)
        w.requeue = None
        pod = w.pod
        running = [rs[0] for rs in self._containers_by_name(w).values() if rs and rs[0].state == CONTAINER_RUNNING]
        if not running:
            self._terminated(w)
            return
        grace = _grace_period(pod)
        pending = len(running)
        epoch = self._epoch
        order = {c["name"]: i for i, c in enumerate(pod["spec"].get("containers") or [])}
        # sidecars (restartable init containers) are stopped after the regular containers, in reverse
        # order (upstream: kuberuntime_termination_order.go; k8slab stops them all at once, ordered)
        n = len(order)
        for i, c in enumerate(reversed(pod["spec"].get("initContainers") or [])):
            order.setdefault(c["name"], n + i)

        def stopped(_cid: str) -> None:
            nonlocal pending
            pending -= 1
            if pending == 0 and self.alive and self._epoch == epoch and self._pods.get(w.uid) is w:
                self._terminated(w)

        for c in sorted(running, key=lambda c: order.get(c.name, 0)):
            self._kill_container(pod, c, grace, stopped)

    def _terminated(self, w: _Pod) -> None:
        """All containers stopped: stop the sandbox, write the terminal status, delete if asked to."""
        self._stop_sandboxes(w)
        w.terminated = True
        self._release(w)
        w.final_status = self._generate_status(w, terminal=True)
        self._finalize(w)

    def _finalize(self, w: _Pod) -> None:
        """The status manager for a finished pod: its final status, then (if it is being deleted) the
        DELETE with grace period 0 and a UID precondition."""
        if w.gone:
            return
        if w.final_status is not None and not self._write_status(w, w.final_status):
            return
        if w.pod["metadata"].get("deletionTimestamp"):
            md = w.pod["metadata"]
            try:
                self.ctx.client.delete("pods", md["name"], md["namespace"], grace_period_seconds=0,
                                       preconditions={"uid": w.uid})
            except ApiError as e:
                if e.code not in (404, 409):
                    self._retry_status_later(w)


# ----------------------------------------------------------------------------- helpers
#: upstream: pkg/kubelet/kubelet_pods.go (the waiting reason of containers of a pod with init containers)
POD_INITIALIZING = "PodInitializing"
#: where the ServiceAccount admission plugin mounts the kube-api-access volume
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def _all_containers(spec: dict) -> list[dict]:
    """Init containers, then regular containers."""
    return list(spec.get("initContainers") or []) + list(spec.get("containers") or [])


def _is_sidecar(c: dict) -> bool:
    """IsRestartableInitContainer (pkg/api/v1/pod/util.go): an init container with restartPolicy Always."""
    return c.get("restartPolicy") == "Always"


def _should_restart(c: dict, pod: dict, latest: Any | None) -> bool:
    """ShouldContainerBeRestarted; a sidecar's own restartPolicy Always wins over the pod's."""
    if _is_sidecar(c) and latest is not None and latest.state == CONTAINER_EXITED \
            and not pod["metadata"].get("deletionTimestamp"):
        return True
    return podstatus.should_restart(c, pod, latest)


def _state(cs: dict) -> tuple[dict | None, dict | None, dict | None]:
    st = cs.get("state") or {}
    return st.get("running"), st.get("terminated"), st.get("waiting")


def _get_phase(spec: dict, statuses: list[dict], pod_is_terminal: bool, pod_has_initialized: bool) -> str:
    """getPhase of a pod with init containers (pkg/kubelet/kubelet_pods.go, SidecarContainers on).

    ``statuses`` holds the init and the regular containers' statuses.
    """
    by_name = {cs["name"]: cs for cs in statuses}
    pending_sidecars = pending_init = failed_init = 0
    unknown = running = waiting = stopped = succeeded = 0
    for c in spec.get("initContainers") or []:
        if _is_sidecar(c):
            continue
        cs = by_name.get(c["name"])
        if cs is None:
            pending_init += 1
            continue
        r, t, wt = _state(cs)
        if r is not None:
            pending_init += 1
        elif t is not None:
            if t.get("exitCode", 0) != 0:
                failed_init += 1
        elif wt is not None:
            last = (cs.get("lastState") or {}).get("terminated")
            if last is not None:
                if last.get("exitCode", 0) != 0:
                    failed_init += 1
            else:
                pending_init += 1
        else:
            pending_init += 1
    for c in spec.get("initContainers") or []:
        if not _is_sidecar(c):
            continue
        cs = by_name.get(c["name"])
        if cs is None:
            unknown += 1
            continue
        r, t, wt = _state(cs)
        if r is not None:
            if not cs.get("started"):
                pending_sidecars += 1
            running += 1
        elif t is not None:
            pass  # terminated sidecars do not count for the phase
        elif wt is not None:
            if (cs.get("lastState") or {}).get("terminated") is None:
                pending_sidecars += 1
                waiting += 1
        else:
            pending_sidecars += 1
            unknown += 1
    for c in spec.get("containers") or []:
        cs = by_name.get(c["name"])
        if cs is None:
            unknown += 1
            continue
        r, t, wt = _state(cs)
        if r is not None:
            running += 1
        elif t is not None:
            stopped += 1
            if t.get("exitCode", 0) == 0:
                succeeded += 1
        elif wt is not None:
            if (cs.get("lastState") or {}).get("terminated") is not None:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1
    policy = spec.get("restartPolicy") or "Always"
    if failed_init > 0 and policy == "Never":
        return "Failed"
    if pending_init > 0 or (pending_sidecars > 0 and not pod_has_initialized) or waiting > 0:
        return "Pending"
    if running > 0 and unknown == 0:
        return "Running"
    if running == 0 and stopped > 0 and unknown == 0:
        if pod_is_terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


def _initialized_condition(spec: dict, statuses: list[dict], phase: str) -> dict:
    """GeneratePodInitializedCondition (pkg/kubelet/status/generate.go)."""
    inits = spec.get("initContainers") or []
    if not inits:
        return podstatus.initialized_condition(spec, phase)
    by_name = {cs["name"]: cs for cs in statuses}
    unknown, incomplete = [], []
    for c in inits:
        cs = by_name.get(c["name"])
        if cs is None:
            unknown.append(c["name"])
            continue
        if _is_sidecar(c):
            if not cs.get("started"):
                incomplete.append(c["name"])
            continue
        t = (cs.get("state") or {}).get("terminated")
        if t is None or t.get("exitCode", 0) != 0:
            incomplete.append(c["name"])
    cond = {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": None}
    if phase == "Succeeded" and not unknown:
        return {**cond, "reason": podstatus.POD_COMPLETED}
    # HasAnyRegularContainerStarted: the pod was initialized before (its sidecars may be restarting)
    regular = {c["name"] for c in spec.get("containers") or []}
    if any(cs["name"] in regular and ((cs.get("state") or {}).get("running") is not None
                                      or (cs.get("state") or {}).get("terminated") is not None)
           for cs in statuses):
        return cond
    msgs = []
    if unknown:
        msgs.append(f"containers with unknown status: [{' '.join(unknown)}]")
    if incomplete:
        msgs.append(f"containers with incomplete status: [{' '.join(incomplete)}]")
    if msgs:
        return {**cond, "status": "False", "reason": podstatus.CONTAINERS_NOT_INITIALIZED, "message": ", ".join(msgs)}
    return cond


#: the service links of the default ``kubernetes`` Service every container gets
#: (upstream: pkg/kubelet/kubelet_pods.go getServiceEnvVarMap; the Service is 10.96.0.1:443)
KUBERNETES_SERVICE_ENV = {
    "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443",
    "KUBERNETES_SERVICE_PORT_HTTPS": "443", "KUBERNETES_PORT": "tcp://10.96.0.1:443",
    "KUBERNETES_PORT_443_TCP": "tcp://10.96.0.1:443", "KUBERNETES_PORT_443_TCP_PROTO": "tcp",
    "KUBERNETES_PORT_443_TCP_PORT": "443", "KUBERNETES_PORT_443_TCP_ADDR": "10.96.0.1",
}


def _grace_period(pod: dict) -> int:
    """The kill grace: deletionGracePeriodSeconds, else terminationGracePeriodSeconds, at least the minimum."""
    grace = pod["metadata"].get("deletionGracePeriodSeconds")
    if grace is None:
        grace = pod["spec"].get("terminationGracePeriodSeconds", DEFAULT_TERMINATION_GRACE_PERIOD)
    return max(int(grace or 0), MINIMUM_GRACE_PERIOD)


class _ConfigError(Exception):
    """A container cannot be configured: CreateContainerConfigError (or FailedMount for a volume)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def _expand_refs(v: str, env: dict[str, str]) -> str:
    """``$(VAR)`` references to earlier variables (upstream: third_party/forked/golang/expansion)."""
    def rep(m: re.Match) -> str:
        if m.group(0).startswith("$$"):
            return m.group(0)[1:]
        return env.get(m.group(1), m.group(0))
    return re.sub(r"\$\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)", rep, v)


class _SubPath(dict):
    """A volume seen through ``subPath``: keys are relative to the sub-directory."""

    def __init__(self, files: dict, sub: str):
        super().__init__()
        self._files = files
        self._sub = sub.strip("/") + "/"

    def get(self, k, default=None):
        return self._files.get(self._sub + k, default)

    def __contains__(self, k):
        return (self._sub + k) in self._files

    def __getitem__(self, k):
        return self._files[self._sub + k]

    def __setitem__(self, k, v):
        self._files[self._sub + k] = v

    def __delitem__(self, k):
        del self._files[self._sub + k]

    def __iter__(self):
        return iter([k[len(self._sub):] for k in self._files if k.startswith(self._sub)])

    def keys(self):
        return list(iter(self))


def _rfc3339_nano(t: float) -> str:
    """Go's RFC3339Nano of virtual time ``t`` (trailing zeros of the fraction dropped)."""
    from ..api.meta import EPOCH
    import datetime as _dt

    whole = int(t)
    nanos = int(round((t - whole) * 1e9))
    if nanos >= 1_000_000_000:
        whole, nanos = whole + 1, nanos - 1_000_000_000
    base = (EPOCH + _dt.timedelta(seconds=whole)).strftime("%Y-%m-%dT%H:%M:%S")
    frac = f"{nanos:09d}".rstrip("0")
    return f"{base}.{frac}Z" if frac else f"{base}Z"


def _quantity(name: str, q: Any):
    try:
        v = parse_quantity(q)
    except (ValueError, TypeError) as e:
        raise ValueError(f"invalid {name} quantity {q!r}: {e}") from None
    if v < 0:
        raise ValueError(f"invalid {name} quantity {q!r}: must be non-negative")
    return v


def _default_pull_policy(image: str) -> str:
    from ..api.defaults import default_pull_policy

    return default_pull_policy(image)


def _volume_mounts(c: dict) -> list[dict]:
    """ContainerStatus.volumeMounts (RecursiveReadOnlyMounts, beta and on in v1.32)."""
    out = []
    for m in c.get("volumeMounts") or []:
        vm: dict[str, Any] = {"name": m.get("name", ""), "mountPath": m.get("mountPath", "")}
        if m.get("readOnly"):
            vm["readOnly"] = True
            vm["recursiveReadOnly"] = "Disabled"
        out.append(vm)
    return out
