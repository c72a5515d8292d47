"""StatefulSet controller scenarios through k8slab.Cluster (kubernetes.io "StatefulSet basics", web/nginx)."""

from __future__ import annotations

import pytest

import k8slab
from k8slab.api.meta import parse_time

MANIFEST = """
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels: {app: nginx}
spec:
  ports: [{port: 80, name: web}]
  clusterIP: None
  selector: {app: nginx}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  podManagementPolicy: POLICY
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80, name: web}]
        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: ["ReadWriteOnce"]
      resources: {requests: {storage: 1Gi}}
"""


def web(policy: str = "OrderedReady", run: float = 60) -> k8slab.Cluster:
    c = k8slab.Cluster(seed=0, nodes=3)
    c.apply(MANIFEST.replace("POLICY", policy))
    c.run(run)
    return c


def patch(c, body: dict, name: str = "web") -> dict:
    return c.client.patch("statefulsets", name, body, namespace="default")


def set_image(c, image: str) -> dict:
    return patch(c, {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": image}]}}}})


def pods(c) -> dict[str, dict]:
    return {p["metadata"]["name"]: p for p in c.list("pods", "default")}


def ready_at(p: dict) -> float:
    cond = next(x for x in p["status"]["conditions"] if x["type"] == "Ready")
    assert cond["status"] == "True"
    return parse_time(cond["lastTransitionTime"])


def sts_events(c) -> list[tuple[str, str]]:
    evs = [e for e in c.list("events", "default") if e["involvedObject"]["kind"] == "StatefulSet"]
    evs.sort(key=lambda e: (e.get("lastTimestamp") or "", e["metadata"]["creationTimestamp"], e["metadata"]["name"]))
    return [(e["reason"], e["message"]) for e in evs]


def test_ordered_creation_identity_and_status():
    c = web()
    ps = pods(c)
    assert sorted(ps) == ["web-0", "web-1"]
    # web-1 is created only once web-0 is Running and Ready
    assert parse_time(ps["web-1"]["metadata"]["creationTimestamp"]) >= ready_at(ps["web-0"])
    w0 = ps["web-0"]
    labels = w0["metadata"]["labels"]
    assert labels["statefulset.kubernetes.io/pod-name"] == "web-0"
    assert labels["apps.kubernetes.io/pod-index"] == "0"
    assert labels["controller-revision-hash"].startswith("web-")
    assert w0["spec"]["hostname"] == "web-0" and w0["spec"]["subdomain"] == "nginx"
    assert {"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}} in w0["spec"]["volumes"]
    assert sts_events(c)[:2] == [("SuccessfulCreate", "create Pod web-0 in StatefulSet web successful"),
                                 ("SuccessfulCreate", "create Pod web-1 in StatefulSet web successful")]
    st = c.get("statefulsets", "web")["status"]
    assert st["replicas"] == st["readyReplicas"] == st["availableReplicas"] == 2
    assert st["currentReplicas"] == st["updatedReplicas"] == 2
    assert st["currentRevision"] == st["updateRevision"] == labels["controller-revision-hash"]
    assert st["observedGeneration"] == 1
    revs = c.list("controllerrevisions", "default")
    assert [(r["metadata"]["name"], r["revision"]) for r in revs] == [(st["updateRevision"], 1)]


def test_kubectl_get_sts_columns():
    c = web()
    out = str(c.kubectl("get sts"))
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "READY", "AGE"]
    assert lines[1].split()[:2] == ["web", "2/2"]
    wide = str(c.kubectl("get sts -o wide")).splitlines()
    assert wide[0].split() == ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"]
    assert wide[1].split()[-2:] == ["nginx", "nginx:1.27"]


def test_deleted_pod_comes_back_with_same_name():
    c = web()
    old_uid = pods(c)["web-0"]["metadata"]["uid"]
    c.kubectl("delete pod web-0")
    c.run(60)
    ps = pods(c)
    assert sorted(ps) == ["web-0", "web-1"]
    assert ps["web-0"]["metadata"]["uid"] != old_uid
    assert ps["web-0"]["status"]["phase"] == "Running"


def test_scale_up_in_order_and_down_from_highest():
    c = web()
    c.kubectl("scale sts web --replicas=4")
    c.run(60)
    ps = pods(c)
    assert sorted(ps) == ["web-0", "web-1", "web-2", "web-3"]
    assert parse_time(ps["web-2"]["metadata"]["creationTimestamp"]) >= ready_at(ps["web-1"])
    assert parse_time(ps["web-3"]["metadata"]["creationTimestamp"]) >= ready_at(ps["web-2"])
    c.kubectl("scale sts web --replicas=1")
    c.run(120)
    assert sorted(pods(c)) == ["web-0"]
    deletes = [m for r, m in sts_events(c) if r == "SuccessfulDelete"]
    assert deletes == ["delete Pod web-3 in StatefulSet web successful",
                       "delete Pod web-2 in StatefulSet web successful",
                       "delete Pod web-1 in StatefulSet web successful"]
    assert c.get("statefulsets", "web")["status"]["replicas"] == 1


def test_rolling_update_reverse_order():
    c = web()
    c.kubectl("scale sts web --replicas=3")
    c.run(60)
    old = c.get("statefulsets", "web")["status"]["currentRevision"]
    set_image(c, "nginx:1.27.3")
    c.run(180)
    st = c.get("statefulsets", "web")["status"]
    assert st["updateRevision"] != old
    assert st["currentRevision"] == st["updateRevision"] and st["updatedReplicas"] == 3
    ps = pods(c)
    assert all(p["spec"]["containers"][0]["image"] == "nginx:1.27.3" for p in ps.values())
    deletes = [m for r, m in sts_events(c) if r == "SuccessfulDelete"]
    assert deletes == [f"delete Pod web-{i} in StatefulSet web successful" for i in (2, 1, 0)]
    # each replacement waited for the previous pod to be Ready
    assert ready_at(ps["web-2"]) <= parse_time(ps["web-1"]["metadata"]["creationTimestamp"])
    assert ready_at(ps["web-1"]) <= parse_time(ps["web-0"]["metadata"]["creationTimestamp"])
    revs = sorted((r["revision"], r["metadata"]["name"]) for r in c.list("controllerrevisions", "default"))
    assert [r for r, _ in revs] == [1, 2] and revs[1][1] == st["updateRevision"]


def test_partition_keeps_lower_ordinals():
    c = web()
    c.kubectl("scale sts web --replicas=3")
    c.run(60)
    patch(c, {"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}}})
    set_image(c, "nginx:1.27.3")
    c.run(120)
    images = {n: p["spec"]["containers"][0]["image"] for n, p in pods(c).items()}
    assert images == {"web-0": "nginx:1.27", "web-1": "nginx:1.27", "web-2": "nginx:1.27.3"}
    st = c.get("statefulsets", "web")["status"]
    assert st["currentRevision"] != st["updateRevision"]
    assert st["updatedReplicas"] == 1 and st["currentReplicas"] == 2
    # a deleted pod below the partition comes back at the current revision
    c.kubectl("delete pod web-0")
    c.run(60)
    assert pods(c)["web-0"]["spec"]["containers"][0]["image"] == "nginx:1.27"


def test_on_delete_updates_only_recreated_pods():
    c = web()
    patch(c, {"spec": {"updateStrategy": {"type": "OnDelete", "rollingUpdate": None}}})
    set_image(c, "nginx:1.27.3")
    c.run(60)
    images = {n: p["spec"]["containers"][0]["image"] for n, p in pods(c).items()}
    assert images == {"web-0": "nginx:1.27", "web-1": "nginx:1.27"}
    c.kubectl("delete pod web-1")
    c.run(60)
    assert pods(c)["web-1"]["spec"]["containers"][0]["image"] == "nginx:1.27.3"


def test_parallel_creates_all_at_once():
    c = web("Parallel", run=0.5)
    c.kubectl("scale sts web --replicas=3")
    c.run(0.5)
    ps = pods(c)
    assert sorted(ps) == ["web-0", "web-1", "web-2"]
    assert not any(p["status"].get("phase") == "Running" for p in ps.values())
    c.run(60)
    assert c.get("statefulsets", "web")["status"]["readyReplicas"] == 3
    c.kubectl("scale sts web --replicas=0")
    c.run(1)
    assert all(p["metadata"].get("deletionTimestamp") for p in pods(c).values())


BASE = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "bad"},
        "spec": {"selector": {"matchLabels": {"app": "a"}}, "serviceName": "x",
                 "template": {"metadata": {"labels": {"app": "a"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}


def _with(path: str, value):
    import copy

    obj = copy.deepcopy(BASE)
    cur = obj
    keys = path.split(".")
    for k in keys[:-1]:
        cur = cur[k]
    if value is None:
        del cur[keys[-1]]
    else:
        cur[keys[-1]] = value
    return obj


@pytest.mark.parametrize("obj,fragment", [
    (_with("spec.selector", None), "spec.selector: Required value"),
    (_with("spec.template.metadata.labels", {"app": "b"}),
     'spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`'),
    (_with("spec.replicas", -1), "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
    (_with("spec.template.spec.restartPolicy", "Never"),
     'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'),
    (_with("spec.podManagementPolicy", "Random"),
     "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"),
    (_with("spec.updateStrategy", {"type": "OnDelete", "rollingUpdate": {"partition": 1}}),
     "spec.updateStrategy.rollingUpdate: Invalid value"),
    (_with("spec.updateStrategy", {"type": "Sometimes"}), "must be 'RollingUpdate' or 'OnDelete'"),
])
def test_validation_errors(obj, fragment):
    c = k8slab.Cluster(seed=0, nodes=1)
    with pytest.raises((k8slab.ApiError, k8slab.KubectlError)) as ei:
        c.apply(obj)
    assert 'The StatefulSet "bad" is invalid' in str(ei.value)
    assert fragment in str(ei.value)
    assert c.list("statefulsets", "default") == []


def test_service_name_optional_and_selector_immutable():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply(_with("spec.serviceName", None))
    c.run(30)
    p = pods(c)["bad-0"]
    assert "subdomain" not in p["spec"]
    with pytest.raises(k8slab.ApiError) as ei:
        patch(c, {"spec": {"serviceName": "other"}}, "bad")
    assert ei.value.code == 422
    assert "updates to statefulset spec for fields other than" in ei.value.message
