"""kubectl apply / create -f and apply_manifest: created, unchanged, configured; nothing half-applied."""

import json

import pytest

from k8slab.kubectl import ApplyResult, KubectlError, apply_manifest
from k8slab.kubectl.apply import LAST_APPLIED

from kubectl_harness import Harness

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
"""


@pytest.fixture
def h():
    return Harness()


def test_create_unchanged_configured_and_removed_fields_are_removed(h):
    assert h.kubectl("apply -f -", stdin=DEPLOY) == "deployment.apps/web created\n"
    live = h.client.get("deployments", "web", "default")
    # the annotation kubectl writes: the manifest as compact JSON, namespace set, "annotations":{}, a newline
    assert live["metadata"]["annotations"][LAST_APPLIED] == (
        '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"labels":{"app":"web","tier":"front"},'
        '"name":"web","namespace":"default"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},'
        '"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"env":[{"name":"A","value":"1"},'
        '{"name":"B","value":"2"}],"image":"nginx:1.27","name":"nginx"}]}}}}\n')
    rev = h.revision()
    assert h.kubectl("apply -f -", stdin=DEPLOY) == "deployment.apps/web unchanged\n"
    assert h.revision() == rev
    changed = DEPLOY.replace(", tier: front", "").replace('        - {name: B, value: "2"}\n', "").replace(
        "replicas: 2", "replicas: 3")
    assert h.kubectl("apply -f -", stdin=changed) == "deployment.apps/web configured\n"
    live = h.client.get("deployments", "web", "default")
    assert live["metadata"]["labels"] == {"app": "web"}
    assert live["spec"]["replicas"] == 3
    assert live["spec"]["template"]["spec"]["containers"][0]["env"] == [{"name": "A", "value": "1"}]
    # defaults the server filled in are untouched by apply
    assert live["spec"]["strategy"]["type"] == "RollingUpdate"
    assert live["metadata"]["generation"] == 2
    assert json.loads(live["metadata"]["annotations"][LAST_APPLIED])["spec"]["replicas"] == 3


def test_apply_keeps_changes_made_by_others(h):
    h.kubectl("apply -f -", stdin=DEPLOY)
    h.kubectl("scale deployment web --replicas=5")
    h.kubectl("label deployment web owner=me")
    assert h.kubectl("apply -f -", stdin=DEPLOY.replace("nginx:1.27", "nginx:1.28")) == "deployment.apps/web configured\n"
    live = h.client.get("deployments", "web", "default")
    assert live["metadata"]["labels"] == {"app": "web", "tier": "front", "owner": "me"}
    # replicas is in the manifest and was changed by scale: the manifest's value wins, as in kubectl
    assert live["spec"]["replicas"] == 2
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"


def test_bad_multi_document_manifest_changes_nothing(h):
    bad = (DEPLOY + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec: {containers: [{name: c, image: x}]}\n"
           "---\napiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec: {containers: [{name: c}]}\n")
    rev = h.revision()
    with pytest.raises(KubectlError) as e:
        h.kubectl("apply -f -", stdin=bad)
    assert str(e.value) == 'The Pod "bad" is invalid: spec.containers[0].image: Required value'
    assert h.revision() == rev
    with pytest.raises(KubectlError):
        apply_manifest(h.client, bad)
    assert h.revision() == rev
    assert h.kubectl("get deploy,pods") == "No resources found in default namespace.\n"


@pytest.mark.parametrize("manifest,message", [
    ("apiVersion: v1\nkind: Foo\nmetadata: {name: x}\n",
     'error: resource mapping not found for name: "x" namespace: "" from "STDIN": no matches for kind "Foo" in version '
     '"v1"\nensure CRDs are installed first'),
    ("apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: x, namespace: dev}\n",
     'error: resource mapping not found for name: "x" namespace: "dev" from "STDIN": no matches for kind "Deployment" '
     'in version "apps/v1beta1"\nensure CRDs are installed first'),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: nope}\nspec: {containers: [{name: c, image: x}]}\n",
     'Error from server (NotFound): error when creating "STDIN": namespaces "nope" not found'),
    ("apiVersion: v1\nkind: Pod\nmetadata: {generateName: x-}\nspec: {containers: [{name: c, image: x}]}\n",
     "error: from x-: cannot use generate name with apply"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec: {containers: [{name: c, image: x}]}\n",
     "The Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain "
     "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
     "character (e.g. 'example.com', regex used for validation is "
     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
    ("", "error: no objects passed to apply"),
])
def test_apply_errors(h, manifest, message):
    rev = h.revision()
    with pytest.raises(KubectlError) as e:
        h.kubectl("apply -f -", stdin=manifest)
    assert str(e.value) == message
    assert h.revision() == rev


def test_invalid_update_through_apply(h):
    h.kubectl("apply -f -", stdin=DEPLOY)
    with pytest.raises(KubectlError) as e:
        h.kubectl("apply -f -", stdin=DEPLOY.replace("matchLabels: {app: web}", "matchLabels: {app: web, x: z}")
                  .replace("labels: {app: web}\n    spec", "labels: {app: web, x: z}\n    spec"))
    assert str(e.value).startswith('The Deployment "web" is invalid: spec.selector: Invalid value: ')
    assert str(e.value).endswith("field is immutable")


def test_namespace_and_its_objects_in_one_manifest(h):
    text = ("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {containers: [{name: c, image: x}]}\n")
    assert h.kubectl("apply -f -", stdin=text) == "namespace/shop created\npod/p created\n"
    assert h.kubectl("apply -f -", stdin=text) == "namespace/shop unchanged\npod/p unchanged\n"
    # the pod's namespace is created by the same manifest: validated locally, nothing is created
    bad = text.replace("shop", "shop2").replace("image: x", "image: ''")
    rev = h.revision()
    with pytest.raises(KubectlError) as e:
        h.kubectl("apply -f -", stdin=bad)
    assert str(e.value) == 'The Pod "p" is invalid: spec.containers[0].image: Required value'
    assert h.revision() == rev


def test_namespace_flag(h):
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n"
    assert h.kubectl("apply -n kube-system -f -", stdin=pod) == "pod/p created\n"
    assert h.client.get("pods", "p", "kube-system")
    with pytest.raises(KubectlError) as e:
        h.kubectl("apply -n default -f -", stdin=pod.replace("name: p}", "name: p, namespace: kube-system}"))
    assert str(e.value) == ('error: the namespace from the provided object "kube-system" does not match the namespace '
                            "\"default\". You must pass '--namespace=kube-system' to perform this operation.")


def test_apply_manifest_api(h, tmp_path):
    result = apply_manifest(h.client, DEPLOY)
    assert isinstance(result, ApplyResult)
    assert str(result) == repr(result) == "deployment.apps/web created"
    assert result[0][1] == "created" and result[0][0]["metadata"]["uid"]
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}
    assert str(apply_manifest(h.client, [ns, DEPLOY])) == "namespace/dev created\ndeployment.apps/web unchanged"
    f = tmp_path / "web.yaml"
    f.write_text(DEPLOY.replace("replicas: 2", "replicas: 4"))
    assert str(apply_manifest(h.client, f)) == "deployment.apps/web configured"
    assert str(apply_manifest(h.client, str(tmp_path))) == "deployment.apps/web unchanged"
    assert str(apply_manifest(h.client, ns, namespace="dev")) == "namespace/dev unchanged"
    assert h.kubectl(f"apply -f {f}") == "deployment.apps/web unchanged\n"


def test_apply_dry_run(h):
    assert h.kubectl("apply -f - --dry-run=server", stdin=DEPLOY) == "deployment.apps/web created (server dry run)\n"
    assert h.kubectl("apply -f - --dry-run=client", stdin=DEPLOY) == "deployment.apps/web created (dry run)\n"
    assert h.kubectl("get deploy") == "No resources found in default namespace.\n"
    h.kubectl("apply -f -", stdin=DEPLOY)
    assert h.kubectl("apply -f - --dry-run=server", stdin=DEPLOY.replace("replicas: 2", "replicas: 9")) == \
        "deployment.apps/web configured (server dry run)\n"
    assert h.client.get("deployments", "web", "default")["spec"]["replicas"] == 2


def test_create_from_file(h):
    pods = ("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: x}]}\n---\n"
            "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c, image: x}]}\n")
    assert h.kubectl("create -f -", stdin=pods) == "pod/a created\npod/b created\n"
    assert LAST_APPLIED not in (h.client.get("pods", "a", "default")["metadata"].get("annotations") or {})
    rev = h.revision()
    with pytest.raises(KubectlError) as e:
        h.kubectl("create -f -", stdin=pods.replace("name: a}", "name: c}"))
    assert str(e.value) == 'Error from server (AlreadyExists): error when creating "STDIN": pods "b" already exists'
    assert h.revision() == rev
    assert h.kubectl("create -f - -o name", stdin=pods.replace("name: a}", "name: d}").split("---")[0]) == "pod/d\n"


def test_create_save_config_then_apply(h):
    assert h.kubectl("create --save-config -f -", stdin=DEPLOY) == "deployment.apps/web created\n"
    assert h.kubectl("apply -f -", stdin=DEPLOY) == "deployment.apps/web unchanged\n"
