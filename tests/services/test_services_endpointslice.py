"""The EndpointSlice controller (controllers/endpointslice.py)."""

import k8slab
from svc_fixtures import client_pod, cluster_with_web, deployment, service


def slices(c, svc="web"):
    return c.client.list("endpointslices", "default", label_selector=f"kubernetes.io/service-name={svc}")["items"]


def endpoints(c, svc="web"):
    return sorted((e for s in slices(c, svc) for e in s["endpoints"]), key=lambda e: e["targetRef"]["name"])


def test_slice_shape():
    c = cluster_with_web(3)
    [s] = slices(c)
    assert s["addressType"] == "IPv4"
    assert s["metadata"]["name"].startswith("web-")
    assert s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io"
    assert s["metadata"]["ownerReferences"][0]["kind"] == "Service"
    assert s["ports"] == [{"name": "http", "port": 80, "protocol": "TCP"}]  # named targetPort resolved
    pods = {p["metadata"]["name"]: p for p in c.list("pods", "default") if p["metadata"]["name"].startswith("web-")}
    assert len(s["endpoints"]) == 3
    for e in s["endpoints"]:
        p = pods[e["targetRef"]["name"]]
        assert e["addresses"] == [p["status"]["podIP"]]
        assert e["nodeName"] == p["spec"]["nodeName"]
        assert e["conditions"] == {"ready": True, "serving": True, "terminating": False}


def test_not_ready_pods_are_not_ready_endpoints():
    c = cluster_with_web(2, readiness_path="/ready.html")  # nginx has no such file: 404, never Ready
    eps = endpoints(c)
    assert len(eps) == 2 and all(e["conditions"]["ready"] is False for e in eps)
    assert all(e["conditions"]["serving"] is False for e in eps)
    # publishNotReadyAddresses makes them ready for DNS and proxies
    c.apply(service(publishNotReadyAddresses=True))
    c.run(2)
    assert all(e["conditions"]["ready"] is True for e in endpoints(c))


def test_terminating_endpoints():
    c = cluster_with_web(2)
    name = endpoints(c)[0]["targetRef"]["name"]
    c.client.delete("pods", name, "default")
    c.run(0.05)
    e = next(e for e in endpoints(c) if e["targetRef"]["name"] == name)
    assert e["conditions"] == {"ready": False, "serving": True, "terminating": True}
    c.run(40)
    assert name not in {e["targetRef"]["name"] for e in endpoints(c)}


def test_no_pods_gives_an_empty_slice_and_scaling_fills_it():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.apply([service()])
    c.run(1)
    [s] = slices(c)
    assert s["endpoints"] == [] and s["ports"] == []
    c.apply(deployment(replicas=2))
    c.run(30)
    assert len(endpoints(c)) == 2


def test_max_endpoints_per_slice():
    c = k8slab.Cluster(seed=0, nodes=2,
                       controller_options={"endpointslice-controller": {"max_endpoints_per_slice": 2}})
    c.apply([deployment(replicas=5), service()])
    c.run(30)
    ss = slices(c)
    assert sorted(len(s["endpoints"]) for s in ss) == [1, 2, 2]


def test_selectorless_service_is_left_alone():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "manual"},
             "spec": {"ports": [{"port": 80}]}})
    c.run(2)
    assert slices(c, "manual") == []


def test_deleting_the_service_removes_its_slices():
    c = cluster_with_web(1)
    c.client.delete("services", "web", "default")
    c.run(10)
    assert slices(c) == []
