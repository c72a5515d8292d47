"""kube-apiserver: REST semantics over the etcd store.

upstream: staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go (create,
update, delete with graceful deletion and finalizers), staging/src/k8s.io/apiserver/pkg/
storage/etcd3/store.go (keys, optimistic concurrency through etcd txns),
staging/src/k8s.io/apiserver/pkg/storage/cacher (watch with selector transitions and the
spec.nodeName index for pods), plugin/pkg/admission/* (the admission plugins named below).

The API server is the only component that touches the store. Objects are stored as JSON
bytes under ``/registry/<resource>/<namespace>/<name>`` (upstream stores core types as
protobuf; JSON keeps the values readable in chapter 02). Every object handed out is
decoded afresh, so a caller that mutates it cannot corrupt the store. Writes go through an
etcd txn that compares ``mod_revision`` — the resourceVersion — which is how a stale update
becomes ``409 Conflict``.

Simplifications, each said where it applies: no authentication/authorization yet (every
caller is ``system:admin``-like), admission runs NamespaceLifecycle, ServiceAccount (the
``serviceAccountName`` default, the 403 for a missing ServiceAccount and the
``kube-api-access-*`` token volume; admission.py), DefaultTolerationSeconds and
Priority (priority 0); the watch is served from etcd's history rather than a separate
watch cache.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from ..api import errors
from ..api import meta as metautil
from ..api import resources as res
from ..api.resources import ResourceInfo
from ..etcd.errors import EtcdTimeoutError
from ..etcd.mvcc import Compare, CompactedError, MVCCStore, WatchEvent, prefix_end
from ..sim.kernel import Kernel
from ..sim.rng import RngTree
from ..sim.trace import Trace, TraceRecord
from . import strategy
from . import priority as _priority  # registers PriorityClass validation; the Priority admission plugin

# upstream: pkg/registry/core/rest/storage_core.go etc. — the etcd key prefixes per resource
KEY_PREFIX = {
    "nodes": "minions",
    "services": "services/specs",
}

DEFAULT_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")

#: field selectors each resource supports beyond metadata.name/metadata.namespace
# upstream: pkg/registry/core/pod/strategy.go ToSelectableFields, pkg/apis/core/v1/conversion.go
FIELD_LABELS: dict[str, dict[str, Callable[[dict], str]]] = {
    "pods": {
        "spec.nodeName": lambda o: o.get("spec", {}).get("nodeName", ""),
        "spec.restartPolicy": lambda o: o.get("spec", {}).get("restartPolicy", ""),
        "spec.schedulerName": lambda o: o.get("spec", {}).get("schedulerName", ""),
        "spec.serviceAccountName": lambda o: o.get("spec", {}).get("serviceAccountName", ""),
        "spec.hostNetwork": lambda o: str(bool(o.get("spec", {}).get("hostNetwork", False))).lower(),
        "status.phase": lambda o: o.get("status", {}).get("phase", ""),
        "status.podIP": lambda o: o.get("status", {}).get("podIP", ""),
        "status.nominatedNodeName": lambda o: o.get("status", {}).get("nominatedNodeName", ""),
    },
    "events": {
        "involvedObject.kind": lambda o: o.get("involvedObject", {}).get("kind", ""),
        "involvedObject.namespace": lambda o: o.get("involvedObject", {}).get("namespace", ""),
        "involvedObject.name": lambda o: o.get("involvedObject", {}).get("name", ""),
        "involvedObject.uid": lambda o: o.get("involvedObject", {}).get("uid", ""),
        "involvedObject.apiVersion": lambda o: o.get("involvedObject", {}).get("apiVersion", ""),
        "involvedObject.resourceVersion": lambda o: o.get("involvedObject", {}).get("resourceVersion", ""),
        "involvedObject.fieldPath": lambda o: o.get("involvedObject", {}).get("fieldPath", ""),
        "reason": lambda o: o.get("reason", ""),
        "reportingComponent": lambda o: o.get("reportingComponent", ""),
        "source": lambda o: o.get("source", {}).get("component", ""),
        "type": lambda o: o.get("type", ""),
    },
    "nodes": {"spec.unschedulable": lambda o: str(bool(o.get("spec", {}).get("unschedulable", False))).lower()},
    "namespaces": {"status.phase": lambda o: o.get("status", {}).get("phase", "")},
    "replicasets": {"status.replicas": lambda o: str(o.get("status", {}).get("replicas", 0))},
}


def field_value(resource: str, obj: dict, label: str) -> str:
    md = obj.get("metadata", {})
    if label == "metadata.name":
        return md.get("name", "")
    if label == "metadata.namespace":
        return md.get("namespace", "")
    fn = FIELD_LABELS.get(resource, {}).get(label)
    if fn is None:
        raise errors.bad_request(f"field label not supported: {label}")
    return fn(obj)


def _encode(obj: dict) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=False).encode()


@dataclass
class _Watch:
    id: int
    resource: str
    namespace: str | None
    handler: Callable[[str, dict], None]
    source: str
    label_selector: Any = None
    field_selector: Any = None
    node_name: str | None = None  # indexed spec.nodeName=X watch on pods
    stopped: bool = False


class WatchHandle:
    """What ``watch()`` returns: ``stop()`` ends the stream."""

    def __init__(self, server: "APIServer", w: _Watch):
        self._server = server
        self._w = w

    def stop(self) -> None:
        self._server._stop_watch(self._w)

    @property
    def stopped(self) -> bool:
        return self._w.stopped


class APIServer:
    """The in-process kube-apiserver. Callers name themselves with ``source`` for the trace."""

    name = "kube-apiserver"

    def __init__(self, store: MVCCStore, kernel: Kernel, rng: RngTree, trace: Trace, *,
                 watch_latency: float = 0.001):
        self.store = store
        self.kernel = kernel
        self.trace = trace
        self._uid_rng = rng.stream("apiserver/uid")
        self._service_ip_rng = rng.stream("apiserver/service-ip")
        # ServiceAccount tokens (TokenRequest) are signed with a key of the API server's own
        from .authn import Authenticator

        key = rng.stream("apiserver/service-account-key").getrandbits(256).to_bytes(32, "big")
        self.authenticator = Authenticator(self, key)
        self._name_rng = rng.stream("apiserver/generate-name")
        # the ServiceAccount admission plugin's own names.SimpleNameGenerator (kube-api-access-<5>)
        self._sa_volume_rng = rng.stream("apiserver/serviceaccount-admission")
        self.watch_latency = watch_latency
        self._watches: dict[str, list[_Watch]] = {}
        self._node_watches: dict[str, list[_Watch]] = {}
        self._next_watch = 1
        self.available = True  # False while etcd has no quorum
        store.watch("/registry/", self._on_store_event, range_end=prefix_end("/registry/"))

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def resource(r: str | ResourceInfo) -> ResourceInfo:
        if isinstance(r, ResourceInfo):
            return r
        ri = res.for_plural(r) or res.resolve(r)
        if ri is None:
            raise errors.ApiError(404, "NotFound", "the server could not find the requested resource")
        return ri

    @staticmethod
    def key(ri: ResourceInfo, namespace: str | None, name: str = "") -> str:
        prefix = "/registry/" + KEY_PREFIX.get(ri.plural, ri.plural) + "/"
        if ri.namespaced and namespace:
            prefix += namespace + "/"
        return prefix + name

    def _resource_of_key(self, key: str) -> ResourceInfo | None:
        rest = key[len("/registry/"):]
        for plural, pfx in KEY_PREFIX.items():
            if rest.startswith(pfx + "/"):
                return res.for_plural(plural)
        return res.for_plural(rest.split("/", 1)[0])

    def _trace(self, source: str, verb: str, ri: ResourceInfo, name: str, namespace: str | None, detail: str = "") -> None:
        if self.trace.enabled:
            self.trace.add(TraceRecord(self.kernel.now, source, self.name, verb, ri.kind, name,
                                       namespace or "", detail))

    def _trace_etcd(self, verb: str, key: str, rev: int) -> None:
        if self.trace.enabled:
            self.trace.add(TraceRecord(self.kernel.now, self.name, "etcd", verb, "key", key, "", f"rev {rev}"))

    def _decode(self, kv) -> dict:
        obj = json.loads(kv.value)
        obj["metadata"]["resourceVersion"] = str(kv.mod_revision)
        return obj

    #: --event-ttl: Events are stored with an etcd lease and vanish an hour after their last write
    EVENT_TTL = 3600
    #: upstream: storage/etcd3/lease_manager.go — writes within this window share one lease
    LEASE_REUSE_SECONDS = 60

    def _put_op(self, ri: ResourceInfo, key: str, obj: dict) -> tuple:
        """The etcd put for ``obj``: Events carry a lease of ``EVENT_TTL`` (pkg/registry/core/event)."""
        if ri.kind != "Event":
            return ("put", key, _encode(obj))
        return ("put", key, _encode(obj), self._event_lease())

    def _event_lease(self) -> int:
        """leaseManager.GetLease: reuse the current lease while it was granted less than a window ago."""
        now = self.kernel.now
        cur = getattr(self, "_lease", None)
        if cur is not None and now - cur[1] < self.LEASE_REUSE_SECONDS and cur[0] in self.store.leases():
            return cur[0]
        lease = self.store.lease_grant(self.EVENT_TTL + self.LEASE_REUSE_SECONDS)
        self._lease = (lease, now)
        if self.on_lease_granted is not None:
            self.on_lease_granted()
        return lease

    #: set by the cluster: called when a lease is granted, so etcd's lessor loop can be scheduled
    on_lease_granted = None

    def _txn(self, compares: list, success: list, failure: list = ()):
        """``self.store.txn``, with etcd's ``etcdserver: request timed out`` (a replicated store
        without quorum) turned into the Status the API server answers with.

        upstream: the etcd3 store passes the error through unconverted, and
        responsewriters.ErrorToAPIStatus makes any non-Status error a 500 with reason
        Unknown (empty) and the error's text, so kubectl prints
        ``Error from server: etcdserver: request timed out``.
        """
        try:
            return self.store.txn(compares, success, failure)
        except EtcdTimeoutError as e:
            raise errors.ApiError(500, "", str(e)) from None

    def _check_available(self) -> None:
        if not self.available:
            raise errors.timeout("etcdserver: request timed out")

    def _ns_for(self, ri: ResourceInfo, namespace: str | None) -> str | None:
        if not ri.namespaced:
            return None
        return namespace or "default"

    def _check_namespace(self, ri: ResourceInfo, namespace: str | None, creating: bool) -> None:
        """NamespaceLifecycle admission: the namespace must exist and not be terminating."""
        if not ri.namespaced:
            return
        kv = self.store.get(self.key(res.for_plural("namespaces"), None, namespace or ""))
        if kv is None:
            raise errors.not_found("namespaces", "", namespace or "")
        if creating:
            ns = json.loads(kv.value)
            if ns.get("status", {}).get("phase") == "Terminating" or ns["metadata"].get("deletionTimestamp"):
                raise errors.ApiError(
                    403, "Forbidden",
                    f'{ri.plural} "{""}" is forbidden: unable to create new content in namespace {namespace} because it is being terminated')

    # ------------------------------------------------------------------ admission
    def _admit(self, ri: ResourceInfo, obj: dict) -> None:
        """Mutating admission: ServiceAccount default, DefaultTolerationSeconds, Priority."""
        if ri.kind != "Pod":
            return
        spec = obj.setdefault("spec", {})
        # plugin/pkg/admission/serviceaccount/admission.go (admission.py service_account_admit)
        from . import admission as _adm

        try:
            _adm.service_account_admit(self, obj)
        except errors.ApiError as e:
            self._trace("ServiceAccount", "admission denied", ri, obj["metadata"].get("name", ""),
                        obj["metadata"].get("namespace", ""), e.message)
            raise
        spec.setdefault("serviceAccount", spec["serviceAccountName"])
        # plugin/pkg/admission/defaulttolerationseconds/admission.go
        tols = spec.setdefault("tolerations", [])
        for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
            if not any(t.get("key") == key and t.get("effect") in ("NoExecute", None, "") for t in tols):
                tols.append({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300})
        # plugin/pkg/admission/priority/admission.go: no PriorityClass → priority 0
        spec.setdefault("priority", 0)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
        # plugin/pkg/admission/limitranger (mutating half; see admission.py)
        from . import admission

        set_ = admission.limit_ranger_mutate(self, obj)
        if set_:
            self._trace("LimitRanger", "admission mutate", ri, obj["metadata"].get("name", ""),
                        obj["metadata"].get("namespace", ""), "; ".join(set_))

    def _validating_admission(self, ri: ResourceInfo, obj: dict, source: str, dry_run: bool) -> None:
        """Validating admission after validation: LimitRanger (min/max) and ResourceQuota (admission.py)."""
        from . import admission

        try:
            if ri.kind == "PriorityClass":  # plugin/pkg/admission/priority validatePriorityClass
                _priority.validate_priority_class_admission(self, obj, creating=True)
            if ri.kind == "Pod":
                admission.limit_ranger_validate(self, obj)
            if not dry_run:
                admission.resource_quota_validate(self, ri, obj)
        except errors.ApiError as e:
            self._trace(source, "admission denied", ri, obj["metadata"].get("name", ""),
                        obj["metadata"].get("namespace", ""), e.message)
            raise

    def _validate(self, obj: dict, old: dict | None) -> None:
        from ..api.validation import validate_or_raise

        validate_or_raise(obj, old)

    def _defaults(self, obj: dict, create: bool = True) -> None:
        from ..api.defaults import apply_defaults

        apply_defaults(obj, create=create)

    # ------------------------------------------------------------------ create
    def create(self, resource: str | ResourceInfo, namespace: str | None, obj: dict, *, source: str = "client",
               dry_run: bool = False, subresource: str | None = None) -> dict:
        """POST: store a new object; 409 AlreadyExists, 422 Invalid, 404 for a missing namespace."""
        ri = self.resource(resource)
        self._check_available()
        if not isinstance(obj, dict):
            raise errors.bad_request("the body of the request was not a JSON object")
        obj = json.loads(json.dumps(obj))  # never keep the caller's dict
        md = obj.get("metadata")
        if md is None or not isinstance(md, dict):
            md = obj["metadata"] = {}
        obj.setdefault("apiVersion", ri.api_version)
        obj.setdefault("kind", ri.kind)
        if obj["kind"] != ri.kind or obj["apiVersion"] != ri.api_version:
            raise errors.bad_request(
                f"the API version in the data ({obj['apiVersion']}) does not match the expected API version ({ri.api_version})"
                if obj["kind"] == ri.kind else
                f"{obj['kind']} in version \"{obj['apiVersion']}\" cannot be handled as a {ri.kind}")
        ns = self._ns_for(ri, namespace or md.get("namespace"))
        if ri.namespaced:
            if md.get("namespace") and namespace and md["namespace"] != namespace:
                raise errors.bad_request("the namespace of the provided object does not match the namespace sent on the request")
            md["namespace"] = ns
        else:
            md.pop("namespace", None)
        if not md.get("name") and md.get("generateName"):
            md["name"] = md["generateName"] + metautil.random_suffix(self._name_rng)
        for k in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                  "generation", "managedFields", "selfLink"):
            md.pop(k, None)
        sent = _priority.user_fields(obj) if ri.kind == "Pod" else None  # Priority admission compares with these
        self._defaults(obj)
        self._check_namespace(ri, ns, creating=True)
        strategy.prepare_for_create(obj)
        self._admit(ri, obj)
        if ri.kind == "Pod":  # plugin/pkg/admission/priority (priority.py)
            _priority.admit_pod(self, obj, sent)
        elif ri.kind == "PriorityClass":
            _priority.default_priority_class_fields(obj)
        if ri.kind == "Service":  # ClusterIP/NodePort allocation (service_ip.py)
            from . import service_ip
            service_ip.allocate(self, obj, dry_run=dry_run)
        self._validate(obj, None)
        name = md["name"]
        self._trace(source, "create", ri, name, ns, "dryRun" if dry_run else "")
        key = self.key(ri, ns, name)
        if self.store.get(key) is not None:
            raise errors.already_exists(ri.plural, ri.group, name)
        self._validating_admission(ri, obj, source, dry_run)
        if dry_run:
            md["uid"] = metautil.new_uid(self._uid_rng)
            md["creationTimestamp"] = metautil.rfc3339(self.kernel.now)
            return obj
        md["uid"] = metautil.new_uid(self._uid_rng)
        md["creationTimestamp"] = metautil.rfc3339(self.kernel.now)
        ok, results = self._txn([Compare(key, "create", "=", 0)], [self._put_op(ri, key, obj)])
        if not ok:  # pragma: no cover - checked above, kept for the txn's meaning
            raise errors.already_exists(ri.plural, ri.group, name)
        kv = results[0]
        self._trace_etcd("txn/put", key, kv.mod_revision)
        md["resourceVersion"] = str(kv.mod_revision)
        return obj

    # ------------------------------------------------------------------ read
    def get(self, resource: str | ResourceInfo, namespace: str | None, name: str, *, source: str = "client") -> dict:
        """GET one object; 404 NotFound."""
        ri = self.resource(resource)
        self._check_available()
        ns = self._ns_for(ri, namespace)
        self._trace(source, "get", ri, name, ns)
        kv = self.store.get(self.key(ri, ns, name)) if name else None
        if kv is None:
            raise errors.not_found(ri.plural, ri.group, name)
        return self._decode(kv)

    def list(self, resource: str | ResourceInfo, namespace: str | None = None, *, label_selector: Any = None,
             field_selector: Any = None, source: str = "client", limit: int = 0, continue_token: str | None = None) -> dict:
        """LIST: ``{kind: PodList, metadata: {resourceVersion}, items}``; ``namespace=None`` means all.

        ``limit``/``continue_token`` page through the list as upstream: the token carries
        the last key and the list's revision, so the pages are a consistent snapshot.
        """
        ri = self.resource(resource)
        self._check_available()
        ls = _label_selector(label_selector)
        fs = _field_selector(field_selector)
        if fs is not None:
            for req in fs.requirements:
                field_value(ri.plural, {"metadata": {}}, req.field)  # 400 on an unsupported label
        ns = namespace if ri.namespaced else None
        prefix = self.key(ri, ns) if ns else self.key(ri, None)
        start, revision = prefix, 0
        if continue_token:
            try:
                last, rev = json.loads(continue_token)
                start, revision = last + "\0", int(rev)
            except (ValueError, TypeError):
                raise errors.bad_request("continue key is not valid: invalid continue token")
        try:
            kvs, _count, header_rev = self.store.range(start, prefix_end(prefix), revision=revision)
        except CompactedError:
            raise errors.gone("The provided continue parameter is too old to display a consistent list result. "
                              "You can start a new list without the continue parameter.")
        self._trace(source, "list", ri, "", ns, _selector_detail(ls, fs))
        items = []
        rv = revision or header_rev
        next_token = None
        for kv in kvs:
            obj = self._decode(kv)
            if ls is not None and not ls.matches(obj["metadata"].get("labels") or {}):
                continue
            if fs is not None and not fs.matches(_Fields(ri.plural, obj)):
                continue
            items.append(obj)
            if limit and len(items) >= limit:
                if kv is not kvs[-1]:
                    next_token = json.dumps([kv.key, rv])
                break
        meta: dict[str, Any] = {"resourceVersion": str(rv)}
        if next_token:
            meta["continue"] = next_token
        return {"apiVersion": ri.api_version, "kind": ri.list_kind, "metadata": meta, "items": items}

    # ------------------------------------------------------------------ update
    def update(self, resource: str | ResourceInfo, namespace: str | None, obj: dict, *, subresource: str | None = None,
               source: str = "client", dry_run: bool = False) -> dict:
        """PUT: replace an object (or its status); 409 Conflict on a stale resourceVersion."""
        ri = self.resource(resource)
        self._check_available()
        if not isinstance(obj, dict) or not isinstance(obj.get("metadata"), dict):
            raise errors.bad_request("the body of the request was not a JSON object with metadata")
        obj = json.loads(json.dumps(obj))
        ns = self._ns_for(ri, namespace or obj["metadata"].get("namespace"))
        name = obj["metadata"].get("name", "")
        self._trace(source, "update" if not subresource else f"update/{subresource}", ri, name, ns,
                    "dryRun" if dry_run else "")
        key = self.key(ri, ns, name)
        kv = self.store.get(key)
        if kv is None:
            raise errors.not_found(ri.plural, ri.group, name)
        old = self._decode(kv)
        rv = obj["metadata"].get("resourceVersion")
        if rv and rv != old["metadata"]["resourceVersion"]:
            raise errors.conflict(ri.plural, ri.group, name, errors.OPTIMISTIC_LOCK_MESSAGE)
        return self._write_update(ri, ns, name, key, kv.mod_revision, old, obj, subresource, dry_run)

    def _write_update(self, ri, ns, name, key, mod_rev, old, new, subresource, dry_run) -> dict:
        new.setdefault("apiVersion", ri.api_version)
        new.setdefault("kind", ri.kind)
        md = new["metadata"]
        omd = old["metadata"]
        for k in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"):
            if k in omd:
                md[k] = omd[k]
            else:
                md.pop(k, None)
        md["name"] = omd["name"]
        if ri.namespaced:
            md["namespace"] = omd["namespace"]
        if subresource is None:
            self._defaults(new, create=False)
        strategy.prepare_for_update(ri.kind, new, old, subresource)
        if ri.kind == "Service" and subresource is None:  # keep/allocate ClusterIP and node ports (service_ip.py)
            from . import service_ip
            service_ip.allocate(self, new, old, dry_run=dry_run)
        if subresource == "status":
            # status writes keep metadata as stored (labels/annotations move only via the main resource)
            for k in ("labels", "annotations", "ownerReferences", "finalizers"):
                if k in omd:
                    md[k] = omd[k]
                else:
                    md.pop(k, None)
        self._validate(new, old)
        md.pop("resourceVersion", None)
        omd_rv = omd.pop("resourceVersion")
        if new == old:  # a no-op update writes nothing and keeps the resourceVersion
            md["resourceVersion"] = omd_rv
            omd["resourceVersion"] = omd_rv
            return new
        if dry_run:
            md["resourceVersion"] = omd_rv
            return new
        if md.get("deletionTimestamp") and not md.get("finalizers") and ri.kind != "Pod" and \
                not (ri.kind == "Namespace" and new.get("spec", {}).get("finalizers")):
            return self._delete_now(ri, key, mod_rev, new)
        ok, results = self._txn([Compare(key, "mod", "=", mod_rev)], [self._put_op(ri, key, new)])
        if not ok:
            raise errors.conflict(ri.plural, ri.group, name, errors.OPTIMISTIC_LOCK_MESSAGE)
        self._trace_etcd("txn/put", key, results[0].mod_revision)
        md["resourceVersion"] = str(results[0].mod_revision)
        return new

    def patch(self, resource: str | ResourceInfo, namespace: str | None, name: str, patch: Any,
              patch_type: str = "merge", *, subresource: str | None = None, source: str = "client",
              dry_run: bool = False) -> dict:
        """PATCH: apply a merge/strategic/JSON patch to the current object and store the result."""
        from ..api.patch import apply_patch

        ri = self.resource(resource)
        self._check_available()
        ns = self._ns_for(ri, namespace)
        self._trace(source, "patch" if not subresource else f"patch/{subresource}", ri, name, ns,
                    "dryRun" if dry_run else "")
        key = self.key(ri, ns, name)
        kv = self.store.get(key)
        if kv is None:
            raise errors.not_found(ri.plural, ri.group, name)
        old = self._decode(kv)
        new = apply_patch(json.loads(json.dumps(old)), patch, patch_type, ri.kind)
        if not isinstance(new, dict) or not isinstance(new.get("metadata"), dict):
            raise errors.bad_request("the patch produced an object without metadata")
        prv = new["metadata"].get("resourceVersion")
        if prv and prv != old["metadata"]["resourceVersion"]:
            raise errors.conflict(ri.plural, ri.group, name, errors.OPTIMISTIC_LOCK_MESSAGE)
        return self._write_update(ri, ns, name, key, kv.mod_revision, old, new, subresource, dry_run)

    # ------------------------------------------------------------------ delete
    def delete(self, resource: str | ResourceInfo, namespace: str | None, name: str, *,
               grace_period_seconds: int | None = None, propagation_policy: str | None = None,
               preconditions: dict | None = None, source: str = "client", dry_run: bool = False) -> dict:
        """DELETE: graceful for pods on a node, finalizers honoured; returns the object."""
        ri = self.resource(resource)
        self._check_available()
        ns = self._ns_for(ri, namespace)
        self._trace(source, "delete", ri, name, ns, "dryRun" if dry_run else "")
        key = self.key(ri, ns, name)
        kv = self.store.get(key)
        if kv is None:
            raise errors.not_found(ri.plural, ri.group, name)
        obj = self._decode(kv)
        md = obj["metadata"]
        if preconditions:
            if preconditions.get("uid") and preconditions["uid"] != md.get("uid"):
                raise errors.conflict(ri.plural, ri.group, name,
                                      f"Precondition failed: UID in precondition: {preconditions['uid']}, UID in object meta: {md.get('uid')}")
            if preconditions.get("resourceVersion") and preconditions["resourceVersion"] != md["resourceVersion"]:
                raise errors.conflict(ri.plural, ri.group, name,
                                      f"Precondition failed: ResourceVersion in precondition: {preconditions['resourceVersion']}, ResourceVersion in object meta: {md['resourceVersion']}")
        if dry_run:
            return obj
        if ri.kind == "Namespace" and obj.get("spec", {}).get("finalizers"):
            # pkg/registry/core/namespace/storage/storage.go Delete: the namespace turns
            # Terminating; the namespace controller empties it, then finalizes it
            if md.get("deletionTimestamp"):
                return obj
            md["deletionTimestamp"] = metautil.rfc3339(self.kernel.now)
            md["deletionGracePeriodSeconds"] = 0
            obj.setdefault("status", {})["phase"] = "Terminating"
            md.pop("resourceVersion")
            ok, results = self._txn([Compare(key, "mod", "=", kv.mod_revision)], [("put", key, _encode(obj))])
            self._trace_etcd("txn/put", key, results[0].mod_revision)
            md["resourceVersion"] = str(results[0].mod_revision)
            return obj
        finalizers = list(md.get("finalizers") or [])
        if propagation_policy == "Foreground" and "foregroundDeletion" not in finalizers:
            finalizers.append("foregroundDeletion")
        elif propagation_policy == "Orphan" and "orphan" not in finalizers:
            finalizers.append("orphan")
        grace = None
        if ri.kind == "Pod":
            # pkg/registry/core/pod/strategy.go CheckGracefulDelete
            grace = grace_period_seconds
            if grace is None:
                grace = obj.get("spec", {}).get("terminationGracePeriodSeconds", 30)
            if not obj.get("spec", {}).get("nodeName") or obj.get("status", {}).get("phase") in ("Failed", "Succeeded"):
                grace = 0
        if (grace and grace > 0) or finalizers:
            already = md.get("deletionTimestamp")
            cur_grace = md.get("deletionGracePeriodSeconds")
            if already and not (grace is not None and cur_grace is not None and grace < cur_grace) and \
                    finalizers == list(md.get("finalizers") or []):
                return obj
            md["deletionTimestamp"] = md.get("deletionTimestamp") or metautil.rfc3339(self.kernel.now + (grace or 0))
            if grace is not None:
                md["deletionGracePeriodSeconds"] = grace
            else:
                md["deletionGracePeriodSeconds"] = 0
            if finalizers:
                md["finalizers"] = finalizers
            md.pop("resourceVersion")
            ok, results = self._txn([Compare(key, "mod", "=", kv.mod_revision)], [("put", key, _encode(obj))])
            if not ok:  # pragma: no cover
                raise errors.conflict(ri.plural, ri.group, name, errors.OPTIMISTIC_LOCK_MESSAGE)
            self._trace_etcd("txn/put", key, results[0].mod_revision)
            md["resourceVersion"] = str(results[0].mod_revision)
            return obj
        return self._delete_now(ri, key, kv.mod_revision, obj)

    def _delete_now(self, ri: ResourceInfo, key: str, mod_rev: int, obj: dict) -> dict:
        ok, results = self._txn([Compare(key, "mod", "=", mod_rev)], [("delete", key)])
        if not ok:
            raise errors.conflict(ri.plural, ri.group, obj["metadata"]["name"], errors.OPTIMISTIC_LOCK_MESSAGE)
        self._trace_etcd("txn/delete", key, self.store.revision)
        return obj

    # ------------------------------------------------------------------ subresources
    def bind(self, namespace: str, name: str, binding: dict, *, source: str = "client") -> dict:
        """POST pods/binding: set spec.nodeName once and mark PodScheduled (pkg/registry/core/pod/storage)."""
        ri = res.for_plural("pods")
        self._check_available()
        target = (binding.get("target") or {}).get("name", "")
        self._trace(source, "create/binding", ri, name, namespace, f"node {target}")
        key = self.key(ri, namespace, name)
        kv = self.store.get(key)
        if kv is None:
            raise errors.not_found("pods", "", name)
        pod = self._decode(kv)
        if pod["metadata"].get("deletionTimestamp"):
            raise errors.conflict("pods", "", name, f"pod {name} is being deleted, cannot be assigned to a host")
        if pod["spec"].get("nodeName"):
            raise errors.conflict("pods", "", name, f"pod {name} is already assigned to node \"{pod['spec']['nodeName']}\"")
        if not target:
            raise errors.invalid_object("Binding", "", name, [errors.required("target.name")])
        pod["spec"]["nodeName"] = target
        conds = pod.setdefault("status", {}).setdefault("conditions", [])
        conds[:] = [c for c in conds if c.get("type") != "PodScheduled"]
        conds.append({"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                      "lastTransitionTime": metautil.rfc3339(self.kernel.now)})
        pod["metadata"].pop("resourceVersion")
        ok, results = self._txn([Compare(key, "mod", "=", kv.mod_revision)], [("put", key, _encode(pod))])
        self._trace_etcd("txn/put", key, results[0].mod_revision)
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}

    def get_scale(self, resource: str | ResourceInfo, namespace: str, name: str, *, source: str = "client") -> dict:
        """GET <resource>/scale: an autoscaling/v1 Scale."""
        ri = self.resource(resource)
        obj = self.get(ri, namespace, name, source=source)
        return self._scale_of(obj)

    def update_scale(self, resource: str | ResourceInfo, namespace: str, name: str, replicas: int, *,
                     source: str = "client", resource_version: str | None = None) -> dict:
        """PUT/PATCH <resource>/scale: set spec.replicas."""
        ri = self.resource(resource)
        if ri.plural not in ("deployments", "replicasets", "statefulsets", "replicationcontrollers"):
            raise errors.ApiError(404, "NotFound", "the server could not find the requested resource")
        self._check_available()
        self._trace(source, "update/scale", ri, name, namespace, f"replicas={replicas}")
        obj = self.get(ri, namespace, name, source=self.name)
        if resource_version and resource_version != obj["metadata"]["resourceVersion"]:
            raise errors.conflict(ri.plural, ri.group, name, errors.OPTIMISTIC_LOCK_MESSAGE)
        if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
            raise errors.invalid_object("Scale", "autoscaling", name,
                                        [errors.invalid("spec.replicas", replicas, "must be greater than or equal to 0")])
        obj["spec"]["replicas"] = replicas
        new = self.update(ri, namespace, obj, source=self.name)
        return self._scale_of(new)

    @staticmethod
    def _scale_of(obj: dict) -> dict:
        from ..api.selector import label_selector_to_string

        md = obj["metadata"]
        return {
            "kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {k: md[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if k in md},
            "spec": {"replicas": obj["spec"].get("replicas", 1)},
            "status": {"replicas": obj.get("status", {}).get("replicas", 0),
                       "selector": label_selector_to_string(obj["spec"].get("selector") or {})},
        }

    def evict(self, namespace: str, name: str, *, source: str = "client", delete_options: dict | None = None) -> dict:
        """POST pods/eviction: delete the pod unless its PodDisruptionBudget forbids it (429); see eviction.py."""
        from . import eviction

        self._check_available()
        self._trace(source, "create/eviction", res.for_plural("pods"), name, namespace)
        return eviction.evict(self, namespace, name, source=source, delete_options=delete_options)

    # ------------------------------------------------------------------ watch
    def watch(self, resource: str | ResourceInfo, namespace: str | None, handler: Callable[[str, dict], None], *,
              resource_version: str | None = None, label_selector: Any = None, field_selector: Any = None,
              source: str = "client") -> WatchHandle:
        """WATCH: ``handler(type, obj)`` is called for ADDED/MODIFIED/DELETED, each delivery a kernel event.

        With no resourceVersion (or "0") the stream starts with synthetic ADDED events for
        what exists; with one, it replays every change after it, or fails with 410 Gone
        when that revision has been compacted.
        """
        ri = self.resource(resource)
        self._check_available()
        ls = _label_selector(label_selector)
        fs = _field_selector(field_selector)
        if fs is not None:
            for req in fs.requirements:
                field_value(ri.plural, {"metadata": {}}, req.field)
        ns = namespace if ri.namespaced else None
        w = _Watch(self._next_watch, ri.plural, ns, handler, source, ls, fs)
        self._next_watch += 1
        if ri.plural == "pods" and fs is not None:
            for req in fs.requirements:
                if req.field == "spec.nodeName" and req.operator in ("=", "=="):
                    w.node_name = req.value
        self._trace(source, "watch", ri, "", ns, _selector_detail(ls, fs))
        replay: list[tuple[str, dict]] = []
        if resource_version in (None, "", "0"):
            for obj in self.list(ri, ns, label_selector=ls, field_selector=fs, source=self.name)["items"]:
                replay.append(("ADDED", obj))
        else:
            try:
                rv = int(resource_version)
            except ValueError:
                raise errors.bad_request(f'invalid resource version "{resource_version}"')
            try:
                events = self.store.history_since(rv + 1) if rv < self.store.revision else []
            except CompactedError:
                raise errors.gone(f"too old resource version: {rv} ({self.store.compact_revision})")
            prefix = self.key(ri, ns)
            for ev in events:
                if ev.kv.key.startswith(prefix):
                    out = self._event_for(w, ev)
                    if out:
                        replay.append(out)
        if w.node_name is not None:
            self._node_watches.setdefault(w.node_name, []).append(w)
        else:
            self._watches.setdefault(ri.plural, []).append(w)
        for typ, obj in replay:
            self._deliver(w, typ, obj)
        return WatchHandle(self, w)

    def _stop_watch(self, w: _Watch) -> None:
        w.stopped = True
        lst = self._node_watches.get(w.node_name, []) if w.node_name is not None else self._watches.get(w.resource, [])
        if w in lst:
            lst.remove(w)

    def _matches(self, w: _Watch, obj: dict | None) -> bool:
        if obj is None:
            return False
        md = obj["metadata"]
        if w.namespace and md.get("namespace") != w.namespace:
            return False
        if w.label_selector is not None and not w.label_selector.matches(md.get("labels") or {}):
            return False
        if w.field_selector is not None and not w.field_selector.matches(_Fields(w.resource, obj)):
            return False
        return True

    def _event_for(self, w: _Watch, ev: WatchEvent, decoded: "_Decoded | None" = None) -> tuple[str, dict] | None:
        """The event ``w`` sees: selector transitions become ADDED/DELETED, as the cacher does.

        Matching uses one shared decoding of the event (``decoded``); the object handed to
        the watcher is decoded afresh, so no two watchers share a dict.
        """
        d = decoded or _Decoded(self, ev)
        if w.namespace is None and w.label_selector is None and w.field_selector is None:
            new_match, old_match = ev.type == "PUT", ev.prev_kv is not None
        else:
            new_match = self._matches(w, d.cur)
            old_match = self._matches(w, d.prev)
        if ev.type == "DELETE":
            if old_match:
                obj = self._decode(ev.prev_kv)
                obj["metadata"]["resourceVersion"] = str(ev.kv.mod_revision)
                return ("DELETED", obj)
            return None
        if new_match and old_match:
            return ("MODIFIED", self._decode(ev.kv))
        if new_match:
            return ("ADDED", self._decode(ev.kv))
        if old_match:
            return ("DELETED", self._decode(ev.kv))
        return None

    def _on_store_event(self, ev: WatchEvent) -> None:
        ri = self._resource_of_key(ev.kv.key)
        if ri is None:
            return
        watchers = list(self._watches.get(ri.plural, ()))
        decoded = _Decoded(self, ev)
        if ri.plural == "pods" and self._node_watches:
            nodes = set()
            for obj in (decoded.cur, decoded.prev):
                if obj is not None:
                    n = obj.get("spec", {}).get("nodeName")
                    if n:
                        nodes.add(n)
            for n in sorted(nodes):
                watchers.extend(self._node_watches.get(n, ()))
        for w in watchers:
            out = self._event_for(w, ev, decoded)
            if out is not None:
                self._deliver(w, *out)

    def _deliver(self, w: _Watch, typ: str, obj: dict) -> None:
        ri = res.for_plural(w.resource)

        def fire() -> None:
            if w.stopped:
                return
            if self.trace.enabled:
                md = obj["metadata"]
                self.trace.add(TraceRecord(self.kernel.now, self.name, w.source, f"watch {typ}", ri.kind,
                                           md.get("name", ""), md.get("namespace", ""), f"rv {md.get('resourceVersion')}"))
            w.handler(typ, obj)

        self.kernel.call_later(self.watch_latency, fire, source=w.source,
                               what=f"watch {typ} {ri.kind} {obj['metadata'].get('name', '')}")

    # ------------------------------------------------------------------ bootstrap
    # ------------------------------------------------------------------ pods/log and pods/exec (proxied to the kubelet)
    def register_kubelet(self, node_name: str, conn: Any) -> None:
        """Where ``node_name``'s kubelet server is: pods/log and pods/exec are proxied to it.

        ``conn`` has ``logs(namespace, pod, container, previous, tail, timestamps)`` and
        ``exec(namespace, pod, container, argv)`` (k8slab.node.kubelet.Kubelet does).
        upstream: pkg/registry/core/pod/rest/log.go, subresources.go; strategy.go ``LogLocation``.
        """
        self.__dict__.setdefault("_kubelet_conns", {})[node_name] = conn

    def _pod_container(self, namespace: str, name: str, container: str | None, source: str, verb: str):
        pod = self.get("pods", namespace, name, source=source)
        spec = pod.get("spec") or {}
        names = [c.get("name") for c in spec.get("containers") or []]
        inits = [c.get("name") for c in spec.get("initContainers") or []]
        if not container:
            if len(names) == 1:
                container = names[0]
            else:
                msg = f"a container name must be specified for pod {name}, choose one of: [{' '.join(names)}]"
                if inits:
                    msg += f" or one of the init containers: [{' '.join(inits)}]"
                raise errors.bad_request(msg)
        elif container not in names and container not in inits:
            raise errors.bad_request(f"container {container} is not valid for pod {name}")
        node = spec.get("nodeName")
        if not node:
            raise errors.bad_request(f"pod {name} does not have a host assigned")
        conn = self.__dict__.get("_kubelet_conns", {}).get(node)
        self._trace(source, verb, res.for_plural("pods"), name, namespace, f"proxy to kubelet on {node}")
        if conn is None or not getattr(conn, "alive", True):
            ip = getattr(conn, "internal_ip", node)
            raise errors.ApiError(500, "InternalError",
                                  f'Get "https://{ip}:10250/containerLogs/{namespace}/{name}/{container}": '
                                  f"dial tcp {ip}:10250: connect: no route to host")
        return pod, container, conn

    def pod_logs(self, namespace: str, name: str, *, container: str | None = None, previous: bool = False,
                 tail: int | None = None, timestamps: bool = False, source: str = "client") -> str:
        """GET pods/{name}/log: the container's log text, read from its node's kubelet."""
        _pod, container, conn = self._pod_container(namespace, name, container, source, "get-log")
        return conn.logs(namespace, name, container, previous=previous, tail=tail, timestamps=timestamps)

    def pod_exec(self, namespace: str, name: str, argv: list[str], *, container: str | None = None,
                 source: str = "client") -> tuple[int, str]:
        """POST pods/{name}/exec: run ``argv`` in the container; (exit code, output)."""
        _pod, container, conn = self._pod_container(namespace, name, container, source, "exec")
        return conn.exec(namespace, name, container, list(argv))

    # ------------------------------------------------------------------ aggregated APIs and kubelet stats (metrics)
    def register_api_service(self, group_version: str, backend: Any) -> None:
        """An APIService: ``group_version`` (``metrics.k8s.io/v1beta1``) is served by ``backend``.

        ``backend.serve(resource, namespace, name, label_selector)`` returns the object or list.
        upstream: staging/src/k8s.io/kube-aggregator (the proxy to an APIService's backend).
        """
        self.__dict__.setdefault("_api_services", {})[group_version] = backend

    def get_aggregated(self, group_version: str, resource: str, namespace: str | None = None, name: str | None = None,
                       *, label_selector: Any = None, source: str = "client") -> dict:
        """GET /apis/{group_version}/[namespaces/{ns}/]{resource}[/{name}], proxied to the APIService."""
        backend = self.__dict__.get("_api_services", {}).get(group_version)
        if self.trace.enabled:
            kind = {"nodes": "NodeMetrics", "pods": "PodMetrics"}.get(resource, resource)
            self.trace.add(TraceRecord(self.kernel.now, source, self.name, "get" if name else "list", kind,
                                       name or "", namespace or "", f"proxy to {group_version}"))
        if backend is None:
            raise errors.ApiError(404, "NotFound", "the server could not find the requested resource")
        return backend.serve(resource, namespace, name, label_selector)

    def node_stats(self, node_name: str, *, source: str = "client") -> dict[tuple[str, str], dict]:
        """GET /api/v1/nodes/{node}/proxy/metrics/resource (simplified): {(ns, pod): {container: stats}}.

        Read from the node's kubelet connection (``container_stats(ns, pod)``) for the pods bound to it.
        """
        conn = self.__dict__.get("_kubelet_conns", {}).get(node_name)
        if self.trace.enabled:
            self.trace.add(TraceRecord(self.kernel.now, source, self.name, "get", "Node", node_name, "",
                                       "proxy to kubelet /metrics/resource"))
        if conn is None or not getattr(conn, "alive", True):
            ip = getattr(conn, "internal_ip", node_name)
            raise errors.ApiError(500, "InternalError", f'Get "https://{ip}:10250/metrics/resource": '
                                                        f"dial tcp {ip}:10250: connect: no route to host")
        out: dict[tuple[str, str], dict] = {}
        for pod in self.list("pods", None, source=source)["items"]:
            if (pod.get("spec") or {}).get("nodeName") != node_name:
                continue
            md = pod["metadata"]
            try:
                out[(md["namespace"], md["name"])] = conn.container_stats(md["namespace"], md["name"])
            except errors.ApiError:
                continue  # not (or no longer) running there
        return out

    def create_token(self, namespace: str, name: str, body: dict | None = None, *, source: str = "client") -> dict:
        """POST serviceaccounts/{name}/token: a TokenRequest answered with a signed token."""
        self._check_available()
        self._trace(source, "create/token", res.for_plural("serviceaccounts"), name, namespace)
        return self.authenticator.token_request(namespace, name, body)

    def bootstrap(self) -> None:
        """Create the namespaces every cluster starts with, and the ``default/kubernetes`` Service."""
        for ns in DEFAULT_NAMESPACES:
            if self.store.get(self.key(res.for_plural("namespaces"), None, ns)) is None:
                self.create("namespaces", None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}},
                            source=self.name)
        from . import service_ip  # the default/kubernetes Service at the range's first address

        if self.store.get(self.key(res.for_plural("services"), "default", "kubernetes")) is None:
            self.create("services", "default", service_ip.kubernetes_service(), source=self.name)
        if self.store.get(self.key(res.for_plural("endpointslices"), "default", "kubernetes")) is None:
            self.create("endpointslices", "default", service_ip.kubernetes_endpointslice(), source=self.name)
        for pc in _priority.system_priority_class_objects():  # storage_scheduling.go's post-start hook
            if self.store.get(self.key(res.for_plural("priorityclasses"), None, pc["metadata"]["name"])) is None:
                self.create("priorityclasses", None, pc, source=self.name)
        # The ``default`` ServiceAccount and the ``kube-root-ca.crt`` ConfigMap of the namespaces
        # every cluster starts with. upstream: the serviceaccounts and root-ca-cert-publisher
        # controllers of kube-controller-manager create them within a second of the cluster's
        # start, long before a user arrives; k8slab creates them here so they exist even before
        # the controller manager has won its Lease (the controllers then keep them, and create
        # them in every new namespace: controllers/serviceaccount.py, rootcacertpublisher.py).
        from . import admission as _adm

        for ns in DEFAULT_NAMESPACES:
            if self.store.get(self.key(res.for_plural("serviceaccounts"), ns, "default")) is None:
                self.create("serviceaccounts", ns, _adm.default_service_account(), source=self.name)
            if self.store.get(self.key(res.for_plural("configmaps"), ns, _adm.ROOT_CA_CONFIGMAP)) is None:
                self.create("configmaps", ns, _adm.root_ca_configmap(), source=self.name)


class _Decoded:
    """One event's current and previous objects, decoded at most once, for selector matching."""

    __slots__ = ("_server", "_ev", "_cur", "_prev")
    _UNSET = object()

    def __init__(self, server: "APIServer", ev: WatchEvent):
        self._server = server
        self._ev = ev
        self._cur = self._prev = self._UNSET

    @property
    def cur(self) -> dict | None:
        if self._cur is self._UNSET:
            self._cur = self._server._decode(self._ev.kv) if self._ev.type == "PUT" else None
        return self._cur

    @property
    def prev(self) -> dict | None:
        if self._prev is self._UNSET:
            self._prev = self._server._decode(self._ev.prev_kv) if self._ev.prev_kv is not None else None
        return self._prev


class _Fields:
    """A lazy mapping of an object's selectable fields, for FieldSelector.matches."""

    def __init__(self, resource: str, obj: dict):
        self.resource = resource
        self.obj = obj

    def get(self, key: str, default: str = "") -> str:
        return field_value(self.resource, self.obj, key)

    def __getitem__(self, key: str) -> str:
        return field_value(self.resource, self.obj, key)

    def __contains__(self, key: str) -> bool:
        return True


def _label_selector(sel: Any):
    if sel is None or sel == "":
        return None
    if isinstance(sel, str):
        from ..api.selector import parse_selector

        try:
            return parse_selector(sel)
        except ValueError as e:
            raise errors.bad_request(f"unable to parse requirement: {e}")
    return sel


def _field_selector(sel: Any):
    if sel is None or sel == "":
        return None
    if isinstance(sel, str):
        from ..api.selector import parse_field_selector

        try:
            return parse_field_selector(sel)
        except ValueError as e:
            raise errors.bad_request(str(e))
    return sel


def _selector_detail(ls: Any, fs: Any) -> str:
    parts = []
    if ls is not None:
        parts.append(f"labelSelector={ls}")
    if fs is not None:
        parts.append(f"fieldSelector={fs}")
    return " ".join(parts)
