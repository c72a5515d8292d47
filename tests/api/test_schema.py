"""Manifests copied from kubernetes.io stay valid Kubernetes 1.32 objects after defaulting.

The schemas are the real ones (kubernetes-validate, strict mode: unknown fields fail), so
this catches a default written under a wrong name or with a wrong JSON type.
"""

from __future__ import annotations

import copy

import pytest
import yaml
from schema_check import assert_valid_k8s

from k8slab.api.defaults import apply_defaults
from k8slab.api.validation import validate

# kubernetes.io/docs/concepts/workloads/controllers/deployment/ (controllers/nginx-deployment.yaml)
NGINX_DEPLOYMENT = """
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

# kubernetes.io/docs/concepts/workloads/pods/ (pods/simple-pod.yaml)
SIMPLE_POD = """
apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
    ports:
    - containerPort: 80
"""

# kubernetes.io/docs/concepts/workloads/controllers/replicaset/ (controllers/frontend.yaml)
FRONTEND_REPLICASET = """
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
  labels:
    app: guestbook
    tier: frontend
spec:
  # modify replicas according to your case
  replicas: 3
  selector:
    matchLabels:
      tier: frontend
  template:
    metadata:
      labels:
        tier: frontend
    spec:
      containers:
      - name: php-redis
        image: us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5
"""

# kubernetes.io/docs/concepts/configuration/manage-resources-containers/
FRONTEND_POD_WITH_RESOURCES = """
apiVersion: v1
kind: Pod
metadata:
  name: frontend
spec:
  containers:
  - name: app
    image: images.my-company.example/app:v4
    resources:
      requests:
        memory: "64Mi"
        cpu: "250m"
      limits:
        memory: "128Mi"
        cpu: "500m"
  - name: log-aggregator
    image: images.my-company.example/log-aggregator:v6
    resources:
      requests:
        memory: "64Mi"
        cpu: "250m"
      limits:
        memory: "128Mi"
        cpu: "500m"
"""

# kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
# (pods/probe/exec-liveness.yaml)
EXEC_LIVENESS_POD = """
apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-exec
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/busybox
    args:
    - /bin/sh
    - -c
    - touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600
    livenessProbe:
      exec:
        command:
        - cat
        - /tmp/healthy
      initialDelaySeconds: 5
      periodSeconds: 5
"""

# kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
# (pods/probe/http-liveness.yaml)
HTTP_LIVENESS_POD = """
apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-http
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/e2e-test-images/agnhost:2.40
    args:
    - liveness
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
        httpHeaders:
        - name: Custom-Header
          value: Awesome
      initialDelaySeconds: 3
      periodSeconds: 3
"""

NAMESPACE = """
apiVersion: v1
kind: Namespace
metadata:
  name: development
"""

NODE = """
apiVersion: v1
kind: Node
metadata:
  name: node-1
  labels:
    kubernetes.io/hostname: node-1
spec:
  taints:
  - key: gpu
    value: "true"
    effect: NoSchedule
status:
  capacity:
    cpu: 4
    memory: 8Gi
    pods: 110
"""

LEASE = """
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: node-1
spec:
  holderIdentity: node-1
  leaseDurationSeconds: 40
"""

MANIFESTS = {
    "nginx-deployment": NGINX_DEPLOYMENT,
    "simple-pod": SIMPLE_POD,
    "frontend-replicaset": FRONTEND_REPLICASET,
    "frontend-pod-resources": FRONTEND_POD_WITH_RESOURCES,
    "exec-liveness-pod": EXEC_LIVENESS_POD,
    "http-liveness-pod": HTTP_LIVENESS_POD,
    "namespace": NAMESPACE,
    "node": NODE,
    "lease": LEASE,
}


@pytest.mark.parametrize("text", MANIFESTS.values(), ids=MANIFESTS.keys())
def test_copied_manifest_is_schema_valid_as_given(text):
    assert_valid_k8s(yaml.safe_load(text))


@pytest.mark.parametrize("text", MANIFESTS.values(), ids=MANIFESTS.keys())
def test_defaulted_manifest_is_schema_valid_and_passes_validation(text):
    obj = yaml.safe_load(text)
    before = copy.deepcopy(obj)
    apply_defaults(obj)
    assert obj != before  # defaulting did add something
    assert_valid_k8s(obj)
    assert validate(obj) == []


@pytest.mark.parametrize("text", MANIFESTS.values(), ids=MANIFESTS.keys())
def test_update_defaults_are_schema_valid(text):
    assert_valid_k8s(apply_defaults(yaml.safe_load(text), create=False))


BAD = [
    # (what is wrong, mutation, words the AssertionError must carry)
    ("replicas is a string", lambda o: o["spec"].update(replicas="three"), ["'three' is not of type", "'spec'", "'replicas'"]),
    ("unknown field (strict)", lambda o: o["spec"].update(replicaz=3), ["'replicaz' was unexpected"]),
    ("containerPort is a string", lambda o: o["spec"]["template"]["spec"]["containers"][0]["ports"][0].update(containerPort="80"),
     ["'80' is not of type"]),
    ("selector missing", lambda o: o["spec"].pop("selector"), ["'selector' is a required property"]),
]


@pytest.mark.parametrize("mutate, words", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_schema_check_rejects_bad_objects(mutate, words):
    obj = apply_defaults(yaml.safe_load(NGINX_DEPLOYMENT))
    mutate(obj)
    with pytest.raises(AssertionError) as info:
        assert_valid_k8s(obj)
    message = str(info.value)
    assert message.startswith("Deployment 'nginx-deployment' is not a valid Kubernetes 1.32 object: ")
    for w in words:
        assert w in message
