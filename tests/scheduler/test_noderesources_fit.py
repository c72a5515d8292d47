"""NodeResourcesFit Filter reasons, from upstream's fit_test.go (TestEnoughRequests,
TestNotEnoughRequests; the storage cases are k8slab's), v1.32."""

import pytest

from sched_harness import node, pod, snapshot

from k8slab.scheduler.framework import Code, CycleState, PodInfo
from k8slab.scheduler.plugins.noderesources.fit import Fit

A, B = "example.com/aaa", "example.com/bbb"
K8S_A, K8S_B = "kubernetes.io/something", "subdomain.kubernetes.io/something"
HUGE = "hugepages-2Mi"


def r(cpu=0, mem=0, **scalar):
    """framework.Resource{MilliCPU, Memory, ScalarResources} as a request map."""
    d = {"cpu": f"{cpu}m", "memory": str(mem)}
    d.update({k.replace("__", "/").replace("_", "-"): str(v) for k, v in scalar.items()})
    return d


def alloc(cpu, mem, pods, ext_a=0, storage=0, huge=0):
    """makeAllocatableResources(milliCPU, memory, pods, extendedA, storage, hugePageA)."""
    return {"cpu": f"{cpu}m", "memory": str(mem), "pods": str(pods), A: str(ext_a),
            "ephemeral-storage": str(storage), HUGE: str(huge)}


def filter_reasons(p, existing, allocatable, args=None):
    c = snapshot([node("n", allocatable)], [dict(existing, spec=dict(existing["spec"], nodeName="n"))])
    plugin = Fit(dict({"scoringStrategy": {"type": "LeastAllocated",
                                           "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]}},
                      **(args or {})))
    state = CycleState()
    pi = PodInfo(p)
    plugin.pre_filter(state, pi)
    st = plugin.filter(state, pi, c.get("n"))
    if st is None:
        return []
    assert st.code == Code.Unschedulable
    return st.reasons


def rp(*reqs, init=None, overhead=None):
    p = pod(None, *reqs, init=init)
    if overhead:
        p["spec"]["overhead"] = overhead
    return p


ENOUGH = [
    ("no resources requested always fits", pod(), rp(r(10, 20)), []),
    ("too many resources fails", rp(r(1, 1)), rp(r(10, 20)), ["Insufficient cpu", "Insufficient memory"]),
    ("too many resources fails due to init container cpu", rp(r(1, 1), init=[r(3, 1)]), rp(r(8, 19)),
     ["Insufficient cpu"]),
    ("too many resources fails due to highest init container cpu", rp(r(1, 1), init=[r(3, 1), r(2, 1)]),
     rp(r(8, 19)), ["Insufficient cpu"]),
    ("too many resources fails due to init container memory", rp(r(1, 1), init=[r(1, 3)]), rp(r(9, 19)),
     ["Insufficient memory"]),
    ("too many resources fails due to highest init container memory", rp(r(1, 1), init=[r(1, 3), r(1, 2)]),
     rp(r(9, 19)), ["Insufficient memory"]),
    ("init container fits because it's the max, not sum, of containers and init containers",
     rp(r(1, 1), init=[r(1, 1)]), rp(r(9, 19)), []),
    ("multiple init containers fit because it's the max, not sum, of containers and init containers",
     rp(r(1, 1), init=[r(1, 1), r(1, 1)]), rp(r(9, 19)), []),
    ("both resources fit", rp(r(1, 1)), rp(r(5, 5)), []),
    ("one resource memory fits", rp(r(2, 1)), rp(r(9, 5)), ["Insufficient cpu"]),
    ("one resource cpu fits", rp(r(1, 2)), rp(r(5, 19)), ["Insufficient memory"]),
    ("equal edge case", rp(r(5, 1)), rp(r(5, 19)), []),
    ("equal edge case for init container", rp(r(4, 1), init=[r(5, 1)]), rp(r(5, 19)), []),
    ("extended resource fits", rp({A: "1"}), rp(r()), []),
    ("extended resource fits for init container", rp(r(), init=[{A: "1"}]), rp(r()), []),
    ("extended resource capacity enforced", rp(dict(r(1, 1), **{A: "10"})), rp(dict(r(), **{A: "0"})),
     [f"Insufficient {A}"]),
    ("extended resource capacity enforced for init container", rp(r(), init=[dict(r(1, 1), **{A: "10"})]),
     rp(dict(r(), **{A: "0"})), [f"Insufficient {A}"]),
    ("extended resource allocatable enforced", rp(dict(r(1, 1), **{A: "1"})), rp(dict(r(), **{A: "5"})),
     [f"Insufficient {A}"]),
    ("extended resource allocatable enforced for init container", rp(r(), init=[dict(r(1, 1), **{A: "1"})]),
     rp(dict(r(), **{A: "5"})), [f"Insufficient {A}"]),
    ("extended resource allocatable enforced for multiple containers",
     rp(dict(r(1, 1), **{A: "3"}), dict(r(1, 1), **{A: "3"})), rp(dict(r(), **{A: "2"})), [f"Insufficient {A}"]),
    ("extended resource allocatable admits multiple init containers",
     rp(r(), init=[dict(r(1, 1), **{A: "3"}), dict(r(1, 1), **{A: "3"})]), rp(dict(r(), **{A: "2"})), []),
    ("extended resource allocatable enforced for multiple init containers",
     rp(r(), init=[dict(r(1, 1), **{A: "6"}), dict(r(1, 1), **{A: "3"})]), rp(dict(r(), **{A: "2"})),
     [f"Insufficient {A}"]),
    ("extended resource allocatable enforced for unknown resource", rp(dict(r(1, 1), **{B: "1"})), rp(r()),
     [f"Insufficient {B}"]),
    ("extended resource allocatable enforced for unknown resource for init container",
     rp(r(), init=[dict(r(1, 1), **{B: "1"})]), rp(r()), [f"Insufficient {B}"]),
    ("kubernetes.io resource capacity enforced", rp(dict(r(), **{K8S_A: "10"})), rp(r()),
     [f"Insufficient {K8S_A}"]),
    ("kubernetes.io resource capacity enforced for init container", rp(r(), init=[dict(r(), **{K8S_B: "10"})]),
     rp(r()), [f"Insufficient {K8S_B}"]),
    ("hugepages resource capacity enforced", rp(dict(r(), **{HUGE: "10"})), rp(dict(r(), **{HUGE: "0"})),
     [f"Insufficient {HUGE}"]),
    ("hugepages resource capacity enforced for init container", rp(r(), init=[dict(r(), **{HUGE: "10"})]),
     rp(dict(r(), **{HUGE: "0"})), [f"Insufficient {HUGE}"]),
    ("hugepages resource allocatable enforced for multiple containers",
     rp(dict(r(1, 1), **{HUGE: "3"}), dict(r(1, 1), **{HUGE: "3"})), rp(dict(r(), **{HUGE: "2"})),
     [f"Insufficient {HUGE}"]),
    ("resources + pod overhead fits", rp(r(1, 1), overhead={"cpu": "3m", "memory": "13"}), rp(r(5, 5)), []),
    ("requests + overhead does not fit for memory", rp(r(1, 1), overhead={"cpu": "1m", "memory": "15"}),
     rp(r(5, 5)), ["Insufficient memory"]),
    ("skip checking resource request with quantity zero", rp(dict(r(1, 1), **{B: "0"})), rp(r()), []),
]


@pytest.mark.parametrize("name,p,existing,want", ENOUGH, ids=[c[0] for c in ENOUGH])
def test_enough_requests(name, p, existing, want):
    assert filter_reasons(p, existing, alloc(10, 20, 32, 5, 20, 5)) == want


@pytest.mark.parametrize("args,want", [
    ({"ignoredResources": [B]}, []),
    ({"ignoredResourceGroups": ["example.com"]}, []),
    ({}, [f"Insufficient {B}"]),
], ids=["skip checking ignored extended resource", "skip checking ignored extended resource via resource groups",
        "not ignored"])
def test_ignored_resources(args, want):
    assert filter_reasons(rp(dict(r(1, 1), **{B: "1"})), rp(r()), alloc(10, 20, 32, 5, 20, 5), args) == want


NOT_ENOUGH_PODS = [
    ("even without specified resources, predicate fails when there's no space for additional pod", pod(),
     rp(r(10, 20))),
    ("even if both resources fit, predicate fails when there's no space for additional pod", rp(r(1, 1)),
     rp(r(5, 5))),
    ("even for equal edge case, predicate fails when there's no space for additional pod", rp(r(5, 1)),
     rp(r(5, 19))),
    ("even for equal edge case, predicate fails when there's no space for additional pod due to init container",
     rp(r(5, 1), init=[r(5, 1)]), rp(r(5, 19))),
]


@pytest.mark.parametrize("name,p,existing", NOT_ENOUGH_PODS, ids=[c[0] for c in NOT_ENOUGH_PODS])
def test_not_enough_requests(name, p, existing):
    assert filter_reasons(p, existing, alloc(10, 20, 1)) == ["Too many pods"]


@pytest.mark.parametrize("name,p,existing,want", [
    ("storage ephemeral local storage request exceeds allocatable",
     rp(dict(r(1, 1), **{"ephemeral-storage": "25"})), rp(r(2, 2)), ["Insufficient ephemeral-storage"]),
    ("ephemeral local storage is sufficient", rp(dict(r(1, 1), **{"ephemeral-storage": "10"})), rp(r(2, 2)), []),
    ("pod has no ephemeral storage request", rp(r(1, 1)), rp(r(2, 2)), []),
    ("used ephemeral storage counts", rp(dict(r(1, 1), **{"ephemeral-storage": "10"})),
     rp(dict(r(2, 2), **{"ephemeral-storage": "15"})), ["Insufficient ephemeral-storage"]),
])
def test_storage_requests(name, p, existing, want):
    assert filter_reasons(p, existing, alloc(10, 20, 32, 5, 20, 5)) == want
