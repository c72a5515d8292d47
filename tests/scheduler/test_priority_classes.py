"""PriorityClasses: the Priority admission plugin, validation, built-in classes, preemption (through Cluster)."""

from __future__ import annotations

import pytest

import k8slab
from k8slab.api.errors import ApiError


def pc(name, value, **kw):
    return {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
            "value": value, **kw}


def pod(name, cpu="100m", **spec):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.25", "resources": {"requests": {"cpu": cpu}}}],
                     **spec}}


@pytest.fixture
def c():
    return k8slab.Cluster(seed=0, nodes=2)


def test_builtin_classes(c):
    got = {p["metadata"]["name"]: p["value"] for p in c.list("priorityclasses")}
    assert got == {"system-cluster-critical": 2000000000, "system-node-critical": 2000001000}


@pytest.mark.parametrize("obj, code, message", [
    (pc("too-high", 1000000001), 422,
     'PriorityClass.scheduling.k8s.io "too-high" is invalid: value: Forbidden: maximum allowed value of a user '
     'defined priority is 1000000000'),
    (pc("system-mine", 10), 422,
     'PriorityClass.scheduling.k8s.io "system-mine" is invalid: metadata.name: Forbidden: priority class names with '
     "'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"),
    (pc("odd", 10, preemptionPolicy="Sometimes"), 422, None),
])
def test_priority_class_validation(c, obj, code, message):
    with pytest.raises(ApiError) as e:
        c.client.create("priorityclasses", obj)
    assert e.value.code == code
    if message:
        assert e.value.message == message
    assert obj["metadata"]["name"] not in {p["metadata"]["name"] for p in c.list("priorityclasses")}


def test_value_is_immutable_and_policy_defaulted(c):
    got = c.client.create("priorityclasses", pc("high", 1000))
    assert got["preemptionPolicy"] == "PreemptLowerPriority"
    got["value"] = 5
    with pytest.raises(ApiError, match="value: Forbidden: may not be changed in an update."):
        c.client.update("priorityclasses", got)


def test_only_one_global_default(c):
    c.client.create("priorityclasses", pc("default-a", 10, globalDefault=True))
    with pytest.raises(ApiError) as e:
        c.client.create("priorityclasses", pc("default-b", 20, globalDefault=True))
    assert (e.value.code, e.value.message) == (
        403, 'priorityclasses.scheduling.k8s.io "default-b" is forbidden: PriorityClass default-a is already marked '
             'as default. Only one default can exist')


def test_pod_priority_resolution(c):
    c.client.create("priorityclasses", pc("high", 1000, preemptionPolicy="Never"))
    p = c.client.create("pods", pod("a"), "default")
    assert (p["spec"]["priority"], p["spec"].get("priorityClassName")) == (0, None)
    p = c.client.create("pods", pod("b", priorityClassName="high"), "default")
    assert (p["spec"]["priority"], p["spec"]["preemptionPolicy"]) == (1000, "Never")
    p = c.client.create("pods", pod("crit", priorityClassName="system-node-critical"), "default")
    assert p["spec"]["priority"] == 2000001000
    c.client.create("priorityclasses", pc("everyone", 7, globalDefault=True))
    p = c.client.create("pods", pod("d"), "default")
    assert (p["spec"]["priority"], p["spec"]["priorityClassName"]) == (7, "everyone")


@pytest.mark.parametrize("spec, message", [
    ({"priorityClassName": "nope"}, 'pods "x" is forbidden: no PriorityClass with name nope was found'),
    ({"priorityClassName": "high", "priority": 5},
     'pods "x" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission '
     'controller computed 1000 from the given PriorityClass name'),
    ({"priority": 5},
     'pods "x" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission '
     'controller computed 0 from the given PriorityClass name'),
    ({"priorityClassName": "high", "preemptionPolicy": "Never"},
     'pods "x" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority '
     'admission controller computed PreemptLowerPriority from the given PriorityClass name'),
])
def test_pod_admission_rejections(c, spec, message):
    c.client.create("priorityclasses", pc("high", 1000))
    with pytest.raises(ApiError) as e:
        c.client.create("pods", pod("x", **spec), "default")
    assert (e.value.code, e.value.message) == (403, message)
    assert [p["metadata"]["name"] for p in c.list("pods", "default")] == []


def test_matching_priority_is_accepted(c):
    c.client.create("priorityclasses", pc("high", 1000))
    p = c.client.create("pods", pod("x", priorityClassName="high", priority=1000), "default")
    assert p["spec"]["priority"] == 1000


def test_preemption_with_a_priority_class(c):
    c.apply(pc("high-priority", 1000000))
    for i in range(2):
        c.apply(pod(f"batch-{i}", cpu="1500m"))
    c.run(10)
    assert all(p["spec"].get("nodeName") for p in c.list("pods", "default"))
    c.apply(pod("urgent", cpu="1", priorityClassName="high-priority"))
    c.run(60)
    pods = {p["metadata"]["name"]: p for p in c.list("pods", "default")}
    urgent = pods["urgent"]
    assert urgent["spec"]["priority"] == 1000000
    assert urgent["spec"].get("nodeName") == urgent["status"].get("nominatedNodeName")
    assert urgent["status"]["phase"] == "Running"
    assert len(pods) == 2  # one batch pod was preempted and deleted
    ev = [e for e in c.list("events", "default") if e["reason"] == "Preempted"]
    assert len(ev) == 1 and ev[0]["message"] == (f"Preempted by pod {urgent['metadata']['uid']} on node "
                                                 f"{urgent['spec']['nodeName']}")


def test_no_preemption_of_equal_priority(c):
    c.apply(pc("high-priority", 1000000))
    for i in range(2):
        c.apply(pod(f"batch-{i}", cpu="1500m", priorityClassName="high-priority"))
    c.run(10)
    c.apply(pod("urgent", cpu="1", priorityClassName="high-priority"))
    c.run(30)
    pods = {p["metadata"]["name"]: p for p in c.list("pods", "default")}
    assert len(pods) == 3 and not pods["urgent"]["spec"].get("nodeName")
