"""Formulas of the kubelet as tables: durations, phases, conditions, back-off, allocatable, defaults."""

import pytest

from k8slab.node import DEFAULTS, Backoff
from k8slab.node.status import (containers_ready_condition, format_pod, get_phase, go_duration,
                                initialized_condition, merge_conditions, pod_requests, ready_condition)
from node_harness import Harness


@pytest.mark.parametrize("seconds, text", [
    (0, "0s"), (0.0004, "0s"), (0.001, "1ms"), (0.837, "837ms"), (1, "1s"), (1.5, "1.5s"), (1.234, "1.234s"),
    (1.2345, "1.234s"), (10, "10s"), (59.999, "59.999s"), (60, "1m0s"), (80, "1m20s"), (160, "2m40s"),
    (300, "5m0s"), (3661.5, "1h1m1.5s"),
])
def test_go_duration_truncated_to_milliseconds(seconds, text):
    assert go_duration(seconds) == text


def test_backoff_doubles_from_10s_to_300s():
    b = Backoff()
    assert (b.initial, b.max) == (10.0, 300.0)
    seq = [b.next("k", t) for t in range(7)]
    assert seq == [10, 20, 40, 80, 160, 300, 300]


@pytest.mark.parametrize("last_failure, now, in_backoff", [
    (0, 5, True), (0, 9.999, True), (0, 10, False), (0, 30, False),
])
def test_backoff_window_since_update(last_failure, now, in_backoff):
    b = Backoff()
    b.next("k", last_failure)
    assert b.is_in_backoff_since_update("k", now) is in_backoff


def test_backoff_starts_over_after_twice_the_maximum_idle():
    b = Backoff()
    for t in range(5):
        b.next("k", t)
    assert b.get("k") == 160
    assert b.next("k", 4 + 601) == 10
    b.gc(10_000)
    assert b.get("k") == 0


def test_container_backoff_uses_the_finish_time():
    b = Backoff()
    b.next("c", 100.0)  # the container finished at t=100
    assert b.is_in_backoff_since("c", 100.0, now=109.0)
    assert not b.is_in_backoff_since("c", 100.0, now=110.0)


def test_upstream_defaults_table():
    assert DEFAULTS["nodeStatusUpdateFrequency"] == 10
    assert DEFAULTS["nodeStatusReportFrequency"] == 300
    assert DEFAULTS["nodeLeaseDurationSeconds"] == 40
    assert DEFAULTS["nodeLeaseRenewInterval"] == 10
    assert (DEFAULTS["imageBackOffInitial"], DEFAULTS["imageBackOffMax"]) == (10, 300)
    assert (DEFAULTS["containerBackOffInitial"], DEFAULTS["containerBackOffMax"]) == (10, 300)
    assert DEFAULTS["podWorkerBackOffPeriod"] == 10
    assert DEFAULTS["plegRelistPeriod"] == 1
    assert DEFAULTS["evictionHard"] == {"memory.available": "100Mi", "nodefs.available": "10%",
                                        "imagefs.available": "15%", "nodefs.inodesFree": "5%"}
    assert DEFAULTS["kubeletVersion"] == "v1.32.0"


# ------------------------------------------------------------------ phases and conditions
def cs(name, kind, reason="", exit_code=0, last_terminated=False, ready=False):
    state = {kind: {}}
    if kind == "terminated":
        state[kind] = {"exitCode": exit_code, "reason": reason}
    elif kind == "waiting":
        state[kind] = {"reason": reason}
    st = {"name": name, "state": state, "lastState": {}, "ready": ready}
    if last_terminated:
        st["lastState"] = {"terminated": {"exitCode": 1}}
    return st


SPEC2 = {"containers": [{"name": "a"}, {"name": "b"}]}


@pytest.mark.parametrize("policy, statuses, terminal, phase", [
    ("Always", [cs("a", "waiting", "ContainerCreating"), cs("b", "running")], False, "Pending"),
    ("Always", [cs("a", "running"), cs("b", "running")], False, "Running"),
    ("Always", [cs("a", "running")], False, "Pending"),                       # b unknown
    ("Always", [cs("a", "terminated", exit_code=0), cs("b", "terminated", exit_code=1)], False, "Running"),
    ("Always", [cs("a", "waiting", "CrashLoopBackOff", last_terminated=True), cs("b", "running")], False, "Running"),
    ("Never", [cs("a", "terminated"), cs("b", "terminated")], False, "Succeeded"),
    ("Never", [cs("a", "terminated"), cs("b", "terminated", exit_code=2)], False, "Failed"),
    ("OnFailure", [cs("a", "terminated"), cs("b", "terminated", exit_code=2)], False, "Running"),
    ("OnFailure", [cs("a", "terminated"), cs("b", "terminated")], False, "Succeeded"),
    ("Always", [cs("a", "terminated"), cs("b", "terminated")], True, "Succeeded"),
    ("Always", [cs("a", "terminated"), cs("b", "terminated", exit_code=137)], True, "Failed"),
    ("Always", [cs("a", "waiting", "ErrImagePull"), cs("b", "terminated")], True, "Pending"),
])
def test_get_phase(policy, statuses, terminal, phase):
    assert get_phase({**SPEC2, "restartPolicy": policy}, statuses, terminal) == phase


@pytest.mark.parametrize("statuses, phase, expect", [
    ([cs("a", "running", ready=True), cs("b", "running", ready=True)], "Running", ("True", None, None)),
    ([cs("a", "running", ready=True), cs("b", "waiting", "ContainerCreating")], "Pending",
     ("False", "ContainersNotReady", "containers with unready status: [b]")),
    ([cs("a", "waiting"), cs("b", "waiting")], "Pending",
     ("False", "ContainersNotReady", "containers with unready status: [a b]")),
    ([cs("a", "running", ready=True)], "Pending",
     ("False", "ContainersNotReady", "containers with unknown status: [b]")),
    ([cs("a", "terminated"), cs("b", "terminated")], "Succeeded", ("False", "PodCompleted", None)),
    ([cs("a", "terminated"), cs("b", "terminated", exit_code=1)], "Failed", ("False", "PodFailed", None)),
])
def test_containers_ready_and_ready(statuses, phase, expect):
    c = containers_ready_condition(SPEC2, statuses, phase)
    r = ready_condition(SPEC2, [], statuses, phase)
    assert (c["status"], c.get("reason"), c.get("message")) == expect
    assert (r["type"], r["status"], r.get("reason"), r.get("message")) == ("Ready",) + expect


def test_readiness_gates():
    spec = {"containers": [{"name": "a"}], "readinessGates": [{"conditionType": "example.com/lb"}]}
    ok = [cs("a", "running", ready=True)]
    r = ready_condition(spec, [], ok, "Running")
    assert (r["status"], r["reason"], r["message"]) == (
        "False", "ReadinessGatesNotReady", 'corresponding condition of pod readiness gate "example.com/lb" does not exist.')
    r = ready_condition(spec, [{"type": "example.com/lb", "status": "False"}], ok, "Running")
    assert r["message"] == 'the status of pod readiness gate "example.com/lb" is not "True", but False'
    assert ready_condition(spec, [{"type": "example.com/lb", "status": "True"}], ok, "Running")["status"] == "True"


@pytest.mark.parametrize("phase, reason", [("Running", None), ("Succeeded", "PodCompleted"), ("Failed", None)])
def test_initialized(phase, reason):
    c = initialized_condition({"containers": []}, phase)
    assert (c["status"], c.get("reason")) == ("True", reason)


def test_merge_conditions_keeps_transition_times_and_foreign_conditions():
    old = [{"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": "T0"},
           {"type": "DisruptionTarget", "status": "True", "lastProbeTime": None, "lastTransitionTime": "T1"},
           {"type": "Ready", "status": "False", "lastProbeTime": None, "lastTransitionTime": "T2"}]
    gen = [{"type": "Ready", "status": "True", "lastProbeTime": None, "lastTransitionTime": None},
           {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": None}]
    out = merge_conditions(old, gen, 5)
    assert [(c["type"], c["lastTransitionTime"]) for c in out] == [
        ("DisruptionTarget", "T1"), ("Ready", "2025-01-01T00:00:05Z"), ("PodScheduled", "T0")]


def test_pod_requests_and_format():
    pod = {"metadata": {"name": "web", "namespace": "default", "uid": "u-1"},
           "spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}},
                                   {"name": "b", "resources": {"requests": {"cpu": "1"}}}],
                    "initContainers": [{"name": "i", "resources": {"requests": {"memory": "1Gi"}}}],
                    "overhead": {"cpu": "10m"}}}
    assert pod_requests(pod) == {"cpu": 1260, "memory": 1024 ** 3, "ephemeral-storage": 0}
    assert format_pod(pod) == "web_default(u-1)"


# ------------------------------------------------------------------ capacity and allocatable
@pytest.mark.parametrize("cpu, memory, storage, capacity, allocatable", [
    ("2", "4Gi", "100Gi",
     {"cpu": "2", "memory": "4Gi", "ephemeral-storage": "100Gi"},
     {"cpu": "2", "memory": "3996Mi", "ephemeral-storage": "96636764k"}),
    # a real node's numbers (kubectl describe node): 100Mi and float32 10% held back
    ("1", "2039724Ki", "20263484Ki",
     {"cpu": "1", "memory": "2039724Ki", "ephemeral-storage": "20263484Ki"},
     {"cpu": "1", "memory": "1937324Ki", "ephemeral-storage": "18674826824"}),
    ("500m", "1Gi", "10Gi",
     {"cpu": "500m", "memory": "1Gi", "ephemeral-storage": "10Gi"},
     {"cpu": "500m", "memory": "924Mi", "ephemeral-storage": "9663676400"}),
])
def test_capacity_and_allocatable(cpu, memory, storage, capacity, allocatable):
    h = Harness(nodes=1, cpu=cpu, memory=memory, ephemeral_storage=storage)
    st = h.client.get("nodes", "node-1")["status"]
    for k, v in capacity.items():
        assert st["capacity"][k] == v
        assert st["allocatable"][k] == allocatable[k]
    assert st["capacity"]["pods"] == st["allocatable"]["pods"] == "110"
    assert st["capacity"]["hugepages-1Gi"] == st["capacity"]["hugepages-2Mi"] == "0"
