"""Defaulting: the fields the API server fills in before it validates and stores an object.

``apply_defaults(obj)`` mutates a JSON-shaped object in place (and returns it) the way a
v1.32 kube-apiserver does between decoding a request and validating it:

- upstream: pkg/apis/core/v1/defaults.go (``SetDefaults_Pod``, ``SetDefaults_PodSpec``,
  ``SetDefaults_Container``, ``SetDefaults_Probe``, ``SetDefaults_HTTPGetAction``,
  ``SetDefaults_Volume`` and the volume sources, ``SetDefaults_ResourceList``,
  ``SetDefaults_Namespace``, ``SetDefaults_NamespaceStatus``, ``SetDefaults_NodeStatus``,
  ``SetDefaults_ObjectFieldSelector``, ``SetDefaults_ServiceAccountTokenProjection``)
- upstream: pkg/apis/core/v1/zz_generated.defaults.go (which defaulters run on which
  nested fields, plus the declarative ``+default`` values: ``ports[*].protocol: TCP``,
  ``grpc.service: ""``, iSCSI/RBD/AzureDisk/ScaleIO volume fields)
- upstream: pkg/apis/autoscaling/v2/defaults.go (``SetDefaults_HorizontalPodAutoscaler``:
  ``minReplicas: 1``, 80 % CPU utilization when ``metrics`` is empty, and a ``behavior``
  that is present completed with the default scaling rules; an absent ``behavior`` stays
  absent and ``scaleDown.stabilizationWindowSeconds`` is left unset, as upstream: the
  controller uses ``--horizontal-pod-autoscaler-downscale-stabilization`` then)
- upstream: pkg/apis/apps/v1/defaults.go (``SetDefaults_Deployment``,
  ``SetDefaults_ReplicaSet``); apps/v1 does *not* default a selector from the template
  labels (only the legacy extensions/v1beta1 and ReplicationController did).

A pod template inside a ReplicaSet or Deployment gets ``SetDefaults_PodSpec`` and the
container/volume defaults, but not ``SetDefaults_Pod``: requests are not copied from
limits, ``enableServiceLinks`` is not set and host ports are not filled in for
``hostNetwork`` templates. Those happen when the Pod itself is created.

With ``create=True`` (the default) two create-time mutations are applied as well, because
every real object has been through them by the time anyone reads it back:

- Pods: the ``Priority`` admission plugin sets ``spec.priority`` (0 when there is no
  ``priorityClassName``, or the value of a built-in ``system-*`` class) and
  ``spec.preemptionPolicy: PreemptLowerPriority``
  (upstream: plugin/pkg/admission/priority/admission.go ``admitPod``, ``getDefaultPriority``).
- Namespaces: ``spec.finalizers`` gets ``kubernetes``
  (upstream: pkg/registry/core/namespace/strategy.go ``PrepareForCreate``).

Pass ``create=False`` on updates. The API server, not this module, sets ``uid``,
``creationTimestamp``, ``resourceVersion``, ``generation`` and status. Other admission
plugins (ServiceAccount, DefaultTolerationSeconds, ...) are not applied here.

k8slab simplifications: ``PriorityClass`` objects are not served, so a Pod naming any
class other than ``system-cluster-critical``/``system-node-critical`` is left without a
priority; feature-gated defaults that are off in v1.32 (pod-level resources, in-place
resize policies) are not applied.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

__all__ = ["apply_defaults", "default_namespace", "image_tag", "default_pull_policy", "hpa_scale_up_rules",
           "hpa_scale_down_rules", "DEFAULT_CPU_UTILIZATION"]

#: upstream: k8s.io/api/core/v1 TerminationMessagePathDefault
TERMINATION_MESSAGE_PATH_DEFAULT = "/dev/termination-log"
#: upstream: k8s.io/api/core/v1 DefaultTerminationGracePeriodSeconds
DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30
#: upstream: k8s.io/api/core/v1 DefaultSchedulerName
DEFAULT_SCHEDULER_NAME = "default-scheduler"
#: upstream: SecretVolumeSourceDefaultMode / ConfigMapVolumeSourceDefaultMode / ... (0644)
DEFAULT_VOLUME_MODE = 0o644
#: upstream: pkg/apis/scheduling/types.go SystemPriorityClasses (the built-in classes)
SYSTEM_PRIORITY_CLASSES = {
    "system-cluster-critical": 2000000000,
    "system-node-critical": 2000001000,
}
#: upstream: pkg/apis/scheduling DefaultPriorityWhenNoDefaultClassExists
DEFAULT_PRIORITY = 0

_NAMESPACED_KINDS = {
    ("v1", "Pod"), ("v1", "Event"), ("apps/v1", "ReplicaSet"), ("apps/v1", "Deployment"),
    ("coordination.k8s.io/v1", "Lease"), ("autoscaling/v2", "HorizontalPodAutoscaler"),
}

# upstream: github.com/distribution/reference regexp.go (what parsers.ParseImageName uses)
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[(?:[a-fA-F0-9:]+)\])(?::[0-9]+)?"
_NAME_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
_REFERENCE_RE = re.compile(
    rf"((?:{_DOMAIN}/)?{_NAME_COMPONENT}(?:/{_NAME_COMPONENT})*)(?::({_TAG}))?(?:@({_DIGEST}))?",
    re.ASCII,
)


def default_namespace(obj: dict, namespace: str = "default") -> dict:
    """Set ``metadata.namespace`` for a namespaced kind that has none; returns obj."""
    if (obj.get("apiVersion"), obj.get("kind")) in _NAMESPACED_KINDS:
        md = obj.get("metadata")
        if not isinstance(md, dict):
            md = obj["metadata"] = {}
        if not md.get("namespace"):
            md["namespace"] = namespace
    return obj


def image_tag(image: str) -> str:
    """The tag of an image reference as upstream pkg/util/parsers.ParseImageName finds it.

    ``"latest"`` when the reference has neither tag nor digest; ``""`` when it has only a
    digest or cannot be parsed (upstream ignores the parse error).
    """
    if not isinstance(image, str) or not image or len(image) > 255 + 128 + 200:
        return ""
    m = _REFERENCE_RE.fullmatch(image)
    if not m or len(m.group(1)) > 255:
        return ""
    tag, digest = m.group(2), m.group(3)
    if tag:
        return tag
    return "" if digest else "latest"


def default_pull_policy(image: str) -> str:
    """``Always`` for ``:latest`` (or no tag), ``IfNotPresent`` otherwise; SetDefaults_Container."""
    return "Always" if image_tag(image) == "latest" else "IfNotPresent"


def apply_defaults(obj: dict, *, create: bool = True) -> dict:
    """Fill in upstream's v1.32 defaults for ``obj`` (by kind), in place; returns ``obj``.

    ``create=False`` skips the create-only mutations (Priority admission on Pods, the
    ``kubernetes`` finalizer on Namespaces). Unknown kinds are returned unchanged.
    Malformed parts (wrong JSON types) are left as they are, for validation to report.
    """
    if not isinstance(obj, dict):
        return obj
    kind = obj.get("kind")
    default_namespace(obj)
    if kind == "Pod":
        _defaults_pod(obj, create)
    elif kind in ("ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job"):
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            spec = obj["spec"] = {}
        if kind == "Deployment":
            _defaults_deployment_spec(spec)
        elif kind == "StatefulSet":
            _defaults_statefulset_spec(spec)
        elif kind == "DaemonSet":
            _defaults_daemonset_spec(spec)
        elif kind == "Job":
            _defaults_job_spec(spec)
        elif spec.get("replicas") is None:
            spec["replicas"] = 1  # upstream: SetDefaults_ReplicaSet
        template = spec.get("template")
        if isinstance(template, dict):
            tspec = template.get("spec")
            if isinstance(tspec, dict):
                _defaults_pod_spec(tspec)
    elif kind == "Namespace":
        _defaults_namespace(obj, create)
    elif kind == "Node":
        _defaults_node(obj)
    elif kind == "HorizontalPodAutoscaler" and obj.get("apiVersion") == "autoscaling/v2":
        _defaults_hpa(obj)
    return obj


# ---------------------------------------------------------------- autoscaling/v2
#: upstream: pkg/apis/autoscaling/types.go DefaultCPUUtilization
DEFAULT_CPU_UTILIZATION = 80
# upstream: pkg/apis/autoscaling/v2/defaults.go defaultHPAScaleUpRules / defaultHPAScaleDownRules
_HPA_SCALE_UP_RULES = {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                       "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15},
                                    {"type": "Percent", "value": 100, "periodSeconds": 15}]}
_HPA_SCALE_DOWN_RULES = {"selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}


def _copy_hpa_scaling_rules(src: Any, dflt: dict) -> dict:
    """``copyHPAScalingRules``: the defaults overridden by every field ``src`` sets."""
    import copy

    out = copy.deepcopy(dflt)
    if isinstance(src, dict):
        for k in ("selectPolicy", "stabilizationWindowSeconds", "policies"):
            if src.get(k) is not None:
                out[k] = copy.deepcopy(src[k])
    return out


def hpa_scale_up_rules(rules: Any = None) -> dict:
    """``GenerateHPAScaleUpRules``: scale-up rules with every unset field defaulted (0 s window, max of +4 pods / +100 % per 15 s)."""
    return _copy_hpa_scaling_rules(rules, _HPA_SCALE_UP_RULES)


def hpa_scale_down_rules(rules: Any = None) -> dict:
    """``GenerateHPAScaleDownRules``: scale-down rules defaulted (-100 % per 15 s); the window stays unset."""
    return _copy_hpa_scaling_rules(rules, _HPA_SCALE_DOWN_RULES)


def _defaults_hpa(obj: dict) -> None:
    """upstream: pkg/apis/autoscaling/v2/defaults.go ``SetDefaults_HorizontalPodAutoscaler``."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1
    if not spec.get("metrics"):
        spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}}}]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):  # SetDefaults_HorizontalPodAutoscalerBehavior
        behavior["scaleUp"] = hpa_scale_up_rules(behavior.get("scaleUp"))
        behavior["scaleDown"] = hpa_scale_down_rules(behavior.get("scaleDown"))


# ---------------------------------------------------------------- apps/v1


def _default_strategy(spec: dict, field: str, rolling_defaults: dict) -> None:
    """``spec[field]`` defaults to RollingUpdate, whose ``rollingUpdate`` gets ``rolling_defaults``."""
    strategy = spec.get(field)
    if not isinstance(strategy, dict):
        strategy = spec[field] = {}
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        ru = strategy.get("rollingUpdate")
        if not isinstance(ru, dict):
            ru = strategy["rollingUpdate"] = {}
        for k, v in rolling_defaults.items():
            if ru.get(k) is None:
                ru[k] = v


def _defaults_deployment_spec(spec: dict) -> None:
    """upstream: pkg/apis/apps/v1/defaults.go SetDefaults_Deployment."""
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    _default_strategy(spec, "strategy", {"maxUnavailable": "25%", "maxSurge": "25%"})
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600


def _defaults_statefulset_spec(spec: dict) -> None:
    """upstream: pkg/apis/apps/v1/defaults.go SetDefaults_StatefulSet (v1.32 feature gates)."""
    if not spec.get("podManagementPolicy"):
        spec["podManagementPolicy"] = "OrderedReady"
    _default_strategy(spec, "updateStrategy", {"partition": 0})
    # StatefulSetAutoDeletePVC is beta and on in v1.32
    policy = spec.get("persistentVolumeClaimRetentionPolicy")
    if not isinstance(policy, dict):
        policy = spec["persistentVolumeClaimRetentionPolicy"] = {}
    policy.setdefault("whenDeleted", "Retain")
    policy.setdefault("whenScaled", "Retain")
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10


def _defaults_daemonset_spec(spec: dict) -> None:
    """upstream: pkg/apis/apps/v1/defaults.go SetDefaults_DaemonSet."""
    _default_strategy(spec, "updateStrategy", {"maxUnavailable": 1, "maxSurge": 0})
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10


def _defaults_job_spec(spec: dict) -> None:
    """upstream: pkg/apis/batch/v1/defaults.go SetDefaults_Job (v1.32 feature gates)."""
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 6
    if not spec.get("completionMode"):
        spec["completionMode"] = "NonIndexed"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if not spec.get("podReplacementPolicy"):  # JobPodReplacementPolicy is beta and on in v1.32
        spec["podReplacementPolicy"] = "Failed" if spec.get("podFailurePolicy") else "TerminatingOrFailed"


# ---------------------------------------------------------------- core/v1 Pod


def _dicts(v: Any) -> list[dict]:
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _defaults_pod(pod: dict, create: bool) -> None:
    """SetObjectDefaults_Pod: SetDefaults_Pod, then SetDefaults_PodSpec and nested defaulters."""
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        spec = pod["spec"] = {}
    # upstream: SetDefaults_Pod -- requests default to limits, only on a Pod (not a template)
    for key in ("containers", "initContainers"):
        for c in _dicts(spec.get(key)):
            res = c.get("resources")
            if isinstance(res, dict) and isinstance(res.get("limits"), dict):
                requests = res.get("requests")
                if not isinstance(requests, dict):
                    requests = res["requests"] = {}
                for name, q in res["limits"].items():
                    requests.setdefault(name, q)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True  # upstream: v1.DefaultEnableServiceLinks
    if spec.get("hostNetwork") is True:
        # upstream: defaultHostNetworkPorts
        for key in ("containers", "initContainers"):
            for c in _dicts(spec.get(key)):
                for p in _dicts(c.get("ports")):
                    if not p.get("hostPort") and isinstance(p.get("containerPort"), int):
                        p["hostPort"] = p["containerPort"]
    _defaults_pod_spec(spec)
    _defaults_resource_list(spec, "overhead")
    if create:
        _priority_admission(spec)


def _priority_admission(spec: dict) -> None:
    """upstream: plugin/pkg/admission/priority/admission.go admitPod (no PriorityClass objects)."""
    pc_name = spec.get("priorityClassName")
    if not pc_name:
        priority = DEFAULT_PRIORITY
    elif pc_name in SYSTEM_PRIORITY_CLASSES:
        priority = SYSTEM_PRIORITY_CLASSES[pc_name]
    else:
        return  # upstream looks the class up; k8slab serves no PriorityClass objects
    if spec.get("priority") is None:
        spec["priority"] = priority
    if spec.get("preemptionPolicy") is None:
        spec["preemptionPolicy"] = "PreemptLowerPriority"


def _defaults_pod_spec(spec: dict) -> None:
    """upstream: SetDefaults_PodSpec plus the volume and container defaulters it nests."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS
    if not spec.get("schedulerName"):
        spec["schedulerName"] = DEFAULT_SCHEDULER_NAME
    for v in _dicts(spec.get("volumes")):
        _defaults_volume(v)
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in _dicts(spec.get(key)):
            _defaults_container(c)


def _defaults_container(c: dict) -> None:
    """upstream: SetDefaults_Container and the generated per-field defaulters of a Container."""
    if not c.get("imagePullPolicy"):
        c["imagePullPolicy"] = default_pull_policy(c.get("image", ""))
    if not c.get("terminationMessagePath"):
        c["terminationMessagePath"] = TERMINATION_MESSAGE_PATH_DEFAULT
    if not c.get("terminationMessagePolicy"):
        c["terminationMessagePolicy"] = "File"
    for p in _dicts(c.get("ports")):
        if not p.get("protocol"):
            p["protocol"] = "TCP"  # upstream: +default="TCP" on ContainerPort.Protocol
    for e in _dicts(c.get("env")):
        vf = e.get("valueFrom")
        if isinstance(vf, dict) and isinstance(vf.get("fieldRef"), dict):
            _defaults_object_field_selector(vf["fieldRef"])
    res = c.get("resources")
    if isinstance(res, dict):
        _defaults_resource_list(res, "limits")
        _defaults_resource_list(res, "requests")
    for probe_key in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = c.get(probe_key)
        if isinstance(probe, dict):
            _defaults_probe(probe)
    lifecycle = c.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            h = lifecycle.get(hook)
            if isinstance(h, dict) and isinstance(h.get("httpGet"), dict):
                _defaults_http_get(h["httpGet"])


def _defaults_probe(probe: dict) -> None:
    """upstream: SetDefaults_Probe (0 or absent -> default), SetDefaults_HTTPGetAction."""
    for field, default in (("timeoutSeconds", 1), ("periodSeconds", 10),
                           ("successThreshold", 1), ("failureThreshold", 3)):
        v = probe.get(field)
        if v is None or (v == 0 and not isinstance(v, bool)):
            probe[field] = default
    if isinstance(probe.get("httpGet"), dict):
        _defaults_http_get(probe["httpGet"])
    grpc = probe.get("grpc")
    if isinstance(grpc, dict) and grpc.get("service") is None:
        grpc["service"] = ""  # upstream: +default="" on GRPCAction.Service


def _defaults_http_get(h: dict) -> None:
    """upstream: SetDefaults_HTTPGetAction."""
    if not h.get("path"):
        h["path"] = "/"
    if not h.get("scheme"):
        h["scheme"] = "HTTP"


def _defaults_object_field_selector(fs: dict) -> None:
    """upstream: SetDefaults_ObjectFieldSelector."""
    if not fs.get("apiVersion"):
        fs["apiVersion"] = "v1"


_VOLUME_SOURCES = (
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret",
    "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder",
    "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume",
    "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO",
    "storageos", "csi", "ephemeral", "image",
)


def _defaults_volume(v: dict) -> None:
    """upstream: SetDefaults_Volume and the per-source defaulters (zz_generated.defaults.go)."""
    if all(v.get(k) is None for k in _VOLUME_SOURCES):
        v["emptyDir"] = {}
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        src = v.get(key)
        if isinstance(src, dict) and src.get("defaultMode") is None:
            src["defaultMode"] = DEFAULT_VOLUME_MODE
    hp = v.get("hostPath")
    if isinstance(hp, dict) and hp.get("type") is None:
        hp["type"] = ""  # upstream: SetDefaults_HostPathVolumeSource (HostPathUnset)
    da = v.get("downwardAPI")
    if isinstance(da, dict):
        for item in _dicts(da.get("items")):
            if isinstance(item.get("fieldRef"), dict):
                _defaults_object_field_selector(item["fieldRef"])
    proj = v.get("projected")
    if isinstance(proj, dict):
        for src in _dicts(proj.get("sources")):
            if isinstance(src.get("downwardAPI"), dict):
                for item in _dicts(src["downwardAPI"].get("items")):
                    if isinstance(item.get("fieldRef"), dict):
                        _defaults_object_field_selector(item["fieldRef"])
            sat = src.get("serviceAccountToken")
            if isinstance(sat, dict) and sat.get("expirationSeconds") is None:
                sat["expirationSeconds"] = 3600  # upstream: SetDefaults_ServiceAccountTokenProjection
    # upstream: declarative +default values on these volume sources
    declared = {
        "iscsi": {"iscsiInterface": "default"},
        "rbd": {"pool": "rbd", "user": "admin", "keyring": "/etc/ceph/keyring"},
        "azureDisk": {"cachingMode": "ReadWrite", "fsType": "ext4", "readOnly": False, "kind": "Shared"},
        "scaleIO": {"storageMode": "ThinProvisioned", "fsType": "xfs"},
    }
    for key, fields in declared.items():
        src = v.get(key)
        if isinstance(src, dict):
            for f, d in fields.items():
                if src.get(f) is None or src.get(f) == "":
                    src[f] = d
    eph = v.get("ephemeral")
    if isinstance(eph, dict) and isinstance(eph.get("volumeClaimTemplate"), dict):
        vct_spec = eph["volumeClaimTemplate"].get("spec")
        if isinstance(vct_spec, dict):
            if vct_spec.get("volumeMode") is None:
                vct_spec["volumeMode"] = "Filesystem"  # upstream: SetDefaults_PersistentVolumeClaimSpec
            if isinstance(vct_spec.get("resources"), dict):
                _defaults_resource_list(vct_spec["resources"], "limits")
                _defaults_resource_list(vct_spec["resources"], "requests")


def _defaults_resource_list(parent: dict, key: str) -> None:
    """upstream: SetDefaults_ResourceList -- round each quantity up to milli scale.

    The quantity is also written back in the canonical form the API server serialises
    (``Quantity.MarshalJSON``): ``0.5`` -> ``"500m"``, ``1024Mi`` -> ``"1Gi"``, ``2`` -> ``"2"``.
    Values that do not parse are left as they are, for validation to report.
    """
    rl = parent.get(key)
    if not isinstance(rl, dict):
        return
    from .quantity import canonical, format_quantity, milli_value, parse_quantity_with_format

    for name, q in list(rl.items()):
        if isinstance(q, bool) or not isinstance(q, (str, int, float)):
            continue
        try:
            value, fmt = parse_quantity_with_format(q)
            milli = milli_value(q)
            if Decimal(milli) / 1000 != value:  # RoundUp(-3) changed it
                rl[name] = format_quantity(Decimal(milli) / 1000, fmt)
            else:
                rl[name] = canonical(q)
        except (ValueError, ArithmeticError):
            continue


# ---------------------------------------------------------------- Namespace and Node


def _defaults_namespace(ns: dict, create: bool) -> None:
    """upstream: SetDefaults_Namespace, SetDefaults_NamespaceStatus, namespace PrepareForCreate."""
    md = ns.get("metadata")
    if not isinstance(md, dict):
        md = ns["metadata"] = {}
    name = md.get("name")
    if isinstance(name, str) and name:
        labels = md.get("labels")
        if not isinstance(labels, dict):
            labels = md["labels"] = {}
        labels["kubernetes.io/metadata.name"] = name  # upstream: v1.LabelMetadataName
    status = ns.get("status")
    if not isinstance(status, dict):
        status = ns["status"] = {}
    if not status.get("phase"):
        status["phase"] = "Active"
    if create:
        spec = ns.get("spec")
        if not isinstance(spec, dict):
            spec = ns["spec"] = {}
        finalizers = spec.get("finalizers")
        if not isinstance(finalizers, list):
            finalizers = spec["finalizers"] = []
        if "kubernetes" not in finalizers:
            finalizers.append("kubernetes")  # upstream: api.FinalizerKubernetes


def _defaults_node(node: dict) -> None:
    """upstream: SetDefaults_NodeStatus (allocatable defaults to capacity), ResourceList rounding."""
    status = node.get("status")
    if not isinstance(status, dict):
        return
    cap = status.get("capacity")
    if status.get("allocatable") is None and isinstance(cap, dict):
        status["allocatable"] = dict(cap)
    _defaults_resource_list(status, "capacity")
    _defaults_resource_list(status, "allocatable")
