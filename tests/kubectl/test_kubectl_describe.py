"""kubectl describe: pods, nodes, deployments, replicasets, namespaces, generic kinds.

The golden files in data/describe_*.txt were checked against the real kubectl v1.32: the
same objects (timestamps moved to the present) were served to it by a fake API server,
and ``kubectl describe`` printed exactly these texts, apart from the dates.
"""

import pathlib

import pytest

from k8slab.client import EventRecorder
from k8slab.kubectl import KubectlError

from kubectl_harness import Harness, node, pod, running_status

DATA = pathlib.Path(__file__).parent / "data"


def scenario() -> Harness:
    h = Harness()
    n, st = node("node-1", "172.18.0.2", taints=[{"key": "gpu", "value": "true", "effect": "NoSchedule"}])
    h.create(n, st)
    n2, st2 = node("node-2", "172.18.0.3", ready="False", unschedulable=True)
    h.create(n2, st2)
    h.create({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
              "metadata": {"name": "node-1", "namespace": "kube-node-lease"},
              "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 40,
                       "renewTime": "2025-01-01T00:00:10.000000Z"}})
    container = {"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}],
                 "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
                 "env": [{"name": "A", "value": "1"}, {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}
    dep = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"},
                        "annotations": {"deployment.kubernetes.io/revision": "1"}},
           "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}}}}
    d = h.create(dep)
    h.advance(1)
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": {"name": "web-5d4f8b9c7", "namespace": "default",
                       "labels": {"app": "web", "pod-template-hash": "5d4f8b9c7"},
                       "annotations": {"deployment.kubernetes.io/revision": "1"},
                       "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                            "uid": d["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]},
          "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "5d4f8b9c7"}},
                   "template": {"metadata": {"labels": {"app": "web", "pod-template-hash": "5d4f8b9c7"}},
                                "spec": {"containers": [container]}}}}
    r = h.create(rs, {"replicas": 2, "readyReplicas": 1, "availableReplicas": 1, "fullyLabeledReplicas": 2,
                      "observedGeneration": 1})
    h.set_status("deployments", "web", {
        "observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 1, "availableReplicas": 1,
        "unavailableReplicas": 1,
        "conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable",
                        "message": "Deployment does not have minimum availability.",
                        "lastUpdateTime": "2025-01-01T00:00:01Z", "lastTransitionTime": "2025-01-01T00:00:01Z"},
                       {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                        "message": 'ReplicaSet "web-5d4f8b9c7" is progressing.',
                        "lastUpdateTime": "2025-01-01T00:00:01Z", "lastTransitionTime": "2025-01-01T00:00:01Z"}]})
    owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d4f8b9c7", "uid": r["metadata"]["uid"],
              "controller": True, "blockOwnerDeletion": True}]
    p1 = pod("web-5d4f8b9c7-abcde", labels={"app": "web", "pod-template-hash": "5d4f8b9c7"}, nodeName="node-1",
             container=container)
    p1["metadata"]["ownerReferences"] = owner
    p1["spec"]["volumes"] = [{"name": "data", "emptyDir": {}}, {"name": "cfg", "configMap": {"name": "web-cfg"}}]
    p1["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/data"},
                                                   {"name": "cfg", "mountPath": "/etc/cfg", "readOnly": True}]
    p1["spec"]["nodeSelector"] = {"disk": "ssd"}
    st = running_status("node-1", "172.18.0.2", "10.244.1.5", restarts=2, last_finished="2025-01-01T00:00:30Z")
    st["qosClass"] = "Burstable"
    pp = h.create(p1, st)
    p2 = pod("web-5d4f8b9c7-fghij", labels={"app": "web", "pod-template-hash": "5d4f8b9c7"}, container=container)
    p2["metadata"]["ownerReferences"] = owner
    h.create(p2, {"phase": "Pending", "qosClass": "Burstable",
                  "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                  "message": "0/2 nodes are available", "lastProbeTime": None,
                                  "lastTransitionTime": "2025-01-01T00:00:01Z"}]})
    EventRecorder(h.client, "default-scheduler").event(
        pp, "Normal", "Scheduled", "Successfully assigned default/web-5d4f8b9c7-abcde to node-1")
    kubelet = EventRecorder(h.client, "kubelet", "node-1")
    h.advance(3)
    kubelet.event(pp, "Normal", "Pulled", 'Container image "nginx:1.27" already present on machine',
                  "spec.containers{nginx}")
    for _ in range(3):
        h.advance(20)
        kubelet.event(pp, "Warning", "BackOff",
                      "Back-off restarting failed container nginx in pod web-5d4f8b9c7-abcde_default(uid)",
                      "spec.containers{nginx}")
    EventRecorder(h.client, "deployment-controller").event(
        h.client.get("deployments", "web", "default"), "Normal", "ScalingReplicaSet",
        "Scaled up replica set web-5d4f8b9c7 from 0 to 2")
    kubelet.event(h.client.get("nodes", "node-1"), "Normal", "NodeReady", "Node node-1 status is now: NodeReady")
    h.advance(1200 - h.now + 0.5)
    return h


@pytest.fixture(scope="module")
def h():
    return scenario()


GOLDEN = {name: (DATA / f"describe_{name}.txt").read_text() for name in
          ("pod_running", "pod_pending", "node_ready", "node_notready", "deployment", "replicaset", "namespace")}


@pytest.mark.parametrize("cmd,golden", [
    ("describe pod web-5d4f8b9c7-abcde", "pod_running"),
    ("describe pod web-5d4f8b9c7-fghij", "pod_pending"),
    ("describe node node-1", "node_ready"),
    ("describe nodes node-2", "node_notready"),
    ("describe deployment web", "deployment"),
    ("describe rs web-5d4f8b9c7", "replicaset"),
    ("describe ns default", "namespace"),
])
def test_describe_golden(h, cmd, golden):
    assert h.kubectl(cmd) == GOLDEN[golden]


def test_describe_by_name_prefix_and_several(h):
    # a name that matches nothing describes every object whose name starts with it
    assert h.kubectl("describe pod web") == GOLDEN["pod_running"] + "\n" + GOLDEN["pod_pending"] + "\n"
    assert h.kubectl("describe pods -l app=web") == GOLDEN["pod_running"] + "\n\n" + GOLDEN["pod_pending"]
    assert h.kubectl("describe pod/web-5d4f8b9c7-abcde") == GOLDEN["pod_running"]


def test_describe_without_events(h):
    text = h.kubectl("describe pod web-5d4f8b9c7-fghij --show-events=false")
    assert "Events" not in text
    assert text == GOLDEN["pod_pending"].split("Events:")[0]


def test_describe_generic_kind(h):
    lease = h.client.get("leases", "node-1", "kube-node-lease")["metadata"]
    assert h.kubectl("describe lease node-1 -n kube-node-lease") == (
        "Name:         node-1\n"
        "Namespace:    kube-node-lease\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "API Version:  coordination.k8s.io/v1\n"
        "Kind:         Lease\n"
        "Metadata:\n"
        "  Creation Timestamp:  2025-01-01T00:00:00Z\n"
        "  Resource Version:    " + lease["resourceVersion"] + "\n"
        "  UID:                 " + lease["uid"] + "\n"
        "Spec:\n"
        "  Holder Identity:         node-1\n"
        "  Lease Duration Seconds:  40\n"
        "  Renew Time:              2025-01-01T00:00:10.000000Z\n"
        "Events:                    <none>\n")


def test_describe_terminating_pod():
    h = Harness()
    n, st = node("node-1", "172.18.0.2")
    h.create(n, st)
    h.create(pod("p", nodeName="node-1"), running_status("node-1", "172.18.0.2", "10.244.1.9"))
    h.client.delete("pods", "p", "default")
    h.advance(12)
    text = h.kubectl("describe pod p")
    assert "Status:                    Terminating (lasts <invalid>)\nTermination Grace Period:  30s\n" in text
    assert h.kubectl("get pod p").splitlines()[1].split()[2] == "Terminating"


@pytest.mark.parametrize("cmd,message", [
    ("describe pod nope", 'Error from server (NotFound): pods "nope" not found'),
    ("describe", 'error: You must specify the type of resource to describe. Use "kubectl api-resources" for a '
                 "complete list of supported resources."),
    ("describe foo x", 'error: the server doesn\'t have a resource type "foo"'),
])
def test_describe_errors(h, cmd, message):
    with pytest.raises(KubectlError) as e:
        h.kubectl(cmd)
    assert str(e.value) == message


def test_describe_nothing_found(h):
    assert h.kubectl("describe pods -n kube-public") == "No resources found in kube-public namespace.\n"
