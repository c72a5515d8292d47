"""Protobuf request bodies: the real kubectl's ``create <kind>`` shortcuts against ``Cluster.serve()``.

Each shortcut is run twice: ``--dry-run=server`` (kubectl POSTs ``application/vnd.kubernetes.protobuf``;
the bodies are recorded on the way through :func:`k8slab.apiserver.protobuf.decode`) and
``--dry-run=client -o json`` (what kubectl itself prints for the same object). The decoded body
must be exactly that JSON, and the server's answer must carry every field kubectl sent.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess

import pytest

import k8slab
from k8slab.apiserver import protobuf
from k8slab.apiserver.protobuf import ProtobufError, decode, encode_unknown

from http_harness import Raw

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    c = k8slab.Cluster(seed=0, nodes=2)
    srv = c.serve(speed=1)
    cache = tmp_path_factory.mktemp("kubecache")
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "1", "-subj", "/CN=web", "-keyout", str(d / "tls.key"), "-out", str(d / "tls.crt")],
                   check=True, capture_output=True)
    yield c, srv, str(cache), str(d)
    srv.close()


@pytest.fixture
def recorded(monkeypatch):
    """Bodies that reached the protobuf decoder during the test."""
    bodies: list[bytes] = []
    real = protobuf.decode

    def rec(body: bytes) -> dict:
        bodies.append(body)
        return real(body)

    monkeypatch.setattr(protobuf, "decode", rec)
    return bodies


def kubectl(served, *args, timeout=30):
    c, srv, cache, _ = served
    env = {"PATH": "/usr/bin:/bin", "HOME": cache, "KUBECACHEDIR": cache}
    return subprocess.run(["kubectl", "--kubeconfig", srv.kubeconfig, "--cache-dir", cache, *args],
                          capture_output=True, text=True, timeout=timeout, env=env)


def with_flags(cmd: list[str], *flags: str) -> list[str]:
    """Put flags before a ``--`` (after it they would be the container's command)."""
    if "--" in cmd:
        i = cmd.index("--")
        return cmd[:i] + list(flags) + cmd[i:]
    return cmd + list(flags)


def covers(sent, got, path="") -> list[str]:
    """Where ``got`` (the server's object) lacks or changes a field of ``sent`` (what kubectl sent)."""
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            return [f"{path}: {got!r} is not an object"]
        out = []
        for k, v in sent.items():
            if v is None or (path == "" and k == "status") or k == "creationTimestamp":
                continue  # nulls and status are the server's to fill
            out += covers(v, got.get(k), f"{path}.{k}")
        return out
    if isinstance(sent, list):
        if not isinstance(got, list) or len(got) != len(sent):
            return [f"{path}: {got!r} != {sent!r}"]
        return [e for a, b in zip(sent, got) for e in covers(a, b, path + "[]")]
    return [] if sent == got else [f"{path}: {got!r} != {sent!r}"]


#: Shortcut commands; ``{tls}`` is the fixture's certificate directory.
CREATES = [
    "create deployment web --image=nginx:1.27 --replicas=2 --port=80",
    "create deployment multi --image=nginx:1.27 --image=busybox:1.36 --replicas=0",
    "create deployment sleeper --image=busybox:1.36 -- sleep 3600",
    "create namespace shop",
    "create configmap cfg --from-literal=a=b --from-literal=c=d",
    "create secret generic s1 --from-literal=user=admin --type=Opaque",
    "create secret docker-registry reg --docker-server=r.io --docker-username=u --docker-password=p",
    "create secret tls tls1 --cert={tls}/tls.crt --key={tls}/tls.key",
    "create serviceaccount robot",
    "create service clusterip web --tcp=80:8080",
    "create service clusterip headless --clusterip=None",
    "create service nodeport np --tcp=80:8080 --node-port=30080",
    "create service loadbalancer lb --tcp=443:8443",
    "create service externalname ext --external-name=example.com",
    "create role reader --verb=get,list --resource=pods,deployments.apps --resource-name=x",
    "create rolebinding rb --role=reader --user=alice --serviceaccount=default:robot --group=devs",
    "create clusterrole cr --verb=get --non-resource-url=/healthz",
    "create clusterrole agg --aggregation-rule=foo=bar",
    "create clusterrolebinding crb --clusterrole=cr --user=bob",
    "create job j1 --image=busybox:1.36 -- echo hi",
    "create cronjob cj --image=busybox:1.36 --schedule=*/5_*_*_*_* --restart=OnFailure -- date",
    "create pdb pdb1 --selector=app=web --min-available=1",
    "create pdb pdb2 --selector=app=web --max-unavailable=50%",
    "create priorityclass high --value=1000 --description=important --preemption-policy=Never",
    "create priorityclass zero --value=0",
    "create quota q1 --hard=cpu=2,memory=1Gi,pods=10 --scopes=BestEffort",
]

#: Where k8slab's server (not the decoder) disagrees with upstream; reported to the lead.
SERVER_GAPS: dict[str, str] = {}  # commands whose server-side step k8slab cannot do yet


@pytest.mark.parametrize("cmd", CREATES)
def test_create_shortcut_body_decodes_to_what_kubectl_prints(served, recorded, cmd):
    tls = served[3]
    args = [a.replace("_", " ").replace("{tls}", tls) for a in cmd.split()]
    client = kubectl(served, *with_flags(args, "--dry-run=client", "-o", "json"))
    assert client.returncode == 0, client.stderr
    expected = json.loads(client.stdout)
    out = kubectl(served, *with_flags(args, "--dry-run=server", "-o", "json"))
    assert len(recorded) == 1, (out.stderr, recorded)
    assert recorded[0].startswith(b"k8s\x00")
    assert decode(recorded[0]) == expected
    if cmd in SERVER_GAPS:
        pytest.xfail(SERVER_GAPS[cmd])
    assert out.returncode == 0, out.stderr
    answered = json.loads(out.stdout)
    assert covers(expected, answered) == []


def test_create_deployment_end_to_end_reaches_two_running_pods(served):
    c, srv, _, _ = served
    out = kubectl(served, "create", "deployment", "e2e", "--image=nginx:1.27", "--replicas=2")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "deployment.apps/e2e created"
    with srv.lock:
        c.run(60)
        d = c.apiserver.get("deployments", "default", "e2e")
        pods = [p for p in c.apiserver.list("pods", "default")["items"]
                if (p["metadata"].get("labels") or {}).get("app") == "e2e"]
    assert d["spec"]["replicas"] == 2
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert sorted(p["status"].get("phase") for p in pods) == ["Running", "Running"]
    # expose (a Service, as protobuf) selects the deployment's pods
    out = kubectl(served, "expose", "deployment", "e2e", "--port=80", "--target-port=8080")
    assert out.returncode == 0, out.stderr
    with srv.lock:
        svc = c.apiserver.get("services", "default", "e2e")
    assert svc["spec"]["selector"] == {"app": "e2e"}
    assert svc["spec"]["ports"][0]["port"] == 80 and svc["spec"]["ports"][0]["targetPort"] == 8080


def test_created_objects_are_stored(served):
    c, srv, _, _ = served
    for args in (["create", "namespace", "shop2"], ["create", "configmap", "cfg2", "--from-literal=k=v"],
                 ["create", "secret", "generic", "s2", "--from-literal=user=admin"],
                 ["create", "serviceaccount", "robot2"]):
        out = kubectl(served, *args)
        assert out.returncode == 0, out.stderr
    with srv.lock:
        assert c.apiserver.get("namespaces", None, "shop2")["metadata"]["name"] == "shop2"
        assert c.apiserver.get("configmaps", "default", "cfg2")["data"] == {"k": "v"}
        assert base64.b64decode(c.apiserver.get("secrets", "default", "s2")["data"]["user"]) == b"admin"
        assert c.apiserver.get("serviceaccounts", "default", "robot2")["metadata"]["name"] == "robot2"
    out = kubectl(served, "create", "token", "robot2")  # a TokenRequest, sent as protobuf
    assert out.returncode == 0, out.stderr
    assert out.stdout.count(".") == 2


# ---------------------------------------------------------------- malformed bodies
def _ld(n: int, b: bytes) -> bytes:
    return protobuf._key(n, 2) + protobuf._uvarint(len(b)) + b


CM_RAW = _ld(1, _ld(1, b"pbcm")) + _ld(2, _ld(1, b"a") + _ld(2, b"b"))
GOOD = encode_unknown("v1", "ConfigMap", CM_RAW)


def test_encoded_configmap_decodes():
    assert decode(GOOD) == {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "pbcm"},
                            "data": {"a": "b"}}


@pytest.mark.parametrize("body,fragment", [
    (GOOD[:-3], "unexpected EOF"),
    (b"k8s\x01" + GOOD[4:], "provided data does not appear to be a protobuf message, expected prefix "
                             "[107 56 115 0]"),
    (b"\x00\x01", "provided data does not appear to be a protobuf message"),
    # metadata.name (field 1, a string) sent as a varint
    (encode_unknown("v1", "ConfigMap", _ld(1, b"\x08\x05")), "proto: wrong wireType = 0 for field metadata.name"),
    # field 99 of ConfigMap does not exist in v1.32
    (encode_unknown("v1", "ConfigMap", CM_RAW + protobuf._key(99, 0) + b"\x01"),
     "the ConfigMap in the body of the request has a field that k8slab does not know: field number 99"),
    (encode_unknown("apps/v1", "ControllerRevision", _ld(1, _ld(1, b"pbcm"))),
     'cannot decode a protobuf ControllerRevision (apiVersion "apps/v1")'),
    (GOOD + b"\x0f", "proto: illegal wireType 7"),
])
def test_malformed_protobuf_is_a_400_and_stores_nothing(served, body, fragment):
    c, srv, _, _ = served
    with pytest.raises(ProtobufError):
        decode(body)
    code, _, st = Raw(srv).request("POST", "/api/v1/namespaces/default/configmaps", body,
                                   content_type="application/vnd.kubernetes.protobuf")
    assert code == 400, st
    assert st["kind"] == "Status" and st["reason"] == "BadRequest" and fragment in st["message"]
    with srv.lock:
        assert not [cm for cm in c.apiserver.list("configmaps", "default")["items"]
                    if cm["metadata"]["name"] == "pbcm"]


def test_well_known_types():
    def varint_field(n: int, v: int) -> bytes:
        return protobuf._key(n, 0) + protobuf._uvarint(v & ((1 << 64) - 1))

    # PodDisruptionBudget spec.minAvailable: IntOrString {1 type, 2 intVal, 3 strVal}
    spec = _ld(1, varint_field(1, 0) + varint_field(2, 3)) + _ld(3, varint_field(1, 1) + _ld(3, b"25%"))
    got = decode(encode_unknown("policy/v1", "PodDisruptionBudget", _ld(2, spec)))
    assert got["spec"] == {"minAvailable": 3, "maxUnavailable": "25%"}
    # ObjectMeta.creationTimestamp: Time {1 seconds, 2 nanos}; zero is null
    md = _ld(1, b"t") + _ld(8, varint_field(1, 1735689600))
    assert decode(encode_unknown("v1", "Namespace", _ld(1, md)))["metadata"]["creationTimestamp"] == \
        "2025-01-01T00:00:00Z"
    # a pointer int32 keeps its zero; a negative int32 is sign-extended on the wire
    dspec = varint_field(1, 0) + varint_field(5, -1)
    assert decode(encode_unknown("apps/v1", "Deployment", _ld(2, dspec)))["spec"] == {"replicas": 0,
                                                                                     "minReadySeconds": -1}
    # resources: map<string, Quantity>
    rr = _ld(1, _ld(1, b"cpu") + _ld(2, _ld(1, b"500m")))
    pod = _ld(2, _ld(2, _ld(1, b"c") + _ld(2, b"nginx") + _ld(8, rr)))
    assert decode(encode_unknown("v1", "Pod", pod))["spec"]["containers"] == [
        {"name": "c", "image": "nginx", "resources": {"limits": {"cpu": "500m"}}}]
    assert protobuf._go_duration(3_723_500_000_000) == "1h2m3.5s"
    assert protobuf._go_duration(150_000_000) == "150ms"
