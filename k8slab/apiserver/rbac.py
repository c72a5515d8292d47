"""RBAC authorization: Role, ClusterRole, RoleBinding, ClusterRoleBinding.

upstream: plugin/pkg/auth/authorizer/rbac/rbac.go (``Authorize``: ClusterRoleBindings
first, then the RoleBindings of the request's namespace; the first rule that allows wins,
there is no deny) and staging/src/k8s.io/component-helpers/auth/rbac/validation/
policy_comparator.go + pkg/apis/rbac/v1/evaluation_helpers.go (``VerbMatches``,
``APIGroupMatches``, ``ResourceMatches`` with ``*``, ``pods/*`` and ``*/scale``,
``ResourceNameMatches``, ``NonResourceURLMatches`` with a trailing ``*``). The default
cluster roles come from plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go; upstream
builds admin/edit/view by aggregation, here their aggregated rules are written out
(restricted to the resources k8slab serves plus upstream's other core names).

Forbidden messages: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/
errors.go ``ForbiddenStatusError``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..api import errors
from ..etcd.mvcc import prefix_end
from .authn import UserInfo

READ = ["get", "list", "watch"]
READ_WRITE = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
WRITE = ["create", "delete", "deletecollection", "patch", "update"]


def _rule(verbs, groups, resources, names=None) -> dict:
    r = {"verbs": list(verbs), "apiGroups": list(groups), "resources": list(resources)}
    if names:
        r["resourceNames"] = list(names)
    return r


def _nonres(verbs, urls) -> dict:
    return {"verbs": list(verbs), "nonResourceURLs": list(urls)}


# upstream policy.go ClusterRoles(): the aggregate-to-view / -edit / -admin rules
_VIEW = [
    _rule(READ, [""], ["pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
                       "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
                       "configmaps"]),
    _rule(READ, [""], ["limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status",
                       "namespaces/status", "replicationcontrollers/status", "pods/log"]),
    _rule(READ, [""], ["namespaces"]),
    _rule(READ, ["discovery.k8s.io"], ["endpointslices"]),
    _rule(READ, ["apps"], ["controllerrevisions", "statefulsets", "statefulsets/scale", "statefulsets/status",
                           "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
                           "replicasets", "replicasets/scale", "replicasets/status"]),
    _rule(READ, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
    _rule(READ, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
    _rule(READ, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
    _rule(READ, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
]
_EDIT = [
    _rule(READ, [""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"]),
    _rule(["impersonate"], [""], ["serviceaccounts"]),
    _rule(WRITE, [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
    _rule(["create"], [""], ["pods/eviction"]),
    _rule(WRITE, [""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
                        "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"]),
    _rule(["create"], [""], ["serviceaccounts/token"]),
    _rule(WRITE, ["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
                            "replicasets/scale", "statefulsets", "statefulsets/scale"]),
    _rule(WRITE, ["autoscaling"], ["horizontalpodautoscalers"]),
    _rule(WRITE, ["batch"], ["cronjobs", "jobs"]),
    _rule(WRITE, ["policy"], ["poddisruptionbudgets"]),
    _rule(WRITE, ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
    _rule(READ_WRITE, ["coordination.k8s.io"], ["leases"]),
]
_ADMIN = [
    _rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
    _rule(READ_WRITE, ["rbac.authorization.k8s.io"], ["rolebindings", "roles"]),
]

DEFAULT_CLUSTER_ROLES: dict[str, list[dict]] = {
    "cluster-admin": [_rule(["*"], ["*"], ["*"]), _nonres(["*"], ["*"])],
    "admin": _VIEW + _EDIT + _ADMIN,
    "edit": _VIEW + _EDIT,
    "view": list(_VIEW),
    "system:basic-user": [_rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews",
                                                                        "selfsubjectrulesreviews"]),
                          _rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"])],
    "system:discovery": [_nonres(["get"], ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
                                           "/openapi/*", "/readyz", "/version", "/version/"])],
    "system:public-info-viewer": [_nonres(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/"])],
}

#: upstream ClusterRoleBindings(): name -> (role, subjects)
DEFAULT_CLUSTER_ROLE_BINDINGS: dict[str, list[dict]] = {
    "cluster-admin": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "system:masters"}],
    "system:basic-user": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "system:authenticated"}],
    "system:discovery": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "system:authenticated"}],
    "system:public-info-viewer": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io",
                                   "name": "system:authenticated"},
                                  {"kind": "Group", "apiGroup": "rbac.authorization.k8s.io",
                                   "name": "system:unauthenticated"}],
}


def default_objects() -> list[dict]:
    """The bootstrap ClusterRoles and ClusterRoleBindings as API objects."""
    out = []
    for name, rules in DEFAULT_CLUSTER_ROLES.items():
        out.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                    "metadata": {"name": name, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
                                 "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}},
                    "rules": rules})
    for name, subjects in DEFAULT_CLUSTER_ROLE_BINDINGS.items():
        out.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                    "metadata": {"name": name, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
                                 "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
                    "subjects": subjects})
    return out


@dataclass
class Attributes:
    """authorizer.Attributes: what a request wants to do."""

    user: UserInfo
    verb: str
    resource: str = ""
    api_group: str = ""
    namespace: str = ""
    name: str = ""
    subresource: str = ""
    path: str = ""
    resource_request: bool = True


# ---------------------------------------------------------------- matching (evaluation_helpers.go)
def verb_matches(rule: dict, verb: str) -> bool:
    vs = rule.get("verbs") or []
    return "*" in vs or verb in vs


def api_group_matches(rule: dict, group: str) -> bool:
    gs = rule.get("apiGroups") or []
    return "*" in gs or group in gs


def resource_matches(rule: dict, combined: str, subresource: str) -> bool:
    for r in rule.get("resources") or []:
        if r == "*" or r == combined:
            return True
        if not subresource:
            continue
        # "*/scale" matches any resource's scale subresource
        if len(r) == len(subresource) + 2 and r.startswith("*/") and r.endswith(subresource):
            return True
        # "pods/*" matches every subresource of pods
        if r.endswith("/*") and combined.startswith(r[:-1]):
            return True
    return False


def resource_name_matches(rule: dict, name: str) -> bool:
    names = rule.get("resourceNames") or []
    if not names:
        return True
    return name in names


def non_resource_url_matches(rule: dict, path: str) -> bool:
    for u in rule.get("nonResourceURLs") or []:
        if u == "*" or u == path or (u.endswith("*") and path.startswith(u[:-1])):
            return True
    return False


def rule_allows(a: Attributes, rule: dict) -> bool:
    if a.resource_request:
        combined = a.resource + ("/" + a.subresource if a.subresource else "")
        return (verb_matches(rule, a.verb) and api_group_matches(rule, a.api_group)
                and resource_matches(rule, combined, a.subresource) and resource_name_matches(rule, a.name))
    return verb_matches(rule, a.verb) and non_resource_url_matches(rule, a.path)


def applies_to(user: UserInfo, subject: dict, binding_namespace: str) -> bool:
    """upstream rbac.go appliesToUser."""
    kind, name = subject.get("kind"), subject.get("name", "")
    if kind == "User":
        return user.name == name
    if kind == "Group":
        return name in user.groups
    if kind == "ServiceAccount":
        ns = subject.get("namespace") or binding_namespace
        return user.name == f"system:serviceaccount:{ns}:{name}"
    return False


class RBACAuthorizer:
    """Reads RBAC objects straight from the API server's store (as upstream's informers would).

    ClusterRoles that are not stored fall back to the bootstrap defaults above, so an
    in-process cluster that never served HTTP still knows admin/edit/view.
    """

    def __init__(self, server):
        self.server = server

    def _objects(self, plural: str, namespace: str | None = None) -> list[dict]:
        from ..api import resources as res

        ri = res.for_plural(plural, "rbac.authorization.k8s.io")
        prefix = self.server.key(ri, namespace) if namespace else self.server.key(ri, None)
        kvs, _, _ = self.server.store.range(prefix, prefix_end(prefix))
        return [json.loads(kv.value) for kv in kvs]

    def _role_rules(self, kind: str, name: str, namespace: str) -> list[dict] | None:
        if kind == "ClusterRole":
            for cr in self._objects("clusterroles"):
                if cr["metadata"]["name"] == name:
                    return cr.get("rules") or []
            return DEFAULT_CLUSTER_ROLES.get(name)
        for r in self._objects("roles", namespace):
            if r["metadata"]["name"] == name:
                return r.get("rules") or []
        return None

    def _bindings(self) -> list[tuple[dict, str]]:
        out = []
        crbs = {b["metadata"]["name"]: b for b in self._objects("clusterrolebindings")}
        for name, subjects in DEFAULT_CLUSTER_ROLE_BINDINGS.items():
            crbs.setdefault(name, {"kind": "ClusterRoleBinding", "metadata": {"name": name},
                                   "roleRef": {"kind": "ClusterRole", "name": name}, "subjects": subjects})
        for b in crbs.values():
            out.append((b, ""))
        return out

    def authorize(self, a: Attributes) -> tuple[bool, str]:
        """(allowed, reason): the reason names the binding and role that allowed it, as upstream's
        ``RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group "z"``."""
        for b, _ in self._bindings():
            rr = b.get("roleRef") or {}
            for s in b.get("subjects") or []:
                if not applies_to(a.user, s, ""):
                    continue
                rules = self._role_rules("ClusterRole", rr.get("name", ""), "") or []
                if any(rule_allows(a, r) for r in rules):
                    return True, (f'RBAC: allowed by ClusterRoleBinding "{b["metadata"]["name"]}" of ClusterRole '
                                  f'"{rr.get("name")}" to {s.get("kind")} "{s.get("name")}"')
        if a.namespace and a.resource_request:
            for b in self._objects("rolebindings", a.namespace):
                rr = b.get("roleRef") or {}
                for s in b.get("subjects") or []:
                    if not applies_to(a.user, s, a.namespace):
                        continue
                    rules = self._role_rules(rr.get("kind", ""), rr.get("name", ""), a.namespace) or []
                    if any(rule_allows(a, r) for r in rules):
                        return True, (f'RBAC: allowed by RoleBinding "{b["metadata"]["name"]}/{a.namespace}" of '
                                      f'{rr.get("kind")} "{rr.get("name")}" to {s.get("kind")} "{s.get("name")}"')
        return False, ""


def forbidden_message(a: Attributes, reason: str = "") -> str:
    """upstream responsewriters/errors.go ForbiddenStatusError: the text after ``is forbidden: ``."""
    if not a.resource_request:
        msg = f'User "{a.user.name}" cannot {a.verb} path "{a.path}"'
    else:
        res = a.resource + ("/" + a.subresource if a.subresource else "")
        msg = f'User "{a.user.name}" cannot {a.verb} resource "{res}" in API group "{a.api_group}"'
        msg += f' in the namespace "{a.namespace}"' if a.namespace else " at the cluster scope"
    if reason:
        msg += ": " + reason
    return msg


def forbidden(a: Attributes, reason: str = "") -> errors.ApiError:
    """The 403 Status for a denied request."""
    text = forbidden_message(a, reason)
    if not a.resource_request:
        return errors.ApiError(403, "Forbidden", f"forbidden: {text}", {})
    # upstream: NewForbidden(GroupResource{group, resource}, name, ...) — no subresource in the prefix
    return errors.forbidden(a.resource, a.api_group, a.name, text)


def can_i(server, user: UserInfo, verb: str, resource: str, namespace: str = "", name: str = "",
          subresource: str = "", api_group: str | None = None) -> tuple[bool, str]:
    """Would ``user`` be allowed? (allowed, reason); the reason explains a denial in words.

    ``resource`` may be what a user types (``po``, ``deployments.apps``). This is what the
    chapter's RBAC widget calls.
    """
    from ..api import resources as res

    ri = res.resolve(resource)
    plural = ri.plural if ri else resource
    group = api_group if api_group is not None else (ri.group if ri else "")
    if ri is not None and not ri.namespaced:
        namespace = ""
    a = Attributes(user, verb, plural, group, namespace, name, subresource)
    ok, why = RBACAuthorizer(server).authorize(a)
    if ok:
        return True, why
    return False, forbidden(a).message
