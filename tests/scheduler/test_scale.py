"""Scale: 1,000 nodes. By default 2,000 pods (a few seconds); set K8SLAB_SCALE=1 for the full
30,000 pods (about a minute of CPU on a 2024 laptop core)."""

import collections
import os
import time

from sched_harness import SchedPlane, node, pod


def test_thousand_nodes():
    n_pods = 30_000 if os.environ.get("K8SLAB_SCALE") else 2_000
    nodes = [node(f"node-{i}", {"cpu": "32", "memory": "128Gi", "pods": "110"},
                  labels={"kubernetes.io/hostname": f"node-{i}", "topology.kubernetes.io/zone": f"zone-{i % 3}"})
             for i in range(1000)]
    cp = SchedPlane(nodes=nodes)
    cp.server.trace.enabled = False
    rss = []
    for j in range(10):
        rss.append(cp.client.create("replicasets", {
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": f"rs{j}", "namespace": "default"},
            "spec": {"replicas": 0, "selector": {"matchLabels": {"app": f"a{j}"}},
                     "template": {"metadata": {"labels": {"app": f"a{j}"}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}))
    for i in range(n_pods):
        rs = rss[i % 10]
        p = pod(f"p-{i}", {"cpu": "100m", "memory": "128Mi"}, labels={"app": f"a{i % 10}"})
        p["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "controller": True,
                                             "name": rs["metadata"]["name"], "uid": rs["metadata"]["uid"]}]
        cp.create_pod(p)
    t0 = time.process_time()
    cp.run(600)
    cpu = time.process_time() - t0
    assert cp.scheduler.schedule_attempts["scheduled"] == n_pods
    per_node = collections.Counter(p["spec"]["nodeName"] for p in cp.client.list("pods", "default")["items"])
    # 42% of the nodes are evaluated per pod, round robin: the load stays even
    assert max(per_node.values()) - min(per_node.values()) <= 4 if n_pods >= 1000 else True
    print(f"{n_pods} pods on 1000 nodes: {cpu:.1f} s CPU, {1000 * cpu / n_pods:.2f} ms per pod")
