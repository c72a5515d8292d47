"""A traffic generator: requests that follow the real path DNS → ClusterIP → kube-proxy → pod.

For each request: the client pod's resolver (dns.py, search list and all) turns the name
into an IP; the client node's kube-proxy rules (node/proxy.py) pick an endpoint — at
random with the iptables chain's probabilities, from the seeded stream ``traffic`` — and
the backend pod's container program answers (node/programs.py: nginx, httpd, agnhost,
learner images, ...). Requests are spread over virtual time (``interval``), and the
cluster runs in between, so a rollout or a readiness change during the run shows up
in the results.

This is the data plane, which in a real cluster is the kernel and the network rather than
a Kubernetes component; it reads the proxies' programmed rules and the node runtimes
directly (cluster.py hands them over) and makes no API call.

Failures read as busybox ``wget`` reports them: ``bad address 'x'`` (NXDOMAIN),
``Connection refused`` (a Service with no endpoints: kube-proxy's REJECT rule; or a pod
IP nothing listens on), ``server returned error: HTTP/1.1 500 ...``. Latency is a simple
model on virtual time: 0.1 ms per DNS question, 0.2 ms within a node, 0.5 ms across nodes,
plus the server's answer (0.3 ms), with ±20 % seeded jitter.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

DNS_QUESTION_S = 0.0001
SAME_NODE_S = 0.0002
CROSS_NODE_S = 0.0005
SERVER_S = 0.0003

COLUMNS = ["time", "client", "node", "target", "ip", "service", "endpoint", "pod", "backend node", "status",
           "body", "latency_ms", "error"]


def _is_ip(s: str) -> bool:
    try:
        ipaddress.IPv4Address(s)
        return True
    except ValueError:
        return False


def parse_target(target: str) -> tuple[str, int, str]:
    """``web``, ``web:8080``, ``http://web.default/path`` → (host, port, path)."""
    m = re.match(r"^(?:https?://)?([^/:]+)(?::(\d+))?(/.*)?$", target.strip())
    if not m:
        raise ValueError(f"bad target {target!r}: expected host[:port][/path] or http://host[:port]/path")
    return m.group(1), int(m.group(2) or 80), m.group(3) or "/"


def _backend(cluster, ip: str):
    """(node name, runtime, sandbox id) of the pod holding ``ip``, or None."""
    for name in sorted(cluster.kubelets):
        rt = cluster.kubelets[name].runtime
        if not getattr(rt, "powered", True):
            continue
        sid = rt._sandbox_by_ip(ip)
        if sid is not None:
            return name, rt, sid
    return None


def _pod_name_by_ip(cluster, ip: str) -> str:
    for p in cluster.client.list("pods")["items"]:
        if (p.get("status") or {}).get("podIP") == ip:
            return p["metadata"]["name"]
    return ""


def request(cluster, target: str, *, from_pod: str | None = None, namespace: str = "default",
            node: str | None = None, rng=None) -> dict[str, Any]:
    """One HTTP GET; returns a row of :data:`COLUMNS`.

    ``from_pod`` names the client pod (its namespace, node and IP are used); without it
    the request comes from outside the cluster to ``node``'s NodePort (``target`` is then
    ``<port>`` or ``<anything>:<nodePort>``).
    """
    rng = rng or cluster.rng.stream("traffic")
    row: dict[str, Any] = {c: "" for c in COLUMNS}
    row.update(time=round(cluster.now, 3), target=target, status=0, latency_ms=0.0)
    latency = 0.0
    client_ip = ""
    if from_pod is not None:
        pod = cluster.client.get("pods", from_pod, namespace)
        namespace = pod["metadata"]["namespace"]
        node = (pod.get("spec") or {}).get("nodeName") or ""
        client_ip = (pod.get("status") or {}).get("podIP") or ""
        row["client"] = from_pod
    else:
        row["client"] = "external"
        if node is None:
            node = sorted(cluster.proxies)[0]
    row["node"] = node
    proxy = cluster.proxies.get(node)
    if from_pod is None:
        m = re.match(r"^(?:https?://)?(?:([^/:]+):)?(\d+)(/.*)?$", target.strip())
        if not m:
            raise ValueError(f"bad NodePort target {target!r}: expected [host:]nodePort[/path]")
        port, path = int(m.group(2)), m.group(3) or "/"
        ip = ""
        try:
            hit = proxy.route("", port, rng, client_ip="", node_port=True) if proxy else None
        except Exception as e:  # ConnectionRefused
            row["error"] = "Connection refused"
            row["service"] = str(e).split(" has no")[0]
            return row
        if hit is None:
            row["error"] = "Connection refused"
            return row
    else:
        host, port, path = parse_target(target)
        if _is_ip(host):
            ip = host
        else:
            before = len(cluster.dns.query_log)
            ans = cluster.dns.resolve(host, namespace, client=from_pod)
            latency += DNS_QUESTION_S * (len(cluster.dns.query_log) - before)
            if not ans.addresses:
                row["error"] = f"bad address '{host}'"
                row["latency_ms"] = round(latency * 1000, 3)
                return row
            ip = ans.addresses[0]
        row["ip"] = ip
        from .node.proxy import ConnectionRefused

        try:
            hit = proxy.route(ip, port, rng, client_ip=client_ip) if proxy else None
        except ConnectionRefused as e:
            row["error"] = "Connection refused"
            row["service"] = str(e).split(" has no")[0]
            row["latency_ms"] = round(latency * 1000, 3)
            return row
    if hit is not None:
        sp, ep = hit
        row["service"] = sp.service_port_name
        dest_ip, dest_port = ep.ip, ep.port
    else:
        dest_ip, dest_port = ip, port  # not a Service: straight to a pod IP
    row["endpoint"] = f"{dest_ip}:{dest_port}"
    be = _backend(cluster, dest_ip)
    if be is None:
        row["error"] = "Connection timed out" if hit is not None else "Connection refused"
        row["latency_ms"] = round(latency * 1000, 3)
        return row
    be_node, rt, sid = be
    row["backend node"] = be_node
    row["pod"] = rt._sandboxes[sid].status.name if hasattr(rt, "_sandboxes") else _pod_name_by_ip(cluster, dest_ip)
    latency += (SAME_NODE_S if be_node == node else CROSS_NODE_S) + SERVER_S
    latency *= 1 + (rng.random() - 0.5) * 0.4
    row["latency_ms"] = round(latency * 1000, 3)
    res = rt.http_get(sid, dest_port, path)
    if res is None:
        row["error"] = "Connection refused"
        return row
    code, body = res
    row["status"] = code
    row["body"] = body.strip().splitlines()[0] if body and body.strip() else ""
    if code >= 400:
        row["error"] = f"server returned error: HTTP/1.1 {code}"
    return row


def send_requests(cluster, target: str, n: int = 100, *, from_pod: str | None = None, namespace: str = "default",
                  node: str | None = None, interval: float = 0.01):
    """``n`` requests to ``target``, ``interval`` virtual seconds apart; a DataFrame, one row per request.

    The cluster runs for ``interval`` between requests (so the whole call advances
    ``n * interval`` seconds). ``summary(df)`` gives per-backend counts.
    """
    import pandas as pd

    if not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    rng = cluster.rng.stream("traffic")
    rows = []
    for i in range(n):
        rows.append(request(cluster, target, from_pod=from_pod, namespace=namespace, node=node, rng=rng))
        if interval > 0:
            cluster.run(interval)
    return pd.DataFrame(rows, columns=COLUMNS)


def summary(df):
    """Per-backend counts: requests answered by each pod, and failures by error."""
    import pandas as pd

    ok = df[df["error"] == ""]
    counts = ok.groupby("pod").size().rename("requests").to_frame()
    fails = df[df["error"] != ""]
    if len(fails):
        f = fails.groupby("error").size().rename("requests").to_frame()
        f.index = [f"(failed: {e})" for e in f.index]
        counts = pd.concat([counts, f])
    counts.index.name = "backend"
    counts["share"] = (counts["requests"] / max(len(df), 1)).round(3)
    return counts
