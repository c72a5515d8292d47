"""ClusterIP and NodePort allocation, defaults and validation (apiserver/service_ip.py)."""

import ipaddress

import pytest

import k8slab
from k8slab.api.errors import ApiError
from k8slab.apiserver import service_ip


@pytest.fixture
def c():
    return k8slab.Cluster(seed=0, nodes=1)


def svc(name, **spec):
    spec.setdefault("ports", [{"port": 80}])
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec}


def create(c, obj):
    return c.client.create("services", obj, namespace="default")


def test_kubernetes_service_at_first_address(c):
    k = c.get("services", "kubernetes")
    assert k["spec"]["clusterIP"] == "10.96.0.1"
    assert k["spec"]["clusterIPs"] == ["10.96.0.1"]
    assert k["spec"]["ports"] == [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]
    assert k["spec"]["ipFamilies"] == ["IPv4"] and k["spec"]["ipFamilyPolicy"] == "SingleStack"
    eps = c.get("endpointslices", "kubernetes")
    assert eps["ports"] == [{"name": "https", "port": 6443, "protocol": "TCP"}]


def test_dns_service_at_tenth_address(c):
    assert c.get("services", "kube-dns", "kube-system")["spec"]["clusterIP"] == "10.96.0.10"


def test_defaults(c):
    s = create(c, svc("a", selector={"app": "a"}))["spec"]
    assert s["type"] == "ClusterIP" and s["sessionAffinity"] == "None"
    assert s["internalTrafficPolicy"] == "Cluster"
    assert s["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    ip = ipaddress.ip_address(s["clusterIP"])
    # dynamic allocations come from the upper band (offset 256 for a /12)
    assert ip in ipaddress.ip_network("10.96.0.0/12") and int(ip) - int(ipaddress.ip_address("10.96.0.1")) >= 256
    aff = create(c, svc("b", sessionAffinity="ClientIP"))["spec"]
    assert aff["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_same_seed_same_ips():
    ips = []
    for _ in range(2):
        c = k8slab.Cluster(seed=7, nodes=0)
        ips.append([create(c, svc(f"s{i}"))["spec"]["clusterIP"] for i in range(5)])
    assert ips[0] == ips[1]
    assert len(set(ips[0])) == 5


@pytest.mark.parametrize("ip, message", [
    ("10.96.0.1", 'Service "dup" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.1"]: '
                  "failed to allocate IP 10.96.0.1: provided IP is already allocated"),
    ("10.0.0.5", 'Service "dup" is invalid: spec.clusterIPs: Invalid value: ["10.0.0.5"]: failed to allocate '
                 "IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is "
                 "10.96.0.0/12"),
    ("banana", 'Service "dup" is invalid: spec.clusterIPs[0]: Invalid value: "banana": must be a valid IP '
               "address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
])
def test_cluster_ip_errors(c, ip, message):
    with pytest.raises(ApiError) as e:
        create(c, svc("dup", clusterIP=ip))
    assert e.value.code == 422 and e.value.message == message
    with pytest.raises(ApiError):
        c.get("services", "dup")


def test_static_ip_and_release_on_delete(c):
    assert create(c, svc("s", clusterIP="10.96.0.50"))["spec"]["clusterIP"] == "10.96.0.50"
    with pytest.raises(ApiError):
        create(c, svc("t", clusterIP="10.96.0.50"))
    c.client.delete("services", "s", "default")
    assert create(c, svc("t", clusterIP="10.96.0.50"))["spec"]["clusterIP"] == "10.96.0.50"


def test_node_ports(c):
    s = create(c, svc("np", type="NodePort", ports=[{"port": 80}]))["spec"]
    assert service_ip.NODE_PORT_RANGE[0] + service_ip.PORT_OFFSET <= s["ports"][0]["nodePort"] <= 32767
    assert s["externalTrafficPolicy"] == "Cluster"
    fixed = create(c, svc("fixed", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))["spec"]
    assert fixed["ports"][0]["nodePort"] == 30080
    with pytest.raises(ApiError) as e:
        create(c, svc("again", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    assert e.value.message == ('Service "again" is invalid: spec.ports[0].nodePort: Invalid value: 30080: '
                               "provided port is already allocated")
    with pytest.raises(ApiError) as e:
        create(c, svc("low", type="NodePort", ports=[{"port": 80, "nodePort": 8080}]))
    assert e.value.message == ('Service "low" is invalid: spec.ports[0].nodePort: Invalid value: 8080: '
                               "provided port is not in the valid range. The range of valid ports is 30000-32767")
    with pytest.raises(ApiError) as e:
        create(c, svc("cip", ports=[{"port": 80, "nodePort": 30081}]))
    assert "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" in e.value.message


@pytest.mark.parametrize("spec, message", [
    ({"ports": []}, "spec.ports: Required value"),
    ({"ports": [{"port": 0}]}, "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"),
    ({"ports": [{"port": 80}, {"port": 81}]}, "spec.ports[0].name: Required value"),
    ({"ports": [{"port": 80, "protocol": "HTTP"}]},
     'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'),
    ({"type": "Fancy"},
     'spec.type: Unsupported value: "Fancy": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'),
    ({"type": "ExternalName"}, "spec.externalName: Required value"),
])
def test_validation(c, spec, message):
    with pytest.raises(ApiError) as e:
        create(c, svc("bad", **spec))
    assert message in e.value.message


def test_headless_and_external_name(c):
    h = create(c, svc("h", clusterIP="None", selector={"app": "x"}))["spec"]
    assert h["clusterIP"] == "None" and h["clusterIPs"] == ["None"]
    e = create(c, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ext"},
                   "spec": {"type": "ExternalName", "externalName": "example.com"}})["spec"]
    assert "clusterIP" not in e


def test_update_keeps_ip_and_refuses_change(c):
    s = create(c, svc("u", selector={"app": "u"}))
    ip = s["spec"]["clusterIP"]
    c.apply(svc("u", selector={"app": "v"}))
    assert c.get("services", "u")["spec"]["clusterIP"] == ip
    cur = c.get("services", "u")
    cur["spec"]["clusterIP"] = cur["spec"]["clusterIPs"][0] = "10.96.0.77"
    with pytest.raises(ApiError) as e:
        c.client.update("services", cur)
    assert 'spec.clusterIPs[0]: Invalid value: "10.96.0.77": may not change once set' in e.value.message


def test_kubectl_get_svc(c):
    create(c, svc("web", selector={"app": "web"}))
    out = c.kubectl("get svc")
    assert out.splitlines()[0].split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert "kubernetes   ClusterIP   10.96.0.1" in out
