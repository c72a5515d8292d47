"""Scheduling throughput (pods/s) on 5,000 nodes with the default plugins.

Compared with upstream's scheduler_perf ``SchedulingBasic`` 5000Nodes threshold
(test/integration/scheduler_perf/config/performance-config.yaml: 680-810 pods/s, Go).

What is measured: only the scheduler's work. The plane is the API server plus the
scheduler (no controllers, no kubelets): ``--nodes`` Node objects (4 CPU, 32Gi, 110 pods,
as scheduler_perf's default node template) are created directly through the API, then
``--pods`` pods (as scheduler_perf's pod-default template: one container requesting
100m CPU / 500Mi memory) are created while the clock is stopped; the timer covers only the
kernel running the scheduling and binding cycles until every pod is bound. Default plugins,
``percentageOfNodesToScore`` left to upstream's adaptive rule (5,000 nodes -> 10%, i.e. 500
nodes evaluated per pod). Run: ``.venv/bin/python bench/bench_scheduler.py --nodes 5000
--pods 1000 [--profile]``; prints one JSON line (and the top of a cProfile when asked).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time

sys.path.insert(0, ".")

from k8slab.apiserver import APIServer  # noqa: E402
from k8slab.client import Client, ComponentContext, EventRecorder  # noqa: E402
from k8slab.etcd import MVCCStore  # noqa: E402
from k8slab.scheduler import Scheduler  # noqa: E402
from k8slab.sim import Kernel, RngTree, Trace  # noqa: E402


def node(i: int) -> dict:
    name = f"node-{i}"
    cap = {"cpu": "4", "memory": "32Gi", "pods": "110"}
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "status": {"capacity": dict(cap), "allocatable": dict(cap),
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def pod(i: int) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{i}"},
            "spec": {"containers": [{"name": "pause", "image": "registry.k8s.io/pause:3.10",
                                     "resources": {"requests": {"cpu": "100m", "memory": "500Mi"}}}]}}


def build(nodes: int):
    kernel = Kernel()
    rng = RngTree(0)
    server = APIServer(MVCCStore(clock=lambda: kernel.now), kernel, rng, Trace(limit=1000))
    server.bootstrap()
    client = Client(server, "bench")
    for i in range(1, nodes + 1):
        client.create("nodes", node(i))
    sc = Client(server, "default-scheduler")
    ctx = ComponentContext("default-scheduler", sc,
                           lambda d, fn, *a, source="", what="": kernel.call_later(d, fn, *a, source=source or
                                                                                   "default-scheduler", what=what),
                           rng.stream("default-scheduler"), EventRecorder(sc, "default-scheduler"))
    sched = Scheduler(ctx)
    sched.start()
    kernel.run_until(kernel.now + 1)
    return kernel, server, client, sched


def bound(client: Client) -> int:
    return sum(1 for p in client.list("pods", "default")["items"] if p["spec"].get("nodeName"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--pods", type=int, default=1000)
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args()
    t0 = time.perf_counter()
    kernel, server, client, sched = build(a.nodes)
    setup = time.perf_counter() - t0
    for i in range(a.pods):
        client.create("pods", pod(i), "default")
    prof = cProfile.Profile() if a.profile else None
    t1 = time.perf_counter()
    if prof:
        prof.enable()
    while True:  # run the scheduling/binding cycles until the queue is empty
        kernel.run_until(kernel.now + 1)
        if kernel.now > 3600:
            break
        if bound(client) == a.pods:
            break
    if prof:
        prof.disable()
    elapsed = time.perf_counter() - t1
    n = bound(client)
    print(json.dumps({"nodes": a.nodes, "nodes_in_scheduler_cache": len(list(sched.cache.list())), "pods": a.pods, "bound": n, "setup_s": round(setup, 1),
                      "schedule_s": round(elapsed, 2), "pods_per_s": round(n / elapsed, 1)}))
    if prof:
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(15)
        print(s.getvalue())


if __name__ == "__main__":
    main()
