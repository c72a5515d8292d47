"""kubectl create deployment|namespace, delete, scale, label, annotate: output and errors as kubectl's."""

import pytest

from k8slab.kubectl import KubectlError

from kubectl_harness import Harness, pod


@pytest.fixture
def h():
    h = Harness()
    h.create(pod("x", labels={"app": "web", "b": "1"}))
    h.create(pod("y", labels={"app": "web"}))
    return h


def test_create_deployment_like_kubectls_generator(h):
    assert h.kubectl("create deployment web --image=nginx:1.27 --replicas=3 --port=80") == "deployment.apps/web created\n"
    d = h.client.get("deployments", "web", "default")
    assert d["metadata"]["labels"] == {"app": "web"}
    assert d["spec"]["replicas"] == 3 and d["spec"]["selector"] == {"matchLabels": {"app": "web"}}
    c = d["spec"]["template"]["spec"]["containers"]
    assert [(x["name"], x["image"], x.get("ports")) for x in c] == [("nginx", "nginx:1.27", [{"containerPort": 80, "protocol": "TCP"}])]
    assert h.kubectl("create deploy two --image=registry.k8s.io/pause:3.9 --image=busybox@sha256:abc -o name") == \
        "deployment.apps/two\n"
    assert [x["name"] for x in h.client.get("deployments", "two", "default")["spec"]["template"]["spec"]["containers"]] == \
        ["pause", "busybox"]


def test_create_deployment_dry_run_yaml_matches_kubectl(h):
    # `kubectl create deployment web --image=nginx --dry-run=client -o yaml` (kubectl v1.32)
    assert h.kubectl("create deployment web --image=nginx --dry-run=client -o yaml") == """apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx
        name: nginx
        resources: {}
status: {}
"""
    assert h.kubectl("create deployment web --image=nginx --dry-run=client") == "deployment.apps/web created (dry run)\n"
    assert h.kubectl("create deployment web --image=nginx --dry-run=server") == \
        "deployment.apps/web created (server dry run)\n"
    assert h.kubectl("get deploy") == "No resources found in default namespace.\n"


def test_create_namespace(h):
    assert h.kubectl("create namespace dev") == "namespace/dev created\n"
    assert h.kubectl("create ns dev2 -o name") == "namespace/dev2\n"
    with pytest.raises(KubectlError) as e:
        h.kubectl("create namespace dev")
    assert str(e.value) == 'Error from server (AlreadyExists): namespaces "dev" already exists'


@pytest.mark.parametrize("cmd,message", [
    ("create deployment web", 'error: required flag(s) "image" not set'),
    ("create deployment --image=nginx", "error: exactly one NAME is required, got 0\n"
                                        "See 'kubectl create deployment -h' for help and examples"),
    ("create deployment Web --image=nginx", "The Deployment \"Web\" is invalid: metadata.name: Invalid value: \"Web\": "
     "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and "
     "end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
    ("create", "error: must specify one of -f and -k"),
    ("apply", "error: must specify one of -f and -k"),
])
def test_create_errors(h, cmd, message):
    rev = h.revision()
    with pytest.raises(KubectlError) as e:
        h.kubectl(cmd)
    assert str(e.value) == message
    assert h.revision() == rev


def test_delete(h):
    assert h.kubectl("delete pod x") == 'pod "x" deleted\n'
    with pytest.raises(KubectlError) as e:
        h.kubectl("delete pod x")
    assert str(e.value) == 'Error from server (NotFound): pods "x" not found'
    assert h.kubectl("delete pod x --ignore-not-found") == ""
    assert h.kubectl("delete pods -l app=nope") == "No resources found\n"
    h.kubectl("create deployment web --image=nginx")
    assert h.kubectl("delete deployment web") == 'deployment.apps "web" deleted\n'
    assert h.kubectl("delete pods --all") == 'pod "y" deleted\n'


def test_delete_by_selector_file_and_force(h):
    h.create(pod("z", labels={"app": "db"}))
    assert h.kubectl("delete pods -l app=web") == 'pod "x" deleted\npod "y" deleted\n'
    manifest = "apiVersion: v1\nkind: Pod\nmetadata: {name: z}\n"
    assert h.kubectl("delete -f -", stdin=manifest) == 'pod "z" deleted\n'
    h.create(pod("w"))
    assert h.kubectl("delete pod w --force --grace-period=0") == 'pod "w" force deleted\n'


def test_delete_pod_on_a_node_is_graceful(h):
    h.create(pod("n", nodeName="node-1"))
    assert h.kubectl("delete pod n") == 'pod "n" deleted\n'
    assert h.client.get("pods", "n", "default")["metadata"]["deletionTimestamp"]
    assert h.kubectl("get pod n").splitlines()[1].split()[2] == "Terminating"
    assert h.kubectl("delete pod n --grace-period=0 --force") == 'pod "n" force deleted\n'
    assert h.kubectl("get pod n --ignore-not-found") == ""


@pytest.mark.parametrize("cmd,message", [
    ("delete", "error: You must provide one or more resources by argument or filename.\nExample resource "
               "specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n"
               "   '<resource>'"),
    ("delete pod", "error: resource(s) were provided, but no name was specified"),
    ("delete pod x -l app=web", "error: name cannot be provided when a selector is specified"),
    ("delete foo x", 'error: the server doesn\'t have a resource type "foo"'),
    ("delete pod x --cascade=sideways", 'error: invalid cascade value (sideways). Must be "background", "foreground", '
                                        'or "orphan".'),
])
def test_delete_errors(h, cmd, message):
    rev = h.revision()
    with pytest.raises(KubectlError) as e:
        h.kubectl(cmd)
    assert str(e.value) == message
    assert h.revision() == rev


def test_scale(h):
    h.kubectl("create deployment web --image=nginx")
    assert h.kubectl("scale deployment/web --replicas=5") == "deployment.apps/web scaled\n"
    assert h.kubectl("scale deploy web --replicas 2") == "deployment.apps/web scaled\n"
    assert h.client.get("deployments", "web", "default")["spec"]["replicas"] == 2
    assert h.kubectl("scale deployment web --replicas=3 --current-replicas=2") == "deployment.apps/web scaled\n"
    with pytest.raises(KubectlError) as e:
        h.kubectl("scale deployment web --replicas=4 --current-replicas=2")
    assert str(e.value) == "error: Expected replicas to be 2, was 3"


@pytest.mark.parametrize("cmd,message", [
    ("scale deployment web", 'error: required flag(s) "replicas" not set'),
    ("scale deployment web --replicas=-1",
     "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"),
    ("scale deployment nope --replicas=1", 'Error from server (NotFound): deployments.apps "nope" not found'),
    ("scale pod x --replicas=2", "Error from server (NotFound): the server could not find the requested resource"),
])
def test_scale_errors(h, cmd, message):
    with pytest.raises(KubectlError) as e:
        h.kubectl(cmd)
    assert str(e.value) == message


def test_label(h):
    # outputs as kubectl v1.32 prints them (checked with the real kubectl against a fake API server)
    assert h.kubectl("label pod x tier=front") == "pod/x labeled\n"
    assert h.kubectl("label pod x app=web") == "pod/x not labeled\n"
    assert h.kubectl("label pod x b-") == "pod/x unlabeled\n"
    assert h.kubectl("label pod x zz-") == 'label "zz" not found.\npod/x not labeled\n'
    assert h.kubectl("label pod x app=db --overwrite") == "pod/x labeled\n"
    assert h.client.get("pods", "x", "default")["metadata"]["labels"] == {"app": "db", "tier": "front"}
    assert h.kubectl("label pods -l app=web role=cache") == "pod/y labeled\n"
    assert h.kubectl("label pods --all env=dev") == "pod/x labeled\npod/y labeled\n"
    assert h.kubectl("get pods --show-labels").splitlines()[1].endswith("app=db,env=dev,tier=front")


def test_annotate(h):
    assert h.kubectl("annotate pod x note=hello") == "pod/x annotated\n"
    assert h.kubectl("annotate pod x note=bye --overwrite") == "pod/x annotated\n"
    assert h.kubectl("annotate pod x note-") == "pod/x annotated\n"
    assert h.client.get("pods", "x", "default")["metadata"].get("annotations") in (None, {})
    assert h.kubectl("annotate pod x url=http://a/b?c=d") == "pod/x annotated\n"
    assert h.client.get("pods", "x", "default")["metadata"]["annotations"] == {"url": "http://a/b?c=d"}


@pytest.mark.parametrize("cmd,message", [
    ("label pod x app=db", "error: 'app' already has a value (web), and --overwrite is false"),
    ("label pod x", "error: at least one label update is required"),
    ("label pod x a=b=c", "error: invalid label spec: a=b=c"),
    ("label pod x 'bad=va lue'", 'error: invalid label value: "bad=va lue": a valid label must be an empty string or '
                                 "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                                 "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
                                 "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
    ("label pod a=b", "error: resource(s) were provided, but no name was specified"),
    ("label pod nope a=b", 'Error from server (NotFound): pods "nope" not found'),
    ("label pods x nope a=b", 'Error from server (NotFound): pods "nope" not found'),
    ("annotate pod x", "error: at least one annotation update is required"),
])
def test_label_errors_change_nothing(h, cmd, message):
    h.kubectl("annotate pod y k=v")
    rev = h.revision()
    with pytest.raises(KubectlError) as e:
        h.kubectl(cmd)
    assert str(e.value) == message
    assert h.revision() == rev


def test_annotate_overwrite_error(h):
    h.kubectl("annotate pod y k=v")
    with pytest.raises(KubectlError) as e:
        h.kubectl("annotate pod y k=v2")
    assert str(e.value) == ("error: --overwrite is false but found the following declared annotation(s): 'k' already "
                            "has a value (v)")


def test_get_yaml_after_label_and_scale(h):
    h.kubectl("create deployment web --image=nginx")
    h.kubectl("label deployment web tier=front")
    h.kubectl("scale deployment web --replicas=4")
    text = h.kubectl("get deployment web -o yaml")
    assert "  labels:\n    app: web\n    tier: front\n" in text
    assert "spec:\n  progressDeadlineSeconds: 600\n  replicas: 4\n" in text


@pytest.mark.parametrize("cmd,message", [
    ("", "error: k8slab's kubectl needs a command: get, describe, apply, create, delete, scale, label or annotate"),
])
def test_unsupported_commands(h, cmd, message):
    with pytest.raises(KubectlError) as e:
        h.kubectl(cmd)
    assert str(e.value) == message
