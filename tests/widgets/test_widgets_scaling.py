"""Scaling widgets: the step functions and the panel wiring."""

import pytest

import k8slab
from k8slab.load import LoadGenerator
from k8slab.widgets.scaling import hpa_target_step, load_curve, load_step, node_group_step, scaling_panel

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        resources: {requests: {cpu: 100m}, limits: {cpu: 500m}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


@pytest.mark.parametrize("shape, t, want", [
    ("constant", 0, 100.0), ("ramp", 0, 0.0), ("ramp", 50, 50.0), ("ramp", 500, 100.0),
    ("spike", 10, 0.0), ("spike", 40, 100.0), ("spike", 70, 0.0), ("wave", 0, 0.0), ("wave", 50, 100.0),
])
def test_load_curve(shape, t, want):
    assert load_curve(shape, 100, 100)(t) == pytest.approx(want)


def test_load_curve_rejects():
    with pytest.raises(ValueError, match="unknown load shape"):
        load_curve("square", 1)
    with pytest.raises(ValueError):
        load_curve("ramp", -1)


def _cluster():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.start_metrics_server()
    c.apply(WEB)
    c.run(30)
    c.kubectl("autoscale deployment web --cpu-percent=50 --min=1 --max=4")
    return c


def test_load_and_target_steps():
    c = _cluster()
    load = LoadGenerator(c, "web", 0)
    line = load_step(c, load, "constant", 150, run_seconds=120)
    assert line.startswith("t=150s load=150rps replicas=") and "/50%" in line
    assert int(line.split("replicas=")[1].split()[0]) > 1
    line = hpa_target_step(c, "web", 90, run_seconds=15, load=load)
    assert "/90%" in line
    spec = c.get("horizontalpodautoscalers", "web")["spec"]
    assert spec["metrics"][0]["resource"]["target"]["averageUtilization"] == 90
    with pytest.raises(k8slab.ApiError) as e:
        hpa_target_step(c, "web", 0)
    assert e.value.code == 422 and "must be greater than 0" in e.value.message
    assert c.get("horizontalpodautoscalers", "web")["spec"]["metrics"][0]["resource"]["target"][
        "averageUtilization"] == 90
    with pytest.raises(k8slab.ApiError):
        hpa_target_step(c, "nope", 50)


def test_node_group_step_and_panel():
    c = k8slab.Cluster(seed=0, nodes=1)
    g = c.add_node_group("pool", 0, 1, provisioning_delay=30)
    with pytest.raises(ValueError):
        node_group_step(c, g, 3, 2)
    assert (g.min_size, g.max_size) == (0, 1)
    line = node_group_step(c, g, 0, 3, run_seconds=10)
    assert line.startswith("pool: min=0 max=3 nodes=[] upcoming=0 | t=10s nodes=1 pending=0")
    box = scaling_panel(c, None, hpa=None, group=g, run_seconds=5, picture=False)
    limits = box.children[0]
    limits.value = (0, 2)
    assert g.max_size == 2 and "max=2" in box.children[1].value


def test_panel_drives_hpa_target():
    c = _cluster()
    load = LoadGenerator(c, "web", 0)
    box = scaling_panel(c, load, hpa="web", run_seconds=15, picture=False)
    target = box.children[1]
    target.value = 70
    assert "/70%" in box.children[2].value
    box.children[0].children[2].click()
    assert load.running
