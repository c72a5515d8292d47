"""Monitoring frames and figures: events timeline, dashboard, HPA view."""

import matplotlib

matplotlib.use("Agg")

import k8slab  # noqa: E402
from k8slab.load import LoadGenerator  # noqa: E402
from k8slab.viz.monitoring import (EVENT_COLUMNS, dashboard_frame, draw_dashboard, draw_event_timeline,  # noqa: E402
                                   draw_hpa, events_frame, hpa_frame)
from k8slab.widgets.scaling import load_curve  # noqa: E402

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


def _cluster():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.start_metrics_server()
    c.apply(WEB)
    c.run(30)
    return c


def test_events_frame_sorted_and_typed():
    c = _cluster()
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "huge"},
             "spec": {"containers": [{"name": "c", "image": "nginx:1.27", "resources": {"requests": {"cpu": "8"}}}]}})
    c.run(5)
    df = events_frame(c)
    assert list(df.columns) == EVENT_COLUMNS
    assert df["time"].is_monotonic_increasing
    warn = df[df["type"] == "Warning"]
    assert list(warn["reason"]) == ["FailedScheduling"] and list(warn["object"]) == ["pod/huge"]
    assert len(events_frame(c, types=["Warning"])) == 1
    ax = draw_event_timeline(df)
    assert len(ax.get_yticklabels()) == df["reason"].nunique()


def test_dashboard_and_hpa_frames():
    c = _cluster()
    c.kubectl("autoscale deployment web --cpu-percent=50 --min=1 --max=5")
    load = LoadGenerator(c, "web", load_curve("ramp", 200, 120)).start()
    c.run(240)
    dash = dashboard_frame(c, "web")
    assert list(dash.columns) == ["time", "cpu", "cpu_allocatable", "nodes", "pods_pending", "pods_running",
                                  "replicas", "ready"]
    assert dash["replicas"].iloc[0] == 1 and dash["replicas"].iloc[-1] > 1
    assert (dash["cpu_allocatable"] == 4.0).all() and dash["cpu"].max() > dash["cpu"].iloc[0]
    fig = draw_dashboard(dash)
    assert len(fig.axes) == 3
    h = hpa_frame(c, load, "web")
    assert list(h.columns) == ["time", "rps", "replicas", "ready", "utilization", "target"]
    assert h["rps"].iloc[-1] == 200.0 and (h["target"] == 50).all()
    assert h["replicas"].is_monotonic_increasing
    ax = draw_hpa(h)
    assert ax.get_ylabel() == "replicas"
