"""kube-proxy: one per node, turning Services and EndpointSlices into forwarding rules.

upstream: pkg/proxy/iptables/proxier.go (syncProxyRules, servicePortChainName,
servicePortEndpointChainName, portProtoHash, the KUBE-SERVICES / KUBE-NODEPORTS /
KUBE-EXT / KUBE-SVC / KUBE-SEP chains and their comments), pkg/proxy/topology.go
(CategorizeEndpoints: ready endpoints, or serving-terminating ones when none is ready),
pkg/proxy/ipvs/proxier.go (virtual servers with the ``rr`` scheduler),
pkg/util/async/bounded_frequency_runner.go (syncs at most once per ``minSyncPeriod``,
1 s by default), and iptables' libxt_statistic (a probability is stored as a 31-bit
fraction, which is why ``iptables-save`` prints 1/3 as ``0.33333333349``).

The proxy watches Services and EndpointSlices through its own client. A change does not
reach the rules at once: a sync runs at the earliest ``minSyncPeriod`` after the previous
one, so between an EndpointSlice change and the next sync the node still forwards by the
old rules — the lag chapter 08 shows. ``iptables_save()`` prints the nat table as
``iptables-save -t nat`` lays it out; ``ipvsadm()`` prints ``ipvsadm -Ln``; ``route()``
is what the kernel does with a packet to a Service IP and port (used by traffic.py).

Simplifications: IPv4 only; no KUBE-MARK-MASQ/POSTROUTING machinery beyond the rules
shown; no LoadBalancer ingress IPs, externalIPs, or Local traffic policies (Cluster is
used for every Service); rule order inside ``iptables-save`` is the order the proxier
writes them (chains declared sorted).
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass, field

from ..client.context import ComponentContext

MIN_SYNC_PERIOD = 1.0  # upstream: KubeProxyConfiguration.iptables.minSyncPeriod default 1s
CLUSTER_CIDR = "10.244.0.0/16"


def port_proto_hash(service_port_name: str, protocol: str) -> str:
    """proxier.go portProtoHash: base32(sha256(name + protocol))[:16]."""
    digest = hashlib.sha256((service_port_name + protocol).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


def service_port_chain_name(service_port_name: str, protocol: str) -> str:
    """``KUBE-SVC-<hash>`` for a service port (``ns/name`` or ``ns/name:port``, protocol lower-case)."""
    return "KUBE-SVC-" + port_proto_hash(service_port_name, protocol)


def service_external_chain_name(service_port_name: str, protocol: str) -> str:
    return "KUBE-EXT-" + port_proto_hash(service_port_name, protocol)


def service_port_endpoint_chain_name(service_port_name: str, protocol: str, endpoint: str) -> str:
    """``KUBE-SEP-<hash>`` for one endpoint ``ip:port`` of a service port."""
    digest = hashlib.sha256((service_port_name + protocol + endpoint).encode()).digest()
    return "KUBE-SEP-" + base64.b32encode(digest).decode()[:16]


def probability(n: int) -> str:
    """proxier.go probability(n): ``%0.10f`` of 1/n, the argument kube-proxy passes."""
    return f"{1.0 / n:0.10f}"


def iptables_probability(n: int) -> float:
    """What the kernel keeps: libxt_statistic stores lround(p * 2^31) and prints it back with %.11f."""
    p = float(probability(n))
    return round(p * 0x80000000) / 0x80000000


def iptables_probability_text(n: int) -> str:
    return f"{iptables_probability(n):.11f}"


@dataclass
class Endpoint:
    ip: str
    port: int
    ready: bool
    serving: bool
    terminating: bool
    node: str = ""
    pod: str = ""

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"


@dataclass
class ServicePort:
    """One service port as the proxy sees it (upstream: proxy.ServicePort)."""

    namespace: str
    name: str
    port_name: str
    protocol: str
    cluster_ip: str
    port: int
    node_port: int = 0
    affinity_seconds: int = 0  # 0: no ClientIP affinity
    endpoints: list[Endpoint] = field(default_factory=list)

    @property
    def service_port_name(self) -> str:
        """ServicePortName.String(): ``ns/name`` or ``ns/name:port``."""
        base = f"{self.namespace}/{self.name}"
        return f"{base}:{self.port_name}" if self.port_name else base

    @property
    def proto(self) -> str:
        return self.protocol.lower()

    @property
    def svc_chain(self) -> str:
        return service_port_chain_name(self.service_port_name, self.proto)

    @property
    def ext_chain(self) -> str:
        return service_external_chain_name(self.service_port_name, self.proto)

    def sep_chain(self, ep: Endpoint) -> str:
        return service_port_endpoint_chain_name(self.service_port_name, self.proto, ep.address)

    def cluster_endpoints(self) -> list[Endpoint]:
        """topology.go CategorizeEndpoints for Cluster policy: ready, else serving-terminating."""
        ready = [e for e in self.endpoints if e.ready]
        if ready:
            return ready
        return [e for e in self.endpoints if e.serving and e.terminating]


class ConnectionRefused(Exception):
    """No endpoint behind the service port: the REJECT rule answers (icmp-port-unreachable)."""


class KubeProxy:
    """kube-proxy on ``node_name``, in ``iptables`` (default) or ``ipvs`` mode."""

    def __init__(self, ctx: ComponentContext, node_name: str, *, mode: str = "iptables",
                 min_sync_period: float = MIN_SYNC_PERIOD, cluster_cidr: str = CLUSTER_CIDR):
        if mode not in ("iptables", "ipvs"):
            raise ValueError(f'unknown proxy mode "{mode}"; kube-proxy supports "iptables" and "ipvs" here')
        self.ctx = ctx
        self.node_name = node_name
        self.mode = mode
        self.min_sync_period = min_sync_period
        self.cluster_cidr = cluster_cidr
        self.svc_informer = ctx.informer("services")
        self.slice_informer = ctx.informer("endpointslices")
        self.service_ports: list[ServicePort] = []   # what the programmed rules say
        self.last_sync: float | None = None
        self.syncs: list[tuple[float, int]] = []     # (time, number of service ports) per sync
        self._pending = None
        self._rr: dict[tuple, int] = {}
        self._affinity: dict[tuple, tuple[str, float]] = {}
        self.alive = True

    def start(self) -> None:
        def changed(*_a) -> None:
            self._request_sync()

        self.svc_informer.add_handler(changed, changed, changed)
        self.slice_informer.add_handler(changed, changed, changed)
        self.svc_informer.start()
        self.slice_informer.start()
        self._request_sync()

    def _request_sync(self) -> None:
        """BoundedFrequencyRunner.Run: at most one sync per minSyncPeriod; requests in between coalesce."""
        if self._pending is not None or not self.alive:
            return
        now = self.ctx.now
        at = now if self.last_sync is None else max(now, self.last_sync + self.min_sync_period)
        self._pending = self.ctx.call_later(round(at - now, 6), self.sync, what=f"kube-proxy sync on {self.node_name}")

    # ------------------------------------------------------------------ sync
    def sync(self) -> None:
        """syncProxyRules: rebuild the table from the informers' caches."""
        self._pending = None
        if not self.alive:
            return
        slices_by_svc: dict[str, list[dict]] = {}
        for s in self.slice_informer.list():
            svc_name = (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name")
            if svc_name and s.get("addressType", "IPv4") == "IPv4":
                slices_by_svc.setdefault(f"{s['metadata']['namespace']}/{svc_name}", []).append(s)
        ports: list[ServicePort] = []
        for svc in self.svc_informer.list():
            spec = svc.get("spec") or {}
            ip = spec.get("clusterIP")
            if spec.get("type") == "ExternalName" or not ip or ip == "None":
                continue  # upstream: headless and ExternalName services get no rules
            md = svc["metadata"]
            aff = 0
            if spec.get("sessionAffinity") == "ClientIP":
                aff = int(((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}).get("timeoutSeconds", 10800))
            for p in spec.get("ports") or []:
                sp = ServicePort(md["namespace"], md["name"], p.get("name", "") or "", p.get("protocol", "TCP"), ip,
                                 p["port"], p.get("nodePort") or 0, aff)
                seen = set()
                for s in slices_by_svc.get(f"{md['namespace']}/{md['name']}", []):
                    pnum = next((q.get("port") for q in s.get("ports") or []
                                 if (q.get("name") or "") == sp.port_name and q.get("protocol", "TCP") == sp.protocol),
                                None)
                    if pnum is None:
                        continue
                    for e in s.get("endpoints") or []:
                        cond = e.get("conditions") or {}
                        addr = (e.get("addresses") or [""])[0]
                        if (addr, pnum) in seen:
                            continue
                        seen.add((addr, pnum))
                        ready = cond.get("ready") is not False  # upstream: nil means ready
                        sp.endpoints.append(Endpoint(addr, pnum, ready, cond.get("serving", ready) is not False,
                                                     bool(cond.get("terminating")), e.get("nodeName", ""),
                                                     (e.get("targetRef") or {}).get("name", "")))
                sp.endpoints.sort(key=lambda e: tuple(int(x) for x in e.ip.split(".")) + (e.port,))
                ports.append(sp)
        ports.sort(key=lambda p: (p.namespace, p.name, p.port_name, p.protocol))
        self.service_ports = ports
        self.last_sync = self.ctx.now
        self.syncs.append((self.ctx.now, len(ports)))

    # ------------------------------------------------------------------ what the node does with a packet
    def lookup(self, ip: str, port: int, protocol: str = "TCP", *, node_port: bool = False) -> ServicePort | None:
        for sp in self.service_ports:
            if sp.protocol != protocol:
                continue
            if node_port and sp.node_port == port:
                return sp
            if not node_port and sp.cluster_ip == ip and sp.port == port:
                return sp
        return None

    def route(self, ip: str, port: int, rng: random.Random, *, protocol: str = "TCP", client_ip: str = "",
              node_port: bool = False) -> tuple[ServicePort, Endpoint] | None:
        """The endpoint this node's rules send a new connection to; None when ``ip:port`` is no Service.

        Raises ConnectionRefused when the Service has no usable endpoint (the REJECT rule).
        iptables mode walks the KUBE-SVC chain: endpoint i of n is taken with probability
        1/(n-i) as the kernel stores it; ipvs mode takes the next endpoint round-robin.
        ClientIP affinity sends a client back to its endpoint while the entry is fresh.
        """
        sp = self.lookup(ip, port, protocol, node_port=node_port)
        if sp is None:
            return None
        eps = sp.cluster_endpoints()
        if not eps:
            raise ConnectionRefused(f"{sp.service_port_name} has no endpoints")
        now = self.ctx.now
        if sp.affinity_seconds and client_ip:
            hit = self._affinity.get((sp.svc_chain, client_ip))
            if hit is not None and now - hit[1] <= sp.affinity_seconds:
                ep = next((e for e in eps if e.address == hit[0]), None)
                if ep is not None:
                    self._affinity[(sp.svc_chain, client_ip)] = (ep.address, now)
                    return sp, ep
        if self.mode == "ipvs":
            k = (sp.cluster_ip, sp.port, sp.protocol)
            i = self._rr.get(k, -1) + 1
            ep = eps[i % len(eps)]
            self._rr[k] = i % len(eps)
        else:
            ep = eps[-1]
            n = len(eps)
            for i, e in enumerate(eps[:-1]):
                if rng.random() < iptables_probability(n - i):
                    ep = e
                    break
        if sp.affinity_seconds and client_ip:
            self._affinity[(sp.svc_chain, client_ip)] = (ep.address, now)
        return sp, ep

    # ------------------------------------------------------------------ how it looks on the node
    def iptables_rules(self) -> list[tuple[str, str]]:
        """(chain, rule) pairs of the nat table, in the order the proxier writes them."""
        out: list[tuple[str, str]] = []
        svc_rules: list[tuple[str, str]] = []
        for sp in self.service_ports:
            spn = sp.service_port_name
            eps = sp.cluster_endpoints()
            dst = f"-d {sp.cluster_ip}/32 -p {sp.proto}"
            if not eps:
                continue  # filter table REJECT (see iptables_filter_rules)
            out.append(("KUBE-SERVICES", f'{dst} -m comment --comment "{spn} cluster IP" -m {sp.proto} '
                                         f"--dport {sp.port} -j {sp.svc_chain}"))
            if sp.node_port:
                svc_rules.append(("KUBE-NODEPORTS", f'-p {sp.proto} -m comment --comment "{spn}" -m {sp.proto} '
                                                    f"--dport {sp.node_port} -j {sp.ext_chain}"))
                svc_rules.append((sp.ext_chain, f'-m comment --comment "masquerade traffic for {spn} external '
                                                f'destinations" -j KUBE-MARK-MASQ'))
                svc_rules.append((sp.ext_chain, f"-j {sp.svc_chain}"))
            svc_rules.append((sp.svc_chain, f'! -s {self.cluster_cidr} {dst} -m comment --comment "{spn} cluster IP" '
                                            f"-m {sp.proto} --dport {sp.port} -j KUBE-MARK-MASQ"))
            if sp.affinity_seconds:
                for e in eps:
                    sep = sp.sep_chain(e)
                    svc_rules.append((sp.svc_chain, f'-m comment --comment "{spn} -> {e.address}" -m recent --name '
                                                    f"{sep} --mask 255.255.255.255 --rsource --rcheck --seconds "
                                                    f"{sp.affinity_seconds} --reap -j {sep}"))
            n = len(eps)
            for i, e in enumerate(eps):
                sep = sp.sep_chain(e)
                if i < n - 1:
                    svc_rules.append((sp.svc_chain, f'-m comment --comment "{spn} -> {e.address}" -m statistic '
                                                    f"--mode random --probability {iptables_probability_text(n - i)} "
                                                    f"-j {sep}"))
                else:
                    svc_rules.append((sp.svc_chain, f'-m comment --comment "{spn} -> {e.address}" -j {sep}'))
            for e in eps:
                sep = sp.sep_chain(e)
                svc_rules.append((sep, f'-s {e.ip}/32 -m comment --comment "{spn}" -j KUBE-MARK-MASQ'))
                recent = f" -m recent --set --name {sep} --mask 255.255.255.255 --rsource" if sp.affinity_seconds else ""
                svc_rules.append((sep, f'-p {sp.proto} -m comment --comment "{spn}"{recent} -m {sp.proto} '
                                       f"-j DNAT --to-destination {e.address}"))
        out.append(("KUBE-SERVICES", '-m comment --comment "kubernetes service nodeports; NOTE: this must be the '
                                     'last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'))
        return out + svc_rules

    def iptables_filter_rules(self) -> list[tuple[str, str]]:
        """The filter table's REJECTs for service ports without endpoints."""
        out = []
        for sp in self.service_ports:
            if not sp.cluster_endpoints():
                out.append(("KUBE-SERVICES", f'-d {sp.cluster_ip}/32 -p {sp.proto} -m comment --comment '
                                             f'"{sp.service_port_name} has no endpoints" -m {sp.proto} '
                                             f"--dport {sp.port} -j REJECT --reject-with icmp-port-unreachable"))
                if sp.node_port:
                    out.append(("KUBE-EXTERNAL-SERVICES", f'-p {sp.proto} -m comment --comment '
                                                          f'"{sp.service_port_name} has no endpoints" -m addrtype '
                                                          f"--dst-type LOCAL -m {sp.proto} --dport {sp.node_port} "
                                                          f"-j REJECT --reject-with icmp-port-unreachable"))
        return out

    def iptables_save(self, table: str = "nat") -> str:
        """``iptables-save -t nat`` (or ``filter``) of the kube-proxy chains on this node."""
        if table == "filter":
            rules = self.iptables_filter_rules()
            chains = ["KUBE-EXTERNAL-SERVICES", "KUBE-SERVICES"]
        else:
            rules = self.iptables_rules()
            chains = ["KUBE-MARK-MASQ", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-SERVICES"]
            chains += sorted({c for c, _ in rules if c not in chains})
        lines = [f"*{table}"] + [f":{c} - [0:0]" for c in chains]
        lines += [f"-A {c} {r}" for c, r in rules]
        lines.append("COMMIT")
        return "\n".join(lines) + "\n"

    def ipvsadm(self) -> str:
        """``ipvsadm -Ln``: one virtual server per service port (ClusterIP, and NodePort on the node IP)."""
        lines = ["IP Virtual Server version 1.2.1 (size=4096)", "Prot LocalAddress:Port Scheduler Flags",
                 "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"]
        for sp in sorted(self.service_ports, key=lambda p: (tuple(int(x) for x in p.cluster_ip.split(".")), p.port)):
            flags = " persistent " + str(sp.affinity_seconds) if sp.affinity_seconds else ""
            lines.append(f"{sp.protocol:<4} {sp.cluster_ip}:{sp.port} rr{flags}")
            for e in sp.cluster_endpoints():
                lines.append(f"  -> {e.address:<28} Masq    1      0          0")
        return "\n".join(lines) + "\n"

    def rules_table(self):
        """A DataFrame of the KUBE-SVC → KUBE-SEP jumps: service, chain, endpoint, probability."""
        import pandas as pd

        rows = []
        for sp in self.service_ports:
            eps = sp.cluster_endpoints()
            n = len(eps)
            remaining = 1.0
            for i, e in enumerate(eps):
                p = iptables_probability(n - i) if i < n - 1 else 1.0
                rows.append({"service": sp.service_port_name, "cluster IP": f"{sp.cluster_ip}:{sp.port}",
                             "KUBE-SVC": sp.svc_chain, "KUBE-SEP": sp.sep_chain(e), "endpoint": e.address,
                             "pod": e.pod, "rule probability": round(p, 11),
                             "share": round(remaining * p, 4)})
                remaining *= (1 - p)
            if not eps:
                rows.append({"service": sp.service_port_name, "cluster IP": f"{sp.cluster_ip}:{sp.port}",
                             "KUBE-SVC": sp.svc_chain, "KUBE-SEP": "REJECT", "endpoint": "", "pod": "",
                             "rule probability": None, "share": None})
        return pd.DataFrame(rows, columns=["service", "cluster IP", "KUBE-SVC", "KUBE-SEP", "endpoint", "pod",
                                           "rule probability", "share"])
