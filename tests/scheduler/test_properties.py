"""Invariants under random workloads (hypothesis), and determinism."""

import collections

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sched_harness import SchedPlane, node, pod

from k8slab.scheduler.framework import PodInfo

node_st = st.tuples(st.integers(1, 4), st.integers(1, 8), st.integers(1, 6))  # cpu cores, memory Gi, max pods
pod_st = st.tuples(st.sampled_from([None, "100m", "500m", "1", "1500m", "3"]),
                   st.sampled_from([None, "64Mi", "512Mi", "1Gi", "3Gi"]),
                   st.sampled_from([0, 0, 0, 100]))
op_st = st.one_of(st.tuples(st.just("pods"), st.lists(pod_st, min_size=1, max_size=8)),
                  st.tuples(st.just("delete"), st.integers(0, 1000)),
                  st.tuples(st.just("cordon"), st.integers(0, 1000)),
                  st.tuples(st.just("node"), node_st))


def check_fits(cp: SchedPlane) -> None:
    nodes = {n["metadata"]["name"]: n for n in cp.client.list("nodes")["items"]}
    used = collections.defaultdict(lambda: [0, 0, 0])
    for p in cp.client.list("pods", "default")["items"]:
        n = p["spec"].get("nodeName")
        if not n:
            continue
        pi = PodInfo(p)
        u = used[n]
        u[0] += pi.milli_cpu
        u[1] += pi.memory
        u[2] += 1
    for name, (cpu, mem, count) in used.items():
        alloc = PodInfoNode(nodes[name])
        assert cpu <= alloc[0] and mem <= alloc[1] and count <= alloc[2], (name, cpu, mem, count, alloc)


def PodInfoNode(n):
    from k8slab.scheduler.framework import NodeInfo

    ni = NodeInfo(n)
    return ni.alloc_cpu, ni.alloc_mem, ni.alloc_pods


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nodes=st.lists(node_st, min_size=1, max_size=4), ops=st.lists(op_st, min_size=1, max_size=6),
       seed=st.integers(0, 3))
def test_no_node_is_ever_overcommitted(nodes, ops, seed):
    def mk(i, spec):
        cpu, mem, pods = spec
        return node(f"n{i}", {"cpu": str(cpu), "memory": f"{mem}Gi", "pods": str(pods)})

    cp = SchedPlane(seed=seed, nodes=[mk(i, n) for i, n in enumerate(nodes)])
    count = 0
    for op, arg in ops:
        if op == "pods":
            for cpu, mem, prio in arg:
                req = {k: v for k, v in (("cpu", cpu), ("memory", mem)) if v}
                cp.create_pod(pod(f"p{count}", req, priority=prio) if req else pod(f"p{count}", priority=prio,
                                                                                    containers=1))
                count += 1
        elif op == "delete":
            pods = sorted(cp.pods())
            if pods:
                cp.client.delete("pods", pods[arg % len(pods)], "default", grace_period_seconds=0)
        elif op == "cordon":
            ns = cp.client.list("nodes")["items"]
            n = ns[arg % len(ns)]
            n["spec"]["unschedulable"] = True
            cp.client.update("nodes", n)
        else:
            cp.client.create("nodes", mk(len(cp.client.list("nodes")["items"]), arg))
        for _ in range(4):
            cp.run(0.5)
            check_fits(cp)


def bindings(seed: int) -> dict:
    cp = SchedPlane(seed=seed, nodes=[node(f"node-{i}", {"cpu": "4", "memory": "8Gi", "pods": "110"})
                                      for i in range(5)])
    for i in range(30):
        cp.create_pod(pod(f"web-{i}", {"cpu": "100m", "memory": "64Mi"}))
    cp.run(5)
    return {name: p["spec"].get("nodeName") for name, p in cp.pods().items()}


def test_same_seed_same_bindings():
    a, b = bindings(7), bindings(7)
    assert a == b
    assert all(a.values())


@settings(max_examples=30, deadline=None)
@given(n_nodes=st.integers(1, 8), n_pods=st.integers(0, 40), seed=st.integers(0, 10**6))
def test_batch_scoring_matches_per_node_scoring(n_nodes, n_pods, seed):
    """The framework's fast paths (``score_nodes``, ``normalize_scores``) give exactly what
    upstream's per-node ``score`` and ``normalize_score`` give."""
    import random

    from sched_harness import FakeHandle, snapshot

    from k8slab.scheduler.config import build_framework, load_config
    from k8slab.scheduler.framework import CycleState, NodeScore

    r = random.Random(seed)
    owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "u", "controller": True}]
    nodes = [node(f"n{i}", {"cpu": str(r.randint(1, 8)), "memory": f"{r.randint(1, 16)}Gi", "pods": "110"},
                  labels={"kubernetes.io/hostname": f"n{i}", "topology.kubernetes.io/zone": f"z{i % 3}"},
                  taints=[{"key": "k", "value": "v", "effect": "PreferNoSchedule"}] if r.random() < 0.3 else None,
                  images=[{"names": ["nginx:1.25"], "sizeBytes": r.randint(1, 900) * 2**20}] if r.random() < 0.5
                  else None)
             for i in range(n_nodes)]
    pods = []
    for i in range(n_pods):
        p = pod(f"e{i}", {"cpu": f"{r.randint(0, 900)}m", "memory": f"{r.randint(0, 900)}Mi"},
                node_name=f"n{r.randrange(n_nodes)}", labels={"app": r.choice(["web", "db"])})
        if r.random() < 0.7:
            p["metadata"]["ownerReferences"] = owner
        pods.append(p)
    c = snapshot(nodes, pods)
    h = FakeHandle(c, {"default/rs": {"spec": {"selector": {"matchLabels": {"app": "web"}}}}})
    fw = build_framework(load_config(None).profiles[0], h)
    new = pod("new", {"cpu": "250m", "memory": "300Mi"}, labels={"app": "web"},
              affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                  {"weight": 5, "preference": {"matchExpressions": [
                      {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["z1"]}]}}]}})
    new["metadata"]["ownerReferences"] = owner
    new["spec"]["containers"][0]["image"] = "nginx:1.25"
    pi = PodInfo(new)
    ns = c.list()
    state = CycleState()
    assert fw.run_pre_score_plugins(state, pi, ns) is None
    for pl in fw.score_plugins:
        if pl.name in state.skip_score_plugins:
            continue
        one = [pl.score(state, pi, n) for n in ns]
        if hasattr(pl, "score_nodes"):
            assert pl.score_nodes(state, pi, ns) == one, pl.name
        if hasattr(pl, "normalize_scores"):
            lst = [NodeScore(n.name, s) for n, s in zip(ns, one)]
            pl.normalize_score(state, pi, lst)
            assert pl.normalize_scores(state, pi, ns, list(one)) == [x.score for x in lst], pl.name
