"""The kubelet inside a whole ``k8slab.Cluster`` (scheduler, controllers, kubectl)."""

import ipaddress

import pytest

k8slab = pytest.importorskip("k8slab")


def cluster(**kw):
    try:
        return k8slab.Cluster(**kw)
    except ImportError as e:  # a component still being written
        pytest.skip(f"Cluster not available yet: {e}")


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels: {app: nginx}
spec:
  replicas: 3
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""


def test_deployment_pods_run_on_their_nodes():
    c = cluster(seed=0, nodes=3)
    c.apply(DEPLOYMENT)
    c.run(30)
    pods = c.list("pods", "default")
    assert len(pods) == 3 and all(p["status"]["phase"] == "Running" for p in pods)
    for p in pods:
        node = c.get("nodes", p["spec"]["nodeName"], None)
        assert ipaddress.ip_address(p["status"]["podIP"]) in ipaddress.ip_network(node["spec"]["podCIDR"])
        assert p["status"]["hostIP"] == node["status"]["addresses"][0]["address"]
        evs = sorted((e for e in c.list("events", "default") if e["involvedObject"]["name"] == p["metadata"]["name"]),
                     key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))
        assert [e["reason"] for e in evs] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    out = c.kubectl("get nodes")
    assert out.splitlines()[1].split()[1:2] == ["Ready"] and "v1.32.0" in out


def test_same_seed_same_pods():
    outs = []
    for _ in range(2):
        c = cluster(seed=3, nodes=3)
        c.apply(DEPLOYMENT)
        c.run(40)
        outs.append((str(c.kubectl("get pods -o wide")),
                     sorted(cs["containerID"] for p in c.list("pods", "default")
                            for cs in p["status"]["containerStatuses"])))
    assert outs[0] == outs[1]


def test_nodes_stay_ready_and_a_failed_node_comes_back():
    c = cluster(seed=0, nodes=3)
    c.apply(DEPLOYMENT)
    c.run(600)
    assert all(line.split()[1] == "Ready" for line in c.kubectl("get nodes").splitlines()[1:])
    assert len(c.list("leases", "kube-node-lease")) == 3
    victim = c.list("pods", "default")[0]
    node = victim["spec"]["nodeName"]
    c.fail_node(node)
    c.run(70)
    assert c.get("nodes", node, None)["status"]["conditions"][-1]["status"] == "Unknown"
    c.run(400)  # past the 300 s toleration: the pod is evicted, and stays Terminating while the node is dark
    assert c.get("pods", victim["metadata"]["name"])["metadata"]["deletionTimestamp"]
    c.recover_node(node)
    c.run(60)
    names = {p["metadata"]["name"] for p in c.list("pods", "default")}
    assert victim["metadata"]["name"] not in names
    assert c.get("nodes", node, None)["status"]["conditions"][-1]["status"] == "True"
    assert sum(1 for p in c.list("pods", "default") if p["status"]["phase"] == "Running") == 3
