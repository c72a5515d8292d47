"""A bare control plane for kubectl tests: kernel + store + API server + the kubectl client.

Objects are created straight through the API (status written with update_status), so the
tests do not depend on controllers or kubelets; time moves with ``advance``.
"""

from __future__ import annotations

import copy

from k8slab.apiserver import APIServer
from k8slab.client import Client
from k8slab.etcd import MVCCStore
from k8slab.kubectl import run
from k8slab.sim import Kernel, RngTree, Trace


class Harness:
    def __init__(self, seed: int = 0):
        self.kernel = Kernel()
        self.store = MVCCStore()
        self.server = APIServer(self.store, self.kernel, RngTree(seed), Trace())
        self.server.bootstrap()
        self.client = Client(self.server, "kubectl")

    @property
    def now(self) -> float:
        return self.kernel.now

    def advance(self, seconds: float) -> None:
        self.kernel.run_until(self.kernel.now + seconds)

    def kubectl(self, cmd, stdin=None) -> str:
        return run(self.client, cmd, stdin=stdin)

    def create(self, obj: dict, status: dict | None = None) -> dict:
        created = self.client.create(_plural(obj), copy.deepcopy(obj), namespace=obj.get("metadata", {}).get("namespace"))
        if status is not None:
            created["status"] = status
            created = self.client.update_status(_plural(obj), created)
        return created

    def set_status(self, plural: str, name: str, status: dict, namespace: str | None = "default") -> dict:
        obj = self.client.get(plural, name, namespace)
        obj["status"] = status
        return self.client.update_status(plural, obj)

    def revision(self) -> int:
        return self.store.revision


def _plural(obj: dict) -> str:
    from k8slab.api.resources import for_kind

    return for_kind(obj["apiVersion"], obj["kind"]).plural


def node(name: str, ip: str, cpu: str = "2", memory: str = "4Gi", ready: str = "True", **kw) -> tuple[dict, dict]:
    obj = {"apiVersion": "v1", "kind": "Node",
           "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                                                  "kubernetes.io/arch": "amd64"}},
           "spec": {"podCIDR": kw.get("pod_cidr", "10.244.1.0/24"), "podCIDRs": [kw.get("pod_cidr", "10.244.1.0/24")]}}
    if kw.get("unschedulable"):
        obj["spec"]["unschedulable"] = True
    if kw.get("taints"):
        obj["spec"]["taints"] = kw["taints"]
    status = {
        "capacity": {"cpu": cpu, "memory": memory, "pods": "110", "ephemeral-storage": "20Gi"},
        "allocatable": {"cpu": cpu, "memory": memory, "pods": "110", "ephemeral-storage": "20Gi"},
        "conditions": [{"type": "Ready", "status": ready, "lastHeartbeatTime": "2025-01-01T00:00:00Z",
                        "lastTransitionTime": "2025-01-01T00:00:00Z",
                        "reason": "KubeletReady" if ready == "True" else "KubeletNotReady",
                        "message": "kubelet is posting ready status" if ready == "True" else "container runtime down"}],
        "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
        "nodeInfo": {"machineID": "m-" + name, "systemUUID": "s-" + name, "bootID": "b-" + name,
                     "kernelVersion": "6.8.0-k8slab", "osImage": "k8slab Linux", "containerRuntimeVersion": "k8slab://1.0",
                     "kubeletVersion": "v1.32.0", "kubeProxyVersion": "v1.32.0", "operatingSystem": "linux",
                     "architecture": "amd64"},
    }
    return obj, status


def pod(name: str, image: str = "nginx:1.27", labels: dict | None = None, **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": spec.pop("namespace", "default"), "labels": labels or {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": image, **spec.pop("container", {})}], **spec}}


def running_status(node: str, host_ip: str, pod_ip: str, t: str = "2025-01-01T00:00:01Z", ready: bool = True,
                   restarts: int = 0, last_finished: str | None = None) -> dict:
    cs = {"name": "nginx", "image": "nginx:1.27", "imageID": "docker.io/library/nginx@sha256:abc",
          "containerID": "containerd://0123456789abcdef", "ready": ready, "started": True, "restartCount": restarts,
          "state": {"running": {"startedAt": t}}, "lastState": {}}
    if last_finished:
        cs["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": t, "finishedAt": last_finished}}
    return {"phase": "Running", "hostIP": host_ip, "hostIPs": [{"ip": host_ip}], "podIP": pod_ip,
            "podIPs": [{"ip": pod_ip}], "startTime": t, "qosClass": "BestEffort",
            "conditions": [{"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": None,
                            "lastTransitionTime": t},
                           {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": t},
                           {"type": "Ready", "status": "True" if ready else "False", "lastProbeTime": None,
                            "lastTransitionTime": t},
                           {"type": "ContainersReady", "status": "True" if ready else "False", "lastProbeTime": None,
                            "lastTransitionTime": t},
                           {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": t}],
            "containerStatuses": [cs]}
