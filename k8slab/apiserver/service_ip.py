"""Service ClusterIP and NodePort allocation in the API server's create/update path.

upstream: pkg/registry/core/service/storage/alloc.go (allocClusterIPs, allocHealthCheckNodePort,
"failed to allocate IP %v: %v"), pkg/registry/core/service/ipallocator/bitmap.go and
pkg/registry/core/service/portallocator/allocator.go (ErrAllocated "provided IP/port is
already allocated", ErrNotInRange, ErrFull), pkg/registry/core/service/allocator/bitmap.go
(randomScanStrategyWithOffset + calculateRangeOffset: dynamic allocations are drawn at random
from the upper band, the lower band is kept for static ones such as 10.96.0.10 for DNS),
pkg/apis/core/v1/defaults.go (SetDefaults_Service), pkg/apis/core/validation/validation.go
(ValidateService, ValidateServiceUpdate).

Defaults: kube-apiserver's ``--service-cluster-ip-range=10.96.0.0/12`` (kubeadm's) and
``--service-node-port-range=30000-32767``. The ``kubernetes`` Service in ``default`` gets
the first address, 10.96.0.1.

Simplification: upstream keeps each allocator's bitmap in etcd (a RangeAllocation object);
here the set of allocated IPs and ports is read from the stored Services each time, so
deleting a Service releases its IP and ports with nothing else to do. Single-stack IPv4
only; LoadBalancer Services get node ports but no load balancer (no cloud provider).
"""

from __future__ import annotations

import ipaddress
import json
import random
from typing import Any

from ..api import errors

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
NODE_PORT_RANGE = (30000, 32767)  # inclusive
KUBERNETES_SERVICE_IP = "10.96.0.1"
DNS_SERVICE_IP = "10.96.0.10"

SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
PROTOCOLS = ["SCTP", "TCP", "UDP"]

_PORT_RANGE_MSG = "must be between 1 and 65535, inclusive"


def _range_offset(size: int, lo: int, hi: int, step: int) -> int:
    """allocator/bitmap.go calculateRangeOffset: the statically reserved lower band."""
    if size < lo:
        return 0
    return max(lo, min(hi, size // step))


def _ip_range() -> tuple[int, int]:
    """(first usable address as int, number of addresses): network and broadcast excluded."""
    base = int(SERVICE_CIDR.network_address) + 1
    return base, SERVICE_CIDR.num_addresses - 2


IP_OFFSET = _range_offset(_ip_range()[1], 16, 256, 16)  # 256 for a /12
PORT_OFFSET = _range_offset(NODE_PORT_RANGE[1] - NODE_PORT_RANGE[0] + 1, 16, 128, 32)  # 86


# ---------------------------------------------------------------------------- defaults
def default_service(svc: dict) -> None:
    """SetDefaults_Service plus what the registry fills in on create (ipFamilies, ipFamilyPolicy)."""
    spec = svc.get("spec")
    if not isinstance(spec, dict):
        spec = svc["spec"] = {}
    spec.setdefault("type", "ClusterIP")
    if spec.get("sessionAffinity") in (None, ""):
        spec["sessionAffinity"] = "None"
    if spec.get("sessionAffinity") == "ClientIP":
        cfg = spec.setdefault("sessionAffinityConfig", {}).setdefault("clientIP", {})
        cfg.setdefault("timeoutSeconds", 10800)  # upstream: DefaultClientIPServiceAffinitySeconds (3 hours)
    for p in spec.get("ports") or []:
        if not isinstance(p, dict):
            continue
        if not p.get("protocol"):
            p["protocol"] = "TCP"
        if p.get("targetPort") in (None, 0, ""):
            p["targetPort"] = p.get("port")
    typ = spec.get("type")
    if typ in ("NodePort", "LoadBalancer") and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if typ == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True
    if typ != "ExternalName" and not spec.get("internalTrafficPolicy"):
        spec["internalTrafficPolicy"] = "Cluster"
    if typ == "ExternalName":
        return
    if spec.get("clusterIP") and not spec.get("clusterIPs"):
        spec["clusterIPs"] = [spec["clusterIP"]]
    if spec.get("clusterIPs") and not spec.get("clusterIP"):
        spec["clusterIP"] = spec["clusterIPs"][0]
    if not spec.get("ipFamilies"):
        spec["ipFamilies"] = ["IPv4"]
    if not spec.get("ipFamilyPolicy"):
        headless_no_selector = spec.get("clusterIP") == "None" and not spec.get("selector")
        spec["ipFamilyPolicy"] = "RequireDualStack" if headless_no_selector else "SingleStack"


# ---------------------------------------------------------------------------- validation
def _valid_ip(s: Any) -> bool:
    try:
        ipaddress.ip_address(s)
        return True
    except (ValueError, TypeError):
        return False


def validate_service(svc: dict, old: dict | None = None) -> list:
    """The spec checks of ValidateService (a subset, with upstream's paths and messages)."""
    from ..api.validation import is_valid_port_name

    errs: list = []
    spec = svc.get("spec") or {}
    typ = spec.get("type")
    if typ not in SERVICE_TYPES:
        errs.append(errors.not_supported("spec.type", typ, SERVICE_TYPES))
        return errs
    headless = spec.get("clusterIP") == "None"
    ports = spec.get("ports") or []
    if typ == "ExternalName":
        if not spec.get("externalName"):
            errs.append(errors.required("spec.externalName"))
        if spec.get("clusterIP") or spec.get("clusterIPs"):
            errs.append(errors.forbidden_field("spec.clusterIPs", "may not be set for ExternalName services"))
    elif not ports and not headless:
        errs.append(errors.required("spec.ports"))
    if spec.get("sessionAffinity") not in ("ClientIP", "None"):
        errs.append(errors.not_supported("spec.sessionAffinity", spec.get("sessionAffinity"), ["ClientIP", "None"]))
    names: set = set()
    node_ports: set = set()
    for i, p in enumerate(ports):
        path = f"spec.ports[{i}]"
        if not isinstance(p, dict):
            errs.append(errors.invalid(path, p, "must be an object"))
            continue
        name = p.get("name") or ""
        if len(ports) > 1 and not name:
            errs.append(errors.required(f"{path}.name"))
        elif name:
            # validateServicePort: a Service port's name is a DNS-1123 label (a container port's
            # name, and a targetPort name, follow IsValidPortName instead)
            from ..api.validation import is_dns1123_label

            for msg in is_dns1123_label(name):
                errs.append(errors.invalid(f"{path}.name", name, msg))
            if name in names:
                errs.append(errors.duplicate(f"{path}.name", name))
            names.add(name)
        port = p.get("port")
        if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
            errs.append(errors.invalid(f"{path}.port", port, _PORT_RANGE_MSG))
        if p.get("protocol") not in PROTOCOLS:
            errs.append(errors.not_supported(f"{path}.protocol", p.get("protocol"), PROTOCOLS))
        tp = p.get("targetPort")
        if isinstance(tp, int) and not isinstance(tp, bool):
            if not 1 <= tp <= 65535:
                errs.append(errors.invalid(f"{path}.targetPort", tp, _PORT_RANGE_MSG))
        elif isinstance(tp, str):
            for msg in is_valid_port_name(tp):
                errs.append(errors.invalid(f"{path}.targetPort", tp, msg))
        np_ = p.get("nodePort")
        if np_:
            if typ in ("ClusterIP", "ExternalName"):
                errs.append(errors.forbidden_field(f"{path}.nodePort", f"may not be used when `type` is '{typ}'"))
            else:
                k = (np_, p.get("protocol"))
                if k in node_ports:
                    errs.append(errors.duplicate(f"{path}.nodePort", np_))
                node_ports.add(k)
    if typ in ("NodePort", "LoadBalancer") and headless:
        errs.append(errors.invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {typ} services"))
    for i, ip in enumerate(spec.get("clusterIPs") or []):
        if ip == "None" and i == 0:
            continue
        if ip and not _valid_ip(ip):
            errs.append(errors.invalid(f"spec.clusterIPs[{i}]", ip,
                                       "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
    if old is not None:
        ospec = old.get("spec") or {}
        oips = ospec.get("clusterIPs") or []
        nips = spec.get("clusterIPs") or []
        if oips and typ != "ExternalName" and ospec.get("type") != "ExternalName" and nips and nips[0] != oips[0]:
            errs.append(errors.invalid("spec.clusterIPs[0]", nips[0], "may not change once set"))
    return errs


# ---------------------------------------------------------------------------- allocation
def _stored_services(server) -> list[dict]:
    from ..etcd.mvcc import prefix_end

    prefix = server.key(server.resource("services"), None)
    kvs, _, _ = server.store.range(prefix, prefix_end(prefix))
    return [json.loads(kv.value) for kv in kvs]


def _allocated(server, skip: tuple[str, str] | None) -> tuple[set[str], set[tuple[int, str]]]:
    ips: set[str] = set()
    ports: set[tuple[int, str]] = set()
    for s in _stored_services(server):
        md = s["metadata"]
        if skip is not None and (md.get("namespace"), md.get("name")) == skip:
            continue
        spec = s.get("spec") or {}
        for ip in spec.get("clusterIPs") or []:
            if ip and ip != "None":
                ips.add(ip)
        for p in spec.get("ports") or []:
            if p.get("nodePort"):
                # upstream: one allocator per protocol family would be too fine; a node port is
                # reserved for every protocol, as the single portallocator does
                ports.add((p["nodePort"], "*"))
    return ips, ports


def _rng(server) -> random.Random:
    r = getattr(server, "_service_ip_rng", None)
    if r is None:  # the API server was built without the stream (older wiring): seed from the uid stream
        r = server._service_ip_rng = random.Random(server._uid_rng.getrandbits(64))
    return r


def _allocate_next_ip(used: set[str], rng: random.Random) -> str | None:
    """randomScanStrategyWithOffset: a random start in the upper band, scanning up; then the lower band."""
    base, size = _ip_range()
    for lo, hi in ((IP_OFFSET, size), (0, IP_OFFSET)):
        n = hi - lo
        if n <= 0:
            continue
        start = rng.randrange(n)
        for j in range(n):
            ip = str(ipaddress.ip_address(base + lo + (start + j) % n))
            if ip not in used:
                return ip
    return None


def _allocate_next_port(used: set[int], rng: random.Random) -> int | None:
    first, last = NODE_PORT_RANGE
    size = last - first + 1
    for lo, hi in ((PORT_OFFSET, size), (0, PORT_OFFSET)):
        n = hi - lo
        if n <= 0:
            continue
        start = rng.randrange(n)
        for j in range(n):
            port = first + lo + (start + j) % n
            if port not in used:
                return port
    return None


def _ip_in_range(ip: str) -> bool:
    a = ipaddress.ip_address(ip)
    return a in SERVICE_CIDR and a not in (SERVICE_CIDR.network_address, SERVICE_CIDR.broadcast_address)


def allocate(server, svc: dict, old: dict | None = None, *, dry_run: bool = False) -> None:
    """Default, validate and allocate ``svc``'s ClusterIP and node ports in place (create or update).

    Raises the 422 Invalid the real API server returns; nothing is stored on error, and as
    allocations are read from the stored Services, nothing needs releasing.
    """
    name = (svc.get("metadata") or {}).get("name", "")
    ns = (svc.get("metadata") or {}).get("namespace", "")
    spec = svc.get("spec")
    if old is not None and isinstance(spec, dict):
        # upstream: patchAllocatedValues — an update that leaves out the allocated values keeps them
        ospec = old.get("spec") or {}
        if spec.get("type", ospec.get("type")) != "ExternalName" and ospec.get("type") != "ExternalName":
            if not spec.get("clusterIP") and not spec.get("clusterIPs"):
                for k in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
                    if k in ospec:
                        spec[k] = json.loads(json.dumps(ospec[k]))
        if spec.get("type") in ("NodePort", "LoadBalancer"):
            old_np = {(p.get("port"), p.get("protocol", "TCP")): p.get("nodePort")
                      for p in ospec.get("ports") or [] if isinstance(p, dict) and p.get("nodePort")}
            for p in spec.get("ports") or []:
                if isinstance(p, dict) and not p.get("nodePort"):
                    k = (p.get("port"), p.get("protocol") or "TCP")
                    if old_np.get(k):
                        p["nodePort"] = old_np[k]
    default_service(svc)
    spec = svc["spec"]
    errs = validate_service(svc, old)
    if errs:
        raise errors.invalid_object("Service", "", name, errs)
    typ = spec["type"]
    if typ == "ExternalName":
        for k in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            spec.pop(k, None)
        return
    used_ips, used_ports = _allocated(server, (ns, name))
    rng = _rng(server)
    ip = spec.get("clusterIP")
    ospec = (old or {}).get("spec") or {}
    keep = old is not None and ip and ip in (ospec.get("clusterIPs") or [])
    if not ip:
        new_ip = _allocate_next_ip(used_ips, rng)
        if new_ip is None:
            raise errors.ApiError(500, "InternalError",
                                  "Internal error occurred: failed to allocate a serviceIP: range is full")
        spec["clusterIP"] = new_ip
        spec["clusterIPs"] = [new_ip]
    elif ip != "None" and not keep:
        err = None
        if not _ip_in_range(ip):
            err = (f"the provided IP ({ip}) is not in the valid range. "
                   f"The range of valid IPs is {SERVICE_CIDR}")
        elif ip in used_ips:
            err = "provided IP is already allocated"
        if err:
            raise errors.invalid_object("Service", "", name, [errors.invalid(
                "spec.clusterIPs", spec.get("clusterIPs"), f"failed to allocate IP {ip}: {err}")])
    if typ in ("NodePort", "LoadBalancer") and (typ == "NodePort" or spec.get("allocateLoadBalancerNodePorts")):
        taken = {p for p, _ in used_ports}
        old_ports = {p.get("nodePort") for p in ospec.get("ports") or [] if isinstance(p, dict)}
        mine: set[int] = set()
        for i, p in enumerate(spec.get("ports") or []):
            np_ = p.get("nodePort")
            if np_:
                if np_ in old_ports and old is not None:
                    mine.add(np_)
                    continue
                err = None
                if not NODE_PORT_RANGE[0] <= np_ <= NODE_PORT_RANGE[1]:
                    err = ("provided port is not in the valid range. The range of valid ports is "
                           f"{NODE_PORT_RANGE[0]}-{NODE_PORT_RANGE[1]}")
                elif np_ in taken or np_ in mine:
                    err = "provided port is already allocated"
                if err:
                    raise errors.invalid_object("Service", "", name,
                                                [errors.invalid(f"spec.ports[{i}].nodePort", np_, err)])
                mine.add(np_)
        for p in spec.get("ports") or []:
            if not p.get("nodePort"):
                np_ = _allocate_next_port(taken | mine, rng)
                if np_ is None:
                    raise errors.ApiError(500, "InternalError",
                                          "Internal error occurred: failed to allocate a nodePort: range is full")
                p["nodePort"] = np_
                mine.add(np_)
    elif typ == "ClusterIP":
        for p in spec.get("ports") or []:
            p.pop("nodePort", None)


def kubernetes_service() -> dict:
    """The ``default/kubernetes`` Service the API server maintains (pkg/controlplane/controller/kubernetesservice)."""
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"clusterIP": KUBERNETES_SERVICE_IP, "clusterIPs": [KUBERNETES_SERVICE_IP],
                 "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                 "sessionAffinity": "None", "type": "ClusterIP"},
    }


#: the address the simulated kube-apiserver advertises (--advertise-address)
APISERVER_ADVERTISE_ADDRESS = "172.18.0.1"


def kubernetes_endpointslice() -> dict:
    """The ``default/kubernetes`` EndpointSlice the API server's endpoint reconciler writes.

    upstream: pkg/controlplane/reconcilers/endpointsadapter.go (name ``kubernetes``, the
    ``kubernetes.io/service-name`` label, port ``https`` 6443).
    """
    return {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"kubernetes.io/service-name": "kubernetes"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": [APISERVER_ADVERTISE_ADDRESS], "conditions": {"ready": True}}],
        "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}],
    }
