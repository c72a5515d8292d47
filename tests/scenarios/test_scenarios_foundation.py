"""Foundation scenarios: apply → Running through the real control path, an unschedulable pod,
a bad manifest that changes nothing, determinism, and schema-valid output."""

import json

import pytest

import k8slab
from schema_check import assert_valid_k8s

NGINX = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""


def pods(c):
    return c.list("pods", "default")


def test_nginx_deployment_reaches_three_running_pods_within_30_seconds():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply(NGINX)
    c.run(30)
    ps = pods(c)
    assert len(ps) == 3
    assert all(p["status"]["phase"] == "Running" for p in ps)
    assert all(cs["ready"] for p in ps for cs in p["status"]["containerStatuses"])
    assert len({p["spec"]["nodeName"] for p in ps}) == 3  # LeastAllocated spreads them
    rs = c.list("replicasets", "default")[0]
    h = rs["metadata"]["labels"]["pod-template-hash"]
    assert all(p["metadata"]["name"].startswith(f"nginx-deployment-{h}-") for p in ps)
    d = c.get("deployments", "nginx-deployment")
    assert d["status"]["availableReplicas"] == 3
    out = c.kubectl("get deployment nginx-deployment")
    assert out.splitlines()[1].split()[:4] == ["nginx-deployment", "3/3", "3", "3"]


def test_the_control_path_goes_through_the_api_server_in_order():
    c = k8slab.Cluster(seed=0, nodes=3)
    m = c.trace.mark()
    c.apply(NGINX)
    c.run(30)
    recs = c.trace[m:]
    # nobody but the API server touches etcd
    assert {r.source for r in recs if r.target == "etcd"} == {"kube-apiserver"}
    firsts = {}
    for r in recs:
        key = (r.source.split("/")[0], r.verb, r.kind)
        firsts.setdefault(key, r.time)
    order = [("kubectl", "create", "Deployment"), ("deployment-controller", "create", "ReplicaSet"),
             ("replicaset-controller", "create", "Pod"), ("default-scheduler", "create/binding", "Pod"),
             ("kubelet", "update/status", "Pod")]
    times = [firsts[k] for k in order]
    assert times == sorted(times), dict(zip(order, times))


def test_unschedulable_pod_gets_failed_scheduling_with_aggregated_message():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "big"},
             "spec": {"containers": [{"name": "c", "image": "nginx:1.27",
                                      "resources": {"requests": {"cpu": "3"}}}]}})
    c.run(10)
    p = c.get("pods", "big")
    assert p["status"]["phase"] == "Pending" and not p["spec"].get("nodeName")
    cond = next(x for x in p["status"]["conditions"] if x["type"] == "PodScheduled")
    assert (cond["status"], cond["reason"]) == ("False", "Unschedulable")
    assert cond["message"].startswith("0/3 nodes are available: 3 Insufficient cpu.")
    evs = [e for e in c.list("events", "default") if e["reason"] == "FailedScheduling"]
    assert evs and evs[0]["type"] == "Warning" and evs[0]["message"] == cond["message"]
    assert evs[0]["source"]["component"] == "default-scheduler"


@pytest.mark.parametrize("bad,expected", [
    (NGINX.replace("image: nginx:1.14.2", "image: ''"),
     'Deployment.apps "nginx-deployment" is invalid: spec.template.spec.containers[0].image: Required value'),
    (NGINX.replace("name: nginx-deployment", "name: Nginx_Deployment"),
     'Deployment.apps "Nginx_Deployment" is invalid: metadata.name: Invalid value: "Nginx_Deployment"'),
    (NGINX.replace("replicas: 3", "replicas: -1"),
     'Deployment.apps "nginx-deployment" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'),
])
def test_bad_manifest_is_refused_and_changes_nothing(bad, expected):
    c = k8slab.Cluster(seed=0, nodes=3)
    good_pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "first"},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}
    rev = c.store.revision
    keys = c.store.keys("/registry/")
    # a multi-document manifest whose second document is bad: nothing of it is applied
    manifest = json.dumps(good_pod) + "\n---\n" + bad
    with pytest.raises((k8slab.ApiError, k8slab.KubectlError)) as ei:
        c.apply(manifest)
    # c.apply speaks like kubectl apply: "The Deployment "x" is invalid: ..." (the Status
    # message itself reads 'Deployment.apps "x" is invalid: ...')
    kind_name, _, detail = expected.partition(" is invalid: ")
    name = kind_name.split(" ", 1)[1]
    assert f"The Deployment {name} is invalid: {detail}" in str(ei.value)
    cause = ei.value.__cause__ or ei.value.__context__
    assert isinstance(cause, k8slab.ApiError)
    assert cause.message.startswith(expected) and cause.code == 422
    assert c.store.revision == rev and c.store.keys("/registry/") == keys


def script(seed):
    c = k8slab.Cluster(seed=seed, nodes=3)
    c.apply(NGINX)
    c.run(20)
    c.kubectl("scale deployment nginx-deployment --replicas=5")
    c.run(20)
    victim = pods(c)[0]["metadata"]["name"]
    c.kubectl(f"delete pod {victim}")
    c.run(40)
    return c


def test_same_seed_same_objects_and_trace():
    a, b = script(7), script(7)
    cmd = "get pods,replicasets,deployments,nodes -A -o yaml"
    assert a.kubectl(cmd) == b.kubectl(cmd)
    assert [tuple(vars(r).values()) for r in a.trace] == [tuple(vars(r).values()) for r in b.trace]
    assert a.kubectl("get events -A") == b.kubectl("get events -A")
    c = script(8)
    assert c.kubectl("get pods -o name") != a.kubectl("get pods -o name")  # the seed matters


def test_emitted_objects_are_valid_kubernetes_objects():
    c = script(0)
    for kind in ("pods", "replicasets", "deployments", "nodes", "events", "namespaces", "leases"):
        doc = json.loads(c.kubectl(f"get {kind} -A -o json"))
        assert doc["items"], kind
        for obj in doc["items"]:
            assert_valid_k8s(obj)
