"""Cluster DNS: a CoreDNS-like resolver built from Services and EndpointSlices.

upstream: the Kubernetes DNS-Based Service Discovery specification
(kubernetes/dns docs/specification.md, schema 1.1.0) as CoreDNS's ``kubernetes`` plugin
answers it with kubeadm's Corefile (``kubernetes cluster.local in-addr.arpa ip6.arpa {
pods insecure; fallthrough in-addr.arpa ip6.arpa; ttl 30 }``); the kubelet's resolv.conf for ``dnsPolicy: ClusterFirst`` pods
(pkg/kubelet/network/dns/dns.go: ``nameserver <clusterDNS>``, ``search <ns>.svc.<domain>
svc.<domain> <domain>``, ``options ndots:5``); glibc's res_nsearch for how a short name
walks the search list.

Records (spec section in brackets):

- ``<svc>.<ns>.svc.cluster.local`` A → the ClusterIP [2.3.1]; headless → one A per ready
  endpoint, NXDOMAIN when none is ready [2.4.1]; ``<hostname>.<svc>.<ns>.svc...`` A for
  each ready endpoint [2.4.1];
- ``_<port>._<proto>.<svc>.<ns>.svc.cluster.local`` SRV for named ports [2.3.2, 2.4.2];
- PTR for ClusterIPs and ready headless endpoints [2.3.3, 2.4.3];
- ExternalName → CNAME [2.5]; ``a-b-c-d.<ns>.pod.cluster.local`` A [2.6];
- ``dns-version.cluster.local`` TXT ``"1.1.0"`` [2.2].

The resolver reads its own informers (its client is the ``coredns`` identity) and adds
the ``kube-system/kube-dns`` Service at 10.96.0.10 — what kubeadm installs — with an
EndpointSlice for the CoreDNS server. Simplifications: no CoreDNS pods run (the resolver
is the component itself, at the control plane's pod address 10.244.0.2); names outside
the cluster domain have no upstream to forward to and answer NXDOMAIN; no caching, so
an answer changes as soon as the informer sees the change.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from .api.errors import ApiError
from .client.context import ComponentContext

CLUSTER_DOMAIN = "cluster.local"
DNS_SERVICE_IP = "10.96.0.10"
COREDNS_POD_IP = "10.244.0.2"
TTL = 30  # kubeadm's Corefile: ttl 30
SCHEMA_VERSION = "1.1.0"
NDOTS = 5


@dataclass
class Record:
    name: str
    type: str
    data: str
    ttl: int = TTL

    def __str__(self) -> str:
        return f"{self.name} {self.ttl} IN {self.type} {self.data}"


@dataclass
class Answer:
    """One DNS response: rcode ``NOERROR`` or ``NXDOMAIN`` and the answer records."""

    name: str
    qtype: str
    rcode: str
    records: list[Record] = field(default_factory=list)

    @property
    def addresses(self) -> list[str]:
        return [r.data for r in self.records if r.type == "A"]


def resolv_conf(namespace: str, cluster_domain: str = CLUSTER_DOMAIN, nameserver: str = DNS_SERVICE_IP) -> str:
    """/etc/resolv.conf of a ``dnsPolicy: ClusterFirst`` pod in ``namespace``."""
    return (f"search {namespace}.svc.{cluster_domain} svc.{cluster_domain} {cluster_domain}\n"
            f"nameserver {nameserver}\n"
            f"options ndots:{NDOTS}\n")


def search_list(namespace: str, cluster_domain: str = CLUSTER_DOMAIN) -> list[str]:
    return [f"{namespace}.svc.{cluster_domain}", f"svc.{cluster_domain}", cluster_domain]


def candidates(name: str, namespace: str, ndots: int = NDOTS) -> list[str]:
    """The fully-qualified names glibc tries, in order (res_nsearch)."""
    if name.endswith("."):
        return [name]
    with_search = [f"{name}.{s}." for s in search_list(namespace)]
    if name.count(".") >= ndots:
        return [name + "."] + with_search
    return with_search + [name + "."]


def _dashed(ip: str) -> str:
    return ip.replace(".", "-")


class ClusterDNS:
    """The cluster's DNS server and the pods' stub resolver (``resolve``, ``lookup``, ``nslookup``)."""

    def __init__(self, ctx: ComponentContext, *, cluster_domain: str = CLUSTER_DOMAIN, install_service: bool = True):
        self.ctx = ctx
        self.domain = cluster_domain
        self.install_service = install_service
        self.svc_informer = ctx.informer("services")
        self.slice_informer = ctx.informer("endpointslices")
        self.query_log: list[dict] = []

    def start(self) -> None:
        self.svc_informer.start()
        self.slice_informer.start()
        if self.install_service:
            self._install()

    def _install(self) -> None:
        """kubeadm's CoreDNS addon: the kube-dns Service at the 10th address and its endpoints."""
        svc = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "kube-dns", "namespace": "kube-system",
                            "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                       "kubernetes.io/name": "CoreDNS"},
                            "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
               "spec": {"clusterIP": DNS_SERVICE_IP,
                        "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                                  {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                                  {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]}}
        eps = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
               "metadata": {"name": "kube-dns-coredns", "namespace": "kube-system",
                            "labels": {"kubernetes.io/service-name": "kube-dns",
                                       "endpointslice.kubernetes.io/managed-by": "coredns.k8slab.io"}},
               "addressType": "IPv4",
               "endpoints": [{"addresses": [COREDNS_POD_IP],
                              "conditions": {"ready": True, "serving": True, "terminating": False}}],
               "ports": [{"name": "dns", "port": 53, "protocol": "UDP"},
                         {"name": "dns-tcp", "port": 53, "protocol": "TCP"},
                         {"name": "metrics", "port": 9153, "protocol": "TCP"}]}
        for res, obj in (("services", svc), ("endpointslices", eps)):
            try:
                self.ctx.client.create(res, obj, namespace="kube-system")
            except ApiError as e:
                if e.code != 409:
                    raise

    # ------------------------------------------------------------------ the zone
    def _slices(self, ns: str, svc: str) -> list[dict]:
        return [s for s in self.slice_informer.list()
                if s["metadata"]["namespace"] == ns and
                (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == svc]

    def _ready_endpoints(self, ns: str, svc: str) -> list[tuple[str, str]]:
        """(hostname, ip) of each ready endpoint (publishNotReadyAddresses makes every endpoint ready)."""
        out = []
        seen = set()
        for s in self._slices(ns, svc):
            for e in s.get("endpoints") or []:
                if (e.get("conditions") or {}).get("ready") is False:
                    continue
                for ip in e.get("addresses") or []:
                    if ip in seen:
                        continue
                    seen.add(ip)
                    out.append((e.get("hostname") or _dashed(ip), ip))
        out.sort(key=lambda t: ipaddress.ip_address(t[1]))
        return out

    def query(self, name: str, qtype: str = "A") -> Answer:
        """Answer one fully-qualified question, as the server would."""
        qtype = qtype.upper()
        fq = name.lower().rstrip(".") + "."
        zone = self.domain + "."
        ans = Answer(fq, qtype, "NXDOMAIN")
        if fq.endswith(".in-addr.arpa.") and qtype == "PTR":
            return self._ptr(fq)
        if fq == f"dns-version.{zone}":
            ans.rcode = "NOERROR"
            if qtype == "TXT":
                ans.records.append(Record(fq, "TXT", f'"{SCHEMA_VERSION}"'))
            return ans
        if not fq.endswith("." + zone):
            return ans  # no upstream resolver in the simulation
        labels = fq[: -len(zone) - 1].split(".")
        # pods: a-b-c-d.<ns>.pod
        if len(labels) == 3 and labels[2] == "pod":
            try:
                ip = str(ipaddress.IPv4Address(labels[0].replace("-", ".")))
            except ValueError:
                return ans
            ans.rcode = "NOERROR"
            if qtype == "A":
                ans.records.append(Record(fq, "A", ip))
            return ans
        if len(labels) < 3 or labels[-1] != "svc":
            # svc.<zone> / pod.<zone> exist (empty: NODATA); <ns>.svc.<zone> exists when the namespace has
            # Services (CoreDNS answers NXDOMAIN for a namespace it does not know)
            if len(labels) == 1 and labels[0] in ("svc", "pod"):
                ans.rcode = "NOERROR"
            elif len(labels) == 2 and labels[1] == "svc" and any(
                    s["metadata"]["namespace"] == labels[0] for s in self.svc_informer.list()):
                ans.rcode = "NOERROR"
            return ans
        ns = labels[-2]
        rest = labels[:-2]
        srv_port = srv_proto = host = None
        if len(rest) == 3 and rest[0].startswith("_") and rest[1].startswith("_"):
            srv_port, srv_proto, svc_name = rest[0][1:], rest[1][1:], rest[2]
        elif len(rest) == 2:
            host, svc_name = rest
        elif len(rest) == 1:
            svc_name = rest[0]
        else:
            return ans
        svc = self.svc_informer.get(f"{ns}/{svc_name}")
        if svc is None:
            return ans
        spec = svc.get("spec") or {}
        base = f"{svc_name}.{ns}.svc.{zone}"
        typ = spec.get("type", "ClusterIP")
        headless = spec.get("clusterIP") == "None"
        if typ == "ExternalName":
            if host or srv_port:
                return ans
            ans.rcode = "NOERROR"
            ans.records.append(Record(fq, "CNAME", spec.get("externalName", "").rstrip(".") + "."))
            return ans
        if srv_port is not None:
            port = next((p for p in spec.get("ports") or [] if p.get("name") == srv_port
                         and (p.get("protocol") or "TCP").lower() == srv_proto), None)
            if port is None:
                return ans
            ans.rcode = "NOERROR"
            if qtype != "SRV":
                return ans
            if headless:
                eps = self._ready_endpoints(ns, svc_name)
                if not eps:
                    ans.rcode = "NXDOMAIN"
                for h, _ip in eps:
                    ans.records.append(Record(fq, "SRV", f"0 {100 // len(eps)} {self._target_port(ns, svc_name, port)} "
                                                         f"{h}.{base}"))
            else:
                ans.records.append(Record(fq, "SRV", f"0 100 {port['port']} {base}"))
            return ans
        if host is not None:
            if not headless:
                return ans
            ips = [ip for h, ip in self._ready_endpoints(ns, svc_name) if h == host]
            if not ips:
                return ans
            ans.rcode = "NOERROR"
            if qtype == "A":
                ans.records += [Record(fq, "A", ip) for ip in ips]
            return ans
        if headless:
            eps = self._ready_endpoints(ns, svc_name)
            if not eps:
                return ans  # spec 2.4.1: no ready endpoints → NXDOMAIN
            ans.rcode = "NOERROR"
            if qtype == "A":
                ans.records += [Record(fq, "A", ip) for _h, ip in eps]
            elif qtype == "SRV":
                for p in spec.get("ports") or []:
                    if p.get("name"):
                        for h, _ip in eps:
                            ans.records.append(Record(fq, "SRV", f"0 {100 // len(eps)} "
                                                                 f"{self._target_port(ns, svc_name, p)} {h}.{base}"))
            return ans
        ans.rcode = "NOERROR"
        if qtype == "A" and spec.get("clusterIP"):
            ans.records.append(Record(fq, "A", spec["clusterIP"]))
        elif qtype == "SRV":
            for p in spec.get("ports") or []:
                if p.get("name"):
                    ans.records.append(Record(fq, "SRV", f"0 100 {p['port']} {base}"))
        return ans

    def _target_port(self, ns: str, svc: str, port: dict) -> int:
        """A headless SRV record names the endpoint's port (the slice's port of that name)."""
        for s in self._slices(ns, svc):
            for p in s.get("ports") or []:
                if p.get("name") == port.get("name") and p.get("port"):
                    return p["port"]
        return port.get("port")

    def _ptr(self, fq: str) -> Answer:
        ans = Answer(fq, "PTR", "NXDOMAIN")
        parts = fq[: -len(".in-addr.arpa.")].split(".")
        if len(parts) != 4:
            return ans
        ip = ".".join(reversed(parts))
        for svc in self.svc_informer.list():
            spec = svc.get("spec") or {}
            md = svc["metadata"]
            base = f"{md['name']}.{md['namespace']}.svc.{self.domain}."
            if spec.get("clusterIP") == ip:
                ans.rcode = "NOERROR"
                ans.records.append(Record(fq, "PTR", base))
                return ans
            if spec.get("clusterIP") == "None":
                for h, eip in self._ready_endpoints(md["namespace"], md["name"]):
                    if eip == ip:
                        ans.rcode = "NOERROR"
                        ans.records.append(Record(fq, "PTR", f"{h}.{base}"))
                        return ans
        return ans

    # ------------------------------------------------------------------ the pod's stub resolver
    def resolve(self, name: str, namespace: str = "default", qtype: str = "A", *, client: str = "") -> Answer:
        """What ``getaddrinfo`` in a pod of ``namespace`` gets: the search list walked as glibc does.

        Every question asked is appended to ``query_log`` (time, client, question, rcode).
        The first NOERROR answer with records wins; otherwise the last answer is returned.
        """
        last = None
        nodata = None
        for fq in candidates(name, namespace):
            a = self.query(fq, qtype)
            self.query_log.append({"time": round(self.ctx.now, 3), "client": client, "question": fq,
                                   "type": qtype, "rcode": a.rcode, "answers": len(a.records)})
            if a.rcode == "NOERROR" and a.records:
                return a
            if a.rcode == "NOERROR" and nodata is None:
                nodata = a
            last = a
        return nodata or last  # type: ignore[return-value]

    def lookup(self, name: str, namespace: str = "default") -> list[str]:
        """The A addresses a pod in ``namespace`` gets for ``name`` (empty when it does not resolve)."""
        return self.resolve(name, namespace).addresses

    def nslookup(self, name: str, namespace: str = "default", *, client: str = "") -> str:
        """What ``nslookup <name>`` prints in a pod (bind's nslookup, as in the dnsutils image)."""
        head = f"Server:\t\t{DNS_SERVICE_IP}\nAddress:\t{DNS_SERVICE_IP}#53\n\n"
        a = self.resolve(name, namespace, client=client)
        if a.rcode != "NOERROR" or not a.records:
            short = name.rstrip(".")
            return head + f"** server can't find {short}: NXDOMAIN\n"
        lines = []
        for r in a.records:
            if r.type == "CNAME":
                lines.append(f"{r.name.rstrip('.')}\tcanonical name = {r.data.rstrip('.')}.")
            elif r.type == "A":
                lines.append(f"Name:\t{r.name.rstrip('.')}\nAddress: {r.data}")
        return head + "\n".join(lines) + "\n"

    def zone(self) -> list[str]:
        """Every A/CNAME/SRV record of the cluster zone, one per line (for teaching)."""
        out: list[str] = []
        for svc in self.svc_informer.list():
            md = svc["metadata"]
            base = f"{md['name']}.{md['namespace']}.svc.{self.domain}."
            for qt in ("A", "SRV"):
                a = self.query(base, qt)
                out += [str(r) for r in a.records]
            for p in (svc.get("spec") or {}).get("ports") or []:
                if p.get("name"):
                    a = self.query(f"_{p['name']}._{(p.get('protocol') or 'TCP').lower()}.{base}", "SRV")
                    out += [str(r) for r in a.records]
        return out
