"""Table tests for k8slab.api.defaults against upstream v1.32 SetDefaults_* behaviour.

Each case: (manifest, mutation applied before defaulting, field path, expected value).
upstream: pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go,
plugin/pkg/admission/priority/admission.go, pkg/registry/core/namespace/strategy.go.
"""

from __future__ import annotations

import copy
import re

import pytest

from k8slab.api.defaults import apply_defaults, default_pull_policy, image_tag

ABSENT = object()

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {"containers": [{"name": "web", "image": "nginx:1.14.2"}]},
}
DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.14.2"}]},
        },
    },
}
REPLICASET = {
    "apiVersion": "apps/v1",
    "kind": "ReplicaSet",
    "metadata": {"name": "frontend"},
    "spec": {
        "selector": {"matchLabels": {"tier": "frontend"}},
        "template": {
            "metadata": {"labels": {"tier": "frontend"}},
            "spec": {"containers": [{"name": "php-redis", "image": "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5"}]},
        },
    },
}
NAMESPACE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}
NODE = {
    "apiVersion": "v1",
    "kind": "Node",
    "metadata": {"name": "node-1"},
    "status": {"capacity": {"cpu": 4, "memory": "8192Mi", "pods": "110"}},
}
LEASE = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "node-1"}, "spec": {}}


def get(obj, path: str):
    """Read ``spec.containers[0].image`` style paths (keys may contain dots in [..])."""
    cur = obj
    for part in re.findall(r"[^.\[\]]+|\[[^\]]+\]", path):
        if part.startswith("["):
            key = part[1:-1]
            if isinstance(cur, list):
                if int(key) >= len(cur):
                    return ABSENT
                cur = cur[int(key)]
                continue
            part = key
        if not isinstance(cur, dict) or part not in cur:
            return ABSENT
        cur = cur[part]
    return cur


def c0(mut):
    """A mutation of the first container of a Pod."""
    return lambda o: mut(o["spec"]["containers"][0])


def t0(mut):
    """A mutation of the first container of a workload's pod template."""
    return lambda o: mut(o["spec"]["template"]["spec"]["containers"][0])


def noop(o):
    return None


CASES = [
    # ---- Pod: SetDefaults_PodSpec
    ("pod restartPolicy", POD, noop, "spec.restartPolicy", "Always"),
    ("pod dnsPolicy", POD, noop, "spec.dnsPolicy", "ClusterFirst"),
    ("pod schedulerName", POD, noop, "spec.schedulerName", "default-scheduler"),
    ("pod terminationGracePeriodSeconds", POD, noop, "spec.terminationGracePeriodSeconds", 30),
    ("pod explicit grace period 0 kept", POD, lambda o: o["spec"].update(terminationGracePeriodSeconds=0),
     "spec.terminationGracePeriodSeconds", 0),
    ("pod securityContext", POD, noop, "spec.securityContext", {}),
    ("pod restartPolicy kept", POD, lambda o: o["spec"].update(restartPolicy="Never"), "spec.restartPolicy", "Never"),
    # ---- Pod: SetDefaults_Pod
    ("pod enableServiceLinks", POD, noop, "spec.enableServiceLinks", True),
    ("pod namespace", POD, noop, "metadata.namespace", "default"),
    ("pod namespace kept", POD, lambda o: o["metadata"].update(namespace="prod"), "metadata.namespace", "prod"),
    ("requests from limits", POD, c0(lambda c: c.update(resources={"limits": {"cpu": "500m", "memory": "128Mi"}})),
     "spec.containers[0].resources.requests", {"cpu": "500m", "memory": "128Mi"}),
    ("requests kept, missing ones from limits", POD,
     c0(lambda c: c.update(resources={"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "250m"}})),
     "spec.containers[0].resources.requests", {"cpu": "250m", "memory": "1Gi"}),
    ("no limits no requests", POD, noop, "spec.containers[0].resources", ABSENT),
    ("hostNetwork fills hostPort", POD,
     lambda o: (o["spec"].update(hostNetwork=True), o["spec"]["containers"][0].update(ports=[{"containerPort": 8080}])),
     "spec.containers[0].ports[0].hostPort", 8080),
    # ---- Pod: Priority admission (create only)
    ("priority 0", POD, noop, "spec.priority", 0),
    ("preemptionPolicy", POD, noop, "spec.preemptionPolicy", "PreemptLowerPriority"),
    ("system-node-critical priority", POD, lambda o: o["spec"].update(priorityClassName="system-node-critical"),
     "spec.priority", 2000001000),
    # ---- Containers: SetDefaults_Container and generated defaults
    ("pull policy for a tag", POD, noop, "spec.containers[0].imagePullPolicy", "IfNotPresent"),
    ("pull policy without tag", POD, c0(lambda c: c.update(image="nginx")), "spec.containers[0].imagePullPolicy", "Always"),
    ("pull policy for latest", POD, c0(lambda c: c.update(image="nginx:latest")), "spec.containers[0].imagePullPolicy", "Always"),
    ("pull policy kept", POD, c0(lambda c: c.update(imagePullPolicy="Never")), "spec.containers[0].imagePullPolicy", "Never"),
    ("terminationMessagePath", POD, noop, "spec.containers[0].terminationMessagePath", "/dev/termination-log"),
    ("terminationMessagePolicy", POD, noop, "spec.containers[0].terminationMessagePolicy", "File"),
    ("port protocol TCP", POD, c0(lambda c: c.update(ports=[{"containerPort": 80}])), "spec.containers[0].ports[0].protocol", "TCP"),
    ("port protocol kept", POD, c0(lambda c: c.update(ports=[{"containerPort": 53, "protocol": "UDP"}])),
     "spec.containers[0].ports[0].protocol", "UDP"),
    ("init container defaults", POD, lambda o: o["spec"].update(initContainers=[{"name": "init", "image": "busybox"}]),
     "spec.initContainers[0].imagePullPolicy", "Always"),
    ("env fieldRef apiVersion", POD,
     c0(lambda c: c.update(env=[{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}])),
     "spec.containers[0].env[0].valueFrom.fieldRef.apiVersion", "v1"),
    # ---- Probes: SetDefaults_Probe, SetDefaults_HTTPGetAction, GRPC +default
    ("probe timeoutSeconds", POD, c0(lambda c: c.update(livenessProbe={"httpGet": {"port": 80}})),
     "spec.containers[0].livenessProbe.timeoutSeconds", 1),
    ("probe periodSeconds", POD, c0(lambda c: c.update(livenessProbe={"httpGet": {"port": 80}})),
     "spec.containers[0].livenessProbe.periodSeconds", 10),
    ("probe successThreshold", POD, c0(lambda c: c.update(readinessProbe={"tcpSocket": {"port": 80}})),
     "spec.containers[0].readinessProbe.successThreshold", 1),
    ("probe failureThreshold", POD, c0(lambda c: c.update(startupProbe={"exec": {"command": ["true"]}})),
     "spec.containers[0].startupProbe.failureThreshold", 3),
    ("probe periodSeconds kept", POD, c0(lambda c: c.update(livenessProbe={"httpGet": {"port": 80}, "periodSeconds": 5})),
     "spec.containers[0].livenessProbe.periodSeconds", 5),
    ("probe httpGet scheme", POD, c0(lambda c: c.update(livenessProbe={"httpGet": {"port": 80}})),
     "spec.containers[0].livenessProbe.httpGet.scheme", "HTTP"),
    ("probe httpGet path", POD, c0(lambda c: c.update(livenessProbe={"httpGet": {"port": 80}})),
     "spec.containers[0].livenessProbe.httpGet.path", "/"),
    ("probe grpc service", POD, c0(lambda c: c.update(livenessProbe={"grpc": {"port": 9090}})),
     "spec.containers[0].livenessProbe.grpc.service", ""),
    ("preStop httpGet scheme", POD, c0(lambda c: c.update(lifecycle={"preStop": {"httpGet": {"port": 80}}})),
     "spec.containers[0].lifecycle.preStop.httpGet.scheme", "HTTP"),
    # ---- Resource lists: rounded up to milli and written canonically
    ("cpu 0.5 -> 500m", POD, c0(lambda c: c.update(resources={"requests": {"cpu": "0.5"}})),
     "spec.containers[0].resources.requests.cpu", "500m"),
    ("cpu int 2 -> '2'", POD, c0(lambda c: c.update(resources={"requests": {"cpu": 2}})),
     "spec.containers[0].resources.requests.cpu", "2"),
    ("memory 1024Mi -> 1Gi", POD, c0(lambda c: c.update(resources={"requests": {"memory": "1024Mi"}})),
     "spec.containers[0].resources.requests.memory", "1Gi"),
    ("cpu 100u rounds up to 1m", POD, c0(lambda c: c.update(resources={"requests": {"cpu": "100u"}})),
     "spec.containers[0].resources.requests.cpu", "1m"),
    ("invalid quantity left for validation", POD, c0(lambda c: c.update(resources={"requests": {"cpu": "lots"}})),
     "spec.containers[0].resources.requests.cpu", "lots"),
    # ---- Volumes
    ("volume without source is emptyDir", POD, lambda o: o["spec"].update(volumes=[{"name": "scratch"}]),
     "spec.volumes[0].emptyDir", {}),
    ("configMap defaultMode 0644", POD, lambda o: o["spec"].update(volumes=[{"name": "c", "configMap": {"name": "cfg"}}]),
     "spec.volumes[0].configMap.defaultMode", 420),
    ("secret defaultMode kept", POD,
     lambda o: o["spec"].update(volumes=[{"name": "s", "secret": {"secretName": "x", "defaultMode": 256}}]),
     "spec.volumes[0].secret.defaultMode", 256),
    ("hostPath type", POD, lambda o: o["spec"].update(volumes=[{"name": "h", "hostPath": {"path": "/data"}}]),
     "spec.volumes[0].hostPath.type", ""),
    ("projected token expiration", POD,
     lambda o: o["spec"].update(volumes=[{"name": "t", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}]),
     "spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds", 3600),
    # ---- Deployment: SetDefaults_Deployment
    ("deployment replicas", DEPLOYMENT, noop, "spec.replicas", 1),
    ("deployment replicas kept", DEPLOYMENT, lambda o: o["spec"].update(replicas=3), "spec.replicas", 3),
    ("deployment replicas 0 kept", DEPLOYMENT, lambda o: o["spec"].update(replicas=0), "spec.replicas", 0),
    ("deployment strategy", DEPLOYMENT, noop, "spec.strategy",
     {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}),
    ("deployment maxSurge given", DEPLOYMENT, lambda o: o["spec"].update(strategy={"rollingUpdate": {"maxSurge": 1}}),
     "spec.strategy.rollingUpdate", {"maxSurge": 1, "maxUnavailable": "25%"}),
    ("deployment Recreate has no rollingUpdate", DEPLOYMENT, lambda o: o["spec"].update(strategy={"type": "Recreate"}),
     "spec.strategy", {"type": "Recreate"}),
    ("deployment revisionHistoryLimit", DEPLOYMENT, noop, "spec.revisionHistoryLimit", 10),
    ("deployment progressDeadlineSeconds", DEPLOYMENT, noop, "spec.progressDeadlineSeconds", 600),
    ("deployment namespace", DEPLOYMENT, noop, "metadata.namespace", "default"),
    ("deployment template dnsPolicy", DEPLOYMENT, noop, "spec.template.spec.dnsPolicy", "ClusterFirst"),
    ("deployment template pull policy", DEPLOYMENT, noop, "spec.template.spec.containers[0].imagePullPolicy", "IfNotPresent"),
    ("template gets no enableServiceLinks", DEPLOYMENT, noop, "spec.template.spec.enableServiceLinks", ABSENT),
    ("template gets no priority", DEPLOYMENT, noop, "spec.template.spec.priority", ABSENT),
    ("template requests not copied from limits", DEPLOYMENT,
     t0(lambda c: c.update(resources={"limits": {"cpu": "1"}})), "spec.template.spec.containers[0].resources",
     {"limits": {"cpu": "1"}}),
    ("apps/v1 does not default the selector", DEPLOYMENT, lambda o: o["spec"].pop("selector"), "spec.selector", ABSENT),
    # ---- ReplicaSet: SetDefaults_ReplicaSet
    ("replicaset replicas", REPLICASET, noop, "spec.replicas", 1),
    ("replicaset template restartPolicy", REPLICASET, noop, "spec.template.spec.restartPolicy", "Always"),
    ("replicaset has no strategy", REPLICASET, noop, "spec.strategy", ABSENT),
    # ---- Namespace
    ("namespace phase", NAMESPACE, noop, "status.phase", "Active"),
    ("namespace name label", NAMESPACE, noop, "metadata.labels[kubernetes.io/metadata.name]", "team-a"),
    ("namespace finalizer on create", NAMESPACE, noop, "spec.finalizers", ["kubernetes"]),
    ("namespace has no metadata.namespace", NAMESPACE, noop, "metadata.namespace", ABSENT),
    # ---- Node: SetDefaults_NodeStatus
    ("node allocatable from capacity", NODE, noop, "status.allocatable", {"cpu": "4", "memory": "8Gi", "pods": "110"}),
    ("node capacity canonical", NODE, noop, "status.capacity.memory", "8Gi"),
    ("node allocatable kept", NODE, lambda o: o["status"].update(allocatable={"cpu": "3500m"}),
     "status.allocatable", {"cpu": "3500m"}),
    ("lease namespace", LEASE, noop, "metadata.namespace", "default"),
]


@pytest.mark.parametrize("manifest, mutate, path, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_defaults(manifest, mutate, path, expected):
    obj = copy.deepcopy(manifest)
    mutate(obj)
    out = apply_defaults(obj)
    assert out is obj  # mutated in place and returned
    assert get(obj, path) == expected if expected is not ABSENT else get(obj, path) is ABSENT


UPDATE_CASES = [
    ("no priority on update", POD, "spec.priority"),
    ("no preemptionPolicy on update", POD, "spec.preemptionPolicy"),
    ("no namespace finalizer on update", NAMESPACE, "spec.finalizers"),
]


@pytest.mark.parametrize("manifest, path", [c[1:] for c in UPDATE_CASES], ids=[c[0] for c in UPDATE_CASES])
def test_create_only_mutations_skipped_on_update(manifest, path):
    obj = apply_defaults(copy.deepcopy(manifest), create=False)
    assert get(obj, path) is ABSENT
    assert get(apply_defaults(copy.deepcopy(manifest)), path) is not ABSENT


@pytest.mark.parametrize("manifest", [POD, DEPLOYMENT, REPLICASET, NAMESPACE, NODE, LEASE],
                         ids=["pod", "deployment", "replicaset", "namespace", "node", "lease"])
def test_server_fields_not_set_and_idempotent(manifest):
    once = apply_defaults(copy.deepcopy(manifest))
    for field in ("uid", "creationTimestamp", "resourceVersion", "generation"):
        assert field not in once["metadata"]
    twice = apply_defaults(copy.deepcopy(once))
    assert twice == once


IMAGE_CASES = [
    # (image, tag ParseImageName finds, pull policy SetDefaults_Container picks)
    ("nginx", "latest", "Always"),
    ("nginx:latest", "latest", "Always"),
    ("nginx:1.14.2", "1.14.2", "IfNotPresent"),
    ("registry.k8s.io/pause:3.9", "3.9", "IfNotPresent"),
    ("localhost:5000/app", "latest", "Always"),
    ("localhost:5000/app:v2", "v2", "IfNotPresent"),
    ("nginx@sha256:" + "a" * 64, "", "IfNotPresent"),
    ("nginx:latest@sha256:" + "b" * 64, "latest", "Always"),
    ("Nginx", "", "IfNotPresent"),  # upper case does not parse; upstream ignores the error
    ("", "", "IfNotPresent"),
]


@pytest.mark.parametrize("image, tag, policy", IMAGE_CASES)
def test_image_tag_and_pull_policy(image, tag, policy):
    assert image_tag(image) == tag
    assert default_pull_policy(image) == policy


def test_unknown_kind_unchanged():
    obj = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"x": 1}}
    assert apply_defaults(copy.deepcopy(obj)) == obj


def _workload(kind, api="apps/v1", **spec):
    tmpl = {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}
    return {"apiVersion": api, "kind": kind, "metadata": {"name": "x"},
            "spec": {"selector": {"matchLabels": {"app": "x"}}, "template": tmpl, **spec}}


@pytest.mark.parametrize("obj,path,expected", [
    # upstream: pkg/apis/apps/v1/defaults.go SetDefaults_StatefulSet
    (_workload("StatefulSet"), ("spec", "podManagementPolicy"), "OrderedReady"),
    (_workload("StatefulSet"), ("spec", "updateStrategy"), {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
    (_workload("StatefulSet"), ("spec", "persistentVolumeClaimRetentionPolicy"),
     {"whenDeleted": "Retain", "whenScaled": "Retain"}),
    (_workload("StatefulSet"), ("spec", "replicas"), 1),
    (_workload("StatefulSet"), ("spec", "revisionHistoryLimit"), 10),
    (_workload("StatefulSet", updateStrategy={"type": "OnDelete"}), ("spec", "updateStrategy"), {"type": "OnDelete"}),
    # SetDefaults_DaemonSet
    (_workload("DaemonSet"), ("spec", "updateStrategy"),
     {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}),
    (_workload("DaemonSet"), ("spec", "revisionHistoryLimit"), 10),
    # pkg/apis/batch/v1/defaults.go SetDefaults_Job
    (_workload("Job", "batch/v1"), ("spec", "completions"), 1),
    (_workload("Job", "batch/v1"), ("spec", "parallelism"), 1),
    (_workload("Job", "batch/v1", parallelism=3), ("spec", "completions"), None),
    (_workload("Job", "batch/v1"), ("spec", "backoffLimit"), 6),
    (_workload("Job", "batch/v1"), ("spec", "completionMode"), "NonIndexed"),
    (_workload("Job", "batch/v1"), ("spec", "suspend"), False),
    (_workload("Job", "batch/v1"), ("spec", "podReplacementPolicy"), "TerminatingOrFailed"),
    (_workload("Job", "batch/v1", podFailurePolicy={"rules": []}), ("spec", "podReplacementPolicy"), "Failed"),
    (_workload("StatefulSet"), ("spec", "template", "spec", "restartPolicy"), "Always"),
])
def test_workload_defaults(obj, path, expected):
    out = apply_defaults(obj)
    for k in path[:-1]:
        out = out[k]
    assert out.get(path[-1]) == expected
