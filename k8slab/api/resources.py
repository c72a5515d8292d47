"""The resource registry: which kinds the API serves, under which group, version and plural.

upstream: the discovery documents of a v1.32 kube-apiserver (``kubectl api-resources``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ResourceInfo:
    """One served resource: ``pods`` in group ``""`` version ``v1``, kind ``Pod``, namespaced."""

    plural: str
    singular: str
    kind: str
    group: str
    version: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
    subresources: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_resource(self) -> str:
        """``deployments.apps`` or ``pods``."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def list_kind(self) -> str:
        return self.kind + "List"


RESOURCES: list[ResourceInfo] = [
    ResourceInfo("namespaces", "namespace", "Namespace", "", "v1", False, ("ns",),
                 verbs=("create", "delete", "get", "list", "patch", "update", "watch"), subresources=("status", "finalize")),
    ResourceInfo("nodes", "node", "Node", "", "v1", False, ("no",), subresources=("status",)),
    ResourceInfo("pods", "pod", "Pod", "", "v1", True, ("po",), ("all",), subresources=("status", "binding", "log", "exec", "eviction")),
    ResourceInfo("events", "event", "Event", "", "v1", True, ("ev",)),
    ResourceInfo("replicasets", "replicaset", "ReplicaSet", "apps", "v1", True, ("rs",), ("all",),
                 subresources=("status", "scale")),
    ResourceInfo("deployments", "deployment", "Deployment", "apps", "v1", True, ("deploy",), ("all",),
                 subresources=("status", "scale")),
    ResourceInfo("leases", "lease", "Lease", "coordination.k8s.io", "v1", True),
    ResourceInfo("configmaps", "configmap", "ConfigMap", "", "v1", True, ("cm",)),
    ResourceInfo("secrets", "secret", "Secret", "", "v1", True),
    ResourceInfo("serviceaccounts", "serviceaccount", "ServiceAccount", "", "v1", True, ("sa",),
                 subresources=("token",)),
    ResourceInfo("services", "service", "Service", "", "v1", True, ("svc",), ("all",), subresources=("status", "proxy")),
    ResourceInfo("endpoints", "endpoints", "Endpoints", "", "v1", True, ("ep",)),
    ResourceInfo("endpointslices", "endpointslice", "EndpointSlice", "discovery.k8s.io", "v1", True),
    ResourceInfo("limitranges", "limitrange", "LimitRange", "", "v1", True, ("limits",)),
    ResourceInfo("resourcequotas", "resourcequota", "ResourceQuota", "", "v1", True, ("quota",),
                 subresources=("status",)),
    ResourceInfo("daemonsets", "daemonset", "DaemonSet", "apps", "v1", True, ("ds",), ("all",),
                 subresources=("status",)),
    ResourceInfo("statefulsets", "statefulset", "StatefulSet", "apps", "v1", True, ("sts",), ("all",),
                 subresources=("status", "scale")),
    ResourceInfo("controllerrevisions", "controllerrevision", "ControllerRevision", "apps", "v1", True),
    ResourceInfo("jobs", "job", "Job", "batch", "v1", True, (), ("all",), subresources=("status",)),
    ResourceInfo("cronjobs", "cronjob", "CronJob", "batch", "v1", True, ("cj",), ("all",), subresources=("status",)),
    ResourceInfo("horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", "autoscaling", "v2",
                 True, ("hpa",), ("all",), subresources=("status",)),
    ResourceInfo("poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", "policy", "v1", True, ("pdb",),
                 subresources=("status",)),
    ResourceInfo("priorityclasses", "priorityclass", "PriorityClass", "scheduling.k8s.io", "v1", False, ("pc",)),
    ResourceInfo("roles", "role", "Role", "rbac.authorization.k8s.io", "v1", True),
    ResourceInfo("rolebindings", "rolebinding", "RoleBinding", "rbac.authorization.k8s.io", "v1", True),
    ResourceInfo("clusterroles", "clusterrole", "ClusterRole", "rbac.authorization.k8s.io", "v1", False),
    ResourceInfo("clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", "rbac.authorization.k8s.io", "v1",
                 False),
]

_BY_KIND = {(r.group, r.kind): r for r in RESOURCES}
_BY_PLURAL = {(r.group, r.plural): r for r in RESOURCES}


def for_kind(api_version: str, kind: str) -> ResourceInfo | None:
    """The resource for an object's ``apiVersion`` and ``kind``, or None when not served."""
    group, _, version = api_version.rpartition("/")
    r = _BY_KIND.get((group, kind))
    if r is None or r.version != version:
        return None
    return r


def for_plural(plural: str, group: str | None = None) -> ResourceInfo | None:
    """Look up by plural (and group, when given)."""
    if group is not None:
        return _BY_PLURAL.get((group, plural))
    for r in RESOURCES:
        if r.plural == plural:
            return r
    return None


def resolve(name: str) -> ResourceInfo | None:
    """Resolve what a user types (``po``, ``pod``, ``pods``, ``deployments.apps``, ``Deployment``)."""
    n = name.lower()
    plural, _, group = n.partition(".")
    for r in RESOURCES:
        if group and r.group != group:
            continue
        if plural in (r.plural, r.singular, r.kind.lower()) or plural in r.short_names:
            return r
    return None
