"""NodeAffinity, from upstream's node_affinity_test.go (TestNodeAffinity, TestNodeAffinityPriority)."""

import pytest

from sched_harness import node, pod, score_nodes, snapshot

from k8slab.scheduler.framework import Code, CycleState, PodInfo
from k8slab.scheduler.plugins.node_affinity import ERR_REASON_CONFLICT, ERR_REASON_POD, NodeAffinity


def req(*terms):
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}}


def expr(key, op, values=None):
    e = {"key": key, "operator": op}
    if values is not None:
        e["values"] = values
    return e


def ap(affinity=None, node_selector=None):
    spec = {}
    if affinity is not None:
        spec["affinity"] = affinity
    if node_selector is not None:
        spec["nodeSelector"] = node_selector
    return pod("p", **spec)


NAME = "metadata.name"
FILTER = [
    ("missing labels", ap(node_selector={"foo": "bar"}), {}, "node1", ERR_REASON_POD, None),
    ("same labels", ap(node_selector={"foo": "bar"}), {"foo": "bar"}, "node1", None, None),
    ("node labels are superset", ap(node_selector={"foo": "bar"}), {"foo": "bar", "baz": "blah"}, "node1", None, None),
    ("node labels are subset", ap(node_selector={"foo": "bar", "baz": "blah"}), {"foo": "bar"}, "node1",
     ERR_REASON_POD, None),
    ("Pod with matchExpressions using In operator that matches the existing node",
     ap(req({"matchExpressions": [expr("foo", "In", ["bar", "value2"])]})), {"foo": "bar"}, "node1", None, None),
    ("Pod with matchExpressions using Gt operator that matches the existing node",
     ap(req({"matchExpressions": [expr("kernel-version", "Gt", ["0204"])]})), {"kernel-version": "0206"}, "node1",
     None, None),
    ("Pod with matchExpressions using NotIn operator that matches the existing node",
     ap(req({"matchExpressions": [expr("mem-type", "NotIn", ["DDR", "DDR2"])]})), {"mem-type": "DDR3"}, "node1",
     None, None),
    ("Pod with matchExpressions using Exists operator that matches the existing node",
     ap(req({"matchExpressions": [expr("GPU", "Exists")]})), {"GPU": "NVIDIA-GRID-K1"}, "node1", None, None),
    ("Pod with affinity that don't match node's labels won't schedule onto the node",
     ap(req({"matchExpressions": [expr("foo", "In", ["value1", "value2"])]})), {"foo": "bar"}, "node1",
     ERR_REASON_POD, None),
    ("Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node",
     ap(req({"matchExpressions": []})), {"foo": "bar"}, "node1", ERR_REASON_POD, None),
    ("Pod with no Affinity will schedule onto a node", ap(), {"foo": "bar"}, "node1", None, "skip"),
    ("Pod with Affinity but nil NodeSelector will schedule onto a node",
     ap({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": None}}), {"foo": "bar"}, "node1", None,
     "skip"),
    ("Pod with multiple matchExpressions ANDed that matches the existing node",
     ap(req({"matchExpressions": [expr("GPU", "Exists"), expr("GPU", "NotIn", ["AMD", "INTER"])]})),
     {"GPU": "NVIDIA-GRID-K1"}, "node1", None, None),
    ("Pod with multiple matchExpressions ANDed that doesn't match the existing node",
     ap(req({"matchExpressions": [expr("GPU", "Exists"), expr("GPU", "In", ["AMD", "INTER"])]})),
     {"GPU": "NVIDIA-GRID-K1"}, "node1", ERR_REASON_POD, None),
    ("Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the "
     "node", ap(req({"matchExpressions": [expr("foo", "In", ["bar", "value2"])]},
                    {"matchExpressions": [expr("diffkey", "In", ["wrong", "value2"])]})), {"foo": "bar"}, "node1",
     None, None),
    ("Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, "
     "will schedule onto the node", ap(req({"matchExpressions": [expr("foo", "Exists")]}), {"foo": "bar"}),
     {"foo": "bar"}, "node1", None, None),
    ("Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that we are "
     "deprecating) is not satisfied, won't schedule onto the node",
     ap(req({"matchExpressions": [expr("foo", "Exists")]}), {"foo": "bar"}), {"foo": "barrrrrr"}, "node1",
     ERR_REASON_POD, None),
    ("Pod with an invalid value in Affinity term won't be scheduled onto the node",
     ap(req({"matchExpressions": [expr("foo", "NotIn", ["invalid value: ___@#$%^"])]})), {"foo": "bar"}, "node1",
     ERR_REASON_POD, None),
    ("Pod with matchFields using In operator that matches the existing node",
     ap(req({"matchFields": [expr(NAME, "In", ["node1"])]})), {}, "node1", None, {"node1"}),
    ("Pod with matchFields using In operator that does not match the existing node",
     ap(req({"matchFields": [expr(NAME, "In", ["node1"])]})), {}, "node2", ERR_REASON_POD, {"node1"}),
    ("Pod with two terms: matchFields does not match, but matchExpressions matches",
     ap(req({"matchFields": [expr(NAME, "In", ["node1"]), expr(NAME, "In", ["node2"])]},
            {"matchExpressions": [expr("foo", "In", ["bar"])]})), {"foo": "bar"}, "node2", None, None),
    ("Pod with one term: matchFields does not match, but matchExpressions matches",
     ap(req({"matchFields": [expr(NAME, "In", ["node1"])], "matchExpressions": [expr("foo", "In", ["bar"])]})),
     {"foo": "bar"}, "node2", ERR_REASON_POD, {"node1"}),
    ("Pod with one term: both matchFields and matchExpressions match",
     ap(req({"matchFields": [expr(NAME, "In", ["node1"])], "matchExpressions": [expr("foo", "In", ["bar"])]})),
     {"foo": "bar"}, "node1", None, {"node1"}),
    ("Pod with two terms: both matchFields and matchExpressions do not match",
     ap(req({"matchFields": [expr(NAME, "In", ["node1"])]}, {"matchExpressions": [expr("foo", "In", ["not-match-to-bar"])]})),
     {"foo": "bar"}, "node2", ERR_REASON_POD, None),
    ("Pod with two terms of node.Name affinity",
     ap(req({"matchFields": [expr(NAME, "In", ["node1"])]}, {"matchFields": [expr(NAME, "In", ["node2"])]})),
     {}, "node2", None, {"node1", "node2"}),
    ("Pod with two conflicting mach field requirements",
     ap(req({"matchFields": [expr(NAME, "In", ["node1"]), expr(NAME, "In", ["node2"])]})), {}, "node2",
     "conflict", None),
]


@pytest.mark.parametrize("name,p,labels,node_name,want,prefilter", FILTER, ids=[c[0][:70] for c in FILTER])
def test_node_affinity_filter(name, p, labels, node_name, want, prefilter):
    c = snapshot([node(node_name, labels=labels)])
    pl = NodeAffinity()
    state = CycleState()
    pi = PodInfo(p)
    res, st = pl.pre_filter(state, pi)
    if want == "conflict":
        assert st.code == Code.UnschedulableAndUnresolvable and st.reasons == [ERR_REASON_CONFLICT]
        return
    if prefilter == "skip":
        assert st.code == Code.Skip
    else:
        assert st is None
        assert (res.node_names if res is not None else None) == prefilter
    fst = pl.filter(state, pi, c.list()[0])
    if want is None:
        assert fst is None
    else:
        assert fst.code == Code.UnschedulableAndUnresolvable and fst.reasons == [want]


def pref(*terms):
    return {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": w, "preference": {"matchExpressions": [expr(k, "In", [v]) for k, v in kvs]}} for w, kvs in terms]}}


AFFINITY1 = pref((2, [("foo", "bar")]))
AFFINITY2 = pref((2, [("foo", "bar")]), (4, [("key", "value")]), (5, [("foo", "bar"), ("key", "value"), ("az", "az1")]))
L1, L2, L3 = {"foo": "bar"}, {"key": "value"}, {"az": "az1"}
L4, L5 = {"abc": "az11", "def": "az22"}, {"foo": "bar", "key": "value", "az": "az1"}

PRIORITY = [
    ("all nodes are same priority as NodeAffinity is nil", ap(), [("node1", L1), ("node2", L2), ("node3", L3)], None,
     {"node1": 0, "node2": 0, "node3": 0}, False),
    ("no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero",
     ap(AFFINITY1), [("node1", L4), ("node2", L2), ("node3", L3)], None, {"node1": 0, "node2": 0, "node3": 0}, True),
    ("only node1 matches the preferred scheduling requirements of pod", ap(AFFINITY1),
     [("node1", L1), ("node2", L2), ("node3", L3)], None, {"node1": 100, "node2": 0, "node3": 0}, True),
    ("all nodes matches the preferred scheduling requirements of pod but with different priorities ", ap(AFFINITY2),
     [("node1", L1), ("node5", L5), ("node2", L2)], None, {"node1": 18, "node5": 100, "node2": 36}, True),
    ("added affinity", ap(), [("node1", L1), ("node2", L2)], {"addedAffinity": AFFINITY1["nodeAffinity"]},
     {"node1": 100, "node2": 0}, True),
    ("added affinity and pod has default affinity", ap(AFFINITY1), [("node1", L1), ("node2", L2), ("node3", L5)],
     {"addedAffinity": pref((3, [("key", "value")]))["nodeAffinity"]}, {"node1": 40, "node2": 60, "node3": 100}, True),
    ("calculate the priorities correctly even if PreScore is not called", ap(AFFINITY2),
     [("node1", L1), ("node5", L5), ("node2", L2)], None, {"node1": 18, "node5": 100, "node2": 36}, False),
]


@pytest.mark.parametrize("name,p,nodes,args,expected,run_pre_score", PRIORITY, ids=[c[0][:70] for c in PRIORITY])
def test_node_affinity_priority(name, p, nodes, args, expected, run_pre_score):
    c = snapshot([node(n, labels=l) for n, l in nodes])
    assert score_nodes(NodeAffinity(args), p, c, run_pre_score=run_pre_score) == expected


def test_prescore_skip_when_no_preferred_affinity():
    st = NodeAffinity().pre_score(CycleState(), PodInfo(ap()), snapshot([node("node1", labels=L1)]).list())
    assert st.code == Code.Skip


def test_prescore_error_on_broken_affinity():
    p = ap({"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 2, "preference": {"matchExpressions": [expr("invalid key", "In", ["bar"])]}}]}})
    st = NodeAffinity().pre_score(CycleState(), PodInfo(p), snapshot([node("node1", labels=L1)]).list())
    assert st.code == Code.Error
    assert st.message() == ('[0].matchExpressions[0].key: Invalid value: "invalid key": name part must consist of '
                            "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                            "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                            "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
