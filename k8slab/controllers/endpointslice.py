"""The EndpointSlice controller: which pods stand behind each Service, and whether they are ready.

upstream: pkg/controller/endpointslice/endpointslice_controller.go (syncService, the pod and
service handlers), staging/src/k8s.io/endpointslice/reconciler.go and utils.go
(podToEndpoint, getEndpointPorts, ShouldPodBeInEndpoints), staging/src/k8s.io/endpointslice/
util/controller_utils.go. For every Service with a selector, the controller keeps
EndpointSlices (addressType IPv4, at most ``maxEndpointsPerSlice`` = 100 endpoints each)
labelled ``kubernetes.io/service-name=<svc>`` and
``endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io``, owned by the
Service. Each endpoint carries the pod's IP, ``nodeName``, a ``targetRef`` to the pod and
the conditions:

- ``ready``: the pod is Ready and not terminating (always true with ``publishNotReadyAddresses``);
- ``serving``: the pod is Ready, terminating or not;
- ``terminating``: the pod has a deletionTimestamp.

Pods without an IP, and pods that have Succeeded or Failed, are left out. A named
``targetPort`` is resolved in each pod's containers (pods that lack it are left out).

Simplifications: the reconciler here rebuilds the desired slices (endpoints sorted by
pod name, packed 100 a slice) and updates existing slices in place, rather than upstream's
placement that moves as few endpoints as possible; no topology hints or zones. Slices of a
deleted Service are deleted by this controller (upstream: by the garbage collector through
their ownerReference).
"""

from __future__ import annotations

from ..api.errors import ApiError
from ..api.meta import key_of, owner_reference, rfc3339
from ..api.selector import parse_selector
from ..client.context import ComponentContext
from .podutil import is_ready

MAX_ENDPOINTS_PER_SLICE = 100  # upstream: --max-endpoints-per-slice default
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
TRIGGER_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time"


def _selector_of(svc: dict):
    sel = (svc.get("spec") or {}).get("selector")
    if not sel:
        return None
    return parse_selector(",".join(f"{k}={v}" for k, v in sorted(sel.items())))


def should_pod_be_in_endpoints(pod: dict, include_terminating: bool = True) -> bool:
    """utils.go ShouldPodBeInEndpoints."""
    st = pod.get("status") or {}
    if not st.get("podIP"):
        return False
    if not include_terminating and pod["metadata"].get("deletionTimestamp"):
        return False
    return st.get("phase") not in ("Failed", "Succeeded")


def find_port(pod: dict, svc_port: dict) -> int | None:
    """podutil.FindPort: a numeric targetPort as is, a named one looked up in the pod's containers."""
    tp = svc_port.get("targetPort", svc_port.get("port"))
    if isinstance(tp, int):
        return tp
    if isinstance(tp, str) and tp.isdigit():
        return int(tp)
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == tp and (p.get("protocol") or "TCP") == (svc_port.get("protocol") or "TCP"):
                return p.get("containerPort")
    return None


def pod_to_endpoint(pod: dict, svc: dict) -> dict:
    """utils.go podToEndpoint."""
    md, spec, st = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    terminating = bool(md.get("deletionTimestamp"))
    ready = is_ready(pod)
    publish = bool((svc.get("spec") or {}).get("publishNotReadyAddresses"))
    ep: dict = {
        "addresses": [st["podIP"]],
        "conditions": {"ready": publish or (ready and not terminating), "serving": ready, "terminating": terminating},
    }
    if spec.get("hostname") and spec.get("subdomain") == svc["metadata"]["name"]:
        ep["hostname"] = spec["hostname"]
    if spec.get("nodeName"):
        ep["nodeName"] = spec["nodeName"]
    ep["targetRef"] = {"kind": "Pod", "namespace": md["namespace"], "name": md["name"], "uid": md.get("uid", "")}
    return ep


class EndpointSliceController:
    """Keeps every selector Service's EndpointSlices in step with its pods."""

    def __init__(self, ctx: ComponentContext, max_endpoints_per_slice: int = MAX_ENDPOINTS_PER_SLICE):
        self.ctx = ctx
        self.max_endpoints = max_endpoints_per_slice
        self.queue = ctx.workqueue("endpointslice", self.sync)
        self.svc_informer = ctx.informer("services")
        self.pod_informer = ctx.informer("pods")
        self.slice_informer = ctx.informer("endpointslices")

    def start(self) -> None:
        self.pod_informer.add_index("namespace", lambda p: [p["metadata"]["namespace"]])
        self.svc_informer.add_index("namespace", lambda s: [s["metadata"]["namespace"]])
        self.slice_informer.add_index(
            "service", lambda s: [f"{s['metadata']['namespace']}/{(s['metadata'].get('labels') or {}).get(SERVICE_NAME_LABEL, '')}"])
        self.svc_informer.add_handler(lambda o: self.queue.add(key_of(o)), lambda o, n: self.queue.add(key_of(n)),
                                      lambda o: self.queue.add(key_of(o)))
        self.pod_informer.add_handler(self._pod_changed, lambda o, n: self._pod_changed(n, o), self._pod_changed)
        self.slice_informer.add_handler(self._slice_changed, lambda o, n: self._slice_changed(n),
                                        self._slice_changed)
        self.svc_informer.start()
        self.pod_informer.start()
        self.slice_informer.start()

    # ------------------------------------------------------------------ handlers
    def _services_for(self, pod: dict) -> list[str]:
        labels = pod["metadata"].get("labels") or {}
        out = []
        for svc in self.svc_informer.by_index("namespace", pod["metadata"]["namespace"]):
            sel = _selector_of(svc)
            if sel is not None and sel.matches(labels):
                out.append(key_of(svc))
        return out

    def _pod_changed(self, pod: dict, old: dict | None = None) -> None:
        keys = set(self._services_for(pod))
        if old is not None:
            keys |= set(self._services_for(old))
        for k in sorted(keys):
            self.queue.add(k)

    def _slice_changed(self, s: dict) -> None:
        labels = s["metadata"].get("labels") or {}
        if labels.get(MANAGED_BY_LABEL) == CONTROLLER_NAME and labels.get(SERVICE_NAME_LABEL):
            self.queue.add(f"{s['metadata']['namespace']}/{labels[SERVICE_NAME_LABEL]}")

    # ------------------------------------------------------------------ reconcile
    def desired_slices(self, svc: dict) -> list[dict]:
        """The EndpointSlices ``svc`` should have now (names left to generateName)."""
        ns = svc["metadata"]["namespace"]
        sel = _selector_of(svc)
        ports = (svc.get("spec") or {}).get("ports") or []
        groups: dict[tuple, list[dict]] = {}
        for pod in self.pod_informer.by_index("namespace", ns):
            if not sel.matches(pod["metadata"].get("labels") or {}) or not should_pod_be_in_endpoints(pod):
                continue
            eps_ports = []
            ok = True
            for p in ports:
                num = find_port(pod, p)
                if num is None:
                    ok = False
                    break
                ep_port = {"name": p.get("name", ""), "port": num, "protocol": p.get("protocol", "TCP")}
                if p.get("appProtocol"):
                    ep_port["appProtocol"] = p["appProtocol"]
                eps_ports.append(ep_port)
            if not ok:
                continue
            groups.setdefault(tuple((q["name"], q["port"], q["protocol"]) for q in eps_ports), []).append(
                (eps_ports, pod_to_endpoint(pod, svc)))
        if not groups and ports:
            # upstream: a Service with no endpoints still gets one (empty) slice with its ports
            groups[()] = []
            empty_ports = []  # the placeholder slice has no ports
        else:
            empty_ports = []
        labels = {k: v for k, v in (svc["metadata"].get("labels") or {}).items()
                  if k not in (SERVICE_NAME_LABEL, MANAGED_BY_LABEL)}
        labels[SERVICE_NAME_LABEL] = svc["metadata"]["name"]
        labels[MANAGED_BY_LABEL] = CONTROLLER_NAME
        if (svc.get("spec") or {}).get("clusterIP") == "None":
            labels["service.kubernetes.io/headless"] = ""
        out = []
        for gkey in sorted(groups, key=str):
            members = groups[gkey]
            slice_ports = members[0][0] if members else empty_ports
            eps = [ep for _, ep in members]
            chunks = [eps[i:i + self.max_endpoints] for i in range(0, len(eps), self.max_endpoints)] or [[]]
            for chunk in chunks:
                out.append({
                    "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                    "metadata": {"generateName": _generate_name(svc["metadata"]["name"]), "namespace": ns,
                                 "labels": dict(labels), "ownerReferences": [owner_reference(svc)]},
                    "addressType": "IPv4",
                    "endpoints": chunk,
                    "ports": [dict(p) for p in slice_ports],
                })
        return out

    def sync(self, key: str) -> None:
        svc = self.svc_informer.get(key)
        if svc is None:
            # upstream leaves this to the garbage collector (the slices' ownerReference); k8slab's
            # collector does not track EndpointSlices, so the controller removes its own slices
            for cur in self.slice_informer.by_index("service", key):
                if (cur["metadata"].get("labels") or {}).get(MANAGED_BY_LABEL) == CONTROLLER_NAME:
                    try:
                        self.ctx.client.delete("endpointslices", cur["metadata"]["name"], cur["metadata"]["namespace"])
                    except ApiError as e:
                        if e.code != 404:
                            raise
            return
        if not (svc.get("spec") or {}).get("selector") or (svc.get("spec") or {}).get("type") == "ExternalName":
            return  # no selector: the user manages the slices
        existing = [s for s in self.slice_informer.by_index("service", key)
                    if (s["metadata"].get("labels") or {}).get(MANAGED_BY_LABEL) == CONTROLLER_NAME]
        desired = self.desired_slices(svc)
        now = rfc3339(self.ctx.now)
        try:
            for i, want in enumerate(desired):
                if i < len(existing):
                    cur = existing[i]
                    if all(cur.get(k) == want[k] for k in ("endpoints", "ports", "addressType")) and \
                            (cur["metadata"].get("labels") or {}) == want["metadata"]["labels"]:
                        continue
                    upd = dict(cur)
                    upd["metadata"] = dict(cur["metadata"], labels=want["metadata"]["labels"],
                                           annotations={**(cur["metadata"].get("annotations") or {}),
                                                        TRIGGER_ANNOTATION: now})
                    upd["endpoints"], upd["ports"] = want["endpoints"], want["ports"]
                    self.ctx.client.update("endpointslices", upd)
                else:
                    want["metadata"]["annotations"] = {TRIGGER_ANNOTATION: now}
                    self.ctx.client.create("endpointslices", want, namespace=want["metadata"]["namespace"])
            for cur in existing[len(desired):]:
                self.ctx.client.delete("endpointslices", cur["metadata"]["name"], cur["metadata"]["namespace"])
        except ApiError as e:
            if e.code in (404, 409):
                self.queue.add_rate_limited(key)
                return
            raise
        self.queue.forget(key)


def _generate_name(service_name: str) -> str:
    """utils.go getEndpointSlicePrefix: ``<service>-``, shortened to fit generateName."""
    prefix = f"{service_name}-"
    if len(prefix) > 58:
        prefix = prefix[:58]
    return prefix
