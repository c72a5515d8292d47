"""RBAC rule matching, default roles, forbidden messages and ``can_i`` — in process, no HTTP."""

from __future__ import annotations

import pytest

import k8slab
from k8slab.apiserver.authn import Authenticator, admin_user, service_account_user
from k8slab.apiserver.rbac import Attributes, can_i, forbidden, resource_matches, rule_allows

SA = service_account_user("default", "viewer")


@pytest.mark.parametrize("rule_resources,combined,sub,want", [
    (["pods"], "pods", "", True),
    (["pods"], "pods/log", "log", False),
    (["pods/log"], "pods/log", "log", True),
    (["pods/*"], "pods/log", "log", True),
    (["*/scale"], "deployments/scale", "scale", True),
    (["*/scale"], "deployments/status", "status", False),
    (["*"], "anything/sub", "sub", True),
    (["deployments"], "pods", "", False),
])
def test_resource_matches(rule_resources, combined, sub, want):
    assert resource_matches({"resources": rule_resources}, combined, sub) is want


@pytest.mark.parametrize("rule,attrs,want", [
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}, ("get", "pods", "", ""), True),
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}, ("list", "pods", "", ""), False),
    ({"verbs": ["*"], "apiGroups": ["apps"], "resources": ["pods"]}, ("get", "pods", "", ""), False),
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["a"]}, ("get", "pods", "", "a"),
     True),
    ({"verbs": ["get"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["a"]}, ("get", "pods", "", "b"),
     False),
])
def test_rule_allows(rule, attrs, want):
    verb, resource, group, name = attrs
    assert rule_allows(Attributes(SA, verb, resource, group, "default", name), rule) is want


def test_non_resource_urls():
    a = Attributes(SA, "get", path="/apis/apps", resource_request=False)
    assert rule_allows(a, {"verbs": ["get"], "nonResourceURLs": ["/apis/*"]})
    assert not rule_allows(a, {"verbs": ["get"], "nonResourceURLs": ["/api"]})


def test_forbidden_messages_match_upstream():
    a = Attributes(SA, "list", "pods", "", "default")
    assert forbidden(a).message == ('pods is forbidden: User "system:serviceaccount:default:viewer" cannot list '
                                    'resource "pods" in API group "" in the namespace "default"')
    a = Attributes(SA, "get", "deployments", "apps", "default", "web", "scale")
    assert forbidden(a).message == ('deployments.apps "web" is forbidden: User "system:serviceaccount:default:viewer" '
                                    'cannot get resource "deployments/scale" in API group "apps" in the namespace '
                                    '"default"')
    a = Attributes(SA, "list", "nodes")
    assert forbidden(a).message.endswith('cannot list resource "nodes" in API group "" at the cluster scope')
    assert forbidden(a).code == 403


def test_default_roles_and_bindings():
    c = k8slab.Cluster(seed=0, nodes=0)
    assert can_i(c.apiserver, admin_user(), "delete", "nodes")[0]
    assert can_i(c.apiserver, admin_user(), "delete", "nodes")[1].startswith(
        'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"')
    assert not can_i(c.apiserver, SA, "list", "pods", "default")[0]
    c.apply({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
             "metadata": {"name": "v", "namespace": "default"},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
             "subjects": [{"kind": "ServiceAccount", "name": "viewer", "namespace": "default"}]})
    assert can_i(c.apiserver, SA, "list", "pods", "default")[0]
    assert can_i(c.apiserver, SA, "get", "pods", "default", subresource="log")[0]
    assert not can_i(c.apiserver, SA, "get", "secrets", "default")[0]
    assert not can_i(c.apiserver, SA, "delete", "pods", "default")[0]
    assert not can_i(c.apiserver, SA, "list", "pods", "kube-system")[0]
    assert not can_i(c.apiserver, SA, "create", "roles", "default")[0]


def test_role_with_resource_names():
    c = k8slab.Cluster(seed=0, nodes=0)
    c.apply([{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
              "metadata": {"name": "one-cm", "namespace": "default"},
              "rules": [{"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app"],
                         "verbs": ["get", "update"]}]},
             {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
              "metadata": {"name": "one-cm", "namespace": "default"},
              "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "one-cm"},
              "subjects": [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "jane"}]}])
    from k8slab.apiserver.authn import UserInfo

    jane = UserInfo("jane", groups=("system:authenticated",))
    assert can_i(c.apiserver, jane, "get", "configmaps", "default", "app")[0]
    assert not can_i(c.apiserver, jane, "get", "configmaps", "default", "other")[0]
    assert not can_i(c.apiserver, jane, "list", "configmaps", "default")[0]


def test_service_account_tokens():
    c = k8slab.Cluster(seed=0, nodes=0)
    c.apply({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "bot", "namespace": "default"}})
    auth = Authenticator(c.apiserver, b"k" * 32)
    tr = auth.token_request("default", "bot", {"spec": {"expirationSeconds": 600}})
    tok = tr["status"]["token"]
    assert auth.authenticate_token(tok).name == "system:serviceaccount:default:bot"
    assert auth.authenticate_token(tok[:-2] + "xx") is None  # forged signature
    assert Authenticator(c.apiserver, b"o" * 32).authenticate_token(tok) is None  # another key
    c.run(601)
    assert auth.authenticate_token(tok) is None  # expired on the virtual clock
    with pytest.raises(k8slab.ApiError) as e:
        auth.token_request("default", "bot", {"spec": {"expirationSeconds": 10}})
    assert e.value.code == 422
    with pytest.raises(k8slab.ApiError) as e:
        auth.authenticate("")
    assert e.value.code == 401
