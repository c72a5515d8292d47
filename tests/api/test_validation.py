"""Table tests for k8slab.api.validation: upstream v1.32's field paths, types and messages.

Each case: (manifest, mutation, expected field errors as ``str(FieldError)``). The manifest
is mutated, defaulted with ``apply_defaults`` (as the API server does) and validated.
upstream: pkg/apis/core/validation/validation.go, pkg/apis/apps/validation/validation.go,
staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go,
staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go,
pkg/apis/core/validation/events.go, pkg/apis/coordination/validation/validation.go.
"""

from __future__ import annotations

import copy

import pytest

from k8slab.api.defaults import apply_defaults
from k8slab.api.errors import ApiError, aggregate, invalid_object, too_long
from k8slab.api.validation import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
    validate,
    validate_or_raise,
)

SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                 "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                 "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
             "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
             "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
QNAME_MSG = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
             "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
             "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                   "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                   "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
QUANTITY_MSG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
SELECTOR_MISMATCH = "`selector` does not match template `labels`"

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {"containers": [{"name": "web", "image": "nginx:1.14.2", "ports": [{"containerPort": 80}]}]},
}
DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.14.2", "ports": [{"containerPort": 80}]}]},
        },
    },
}
REPLICASET = {
    "apiVersion": "apps/v1",
    "kind": "ReplicaSet",
    "metadata": {"name": "frontend", "labels": {"app": "guestbook", "tier": "frontend"}},
    "spec": {
        "replicas": 3,
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
    "spec": {"taints": [{"key": "gpu", "value": "true", "effect": "NoSchedule"}]},
    "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}},
}
EVENT = {
    "apiVersion": "v1",
    "kind": "Event",
    "metadata": {"name": "web.17d2a1b2c3", "namespace": "default"},
    "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
    "reason": "Scheduled",
    "message": "Successfully assigned default/web to node-1",
    "type": "Normal",
}
LEASE = {
    "apiVersion": "coordination.k8s.io/v1",
    "kind": "Lease",
    "metadata": {"name": "node-1", "namespace": "kube-node-lease"},
    "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 40},
}


def spec(f):
    return lambda o: f(o["spec"])


def c0(f):
    return lambda o: f(o["spec"]["containers"][0])


def tspec(f):
    return lambda o: f(o["spec"]["template"]["spec"])


def t0(f):
    return lambda o: f(o["spec"]["template"]["spec"]["containers"][0])


def md(f):
    return lambda o: f(o["metadata"])


def noop(o):
    return None


CREATE_CASES = [
    # ---------------------------------------------------------------- valid objects
    ("pod valid", POD, noop, []),
    ("deployment valid", DEPLOYMENT, noop, []),
    ("replicaset valid", REPLICASET, noop, []),
    ("namespace valid", NAMESPACE, noop, []),
    ("node valid", NODE, noop, []),
    ("event valid", EVENT, noop, []),
    ("lease valid", LEASE, noop, []),
    ("generateName without name", POD, md(lambda m: (m.pop("name"), m.update(generateName="web-"))), []),
    # ---------------------------------------------------------------- ObjectMeta
    ("pod name not a subdomain", POD, md(lambda m: m.update(name="Web_1")),
     [f'metadata.name: Invalid value: "Web_1": {SUBDOMAIN_MSG}']),
    ("name required", POD, md(lambda m: m.pop("name")),
     ["metadata.name: Required value: name or generateName is required"]),
    ("name too long", POD, md(lambda m: m.update(name="a" * 254)),
     [f'metadata.name: Invalid value: "{"a" * 254}": must be no more than 253 characters']),
    ("bad generateName", POD, md(lambda m: (m.pop("name"), m.update(generateName="Web-"))),
     [f'metadata.generateName: Invalid value: "Web-": {SUBDOMAIN_MSG}']),
    ("bad namespace", POD, md(lambda m: m.update(namespace="Team_A")),
     [f'metadata.namespace: Invalid value: "Team_A": {LABEL_MSG}']),
    ("label key with two slashes", POD, md(lambda m: m.update(labels={"a/b/c": "x"})),
     ['metadata.labels: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '
      "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
      "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
      "subdomain prefix and '/' (e.g. 'example.com/MyName')"]),
    ("label key bad name part", POD, md(lambda m: m.update(labels={"-app": "x"})),
     [f'metadata.labels: Invalid value: "-app": {QNAME_MSG}']),
    ("label key bad prefix", POD, md(lambda m: m.update(labels={"Example.com/app": "x"})),
     [f'metadata.labels: Invalid value: "Example.com/app": prefix part {SUBDOMAIN_MSG}']),
    ("label value too long", POD, md(lambda m: m.update(labels={"app": "a" * 64})),
     [f'metadata.labels: Invalid value: "{"a" * 64}": must be no more than 63 characters']),
    ("label value with space", POD, md(lambda m: m.update(labels={"app": "my app"})),
     [f'metadata.labels: Invalid value: "my app": {LABEL_VALUE_MSG}']),
    ("annotation key invalid", POD, md(lambda m: m.update(annotations={"bad key": "x"})),
     [f'metadata.annotations: Invalid value: "bad key": {QNAME_MSG}']),
    ("annotation key case-insensitive", POD, md(lambda m: m.update(annotations={"Example.COM/Note": "x"})), []),
    ("annotations too large", POD, md(lambda m: m.update(annotations={"big": "x" * (256 * 1024)})),
     [str(too_long("metadata.annotations", "", 256 * 1024))]),  # field.TooLong's wording lives in errors.py
    ("unknown finalizer", POD, md(lambda m: m.update(finalizers=["cleanup"])),
     ['metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it '
      "fully qualified"]),
    ("qualified finalizer", POD, md(lambda m: m.update(finalizers=["example.com/cleanup"])), []),
    ("owner reference without uid", POD,
     md(lambda m: m.update(ownerReferences=[{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs"}])),
     ['metadata.ownerReferences.uid: Invalid value: "": must not be empty']),
    # ---------------------------------------------------------------- containers
    ("containers required", POD, spec(lambda s: s.update(containers=[])), ["spec.containers: Required value"]),
    ("image required", POD, c0(lambda c: c.pop("image")), ["spec.containers[0].image: Required value"]),
    ("image whitespace", POD, c0(lambda c: c.update(image=" nginx")),
     ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace']),
    ("container name required", POD, c0(lambda c: c.pop("name")), ["spec.containers[0].name: Required value"]),
    ("container name not a label", POD, c0(lambda c: c.update(name="Web")),
     [f'spec.containers[0].name: Invalid value: "Web": {LABEL_MSG}']),
    ("container name with dots", POD, c0(lambda c: c.update(name="web.server")),
     ['spec.containers[0].name: Invalid value: "web.server": must not contain dots']),
    ("duplicate container names", POD, spec(lambda s: s["containers"].append({"name": "web", "image": "redis"})),
     ['spec.containers[1].name: Duplicate value: "web"']),
    ("pull policy unsupported", POD, c0(lambda c: c.update(imagePullPolicy="Sometimes")),
     ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", '
      '"IfNotPresent", "Never"']),
    ("terminationMessagePolicy unsupported", POD, c0(lambda c: c.update(terminationMessagePolicy="Logs")),
     ['spec.containers[0].terminationMessagePolicy: Unsupported value: "Logs": supported values: "File", '
      '"FallbackToLogsOnError"']),
    # ---------------------------------------------------------------- ports
    ("port out of range", POD, c0(lambda c: c.update(ports=[{"containerPort": 70000}])),
     ["spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"]),
    ("containerPort required", POD, c0(lambda c: c.update(ports=[{"name": "http"}])),
     ["spec.containers[0].ports[0].containerPort: Required value"]),
    ("hostPort out of range", POD, c0(lambda c: c.update(ports=[{"containerPort": 80, "hostPort": -1}])),
     ["spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive"]),
    ("protocol unsupported", POD, c0(lambda c: c.update(ports=[{"containerPort": 80, "protocol": "HTTP"}])),
     ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']),
    ("port name too long", POD, c0(lambda c: c.update(ports=[{"containerPort": 80, "name": "a-very-long-port-name"}])),
     ['spec.containers[0].ports[0].name: Invalid value: "a-very-long-port-name": must be no more than 15 characters']),
    ("port name without letters", POD, c0(lambda c: c.update(ports=[{"containerPort": 80, "name": "8080"}])),
     ['spec.containers[0].ports[0].name: Invalid value: "8080": must contain at least one letter (a-z)']),
    ("duplicate port names", POD,
     c0(lambda c: c.update(ports=[{"containerPort": 80, "name": "http"}, {"containerPort": 81, "name": "http"}])),
     ['spec.containers[0].ports[1].name: Duplicate value: "http"']),
    ("host port conflict", POD,
     spec(lambda s: (s["containers"][0].update(ports=[{"containerPort": 80, "hostPort": 8080}]),
                     s["containers"].append({"name": "b", "image": "redis", "ports": [{"containerPort": 81, "hostPort": 8080}]}))),
     ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']),
    ("hostNetwork hostPort must match", POD,
     spec(lambda s: (s.update(hostNetwork=True), s["containers"][0].update(ports=[{"containerPort": 80, "hostPort": 81}]))),
     ["spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true"]),
    # ---------------------------------------------------------------- resources
    ("requests above limits", POD,
     c0(lambda c: c.update(resources={"limits": {"cpu": "500m"}, "requests": {"cpu": "1"}})),
     ['spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m']),
    ("requests above limits, canonical values", POD,
     c0(lambda c: c.update(resources={"limits": {"memory": "1024Mi"}, "requests": {"memory": "2Gi"}})),
     ['spec.containers[0].resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi']),
    ("requests equal to limits", POD,
     c0(lambda c: c.update(resources={"limits": {"cpu": "0.5"}, "requests": {"cpu": "500m"}})), []),
    ("quantity does not parse", POD, c0(lambda c: c.update(resources={"requests": {"cpu": "lots"}})),
     [f'spec.containers[0].resources.requests[cpu]: Invalid value: "lots": {QUANTITY_MSG}']),
    ("negative quantity", POD, c0(lambda c: c.update(resources={"requests": {"memory": "-1Mi"}})),
     ['spec.containers[0].resources.requests[memory]: Invalid value: "-1Mi": must be greater than or equal to 0']),
    ("unknown resource name", POD, c0(lambda c: c.update(resources={"requests": {"gpu": "1"}})),
     ['spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers']),
    ("extended resource request must equal limit", POD,
     c0(lambda c: c.update(resources={"limits": {"example.com/gpu": "2"}, "requests": {"example.com/gpu": "1"}})),
     ['spec.containers[0].resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2']),
    ("extended resource must be an integer", POD,
     c0(lambda c: c.update(resources={"limits": {"example.com/gpu": "500m"}})),
     ['spec.containers[0].resources.limits[example.com/gpu]: Invalid value: "500m": must be an integer',
      'spec.containers[0].resources.requests[example.com/gpu]: Invalid value: "500m": must be an integer']),
    # ---------------------------------------------------------------- pod spec
    ("restartPolicy unsupported", POD, spec(lambda s: s.update(restartPolicy="Sometimes")),
     ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']),
    ("dnsPolicy unsupported", POD, spec(lambda s: s.update(dnsPolicy="Cluster")),
     ['spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", '
      '"Default", "None"']),
    ("dnsPolicy None needs dnsConfig", POD, spec(lambda s: s.update(dnsPolicy="None")),
     ["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"]),
    ("nodeSelector bad value", POD, spec(lambda s: s.update(nodeSelector={"disk": "fast ssd"})),
     [f'spec.nodeSelector: Invalid value: "fast ssd": {LABEL_VALUE_MSG}']),
    ("nodeName not a subdomain", POD, spec(lambda s: s.update(nodeName="Node_1")),
     [f'spec.nodeName: Invalid value: "Node_1": {SUBDOMAIN_MSG}']),
    ("activeDeadlineSeconds 0", POD, spec(lambda s: s.update(activeDeadlineSeconds=0)),
     ["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"]),
    ("hostname not a label", POD, spec(lambda s: s.update(hostname="web.local")),
     ['spec.hostname: Invalid value: "web.local": must not contain dots']),
    ("preemptionPolicy unsupported", POD, spec(lambda s: s.update(preemptionPolicy="Always")),
     ['spec.preemptionPolicy: Unsupported value: "Always": supported values: "PreemptLowerPriority", "Never"']),
    ("ephemeral containers on create", POD,
     spec(lambda s: s.update(ephemeralContainers=[{"name": "debug", "image": "busybox"}])),
     ["spec.ephemeralContainers: Forbidden: cannot be set on create"]),
    ("nodeName with scheduling gates", POD,
     spec(lambda s: s.update(nodeName="node-1", schedulingGates=[{"name": "example.com/wait"}])),
     ["spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"]),
    ("pod-deletion-cost not an int32", POD,
     md(lambda m: m.update(annotations={"controller.kubernetes.io/pod-deletion-cost": "+10"})),
     ['metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "+10": must be a 32bit integer']),
    # ---------------------------------------------------------------- tolerations
    ("toleration Exists with value", POD,
     spec(lambda s: s.update(tolerations=[{"key": "gpu", "operator": "Exists", "value": "true"}])),
     ['spec.tolerations[0].operator: Invalid value: "true": value must be empty when `operator` is \'Exists\'']),
    ("toleration empty key needs Exists", POD,
     spec(lambda s: s.update(tolerations=[{"operator": "Equal", "value": "x"}])),
     ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which '
      'means "match all values and all keys"']),
    ("tolerationSeconds needs NoExecute", POD,
     spec(lambda s: s.update(tolerations=[{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 30}])),
     ['spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set']),
    ("toleration effect unsupported", POD,
     spec(lambda s: s.update(tolerations=[{"key": "k", "operator": "Exists", "effect": "Never"}])),
     ['spec.tolerations[0].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", '
      '"NoExecute"']),
    # ---------------------------------------------------------------- probes and lifecycle
    ("probe with two handlers", POD,
     c0(lambda c: c.update(livenessProbe={"httpGet": {"port": 80}, "tcpSocket": {"port": 80}})),
     ["spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"]),
    ("probe without handler", POD, c0(lambda c: c.update(readinessProbe={"periodSeconds": 5})),
     ["spec.containers[0].readinessProbe: Required value: must specify a handler type"]),
    ("liveness successThreshold must be 1", POD,
     c0(lambda c: c.update(livenessProbe={"tcpSocket": {"port": 80}, "successThreshold": 2})),
     ["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"]),
    ("readiness successThreshold may be 2", POD,
     c0(lambda c: c.update(readinessProbe={"tcpSocket": {"port": 80}, "successThreshold": 2})), []),
    ("negative failureThreshold", POD,
     c0(lambda c: c.update(livenessProbe={"tcpSocket": {"port": 80}, "failureThreshold": -1})),
     ["spec.containers[0].livenessProbe.failureThreshold: Invalid value: -1: must be greater than or equal to 0"]),
    ("readiness terminationGracePeriodSeconds", POD,
     c0(lambda c: c.update(readinessProbe={"tcpSocket": {"port": 80}, "terminationGracePeriodSeconds": 10})),
     ["spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 10: must not be set for "
      "readinessProbes"]),
    ("httpGet port out of range", POD, c0(lambda c: c.update(livenessProbe={"httpGet": {"port": 0}})),
     ["spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive"]),
    ("httpGet named port", POD, c0(lambda c: c.update(livenessProbe={"httpGet": {"port": "http"}})), []),
    ("httpGet scheme unsupported", POD, c0(lambda c: c.update(livenessProbe={"httpGet": {"port": 80, "scheme": "FTP"}})),
     ['spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"']),
    ("exec needs a command", POD, c0(lambda c: c.update(livenessProbe={"exec": {}})),
     ["spec.containers[0].livenessProbe.exec.command: Required value"]),
    ("preStop without handler", POD, c0(lambda c: c.update(lifecycle={"preStop": {}})),
     ["spec.containers[0].lifecycle.preStop: Required value: must specify a handler type"]),
    # ---------------------------------------------------------------- env
    ("env name required", POD, c0(lambda c: c.update(env=[{"value": "x"}])), ["spec.containers[0].env[0].name: Required value"]),
    ("env name with '='", POD, c0(lambda c: c.update(env=[{"name": "A=B", "value": "x"}])),
     ['spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only '
      "of printable ASCII characters other than '='"]),
    ("env name with dash is fine in v1.32", POD, c0(lambda c: c.update(env=[{"name": "my-var", "value": "x"}])), []),
    ("env valueFrom without a source", POD, c0(lambda c: c.update(env=[{"name": "A", "valueFrom": {}}])),
     ['spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, '
      "`configMapKeyRef` or `secretKeyRef`"]),
    ("env fieldRef unsupported path", POD,
     c0(lambda c: c.update(env=[{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "status.phase"}}}])),
     ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: '
      '"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", '
      '"status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"']),
    ("env configMapKeyRef needs key", POD,
     c0(lambda c: c.update(env=[{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cfg"}}}])),
     ["spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Required value"]),
    # ---------------------------------------------------------------- volumes
    ("duplicate volume names", POD, spec(lambda s: s.update(volumes=[{"name": "data"}, {"name": "data"}])),
     ['spec.volumes[1].name: Duplicate value: "data"']),
    ("volume name not a label", POD, spec(lambda s: s.update(volumes=[{"name": "Data"}])),
     [f'spec.volumes[0].name: Invalid value: "Data": {LABEL_MSG}']),
    ("two volume sources", POD, spec(lambda s: s.update(volumes=[{"name": "d", "emptyDir": {}, "hostPath": {"path": "/x"}}])),
     ["spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"]),
    ("configMap volume needs a name", POD, spec(lambda s: s.update(volumes=[{"name": "c", "configMap": {}}])),
     ["spec.volumes[0].configMap.name: Required value"]),
    ("mount of an unknown volume", POD, c0(lambda c: c.update(volumeMounts=[{"name": "data", "mountPath": "/data"}])),
     ['spec.containers[0].volumeMounts[0].name: Not found: "data"']),
    ("mountPath required", POD,
     lambda o: (o["spec"].update(volumes=[{"name": "data"}]), o["spec"]["containers"][0].update(volumeMounts=[{"name": "data"}])),
     ["spec.containers[0].volumeMounts[0].mountPath: Required value"]),
    # ---------------------------------------------------------------- init containers
    ("init container restartPolicy", POD,
     spec(lambda s: s.update(initContainers=[{"name": "init", "image": "busybox", "restartPolicy": "OnFailure"}])),
     ['spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']),
    ("init container probe", POD,
     spec(lambda s: s.update(initContainers=[{"name": "init", "image": "busybox", "livenessProbe": {"tcpSocket": {"port": 80}}}])),
     ["spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"]),
    ("sidecar probe allowed", POD,
     spec(lambda s: s.update(initContainers=[{"name": "proxy", "image": "envoy", "restartPolicy": "Always",
                                              "readinessProbe": {"tcpSocket": {"port": 80}}}])), []),
    ("init container name clashes", POD, spec(lambda s: s.update(initContainers=[{"name": "web", "image": "busybox"}])),
     ['spec.initContainers[0].name: Duplicate value: "web"']),
    ("regular container restartPolicy", POD, c0(lambda c: c.update(restartPolicy="Always")),
     ["spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers"]),
    # ---------------------------------------------------------------- Deployment
    ("replicas negative", DEPLOYMENT, spec(lambda s: s.update(replicas=-1)),
     ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]),
    ("replicas not a number (k8slab: decode error as field error)", DEPLOYMENT, spec(lambda s: s.update(replicas="three")),
     ['spec.replicas: Invalid value: "three": json: cannot unmarshal string into Go value of type int32']),
    ("selector required", DEPLOYMENT, spec(lambda s: s.pop("selector")),
     ["spec.selector: Required value",
      f'spec.template.metadata.labels: Invalid value: map[string]string{{"app":"web"}}: {SELECTOR_MISMATCH}']),
    ("selector does not match", DEPLOYMENT, spec(lambda s: s.update(selector={"matchLabels": {"app": "api"}})),
     [f'spec.template.metadata.labels: Invalid value: map[string]string{{"app":"web"}}: {SELECTOR_MISMATCH}']),
    ("selector expression matches", DEPLOYMENT,
     spec(lambda s: s.update(selector={"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]})), []),
    ("template without labels", DEPLOYMENT, lambda o: o["spec"]["template"]["metadata"].pop("labels"),
     [f"spec.template.metadata.labels: Invalid value: map[string]string(nil): {SELECTOR_MISMATCH}"]),
    ("empty selector", DEPLOYMENT, spec(lambda s: s.update(selector={})),
     ["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
      "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"]),
    ("selector operator invalid", DEPLOYMENT,
     spec(lambda s: s.update(selector={"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["web"]}]})),
     ['spec.selector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), '
      'MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Equals", '
      'Values:[]string{"web"}}}}: invalid label selector']),
    ("selector In without values", DEPLOYMENT,
     spec(lambda s: s.update(selector={"matchExpressions": [{"key": "app", "operator": "In"}]})),
     ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), '
      'MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"In", '
      "Values:[]string(nil)}}}: invalid label selector"]),
    ("template missing image", DEPLOYMENT, t0(lambda c: c.pop("image")),
     ["spec.template.spec.containers[0].image: Required value"]),
    ("template label invalid", DEPLOYMENT,
     lambda o: (o["spec"]["template"]["metadata"]["labels"].update({"tier": "front end"})),
     [f'spec.template.labels: Invalid value: "front end": {LABEL_VALUE_MSG}']),
    ("template restartPolicy Never", DEPLOYMENT, tspec(lambda s: s.update(restartPolicy="Never")),
     ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']),
    ("template activeDeadlineSeconds", DEPLOYMENT, tspec(lambda s: s.update(activeDeadlineSeconds=30)),
     ["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"]),
    ("strategy type unsupported", DEPLOYMENT, spec(lambda s: s.update(strategy={"type": "Rolling"})),
     ['spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"Rolling", '
      'RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"']),
    ("Recreate with rollingUpdate", DEPLOYMENT,
     spec(lambda s: s.update(strategy={"type": "Recreate", "rollingUpdate": {"maxSurge": 1}})),
     ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]),
    ("maxSurge and maxUnavailable both 0", DEPLOYMENT,
     spec(lambda s: s.update(strategy={"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}})),
     ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: '
      "may not be 0 when `maxSurge` is 0"]),
    ("maxSurge and maxUnavailable both 0%", DEPLOYMENT,
     spec(lambda s: s.update(strategy={"rollingUpdate": {"maxSurge": "0%", "maxUnavailable": "0%"}})),
     ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: '
      "may not be 0 when `maxSurge` is 0"]),
    ("maxUnavailable 0 with surge is fine", DEPLOYMENT,
     spec(lambda s: s.update(strategy={"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}})), []),
    ("maxUnavailable not a percent", DEPLOYMENT, spec(lambda s: s.update(strategy={"rollingUpdate": {"maxUnavailable": "30"}})),
     ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"30"}: '
      "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used "
      "for validation is '[0-9]+%')"]),
    ("maxUnavailable above 100%", DEPLOYMENT, spec(lambda s: s.update(strategy={"rollingUpdate": {"maxUnavailable": "150%"}})),
     ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: '
      "must not be greater than 100%"]),
    ("maxSurge negative", DEPLOYMENT, spec(lambda s: s.update(strategy={"rollingUpdate": {"maxSurge": -1}})),
     ["spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0"]),
    ("revisionHistoryLimit negative", DEPLOYMENT, spec(lambda s: s.update(revisionHistoryLimit=-1)),
     ["spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"]),
    ("progressDeadlineSeconds not above minReadySeconds", DEPLOYMENT,
     spec(lambda s: s.update(minReadySeconds=30, progressDeadlineSeconds=30)),
     ["spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds"]),
    ("minReadySeconds negative", DEPLOYMENT, spec(lambda s: s.update(minReadySeconds=-5)),
     ["spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0"]),
    # ---------------------------------------------------------------- ReplicaSet
    ("replicaset replicas negative", REPLICASET, spec(lambda s: s.update(replicas=-3)),
     ["spec.replicas: Invalid value: -3: must be greater than or equal to 0"]),
    ("replicaset selector mismatch", REPLICASET, spec(lambda s: s.update(selector={"matchLabels": {"tier": "backend"}})),
     [f'spec.template.metadata.labels: Invalid value: map[string]string{{"tier":"frontend"}}: {SELECTOR_MISMATCH}']),
    ("replicaset empty containers", REPLICASET, tspec(lambda s: s.update(containers=[])),
     ["spec.template.spec.containers: Required value"]),
    # ---------------------------------------------------------------- Namespace
    ("namespace name with dots", NAMESPACE, md(lambda m: m.update(name="team.a")),
     ['metadata.name: Invalid value: "team.a": must not contain dots']),
    ("namespace name upper case", NAMESPACE, md(lambda m: m.update(name="Prod")),
     [f'metadata.name: Invalid value: "Prod": {LABEL_MSG}']),
    # the defaulted kubernetes.io/metadata.name label carries the name, so it is too long too
    ("namespace name too long", NAMESPACE, md(lambda m: m.update(name="a" * 64)),
     [f'metadata.name: Invalid value: "{"a" * 64}": must be no more than 63 characters',
      f'metadata.labels: Invalid value: "{"a" * 64}": must be no more than 63 characters']),
    ("namespace in a namespace", NAMESPACE, md(lambda m: m.update(namespace="default")),
     ["metadata.namespace: Forbidden: not allowed on this type"]),
    ("namespace finalizer unknown", NAMESPACE, lambda o: o.update(spec={"finalizers": ["foo"]}),
     ['spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified']),
    # ---------------------------------------------------------------- Node
    ("node name upper case", NODE, md(lambda m: m.update(name="Node-1")),
     [f'metadata.name: Invalid value: "Node-1": {SUBDOMAIN_MSG}']),
    ("node taint effect unsupported", NODE, spec(lambda s: s["taints"][0].update(effect="Never")),
     ['metadata.taints[0].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", '
      '"NoExecute"']),
    ("node taint effect required", NODE, spec(lambda s: s["taints"][0].pop("effect")),
     ["metadata.taints[0].effect: Required value"]),
    ("node duplicate taint", NODE, spec(lambda s: s["taints"].append({"key": "gpu", "value": "false", "effect": "NoSchedule"})),
     ['metadata.taints[1]: Duplicate value: core.Taint{Key:"gpu", Value:"false", Effect:"NoSchedule", '
      "TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair"]),
    ("node capacity pods fractional", NODE, lambda o: o["status"]["capacity"].update(pods="1.5"),
     ['status.capacity.pods: Invalid value: "1500m": must be an integer',
      'status.allocatable.pods: Invalid value: "1500m": must be an integer']),
    ("node capacity negative", NODE, lambda o: o["status"].update(capacity={"cpu": "-1"}),
     ['status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0',
      'status.allocatable.cpu: Invalid value: "-1": must be greater than or equal to 0']),
    # ---------------------------------------------------------------- Event (core/v1: legacy checks)
    ("event involvedObject namespace mismatch", EVENT, lambda o: o["involvedObject"].update(namespace="other"),
     ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']),
    ("event name with slash", EVENT, md(lambda m: m.update(name="a/b")),
     ["metadata.name: Invalid value: \"a/b\": may not contain '/'"]),
    ("event name required", EVENT, md(lambda m: m.pop("name")),
     ["metadata.name: Required value: name or generateName is required"]),
    ("event with eventTime needs reporting fields", EVENT, lambda o: o.update(eventTime="2025-01-01T00:00:00.000000Z"),
     ["reportingController: Required value",
      'reportingController: Invalid value: "": name part must be non-empty',
      f'reportingController: Invalid value: "": {QNAME_MSG}',
      "reportingInstance: Required value",
      "action: Required value"]),
    # ---------------------------------------------------------------- Lease
    ("lease duration 0", LEASE, spec(lambda s: s.update(leaseDurationSeconds=0)),
     ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"]),
    ("lease transitions negative", LEASE, spec(lambda s: s.update(leaseTransitions=-1)),
     ["spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"]),
    ("lease finalizer need not be qualified", LEASE, md(lambda m: m.update(finalizers=["cleanup"])), []),
]


def _prepare(manifest, mutate):
    obj = copy.deepcopy(manifest)
    mutate(obj)
    return apply_defaults(obj)


@pytest.mark.parametrize("manifest, mutate, expected", [c[1:] for c in CREATE_CASES], ids=[c[0] for c in CREATE_CASES])
def test_validate_create(manifest, mutate, expected):
    assert [str(e) for e in validate(_prepare(manifest, mutate))] == expected


def _stored(manifest):
    obj = apply_defaults(copy.deepcopy(manifest))
    obj["metadata"].update(uid="8f1c1c6e-0000-4000-8000-000000000001", resourceVersion="7",
                           creationTimestamp="2025-01-01T00:00:00Z")
    return obj


def _update(manifest, mutate):
    """(new, old) for an update: the stored object, changed, then defaulted as an update is."""
    old = _stored(manifest)
    new = copy.deepcopy(old)
    mutate(new)
    return apply_defaults(new, create=False), old


UPDATE_CASES = [
    ("deployment scale", DEPLOYMENT, spec(lambda s: s.update(replicas=5)), []),
    ("deployment new image", DEPLOYMENT, t0(lambda c: c.update(image="nginx:1.16.1")), []),
    ("deployment selector immutable", DEPLOYMENT,
     lambda o: (o["spec"].update(selector={"matchLabels": {"app": "web2"}}),
                o["spec"]["template"]["metadata"].update(labels={"app": "web2"})),
     ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, '
      "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]),
    ("deployment rename", DEPLOYMENT, md(lambda m: m.update(name="web2")),
     ['metadata.name: Invalid value: "web2": field is immutable',
      'metadata.name: Invalid value: "web2": field is immutable']),
    ("deployment namespace change", DEPLOYMENT, md(lambda m: m.update(namespace="prod")),
     ['metadata.namespace: Invalid value: "prod": field is immutable',
      'metadata.namespace: Invalid value: "prod": field is immutable']),
    ("deployment uid change", DEPLOYMENT, md(lambda m: m.update(uid="other")),
     ['metadata.uid: Invalid value: "other": field is immutable',
      'metadata.uid: Invalid value: "other": field is immutable']),
    ("deployment omitted uid is the old one", DEPLOYMENT, md(lambda m: m.pop("uid")), []),
    ("replicaset selector immutable", REPLICASET,
     lambda o: (o["spec"]["selector"]["matchLabels"].update(env="prod"),
                o["spec"]["template"]["metadata"]["labels"].update(env="prod")),
     ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"env":"prod", "tier":"frontend"}, '
      "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]),
    ("pod image change", POD, c0(lambda c: c.update(image="nginx:1.16.1")), []),
    ("pod label change", POD, md(lambda m: m["labels"].update(version="2")), []),
    ("pod add container", POD, spec(lambda s: s["containers"].append({"name": "b", "image": "redis"})),
     ["spec.containers: Forbidden: pod updates may not add or remove containers"]),
    ("pod add toleration", POD, spec(lambda s: s.update(tolerations=[{"key": "k", "operator": "Exists"}])), []),
]


@pytest.mark.parametrize("manifest, mutate, expected", [c[1:] for c in UPDATE_CASES], ids=[c[0] for c in UPDATE_CASES])
def test_validate_update(manifest, mutate, expected):
    new, old = _update(manifest, mutate)
    assert [str(e) for e in validate(new, old)] == expected


POD_SPEC_FORBIDDEN = ("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
                      "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions "
                      "to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
                      "previously negative)\n")

POD_SPEC_CHANGES = [
    ("restartPolicy", spec(lambda s: s.update(restartPolicy="Never")), '+ \trestartPolicy: "Never",'),
    ("container port", c0(lambda c: c["ports"][0].update(containerPort=8080)), "+ \tcontainers[0].ports[0].containerPort: 8080,"),
    ("nodeSelector", spec(lambda s: s.update(nodeSelector={"disk": "ssd"})), '+ \tnodeSelector: {"disk": "ssd"},'),
]


@pytest.mark.parametrize("mutate, diff_line", [c[1:] for c in POD_SPEC_CHANGES], ids=[c[0] for c in POD_SPEC_CHANGES])
def test_pod_spec_mostly_immutable(mutate, diff_line):
    new, old = _update(POD, mutate)
    errs = validate(new, old)
    assert len(errs) == 1
    assert str(errs[0]).startswith(POD_SPEC_FORBIDDEN)
    assert diff_line in str(errs[0])  # k8slab: a short field listing instead of go-cmp's diff


@pytest.mark.parametrize("old_ads, new_ads, expected", [
    (None, 60, []),
    (60, 30, []),
    (30, 60, ["spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value"]),
    (30, None, ["spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value"]),
])
def test_pod_active_deadline_updates(old_ads, new_ads, expected):
    old = _stored(POD)
    if old_ads is not None:
        old["spec"]["activeDeadlineSeconds"] = old_ads
    new = copy.deepcopy(old)
    new["spec"].pop("activeDeadlineSeconds", None)
    if new_ads is not None:
        new["spec"]["activeDeadlineSeconds"] = new_ads
    assert [str(e) for e in validate(new, old)] == expected


def test_pod_toleration_may_not_change():
    old = _stored(POD)
    old["spec"]["tolerations"] = [{"key": "k", "operator": "Equal", "value": "a", "effect": "NoSchedule"}]
    new = copy.deepcopy(old)
    new["spec"]["tolerations"][0]["value"] = "b"
    assert [str(e) for e in validate(new, old)] == [
        "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"]


@pytest.mark.parametrize("manifest, mutate, expected", [
    (NODE, spec(lambda s: s.update(taints=[])), []),
    (NODE, spec(lambda s: s.update(unschedulable=True)), []),
    (NODE, lambda o: None, []),
    (NAMESPACE, md(lambda m: m.setdefault("labels", {}).update(team="a")), []),
    (LEASE, spec(lambda s: s.update(holderIdentity="node-2", leaseTransitions=1)), []),
], ids=["node taints removed", "node cordoned", "node unchanged", "namespace labelled", "lease handed over"])
def test_valid_updates(manifest, mutate, expected):
    new, old = _update(manifest, mutate)
    assert [str(e) for e in validate(new, old)] == expected


def test_node_provider_id_fixed_once_set():
    old = _stored(NODE)
    old["spec"]["providerID"] = "k8slab://node-1"
    new = copy.deepcopy(old)
    new["spec"]["providerID"] = "k8slab://node-2"
    assert [str(e) for e in validate(new, old)] == [
        'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid']


# ---------------------------------------------------------------- the 422 Invalid error

RAISE_CASES = [
    ("deployment missing image", DEPLOYMENT, t0(lambda c: c.pop("image")),
     'Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value'),
    ("pod bad name", POD, md(lambda m: m.update(name="Web_1")),
     f'Pod "Web_1" is invalid: metadata.name: Invalid value: "Web_1": {SUBDOMAIN_MSG}'),
    ("several errors are bracketed", POD, c0(lambda c: (c.pop("image"), c.update(name="Web"))),
     f'Pod "web" is invalid: [spec.containers[0].name: Invalid value: "Web": {LABEL_MSG}, '
     "spec.containers[0].image: Required value]"),
    ("lease group", LEASE, spec(lambda s: s.update(leaseDurationSeconds=-5)),
     'Lease.coordination.k8s.io "node-1" is invalid: spec.leaseDurationSeconds: Invalid value: -5: must be greater than 0'),
]


@pytest.mark.parametrize("manifest, mutate, message", [c[1:] for c in RAISE_CASES], ids=[c[0] for c in RAISE_CASES])
def test_validate_or_raise(manifest, mutate, message):
    obj = _prepare(manifest, mutate)
    with pytest.raises(ApiError) as info:
        validate_or_raise(obj)
    err = info.value
    assert (err.code, err.reason, err.message) == (422, "Invalid", message)
    assert err.details["causes"] == [e.cause() for e in validate(obj)]
    # the same message as building it from the field errors directly
    kind, group = obj["kind"], obj["apiVersion"].rpartition("/")[0]
    assert invalid_object(kind, group, obj["metadata"]["name"], validate(obj)).message == message


def test_validate_or_raise_passes_valid_objects():
    for manifest in (POD, DEPLOYMENT, REPLICASET, NAMESPACE, NODE, EVENT, LEASE):
        assert validate_or_raise(apply_defaults(copy.deepcopy(manifest))) is None


def test_missing_image_cause():
    obj = _prepare(DEPLOYMENT, t0(lambda c: c.pop("image")))
    (err,) = validate(obj)
    assert err.cause() == {"reason": "FieldValueRequired", "message": "Required value",
                           "field": "spec.template.spec.containers[0].image"}
    assert aggregate([err]) == "spec.template.spec.containers[0].image: Required value"


def test_undefaulted_pod_reports_what_defaulting_fills_in():
    obj = copy.deepcopy(POD)
    obj["metadata"]["namespace"] = "default"
    msgs = [str(e) for e in validate(obj)]
    assert "spec.terminationGracePeriodSeconds: Required value" in msgs
    assert "spec.restartPolicy: Required value" in msgs
    assert "spec.containers[0].imagePullPolicy: Required value" in msgs


def test_unknown_kind_not_validated():
    assert validate({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {}}) == []


# ---------------------------------------------------------------- the string checks themselves

@pytest.mark.parametrize("fn, value, expected", [
    (is_dns1123_label, "my-name", []),
    (is_dns1123_label, "123-abc", []),
    (is_dns1123_label, "a" * 63, []),
    (is_dns1123_label, "a" * 64, ["must be no more than 63 characters"]),
    (is_dns1123_label, "a.b", ["must not contain dots"]),
    (is_dns1123_label, "-a", [LABEL_MSG]),
    (is_dns1123_label, "a\n", [LABEL_MSG]),  # Go's $ does not match before a trailing newline
    (is_dns1123_subdomain, "example.com", []),
    (is_dns1123_subdomain, "example..com", [SUBDOMAIN_MSG]),
    (is_dns1123_subdomain, "a" * 254, ["must be no more than 253 characters"]),
    (is_qualified_name, "example.com/MyName", []),
    (is_qualified_name, "/name", ["prefix part must be non-empty"]),
    (is_qualified_name, "example.com/", ["name part must be non-empty", QNAME_MSG]),
    (is_qualified_name, "a" * 64, ["name part must be no more than 63 characters"]),
    (is_valid_label_value, "", []),
    (is_valid_label_value, "my_value", []),
    (is_valid_label_value, "-x", [LABEL_VALUE_MSG]),
])
def test_string_checks(fn, value, expected):
    assert fn(value) == expected
