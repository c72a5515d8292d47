"""Protobuf request bodies (``application/vnd.kubernetes.protobuf``) → the JSON-shaped dicts the API server takes.

kubectl 1.32 sends its typed creates (``kubectl create deployment|namespace|configmap|secret|
serviceaccount|service|role|...``, ``auth can-i``, ``create token``) as protobuf. A body is the
``k8s\\x00`` magic followed by a ``runtime.Unknown`` {1 typeMeta {1 apiVersion, 2 kind}, 2 raw,
3 contentEncoding, 4 contentType}; ``raw`` is the object's own message.

upstream: staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go (magic,
envelope, "provided data does not appear to be a protobuf message, expected prefix ..."),
staging/src/k8s.io/apimachinery/pkg/runtime/generated.proto (Unknown), and the field tables in
:data:`SCHEMA`, transcribed from the v1.32 ``generated.proto`` files of
staging/src/k8s.io/api/{core,apps,batch,rbac,policy,scheduling,authorization,authentication}/v1 and
staging/src/k8s.io/apimachinery/pkg/{apis/meta/v1,api/resource,util/intstr}. (The tables were
produced mechanically from the file descriptors that kubectl v1.32 embeds — which are those
generated.proto files compiled — so the numbers, names and types are exactly v1.32's.)

JSON mapping, as Kubernetes' JSON serialiser would print the same Go object:

- scalars: gogo's generated ``Marshal`` writes every non-pointer scalar, even when zero; Go's
  ``omitempty`` then hides zero values in JSON. So a zero scalar is dropped unless its Go field
  is a pointer (``*int32``, ``*bool``, ``*string``: a sent zero is meaningful, e.g.
  ``spec.replicas: 0``) or has no ``omitempty`` (``containerPort``, ``port``, PriorityClass
  ``value``) — see :data:`KEEP_ZERO` (from the Go types in each group's ``types.go``);
- a present message becomes an object (``{}`` when empty, like a non-pointer struct in JSON);
- ``repeated`` → list, ``map<k,v>`` → object, ``bytes`` → base64 text;
- well-known types: ``meta.v1.Time`` {1 seconds, 2 nanos} → RFC 3339 (zero → ``null``),
  ``MicroTime`` likewise with microseconds, ``Duration`` {1 duration} → Go's duration text,
  ``resource.Quantity`` {1 string} → its string, ``intstr.IntOrString`` {1 type, 2 intVal,
  3 strVal} → int or string, ``runtime.RawExtension`` {1 raw} and ``FieldsV1`` {1 Raw} → the
  JSON they carry.

Where k8slab differs: upstream's generated ``Unmarshal`` skips field numbers it does not know;
k8slab rejects them (400 BadRequest naming the kind and the field number) so that a field it
would silently lose is never half-applied. A kind outside :data:`KINDS` is a 400 too.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import struct
from typing import Any

MAGIC = b"k8s\x00"

#: (apiVersion, kind) → the message that ``runtime.Unknown.raw`` holds.
KINDS: dict[tuple[str, str], str] = {
    **{("v1", k): f"core.{k}" for k in ("Namespace", "ConfigMap", "Secret", "ServiceAccount", "Service", "Pod",
                                         "ResourceQuota", "LimitRange", "Endpoints")},
    **{("apps/v1", k): f"apps.{k}" for k in ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet")},
    **{("batch/v1", k): f"batch.{k}" for k in ("Job", "CronJob")},
    **{("rbac.authorization.k8s.io/v1", k): f"rbac.{k}" for k in ("Role", "ClusterRole", "RoleBinding",
                                                                    "ClusterRoleBinding")},
    ("policy/v1", "PodDisruptionBudget"): "policy.PodDisruptionBudget",
    ("policy/v1", "Eviction"): "policy.Eviction",
    ("scheduling.k8s.io/v1", "PriorityClass"): "scheduling.PriorityClass",
    **{("authorization.k8s.io/v1", k): f"authorization.{k}" for k in (
        "SelfSubjectAccessReview", "SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectRulesReview")},
    **{("authentication.k8s.io/v1", k): f"authentication.{k}" for k in ("TokenRequest", "TokenReview")},
    ("v1", "DeleteOptions"): "meta.DeleteOptions",
    ("meta.k8s.io/v1", "DeleteOptions"): "meta.DeleteOptions",
}

#: Go fields that are pointers or lack ``omitempty``: a zero value sent for them is kept.
#: upstream: the Go struct definitions in staging/src/k8s.io/api/<group>/v1/types.go and
#: staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go.
KEEP_ZERO: frozenset[str] = frozenset("""
apps.DeploymentSpec.replicas apps.DeploymentSpec.revisionHistoryLimit apps.DeploymentSpec.progressDeadlineSeconds
apps.DeploymentStatus.collisionCount apps.ReplicaSetSpec.replicas apps.DaemonSetSpec.revisionHistoryLimit
apps.DaemonSetStatus.collisionCount apps.StatefulSetSpec.replicas apps.StatefulSetSpec.revisionHistoryLimit
apps.StatefulSetStatus.collisionCount apps.RollingUpdateStatefulSetStrategy.partition
batch.CronJobSpec.timeZone batch.CronJobSpec.startingDeadlineSeconds batch.CronJobSpec.suspend
batch.CronJobSpec.successfulJobsHistoryLimit batch.CronJobSpec.failedJobsHistoryLimit
batch.JobSpec.parallelism batch.JobSpec.completions batch.JobSpec.activeDeadlineSeconds batch.JobSpec.backoffLimit
batch.JobSpec.backoffLimitPerIndex batch.JobSpec.maxFailedIndexes batch.JobSpec.manualSelector
batch.JobSpec.ttlSecondsAfterFinished batch.JobSpec.completionMode batch.JobSpec.suspend
batch.JobSpec.podReplacementPolicy batch.JobSpec.managedBy batch.JobStatus.ready batch.JobStatus.terminating
batch.JobStatus.failedIndexes batch.SuccessPolicyRule.succeededIndexes batch.SuccessPolicyRule.succeededCount
batch.PodFailurePolicyOnExitCodesRequirement.containerName
core.AppArmorProfile.localhostProfile core.ClientIPConfig.timeoutSeconds core.ClusterTrustBundleProjection.name
core.ClusterTrustBundleProjection.signerName core.ClusterTrustBundleProjection.optional core.ConfigMap.immutable
core.ConfigMapEnvSource.optional core.ConfigMapKeySelector.optional core.ConfigMapProjection.optional
core.ConfigMapVolumeSource.defaultMode core.ConfigMapVolumeSource.optional core.Container.restartPolicy
core.EphemeralContainerCommon.restartPolicy core.ContainerPort.containerPort core.ContainerStatus.started
core.DownwardAPIVolumeFile.mode core.DownwardAPIVolumeSource.defaultMode core.EndpointAddress.nodeName
core.EndpointPort.appProtocol core.EndpointPort.port core.HostPathVolumeSource.type core.ISCSIVolumeSource.initiatorName
core.KeyToPath.mode core.LoadBalancerIngress.ipMode core.CSIVolumeSource.readOnly core.CSIVolumeSource.fsType
core.FCVolumeSource.lun core.AzureDiskVolumeSource.cachingMode core.AzureDiskVolumeSource.fsType
core.AzureDiskVolumeSource.readOnly core.AzureDiskVolumeSource.kind core.PersistentVolumeClaimSpec.storageClassName
core.PersistentVolumeClaimSpec.volumeMode core.PersistentVolumeClaimSpec.volumeAttributesClassName
core.PodSecurityContext.runAsUser core.PodSecurityContext.runAsGroup core.PodSecurityContext.runAsNonRoot
core.PodSecurityContext.fsGroup core.PodSecurityContext.fsGroupChangePolicy
core.PodSecurityContext.supplementalGroupsPolicy core.PodSecurityContext.seLinuxChangePolicy
core.PodSpec.terminationGracePeriodSeconds core.PodSpec.activeDeadlineSeconds core.PodSpec.automountServiceAccountToken
core.PodSpec.shareProcessNamespace core.PodSpec.priority core.PodSpec.runtimeClassName core.PodSpec.enableServiceLinks
core.PodSpec.preemptionPolicy core.PodSpec.setHostnameAsFQDN core.PodSpec.hostUsers
core.PodResourceClaim.resourceClaimName core.PodResourceClaim.resourceClaimTemplateName
core.Probe.terminationGracePeriodSeconds core.ProjectedVolumeSource.defaultMode core.SeccompProfile.localhostProfile
core.Secret.immutable core.SecretEnvSource.optional core.SecretKeySelector.optional core.SecretProjection.optional
core.SecretVolumeSource.defaultMode core.SecretVolumeSource.optional core.SecurityContext.privileged
core.SecurityContext.runAsUser core.SecurityContext.runAsGroup core.SecurityContext.runAsNonRoot
core.SecurityContext.readOnlyRootFilesystem core.SecurityContext.allowPrivilegeEscalation
core.SecurityContext.procMount core.ServiceAccount.automountServiceAccountToken
core.ServiceAccountTokenProjection.expirationSeconds core.ServicePort.appProtocol core.ServicePort.port
core.ServiceSpec.ipFamilyPolicy core.ServiceSpec.allocateLoadBalancerNodePorts core.ServiceSpec.loadBalancerClass
core.ServiceSpec.internalTrafficPolicy core.ServiceSpec.trafficDistribution core.Toleration.tolerationSeconds
core.TopologySpreadConstraint.minDomains core.TopologySpreadConstraint.nodeAffinityPolicy
core.TopologySpreadConstraint.nodeTaintsPolicy core.TypedLocalObjectReference.apiGroup
core.TypedObjectReference.apiGroup core.TypedObjectReference.namespace core.VolumeMount.recursiveReadOnly
core.VolumeMount.mountPropagation core.WindowsSecurityContextOptions.gmsaCredentialSpecName
core.WindowsSecurityContextOptions.gmsaCredentialSpec core.WindowsSecurityContextOptions.runAsUserName
core.WindowsSecurityContextOptions.hostProcess core.GRPCAction.service
meta.ObjectMeta.deletionGracePeriodSeconds meta.OwnerReference.controller meta.OwnerReference.blockOwnerDeletion
meta.DeleteOptions.gracePeriodSeconds meta.DeleteOptions.orphanDependents meta.DeleteOptions.propagationPolicy
meta.DeleteOptions.ignoreStoreReadErrorWithClusterBreakingPotential meta.Preconditions.uid
meta.Preconditions.resourceVersion policy.PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy
scheduling.PriorityClass.preemptionPolicy scheduling.PriorityClass.value
authentication.TokenRequestSpec.expirationSeconds authorization.SubjectAccessReviewStatus.allowed
policy.PodDisruptionBudgetStatus.disruptionsAllowed policy.PodDisruptionBudgetStatus.currentHealthy
policy.PodDisruptionBudgetStatus.desiredHealthy policy.PodDisruptionBudgetStatus.expectedPods
apps.ReplicaSetStatus.replicas apps.StatefulSetStatus.replicas apps.DaemonSetStatus.currentNumberScheduled
apps.DaemonSetStatus.numberMisscheduled apps.DaemonSetStatus.desiredNumberScheduled apps.DaemonSetStatus.numberReady
""".split())

#: Lists without ``omitempty``: JSON prints ``null`` when there are none (``kubectl create clusterrole
#: --aggregation-rule`` sends no rules and prints ``"rules": null``). upstream: rbac/v1/types.go.
NULL_WHEN_EMPTY: frozenset[str] = frozenset({"rbac.Role.rules", "rbac.ClusterRole.rules", "rbac.PolicyRule.verbs"})

#: proto field names whose JSON name differs (authentication/v1 BoundObjectReference ``UID`` is ``uid``).
JSON_NAMES = {("authentication.BoundObjectReference", "uID"): "uid"}

#: The field tables: each message, then ``number name type`` per field in Go struct order
#: (the order the JSON serialiser prints). ``[]T`` is repeated, ``map<K,V>`` a map.
SCHEMA = """
apps.DaemonSet
    1 metadata meta.ObjectMeta; 2 spec apps.DaemonSetSpec; 3 status apps.DaemonSetStatus
apps.DaemonSetCondition
    1 type string; 2 status string; 3 lastTransitionTime meta.Time; 4 reason string; 5 message string
apps.DaemonSetSpec
    1 selector meta.LabelSelector; 2 template core.PodTemplateSpec; 3 updateStrategy
    apps.DaemonSetUpdateStrategy; 4 minReadySeconds int32; 6 revisionHistoryLimit int32
apps.DaemonSetStatus
    1 currentNumberScheduled int32; 2 numberMisscheduled int32; 3 desiredNumberScheduled int32; 4 numberReady
    int32; 5 observedGeneration int64; 6 updatedNumberScheduled int32; 7 numberAvailable int32; 8
    numberUnavailable int32; 9 collisionCount int32; 10 conditions []apps.DaemonSetCondition
apps.DaemonSetUpdateStrategy
    1 type string; 2 rollingUpdate apps.RollingUpdateDaemonSet
apps.Deployment
    1 metadata meta.ObjectMeta; 2 spec apps.DeploymentSpec; 3 status apps.DeploymentStatus
apps.DeploymentCondition
    1 type string; 2 status string; 6 lastUpdateTime meta.Time; 7 lastTransitionTime meta.Time; 4 reason string;
    5 message string
apps.DeploymentSpec
    1 replicas int32; 2 selector meta.LabelSelector; 3 template core.PodTemplateSpec; 4 strategy
    apps.DeploymentStrategy; 5 minReadySeconds int32; 6 revisionHistoryLimit int32; 7 paused bool; 9
    progressDeadlineSeconds int32
apps.DeploymentStatus
    1 observedGeneration int64; 2 replicas int32; 3 updatedReplicas int32; 7 readyReplicas int32; 4
    availableReplicas int32; 5 unavailableReplicas int32; 6 conditions []apps.DeploymentCondition; 8
    collisionCount int32
apps.DeploymentStrategy
    1 type string; 2 rollingUpdate apps.RollingUpdateDeployment
apps.ReplicaSet
    1 metadata meta.ObjectMeta; 2 spec apps.ReplicaSetSpec; 3 status apps.ReplicaSetStatus
apps.ReplicaSetCondition
    1 type string; 2 status string; 3 lastTransitionTime meta.Time; 4 reason string; 5 message string
apps.ReplicaSetSpec
    1 replicas int32; 4 minReadySeconds int32; 2 selector meta.LabelSelector; 3 template core.PodTemplateSpec
apps.ReplicaSetStatus
    1 replicas int32; 2 fullyLabeledReplicas int32; 4 readyReplicas int32; 5 availableReplicas int32; 3
    observedGeneration int64; 6 conditions []apps.ReplicaSetCondition
apps.RollingUpdateDaemonSet
    1 maxUnavailable intstr.IntOrString; 2 maxSurge intstr.IntOrString
apps.RollingUpdateDeployment
    1 maxUnavailable intstr.IntOrString; 2 maxSurge intstr.IntOrString
apps.RollingUpdateStatefulSetStrategy
    1 partition int32; 2 maxUnavailable intstr.IntOrString
apps.StatefulSet
    1 metadata meta.ObjectMeta; 2 spec apps.StatefulSetSpec; 3 status apps.StatefulSetStatus
apps.StatefulSetCondition
    1 type string; 2 status string; 3 lastTransitionTime meta.Time; 4 reason string; 5 message string
apps.StatefulSetOrdinals
    1 start int32
apps.StatefulSetPersistentVolumeClaimRetentionPolicy
    1 whenDeleted string; 2 whenScaled string
apps.StatefulSetSpec
    1 replicas int32; 2 selector meta.LabelSelector; 3 template core.PodTemplateSpec; 4 volumeClaimTemplates
    []core.PersistentVolumeClaim; 5 serviceName string; 6 podManagementPolicy string; 7 updateStrategy
    apps.StatefulSetUpdateStrategy; 8 revisionHistoryLimit int32; 9 minReadySeconds int32; 10
    persistentVolumeClaimRetentionPolicy apps.StatefulSetPersistentVolumeClaimRetentionPolicy; 11 ordinals
    apps.StatefulSetOrdinals
apps.StatefulSetStatus
    1 observedGeneration int64; 2 replicas int32; 3 readyReplicas int32; 4 currentReplicas int32; 5
    updatedReplicas int32; 6 currentRevision string; 7 updateRevision string; 9 collisionCount int32; 10
    conditions []apps.StatefulSetCondition; 11 availableReplicas int32
apps.StatefulSetUpdateStrategy
    1 type string; 2 rollingUpdate apps.RollingUpdateStatefulSetStrategy
authentication.BoundObjectReference
    1 kind string; 2 apiVersion string; 3 name string; 4 uID string
authentication.ExtraValue
    1 items []string
authentication.TokenRequest
    1 metadata meta.ObjectMeta; 2 spec authentication.TokenRequestSpec; 3 status
    authentication.TokenRequestStatus
authentication.TokenRequestSpec
    1 audiences []string; 4 expirationSeconds int64; 3 boundObjectRef authentication.BoundObjectReference
authentication.TokenRequestStatus
    1 token string; 2 expirationTimestamp meta.Time
authentication.TokenReview
    1 metadata meta.ObjectMeta; 2 spec authentication.TokenReviewSpec; 3 status authentication.TokenReviewStatus
authentication.TokenReviewSpec
    1 token string; 2 audiences []string
authentication.TokenReviewStatus
    1 authenticated bool; 2 user authentication.UserInfo; 4 audiences []string; 3 error string
authentication.UserInfo
    1 username string; 2 uid string; 3 groups []string; 4 extra map<string,authentication.ExtraValue>
authorization.ExtraValue
    1 items []string
authorization.FieldSelectorAttributes
    1 rawSelector string; 2 requirements []meta.FieldSelectorRequirement
authorization.LabelSelectorAttributes
    1 rawSelector string; 2 requirements []meta.LabelSelectorRequirement
authorization.LocalSubjectAccessReview
    1 metadata meta.ObjectMeta; 2 spec authorization.SubjectAccessReviewSpec; 3 status
    authorization.SubjectAccessReviewStatus
authorization.NonResourceAttributes
    1 path string; 2 verb string
authorization.NonResourceRule
    1 verbs []string; 2 nonResourceURLs []string
authorization.ResourceAttributes
    1 namespace string; 2 verb string; 3 group string; 4 version string; 5 resource string; 6 subresource
    string; 7 name string; 8 fieldSelector authorization.FieldSelectorAttributes; 9 labelSelector
    authorization.LabelSelectorAttributes
authorization.ResourceRule
    1 verbs []string; 2 apiGroups []string; 3 resources []string; 4 resourceNames []string
authorization.SelfSubjectAccessReview
    1 metadata meta.ObjectMeta; 2 spec authorization.SelfSubjectAccessReviewSpec; 3 status
    authorization.SubjectAccessReviewStatus
authorization.SelfSubjectAccessReviewSpec
    1 resourceAttributes authorization.ResourceAttributes; 2 nonResourceAttributes
    authorization.NonResourceAttributes
authorization.SelfSubjectRulesReview
    1 metadata meta.ObjectMeta; 2 spec authorization.SelfSubjectRulesReviewSpec; 3 status
    authorization.SubjectRulesReviewStatus
authorization.SelfSubjectRulesReviewSpec
    1 namespace string
authorization.SubjectAccessReview
    1 metadata meta.ObjectMeta; 2 spec authorization.SubjectAccessReviewSpec; 3 status
    authorization.SubjectAccessReviewStatus
authorization.SubjectAccessReviewSpec
    1 resourceAttributes authorization.ResourceAttributes; 2 nonResourceAttributes
    authorization.NonResourceAttributes; 3 user string; 4 groups []string; 5 extra
    map<string,authorization.ExtraValue>; 6 uid string
authorization.SubjectAccessReviewStatus
    1 allowed bool; 4 denied bool; 2 reason string; 3 evaluationError string
authorization.SubjectRulesReviewStatus
    1 resourceRules []authorization.ResourceRule; 2 nonResourceRules []authorization.NonResourceRule; 3
    incomplete bool; 4 evaluationError string
batch.CronJob
    1 metadata meta.ObjectMeta; 2 spec batch.CronJobSpec; 3 status batch.CronJobStatus
batch.CronJobSpec
    1 schedule string; 8 timeZone string; 2 startingDeadlineSeconds int64; 3 concurrencyPolicy string; 4 suspend
    bool; 5 jobTemplate batch.JobTemplateSpec; 6 successfulJobsHistoryLimit int32; 7 failedJobsHistoryLimit
    int32
batch.CronJobStatus
    1 active []core.ObjectReference; 4 lastScheduleTime meta.Time; 5 lastSuccessfulTime meta.Time
batch.Job
    1 metadata meta.ObjectMeta; 2 spec batch.JobSpec; 3 status batch.JobStatus
batch.JobCondition
    1 type string; 2 status string; 3 lastProbeTime meta.Time; 4 lastTransitionTime meta.Time; 5 reason string;
    6 message string
batch.JobSpec
    1 parallelism int32; 2 completions int32; 3 activeDeadlineSeconds int64; 11 podFailurePolicy
    batch.PodFailurePolicy; 16 successPolicy batch.SuccessPolicy; 7 backoffLimit int32; 12 backoffLimitPerIndex
    int32; 13 maxFailedIndexes int32; 4 selector meta.LabelSelector; 5 manualSelector bool; 6 template
    core.PodTemplateSpec; 8 ttlSecondsAfterFinished int32; 9 completionMode string; 10 suspend bool; 14
    podReplacementPolicy string; 15 managedBy string
batch.JobStatus
    1 conditions []batch.JobCondition; 2 startTime meta.Time; 3 completionTime meta.Time; 4 active int32; 5
    succeeded int32; 6 failed int32; 11 terminating int32; 7 completedIndexes string; 10 failedIndexes string; 8
    uncountedTerminatedPods batch.UncountedTerminatedPods; 9 ready int32
batch.JobTemplateSpec
    1 metadata meta.ObjectMeta; 2 spec batch.JobSpec
batch.PodFailurePolicy
    1 rules []batch.PodFailurePolicyRule
batch.PodFailurePolicyOnExitCodesRequirement
    1 containerName string; 2 operator string; 3 values []int32
batch.PodFailurePolicyOnPodConditionsPattern
    1 type string; 2 status string
batch.PodFailurePolicyRule
    1 action string; 2 onExitCodes batch.PodFailurePolicyOnExitCodesRequirement; 3 onPodConditions
    []batch.PodFailurePolicyOnPodConditionsPattern
batch.SuccessPolicy
    1 rules []batch.SuccessPolicyRule
batch.SuccessPolicyRule
    1 succeededIndexes string; 2 succeededCount int32
batch.UncountedTerminatedPods
    1 succeeded []string; 2 failed []string
core.AWSElasticBlockStoreVolumeSource
    1 volumeID string; 2 fsType string; 3 partition int32; 4 readOnly bool
core.Affinity
    1 nodeAffinity core.NodeAffinity; 2 podAffinity core.PodAffinity; 3 podAntiAffinity core.PodAntiAffinity
core.AppArmorProfile
    1 type string; 2 localhostProfile string
core.AzureDiskVolumeSource
    1 diskName string; 2 diskURI string; 3 cachingMode string; 4 fsType string; 5 readOnly bool; 6 kind string
core.AzureFileVolumeSource
    1 secretName string; 2 shareName string; 3 readOnly bool
core.CSIVolumeSource
    1 driver string; 2 readOnly bool; 3 fsType string; 4 volumeAttributes map<string,string>; 5
    nodePublishSecretRef core.LocalObjectReference
core.Capabilities
    1 add []string; 2 drop []string
core.CephFSVolumeSource
    1 monitors []string; 2 path string; 3 user string; 4 secretFile string; 5 secretRef
    core.LocalObjectReference; 6 readOnly bool
core.CinderVolumeSource
    1 volumeID string; 2 fsType string; 3 readOnly bool; 4 secretRef core.LocalObjectReference
core.ClientIPConfig
    1 timeoutSeconds int32
core.ClusterTrustBundleProjection
    1 name string; 2 signerName string; 3 labelSelector meta.LabelSelector; 5 optional bool; 4 path string
core.ConfigMap
    1 metadata meta.ObjectMeta; 4 immutable bool; 2 data map<string,string>; 3 binaryData map<string,bytes>
core.ConfigMapEnvSource
    1 localObjectReference core.LocalObjectReference; 2 optional bool
core.ConfigMapKeySelector
    1 localObjectReference core.LocalObjectReference; 2 key string; 3 optional bool
core.ConfigMapProjection
    1 localObjectReference core.LocalObjectReference; 2 items []core.KeyToPath; 4 optional bool
core.ConfigMapVolumeSource
    1 localObjectReference core.LocalObjectReference; 2 items []core.KeyToPath; 3 defaultMode int32; 4 optional
    bool
core.Container
    1 name string; 2 image string; 3 command []string; 4 args []string; 5 workingDir string; 6 ports
    []core.ContainerPort; 19 envFrom []core.EnvFromSource; 7 env []core.EnvVar; 8 resources
    core.ResourceRequirements; 23 resizePolicy []core.ContainerResizePolicy; 24 restartPolicy string; 9
    volumeMounts []core.VolumeMount; 21 volumeDevices []core.VolumeDevice; 10 livenessProbe core.Probe; 11
    readinessProbe core.Probe; 22 startupProbe core.Probe; 12 lifecycle core.Lifecycle; 13
    terminationMessagePath string; 20 terminationMessagePolicy string; 14 imagePullPolicy string; 15
    securityContext core.SecurityContext; 16 stdin bool; 17 stdinOnce bool; 18 tty bool
core.ContainerPort
    1 name string; 2 hostPort int32; 3 containerPort int32; 4 protocol string; 5 hostIP string
core.ContainerResizePolicy
    1 resourceName string; 2 restartPolicy string
core.ContainerState
    1 waiting core.ContainerStateWaiting; 2 running core.ContainerStateRunning; 3 terminated
    core.ContainerStateTerminated
core.ContainerStateRunning
    1 startedAt meta.Time
core.ContainerStateTerminated
    1 exitCode int32; 2 signal int32; 3 reason string; 4 message string; 5 startedAt meta.Time; 6 finishedAt
    meta.Time; 7 containerID string
core.ContainerStateWaiting
    1 reason string; 2 message string
core.ContainerStatus
    1 name string; 2 state core.ContainerState; 3 lastState core.ContainerState; 4 ready bool; 5 restartCount
    int32; 6 image string; 7 imageID string; 8 containerID string; 9 started bool; 10 allocatedResources
    map<string,resource.Quantity>; 11 resources core.ResourceRequirements; 12 volumeMounts
    []core.VolumeMountStatus; 13 user core.ContainerUser; 14 allocatedResourcesStatus []core.ResourceStatus
core.ContainerUser
    1 linux core.LinuxContainerUser
core.DownwardAPIProjection
    1 items []core.DownwardAPIVolumeFile
core.DownwardAPIVolumeFile
    1 path string; 2 fieldRef core.ObjectFieldSelector; 3 resourceFieldRef core.ResourceFieldSelector; 4 mode
    int32
core.DownwardAPIVolumeSource
    1 items []core.DownwardAPIVolumeFile; 2 defaultMode int32
core.EmptyDirVolumeSource
    1 medium string; 2 sizeLimit resource.Quantity
core.EndpointAddress
    1 ip string; 3 hostname string; 4 nodeName string; 2 targetRef core.ObjectReference
core.EndpointPort
    1 name string; 2 port int32; 3 protocol string; 4 appProtocol string
core.EndpointSubset
    1 addresses []core.EndpointAddress; 2 notReadyAddresses []core.EndpointAddress; 3 ports []core.EndpointPort
core.Endpoints
    1 metadata meta.ObjectMeta; 2 subsets []core.EndpointSubset
core.EnvFromSource
    1 prefix string; 2 configMapRef core.ConfigMapEnvSource; 3 secretRef core.SecretEnvSource
core.EnvVar
    1 name string; 2 value string; 3 valueFrom core.EnvVarSource
core.EnvVarSource
    1 fieldRef core.ObjectFieldSelector; 2 resourceFieldRef core.ResourceFieldSelector; 3 configMapKeyRef
    core.ConfigMapKeySelector; 4 secretKeyRef core.SecretKeySelector
core.EphemeralContainer
    1 ephemeralContainerCommon core.EphemeralContainerCommon; 2 targetContainerName string
core.EphemeralContainerCommon
    1 name string; 2 image string; 3 command []string; 4 args []string; 5 workingDir string; 6 ports
    []core.ContainerPort; 19 envFrom []core.EnvFromSource; 7 env []core.EnvVar; 8 resources
    core.ResourceRequirements; 23 resizePolicy []core.ContainerResizePolicy; 24 restartPolicy string; 9
    volumeMounts []core.VolumeMount; 21 volumeDevices []core.VolumeDevice; 10 livenessProbe core.Probe; 11
    readinessProbe core.Probe; 22 startupProbe core.Probe; 12 lifecycle core.Lifecycle; 13
    terminationMessagePath string; 20 terminationMessagePolicy string; 14 imagePullPolicy string; 15
    securityContext core.SecurityContext; 16 stdin bool; 17 stdinOnce bool; 18 tty bool
core.EphemeralVolumeSource
    1 volumeClaimTemplate core.PersistentVolumeClaimTemplate
core.ExecAction
    1 command []string
core.FCVolumeSource
    1 targetWWNs []string; 2 lun int32; 3 fsType string; 4 readOnly bool; 5 wwids []string
core.FlexVolumeSource
    1 driver string; 2 fsType string; 3 secretRef core.LocalObjectReference; 4 readOnly bool; 5 options
    map<string,string>
core.FlockerVolumeSource
    1 datasetName string; 2 datasetUUID string
core.GCEPersistentDiskVolumeSource
    1 pdName string; 2 fsType string; 3 partition int32; 4 readOnly bool
core.GRPCAction
    1 port int32; 2 service string
core.GitRepoVolumeSource
    1 repository string; 2 revision string; 3 directory string
core.GlusterfsVolumeSource
    1 endpoints string; 2 path string; 3 readOnly bool
core.HTTPGetAction
    1 path string; 2 port intstr.IntOrString; 3 host string; 4 scheme string; 5 httpHeaders []core.HTTPHeader
core.HTTPHeader
    1 name string; 2 value string
core.HostAlias
    1 ip string; 2 hostnames []string
core.HostIP
    1 ip string
core.HostPathVolumeSource
    1 path string; 2 type string
core.ISCSIVolumeSource
    1 targetPortal string; 2 iqn string; 3 lun int32; 4 iscsiInterface string; 5 fsType string; 6 readOnly bool;
    7 portals []string; 8 chapAuthDiscovery bool; 11 chapAuthSession bool; 10 secretRef
    core.LocalObjectReference; 12 initiatorName string
core.ImageVolumeSource
    1 reference string; 2 pullPolicy string
core.KeyToPath
    1 key string; 2 path string; 3 mode int32
core.Lifecycle
    1 postStart core.LifecycleHandler; 2 preStop core.LifecycleHandler
core.LifecycleHandler
    1 exec core.ExecAction; 2 httpGet core.HTTPGetAction; 3 tcpSocket core.TCPSocketAction; 4 sleep
    core.SleepAction
core.LimitRange
    1 metadata meta.ObjectMeta; 2 spec core.LimitRangeSpec
core.LimitRangeItem
    1 type string; 2 max map<string,resource.Quantity>; 3 min map<string,resource.Quantity>; 4 default
    map<string,resource.Quantity>; 5 defaultRequest map<string,resource.Quantity>; 6 maxLimitRequestRatio
    map<string,resource.Quantity>
core.LimitRangeSpec
    1 limits []core.LimitRangeItem
core.LinuxContainerUser
    1 uid int64; 2 gid int64; 3 supplementalGroups []int64
core.LoadBalancerIngress
    1 ip string; 2 hostname string; 3 ipMode string; 4 ports []core.PortStatus
core.LoadBalancerStatus
    1 ingress []core.LoadBalancerIngress
core.LocalObjectReference
    1 name string
core.ModifyVolumeStatus
    1 targetVolumeAttributesClassName string; 2 status string
core.NFSVolumeSource
    1 server string; 2 path string; 3 readOnly bool
core.Namespace
    1 metadata meta.ObjectMeta; 2 spec core.NamespaceSpec; 3 status core.NamespaceStatus
core.NamespaceCondition
    1 type string; 2 status string; 4 lastTransitionTime meta.Time; 5 reason string; 6 message string
core.NamespaceSpec
    1 finalizers []string
core.NamespaceStatus
    1 phase string; 2 conditions []core.NamespaceCondition
core.NodeAffinity
    1 requiredDuringSchedulingIgnoredDuringExecution core.NodeSelector; 2
    preferredDuringSchedulingIgnoredDuringExecution []core.PreferredSchedulingTerm
core.NodeSelector
    1 nodeSelectorTerms []core.NodeSelectorTerm
core.NodeSelectorRequirement
    1 key string; 2 operator string; 3 values []string
core.NodeSelectorTerm
    1 matchExpressions []core.NodeSelectorRequirement; 2 matchFields []core.NodeSelectorRequirement
core.ObjectFieldSelector
    1 apiVersion string; 2 fieldPath string
core.ObjectReference
    1 kind string; 2 namespace string; 3 name string; 4 uid string; 5 apiVersion string; 6 resourceVersion
    string; 7 fieldPath string
core.PersistentVolumeClaim
    1 metadata meta.ObjectMeta; 2 spec core.PersistentVolumeClaimSpec; 3 status core.PersistentVolumeClaimStatus
core.PersistentVolumeClaimCondition
    1 type string; 2 status string; 3 lastProbeTime meta.Time; 4 lastTransitionTime meta.Time; 5 reason string;
    6 message string
core.PersistentVolumeClaimSpec
    1 accessModes []string; 4 selector meta.LabelSelector; 2 resources core.VolumeResourceRequirements; 3
    volumeName string; 5 storageClassName string; 6 volumeMode string; 7 dataSource
    core.TypedLocalObjectReference; 8 dataSourceRef core.TypedObjectReference; 9 volumeAttributesClassName
    string
core.PersistentVolumeClaimStatus
    1 phase string; 2 accessModes []string; 3 capacity map<string,resource.Quantity>; 4 conditions
    []core.PersistentVolumeClaimCondition; 5 allocatedResources map<string,resource.Quantity>; 7
    allocatedResourceStatuses map<string,string>; 8 currentVolumeAttributesClassName string; 9
    modifyVolumeStatus core.ModifyVolumeStatus
core.PersistentVolumeClaimTemplate
    1 metadata meta.ObjectMeta; 2 spec core.PersistentVolumeClaimSpec
core.PersistentVolumeClaimVolumeSource
    1 claimName string; 2 readOnly bool
core.PhotonPersistentDiskVolumeSource
    1 pdID string; 2 fsType string
core.Pod
    1 metadata meta.ObjectMeta; 2 spec core.PodSpec; 3 status core.PodStatus
core.PodAffinity
    1 requiredDuringSchedulingIgnoredDuringExecution []core.PodAffinityTerm; 2
    preferredDuringSchedulingIgnoredDuringExecution []core.WeightedPodAffinityTerm
core.PodAffinityTerm
    1 labelSelector meta.LabelSelector; 2 namespaces []string; 3 topologyKey string; 4 namespaceSelector
    meta.LabelSelector; 5 matchLabelKeys []string; 6 mismatchLabelKeys []string
core.PodAntiAffinity
    1 requiredDuringSchedulingIgnoredDuringExecution []core.PodAffinityTerm; 2
    preferredDuringSchedulingIgnoredDuringExecution []core.WeightedPodAffinityTerm
core.PodCondition
    1 type string; 2 status string; 3 lastProbeTime meta.Time; 4 lastTransitionTime meta.Time; 5 reason string;
    6 message string
core.PodDNSConfig
    1 nameservers []string; 2 searches []string; 3 options []core.PodDNSConfigOption
core.PodDNSConfigOption
    1 name string; 2 value string
core.PodIP
    1 ip string
core.PodOS
    1 name string
core.PodReadinessGate
    1 conditionType string
core.PodResourceClaim
    1 name string; 3 resourceClaimName string; 4 resourceClaimTemplateName string
core.PodResourceClaimStatus
    1 name string; 2 resourceClaimName string
core.PodSchedulingGate
    1 name string
core.PodSecurityContext
    1 seLinuxOptions core.SELinuxOptions; 8 windowsOptions core.WindowsSecurityContextOptions; 2 runAsUser
    int64; 6 runAsGroup int64; 3 runAsNonRoot bool; 4 supplementalGroups []int64; 12 supplementalGroupsPolicy
    string; 5 fsGroup int64; 7 sysctls []core.Sysctl; 9 fsGroupChangePolicy string; 10 seccompProfile
    core.SeccompProfile; 11 appArmorProfile core.AppArmorProfile; 13 seLinuxChangePolicy string
core.PodSpec
    1 volumes []core.Volume; 20 initContainers []core.Container; 2 containers []core.Container; 34
    ephemeralContainers []core.EphemeralContainer; 3 restartPolicy string; 4 terminationGracePeriodSeconds
    int64; 5 activeDeadlineSeconds int64; 6 dnsPolicy string; 7 nodeSelector map<string,string>; 8
    serviceAccountName string; 9 serviceAccount string; 21 automountServiceAccountToken bool; 10 nodeName
    string; 11 hostNetwork bool; 12 hostPID bool; 13 hostIPC bool; 27 shareProcessNamespace bool; 14
    securityContext core.PodSecurityContext; 15 imagePullSecrets []core.LocalObjectReference; 16 hostname
    string; 17 subdomain string; 18 affinity core.Affinity; 19 schedulerName string; 22 tolerations
    []core.Toleration; 23 hostAliases []core.HostAlias; 24 priorityClassName string; 25 priority int32; 26
    dnsConfig core.PodDNSConfig; 28 readinessGates []core.PodReadinessGate; 29 runtimeClassName string; 30
    enableServiceLinks bool; 31 preemptionPolicy string; 32 overhead map<string,resource.Quantity>; 33
    topologySpreadConstraints []core.TopologySpreadConstraint; 35 setHostnameAsFQDN bool; 36 os core.PodOS; 37
    hostUsers bool; 38 schedulingGates []core.PodSchedulingGate; 39 resourceClaims []core.PodResourceClaim; 40
    resources core.ResourceRequirements
core.PodStatus
    1 phase string; 2 conditions []core.PodCondition; 3 message string; 4 reason string; 11 nominatedNodeName
    string; 5 hostIP string; 16 hostIPs []core.HostIP; 6 podIP string; 12 podIPs []core.PodIP; 7 startTime
    meta.Time; 10 initContainerStatuses []core.ContainerStatus; 8 containerStatuses []core.ContainerStatus; 9
    qosClass string; 13 ephemeralContainerStatuses []core.ContainerStatus; 14 resize string; 15
    resourceClaimStatuses []core.PodResourceClaimStatus
core.PodTemplateSpec
    1 metadata meta.ObjectMeta; 2 spec core.PodSpec
core.PortStatus
    1 port int32; 2 protocol string; 3 error string
core.PortworxVolumeSource
    1 volumeID string; 2 fsType string; 3 readOnly bool
core.PreferredSchedulingTerm
    1 weight int32; 2 preference core.NodeSelectorTerm
core.Probe
    1 handler core.ProbeHandler; 2 initialDelaySeconds int32; 3 timeoutSeconds int32; 4 periodSeconds int32; 5
    successThreshold int32; 6 failureThreshold int32; 7 terminationGracePeriodSeconds int64
core.ProbeHandler
    1 exec core.ExecAction; 2 httpGet core.HTTPGetAction; 3 tcpSocket core.TCPSocketAction; 4 grpc
    core.GRPCAction
core.ProjectedVolumeSource
    1 sources []core.VolumeProjection; 2 defaultMode int32
core.QuobyteVolumeSource
    1 registry string; 2 volume string; 3 readOnly bool; 4 user string; 5 group string; 6 tenant string
core.RBDVolumeSource
    1 monitors []string; 2 image string; 3 fsType string; 4 pool string; 5 user string; 6 keyring string; 7
    secretRef core.LocalObjectReference; 8 readOnly bool
core.ResourceClaim
    1 name string; 2 request string
core.ResourceFieldSelector
    1 containerName string; 2 resource string; 3 divisor resource.Quantity
core.ResourceHealth
    1 resourceID string; 2 health string
core.ResourceQuota
    1 metadata meta.ObjectMeta; 2 spec core.ResourceQuotaSpec; 3 status core.ResourceQuotaStatus
core.ResourceQuotaSpec
    1 hard map<string,resource.Quantity>; 2 scopes []string; 3 scopeSelector core.ScopeSelector
core.ResourceQuotaStatus
    1 hard map<string,resource.Quantity>; 2 used map<string,resource.Quantity>
core.ResourceRequirements
    1 limits map<string,resource.Quantity>; 2 requests map<string,resource.Quantity>; 3 claims
    []core.ResourceClaim
core.ResourceStatus
    1 name string; 2 resources []core.ResourceHealth
core.SELinuxOptions
    1 user string; 2 role string; 3 type string; 4 level string
core.ScaleIOVolumeSource
    1 gateway string; 2 system string; 3 secretRef core.LocalObjectReference; 4 sslEnabled bool; 5
    protectionDomain string; 6 storagePool string; 7 storageMode string; 8 volumeName string; 9 fsType string;
    10 readOnly bool
core.ScopeSelector
    1 matchExpressions []core.ScopedResourceSelectorRequirement
core.ScopedResourceSelectorRequirement
    1 scopeName string; 2 operator string; 3 values []string
core.SeccompProfile
    1 type string; 2 localhostProfile string
core.Secret
    1 metadata meta.ObjectMeta; 5 immutable bool; 2 data map<string,bytes>; 4 stringData map<string,string>; 3
    type string
core.SecretEnvSource
    1 localObjectReference core.LocalObjectReference; 2 optional bool
core.SecretKeySelector
    1 localObjectReference core.LocalObjectReference; 2 key string; 3 optional bool
core.SecretProjection
    1 localObjectReference core.LocalObjectReference; 2 items []core.KeyToPath; 4 optional bool
core.SecretVolumeSource
    1 secretName string; 2 items []core.KeyToPath; 3 defaultMode int32; 4 optional bool
core.SecurityContext
    1 capabilities core.Capabilities; 2 privileged bool; 3 seLinuxOptions core.SELinuxOptions; 10 windowsOptions
    core.WindowsSecurityContextOptions; 4 runAsUser int64; 8 runAsGroup int64; 5 runAsNonRoot bool; 6
    readOnlyRootFilesystem bool; 7 allowPrivilegeEscalation bool; 9 procMount string; 11 seccompProfile
    core.SeccompProfile; 12 appArmorProfile core.AppArmorProfile
core.Service
    1 metadata meta.ObjectMeta; 2 spec core.ServiceSpec; 3 status core.ServiceStatus
core.ServiceAccount
    1 metadata meta.ObjectMeta; 2 secrets []core.ObjectReference; 3 imagePullSecrets
    []core.LocalObjectReference; 4 automountServiceAccountToken bool
core.ServiceAccountTokenProjection
    1 audience string; 2 expirationSeconds int64; 3 path string
core.ServicePort
    1 name string; 2 protocol string; 6 appProtocol string; 3 port int32; 4 targetPort intstr.IntOrString; 5
    nodePort int32
core.ServiceSpec
    1 ports []core.ServicePort; 2 selector map<string,string>; 3 clusterIP string; 18 clusterIPs []string; 4
    type string; 5 externalIPs []string; 7 sessionAffinity string; 8 loadBalancerIP string; 9
    loadBalancerSourceRanges []string; 10 externalName string; 11 externalTrafficPolicy string; 12
    healthCheckNodePort int32; 13 publishNotReadyAddresses bool; 14 sessionAffinityConfig
    core.SessionAffinityConfig; 19 ipFamilies []string; 17 ipFamilyPolicy string; 20
    allocateLoadBalancerNodePorts bool; 21 loadBalancerClass string; 22 internalTrafficPolicy string; 23
    trafficDistribution string
core.ServiceStatus
    1 loadBalancer core.LoadBalancerStatus; 2 conditions []meta.Condition
core.SessionAffinityConfig
    1 clientIP core.ClientIPConfig
core.SleepAction
    1 seconds int64
core.StorageOSVolumeSource
    1 volumeName string; 2 volumeNamespace string; 3 fsType string; 4 readOnly bool; 5 secretRef
    core.LocalObjectReference
core.Sysctl
    1 name string; 2 value string
core.TCPSocketAction
    1 port intstr.IntOrString; 2 host string
core.Toleration
    1 key string; 2 operator string; 3 value string; 4 effect string; 5 tolerationSeconds int64
core.TopologySpreadConstraint
    1 maxSkew int32; 2 topologyKey string; 3 whenUnsatisfiable string; 4 labelSelector meta.LabelSelector; 5
    minDomains int32; 6 nodeAffinityPolicy string; 7 nodeTaintsPolicy string; 8 matchLabelKeys []string
core.TypedLocalObjectReference
    1 apiGroup string; 2 kind string; 3 name string
core.TypedObjectReference
    1 apiGroup string; 2 kind string; 3 name string; 4 namespace string
core.Volume
    1 name string; 2 volumeSource core.VolumeSource
core.VolumeDevice
    1 name string; 2 devicePath string
core.VolumeMount
    1 name string; 2 readOnly bool; 7 recursiveReadOnly string; 3 mountPath string; 4 subPath string; 5
    mountPropagation string; 6 subPathExpr string
core.VolumeMountStatus
    1 name string; 2 mountPath string; 3 readOnly bool; 4 recursiveReadOnly string
core.VolumeProjection
    1 secret core.SecretProjection; 2 downwardAPI core.DownwardAPIProjection; 3 configMap
    core.ConfigMapProjection; 4 serviceAccountToken core.ServiceAccountTokenProjection; 5 clusterTrustBundle
    core.ClusterTrustBundleProjection
core.VolumeResourceRequirements
    1 limits map<string,resource.Quantity>; 2 requests map<string,resource.Quantity>
core.VolumeSource
    1 hostPath core.HostPathVolumeSource; 2 emptyDir core.EmptyDirVolumeSource; 3 gcePersistentDisk
    core.GCEPersistentDiskVolumeSource; 4 awsElasticBlockStore core.AWSElasticBlockStoreVolumeSource; 5 gitRepo
    core.GitRepoVolumeSource; 6 secret core.SecretVolumeSource; 7 nfs core.NFSVolumeSource; 8 iscsi
    core.ISCSIVolumeSource; 9 glusterfs core.GlusterfsVolumeSource; 10 persistentVolumeClaim
    core.PersistentVolumeClaimVolumeSource; 11 rbd core.RBDVolumeSource; 12 flexVolume core.FlexVolumeSource; 13
    cinder core.CinderVolumeSource; 14 cephfs core.CephFSVolumeSource; 15 flocker core.FlockerVolumeSource; 16
    downwardAPI core.DownwardAPIVolumeSource; 17 fc core.FCVolumeSource; 18 azureFile
    core.AzureFileVolumeSource; 19 configMap core.ConfigMapVolumeSource; 20 vsphereVolume
    core.VsphereVirtualDiskVolumeSource; 21 quobyte core.QuobyteVolumeSource; 22 azureDisk
    core.AzureDiskVolumeSource; 23 photonPersistentDisk core.PhotonPersistentDiskVolumeSource; 26 projected
    core.ProjectedVolumeSource; 24 portworxVolume core.PortworxVolumeSource; 25 scaleIO
    core.ScaleIOVolumeSource; 27 storageos core.StorageOSVolumeSource; 28 csi core.CSIVolumeSource; 29 ephemeral
    core.EphemeralVolumeSource; 30 image core.ImageVolumeSource
core.VsphereVirtualDiskVolumeSource
    1 volumePath string; 2 fsType string; 3 storagePolicyName string; 4 storagePolicyID string
core.WeightedPodAffinityTerm
    1 weight int32; 2 podAffinityTerm core.PodAffinityTerm
core.WindowsSecurityContextOptions
    1 gmsaCredentialSpecName string; 2 gmsaCredentialSpec string; 3 runAsUserName string; 4 hostProcess bool
meta.Condition
    1 type string; 2 status string; 3 observedGeneration int64; 4 lastTransitionTime meta.Time; 5 reason string;
    6 message string
meta.DeleteOptions
    1 gracePeriodSeconds int64; 2 preconditions meta.Preconditions; 3 orphanDependents bool; 4 propagationPolicy
    string; 5 dryRun []string; 6 ignoreStoreReadErrorWithClusterBreakingPotential bool
meta.FieldSelectorRequirement
    1 key string; 2 operator string; 3 values []string
meta.LabelSelector
    1 matchLabels map<string,string>; 2 matchExpressions []meta.LabelSelectorRequirement
meta.LabelSelectorRequirement
    1 key string; 2 operator string; 3 values []string
meta.ManagedFieldsEntry
    1 manager string; 2 operation string; 3 apiVersion string; 4 time meta.Time; 6 fieldsType string; 7 fieldsV1
    meta.FieldsV1; 8 subresource string
meta.ObjectMeta
    1 name string; 2 generateName string; 3 namespace string; 4 selfLink string; 5 uid string; 6 resourceVersion
    string; 7 generation int64; 8 creationTimestamp meta.Time; 9 deletionTimestamp meta.Time; 10
    deletionGracePeriodSeconds int64; 11 labels map<string,string>; 12 annotations map<string,string>; 13
    ownerReferences []meta.OwnerReference; 14 finalizers []string; 17 managedFields []meta.ManagedFieldsEntry
meta.OwnerReference
    5 apiVersion string; 1 kind string; 3 name string; 4 uid string; 6 controller bool; 7 blockOwnerDeletion
    bool
meta.Preconditions
    1 uid string; 2 resourceVersion string
policy.Eviction
    1 metadata meta.ObjectMeta; 2 deleteOptions meta.DeleteOptions
policy.PodDisruptionBudget
    1 metadata meta.ObjectMeta; 2 spec policy.PodDisruptionBudgetSpec; 3 status policy.PodDisruptionBudgetStatus
policy.PodDisruptionBudgetSpec
    1 minAvailable intstr.IntOrString; 2 selector meta.LabelSelector; 3 maxUnavailable intstr.IntOrString; 4
    unhealthyPodEvictionPolicy string
policy.PodDisruptionBudgetStatus
    1 observedGeneration int64; 2 disruptedPods map<string,meta.Time>; 3 disruptionsAllowed int32; 4
    currentHealthy int32; 5 desiredHealthy int32; 6 expectedPods int32; 7 conditions []meta.Condition
rbac.AggregationRule
    1 clusterRoleSelectors []meta.LabelSelector
rbac.ClusterRole
    1 metadata meta.ObjectMeta; 2 rules []rbac.PolicyRule; 3 aggregationRule rbac.AggregationRule
rbac.ClusterRoleBinding
    1 metadata meta.ObjectMeta; 2 subjects []rbac.Subject; 3 roleRef rbac.RoleRef
rbac.PolicyRule
    1 verbs []string; 2 apiGroups []string; 3 resources []string; 4 resourceNames []string; 5 nonResourceURLs
    []string
rbac.Role
    1 metadata meta.ObjectMeta; 2 rules []rbac.PolicyRule
rbac.RoleBinding
    1 metadata meta.ObjectMeta; 2 subjects []rbac.Subject; 3 roleRef rbac.RoleRef
rbac.RoleRef
    1 apiGroup string; 2 kind string; 3 name string
rbac.Subject
    1 kind string; 2 apiGroup string; 3 name string; 4 namespace string
scheduling.PriorityClass
    1 metadata meta.ObjectMeta; 2 value int32; 3 globalDefault bool; 4 description string; 5 preemptionPolicy
    string
"""


class ProtobufError(ValueError):
    """A protobuf body that cannot be decoded; the API server answers 400 BadRequest with its text."""


_SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "double", "float"}
_WELL_KNOWN = {"meta.Time", "meta.MicroTime", "meta.Duration", "resource.Quantity", "intstr.IntOrString",
               "runtime.RawExtension", "meta.FieldsV1"}


def _parse_schema(text: str) -> dict[str, list[tuple[int, str, str]]]:
    out: dict[str, list[tuple[int, str, str]]] = {}
    name, body = "", []
    for line in text.strip().splitlines() + [""]:
        if line.startswith("    "):
            body.append(line.strip())
            continue
        if name:
            fields = []
            for f in " ".join(body).split("; "):
                num, fname, typ = f.split()
                fields.append((int(num), fname, typ))
            out[name] = fields
        name, body = line.strip(), []
    return out


#: message → {field number: (json name, type)}, and message → field order.
MESSAGES: dict[str, dict[int, tuple[str, str]]] = {}
_ORDER: dict[str, list[str]] = {}
for _m, _fs in _parse_schema(SCHEMA).items():
    MESSAGES[_m] = {n: (JSON_NAMES.get((_m, f), f), t) for n, f, t in _fs}
    _ORDER[_m] = [JSON_NAMES.get((_m, f), f) for _, f, _t in _fs]

_NULLS: dict[str, list[str]] = {}
for _f in NULL_WHEN_EMPTY:
    _NULLS.setdefault(_f.rsplit(".", 1)[0], []).append(_f.rsplit(".", 1)[1])

_WIRE_OF = {"string": 2, "bytes": 2, "bool": 0, "int32": 0, "int64": 0, "uint32": 0, "uint64": 0, "double": 1,
            "float": 5}


# ---------------------------------------------------------------- the wire
def _varint(b: bytes, i: int) -> tuple[int, int]:
    """A base-128 varint at ``b[i:]`` → (value, next index)."""
    shift = result = 0
    while True:
        if i >= len(b):
            raise ProtobufError("unexpected EOF")
        c = b[i]
        i += 1
        result |= (c & 0x7F) << shift
        if not c & 0x80:
            return result, i
        shift += 7
        if shift >= 64:
            raise ProtobufError("proto: integer overflow")


def read_fields(b: bytes) -> list[tuple[int, int, Any]]:
    """The (field number, wire type, value) triples of one message, in wire order.

    Varints are ints; length-delimited, 64-bit and 32-bit values are their bytes.
    Errors use gogo-protobuf's generated ``Unmarshal`` wording.
    """
    out: list[tuple[int, int, Any]] = []
    i = 0
    while i < len(b):
        key, i = _varint(b, i)
        num, wt = key >> 3, key & 7
        if num <= 0:
            raise ProtobufError(f"proto: illegal tag {num} (wire type {wt})")
        if wt == 0:
            v, i = _varint(b, i)
        elif wt == 2:
            n, i = _varint(b, i)
            if i + n > len(b):
                raise ProtobufError("unexpected EOF")
            v, i = b[i:i + n], i + n
        elif wt in (1, 5):
            size = 8 if wt == 1 else 4
            if i + size > len(b):
                raise ProtobufError("unexpected EOF")
            v, i = b[i:i + size], i + size
        else:
            raise ProtobufError(f"proto: illegal wireType {wt}")
        out.append((num, wt, v))
    return out


def fields_by_number(b: bytes) -> dict[int, list]:
    """``read_fields`` grouped by field number (values only)."""
    out: dict[int, list] = {}
    for num, _wt, v in read_fields(b):
        out.setdefault(num, []).append(v)
    return out


# ---------------------------------------------------------------- values
def _signed(v: int, bits: int) -> int:
    v &= (1 << 64) - 1
    if v >= 1 << 63:
        v -= 1 << 64
    if bits == 32:
        v = (v + (1 << 31)) % (1 << 32) - (1 << 31)
    return v


def _go_duration(ns: int) -> str:
    """time.Duration.String(): ``1h2m3.5s``, ``150ms``, ``0s``."""
    if ns == 0:
        return "0s"
    sign, ns = ("-", -ns) if ns < 0 else ("", ns)
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size:
                return sign + f"{ns / size:.9f}".rstrip("0").rstrip(".") + unit
    h, rem = divmod(ns, 3600 * 10**9)
    m, rem = divmod(rem, 60 * 10**9)
    s = f"{rem / 10**9:.9f}".rstrip("0").rstrip(".") + "s"
    return sign + (f"{h}h" if h else "") + (f"{m}m" if h or m else "") + s


def _unix(seconds: int, nanos: int) -> _dt.datetime:
    return _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc) + _dt.timedelta(seconds=seconds,
                                                                             microseconds=nanos // 1000)


def _well_known(msg: str, raw: bytes, where: str) -> Any:
    f = fields_by_number(raw)

    def last(n: int, default: Any) -> Any:
        return f[n][-1] if n in f else default

    try:
        if msg in ("meta.Time", "meta.MicroTime"):
            # upstream: apimachinery/pkg/apis/meta/v1/time_proto.go, micro_time_proto.go
            sec, nanos = _signed(last(1, 0), 64), _signed(last(2, 0), 32)
            if sec == 0 and nanos == 0:
                return None
            t = _unix(sec, nanos)
            return t.strftime("%Y-%m-%dT%H:%M:%SZ" if msg == "meta.Time" else "%Y-%m-%dT%H:%M:%S.%fZ")
        if msg == "meta.Duration":
            return _go_duration(_signed(last(1, 0), 64))
        if msg == "resource.Quantity":
            return last(1, b"").decode("utf-8", "replace")
        if msg == "intstr.IntOrString":
            # upstream: apimachinery/pkg/util/intstr/intstr.go (Type 0 = Int, 1 = String)
            return _signed(last(2, 0), 32) if last(1, 0) == 0 else last(3, b"").decode("utf-8", "replace")
        # runtime.RawExtension {1 raw}, meta.FieldsV1 {1 Raw}: JSON text
        data = last(1, b"")
        return json.loads(data) if data else None
    except (TypeError, AttributeError, ValueError) as e:
        if isinstance(e, ProtobufError):
            raise
        raise ProtobufError(f"proto: cannot decode {msg.split('.')[1]} at {where}: {e}") from None


class _Decoder:
    def __init__(self, kind: str):
        self.kind = kind

    def message(self, msg: str, raw: bytes, where: str) -> dict:
        table = MESSAGES[msg]
        out: dict[str, Any] = {}
        for num, wt, v in read_fields(raw):
            spec = table.get(num)
            if spec is None:
                raise ProtobufError(f"the {self.kind} in the body of the request has a field that k8slab does not "
                                    f"know: field number {num} (wire type {wt}) of {msg.split('.')[1]} at "
                                    f"{where or '<root>'}")
            name, typ = spec
            path = f"{where}.{name}" if where else name
            if typ.startswith("map<"):
                key_t, val_t = typ[4:-1].split(",")
                if wt != 2:
                    self._wrong(wt, path)
                k, val = self._map_entry(key_t, val_t, v, path)
                out.setdefault(name, {})[k] = val
            elif typ.startswith("[]"):
                el = typ[2:]
                lst = out.setdefault(name, [])
                if el in _SCALARS and wt == 2 and _WIRE_OF[el] != 2:
                    lst.extend(self._packed(el, v, path))
                else:
                    lst.append(self.value(el, wt, v, path))
            else:
                val = self.value(typ, wt, v, path)
                if typ in _SCALARS and val in ("", 0, False) and not isinstance(val, float) \
                        and f"{msg}.{name}" not in KEEP_ZERO:
                    out.pop(name, None)
                    continue
                out[name] = val
        for name in _NULLS.get(msg, ()):
            out.setdefault(name, None)
        order = _ORDER[msg]
        return {k: out[k] for k in order if k in out}

    def _wrong(self, wt: int, path: str) -> None:
        raise ProtobufError(f"proto: wrong wireType = {wt} for field {path} of the {self.kind}")

    def _packed(self, el: str, data: bytes, path: str) -> list:
        out, i = [], 0
        while i < len(data):
            if el in ("double", "float"):
                size = 8 if el == "double" else 4
                if i + size > len(data):
                    raise ProtobufError("unexpected EOF")
                out.append(self.value(el, _WIRE_OF[el], data[i:i + size], path))
                i += size
            else:
                v, i = _varint(data, i)
                out.append(self.value(el, 0, v, path))
        return out

    def _map_entry(self, key_t: str, val_t: str, raw: bytes, path: str) -> tuple[str, Any]:
        key: Any = ""
        val: Any = None
        for num, wt, v in read_fields(raw):
            if num == 1:
                key = self.value(key_t, wt, v, path)
            elif num == 2:
                val = self.value(val_t, wt, v, f"{path}[{key}]")
            else:
                raise ProtobufError(f"the {self.kind} in the body of the request has a field that k8slab does not "
                                    f"know: field number {num} (wire type {wt}) of a map entry at {path}")
        if val is None:  # absent value: the type's zero
            val = {"string": "", "bytes": ""}.get(val_t, {} if val_t in MESSAGES else None)
            if val_t == "resource.Quantity":
                val = ""
        return key, val

    def value(self, typ: str, wt: int, v: Any, path: str) -> Any:
        if typ in _SCALARS:
            if wt != _WIRE_OF[typ]:
                self._wrong(wt, path)
            if typ == "string":
                return v.decode("utf-8", "replace")
            if typ == "bytes":
                return base64.b64encode(v).decode()
            if typ == "bool":
                return v != 0
            if typ == "int32":
                return _signed(v, 32)
            if typ == "int64":
                return _signed(v, 64)
            if typ in ("uint32", "uint64"):
                return v & ((1 << (32 if typ == "uint32" else 64)) - 1)
            return struct.unpack("<d" if typ == "double" else "<f", v)[0]
        if wt != 2:
            self._wrong(wt, path)
        if typ in _WELL_KNOWN:
            return _well_known(typ, v, path)
        return self.message(typ, v, path)


# ---------------------------------------------------------------- entry points
def unwrap(body: bytes) -> tuple[str, str, bytes]:
    """The envelope: ``k8s\\x00`` + runtime.Unknown → (apiVersion, kind, raw)."""
    if not body.startswith(MAGIC):
        raise ProtobufError("provided data does not appear to be a protobuf message, expected prefix "
                            "[" + " ".join(str(c) for c in MAGIC) + "]")
    unknown = read_fields(body[len(MAGIC):])
    api_version = kind = ""
    raw = b""
    for num, wt, v in unknown:
        if num in (1, 2, 3, 4) and wt != 2:
            field = ("TypeMeta", "Raw", "ContentEncoding", "ContentType")[num - 1]
            raise ProtobufError(f"proto: wrong wireType = {wt} for field {field}")
        if num == 1:
            for n2, wt2, v2 in read_fields(v):
                if n2 in (1, 2) and wt2 != 2:
                    raise ProtobufError(f"proto: wrong wireType = {wt2} for field {('APIVersion', 'Kind')[n2 - 1]}")
                if n2 == 1:
                    api_version = v2.decode("utf-8", "replace")
                elif n2 == 2:
                    kind = v2.decode("utf-8", "replace")
        elif num == 2:
            raw = v
        elif num == 3 and v:
            raise ProtobufError(f"unsupported contentEncoding {v.decode('utf-8', 'replace')!r} in the protobuf "
                                f"envelope")
    return api_version, kind, raw


def decode(body: bytes) -> dict:
    """A ``application/vnd.kubernetes.protobuf`` body → the object as Kubernetes' JSON prints it.

    Raises :class:`ProtobufError` (→ 400 BadRequest) for a bad magic, a truncated or malformed
    message, a wrong wire type, an unknown field number, or a kind without a table.
    """
    api_version, kind, raw = unwrap(body)
    if not kind:
        raise ProtobufError("Object 'Kind' is missing in the protobuf envelope")
    msg = KINDS.get((api_version, kind))
    if msg is None:
        raise ProtobufError(f'k8slab cannot decode a protobuf {kind} (apiVersion "{api_version}"): no field '
                            f'table for that kind; send it as application/json')
    obj = _Decoder(kind).message(msg, raw, "")
    return {"apiVersion": api_version, "kind": kind, **obj}


def encode_unknown(api_version: str, kind: str, raw: bytes) -> bytes:
    """``k8s\\x00`` + runtime.Unknown around ``raw`` (the inverse of :func:`unwrap`; for tests and tools)."""
    def ld(n: int, b: bytes) -> bytes:
        return _key(n, 2) + _uvarint(len(b)) + b
    return MAGIC + ld(1, ld(1, api_version.encode()) + ld(2, kind.encode())) + ld(2, raw)


def _uvarint(n: int) -> bytes:
    out = bytearray()
    while True:
        c = n & 0x7F
        n >>= 7
        if n:
            out.append(c | 0x80)
        else:
            out.append(c)
            return bytes(out)


def _key(num: int, wt: int) -> bytes:
    return _uvarint(num << 3 | wt)
