"""The API server over a durable store, and a whole cluster's store through save_state/load_state."""

from k8slab.apiserver.server import APIServer
from k8slab.etcd.durable import DurableStore
from k8slab.etcd.snapshot import load_state, save_state
from k8slab.sim.kernel import Kernel
from k8slab.sim.rng import RngTree
from k8slab.sim.trace import Trace


def pod(name):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}


def server(store, kernel):
    s = APIServer(store, kernel, RngTree(0), Trace())
    s.bootstrap()
    return s


def test_objects_and_their_resource_versions_survive_a_restart(tmp_path):
    k = Kernel()
    store = DurableStore(tmp_path / "etcd", clock=lambda: k.now, snapshot_count=5)
    api = server(store, k)
    for i in range(4):
        api.create("pods", "default", pod(f"web-{i}"))
    rv_before_delete = api.list("pods", "default")["metadata"]["resourceVersion"]
    api.delete("pods", "default", "web-0")
    before = api.list("pods", "default")
    store.close()

    k2 = Kernel()
    store2 = DurableStore(tmp_path / "etcd", clock=lambda: k2.now)
    api2 = server(store2, k2)
    assert api2.list("pods", "default") == before
    # a watch from a resourceVersion before the restart replays what happened since
    events = []
    api2.watch("pods", "default", lambda typ, obj: events.append((typ, obj["metadata"]["name"])),
               resource_version=rv_before_delete)
    k2.run_until(1)
    assert events == [("DELETED", "web-0")]


def test_a_cluster_store_round_trips_through_a_lab_state_file(tmp_path):
    import k8slab

    c = k8slab.Cluster(seed=0, nodes=2)
    c.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
             "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}},
                                   "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    c.run(20)
    p = tmp_path / "lab.k8slab"
    save_state(c.store, p, metadata={"seed": 0, "now": c.now})
    restored = load_state(p)
    assert restored.export_state()["keys"] == c.store.export_state()["keys"]
    api = server(restored, Kernel())
    for resource in ("pods", "replicasets", "deployments", "nodes", "namespaces"):
        assert api.list(resource) == c.apiserver.list(resource)
