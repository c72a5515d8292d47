"""PodTopologySpread, InterPodAffinity, NodePorts, NodeUnschedulable, NodeName, ImageLocality.

Expected values are computed by hand from upstream's formulas (cited in each plugin)."""

import math

import pytest

from sched_harness import FakeHandle, node, pod, score_nodes, snapshot

from k8slab.scheduler.framework import Code, CycleState, PodInfo
from k8slab.scheduler.plugins.image_locality import ImageLocality, normalized_image_name
from k8slab.scheduler.plugins.inter_pod_affinity import InterPodAffinity
from k8slab.scheduler.plugins.node_name import NodeName
from k8slab.scheduler.plugins.node_ports import NodePorts
from k8slab.scheduler.plugins.node_unschedulable import NodeUnschedulable
from k8slab.scheduler.plugins.pod_topology_spread import PodTopologySpread


def zone_node(name, zone=None):
    labels = {"kubernetes.io/hostname": name}
    if zone:
        labels["topology.kubernetes.io/zone"] = zone
    return node(name, {"cpu": "4", "memory": "8Gi", "pods": "110"}, labels=labels)


def labelled(name, node_name, labels, **spec):
    return pod(name, node_name=node_name, labels=labels, **spec)


def with_containers(p, containers):
    p["spec"]["containers"] = containers
    return p


def run_filters(plugin, p, c):
    state = CycleState()
    pi = PodInfo(p)
    _, st = plugin.pre_filter(state, pi)
    if st is not None and st.code == Code.Skip:
        return {n.name: None for n in c.list()}
    assert st is None, st
    out = {}
    for n in c.list():
        fst = plugin.filter(state, pi, n)
        out[n.name] = None if fst is None else (fst.code, fst.message())
    return out


# ---------------------------------------------------------------- PodTopologySpread

SPREAD = {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
          "labelSelector": {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}}
NOT_MATCH = (Code.Unschedulable, "node(s) didn't match pod topology spread constraints")
MISSING = (Code.UnschedulableAndUnresolvable, "node(s) didn't match pod topology spread constraints (missing required label)")


def test_pts_filter_zone_skew():
    nodes = [zone_node("node-a", "zone1"), zone_node("node-b", "zone1"), zone_node("node-x", "zone2"),
             zone_node("node-y")]
    existing = [labelled("p1", "node-a", {"foo": ""}), labelled("p2", "node-b", {"foo": ""}),
                labelled("p3", "node-x", {"bar": ""})]
    c = snapshot(nodes, existing)
    pl = PodTopologySpread(None, FakeHandle(c))
    got = run_filters(pl, pod("new", labels={"foo": ""}, topologySpreadConstraints=[SPREAD]), c)
    # zone1: 2 + 1 (self) - 0 (zone2 min) = 3 > 1; zone2: 0 + 1 - 0 = 1
    assert got == {"node-a": NOT_MATCH, "node-b": NOT_MATCH, "node-x": None, "node-y": MISSING}


def test_pts_filter_min_domains():
    nodes = [zone_node("node-a", "zone1"), zone_node("node-x", "zone2")]
    existing = [labelled("p1", "node-a", {"foo": ""}), labelled("p2", "node-x", {"foo": ""})]
    c = snapshot(nodes, existing)
    pl = PodTopologySpread(None, FakeHandle(c))
    spread = dict(SPREAD, minDomains=3)  # fewer domains than minDomains: the global minimum is 0
    got = run_filters(pl, pod("new", labels={"foo": ""}, topologySpreadConstraints=[spread]), c)
    assert got == {"node-a": NOT_MATCH, "node-x": NOT_MATCH}


def test_pts_system_default_scoring_for_replicaset_pods():
    owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "uid": "rs-uid", "controller": True}]
    rs = {"default/web-1": {"spec": {"selector": {"matchLabels": {"app": "web"}}}}}

    def web(name, n=""):
        p = pod(name, node_name=n, labels={"app": "web"})
        p["metadata"]["ownerReferences"] = owner
        return p

    nodes = [zone_node("n1"), zone_node("n2"), zone_node("n3")]
    c = snapshot(nodes, [web("a", "n1"), web("b", "n1"), web("c", "n2")])
    pl = PodTopologySpread(None, FakeHandle(c, rs))
    # hostname constraint: weight ln(3 + 2); score = count * w + (maxSkew 3 - 1), rounded
    w = math.log(5)
    raw = {"n1": round(2 * w + 2), "n2": round(1 * w + 2), "n3": 2}
    assert raw == {"n1": 5, "n2": 4, "n3": 2}
    # normalized: 100 * (max + min - s) / max
    assert score_nodes(pl, web("new"), c) == {"n1": 40, "n2": 60, "n3": 100}
    # a pod without a controller gets no default constraints: PreScore skips
    st = pl.pre_score(CycleState(), PodInfo(pod("lone", labels={"app": "web"})), c.list())
    assert st.code == Code.Skip


def test_pts_zone_counts_fast_path_matches_node_by_node():
    owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "uid": "rs-uid", "controller": True}]
    rs = {"default/web-1": {"spec": {"selector": {"matchLabels": {"app": "web"}}}}}
    nodes = [zone_node(f"n{i}", f"z{i % 3}") for i in range(9)]
    existing = []
    for i in range(20):
        p = pod(f"e{i}", node_name=f"n{(i * 7) % 9}", labels={"app": "web" if i % 3 else "other"})
        p["metadata"]["ownerReferences"] = owner
        existing.append(p)
    c = snapshot(nodes, existing)
    new = pod("new", labels={"app": "web"})
    new["metadata"]["ownerReferences"] = owner
    fast = score_nodes(PodTopologySpread(None, FakeHandle(c, rs)), new, c)
    # the same pod with a node selector every node satisfies takes the node-by-node path
    slow_pod = dict(new, spec=dict(new["spec"], nodeSelector={}))
    slow_pod["spec"]["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "Exists"}]}]}}}
    slow = score_nodes(PodTopologySpread(None, FakeHandle(c, rs)), slow_pod, c)
    assert fast == slow
    assert len(set(fast.values())) > 1


# ---------------------------------------------------------------- InterPodAffinity

def term(labels, key="kubernetes.io/hostname"):
    return {"labelSelector": {"matchLabels": labels}, "topologyKey": key}


def test_inter_pod_affinity_filter():
    nodes = [zone_node("node-1"), zone_node("node-2"), zone_node("node-3")]
    existing = [labelled("db", "node-1", {"app": "db"}),
                labelled("guard", "node-2", {"app": "guard"},
                         affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                             term({"app": "web"})]}})]
    c = snapshot(nodes, existing)
    pl = InterPodAffinity(None, FakeHandle(c))
    anti = pod("a", labels={"app": "x"}, affinity={"podAntiAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [term({"app": "db"})]}})
    assert run_filters(pl, anti, c) == {
        "node-1": (Code.Unschedulable, "node(s) didn't match pod anti-affinity rules"), "node-2": None, "node-3": None}
    aff = pod("b", labels={"app": "x"}, affinity={"podAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [term({"app": "db"})]}})
    nm = (Code.UnschedulableAndUnresolvable, "node(s) didn't match pod affinity rules")
    assert run_filters(pl, aff, c) == {"node-1": None, "node-2": nm, "node-3": nm}
    web = pod("c", labels={"app": "web"})
    assert run_filters(pl, web, c) == {
        "node-1": None, "node-2": (Code.Unschedulable, "node(s) didn't satisfy existing pods anti-affinity rules"),
        "node-3": None}
    # the first of a series of pods with affinity to themselves may go anywhere
    first = pod("d", labels={"app": "cache"}, affinity={"podAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [term({"app": "cache"})]}})
    assert run_filters(pl, first, c) == {"node-1": None, "node-2": None, "node-3": None}


def test_inter_pod_affinity_preferred_score():
    nodes = [zone_node("node-1"), zone_node("node-2"), zone_node("node-3")]
    c = snapshot(nodes, [labelled("db", "node-1", {"app": "db"}), labelled("db2", "node-2", {"app": "db"}),
                         labelled("db3", "node-2", {"app": "db"})])
    pl = InterPodAffinity(None, FakeHandle(c))
    p = pod("p", affinity={"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 10, "podAffinityTerm": term({"app": "db"})}]}})
    # raw: node-1 10, node-2 20, node-3 0 -> 100 * (s - min) / (max - min)
    assert score_nodes(pl, p, c) == {"node-1": 50, "node-2": 100, "node-3": 0}


# ---------------------------------------------------------------- NodePorts, NodeUnschedulable, NodeName

def port_pod(name, port, protocol="TCP", host_ip=None, node_name=""):
    p = {"containerPort": 80, "hostPort": port, "protocol": protocol}
    if host_ip:
        p["hostIP"] = host_ip
    return with_containers(pod(name, node_name=node_name), [{"name": "c", "image": "nginx", "ports": [p]}])


@pytest.mark.parametrize("want_port,protocol,host_ip,fits", [
    (8080, "TCP", None, False),
    (8080, "UDP", None, True),
    (8081, "TCP", None, True),
    (8080, "TCP", "10.0.0.1", False),  # a specific IP conflicts with 0.0.0.0
])
def test_node_ports(want_port, protocol, host_ip, fits):
    c = snapshot([zone_node("node-1")], [port_pod("used", 8080, node_name="node-1")])
    got = run_filters(NodePorts(), port_pod("new", want_port, protocol, host_ip), c)
    assert got["node-1"] == (None if fits else
                             (Code.Unschedulable, "node(s) didn't have free ports for the requested pod ports"))


def test_node_ports_prefilter_skips_pods_without_host_ports():
    _, st = NodePorts().pre_filter(CycleState(), PodInfo(pod("p")))
    assert st.code == Code.Skip


@pytest.mark.parametrize("tolerations,fits", [
    ([], False),
    ([{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}], True),
])
def test_node_unschedulable(tolerations, fits):
    c = snapshot([node("cordoned", unschedulable=True)])
    st = NodeUnschedulable().filter(CycleState(), PodInfo(pod("p", tolerations=tolerations)), c.list()[0])
    assert st is None if fits else (st.code, st.message()) == (Code.UnschedulableAndUnresolvable,
                                                               "node(s) were unschedulable")


def test_node_name():
    c = snapshot([node("node-1"), node("node-2")])
    pi = PodInfo(pod("p", nodeName="node-1"))
    got = [NodeName().filter(CycleState(), pi, n) for n in c.list()]
    assert got[0] is None and got[1].message() == "node(s) didn't match the requested node name"


# ---------------------------------------------------------------- ImageLocality

MB = 1024 * 1024


def test_image_locality():
    nodes = [node("node-1", images=[{"names": ["nginx:1.25"], "sizeBytes": 500 * MB}]), node("node-2")]
    c = snapshot(nodes)
    p = with_containers(pod("p"), [{"name": "c", "image": "nginx:1.25"}])
    # scaledImageScore: 500MB * 1/2 nodes = 250MB; 100 * (250MB - 23MB) / (1000MB - 23MB) = 23
    assert score_nodes(ImageLocality(FakeHandle(c)), p, c) == {"node-1": 23, "node-2": 0}
    pi = PodInfo(p)
    assert ImageLocality(FakeHandle(c)).score_nodes(CycleState(), pi, c.list()) == [23, 0]


@pytest.mark.parametrize("name,want", [("busybox", "busybox:latest"), ("gcr.io/x/y:1", "gcr.io/x/y:1"),
                                       ("localhost:5000/img", "localhost:5000/img:latest")])
def test_normalized_image_name(name, want):
    assert normalized_image_name(name) == want
