"""The traffic generator (traffic.py): distribution, readiness, termination, failures."""

import math

from k8slab import traffic
from svc_fixtures import cluster_with_web


def test_distribution_within_statistical_bounds():
    c = cluster_with_web(3)
    n = 900
    df = traffic.send_requests(c, "web", n, from_pod="client")
    assert (df["error"] == "").all() and (df["status"] == 200).all()
    counts = df.groupby("pod").size()
    assert len(counts) == 3
    sd = math.sqrt(n * (1 / 3) * (2 / 3))
    for k in counts:
        assert abs(k - n / 3) < 4 * sd


def test_same_seed_same_run():
    a = traffic.send_requests(cluster_with_web(3, seed=5), "web", 50, from_pod="client")
    b = traffic.send_requests(cluster_with_web(3, seed=5), "web", 50, from_pod="client")
    assert a.equals(b)


def test_not_ready_pods_receive_no_traffic():
    c = cluster_with_web(3)
    # a fourth pod whose readiness never passes, behind the same Service
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "unready", "labels": {"app": "web"}},
             "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 80, "name": "http"}],
                                      "readinessProbe": {"httpGet": {"path": "/ready.html", "port": 80}}}]}})
    c.run(20)
    df = traffic.send_requests(c, "web", 200, from_pod="client")
    assert "unready" not in set(df["pod"])
    assert (df["error"] == "").all()


def test_no_endpoints_connection_refused_and_nxdomain():
    c = cluster_with_web(1)
    c.kubectl("scale deployment web --replicas=0")
    c.run(40)
    df = traffic.send_requests(c, "web", 5, from_pod="client")
    assert (df["error"] == "Connection refused").all()
    df = traffic.send_requests(c, "missing", 2, from_pod="client")
    assert (df["error"] == "bad address 'missing'").all()


def test_node_port_from_outside():
    c = cluster_with_web(2)
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web-np"},
             "spec": {"type": "NodePort", "selector": {"app": "web"},
                      "ports": [{"port": 80, "targetPort": 80, "nodePort": 30080}]}})
    c.run(3)
    df = traffic.send_requests(c, "30080", 20, node="node-2")
    assert (df["status"] == 200).all() and df["client"].eq("external").all()


def test_terminating_pod_stops_receiving_new_connections():
    c = cluster_with_web(2)
    victim = sorted(p["metadata"]["name"] for p in c.list("pods", "default") if p["metadata"]["name"].startswith("web-"))[0]
    c.client.delete("pods", victim, "default")
    c.run(3)
    df = traffic.send_requests(c, "web", 50, from_pod="client")
    assert victim not in set(df["pod"])
