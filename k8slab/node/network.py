"""The pod network: what a container's ``connect()`` and resolver reach, across nodes.

In a real cluster this is the CNI plugin, the kernel's netfilter rules (programmed by
kube-proxy) and the resolver library talking to CoreDNS — no Kubernetes component. Here
it is one object the cluster builds from the cluster DNS, the kube-proxies and the node
runtimes, and hands to every node's container runtime (``ContainerRuntime(network=...)``):
it is the one place where a pod on one node reaches a pod on another.

A connection from a pod follows the real path: the name is resolved with the pod's
``/etc/resolv.conf`` (search list, ``ndots:5``) against the cluster DNS; the packet to a
ClusterIP is DNATed by the *client node's* kube-proxy rules (``KubeProxy.route``: the
iptables probability chain, drawn from the seeded stream ``pod-network``); the backend
pod's container program (on any node) answers.

Also here: :func:`pod_dns_config`, the kubelet's ``GetPodDNS`` (upstream:
pkg/kubelet/network/dns/dns.go) turning ``dnsPolicy``/``dnsConfig`` into the resolv.conf
the runtime writes (containerd's ``parseDNSOptions`` order: search, nameserver, options),
and :func:`service_env`, the Service environment variables the kubelet injects
(upstream: pkg/kubelet/envvars/envvars.go ``FromServices``/``makeLinkVariables`` and
pkg/kubelet/kubelet_pods.go ``getServiceEnvVarMap``).

Simplifications: there is no upstream resolver, so names outside the cluster domain do
not resolve; a connection that nothing answers (a stale endpoint, an address no pod has)
fails at once with "Connection timed out" instead of after the kernel's SYN retries.
"""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass
from typing import Any, Callable

from ..dns import CLUSTER_DOMAIN, DNS_SERVICE_IP, NDOTS

__all__ = ["PodNetwork", "Reply", "pod_dns_config", "format_resolv_conf", "service_env", "hosts_file",
           "NODE_RESOLV_CONF"]

#: the node's own /etc/resolv.conf (what dnsPolicy: Default gives): the node network's gateway
NODE_NAMESERVER = "172.18.0.1"
NODE_RESOLV_CONF = {"servers": [NODE_NAMESERVER], "searches": [], "options": []}
#: connections kept in PodNetwork.log
LOG_LIMIT = 10_000
#: upstream: pkg/kubelet/network/dns/dns.go validation limits
MAX_DNS_SEARCH_PATHS = 32


@dataclass
class Reply:
    """The outcome of one TCP connection + HTTP GET from a pod.

    ``error`` is ``""`` (answered: ``status``/``body``), ``"refused"`` (RST or ICMP
    port-unreachable: kube-proxy's REJECT for a Service with no endpoints, or a pod port
    nothing listens on) or ``"timeout"`` (nothing answers).
    """

    ip: str
    port: int
    status: int = 0
    body: str = ""
    error: str = ""
    service: str = ""        # ns/name[:port] when the destination was a Service
    endpoint: str = ""       # ip:port the connection was DNATed to
    pod: str = ""            # the pod that answered
    node: str = ""           # the node it runs on


# ------------------------------------------------------------------------------ resolv.conf
def pod_dns_config(pod: dict, *, cluster_dns: str = DNS_SERVICE_IP, cluster_domain: str = CLUSTER_DOMAIN,
                   node_resolv: dict | None = None) -> dict:
    """GetPodDNS: ``{"servers", "searches", "options"}`` for the pod's sandbox.

    ``ClusterFirst`` (the default) uses the cluster DNS and the ``<ns>.svc.<domain>
    svc.<domain> <domain>`` search list with ``ndots:5``, except with ``hostNetwork``
    where it falls back to ``Default`` (the node's resolv.conf);
    ``ClusterFirstWithHostNet`` uses the cluster DNS even then; ``None`` uses only
    ``dnsConfig``. ``dnsConfig`` nameservers and searches are appended (duplicates
    dropped), its options override by name.
    """
    spec = pod.get("spec") or {}
    ns = (pod.get("metadata") or {}).get("namespace") or "default"
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    host_net = bool(spec.get("hostNetwork"))
    node = node_resolv or NODE_RESOLV_CONF
    if policy == "ClusterFirst" and host_net:
        policy = "Default"  # upstream: getPodDNSType, podDNSClusterFirst only without host network
    if policy in ("ClusterFirst", "ClusterFirstWithHostNet"):
        cfg = {"servers": [cluster_dns],
               "searches": [f"{ns}.svc.{cluster_domain}", f"svc.{cluster_domain}", cluster_domain]
               + list(node.get("searches") or []),
               "options": [f"ndots:{NDOTS}"]}
    elif policy == "None":
        cfg = {"servers": [], "searches": [], "options": []}
    else:  # Default
        cfg = {"servers": list(node.get("servers") or []), "searches": list(node.get("searches") or []),
               "options": list(node.get("options") or [])}
    extra = spec.get("dnsConfig") or {}
    if extra:
        for s in extra.get("nameservers") or []:
            if s not in cfg["servers"]:
                cfg["servers"].append(s)
        for s in extra.get("searches") or []:
            if s not in cfg["searches"]:
                cfg["searches"].append(s)
        opts = {o.split(":", 1)[0]: o for o in cfg["options"]}
        for o in extra.get("options") or []:
            name = o.get("name", "")
            opts[name] = f"{name}:{o['value']}" if o.get("value") not in (None, "") else name
        cfg["options"] = list(opts.values())
    cfg["searches"] = cfg["searches"][:MAX_DNS_SEARCH_PATHS]
    return cfg


def format_resolv_conf(cfg: dict) -> str:
    """containerd's parseDNSOptions: ``search``, then ``nameserver`` lines, then ``options``."""
    out = ""
    if cfg.get("searches"):
        out += "search " + " ".join(cfg["searches"]) + "\n"
    for s in cfg.get("servers") or []:
        out += f"nameserver {s}\n"
    if cfg.get("options"):
        out += "options " + " ".join(cfg["options"]) + "\n"
    return out


def parse_resolv_conf(text: str) -> dict:
    cfg: dict[str, Any] = {"servers": [], "searches": [], "options": []}
    for line in (text or "").splitlines():
        f = line.split()
        if not f or f[0].startswith("#"):
            continue
        if f[0] == "nameserver" and len(f) > 1:
            cfg["servers"].append(f[1])
        elif f[0] in ("search", "domain"):
            cfg["searches"] = f[1:]
        elif f[0] == "options":
            cfg["options"] += f[1:]
    return cfg


def hosts_file(ip: str, hostname: str) -> str:
    """The kubelet-managed /etc/hosts (upstream: pkg/kubelet/kubelet_pods.go managedHostsFileContent)."""
    return ("# Kubernetes-managed hosts file.\n"
            "127.0.0.1\tlocalhost\n"
            "::1\tlocalhost ip6-localhost ip6-loopback\n"
            "fe00::0\tip6-localnet\n"
            "fe00::0\tip6-mcastprefix\n"
            "fe00::1\tip6-allnodes\n"
            "fe00::2\tip6-allrouters\n"
            + (f"{ip}\t{hostname}\n" if ip else ""))


# ------------------------------------------------------------------------------ service links
def _env_name(s: str) -> str:
    """envvars.go makeEnvVariableName: upper case, '-' → '_'."""
    return s.replace("-", "_").upper()


def _service_ip_set(svc: dict) -> bool:
    ip = (svc.get("spec") or {}).get("clusterIP")
    return bool(ip) and ip != "None"


def service_env(services: list[dict], namespace: str, enable_service_links: bool = True) -> dict[str, str]:
    """The Service environment variables of a container started in ``namespace`` now.

    getServiceEnvVarMap: every Service with a ClusterIP in the pod's namespace (when
    ``enableServiceLinks``), and always ``default/kubernetes``; FromServices gives each
    ``<SVC>_SERVICE_HOST``, ``<SVC>_SERVICE_PORT`` (first port), ``<SVC>_SERVICE_PORT_<NAME>``
    per named port, and the Docker-link variables ``<SVC>_PORT``,
    ``<SVC>_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]``.
    """
    chosen: dict[str, dict] = {}
    for svc in services:
        if not _service_ip_set(svc):
            continue
        md = svc.get("metadata") or {}
        name = md.get("name", "")
        if md.get("namespace") == "default" and name == "kubernetes":
            chosen.setdefault(name, svc)
        elif md.get("namespace") == namespace and enable_service_links:
            chosen[name] = svc
    env: dict[str, str] = {}
    for name in sorted(chosen):
        spec = chosen[name].get("spec") or {}
        ports = spec.get("ports") or []
        if not ports:
            continue
        ip = spec["clusterIP"]
        prefix = _env_name(name)
        env[prefix + "_SERVICE_HOST"] = ip
        env[prefix + "_SERVICE_PORT"] = str(ports[0]["port"])
        for p in ports:
            if p.get("name"):
                env[f"{prefix}_SERVICE_PORT_{_env_name(p['name'])}"] = str(p["port"])
        for i, p in enumerate(ports):
            proto = p.get("protocol") or "TCP"
            hp = f"{ip}:{p['port']}"
            if i == 0:
                env[prefix + "_PORT"] = f"{proto.lower()}://{hp}"
            pp = f"{prefix}_PORT_{p['port']}_{proto.upper()}"
            env[pp] = f"{proto.lower()}://{hp}"
            env[pp + "_PROTO"] = proto.lower()
            env[pp + "_PORT"] = str(p["port"])
            env[pp + "_ADDR"] = ip
    return env


# ------------------------------------------------------------------------------ the network
class PodNetwork:
    """Connections between pods: DNS, the client node's kube-proxy rules, the backend's program.

    ``dns`` is the cluster DNS (``resolve``, ``query``); ``proxies`` maps node name → its
    kube-proxy (``route``); ``runtimes()`` gives node name → container runtime (read
    at each connection, so nodes added later are reached). ``rng`` draws the iptables
    probability chain.
    """

    def __init__(self, dns: Any, proxies: dict[str, Any], runtimes: Callable[[], dict[str, Any]],
                 rng: random.Random, *, cluster_dns: str = DNS_SERVICE_IP):
        self.dns = dns
        self.proxies = proxies
        self._runtimes = runtimes
        self.rng = rng
        self.cluster_dns = cluster_dns
        self.log: list[dict] = []   # one row per connection (time, from, to, endpoint, pod, outcome)

    def services(self) -> list[dict]:
        """Every Service the network's DNS knows (the kubelet's service links read these)."""
        return list(self.dns.svc_informer.list()) if self.dns is not None else []

    # ---------------------------------------------------------------- DNS
    def resolve(self, name: str, resolv: dict, *, client: str = "") -> list[str]:
        """The A addresses ``getaddrinfo(name)`` gives a pod with this resolv.conf (empty: not found)."""
        try:
            return [str(ipaddress.IPv4Address(name))]
        except ValueError:
            pass
        if self.dns is None or self.cluster_dns not in (resolv.get("servers") or []):
            return []  # no upstream resolver in the simulation
        ns = _namespace_of(resolv)
        return list(self.dns.resolve(name, ns, client=client).addresses)

    def reverse(self, ip: str) -> str:
        """The PTR name of ``ip`` ("" when none), without the trailing dot."""
        if self.dns is None:
            return ""
        a = self.dns.query(".".join(reversed(ip.split("."))) + ".in-addr.arpa.", "PTR")
        return a.records[0].data.rstrip(".") if a.rcode == "NOERROR" and a.records else ""

    # ---------------------------------------------------------------- TCP + HTTP
    def _backend(self, ip: str):
        rts = self._runtimes()
        for name in sorted(rts):
            rt = rts[name]
            if not getattr(rt, "powered", True):
                continue
            sid = rt._sandbox_by_ip(ip)
            if sid is not None:
                return name, rt, sid
        return None

    def http_get(self, from_node: str, client_ip: str, ip: str, port: int, path: str = "/", *,
                 client: str = "") -> Reply:
        """One connection from a pod on ``from_node`` to ``ip:port`` and a ``GET path`` on it."""
        from .proxy import ConnectionRefused

        rep = Reply(ip, port)
        proxy = self.proxies.get(from_node)
        hit = None
        try:
            hit = proxy.route(ip, port, self.rng, client_ip=client_ip) if proxy is not None else None
        except ConnectionRefused as e:
            rep.service = str(e).split(" has no")[0]
            rep.error = "refused"
            return self._logged(rep, from_node, client)
        dest_ip, dest_port = ip, port
        if hit is not None:
            sp, ep = hit
            rep.service = sp.service_port_name
            dest_ip, dest_port = ep.ip, ep.port
        rep.endpoint = f"{dest_ip}:{dest_port}"
        be = self._backend(dest_ip)
        if be is None:
            rep.error = "timeout"
            return self._logged(rep, from_node, client)
        node, rt, sid = be
        rep.node = node
        sb = rt.pod_sandbox_status(sid)
        rep.pod = sb.name if sb is not None else ""
        res = rt.http_get(sid, dest_port, path or "/")
        if res is None:
            rep.error = "refused"
        else:
            rep.status, rep.body = res
        return self._logged(rep, from_node, client)

    def _logged(self, rep: Reply, node: str, client: str) -> Reply:
        if len(self.log) >= LOG_LIMIT:
            del self.log[: LOG_LIMIT // 2]
        self.log.append({"from": client, "node": node, "to": f"{rep.ip}:{rep.port}", "service": rep.service,
                         "endpoint": rep.endpoint, "pod": rep.pod, "status": rep.status, "error": rep.error})
        return rep


def _namespace_of(resolv: dict) -> str:
    """The pod's namespace from its first search domain ``<ns>.svc.<domain>`` (``default`` otherwise)."""
    for s in resolv.get("searches") or []:
        parts = s.split(".")
        if len(parts) > 2 and parts[1] == "svc":
            return parts[0]
    return "default"
