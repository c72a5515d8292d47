"""Cluster DNS (dns.py) against kubernetes/dns docs/specification.md (schema 1.1.0)."""

import k8slab
from k8slab import dns as kdns
from svc_fixtures import cluster_with_web


def test_resolv_conf_and_search_order():
    assert kdns.resolv_conf("shop") == ("search shop.svc.cluster.local svc.cluster.local cluster.local\n"
                                        "nameserver 10.96.0.10\noptions ndots:5\n")
    assert kdns.candidates("web", "shop") == ["web.shop.svc.cluster.local.", "web.svc.cluster.local.",
                                              "web.cluster.local.", "web."]
    # fewer than 5 dots: the search list first, even for a full name (why ndots:5 costs queries)
    assert kdns.candidates("web.shop.svc.cluster.local", "shop")[0] == "web.shop.svc.cluster.local.shop.svc.cluster.local."
    assert kdns.candidates("a.b.c.d.e.f", "x")[0] == "a.b.c.d.e.f."
    assert kdns.candidates("web.shop.svc.cluster.local.", "x") == ["web.shop.svc.cluster.local."]


def test_spec_records():
    c = cluster_with_web(2)
    d = c.dns
    # 2.2 schema version
    assert [str(r) for r in d.query("dns-version.cluster.local", "TXT").records] == \
        ['dns-version.cluster.local. 30 IN TXT "1.1.0"']
    # 2.3.1 A record of a ClusterIP service
    assert [str(r) for r in d.query("kubernetes.default.svc.cluster.local", "A").records] == \
        ["kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1"]
    # 2.3.2 SRV for named ports
    assert [str(r) for r in d.query("_https._tcp.kubernetes.default.svc.cluster.local", "SRV").records] == \
        ["_https._tcp.kubernetes.default.svc.cluster.local. 30 IN SRV 0 100 443 kubernetes.default.svc.cluster.local."]
    # 2.3.3 PTR
    assert [str(r) for r in d.query("1.0.96.10.in-addr.arpa", "PTR").records] == \
        ["1.0.96.10.in-addr.arpa. 30 IN PTR kubernetes.default.svc.cluster.local."]
    # 2.6 pod records
    assert d.query("10-244-1-7.default.pod.cluster.local").addresses == ["10.244.1.7"]
    # names that do not exist
    assert d.query("nope.default.svc.cluster.local").rcode == "NXDOMAIN"
    assert d.query("web.other.svc.cluster.local").rcode == "NXDOMAIN"
    assert d.query("example.com").rcode == "NXDOMAIN"
    # case-insensitive
    assert d.query("KUBERNETES.Default.SVC.cluster.local").addresses == ["10.96.0.1"]


def test_headless_and_external_name():
    c = cluster_with_web(3)
    c.apply([{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web-h"},
              "spec": {"clusterIP": "None", "selector": {"app": "web"},
                       "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}},
             {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ext"},
              "spec": {"type": "ExternalName", "externalName": "www.example.com"}},
             {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lonely"},
              "spec": {"clusterIP": "None", "selector": {"app": "none"}, "ports": [{"port": 80}]}}])
    c.run(3)
    pod_ips = sorted((p["status"]["podIP"] for p in c.list("pods", "default") if p["metadata"]["name"].startswith("web-")),
                     key=lambda s: tuple(map(int, s.split("."))))
    # 2.4.1: one A per ready endpoint, and <hostname>.<svc> A records
    a = c.dns.query("web-h.default.svc.cluster.local")
    assert a.addresses == pod_ips
    host = pod_ips[0].replace(".", "-")
    assert c.dns.query(f"{host}.web-h.default.svc.cluster.local").addresses == [pod_ips[0]]
    # 2.4.2: N x M SRV records pointing at each endpoint
    srv = c.dns.query("_http._tcp.web-h.default.svc.cluster.local", "SRV").records
    assert [r.data.split()[-1] for r in srv] == [f"{ip.replace('.', '-')}.web-h.default.svc.cluster.local."
                                                 for ip in pod_ips]
    # 2.4.1: no ready endpoints → NXDOMAIN
    assert c.dns.query("lonely.default.svc.cluster.local").rcode == "NXDOMAIN"
    # 2.5 ExternalName → CNAME
    assert [str(r) for r in c.dns.query("ext.default.svc.cluster.local").records] == \
        ["ext.default.svc.cluster.local. 30 IN CNAME www.example.com."]


def test_short_names_from_other_namespaces():
    c = cluster_with_web(1)
    ip = c.get("services", "web")["spec"]["clusterIP"]
    assert c.dns.lookup("web", "default") == [ip]
    assert c.dns.lookup("web.default", "kube-system") == [ip]
    assert c.dns.lookup("web", "kube-system") == []
    assert c.dns.nslookup("web", "kube-system").endswith("** server can't find web: NXDOMAIN\n")
    n = len(c.dns.query_log)
    c.dns.resolve("web.default", "kube-system")
    assert [q["question"] for q in c.dns.query_log[n:]] == [
        "web.default.kube-system.svc.cluster.local.", "web.default.svc.cluster.local."]


def test_not_ready_pods_not_in_headless_answers():
    c = cluster_with_web(2, readiness_path="/ready.html")
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "h"},
             "spec": {"clusterIP": "None", "selector": {"app": "web"}, "ports": [{"port": 80}]}})
    c.run(2)
    assert c.dns.query("h.default.svc.cluster.local").rcode == "NXDOMAIN"
