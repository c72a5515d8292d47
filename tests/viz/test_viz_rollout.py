"""The rolling-update figure's data: ReplicaSet sizes over time, and upstream's bounds at every step."""

import pandas as pd
import pytest

import k8slab
from k8slab.viz.rollout import SAMPLE_COLUMNS, draw_rollout, observe_rollout, rollout_bounds, rollout_table
from k8slab.widgets.rollout import DEPLOYMENT_TEMPLATE, set_image


@pytest.fixture(scope="module")
def rolled():
    c = k8slab.Cluster(seed=0, nodes=3)
    d = dict(DEPLOYMENT_TEMPLATE)
    c.apply(d)
    c.run(30)
    set_image(c, "web", "nginx:1.27")
    return c, observe_rollout(c, 20, 1.0)


def test_samples_have_one_row_per_replicaset_per_instant(rolled):
    c, s = rolled
    assert list(s.columns) == SAMPLE_COLUMNS
    assert sorted(s["revision"].unique()) == [1, 2]
    assert set(s[s["revision"] == 2]["image"]) == {"nginx:1.27"}
    # 21 instants (0..20 s): at the first only the old ReplicaSet exists (the controller has not acted yet)
    assert len(s) == 1 + 2 * 20


def test_table_goes_from_old_to_new_within_the_default_bounds(rolled):
    _, s = rolled
    tab = rollout_table(s)
    assert list(tab.columns) == ["time", "rev 1", "rev 2", "total", "available"]
    first, last = tab.iloc[0], tab.iloc[-1]
    assert (first["rev 1"], first["rev 2"]) == (6, 0)
    assert (last["rev 1"], last["rev 2"], last["available"]) == (0, 6, 6)
    # the default strategy: 25% of 6 -> maxSurge 2 (rounded up), maxUnavailable 1 (rounded down)
    b = rollout_bounds(s, 6, 2, 1)
    assert b["within bounds"] and b["max pods"] == 8 and b["min available"] == 5
    assert len(tab) > 3  # drawn in several steps, not one jump


def test_changes_only_keeps_the_turning_points(rolled):
    _, s = rolled
    full = rollout_table(s, changes_only=False)
    steps = rollout_table(s)
    assert len(full) == 21 and len(steps) < len(full)
    assert (steps.drop(columns="time").diff().abs().sum(axis=1).iloc[1:] > 0).all()


def test_draw_rollout_draws_one_line_per_replicaset_and_the_totals(rolled):
    import matplotlib
    matplotlib.use("Agg")
    _, s = rolled
    fig = draw_rollout(s)
    labels = [l.get_label() for l in fig.axes[0].get_lines()]
    assert labels == ["rev 1 (nginx:1.26)", "rev 2 (nginx:1.27)", "all pods", "available"]


def test_empty_samples_give_an_empty_table():
    assert rollout_table(pd.DataFrame(columns=SAMPLE_COLUMNS)).empty
