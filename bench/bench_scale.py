"""How long a cluster of N nodes takes to bring M pods to Running (wall seconds, peak memory).

Run: ``.venv/bin/python bench/bench_scale.py --nodes 1000 --pods 30000``. The pods come
from ``--deployments`` Deployments of equal size (nginx, no requests), applied at once;
the cluster then runs in virtual time until every pod reports Running. Prints one JSON
line with the figures; the README records them.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

sys.path.insert(0, ".")

import k8slab  # noqa: E402


def deployment(name: str, replicas: int) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}


def running(c: k8slab.Cluster) -> int:
    return len(c.client.list("pods", None, field_selector="status.phase=Running")["items"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--pods", type=int, default=30000)
    ap.add_argument("--deployments", type=int, default=30)
    ap.add_argument("--step", type=float, default=10.0, help="virtual seconds between checks")
    ap.add_argument("--max-virtual", type=float, default=3600.0)
    args = ap.parse_args()

    t0 = time.perf_counter()
    c = k8slab.Cluster(seed=0, nodes=args.nodes, node_cpu="8", node_memory="32Gi", trace_limit=0)
    c.trace.enabled = False
    t_boot = time.perf_counter() - t0
    per = args.pods // args.deployments
    objs = [deployment(f"app-{i}", per) for i in range(args.deployments)]
    t1 = time.perf_counter()
    c.apply(objs)
    want = per * args.deployments
    while c.now < args.max_virtual:
        c.run(args.step)
        if running(c) >= want:
            break
    t_run = time.perf_counter() - t1
    n = running(c)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"nodes": args.nodes, "pods": want, "running": n, "virtual_seconds": round(c.now, 1),
                      "wall_boot_s": round(t_boot, 1), "wall_to_running_s": round(t_run, 1),
                      "kernel_events": c.kernel.steps, "peak_rss_mib": round(peak_mib)}))


if __name__ == "__main__":
    main()
