"""TaintToleration, from upstream's taint_toleration_test.go (v1.32 reasons: the Filter
names the untolerated taint)."""

import pytest

from sched_harness import node, pod, score_nodes, snapshot

from k8slab.scheduler.framework import Code, CycleState, PodInfo
from k8slab.scheduler.plugins.taint_toleration import TaintToleration


def pwt(tolerations):
    return pod("pod1", tolerations=tolerations)


def nwt(name, taints):
    return node(name, taints=taints)


PNS = "PreferNoSchedule"
SCORE = [
    ("node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
     pwt([{"key": "foo", "operator": "Equal", "value": "bar", "effect": PNS}]),
     [nwt("nodeA", [{"key": "foo", "value": "bar", "effect": PNS}]),
      nwt("nodeB", [{"key": "foo", "value": "blah", "effect": PNS}])], {"nodeA": 100, "nodeB": 0}),
    ("the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many "
     "tolerable taints a node has",
     pwt([{"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": PNS},
          {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": PNS}]),
     [nwt("nodeA", []), nwt("nodeB", [{"key": "cpu-type", "value": "arm64", "effect": PNS}]),
      nwt("nodeC", [{"key": "cpu-type", "value": "arm64", "effect": PNS},
                    {"key": "disk-type", "value": "ssd", "effect": PNS}])],
     {"nodeA": 100, "nodeB": 100, "nodeC": 100}),
    ("the more intolerable taints a node has, the lower score it gets.",
     pwt([{"key": "foo", "operator": "Equal", "value": "bar", "effect": PNS}]),
     [nwt("nodeA", []), nwt("nodeB", [{"key": "cpu-type", "value": "arm64", "effect": PNS}]),
      nwt("nodeC", [{"key": "cpu-type", "value": "arm64", "effect": PNS},
                    {"key": "disk-type", "value": "ssd", "effect": PNS}])],
     {"nodeA": 100, "nodeB": 50, "nodeC": 0}),
    ("only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority "
     "function",
     pwt([{"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"},
          {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": "NoSchedule"}]),
     [nwt("nodeA", []), nwt("nodeB", [{"key": "cpu-type", "value": "arm64", "effect": "NoSchedule"}]),
      nwt("nodeC", [{"key": "cpu-type", "value": "arm64", "effect": PNS},
                    {"key": "disk-type", "value": "ssd", "effect": PNS}])],
     {"nodeA": 100, "nodeB": 100, "nodeC": 0}),
    ("Default behaviour No taints and tolerations, lands on node with no taints", pwt([]),
     [nwt("nodeA", []), nwt("nodeB", [{"key": "cpu-type", "value": "arm64", "effect": PNS}])],
     {"nodeA": 100, "nodeB": 0}),
]


@pytest.mark.parametrize("name,p,nodes,expected", SCORE, ids=[c[0][:60] for c in SCORE])
def test_taint_toleration_score(name, p, nodes, expected):
    assert score_nodes(TaintToleration(), p, snapshot(nodes)) == expected


FILTER = [
    ("A pod having no tolerations can't be scheduled onto a node with nonempty taints", pwt([]),
     nwt("nodeA", [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}]),
     "node(s) had untolerated taint {dedicated: user1}"),
    ("A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
     pwt([{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}]),
     nwt("nodeA", [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}]), None),
    ("A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
     pwt([{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}]),
     nwt("nodeA", [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}]),
     "node(s) had untolerated taint {dedicated: user1}"),
    ("A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the "
     "node", pwt([{"key": "foo", "operator": "Exists", "effect": "NoSchedule"}]),
     nwt("nodeA", [{"key": "foo", "value": "bar", "effect": "NoSchedule"}]), None),
    ("A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled "
     "onto the node",
     pwt([{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"},
          {"key": "foo", "operator": "Exists", "effect": "NoSchedule"}]),
     nwt("nodeA", [{"key": "dedicated", "value": "user2", "effect": "NoSchedule"},
                   {"key": "foo", "value": "bar", "effect": "NoSchedule"}]), None),
    ("A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't "
     "match, can't be scheduled onto the node",
     pwt([{"key": "foo", "operator": "Equal", "value": "bar", "effect": PNS}]),
     nwt("nodeA", [{"key": "foo", "value": "bar", "effect": "NoSchedule"}]),
     "node(s) had untolerated taint {foo: bar}"),
    ("The pod has a toleration that keys and values match the taint on the node, the effect of toleration is "
     "empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node",
     pwt([{"key": "foo", "operator": "Equal", "value": "bar"}]),
     nwt("nodeA", [{"key": "foo", "value": "bar", "effect": "NoSchedule"}]), None),
    ("The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on "
     "node is PreferNoSchedule. Pod can be scheduled onto the node",
     pwt([{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}]),
     nwt("nodeA", [{"key": "dedicated", "value": "user1", "effect": PNS}]), None),
    ("The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the "
     "node", pwt([]), nwt("nodeA", [{"key": "dedicated", "value": "user1", "effect": PNS}]), None),
    ("NoExecute taints are filtered too; an empty taint value prints empty", pwt([]),
     nwt("nodeA", [{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}]),
     "node(s) had untolerated taint {node.kubernetes.io/unreachable: }"),
]


@pytest.mark.parametrize("name,p,n,want", FILTER, ids=[c[0][:60] for c in FILTER])
def test_taint_toleration_filter(name, p, n, want):
    c = snapshot([n])
    st = TaintToleration().filter(CycleState(), PodInfo(p), c.list()[0])
    if want is None:
        assert st is None
    else:
        assert st.code == Code.UnschedulableAndUnresolvable
        assert st.reasons == [want]
