"""Table tests from upstream's noderesources scoring tests (v1.32):
pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go, most_allocated_test.go,
requested_to_capacity_ratio_test.go, balanced_allocation_test.go. Expected scores are upstream's."""

import pytest

from sched_harness import FakeHandle, make_node, node, pod, score_nodes, snapshot

from k8slab.scheduler.plugins.helper import build_broken_linear_function
from k8slab.scheduler.plugins.noderesources.balanced_allocation import BalancedAllocation
from k8slab.scheduler.plugins.noderesources.fit import Fit

DEFAULT = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]
EXT = "intel.com/foo"
EXTENDED_SET = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}, {"name": EXT, "weight": 1}]


def cap(cpu, mem, **extra):
    d = {"cpu": cpu, "memory": mem}
    d.update({k.replace("__", "/").replace("_", "."): v for k, v in extra.items()})
    return d


def fit(strategy, resources, shape=None):
    ss = {"type": strategy, "resources": resources}
    if shape is not None:
        ss["requestedToCapacityRatio"] = {"shape": shape}
    return Fit({"scoringStrategy": ss})


def run(plugin, requested, nodes, existing=()):
    c = snapshot(nodes, list(existing))
    plugin.handle = FakeHandle(c)
    return score_nodes(plugin, requested, c)


TWO_CONTAINERS = ({"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"})

LEAST = [
    ("nothing scheduled, nothing requested", pod(),
     [node("node1", cap("4000", "10000")), node("node2", cap("4000", "10000"))], [], DEFAULT,
     {"node1": 100, "node2": 100}),
    ("nothing scheduled, resources requested, differently sized nodes", pod(None, *TWO_CONTAINERS),
     [node("node1", cap("4000", "10000")), node("node2", cap("6000", "10000"))], [], DEFAULT,
     {"node1": 37, "node2": 50}),
    ("no resources requested, pods scheduled", pod(),
     [node("node1", cap("4000", "10000")), node("node2", cap("4000", "10000"))],
     [pod(node_name="node1"), pod(node_name="node1"), pod(node_name="node2"), pod(node_name="node2")], DEFAULT,
     {"node1": 100, "node2": 100}),
    ("no resources requested, pods scheduled with resources", pod(),
     [node("node1", cap("10000", "20000")), node("node2", cap("10000", "20000"))],
     [pod(None, {"cpu": "3000", "memory": "0"}, node_name="node1"),
      pod(None, {"cpu": "3000", "memory": "0"}, node_name="node1"),
      pod(None, {"cpu": "3000", "memory": "0"}, node_name="node2"),
      pod(None, {"cpu": "3000", "memory": "5000"}, node_name="node2")], DEFAULT,
     {"node1": 70, "node2": 57}),
    ("resources requested, pods scheduled with resources", pod(None, *TWO_CONTAINERS),
     [node("node1", cap("10000", "20000")), node("node2", cap("10000", "20000"))],
     [pod(None, {"cpu": "3000", "memory": "0"}, node_name="node1"),
      pod(None, {"cpu": "3000", "memory": "5000"}, node_name="node2")], DEFAULT,
     {"node1": 57, "node2": 45}),
    ("resources requested, pods scheduled with resources, differently sized nodes", pod(None, *TWO_CONTAINERS),
     [node("node1", cap("10000", "20000")), node("node2", cap("10000", "50000"))],
     [pod(None, {"cpu": "3000", "memory": "0"}, node_name="node1"),
      pod(None, {"cpu": "3000", "memory": "5000"}, node_name="node2")], DEFAULT,
     {"node1": 57, "node2": 60}),
    ("requested resources exceed node capacity", pod(None, {"cpu": "3000", "memory": "0"}),
     [node("node1", cap("4000", "10000")), node("node2", cap("4000", "10000"))],
     [pod(None, {"cpu": "3000", "memory": "0"}, node_name="node1"),
      pod(None, {"cpu": "3000", "memory": "5000"}, node_name="node2")], DEFAULT,
     {"node1": 50, "node2": 25}),
    ("zero node resources, pods scheduled with resources", pod(), [node("node1"), node("node2")],
     [pod(None, {"cpu": "3000", "memory": "0"}, node_name="node1"),
      pod(None, {"cpu": "3000", "memory": "5000"}, node_name="node2")], DEFAULT,
     {"node1": 0, "node2": 0}),
    ("nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes",
     pod(None, *TWO_CONTAINERS),
     [node("node1", cap("4000", "10000")), node("node2", cap("6000", "10000"))], [],
     [{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}], {"node1": 41, "node2": 50}),
    ("bypass extended resource if the pod does not request", pod(None, *TWO_CONTAINERS),
     [node("node1", cap("6000", "10000")), node("node2", {"cpu": "6000", "memory": "10000", EXT: "4"})], [],
     EXTENDED_SET, {"node1": 50, "node2": 50}),
    ("honor extended resource if the pod requests", pod(None, {"cpu": "3000", "memory": "5000", EXT: "2"}),
     [node("node1", {"cpu": "6000", "memory": "10000", EXT: "4"}),
      node("node2", {"cpu": "6000", "memory": "10000", EXT: "10"})], [], EXTENDED_SET,
     {"node1": 50, "node2": 60}),
    ("if the node doesn't have a resource", pod(None, {"cpu": "3000", "memory": "4000"}),
     [node("node1", cap("6000", "10000")), node("node2", {"cpu": "6000", "memory": "10000", EXT: "4"})], [],
     [{"name": EXT, "weight": 2}, {"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}],
     {"node1": 55, "node2": 55}),
]


@pytest.mark.parametrize("name,requested,nodes,existing,resources,expected", LEAST, ids=[c[0] for c in LEAST])
def test_least_allocated(name, requested, nodes, existing, resources, expected):
    assert run(fit("LeastAllocated", resources), requested, nodes, existing) == expected


MOST = [
    ("nothing scheduled, nothing requested", pod(),
     [node("node1", cap("4000", "10000")), node("node2", cap("4000", "10000"))], [], DEFAULT,
     {"node1": 0, "node2": 0}),
    ("nothing scheduled, resources requested, differently sized nodes", pod(None, *TWO_CONTAINERS),
     [node("node1", cap("4000", "10000")), node("node2", cap("6000", "10000"))], [], DEFAULT,
     {"node1": 62, "node2": 50}),
    ("no resources requested, pods scheduled with resources", pod(),
     [node("node1", cap("10000", "20000")), node("node2", cap("10000", "20000"))],
     [pod(None, {"cpu": "3000", "memory": "0"}, node_name="node1"),
      pod(None, {"cpu": "3000", "memory": "0"}, node_name="node1"),
      pod(None, {"cpu": "3000", "memory": "0"}, node_name="node2"),
      pod(None, {"cpu": "3000", "memory": "5000"}, node_name="node2")], DEFAULT,
     {"node1": 30, "node2": 42}),
    ("resources requested, pods scheduled with resources", pod(None, *TWO_CONTAINERS),
     [node("node1", cap("10000", "20000")), node("node2", cap("10000", "20000"))],
     [pod(None, {"cpu": "3000", "memory": "0"}, node_name="node1"),
      pod(None, {"cpu": "3000", "memory": "5000"}, node_name="node2")], DEFAULT,
     {"node1": 42, "node2": 55}),
    ("resources requested equal node capacity",
     pod(None, {"cpu": "2000", "memory": "4000"}, {"cpu": "3000", "memory": "5000"}),
     [node("node1", cap("5000", "10000")), node("node2", cap("10000", "9000"))], [], DEFAULT,
     {"node1": 95, "node2": 75}),
    ("nothing scheduled, resources requested, differently sized nodes (weights)", pod(None, *TWO_CONTAINERS),
     [node("node1", cap("4000", "10000")), node("node2", cap("6000", "10000"))], [],
     [{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}], {"node1": 58, "node2": 50}),
    ("no resources requested, pods scheduled, nonzero request for resource", pod(containers=1),
     [node("node1", cap("250m", "1000Mi")), node("node2", cap("250m", "1000Mi"))],
     [pod(node_name="node1", containers=1), pod(node_name="node1", containers=1)], DEFAULT,
     {"node1": 80, "node2": 30}),
    ("bypass extended resource if the pod does not request", pod(None, *TWO_CONTAINERS),
     [node("node1", cap("6000", "10000")), node("node2", {"cpu": "6000", "memory": "10000", EXT: "4"})], [],
     EXTENDED_SET, {"node1": 50, "node2": 50}),
    ("honor extended resource if the pod request", pod(None, {"cpu": "3000", "memory": "5000", EXT: "2"}),
     [node("node1", {"cpu": "6000", "memory": "10000", EXT: "4"}),
      node("node2", {"cpu": "6000", "memory": "10000", EXT: "10"})], [], EXTENDED_SET,
     {"node1": 50, "node2": 40}),
    ("if the node doesn't have a resource", pod(None, {"cpu": "3000", "memory": "4000"}),
     [node("node1", cap("6000", "10000")), node("node2", {"cpu": "6000", "memory": "10000", EXT: "4"})], [],
     [{"name": EXT, "weight": 2}, {"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}],
     {"node1": 45, "node2": 45}),
]


@pytest.mark.parametrize("name,requested,nodes,existing,resources,expected", MOST, ids=[c[0] for c in MOST])
def test_most_allocated(name, requested, nodes, existing, resources, expected):
    assert run(fit("MostAllocated", resources), requested, nodes, existing) == expected


@pytest.mark.parametrize("resources,field", [
    ([{"name": "memory", "weight": -1}, {"name": "cpu", "weight": 1}], "scoringStrategy.resources[0].weight"),
    ([{"name": "memory", "weight": 1}, {"name": "cpu", "weight": 0}], "scoringStrategy.resources[1].weight"),
    ([{"name": "memory", "weight": 1}, {"name": "cpu", "weight": 101}], "scoringStrategy.resources[1].weight"),
])
@pytest.mark.parametrize("strategy", ["LeastAllocated", "MostAllocated"])
def test_invalid_weights(strategy, resources, field):
    with pytest.raises(ValueError) as e:
        fit(strategy, resources)
    assert str(e.value).startswith(field + ": Invalid value: ")
    assert "not in valid range (0, 100]" in str(e.value)


def test_resources_not_set_is_an_error():
    from k8slab.scheduler.framework import PluginError

    p = fit("LeastAllocated", [])
    with pytest.raises(PluginError, match="resources not found"):
        run(p, pod(None, *TWO_CONTAINERS), [node("node1", cap("4000", "10000"))])


SHAPE = [{"utilization": 0, "score": 10}, {"utilization": 100, "score": 0}]
RTCR = [
    ("nothing scheduled, nothing requested (default - least requested nodes have priority)", pod(),
     [node("node1", cap("4000", "10000")), node("node2", cap("4000", "10000"))],
     [pod(node_name="node1"), pod(node_name="node1")], {"node1": 100, "node2": 100}),
    ("nothing scheduled, resources requested, differently sized nodes (default - least requested nodes have priority)",
     pod(None, *TWO_CONTAINERS), [node("node1", cap("4000", "10000")), node("node2", cap("6000", "10000"))],
     [pod(node_name="node1"), pod(node_name="node1")], {"node1": 38, "node2": 50}),
    ("no resources requested, pods scheduled with resources (default - least requested nodes have priority)", pod(),
     [node("node1", cap("4000", "10000")), node("node2", cap("6000", "10000"))],
     [pod(None, {"cpu": "3000", "memory": "5000"}, node_name="node1"),
      pod(None, {"cpu": "3000", "memory": "5000"}, node_name="node2")], {"node1": 38, "node2": 50}),
]


@pytest.mark.parametrize("name,requested,nodes,existing,expected", RTCR, ids=[c[0] for c in RTCR])
def test_requested_to_capacity_ratio(name, requested, nodes, existing, expected):
    assert run(fit("RequestedToCapacityRatio", DEFAULT, SHAPE), requested, nodes, existing) == expected


BIN = [{"utilization": 0, "score": 0}, {"utilization": 100, "score": 1}]
MEM = 10000 * 1024 * 1024


@pytest.mark.parametrize("requested,existing,expected", [
    (pod(), [pod()], {"node1": 0, "node2": 0}),
    (pod(None, {EXT: "2"}), [pod()], {"node1": 2, "node2": 5}),
    (pod(None, {EXT: "2"}), [pod(None, {EXT: "2"}, node_name="node2")], {"node1": 2, "node2": 10}),
    (pod(None, {EXT: "4"}), [pod()], {"node1": 5, "node2": 10}),
], ids=["nothing requested", "less resources", "existing pod running", "more resources"])
def test_resource_bin_packing_single_extended(requested, existing, expected):
    nodes = [make_node("node1", 4000, MEM, {EXT: 8}), make_node("node2", 4000, MEM, {EXT: 4})]
    p = fit("RequestedToCapacityRatio", [{"name": EXT, "weight": 1}], BIN)
    assert run(p, requested, nodes, existing) == expected


@pytest.mark.parametrize("requested,existing,expected", [
    (pod(), [pod()], {"node1": 0, "node2": 0}),
    (pod(None, {"intel.com/foo": "2", "intel.com/bar": "2"}), [pod()], {"node1": 4, "node2": 3}),
    (pod(None, {"intel.com/foo": "2", "intel.com/bar": "2"}),
     [pod(None, {"intel.com/foo": "4", "intel.com/bar": "2"}, node_name="node2")], {"node1": 4, "node2": 7}),
    (pod(None, {"intel.com/foo": "4", "intel.com/bar": "2"}), [pod()], {"node1": 5, "node2": 5}),
], ids=["nothing requested", "less resources", "existing pod running", "more resources"])
def test_resource_bin_packing_multiple_extended(requested, existing, expected):
    nodes = [make_node("node1", 4000, MEM, {"intel.com/foo": 8, "intel.com/bar": 4}),
             make_node("node2", 4000, MEM, {"intel.com/foo": 4, "intel.com/bar": 8})]
    p = fit("RequestedToCapacityRatio", [{"name": "intel.com/foo", "weight": 3}, {"name": "intel.com/bar", "weight": 5}],
            BIN)
    assert run(p, requested, nodes, existing) == expected


@pytest.mark.parametrize("points,assertions", [
    ([(10, 1), (90, 9)], [(-10, 1), (0, 1), (9, 1), (10, 1), (15, 1), (19, 1), (20, 2), (89, 8), (90, 9), (99, 9),
                          (100, 9), (110, 9)]),
    ([(0, 2), (40, 10), (100, 0)], [(-10, 2), (0, 2), (20, 6), (30, 8), (40, 10), (70, 5), (100, 0), (110, 0)]),
    ([(0, 2), (40, 2), (100, 2)], [(-10, 2), (0, 2), (20, 2), (30, 2), (40, 2), (70, 2), (100, 2), (110, 2)]),
])
def test_broken_linear_function(points, assertions):
    f = build_broken_linear_function(points)
    for p, expected in assertions:
        assert f(p) == expected, (p, expected)


# ---------------------------------------------------------------- balanced allocation
CPU_AND_MEMORY = ({"cpu": "1000m", "memory": "2000"}, {"cpu": "2000m", "memory": "3000"})
CPU_ONLY = ({"cpu": "1000m", "memory": "0"}, {"cpu": "2000m", "memory": "0"})
CPU_MEM_GPU = ({"cpu": "1000m", "memory": "2000"}, {"cpu": "2000m", "memory": "3000", "nvidia.com/gpu": "3"})
GPU_SET = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}, {"name": "nvidia.com/gpu", "weight": 1}]

BALANCED = [
    ("nothing scheduled, nothing requested", pod(), [make_node("node1", 4000, 10000), make_node("node2", 4000, 10000)],
     [], None, {"node1": 100, "node2": 100}),
    ("nothing scheduled, resources requested, differently sized nodes", pod(None, *CPU_AND_MEMORY),
     [make_node("node1", 4000, 10000), make_node("node2", 6000, 10000)], [], None, {"node1": 87, "node2": 100}),
    ("resources requested, pods scheduled with resources", pod(None, *CPU_AND_MEMORY),
     [make_node("node1", 10000, 20000), make_node("node2", 10000, 20000)],
     [pod(None, *CPU_ONLY, node_name="node1"), pod(None, *CPU_AND_MEMORY, node_name="node2")], None,
     {"node1": 82, "node2": 95}),
    ("resources requested, pods scheduled with resources, differently sized nodes", pod(None, *CPU_AND_MEMORY),
     [make_node("node1", 10000, 20000), make_node("node2", 10000, 50000)],
     [pod(None, *CPU_ONLY, node_name="node1"), pod(None, *CPU_AND_MEMORY, node_name="node2")], None,
     {"node1": 82, "node2": 80}),
    ("requested resources at node capacity", pod(None, *CPU_ONLY),
     [make_node("node1", 6000, 10000), make_node("node2", 6000, 10000)],
     [pod(None, *CPU_ONLY, node_name="node1"), pod(None, *CPU_AND_MEMORY, node_name="node2")], None,
     {"node1": 50, "node2": 75}),
    ("include scalar resource on a node for balanced resource allocation",
     pod(None, {"memory": "0", "nvidia.com/gpu": "1"}),
     [make_node("node1", 3500, 40000, {"nvidia.com/gpu": 8}), make_node("node2", 3500, 40000, {"nvidia.com/gpu": 8})],
     [pod(None, *CPU_AND_MEMORY, node_name="node2"), pod(None, *CPU_MEM_GPU, node_name="node1")], GPU_SET,
     {"node1": 70, "node2": 65}),
    ("node without the scalar resource should skip the scalar resource", pod(None, *CPU_AND_MEMORY),
     [make_node("node1", 3500, 40000, {"nvidia.com/gpu": 8}), make_node("node2", 3500, 40000)], [], GPU_SET,
     {"node1": 63, "node2": 63}),
]


@pytest.mark.parametrize("name,requested,nodes,existing,resources,expected", BALANCED, ids=[c[0] for c in BALANCED])
@pytest.mark.parametrize("run_pre_score", [True, False])
def test_balanced_allocation(name, requested, nodes, existing, resources, expected, run_pre_score):
    c = snapshot(nodes, existing)
    p = BalancedAllocation({"resources": resources} if resources else None)
    assert score_nodes(p, requested, c, run_pre_score=run_pre_score) == expected
