"""metrics-server + kubectl top through k8slab.Cluster."""

import pytest

import k8slab
from k8slab.kubectl import KubectlError

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        resources: {requests: {cpu: 100m, memory: 64Mi}}
"""


def test_top_without_metrics_server_is_refused():
    c = k8slab.Cluster(seed=0, nodes=1)
    with pytest.raises(KubectlError, match="Metrics API not available"):
        c.kubectl("top nodes")


def test_top_nodes_and_pods():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.start_metrics_server()
    c.apply(WEB)
    with pytest.raises(KubectlError, match="metrics not available yet"):
        c.kubectl("top nodes")
    c.run(60)
    out = c.kubectl("top nodes")
    assert out.splitlines()[0] == "NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   "
    assert out.splitlines()[1].split() == ["node-1", "51m", "2%", "264Mi", "6%"]
    pods = c.kubectl("top pods").splitlines()
    assert pods[0] == "NAME                   CPU(cores)   MEMORY(bytes)   "
    assert len(pods) == 3 and all(line.split()[1:] == ["1m", "8Mi"] for line in pods[1:])
    cont = c.kubectl("top pods -A --containers --sort-by=memory").splitlines()
    assert cont[0].split() == ["NAMESPACE", "POD", "NAME", "CPU(cores)", "MEMORY(bytes)"]
    assert c.kubectl("top pods -n kube-system") == "No resources found in kube-system namespace.\n"
    with pytest.raises(KubectlError, match='podmetrics.metrics.k8s.io "default/nope" not found'):
        c.kubectl("top pod nope")


def test_metrics_frames():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.start_metrics_server()
    c.apply(WEB)
    c.run(60)
    nodes = c.metrics("node")
    assert list(nodes["time"]) == [15.0, 30.0, 45.0, 60.0]
    assert set(c.metrics("pod")["pod"].str.startswith("web-")) == {True}
    assert c.metrics("deployment", name="web")["replicas"].iloc[-1] == 2
    with pytest.raises(ValueError, match="unknown metrics kind"):
        c.metrics("bogus")
