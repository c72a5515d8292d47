"""Chapter 09's checkers reject the exercises' start states and accept a solution."""

import k8slab
from k8slab.exercises import ch09
from k8slab.widgets.scaling import node_group_step

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
        resources: {requests: {cpu: 100m}}
"""

BATCH = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: batch}
spec:
  replicas: 9
  selector: {matchLabels: {app: batch}}
  template:
    metadata: {labels: {app: batch}}
    spec:
      containers:
      - name: worker
        image: nginx:1.27
        resources: {requests: {cpu: 600m, memory: 256Mi}}
"""


def test_hpa():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.start_metrics_server()
    c.apply(WEB)
    c.run(30)
    assert not ch09.check_hpa(c)
    c.kubectl("autoscale deployment web --cpu-percent=50 --min=2 --max=8")
    c.run(60)
    assert not ch09.check_hpa(c)
    c.kubectl("delete hpa web")
    c.kubectl("autoscale deployment web --cpu-percent=60 --min=2 --max=6")
    assert not ch09.check_hpa(c)  # no metrics computed yet
    c.run(60)
    assert ch09.check_hpa(c)


def test_warning_reason():
    c = k8slab.Cluster(seed=0, nodes=1)
    assert not ch09.check_warning_reason(c, "Failed")
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "typo"},
             "spec": {"containers": [{"name": "c", "image": "ngnix:1.27"}]}})
    c.run(30)
    assert not ch09.check_warning_reason(c, None)
    assert not ch09.check_warning_reason(c, "ErrImagePull")
    assert ch09.check_warning_reason(c, "Failed")


def test_nothing_pending():
    c = k8slab.Cluster(seed=0, nodes=1)
    g = c.add_node_group("pool", 0, 1, provisioning_delay=60)
    c.apply(BATCH)
    c.run(150)
    assert not ch09.check_nothing_pending(c)
    c.kubectl("scale deployment batch --replicas=3")
    c.run(30)
    assert not ch09.check_nothing_pending(c)  # fewer replicas is not the answer
    c.kubectl("scale deployment batch --replicas=9")
    node_group_step(c, g, 0, 3, run_seconds=150)
    assert ch09.check_nothing_pending(c)
