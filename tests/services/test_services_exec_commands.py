"""kubectl exec into a pod runs the networking tutorials' diagnostic commands over the real path.

DNS (the pod's resolv.conf) → ClusterIP → the client node's kube-proxy rules → a backend
pod's program on any node. Outputs are busybox's (wget, nslookup 1.28) and curl 8's.
"""

import pytest

import k8slab
from k8slab.node.network import format_resolv_conf, pod_dns_config, service_env
from svc_fixtures import deployment, service


def _pod(name, image="busybox:1.28", node=None, **spec):
    s = {"containers": [{"name": "c", "image": image, "command": ["sleep", "3600"]}], **spec}
    if node:
        s["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": s}


@pytest.fixture(scope="module")
def lab():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply([deployment(replicas=1), service(),
             service("empty", selector={"app": "nothing"}, ports=[{"port": 80}])])
    c.run(20)
    web = c.list("pods", "default", label_selector="app=web")[0]
    web_node = web["spec"]["nodeName"]
    other = next(n for n in c.nodes if n != web_node)
    # clients created after the Services (so their env has the service links), on another node
    c.apply([_pod("client", node=other), _pod("curler", image="nginx:1.27", node=other),
             _pod("nolinks", node=other, enableServiceLinks=False)])
    c.run(20)
    return c, web, other


def run(c, cmd, pod="client"):
    """(exit code, output) of ``kubectl exec <pod> -- <cmd>``."""
    try:
        return 0, str(c.kubectl(f"exec {pod} -- {cmd}"))
    except k8slab.KubectlError as e:
        return e.exit_code, e.stdout


def test_client_and_backend_on_different_nodes(lab):
    c, web, other = lab
    assert web["spec"]["nodeName"] != other
    assert c.get("pods", "client")["spec"]["nodeName"] == other


def test_nslookup_busybox_format(lab):
    c, _, _ = lab
    ip = c.get("services", "web")["spec"]["clusterIP"]
    code, out = run(c, "nslookup web")
    assert code == 0
    assert out == ("Server:    10.96.0.10\n"
                   "Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n"
                   "\n"
                   "Name:      web\n"
                   f"Address 1: {ip} web.default.svc.cluster.local\n")


def test_nslookup_walks_the_search_list(lab):
    c, _, _ = lab
    code, out = run(c, "nslookup kubernetes.default")
    assert code == 0
    assert out.endswith("Name:      kubernetes.default\n"
                        "Address 1: 10.96.0.1 kubernetes.default.svc.cluster.local\n")


def test_nslookup_nxdomain(lab):
    c, _, _ = lab
    code, out = run(c, "nslookup nope")
    assert code == 1
    assert out == ("Server:    10.96.0.10\n"
                   "Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n"
                   "\n"
                   "nslookup: can't resolve 'nope'\n")


def test_wget_through_cluster_ip_to_a_pod_on_another_node(lab):
    c, web, other = lab
    before = len(c.network.log)
    code, out = run(c, "wget -qO- http://web")
    assert code == 0
    assert "<h1>Welcome to nginx!</h1>" in out
    row = c.network.log[before]
    assert row["node"] == other                                   # the client node's kube-proxy rules
    assert row["service"] == "default/web:http"                  # DNATed by the Service's chain
    assert row["endpoint"] == f"{web['status']['podIP']}:80"
    assert row["pod"] == web["metadata"]["name"] and row["error"] == ""


def test_wget_not_quiet_prints_busybox_progress(lab):
    c, _, _ = lab
    ip = c.get("services", "web")["spec"]["clusterIP"]
    code, out = run(c, "wget -O- web:80/")
    lines = out.splitlines()
    assert code == 0
    assert lines[:2] == [f"Connecting to web ({ip}:80)", "writing to stdout"]
    assert lines[-2].startswith("-                    100% |********************************| ")
    assert lines[-2].endswith("  0:00:00 ETA")
    assert lines[-1] == "written to stdout"


def test_wget_by_fqdn_and_env_var(lab):
    c, _, _ = lab
    assert run(c, "wget -qO- http://web.default.svc.cluster.local")[0] == 0
    code, out = run(c, 'sh -c "wget -qO- http://$WEB_SERVICE_HOST:$WEB_SERVICE_PORT"')
    assert code == 0 and "Welcome to nginx!" in out


def test_wget_no_endpoints_connection_refused(lab):
    c, _, _ = lab
    ip = c.get("services", "empty")["spec"]["clusterIP"]
    code, out = run(c, "wget -qO- http://empty")
    assert code == 1
    assert out == f"wget: can't connect to remote host ({ip}): Connection refused\n"


def test_wget_bad_address(lab):
    c, _, _ = lab
    assert run(c, "wget -qO- http://nope") == (1, "wget: bad address 'nope'\n")


def test_wget_to_a_port_the_service_does_not_have_times_out(lab):
    c, _, _ = lab
    ip = c.get("services", "web")["spec"]["clusterIP"]
    assert run(c, "wget -qO- http://web:81") == (1, f"wget: can't connect to remote host ({ip}): "
                                                    "Connection timed out\n")


def test_curl(lab):
    c, _, _ = lab
    code, out = run(c, "curl -s http://web/", pod="curler")
    assert code == 0 and "<title>Welcome to nginx!</title>" in out
    assert run(c, "curl web", pod="curler")[0] == 0
    assert run(c, "curl nope", pod="curler") == (6, "curl: (6) Could not resolve host: nope\n")
    assert run(c, "curl -s nope", pod="curler") == (6, "")
    assert run(c, "curl http://empty", pod="curler") == (
        7, "curl: (7) Failed to connect to empty port 80 after 0 ms: Couldn't connect to server\n")
    assert run(c, "curl -f web/missing", pod="curler") == (22, "curl: (22) The requested URL returned error: 404\n")


def test_busybox_has_no_curl(lab):
    c, _, _ = lab
    assert run(c, "curl web") == (127, "sh: curl: not found\n")


def test_resolv_conf(lab):
    c, _, _ = lab
    assert run(c, "cat /etc/resolv.conf") == (0, "search default.svc.cluster.local svc.cluster.local cluster.local\n"
                                                 "nameserver 10.96.0.10\n"
                                                 "options ndots:5\n")


def test_hostname_and_hosts(lab):
    c, _, _ = lab
    assert run(c, "hostname") == (0, "client\n")
    ip = c.get("pods", "client")["status"]["podIP"]
    assert run(c, "cat /etc/hosts")[1].endswith(f"{ip}\tclient\n")


def test_env_service_links(lab):
    c, _, _ = lab
    ip = c.get("services", "web")["spec"]["clusterIP"]
    code, out = run(c, "env")
    env = dict(line.split("=", 1) for line in out.splitlines())
    assert {k: v for k, v in env.items() if k.startswith("WEB_")} == {
        "WEB_SERVICE_HOST": ip, "WEB_SERVICE_PORT": "80", "WEB_SERVICE_PORT_HTTP": "80",
        "WEB_PORT": f"tcp://{ip}:80", "WEB_PORT_80_TCP": f"tcp://{ip}:80", "WEB_PORT_80_TCP_PROTO": "tcp",
        "WEB_PORT_80_TCP_PORT": "80", "WEB_PORT_80_TCP_ADDR": ip}
    assert env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1" and env["KUBERNETES_SERVICE_PORT_HTTPS"] == "443"
    assert "EMPTY_SERVICE_HOST" in env
    assert run(c, "printenv WEB_SERVICE_PORT") == (0, "80\n")


def test_enable_service_links_false_keeps_only_kubernetes(lab):
    c, _, _ = lab
    env = dict(line.split("=", 1) for line in run(c, "env", pod="nolinks")[1].splitlines())
    assert "WEB_SERVICE_HOST" not in env and env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"


def test_services_created_after_the_container_are_not_in_its_env(lab):
    c, _, _ = lab
    c.apply(service("late", selector={"app": "web"}))
    c.run(2)
    assert run(c, "printenv LATE_SERVICE_HOST")[0] == 1
    assert run(c, "nslookup late")[0] == 0  # DNS has no such ordering requirement


# ------------------------------------------------------------------------------ tables
@pytest.mark.parametrize("spec,expected", [
    ({}, "search ns1.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"),
    ({"hostNetwork": True}, "nameserver 172.18.0.1\n"),
    ({"hostNetwork": True, "dnsPolicy": "ClusterFirstWithHostNet"},
     "search ns1.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"),
    ({"dnsPolicy": "Default"}, "nameserver 172.18.0.1\n"),
    # the example of kubernetes.io "DNS for Services and Pods": Pod's DNS Config
    ({"dnsPolicy": "None", "dnsConfig": {"nameservers": ["192.0.2.1"], "searches": ["ns1.svc.cluster-domain.example",
                                                                                   "my.dns.search.suffix"],
                                         "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]}},
     "search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 192.0.2.1\noptions ndots:2 edns0\n"),
    ({"dnsConfig": {"options": [{"name": "ndots", "value": "1"}]}},
     "search ns1.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:1\n"),
])
def test_pod_dns_config(spec, expected):
    pod = {"metadata": {"namespace": "ns1"}, "spec": spec}
    assert format_resolv_conf(pod_dns_config(pod)) == expected


def _svc(name, ns="default", ip="10.96.0.5", ports=None, **spec):
    return {"metadata": {"name": name, "namespace": ns},
            "spec": {"clusterIP": ip, "ports": ports or [{"port": 80, "protocol": "TCP"}], **spec}}


def test_service_env_table():
    kube = _svc("kubernetes", ip="10.96.0.1", ports=[{"name": "https", "port": 443, "protocol": "TCP"}])
    redis = _svc("redis-master", ip="10.0.0.11", ports=[{"port": 6379, "protocol": "TCP"}])
    headless = _svc("db", ip="None")
    other_ns = _svc("elsewhere", ns="other")
    env = service_env([kube, redis, headless, other_ns], "default")
    # kubernetes.io "Service": Environment variables (the redis-primary example)
    assert {k: v for k, v in env.items() if k.startswith("REDIS")} == {
        "REDIS_MASTER_SERVICE_HOST": "10.0.0.11", "REDIS_MASTER_SERVICE_PORT": "6379",
        "REDIS_MASTER_PORT": "tcp://10.0.0.11:6379", "REDIS_MASTER_PORT_6379_TCP": "tcp://10.0.0.11:6379",
        "REDIS_MASTER_PORT_6379_TCP_PROTO": "tcp", "REDIS_MASTER_PORT_6379_TCP_PORT": "6379",
        "REDIS_MASTER_PORT_6379_TCP_ADDR": "10.0.0.11"}
    assert not any(k.startswith(("DB_", "ELSEWHERE_")) for k in env)
    assert env["KUBERNETES_SERVICE_PORT_HTTPS"] == "443"
    assert set(service_env([kube, redis], "default", enable_service_links=False)) == {
        k for k in env if k.startswith("KUBERNETES")}
    multi = _svc("dns", ports=[{"name": "dns", "port": 53, "protocol": "UDP"},
                               {"name": "dns-tcp", "port": 53, "protocol": "TCP"}])
    e = service_env([multi], "default")
    assert e["DNS_PORT"] == "udp://10.96.0.5:53" and e["DNS_PORT_53_UDP_PROTO"] == "udp"
    assert e["DNS_SERVICE_PORT_DNS_TCP"] == "53" and e["DNS_PORT_53_TCP_ADDR"] == "10.96.0.5"
