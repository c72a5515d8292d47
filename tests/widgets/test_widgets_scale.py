"""The scale panel and its step function, driven without a browser."""

from __future__ import annotations

import ipywidgets as w
import pytest

import k8slab
from k8slab.api.errors import ApiError
from k8slab.widgets import scale_panel, scale_step, status_line

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""


@pytest.fixture
def cluster():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply(WEB)
    c.run(30)
    return c


def _parts(box):
    slider = next(ch for ch in box.children if isinstance(ch, w.IntSlider))
    status = next(ch for ch in box.children if isinstance(ch, w.HTML))
    image = next((ch for ch in box.children if isinstance(ch, w.Image)), None)
    return slider, status, image


def test_status_line_after_apply(cluster):
    assert "replicas=3 ready=3" in status_line(cluster, "web")


@pytest.mark.parametrize("replicas", [0, 1, 5])
def test_scale_step(cluster, replicas):
    line = scale_step(cluster, "web", replicas)
    assert f"replicas={replicas} ready={replicas}" in line
    assert cluster.get("deployments", "web")["spec"]["replicas"] == replicas
    # the scale went through the API server as kubectl's scale does
    assert cluster.trace.filter(source="kubectl", verb="update/scale", name="web")


def test_scale_step_rejects_bad_input_and_changes_nothing(cluster):
    with pytest.raises(ApiError) as e:
        scale_step(cluster, "web", -1)
    assert e.value.code == 422
    assert cluster.get("deployments", "web")["spec"]["replicas"] == 3
    with pytest.raises(ApiError) as e:
        scale_step(cluster, "nope", 2)
    assert e.value.code == 404


def test_panel_contract(cluster):
    box = scale_panel(cluster, "web")
    assert "k8slab-scale" in box._dom_classes
    slider, status, image = _parts(box)
    assert "k8slab-status" in status._dom_classes
    assert slider.value == 3 and "replica" in slider.description
    assert "replicas=3 ready=3" in status.value
    assert image is not None and image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_slider_moves_scale_the_deployment(cluster):
    box = scale_panel(cluster, "web")
    slider, status, image = _parts(box)
    before_png = image.value
    t0 = cluster.now
    slider.value = 4  # fires observe, like ArrowRight in the browser
    assert "replicas=4 ready=4" in status.value
    assert cluster.now == t0 + 30
    assert image.value != before_png
    slider.value = 2
    assert "replicas=2 ready=2" in status.value


def test_same_seed_same_status(cluster):
    other = k8slab.Cluster(seed=0, nodes=3)
    other.apply(WEB)
    other.run(30)
    assert scale_step(cluster, "web", 4) == scale_step(other, "web", 4)
