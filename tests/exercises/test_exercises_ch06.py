"""Chapter 06's checkers reject the starting state and accept a solution."""

from __future__ import annotations

import copy

import pytest

from k8slab.exercises import ch06


@pytest.fixture
def lab():
    return ch06.pending_lab()


def test_starting_state_is_pending(lab):
    pod = lab.get("pods", "trainer")
    assert not pod["spec"].get("nodeName")
    df = lab.scheduler.explain("trainer")
    assert df.loc["gpu-1", "reason"] == "node(s) had untolerated taint {gpu: true}"
    assert not ch06.check_trainer_scheduled(lab).ok


@pytest.mark.parametrize("answer, ok", [
    (None, False), ("", False), ("NodeAffinity", False), ("NodeResourcesFit", False), ("kubelet", False),
    ("TaintToleration", True), ("taint toleration", True), ("Taints", True),
])
def test_pending_reason(lab, answer, ok):
    assert ch06.check_pending_reason(lab, answer).ok is ok


def _recreate(lab, spec_changes):
    lab.kubectl("delete pod trainer")
    lab.run(5)
    fixed = copy.deepcopy(ch06.TRAINER)
    fixed["spec"].update(spec_changes)
    fixed["spec"] = {k: v for k, v in fixed["spec"].items() if v is not None}
    lab.apply(fixed)
    lab.run(10)


def test_toleration_fixes_it(lab):
    _recreate(lab, {"tolerations": [{"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]})
    r = ch06.check_trainer_scheduled(lab)
    assert r.ok, r.message


def test_dropping_the_selector_is_not_the_fix(lab):
    _recreate(lab, {"nodeSelector": None})
    r = ch06.check_trainer_scheduled(lab)
    assert not r.ok and "accelerator=nvidia" in r.message


def test_deleted_pod_is_reported(lab):
    lab.kubectl("delete pod trainer")
    lab.run(5)
    assert not ch06.check_trainer_scheduled(lab).ok
