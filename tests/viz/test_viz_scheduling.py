"""The data behind chapter 06's figures: score matrix, node usage, bin packing, placement."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

import k8slab
from k8slab.viz import scheduling as vs


@pytest.fixture(scope="module")
def runs():
    return pd.concat([vs.binpacking_run(s) for s in vs.STRATEGIES])


def test_score_matrix_rows_and_columns():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.run(2)
    m = vs.score_matrix(c, vs.workload_pod(0, 500))
    assert list(m.index) == ["node-1", "node-2", "node-3"]
    assert "total" in m.columns and "NodeResourcesFit" in m.columns and "feasible" not in m.columns
    assert (m["TaintToleration"] == 100).all()
    fig = vs.draw_score_heatmap(m)
    assert fig.axes


def test_score_matrix_marks_filtered_nodes():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.run(2)
    m = vs.score_matrix(c, vs.workload_pod(0, 3000))
    assert m["total"].isna().all()


def test_node_usage_counts_requests():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.run(2)
    c.apply(vs.workload_pod(0, 750))
    c.run(5)
    u = vs.node_usage(c)
    assert u["pods"].sum() == 1 and u["cpu_requested_m"].sum() == 750
    assert (u["cpu_allocatable_m"] == 2000).all()
    assert (u["cpu_free_m"] == u["cpu_allocatable_m"] - u["cpu_requested_m"]).all()


def test_binpacking_most_allocated_uses_fewer_nodes(runs):
    s = vs.binpacking_summary(runs)
    assert s.loc["LeastAllocated", "nodes_used"] == 5
    assert s.loc["MostAllocated", "nodes_used"] == 3
    assert s.loc["MostAllocated", "empty_nodes"] == 2
    assert (s["pods"] == len(vs.BINPACKING_WORKLOAD)).all()
    assert s.loc["MostAllocated", "fragmentation"] < s.loc["LeastAllocated", "fragmentation"]
    assert s.loc["MostAllocated", "largest_free_m"] == 2000
    assert vs.draw_binpacking(runs).axes


def test_binpacking_is_deterministic(runs):
    again = vs.binpacking_run("LeastAllocated")
    pd.testing.assert_frame_equal(again, runs[runs["strategy"] == "LeastAllocated"])


def test_strategy_config_rejects_unknown():
    with pytest.raises(ValueError, match="unknown scoring strategy"):
        vs.strategy_config("Random")


def test_placement_spreads_across_zones():
    c = k8slab.Cluster(seed=0, nodes=0)
    for name, zone in [("node-1", "zone-a"), ("node-2", "zone-a"), ("node-3", "zone-b")]:
        c.add_node(name, labels={vs.ZONE_LABEL: zone})
    c.run(2)
    c.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "shop"},
             "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "shop"}},
                      "template": {"metadata": {"labels": {"app": "shop"}},
                                   "spec": {"topologySpreadConstraints": [
                                       {"maxSkew": 1, "topologyKey": vs.ZONE_LABEL,
                                        "whenUnsatisfiable": "DoNotSchedule",
                                        "labelSelector": {"matchLabels": {"app": "shop"}}}],
                                       "containers": [{"name": "c", "image": "nginx:1.25"}]}}}})
    c.run(30)
    p = vs.placement(c, label="app")
    assert len(p) == 4
    assert p.groupby("zone").size().to_dict() == {"zone-a": 2, "zone-b": 2}
