"""The chapter 07 widgets' step functions, and the panels wired to them."""

import pytest

import k8slab
from k8slab.widgets.rollout import (DEPLOYMENT_TEMPLATE, kill_switch_panel, kill_switch_step, rollout_line,
                                    rollout_step, rollout_stepper_panel, set_image, strategy_panel, strategy_run,
                                    strategy_summary)


@pytest.fixture
def c():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply(DEPLOYMENT_TEMPLATE)
    c.run(30)
    return c


def test_rollout_step_reports_each_replicaset(c):
    assert rollout_line(c) == "t=30s rev 1 (nginx:1.26) 6 | pods 6 available 6"
    set_image(c, "web", "nginx:1.27")
    lines = [rollout_step(c, 2.0) for _ in range(5)]
    assert "rev 1 (nginx:1.26)" in lines[0] and "→ rev 2 (nginx:1.27)" in lines[0]
    assert lines[-1].endswith("rev 2 (nginx:1.27) 6 | pods 6 available 6")


@pytest.mark.parametrize("surge, unavailable", [(1, 0), (0, 1), (3, 3)])
def test_strategy_run_stays_within_bounds(surge, unavailable):
    s = strategy_run(surge, unavailable)
    text = strategy_summary(s, 6, surge, unavailable)
    assert f"at most {6 + surge} pods (limit {6 + surge})" in text or f"(limit {6 + surge})" in text
    from k8slab.viz.rollout import rollout_bounds
    assert rollout_bounds(s, 6, surge, unavailable)["within bounds"]


def test_strategy_run_refuses_both_zero():
    with pytest.raises(k8slab.KubectlError) as e:
        strategy_run(0, 0)
    assert "may not be 0 when `maxSurge` is 0" in str(e.value)


def test_kill_switch_step_fails_and_recovers(c):
    down = kill_switch_step(c, "node-2", dead=True, seconds=60)
    assert down[down["node"] == "node-2"]["node_status"].iloc[-1] == "NotReady"
    up = kill_switch_step(c, "node-2", dead=False)
    assert up[up["node"] == "node-2"]["node_status"].iloc[-1] == "Ready"


def test_panels_are_wired(c):
    panel = rollout_stepper_panel(c)
    assert "k8slab-rollout" in panel._dom_classes
    buttons = panel.children[0].children
    buttons[1].click()  # set image
    buttons[3].click()  # step 5 s
    assert "rev 2 (nginx:1.27)" in panel.children[1].value
    buttons[4].click()  # rollout undo
    assert panel.children[2].value  # a picture was drawn

    sp = strategy_panel()
    assert "maxSurge=1 maxUnavailable=1" in sp.children[1].value
    sp.children[0].children[0].value = 0
    sp.children[0].children[1].value = 0
    assert "may not be 0" in sp.children[1].value

    ks = kill_switch_panel(c)
    ks.children[0].children[0].value = True
    assert "node-1 NotReady" in ks.children[1].value
