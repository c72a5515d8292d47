"""PodDisruptionBudgets: the disruption controller's status and the eviction subresource.

upstream: pkg/controller/disruption/disruption_test.go (status per spec form) and
pkg/registry/core/pod/storage/eviction_test.go (429 with the DisruptionBudget cause,
unready pods, terminal pods, more than one PDB).
"""

import pytest

import k8slab
from k8slab.api.errors import ApiError


def deployment(name="web", replicas=3):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}}


def pdb(name="web-pdb", app="web", **spec):
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": name},
            "spec": {"selector": {"matchLabels": {"app": app}}, **spec}}


def status_of(c, name="web-pdb"):
    st = c.get("poddisruptionbudgets", name)["status"]
    return {k: st.get(k) for k in ("expectedPods", "desiredHealthy", "currentHealthy", "disruptionsAllowed")}


def live(c, app="web"):
    return [p for p in c.list("pods", "default", label_selector=f"app={app}")
            if not p["metadata"].get("deletionTimestamp")]


@pytest.fixture(scope="module")
def running():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply(deployment(replicas=4))
    c.run(30)
    return c


@pytest.mark.parametrize("spec, expected", [
    ({"minAvailable": 2}, {"expectedPods": 4, "desiredHealthy": 2, "currentHealthy": 4, "disruptionsAllowed": 2}),
    ({"minAvailable": 5}, {"expectedPods": 4, "desiredHealthy": 5, "currentHealthy": 4, "disruptionsAllowed": 0}),
    # percentages round up (GetScaledValueFromIntOrPercent(..., true))
    ({"minAvailable": "50%"}, {"expectedPods": 4, "desiredHealthy": 2, "currentHealthy": 4, "disruptionsAllowed": 2}),
    ({"minAvailable": "60%"}, {"expectedPods": 4, "desiredHealthy": 3, "currentHealthy": 4, "disruptionsAllowed": 1}),
    ({"maxUnavailable": 1}, {"expectedPods": 4, "desiredHealthy": 3, "currentHealthy": 4, "disruptionsAllowed": 1}),
    ({"maxUnavailable": "30%"}, {"expectedPods": 4, "desiredHealthy": 2, "currentHealthy": 4, "disruptionsAllowed": 2}),
    ({"maxUnavailable": 0}, {"expectedPods": 4, "desiredHealthy": 4, "currentHealthy": 4, "disruptionsAllowed": 0}),
])
def test_pdb_status_table(running, spec, expected):
    name = "p-" + "-".join(f"{k}{v}".lower().replace("%", "pct") for k, v in spec.items())
    running.apply(pdb(name, **spec))
    running.run(2)
    assert status_of(running, name) == expected
    cond = running.get("poddisruptionbudgets", name)["status"]["conditions"][0]
    assert cond["type"] == "DisruptionAllowed"
    assert (cond["status"], cond["reason"]) == (("True", "SufficientPods") if expected["disruptionsAllowed"]
                                                else ("False", "InsufficientPods"))
    running.client.delete("poddisruptionbudgets", name, "default")
    running.run(1)


def test_expected_count_follows_the_deployment_scale():
    c = k8slab.Cluster(seed=1, nodes=2)
    c.apply(deployment(replicas=2))
    c.apply(pdb(maxUnavailable=1))
    c.run(30)
    assert status_of(c) == {"expectedPods": 2, "desiredHealthy": 1, "currentHealthy": 2, "disruptionsAllowed": 1}
    c.kubectl("scale deployment web --replicas=4")
    c.run(30)
    assert status_of(c) == {"expectedPods": 4, "desiredHealthy": 3, "currentHealthy": 4, "disruptionsAllowed": 1}


def test_no_matching_pods_allows_nothing_and_says_so():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply(pdb(app="nothing", minAvailable=1))
    c.run(5)
    assert status_of(c) == {"expectedPods": 0, "desiredHealthy": 1, "currentHealthy": 0, "disruptionsAllowed": 0}
    ev = [e for e in c.list("events", "default") if e["reason"] == "NoPods"]
    assert ev and ev[0]["message"] == "No matching pods found"


def test_eviction_decrements_the_budget_and_then_refuses_with_429():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply(deployment(replicas=3))
    c.apply(pdb(minAvailable=2))
    c.run(30)
    a, b = sorted(p["metadata"]["name"] for p in live(c))[:2]
    assert c.client.evict(a, "default")["status"] == "Success"
    st = c.get("poddisruptionbudgets", "web-pdb")["status"]
    assert st["disruptionsAllowed"] == 0 and a in st["disruptedPods"]
    assert c.get("pods", a)["metadata"].get("deletionTimestamp")
    with pytest.raises(ApiError) as e:
        c.client.evict(b, "default")
    assert (e.value.code, e.value.reason) == (429, "TooManyRequests")
    assert e.value.message == "Cannot evict pod as it would violate the pod's disruption budget."
    assert e.value.details["causes"] == [{"reason": "DisruptionBudget",
                                         "message": "The disruption budget web-pdb needs 2 healthy pods and has 3 currently"}]
    assert not c.get("pods", b)["metadata"].get("deletionTimestamp")  # refused: nothing changed
    # the replacement becomes ready, the evicted pod is gone: the budget allows one again
    c.run(40)
    assert status_of(c) == {"expectedPods": 3, "desiredHealthy": 2, "currentHealthy": 3, "disruptionsAllowed": 1}
    assert "disruptedPods" not in c.get("poddisruptionbudgets", "web-pdb")["status"]
    assert c.client.evict(b, "default")["status"] == "Success"


def test_pods_without_a_budget_are_simply_deleted_and_missing_pods_are_404():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply(deployment(replicas=1))
    c.run(20)
    name = live(c)[0]["metadata"]["name"]
    assert c.client.evict(name, "default")["status"] == "Success"
    with pytest.raises(ApiError) as e:
        c.client.evict("nope", "default")
    assert (e.value.code, e.value.message) == (404, 'pods "nope" not found')


def test_two_budgets_for_one_pod_is_an_error():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply(deployment(replicas=2))
    c.apply(pdb("a", minAvailable=1))
    c.apply(pdb("b", maxUnavailable=1))
    c.run(20)
    with pytest.raises(ApiError) as e:
        c.client.evict(live(c)[0]["metadata"]["name"], "default")
    assert e.value.code == 500
    assert e.value.message == "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."


def test_pending_pods_ignore_the_budget():
    c = k8slab.Cluster(seed=0, nodes=0)  # nothing to schedule on: pods stay Pending
    c.apply(deployment(replicas=2))
    c.apply(pdb(minAvailable=2))
    c.run(5)
    assert status_of(c)["disruptionsAllowed"] == 0
    name = live(c)[0]["metadata"]["name"]
    assert c.client.evict(name, "default")["status"] == "Success"  # canIgnorePDB: Pending


def test_daemonset_pods_fail_safe_with_sync_failed():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.apply({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
             "spec": {"selector": {"matchLabels": {"app": "agent"}},
                      "template": {"metadata": {"labels": {"app": "agent"}},
                                   "spec": {"containers": [{"name": "a", "image": "busybox:1.36"}]}}}})
    c.apply(pdb("agent-pdb", app="agent", maxUnavailable=1))
    c.run(20)
    st = c.get("poddisruptionbudgets", "agent-pdb")["status"]
    assert st["disruptionsAllowed"] == 0
    cond = st["conditions"][0]
    assert (cond["status"], cond["reason"], cond["message"]) == (
        "False", "SyncFailed", "daemonsets.apps does not implement the scale subresource")


@pytest.mark.parametrize("spec, message", [
    ({"minAvailable": 1, "maxUnavailable": 1}, "minAvailable and maxUnavailable cannot be both set"),
    ({"minAvailable": "120%"}, 'spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: '
                               "must not be greater than 100%"),
    ({"maxUnavailable": -1}, "spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"),
    ({"minAvailable": 1, "unhealthyPodEvictionPolicy": "Foo"},
     'spec.unhealthyPodEvictionPolicy: Unsupported value: "Foo": supported values: "AlwaysAllow", "IfHealthyBudget"'),
])
def test_pdb_validation(running, spec, message):
    with pytest.raises(ApiError) as e:
        running.client.create("poddisruptionbudgets", pdb("bad", **spec), "default")
    assert e.value.code == 422 and message in e.value.message
    with pytest.raises(ApiError):
        running.get("poddisruptionbudgets", "bad")
