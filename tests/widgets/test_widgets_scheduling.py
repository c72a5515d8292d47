"""Chapter 06's panels and step functions, driven without a browser."""

from __future__ import annotations

import ipywidgets as w
import pytest

import k8slab
from k8slab.widgets.scheduling import probe_pod, requests_step, scheduling_panel, strategy_panel, strategy_step


@pytest.fixture
def c():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.run(2)
    return c


def test_requests_step_explains_without_creating(c):
    df = requests_step(c, 500, 256)
    assert list(df.index) == ["node-1", "node-2"] and df["feasible"].all()
    df = requests_step(c, 2500, 256)
    assert not df["feasible"].any() and set(df["reason"]) == {"Insufficient cpu"}
    assert c.list("pods", "default") == []


def test_probe_pod_shape():
    p = probe_pod(250, 128)
    assert p["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "250m", "memory": "128Mi"}


def test_scheduling_panel_sliders_refresh(c):
    box = scheduling_panel(c)
    cpu, mem = box.children[0].children
    table = box.children[1]
    image = box.children[2]
    assert "Insufficient" not in table.value and image.value
    cpu.value = 3000
    assert "Insufficient cpu" in table.value
    mem.value = 128
    assert "Insufficient cpu" in table.value


def test_strategy_step_and_panel():
    usage, summary = strategy_step("MostAllocated")
    assert summary.loc["MostAllocated", "nodes_used"] == 3
    assert len(usage) == 5
    box = strategy_panel("LeastAllocated")
    drop, out = box.children
    assert isinstance(drop, w.Dropdown) and "LeastAllocated" in out.value
    drop.value = "MostAllocated"
    assert "MostAllocated" in out.value
