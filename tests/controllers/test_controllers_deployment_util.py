"""Upstream's deployment util tables: fenceposts, MaxUnavailable, NewRSNewReplicas, GetProportion,
DeploymentComplete / DeploymentProgressing / DeploymentTimedOut, revision annotations.

upstream: pkg/controller/deployment/util/deployment_util_test.go
"""

import pytest

from k8slab.api.meta import rfc3339
from k8slab.controllers import deployment as du


def dep(replicas=10, surge=1, unavail=0, strategy="RollingUpdate", pds=None, status=None, generation=1):
    d = {"metadata": {"name": "foo", "generation": generation, "annotations": {}},
         "spec": {"replicas": replicas, "strategy": {"type": strategy}}, "status": status or {}}
    if strategy == "RollingUpdate":
        d["spec"]["strategy"]["rollingUpdate"] = {"maxSurge": surge, "maxUnavailable": unavail}
    if pds is not None:
        d["spec"]["progressDeadlineSeconds"] = pds
    return d


def rs(replicas, max_replicas=None, available=0):
    ann = {} if max_replicas is None else {du.MAX_REPLICAS: str(max_replicas)}
    return {"metadata": {"name": "rs", "annotations": ann}, "spec": {"replicas": replicas},
            "status": {"availableReplicas": available}}


@pytest.mark.parametrize("surge,unavail,desired,expected", [
    # TestResolveFenceposts
    ("0%", "0%", 0, (0, 1)), ("39%", "39%", 10, (4, 3)), ("oops", "1", 10, None), ("55%", "urg", 10, None),
    ("5", "1", 10, (5, 1)),
])
def test_resolve_fenceposts_table(surge, unavail, desired, expected):
    if expected is None:
        with pytest.raises(ValueError):
            du.resolve_fenceposts(surge, unavail, desired)
    else:
        got = du.resolve_fenceposts(int(surge) if surge.isdigit() else surge,
                                    int(unavail) if unavail.isdigit() else unavail, desired)
        assert got == expected


@pytest.mark.parametrize("replicas,unavail,strategy,expected", [
    # TestMaxUnavailable
    (10, 5, "RollingUpdate", 5), (10, 10, "RollingUpdate", 10), (5, 10, "RollingUpdate", 5),
    (0, 10, "RollingUpdate", 0), (10, 0, "Recreate", 0), (10, "50%", "RollingUpdate", 5),
    (10, "100%", "RollingUpdate", 10), (5, "100%", "RollingUpdate", 5),
])
def test_max_unavailable(replicas, unavail, strategy, expected):
    assert du.max_unavailable(dep(replicas, 1, unavail, strategy)) == expected


@pytest.mark.parametrize("strategy,surge,replicas,new,old,expected", [
    # TestNewRSNewReplicas
    ("Recreate", 0, 1, 0, [], 1),
    ("RollingUpdate", 1, 1, 0, [0], 1),
    ("RollingUpdate", 1, 10, 10, [0], 10),   # scaled to replicas already
    ("RollingUpdate", 1, 10, 5, [5], 6),     # surge one
    ("RollingUpdate", 3, 10, 8, [5], 8),     # already at max (13)
    ("RollingUpdate", "25%", 4, 0, [4], 1),
])
def test_new_rs_new_replicas(strategy, surge, replicas, new, old, expected):
    d = dep(replicas, surge, 0, strategy)
    new_rs = rs(new)
    all_rss = [rs(n) for n in old] + [new_rs]
    assert du.new_rs_new_replicas(d, all_rss, new_rs) == expected


@pytest.mark.parametrize("rs_replicas,max_ann,d_replicas,surge,to_add,added,expected", [
    # TestGetProportion / getReplicaSetFraction
    (10, 10, 10, 0, 0, 0, 0),      # nothing to add
    (10, 10, 12, 0, 2, 0, 2),      # scale up 10 -> 12
    (10, 10, 8, 0, -2, 0, -2),     # scale down
    (5, 10, 12, 0, 2, 0, 1),       # half of the fleet: half of the change
    (5, 10, 15, 0, 5, 0, 3),       # 7.5 rounds half away from zero (RoundToInt32)
    (10, 10, 12, 0, 2, 2, 0),      # already added all
    (10, 10, 0, 0, -10, 0, -10),   # scaling to zero: whole size
])
def test_get_proportion(rs_replicas, max_ann, d_replicas, surge, to_add, added, expected):
    assert du.get_proportion(rs(rs_replicas, max_ann), dep(d_replicas, surge, 1), to_add, added) == expected


def status(replicas, updated, available, generation=1, ready=None):
    return {"replicas": replicas, "updatedReplicas": updated, "availableReplicas": available,
            "readyReplicas": available if ready is None else ready, "observedGeneration": generation}


@pytest.mark.parametrize("desired,st,expected", [
    # TestDeploymentComplete
    (10, status(10, 10, 10), True),
    (10, status(10, 10, 9), False),          # not all available
    (10, status(11, 10, 10), False),         # old replicas pending termination
    (10, status(10, 9, 10), False),          # not all updated
    (10, status(10, 10, 10, generation=0), False),  # generation not observed
])
def test_deployment_complete(desired, st, expected):
    assert du.deployment_complete(dep(desired, generation=1), st) is expected


@pytest.mark.parametrize("old,new,expected", [
    # TestDeploymentProgressing
    (status(10, 10, 10), status(10, 10, 10), False),   # no change
    (status(10, 8, 8), status(10, 9, 8), True),        # more updated
    (status(12, 10, 10), status(11, 10, 10), True),    # fewer old replicas
    (status(10, 10, 8, ready=8), status(10, 10, 8, ready=9), True),  # more ready
    (status(10, 10, 9), status(10, 10, 10), True),     # more available
    (status(10, 10, 10), status(10, 10, 9), False),    # less available is no progress
])
def test_deployment_progressing(old, new, expected):
    assert du.deployment_progressing(dep(10, status=old), new) is expected


def test_deployment_timed_out_table():
    def d(pds, reason, from_s):
        return dep(pds=pds, status={"conditions": [{"type": "Progressing", "status": "True", "reason": reason,
                                                    "lastUpdateTime": rfc3339(from_s)}]})
    now = 80.0  # 00:01:20
    # TestDeploymentTimedOut
    assert du.deployment_timed_out(d(None, "", 69), d(None, "", 69)["status"], now) is False
    inf = 2 ** 31 - 1
    assert du.deployment_timed_out(d(inf, "", 69), d(inf, "", 69)["status"], now) is False
    assert du.deployment_timed_out(d(10, "", 69), d(10, "", 69)["status"], now) is True    # 11 s
    assert du.deployment_timed_out(d(10, "", 71), d(10, "", 71)["status"], now) is False   # 9 s
    x = d(None, du.NEW_RS_AVAILABLE, 0)
    assert du.deployment_timed_out(x, x["status"], now) is False


def test_set_new_rs_annotations_keeps_revision_history_within_the_limit():
    # TestAnnotationUtils/SetNewReplicaSetAnnotations with revHistoryLimitInChars 5
    d = dep()
    d["metadata"]["annotations"][du.REVISION] = "1"
    r = {"metadata": {"annotations": {}}, "spec": {"replicas": 1}}
    for i in range(10, 20):
        nxt = str(i + 1)
        du.set_new_rs_annotations(d, r, nxt, True, 5)
        if i >= 12:
            assert r["metadata"]["annotations"][du.REVISION_HISTORY] == f"{i - 1},{i}"
        assert r["metadata"]["annotations"][du.REVISION] == nxt


def test_set_new_rs_annotations_copies_deployment_annotations_but_not_skipped_ones():
    d = dep()
    d["metadata"]["annotations"] = {du.CHANGE_CAUSE: "v2", du.LAST_APPLIED: "{}", du.REVISION: "7"}
    r = {"metadata": {}, "spec": {"replicas": 0}}
    assert du.set_new_rs_annotations(d, r, "3", False)
    ann = r["metadata"]["annotations"]
    assert ann == {du.CHANGE_CAUSE: "v2", du.REVISION: "3", du.DESIRED: "10", du.MAX_REPLICAS: "11"}


def test_set_condition_keeps_transition_time_and_moves_changed_condition_last():
    st = {}
    du.set_condition(st, du.new_condition("Progressing", "True", "NewReplicaSetCreated", "m", 0))
    du.set_condition(st, du.new_condition("Available", "False", "MinimumReplicasUnavailable", "m", 1))
    du.set_condition(st, du.new_condition("Progressing", "True", "ReplicaSetUpdated", "m", 5))
    assert [c["type"] for c in st["conditions"]] == ["Available", "Progressing"]
    p = st["conditions"][1]
    assert p["lastTransitionTime"] == rfc3339(0) and p["lastUpdateTime"] == rfc3339(5)
    # same status and reason: nothing changes
    du.set_condition(st, du.new_condition("Progressing", "True", "ReplicaSetUpdated", "other", 9))
    assert st["conditions"][1]["message"] == "m"
