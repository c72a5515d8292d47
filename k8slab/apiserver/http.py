"""The kube-apiserver over HTTP(S): what ``Cluster.serve()`` starts for real clients.

upstream: staging/src/k8s.io/apiserver/pkg/server/config.go ``DefaultBuildHandlerChain``
(the filter order: body limit → authentication → authorization → the REST handler, whose
create/update/patch run admission and validation), staging/src/k8s.io/apiserver/pkg/
endpoints/request/requestinfo.go (how a path becomes verb/namespace/resource/subresource/
name), staging/src/k8s.io/apiserver/pkg/endpoints/handlers (get, list, watch, create,
update, patch, delete; ``dryRun``, ``fieldValidation``; watch streams of one JSON event per
line) and the Table and discovery responses of :mod:`tables` and :mod:`discovery`.

The simulation still runs on its virtual clock: while serving, a driver thread advances
the kernel in step with the wall clock (times ``speed``), and every request and every
kernel step run under one lock, so the simulation is never seen half-updated. Only this
module reads the wall clock. Serving listens on 127.0.0.1 by default, over TLS with a
throw-away self-signed certificate (made with the ``openssl`` command) so that kubectl
sends the bearer token; ``tls=False`` serves plain HTTP (kubectl then sends no token, so
only token-carrying clients such as the Python client get through).
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..api import errors
from ..api import resources as res
from ..sim.trace import TraceRecord
from . import discovery, openapi, protobuf, tables
from .authn import Authenticator, UserInfo, admin_user, unauthorized
from .rbac import Attributes, RBACAuthorizer, forbidden

#: upstream: staging/src/k8s.io/apiserver/pkg/server/config.go MaxRequestBodyBytes (3 MiB)
MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024

JSON = "application/json"
PROTOBUF = "application/vnd.kubernetes.protobuf"

_PATCH_TYPES = {
    "application/json-patch+json": "json",
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
    "application/apply-patch+cbor": "apply",
}

_NON_RESOURCE_PREFIXES = ("/version", "/healthz", "/livez", "/readyz", "/openapi", "/metrics")


# ---------------------------------------------------------------- request info
@dataclass
class RequestInfo:
    """requestinfo.go RequestInfo: what a path and method mean."""

    path: str
    verb: str
    resource_request: bool = False
    api_prefix: str = ""
    api_group: str = ""
    api_version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""


def request_info(method: str, path: str, query: dict[str, str]) -> RequestInfo:
    """Parse ``/api/v1/namespaces/default/pods/web/log`` and friends (requestinfo.go NewRequestInfo)."""
    method = method.upper()
    verb_map = {"GET": "get", "HEAD": "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
    info = RequestInfo(path=path, verb=verb_map.get(method, method.lower()))
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0] not in ("api", "apis"):
        return info
    info.api_prefix = parts[0]
    parts = parts[1:]
    if info.api_prefix == "apis":
        if len(parts) < 2:
            return info
        info.api_group, parts = parts[0], parts[1:]
    if not parts:
        return info
    info.api_version, parts = parts[0], parts[1:]
    if not parts:
        return info
    info.resource_request = True
    if parts[0] == "namespaces":
        if len(parts) > 1:
            info.namespace = parts[1]
            # namespaces/<ns>/status|finalize are subresources of the namespace itself
            if len(parts) > 2 and parts[2] not in ("status", "finalize"):
                parts = parts[2:]
    if len(parts) >= 3:
        info.subresource = parts[2]
    if len(parts) >= 2:
        info.name = parts[1]
    info.resource = parts[0]
    if info.resource == "namespaces":
        info.namespace = "" if not info.name else info.name
    if info.verb == "get" and not info.name:
        info.verb = "watch" if query.get("watch") in ("1", "true", "True") else "list"
    if info.verb == "delete" and not info.name:
        info.verb = "deletecollection"
    if info.resource == "namespaces":
        # a namespace object is cluster-scoped; authorization sees its name as the namespace
        pass
    return info


# ---------------------------------------------------------------- protobuf bodies
def decode_ssar_protobuf(body: bytes) -> dict:
    """A SelfSubjectAccessReview sent as ``application/vnd.kubernetes.protobuf`` → its JSON shape.

    upstream: staging/src/k8s.io/api/authorization/v1/generated.proto; see :mod:`.protobuf`.
    """
    return protobuf.decode(body)


# ---------------------------------------------------------------- body decoding
def _go_json_error(text: str, e: json.JSONDecodeError) -> str:
    """encoding/json's wording for the first syntax error (approximated from Python's)."""
    if e.pos >= len(text.rstrip()):
        return "unexpected end of JSON input"
    ch = text[e.pos]
    if e.msg.startswith("Expecting value"):
        return f"invalid character '{ch}' looking for beginning of value"
    if e.msg.startswith("Expecting property name"):
        return f"invalid character '{ch}' looking for beginning of object key string"
    if e.msg.startswith("Expecting ',' delimiter"):
        return f"invalid character '{ch}' after object key:value pair"
    if e.msg.startswith("Expecting ':' delimiter"):
        return f"invalid character '{ch}' after object key"
    return f"invalid character '{ch}' after top-level value" if e.msg.startswith("Extra data") else e.msg


def decode_body(body: bytes, content_type: str) -> Any:
    """JSON, YAML or protobuf request body → Python value; 400 with upstream's wording when malformed."""
    ct = (content_type or JSON).split(";")[0].strip().lower()
    if ct == PROTOBUF:
        try:
            return protobuf.decode(body)
        except protobuf.ProtobufError as e:
            raise errors.bad_request(str(e))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.bad_request("couldn't get version/kind; json parse error: invalid character looking for "
                                 "beginning of value")
    if ct in ("application/yaml", "application/apply-patch+yaml"):
        import yaml

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as e:
            line = getattr(getattr(e, "problem_mark", None), "line", 0) + 1
            raise errors.bad_request(f"error converting YAML to JSON: yaml: line {line}: "
                                     f"{getattr(e, 'problem', None) or e}")
    if ct in ("", JSON) or ct.endswith("+json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise errors.bad_request(f"couldn't get version/kind; json parse error: {_go_json_error(text, e)}")
    raise errors.ApiError(415, "UnsupportedMediaType",
                          f'the body of the request was in an unknown format - accepted media types include: '
                          f'application/json, application/yaml, application/vnd.kubernetes.protobuf')


# ---------------------------------------------------------------- strict field validation
_SCHEMAS: dict[str, Any] = {}


def _schema_dir() -> str | None:
    try:
        import kubernetes_validate
    except ImportError:  # pragma: no cover - a test dependency
        return None
    d = os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema", "v1.32.0-local")
    return d if os.path.isdir(d) else None


def _schema_for(api_version: str, kind: str) -> tuple[dict | None, dict]:
    """The v1.32 JSON schema of a kind and the shared definitions (from the kubernetes-validate
    package, generated from upstream's OpenAPI); (None, {}) when not available."""
    d = _schema_dir()
    if d is None:
        return None, {}
    if "_defs" not in _SCHEMAS:
        with open(os.path.join(d, "_definitions.json")) as f:
            _SCHEMAS["_defs"] = json.load(f).get("$defs", {})
    key = f"{api_version}/{kind}"
    if key not in _SCHEMAS:
        group, _, version = api_version.rpartition("/")
        gv = f"{group.split('.')[0]}-{version}" if group else version
        path = os.path.join(d, f"{kind.lower()}-{gv}.json")
        try:
            with open(path) as f:
                _SCHEMAS[key] = json.load(f)
        except (OSError, ValueError):
            _SCHEMAS[key] = None
    return _SCHEMAS[key], _SCHEMAS["_defs"]


def unknown_fields(obj: Any, schema: dict | None, defs: dict, path: str = "") -> list[str]:
    """The dotted paths of fields the schema does not know (upstream strict decoding)."""
    out: list[str] = []
    for _ in range(8):
        if isinstance(schema, dict) and "$ref" in schema:
            schema = defs.get(schema["$ref"].rsplit("/", 1)[-1])
        else:
            break
    if not isinstance(schema, dict):
        return out
    if isinstance(obj, dict):
        props = schema.get("properties")
        if props is None:
            return out
        for k, v in obj.items():
            p = f"{path}.{k}" if path else k
            if k not in props:
                out.append(p)
            else:
                out.extend(unknown_fields(v, props[k], defs, p))
    elif isinstance(obj, list):
        items = schema.get("items")
        for i, v in enumerate(obj):
            out.extend(unknown_fields(v, items, defs, f"{path}[{i}]"))
    return out


def check_fields(obj: Any, directive: str) -> list[str]:
    """``fieldValidation``: Strict → 400 on unknown fields; Warn → the warnings; Ignore → nothing."""
    if directive not in ("Strict", "Warn") or not isinstance(obj, dict):
        return []
    sch, defs = _schema_for(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
    unknown = unknown_fields(obj, sch, defs)
    if not unknown:
        return []
    if directive == "Strict":
        if len(unknown) == 1:
            raise errors.bad_request(f'strict decoding error: unknown field "{unknown[0]}"')
        raise errors.bad_request("strict decoding error: " + ", ".join(f'unknown field "{u}"' for u in unknown))
    return [f'unknown field "{u}"' for u in unknown]


# ---------------------------------------------------------------- the served API
class Served:
    """A running HTTP API: ``url``, ``kubeconfig`` (a file path), ``token``, ``close()``.

    ``lock`` is held while the simulation steps and while each request is handled; hold it
    yourself (``with srv.lock:``) to use the cluster in-process while it is served.
    """

    def __init__(self, cluster, *, port: int | None = None, host: str = "127.0.0.1", speed: float = 1.0,
                 token: str | None = None, tls: bool = True):
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        self.cluster = cluster
        self.server = cluster.apiserver
        self.kernel = cluster.kernel
        self.trace = cluster.trace
        self.speed = speed
        self.lock = threading.RLock()
        self.token = token or secrets.token_hex(24)
        self._dir = tempfile.mkdtemp(prefix="k8slab-serve-")
        self.authn = self.server.authenticator  # the API server's own (it signs TokenRequests in process too)
        self.authn.add_token(self.token, admin_user())
        self.authz = RBACAuthorizer(self.server)
        self._closed = threading.Event()
        self._watch_streams: set = set()
        self.tls = tls and shutil.which("openssl") is not None
        with self.lock:
            self._bootstrap_rbac()
        _schema_for("v1", "Pod")  # load the schemas once, before the first request waits for them
        handler = type("Handler", (_Handler,), {"served": self})
        self.httpd = ThreadingHTTPServer((host, port or 0), handler)
        self.httpd.daemon_threads = True
        self.ca_file = ""
        if self.tls:
            self.ca_file, keyfile = self._make_cert(host)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self.ca_file, keyfile)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.host, self.port = host, self.httpd.server_address[1]
        self.url = f"{'https' if self.tls else 'http'}://{host}:{self.port}"
        self.kubeconfig = os.path.join(self._dir, "kubeconfig")
        self.write_kubeconfig(self.kubeconfig)
        self._v0, self._w0 = self.kernel.now, time.monotonic()
        self._http_thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                             name="k8slab-http", daemon=True)
        self._drive_thread = threading.Thread(target=self._drive, name="k8slab-clock", daemon=True)
        self._http_thread.start()
        self._drive_thread.start()

    # ------------------------------------------------------------ set-up
    def _bootstrap_rbac(self) -> None:
        """Store the default ClusterRoles/Bindings (pkg/registry/rbac/rest/storage_rbac.go PostStartHook)."""
        from .rbac import default_objects

        for obj in default_objects():
            plural = "clusterroles" if obj["kind"] == "ClusterRole" else "clusterrolebindings"
            try:
                self.server.create(plural, None, obj, source="kube-apiserver")
            except errors.ApiError:
                pass

    def _make_cert(self, host: str) -> tuple[str, str]:
        crt, key = os.path.join(self._dir, "apiserver.crt"), os.path.join(self._dir, "apiserver.key")
        san = f"IP:{host},DNS:localhost" if host.replace(".", "").isdigit() else f"DNS:{host},DNS:localhost"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "2", "-subj", "/CN=k8slab-apiserver", "-addext", f"subjectAltName={san}",
                        "-keyout", key, "-out", crt], check=True, capture_output=True)
        return crt, key

    def kubeconfig_for(self, token: str, user: str = "kubernetes-admin", namespace: str = "default") -> str:
        """The text of a kubeconfig that authenticates with ``token``."""
        import base64

        import yaml

        cluster: dict[str, Any] = {"server": self.url}
        if self.tls:
            with open(self.ca_file, "rb") as f:
                cluster["certificate-authority-data"] = base64.b64encode(f.read()).decode()
        cfg = {"apiVersion": "v1", "kind": "Config", "preferences": {},
               "clusters": [{"name": "k8slab", "cluster": cluster}],
               "users": [{"name": user, "user": {"token": token}}],
               "contexts": [{"name": f"{user}@k8slab", "context": {"cluster": "k8slab", "user": user,
                                                                   "namespace": namespace}}],
               "current-context": f"{user}@k8slab"}
        return yaml.safe_dump(cfg, sort_keys=False)

    def write_kubeconfig(self, path: str, token: str | None = None, user: str = "kubernetes-admin") -> str:
        with open(path, "w") as f:
            f.write(self.kubeconfig_for(token or self.token, user))
        os.chmod(path, 0o600)
        return path

    def service_account_kubeconfig(self, namespace: str, name: str, expiration_seconds: int = 3600) -> str:
        """Issue a token for a ServiceAccount (TokenRequest) and write a kubeconfig using it; returns the path."""
        with self.lock:
            tr = self.authn.token_request(namespace, name, {"spec": {"expirationSeconds": expiration_seconds}})
        path = os.path.join(self._dir, f"kubeconfig-{namespace}-{name}")
        return self.write_kubeconfig(path, tr["status"]["token"], f"system:serviceaccount:{namespace}:{name}")

    # ------------------------------------------------------------ clock
    def _drive(self) -> None:
        """Advance the virtual clock with the wall clock (× speed), one locked slice at a time."""
        while not self._closed.is_set():
            target = self._v0 + (time.monotonic() - self._w0) * self.speed
            with self.lock:
                if target > self.kernel.now:
                    self.kernel.run_until(target)
            self._closed.wait(0.02)

    def close(self) -> None:
        """Stop serving: close watch streams, the listener and the clock driver."""
        if self._closed.is_set():
            return
        self._closed.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._drive_thread.join(timeout=5)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> "Served":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<k8slab API server at {self.url}>"

    # ------------------------------------------------------------ pipeline
    def traced(self, user: str, verb: str, kind: str, name: str = "", namespace: str = "", detail: str = "") -> None:
        if self.trace.enabled:
            self.trace.add(TraceRecord(self.kernel.now, user, "kube-apiserver", verb, kind, name, namespace, detail))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    served: Served
    server_version = "k8slab"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    # ------------------------------------------------------------ replies
    def _send(self, code: int, body: bytes, content_type: str = JSON, headers: dict | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache, private")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, code: int, obj: Any, content_type: str = JSON, headers: dict | None = None) -> None:
        self._send(code, json.dumps(obj).encode(), content_type, headers)

    def _status(self, err: errors.ApiError) -> None:
        headers = {"WWW-Authenticate": 'Bearer realm="kubernetes-api"'} if err.code == 401 else None
        self._json(err.code, err.status(), headers=headers)

    # ------------------------------------------------------------ entry
    def _handle(self, method: str) -> None:
        s = self.served
        try:
            url = urllib.parse.urlsplit(self.path)
            path = url.path
            query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
            n = int(self.headers.get("Content-Length") or 0)
            if n > MAX_REQUEST_BODY_BYTES:
                self.close_connection = True
                left = min(n, 64 * MAX_REQUEST_BODY_BYTES)  # drain (bounded) so the client reads the answer
                while left > 0:
                    got = self.rfile.read(min(left, 1 << 20))
                    if not got:
                        break
                    left -= len(got)
                raise errors.ApiError(413, "RequestEntityTooLarge",
                                      f"Request entity too large: limit is {MAX_REQUEST_BODY_BYTES}")
            body = self.rfile.read(n) if n else b""
            info = request_info(method, path, query)
            with s.lock:
                user = self._authenticate(info)
                self._authorize(user, info)
            if info.resource_request:
                self._resource(method, info, query, body, user)
            else:
                self._non_resource(info, query)
        except errors.ApiError as e:
            self._status(e)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as e:  # an internal error still answers as a Status
            import traceback

            traceback.print_exc()
            self._status(errors.ApiError(500, "InternalError", f"Internal error occurred: {e}"))

    def _authenticate(self, info: RequestInfo) -> UserInfo:
        s = self.served
        try:
            user = s.authn.authenticate(self.headers.get("Authorization"))
        except errors.ApiError:
            s.traced("system:anonymous", "authenticate", "", "", "", f"401 {self.command} {info.path}")
            raise
        s.traced(user.name, "authenticate", "", "", "", f"{self.command} {info.path}")
        return user

    def _authorize(self, user: UserInfo, info: RequestInfo) -> None:
        s = self.served
        a = Attributes(user, info.verb, info.resource, info.api_group, info.namespace, info.name, info.subresource,
                       info.path, info.resource_request)
        ok, why = s.authz.authorize(a)
        target = (info.resource + ("/" + info.subresource if info.subresource else "")) if info.resource_request \
            else info.path
        s.traced(user.name, "authorize", target, info.name, info.namespace,
                 f"{info.verb}: {'allowed' if ok else 'forbidden'}")
        if not ok:
            raise forbidden(a, why)

    # ------------------------------------------------------------ non-resource paths
    def _non_resource(self, info: RequestInfo, query: dict) -> None:
        p = info.path.rstrip("/") or "/"
        accept = self.headers.get("Accept", "")
        aggregated = "g=apidiscovery.k8s.io" in accept.replace(" ", "") and "v=v2;" in accept.replace(" ", "") + ";"
        if p == "/version":
            return self._json(200, discovery.VERSION_INFO)
        if p in ("/healthz", "/livez", "/readyz"):
            return self._send(200, b"ok", "text/plain; charset=utf-8")
        if p == "/api":
            if aggregated:
                return self._json(200, discovery.aggregated(True), discovery.AGGREGATED_CONTENT_TYPE)
            return self._json(200, discovery.api_versions())
        if p == "/apis":
            if aggregated:
                return self._json(200, discovery.aggregated(False), discovery.AGGREGATED_CONTENT_TYPE)
            return self._json(200, discovery.api_group_list())
        parts = [x for x in p.split("/") if x]
        if parts[0] == "api" and len(parts) == 2:
            doc = discovery.api_resource_list("", parts[1])
            if doc:
                return self._json(200, doc)
        if parts[0] == "apis" and len(parts) == 2:
            doc = discovery.api_group(parts[1])
            if doc:
                return self._json(200, doc)
        if parts[0] == "apis" and len(parts) == 3:
            doc = discovery.api_resource_list(parts[1], parts[2])
            if doc:
                return self._json(200, doc)
        if p == "/openapi/v3":
            return self._json(200, openapi.root())
        if p.startswith("/openapi/v3/"):
            doc = openapi.document_for_path(p[len("/openapi/v3/"):])
            if doc:
                return self._json(200, doc, headers={"Etag": '"k8slab"'})
        raise errors.ApiError(404, "NotFound", "the server could not find the requested resource")

    # ------------------------------------------------------------ resources
    def _resource(self, method: str, info: RequestInfo, query: dict, body: bytes, user: UserInfo) -> None:
        s = self.served
        virtual = discovery.find_virtual(info.api_group, info.api_version, info.resource)
        if virtual is not None:
            return self._review(virtual.plural, body, user, info)
        ri = discovery.find(info.api_group, info.api_version, info.resource)
        if ri is None:
            raise errors.ApiError(404, "NotFound", "the server could not find the requested resource")
        if info.subresource and info.subresource not in ri.subresources:
            raise errors.ApiError(404, "NotFound", "the server could not find the requested resource")
        if ri.plural == "namespaces":
            ns = None
        else:
            ns = info.namespace or None
            if ri.namespaced and info.name and not ns:
                raise errors.ApiError(404, "NotFound", "the server could not find the requested resource")
        src = user.name
        dry = query.get("dryRun") == "All"
        if query.get("dryRun") not in (None, "", "All"):
            raise errors.bad_request(f'Unsupported value: "{query.get("dryRun")}": supported values: "All"')
        validation = query.get("fieldValidation") or "Warn"
        if validation not in ("Strict", "Warn", "Ignore"):
            raise errors.bad_request(f'fieldValidation parameter unsupported: "{validation}". Supported values: '
                                     f'Strict, Warn, Ignore')
        accept = self.headers.get("Accept", "")
        ctype = self.headers.get("Content-Type", JSON)
        v = info.verb
        if v == "watch":
            return self._watch(ri, ns, query, user, accept)
        if v == "get" and info.subresource == "log":
            return self._logs(ns, info.name, query, src)
        with s.lock:
            if v == "list":
                out = s.server.list(ri, ns, label_selector=query.get("labelSelector") or None,
                                    field_selector=query.get("fieldSelector") or None,
                                    limit=int(query.get("limit") or 0) if (query.get("limit") or "0").isdigit() else 0,
                                    continue_token=query.get("continue") or None, source=src)
                if tables.wants_table(accept):
                    out = tables.table_for(ri.kind, out["items"], s.kernel.now,
                                           resource_version=out["metadata"]["resourceVersion"],
                                           continue_token=out["metadata"].get("continue", ""),
                                           include_object=query.get("includeObject") or "Metadata")
                    return self._json(200, out, tables.TABLE_CONTENT_TYPE)
                return self._json(200, out)
            if v == "get":
                if info.subresource == "scale":
                    return self._json(200, s.server.get_scale(ri, ns, info.name, source=src))
                obj = s.server.get(ri, ns, info.name, source=src)
                if tables.wants_table(accept) and not info.subresource:
                    return self._json(200, tables.table_for(ri.kind, [obj], s.kernel.now,
                                                            resource_version=obj["metadata"]["resourceVersion"],
                                                            include_object=query.get("includeObject") or "Metadata"),
                                      tables.TABLE_CONTENT_TYPE)
                return self._json(200, obj)
            if v == "create":
                return self._create(ri, ns, info, query, body, ctype, validation, dry, src)
            if v == "update":
                obj = self._object_body(body, ctype)
                warnings = check_fields(obj, validation)
                if info.subresource == "scale":
                    if not isinstance(obj.get("spec") or {}, dict) or not isinstance(obj.get("metadata") or {}, dict):
                        raise errors.bad_request("the body of the request was not a Scale object")
                    return self._json(200, s.server.update_scale(
                        ri, ns, info.name, (obj.get("spec") or {}).get("replicas"), source=src,
                        resource_version=(obj.get("metadata") or {}).get("resourceVersion")))
                self._check_name(obj, info.name)
                out = s.server.update(ri, ns, obj, subresource=info.subresource or None, source=src, dry_run=dry)
                return self._json(200, out, headers=_warn(warnings))
            if v == "patch":
                return self._patch(ri, ns, info, query, body, ctype, validation, dry, src)
            if v == "delete":
                opts = decode_body(body, ctype) if body.strip() else {}
                if not isinstance(opts, dict):
                    raise errors.bad_request("the body of the request was not a DeleteOptions object")
                grace = opts.get("gracePeriodSeconds", query.get("gracePeriodSeconds"))
                out = s.server.delete(ri, ns, info.name, grace_period_seconds=int(grace) if grace is not None else None,
                                      propagation_policy=opts.get("propagationPolicy") or query.get("propagationPolicy"),
                                      preconditions=opts.get("preconditions"), source=src,
                                      dry_run=dry or opts.get("dryRun") == ["All"])
                md = out.get("metadata") or {}
                if ri.plural != "pods" and not dry and s.server.store.get(s.server.key(ri, ns, info.name)) is None:
                    # registry/store.go: deleted at once and ReturnDeletedObject unset → a Success Status
                    return self._json(200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                                            "details": {"name": info.name, **({"group": ri.group} if ri.group else {}),
                                                        "kind": ri.plural, "uid": md.get("uid", "")}})
                return self._json(200, out)
            if v == "deletecollection":
                items = s.server.list(ri, ns, label_selector=query.get("labelSelector") or None,
                                      field_selector=query.get("fieldSelector") or None, source=src)["items"]
                for it in items:
                    try:
                        s.server.delete(ri, it["metadata"].get("namespace"), it["metadata"]["name"], source=src,
                                        dry_run=dry)
                    except errors.ApiError as e:
                        if e.code != 404:
                            raise
                return self._json(200, {"kind": ri.list_kind, "apiVersion": ri.api_version,
                                        "metadata": {"resourceVersion": str(s.server.store.revision)}, "items": items})
        raise errors.method_not_supported(ri.plural, ri.group, v)

    def _object_body(self, body: bytes, ctype: str) -> dict:
        if not body.strip():
            raise errors.bad_request("the body of the request was empty")
        obj = decode_body(body, ctype)
        if not isinstance(obj, dict):
            raise errors.bad_request("couldn't get version/kind; json parse error: json: cannot unmarshal "
                                     f"{errors.json_type_name(obj)} into Go value of type struct {{ APIVersion string "
                                     '"json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }')
        if not obj.get("kind"):
            raise errors.bad_request("Object 'Kind' is missing in '" + body.decode(errors="replace")[:200] + "'")
        return obj

    def _check_name(self, obj: dict, name: str) -> None:
        got = (obj.get("metadata") or {}).get("name")
        if got != name:
            raise errors.bad_request(f"the name of the object ({got}) does not match the name on the URL ({name})")

    def _create(self, ri, ns, info, query, body, ctype, validation, dry, src) -> None:
        s = self.served
        if info.subresource == "token" and ri.plural == "serviceaccounts":
            obj = decode_body(body, ctype) if body.strip() else {}
            return self._json(201, s.authn.token_request(ns or "default", info.name, obj))
        obj = self._object_body(body, ctype)
        if info.subresource == "binding" and ri.plural == "pods":
            return self._json(201, s.server.bind(ns, info.name, obj, source=src))
        if info.subresource == "eviction" and ri.plural == "pods":
            # policy/v1 Eviction (pkg/registry/core/pod/storage/eviction.go): 201 with a Success Status
            return self._json(201, s.server.evict(ns, info.name, source=src,
                                                  delete_options=obj.get("deleteOptions")))
        if info.subresource:
            raise errors.method_not_supported(f"{ri.plural}/{info.subresource}", ri.group, "create")
        _check_gvk(ri, obj)
        warnings = check_fields(obj, validation)
        out = s.server.create(ri, ns, obj, source=src, dry_run=dry)
        self._json(201, out, headers=_warn(warnings))

    def _patch(self, ri, ns, info, query, body, ctype, validation, dry, src) -> None:
        s = self.served
        pt = _PATCH_TYPES.get(ctype.split(";")[0].strip().lower())
        if pt is None:
            raise errors.ApiError(415, "UnsupportedMediaType",
                                  f"the body of the request was in an unknown format - accepted media types include: "
                                  f"application/json-patch+json, application/merge-patch+json, "
                                  f"application/apply-patch+yaml, application/strategic-merge-patch+json")
        patch = decode_body(body, "application/apply-patch+yaml" if pt == "apply" else JSON)
        if info.subresource == "scale":
            from ..api.patch import apply_patch

            cur = s.server.get_scale(ri, ns, info.name, source=src)
            new = apply_patch(cur, patch, pt if pt != "apply" else "merge", "Scale")
            if not isinstance(new, dict) or not isinstance(new.get("spec") or {}, dict):
                raise errors.bad_request("the patch did not produce a Scale object")
            return self._json(200, s.server.update_scale(ri, ns, info.name, (new.get("spec") or {}).get("replicas"),
                                                         source=src))
        if pt == "apply":
            # Server-side apply, simplified: no managedFields; the configuration is merged
            # into the live object with strategic-merge semantics (or created).
            if not isinstance(patch, dict):
                raise errors.bad_request("error decoding YAML: the apply configuration is not an object")
            _check_gvk(ri, patch)
            warnings = check_fields(patch, validation)
            md = patch.setdefault("metadata", {})
            if md.get("name") and md["name"] != info.name:
                raise errors.bad_request(f"the name of the object ({md['name']}) does not match the name on the "
                                         f"URL ({info.name})")
            md["name"] = info.name
            try:
                s.server.get(ri, ns, info.name, source="kube-apiserver")
            except errors.ApiError as e:
                if e.code != 404:
                    raise
                out = s.server.create(ri, ns, patch, source=src, dry_run=dry)
                return self._json(201, out, headers=_warn(warnings))
            md.pop("resourceVersion", None)
            out = s.server.patch(ri, ns, info.name, patch, "strategic", subresource=info.subresource or None,
                                 source=src, dry_run=dry)
            return self._json(200, out, headers=_warn(warnings))
        warnings = check_fields(patch, validation) if pt != "json" and isinstance(patch, dict) and \
            patch.get("kind") else []
        out = s.server.patch(ri, ns, info.name, patch, pt, subresource=info.subresource or None, source=src,
                             dry_run=dry)
        self._json(200, out, headers=_warn(warnings))

    # ------------------------------------------------------------ reviews
    def _review(self, plural: str, body: bytes, user: UserInfo, info: RequestInfo) -> None:
        s = self.served
        if info.verb != "create":
            raise errors.method_not_supported(plural, info.api_group, info.verb)
        ctype = (self.headers.get("Content-Type") or JSON).split(";")[0].strip()
        if plural == "selfsubjectreviews":
            return self._json(201, {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
                                    "metadata": {"creationTimestamp": None},
                                    "status": {"userInfo": user.to_json()}})
        review = decode_body(body, ctype)
        if not isinstance(review, dict):
            raise errors.bad_request("the body of the request was not an object")
        spec = review.get("spec") or {}
        if not isinstance(spec, dict) or not all(isinstance(spec.get(k) or {}, dict) for k in (
                "resourceAttributes", "nonResourceAttributes")):
            raise errors.bad_request(f"the body of the request was not a {plural[:-1]} object")
        subject = user
        if plural in ("subjectaccessreviews", "localsubjectaccessreviews"):
            subject = UserInfo(spec.get("user", ""), spec.get("uid", ""), tuple(spec.get("groups") or ()))
        if plural == "tokenreviews":
            u = s.authn.authenticate_token((spec or {}).get("token", ""))
            status = {"authenticated": True, "user": u.to_json()} if u else {"authenticated": False}
            return self._json(201, {**review, "status": status})
        if plural == "selfsubjectrulesreviews":
            raise errors.method_not_supported(plural, info.api_group, "create")
        ra, nra = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
        if ra:
            a = Attributes(subject, ra.get("verb", ""), ra.get("resource", ""), ra.get("group", ""),
                           ra.get("namespace", ""), ra.get("name", ""), ra.get("subresource", ""))
        elif nra:
            a = Attributes(subject, nra.get("verb", ""), path=nra.get("path", ""), resource_request=False)
        else:
            raise errors.invalid_object(review.get("kind", "SelfSubjectAccessReview"), "authorization.k8s.io", "",
                                        [errors.invalid("spec.resourceAttributes", None,
                                                        "exactly one of nonResourceAttributes or resourceAttributes "
                                                        "must be specified")])
        with s.lock:
            ok, why = s.authz.authorize(a)
        s.traced(user.name, "create", review.get("kind", "SelfSubjectAccessReview"), "", a.namespace,
                 f"{a.verb} {a.resource or a.path}: {'allowed' if ok else 'denied'}")
        status: dict[str, Any] = {"allowed": ok}
        if why:
            status["reason"] = why
        out = {"kind": review.get("kind") or "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
               "metadata": {"creationTimestamp": None}, "spec": spec, "status": status}
        self._json(201, out)

    # ------------------------------------------------------------ logs
    def _logs(self, ns, name, query, src: str) -> None:
        """GET pods/{name}/log: the API server asks the node's kubelet (APIServer.pod_logs)."""
        s = self.served
        kw: dict[str, Any] = {}
        if query.get("container"):
            kw["container"] = query["container"]
        if query.get("tailLines"):
            try:
                kw["tail"] = int(query["tailLines"])
            except ValueError:
                raise errors.bad_request(f'invalid value "{query["tailLines"]}" for tailLines')
        for q in ("timestamps", "previous"):
            if q in query:
                kw[q] = query[q] in ("true", "1")
        with s.lock:
            text = s.server.pod_logs(ns, name, source=src, **kw)
        self._send(200, (text if isinstance(text, str) else str(text)).encode(), "text/plain")

    # ------------------------------------------------------------ watch
    def _watch(self, ri, ns, query, user: UserInfo, accept: str) -> None:
        s = self.served
        q: queue.Queue = queue.Queue()
        as_table = tables.wants_table(accept)
        rv = query.get("resourceVersion") or None
        timeout = float(query.get("timeoutSeconds") or 0) or None
        bookmarks = query.get("allowWatchBookmarks") in ("true", "1")
        with s.lock:
            try:
                handle = s.server.watch(ri, ns, lambda t, o: q.put((t, o)), resource_version=rv,
                                        label_selector=query.get("labelSelector") or None,
                                        field_selector=query.get("fieldSelector") or None, source=user.name)
            except errors.ApiError as e:
                if e.code != 410:
                    raise
                handle = None
                q.put(("ERROR", e.status()))
        self.send_response(200)
        self.send_header("Content-Type", JSON)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self.close_connection = True
        first = True
        deadline = time.monotonic() + timeout if timeout else None
        last_bookmark = time.monotonic()
        try:
            while not s._closed.is_set():
                if deadline and time.monotonic() >= deadline:
                    break
                try:
                    typ, obj = q.get(timeout=0.25)
                except queue.Empty:
                    if bookmarks and time.monotonic() - last_bookmark > 1.0 and handle is not None:
                        last_bookmark = time.monotonic()
                        with s.lock:
                            rvnow = str(s.server.store.revision)
                        self._chunk({"type": "BOOKMARK", "object": {"kind": ri.kind, "apiVersion": ri.api_version,
                                                                    "metadata": {"resourceVersion": rvnow}}})
                    else:
                        self._chunk(None)  # probe: raises when the client went away
                    continue
                if typ != "ERROR" and as_table:
                    with s.lock:
                        obj = tables.table_for(ri.kind, [obj], s.kernel.now,
                                               resource_version=obj["metadata"].get("resourceVersion", ""),
                                               with_columns=first)
                    first = False
                self._chunk({"type": typ, "object": obj})
                if typ == "ERROR":
                    break
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass
        finally:
            if handle is not None:
                with s.lock:
                    handle.stop()

    def _chunk(self, event: dict | None) -> None:
        if event is None:
            self.wfile.flush()
            return
        data = json.dumps(event).encode() + b"\n"
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def _warn(warnings: list[str]) -> dict | None:
    if not warnings:
        return None
    return {"Warning": ", ".join(f'299 - "{w}"' for w in warnings)}




def _check_gvk(ri, obj: dict) -> None:
    """The body's apiVersion/kind must be the URL's (upstream: the decoder's GVK check)."""
    av, kind = obj.get("apiVersion"), obj.get("kind")
    if kind and kind != ri.kind:
        raise errors.bad_request(f'the kind in the data ({kind}) does not match the expected kind ({ri.kind})'
                                 if av == ri.api_version else
                                 f'{kind} in version "{av}" cannot be handled as a {ri.kind}: no kind "{kind}" is '
                                 f'registered for version "{av}" in scheme "pkg/api/legacyscheme/scheme.go:30"')
    if av and av != ri.api_version:
        raise errors.bad_request(f'{kind} in version "{av}" cannot be handled as a {ri.kind}: no kind "{kind}" is '
                                 f'registered for version "{av}" in scheme "pkg/api/legacyscheme/scheme.go:30"')


_METHODS = {"get": "GET", "list": "GET", "watch": "GET", "create": "POST", "update": "PUT", "patch": "PATCH",
            "delete": "DELETE"}


def request_line(rec, base: str = "https://127.0.0.1:6443") -> str:
    """A trace record of an API call as ``kubectl -v=8`` logs it: ``GET https://…/apis/apps/v1/…/web``."""
    verb, _, sub = rec.verb.partition("/")
    ri = res.for_kind(*_gvk_of(rec.kind))
    if ri is None or verb not in _METHODS:
        return f"{rec.verb} {rec.kind} {rec.name}"
    path = "/api/v1" if not ri.group else f"/apis/{ri.group}/{ri.version}"
    if ri.namespaced and rec.namespace:
        path += f"/namespaces/{rec.namespace}"
    path += f"/{ri.plural}"
    if rec.name and verb != "create" or (verb == "create" and sub):
        path += f"/{rec.name}"
    if sub:
        path += f"/{sub}"
    if verb == "watch":
        path += "?watch=true"
    return f"{_METHODS[verb]} {base}{path}"


def _gvk_of(kind: str) -> tuple[str, str]:
    for r in res.RESOURCES:
        if r.kind == kind:
            return r.api_version, kind
    return "", kind


def serve(cluster, port: int | None = None, host: str = "127.0.0.1", speed: float = 1.0, token: str | None = None,
          tls: bool = True) -> Served:
    """Serve ``cluster``'s API over HTTP(S); see :class:`Served`."""
    return Served(cluster, port=port, host=host, speed=speed, token=token, tls=tls)
