"""ServiceAccount admission (plugin/pkg/admission/serviceaccount/admission.go), the
serviceaccounts controller and the root-ca-cert-publisher, through k8slab.Cluster."""

import pytest

from k8slab import Cluster
from k8slab.api.errors import ApiError

from schema_check import assert_valid_k8s

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def _pod(name, ns="default", **spec):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], **spec}}


@pytest.fixture(scope="module")
def c():
    c = Cluster(seed=0, nodes=1)
    c.run(5)
    return c


def test_default_service_account_in_every_namespace(c):
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
        assert c.client.get("serviceaccounts", "default", ns)["metadata"]["name"] == "default"
        assert "ca.crt" in c.client.get("configmaps", "kube-root-ca.crt", ns)["data"]


def test_new_namespace_gets_one_and_deleted_default_is_recreated(c):
    c.client.create("namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    c.run(2)
    sa = c.client.get("serviceaccounts", "default", "team")
    assert_valid_k8s(sa)
    assert c.client.get("configmaps", "kube-root-ca.crt", "team")
    c.client.delete("serviceaccounts", "default", "team")
    c.run(2)
    assert c.client.get("serviceaccounts", "default", "team")["metadata"]["uid"] != sa["metadata"]["uid"]


def test_projected_volume_and_mounts(c):
    p = c.client.create("pods", _pod("sa1", initContainers=[{"name": "i", "image": "busybox:1.36"}]))
    spec = p["spec"]
    assert spec["serviceAccountName"] == "default" and spec["serviceAccount"] == "default"
    vols = [v for v in spec["volumes"] if v["name"].startswith("kube-api-access-")]
    assert len(vols) == 1 and len(vols[0]["name"]) == len("kube-api-access-") + 5
    assert vols[0]["projected"] == {
        "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace",
                                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}],
        "defaultMode": 420}
    for ctr in spec["containers"] + spec["initContainers"]:
        assert {"name": vols[0]["name"], "readOnly": True, "mountPath": SA_DIR} in ctr["volumeMounts"]
    assert_valid_k8s(p)
    assert_valid_k8s(c.client.get("pods", "sa1", "default"))


def test_no_token_volume_with_automount_false(c):
    p = c.client.create("pods", _pod("sa2", automountServiceAccountToken=False))
    assert "volumes" not in p["spec"] or not any(v["name"].startswith("kube-api-access-") for v in p["spec"]["volumes"])
    assert not p["spec"]["containers"][0].get("volumeMounts")
    c.client.create("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                        "metadata": {"name": "quiet", "namespace": "default"},
                                        "automountServiceAccountToken": False})
    p = c.client.create("pods", _pod("sa3", serviceAccountName="quiet"))
    assert not p["spec"]["containers"][0].get("volumeMounts")
    # the pod's own setting wins over the ServiceAccount's
    p = c.client.create("pods", _pod("sa4", serviceAccountName="quiet", automountServiceAccountToken=True))
    assert p["spec"]["containers"][0]["volumeMounts"][0]["mountPath"] == SA_DIR


def test_missing_service_account_is_403_and_nothing_stored(c):
    with pytest.raises(ApiError) as e:
        c.client.create("pods", _pod("x", serviceAccountName="foo"))
    assert e.value.code == 403
    assert e.value.message == ('pods "x" is forbidden: error looking up service account default/foo: '
                               'serviceaccount "foo" not found')
    with pytest.raises(ApiError):
        c.client.get("pods", "x", "default")


def test_deployment_right_after_its_namespace_comes_up_with_the_files():
    c = Cluster(seed=1, nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    c.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
             "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}},
                                   "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}})
    c.run(30)
    pods = c.client.list("pods", "shop")["items"]
    assert len(pods) == 1 and pods[0]["status"]["phase"] == "Running"
    assert c.client.get("serviceaccounts", "default", "shop")
    assert_valid_k8s(pods[0])


def test_the_kubelet_projects_a_bound_token_that_the_api_server_accepts():
    import base64
    import json

    import k8slab

    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "t"},
             "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"]}]}})
    c.run(15)
    token = c.kubectl("exec t -- cat /var/run/secrets/kubernetes.io/serviceaccount/token").strip()
    header, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["sub"] == "system:serviceaccount:default:default"
    assert claims["exp"] - claims["iat"] == 3607
    user = c.apiserver.authenticator.authenticate_token(token)
    assert user is not None and user.name == "system:serviceaccount:default:default"
    assert any(r.verb == "create/token" and r.source == "kubelet/node-1" for r in c.trace)
