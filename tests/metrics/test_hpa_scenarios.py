"""HPA scenarios through k8slab.Cluster: scale up under load, the 300 s stabilization window on the way down."""

from hypothesis import given, settings, strategies as st

import k8slab
from k8slab.load import LoadGenerator

APP = """
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
        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 500m}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def _cluster(seed=0):
    c = k8slab.Cluster(seed=seed, nodes=3)
    c.start_metrics_server()
    c.apply(APP)
    c.run(30)
    return c


def _replicas(c):
    return c.get("deployments", "web")["spec"]["replicas"]


def test_autoscale_and_get_hpa_columns():
    c = _cluster()
    assert c.kubectl("autoscale deployment web --cpu-percent=50 --min=1 --max=10") == \
        "horizontalpodautoscaler.autoscaling/web autoscaled\n"
    out = c.kubectl("get hpa")
    assert out.splitlines()[0].split() == ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]
    assert "cpu: <unknown>/50%" in out
    c.run(60)
    assert "cpu: 1%/50%" in c.kubectl("get hpa")


def test_scale_up_then_stabilized_scale_down():
    c = _cluster()
    c.kubectl("autoscale deployment web --cpu-percent=50 --min=1 --max=10")
    load = LoadGenerator(c, "web", 200).start()
    c.run(60)
    # 200 rps on one pod: capped at its 500m limit = 500 % of request → 10 wanted, limited by the
    # default scale-up policy (max(+4 pods, +100 %) per 15 s) to 5
    assert _replicas(c) == 5
    hpa = c.get("horizontalpodautoscalers", "web")
    assert {x["type"]: x["reason"] for x in hpa["status"]["conditions"]}["ScalingActive"] == "ValidMetricFound"
    load.rps = 5
    t_drop = c.now
    c.run(240)  # within the 300 s window: the highest recent recommendation (5) holds
    assert _replicas(c) == 5
    assert {x["type"]: x["reason"] for x in c.get("horizontalpodautoscalers", "web")["status"]["conditions"]}[
        "AbleToScale"] == "ScaleDownStabilized"
    c.run(120)
    assert _replicas(c) == 1 and c.now - t_drop <= 360
    events = c.kubectl("get events --field-selector reason=SuccessfulRescale")
    assert "New size: 5; reason: cpu resource utilization (percentage of request) above target" in events
    assert "New size: 1; reason: All metrics below target" in events


@settings(max_examples=8, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=600), min_size=1, max_size=4),
       st.integers(min_value=1, max_value=3), st.integers(min_value=0, max_value=4))
def test_hpa_never_leaves_min_max(loads, min_r, extra):
    max_r = min_r + extra
    c = _cluster()
    c.kubectl(f"autoscale deployment web --cpu-percent=50 --min={min_r} --max={max_r}")
    load = LoadGenerator(c, "web", 0).start()
    c.run(20)
    for rps in loads:
        load.rps = rps
        for _ in range(6):
            c.run(15)
            assert min_r <= _replicas(c) <= max_r
