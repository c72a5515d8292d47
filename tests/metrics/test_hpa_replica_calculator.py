"""Upstream's replica-calculator cases (pkg/controller/podautoscaler/replica_calculator_test.go) as a table.

The upstream harness: 2 containers per pod, each requesting the pod's request and reporting the
level; the Ready condition has a zero lastTransitionTime; metrics have a zero timestamp and a
1-minute window; "hot" pods started within the CPU initialization period, "cool" ones before it.
"""

import pytest

from k8slab.controllers.hpa import MetricsError, PodInfo, PodMetric, get_raw_resource_replicas, get_resource_replicas

NOW = 10_000.0
HOT, COOL = NOW - 60, NOW - 600


def pods_for(n, requests=None, readiness=None, start=None, phase=None, deleting=None):
    out = []
    for i in range(n):
        req = None if requests is None or i >= len(requests) else requests[i]
        out.append(PodInfo(name=f"test-pod-{i}", phase=(phase or ["Running"] * n)[i],
                           ready=(readiness or ["True"] * n)[i], ready_transition=0.0,
                           start_time=(start or [0.0] * n)[i], deleting=(deleting or [False] * n)[i],
                           requests=[req, req]))
    return out


def metrics_for(levels, names=None):
    return {(names[i] if names and i < len(names) else f"test-pod-{i}"): PodMetric(2 * lv, 0.0, 60.0)
            for i, lv in enumerate(levels)}


ONE = 1000
# (name, current, requests, levels, target, expected replicas, expected utilization, expected raw, extra pod options)
CASES = [
    ("ScaleDown", 5, [ONE] * 5, [100, 300, 500, 250, 250], 50, 3, 28, 2 * 280, {}),
    ("ScaleDownIncludeUnreadyPods", 5, [ONE] * 5, [100, 300, 500, 250, 250], 50, 2, 30, 2 * 300,
     {"readiness": ["True", "True", "True", "False", "False"]}),
    ("ScaleDownExcludeUnscheduledPods", 5, [ONE] * 5, [100], 50, 1, 10, 2 * 100,
     {"readiness": ["True", "False", "False", "False", "False"], "phase": ["Running"] + ["Pending"] * 4}),
    ("ScaleDownIgnoreHotCpuPods", 5, [ONE] * 5, [100, 300, 500, 250, 250], 50, 2, 30, 2 * 300,
     {"start": [COOL, COOL, COOL, HOT, HOT]}),
    ("ScaleDownIgnoresFailedPods", 5, [ONE] * 7, [100, 300, 500, 250, 250], 50, 3, 28, 2 * 280,
     {"n": 7, "readiness": ["True"] * 5 + ["False"] * 2, "phase": ["Running"] * 5 + ["Failed"] * 2}),
    ("ScaleDownIgnoresDeletionPods", 5, [ONE] * 7, [100, 300, 500, 250, 250], 50, 3, 28, 2 * 280,
     {"n": 7, "readiness": ["True"] * 5 + ["False"] * 2, "deleting": [False] * 5 + [True] * 2}),
    ("Tolerance", 3, [900, 1000, 1100], [1010, 1030, 1020], 100, 3, 102, 2 * 1020, {}),
    ("SuperfluousMetrics", 4, [ONE] * 4, [4000, 9500, 3000, 7000, 3200, 2000], 100, 24, 587, 2 * 5875, {}),
    ("MissingMetrics", 4, [ONE] * 4, [400, 95], 100, 3, 24, 495, {}),
    ("MissingMetricsNoChangeEq", 2, [ONE] * 2, [1000], 100, 2, 100, 2 * 1000, {}),
    ("MissingMetricsNoChangeGt", 2, [ONE] * 2, [1900], 100, 2, 190, 2 * 1900, {}),
    ("MissingMetricsNoChangeLt", 2, [ONE] * 2, [600], 100, 2, 60, 2 * 600, {}),
    ("MissingMetricsUnreadyChange", 3, [ONE] * 3, [100, 450], 50, 3, 45, 2 * 450,
     {"readiness": ["False", "True", "True"]}),
    ("MissingMetricsHotCpuNoChange", 3, [ONE] * 3, [100, 450], 50, 3, 45, 2 * 450, {"start": [HOT, COOL, COOL]}),
    ("MissingMetricsUnreadyScaleUp", 3, [ONE] * 3, [100, 2000], 50, 4, 200, 2 * 2000,
     {"readiness": ["False", "True", "True"]}),
    ("MissingMetricsHotCpuScaleUp", 3, [ONE] * 3, [100, 2000], 50, 4, 200, 2 * 2000,
     {"readiness": ["False", "True", "True"], "start": [HOT, COOL, COOL]}),
    ("MissingMetricsUnreadyScaleDown", 4, [ONE] * 4, [100, 100, 100], 50, 3, 10, 2 * 100,
     {"readiness": ["False", "True", "True", "True"]}),
    ("DuringRollingUpdateWithMaxSurge", 2, [ONE] * 3, [100, 100], 50, 2, 10, 2 * 100, {"n": 3}),
]


@pytest.mark.parametrize("name,current,requests,levels,target,replicas,util,raw,extra", CASES, ids=[c[0] for c in CASES])
def test_resource_replicas(name, current, requests, levels, target, replicas, util, raw, extra):
    extra = dict(extra)
    n = extra.pop("n", current)
    pods = pods_for(n, requests, **extra)
    got = get_resource_replicas(current, target, "cpu", pods, metrics_for(levels), NOW, 0.1, 120.0, 10.0)
    assert got == (replicas, util, raw)


@pytest.mark.parametrize("name,current,levels,target,replicas,extra", [
    ("ScaleUpCM", 3, [20000, 10000, 30000], 15000, 4, {}),
    ("ScaleUpCMUnreadyHotCpuNoLessScale", 3, [50000, 10000, 30000], 15000, 6,
     {"readiness": ["True", "True", "False"], "start": [COOL, COOL, HOT]}),
    ("ScaleUpCMUnreadyHotCpuScaleWouldScaleDown", 3, [50000, 15000, 30000], 15000, 7,
     {"readiness": ["False", "True", "False"], "start": [HOT, COOL, HOT]}),
    ("ScaleDownCM", 5, [12000] * 5, 20000, 3, {}),
    ("ToleranceCM", 3, [20000, 21000, 21000], 20000, 3, {}),
])
def test_plain_metric_replicas(name, current, levels, target, replicas, extra):
    pods = pods_for(current, None, **extra)
    metrics = {f"test-pod-{i}": PodMetric(lv, 0.0, 60.0) for i, lv in enumerate(levels)}
    got, _usage = get_raw_resource_replicas(current, target, "qps", pods, metrics, NOW, 0.1, 120.0, 10.0)
    assert got == replicas


@pytest.mark.parametrize("name,current,requests,levels,names,message", [
    ("EmptyMetrics", 4, [ONE] * 3, [], None, "unable to get metrics for resource cpu: no metrics returned from "
                                             "resource metrics API"),
    ("EmptyCPURequest", 1, [], [200], None, "missing request for"),
    ("DisjointResourcesMetrics", 1, [ONE], [100], ["an-older-pod-name"], "no metrics returned matched known pods"),
])
def test_errors(name, current, requests, levels, names, message):
    with pytest.raises(MetricsError, match=message):
        get_resource_replicas(current, 100, "cpu", pods_for(current, requests), metrics_for(levels, names), NOW)
