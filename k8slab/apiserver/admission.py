"""Admission plugins beyond the ones ``server._admit`` runs inline: LimitRanger and ResourceQuota.

upstream: plugin/pkg/admission/limitranger/admission.go (mutating: container defaults from
a LimitRange's ``default``/``defaultRequest``, with the ``kubernetes.io/limit-ranger``
annotation; validating: ``min``/``max`` per Container) and plugin/pkg/admission/
resourcequota + pkg/quota/v1/evaluator/core/pods.go (validating: a create must fit every
ResourceQuota of its namespace; ``status.used`` is charged at admission).

Simplifications: LimitRange type ``Container`` only (no Pod/PersistentVolumeClaim limits, no
maxLimitRequestRatio); ResourceQuota counts pods, the compute resources (``cpu``,
``memory``, ``requests.*``, ``limits.*``) and ``count/<resource>`` object counts, on create
only, without scopes; there is no resource-quota controller (usage is recomputed from the
stored objects at each admission and written to ``status``). Both act only when such objects
exist, so clusters without them behave exactly as before.
"""

from __future__ import annotations

import json
from decimal import Decimal

from ..api import errors
from ..api.quantity import format_quantity, parse_quantity
from ..etcd.mvcc import prefix_end

COMPUTE = ("cpu", "memory")


def _stored(server, plural: str, namespace: str) -> list[dict]:
    from ..api import resources as res

    ri = res.for_plural(plural)
    prefix = server.key(ri, namespace)
    kvs, _, _ = server.store.range(prefix, prefix_end(prefix))
    out = []
    for kv in kvs:
        o = json.loads(kv.value)
        o["metadata"]["resourceVersion"] = str(kv.mod_revision)
        out.append(o)
    return out


def _fmt(d: Decimal, like: str) -> str:
    try:
        from ..api.quantity import parse_quantity_with_format

        return format_quantity(d, parse_quantity_with_format(like)[1])
    except Exception:  # pragma: no cover - formatting fallback
        return str(d)


# ---------------------------------------------------------------- LimitRanger
def limit_ranger_mutate(server, pod: dict) -> list[str]:
    """Set missing container requests/limits from the namespace's LimitRange defaults; returns what was set."""
    ns = pod["metadata"].get("namespace", "default")
    ranges = _stored(server, "limitranges", ns)
    if not ranges:
        return []
    default_req: dict[str, str] = {}
    default_lim: dict[str, str] = {}
    for lr in ranges:
        for item in (lr.get("spec") or {}).get("limits") or []:
            if item.get("type") != "Container":
                continue
            for k, v in (item.get("defaultRequest") or {}).items():
                default_req.setdefault(k, v)
            for k, v in (item.get("default") or {}).items():
                default_lim.setdefault(k, v)
    # pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem: defaultRequest falls back to default
    for k, v in default_lim.items():
        default_req.setdefault(k, v)
    notes = []
    for c in (pod.get("spec") or {}).get("containers") or []:
        r = c.setdefault("resources", {})
        lims, reqs = r.setdefault("limits", {}), r.setdefault("requests", {})
        lim_set = [k for k in default_lim if k not in lims]
        for k in lim_set:
            lims[k] = default_lim[k]
        req_set = [k for k in default_req if k not in reqs]
        for k in req_set:
            reqs[k] = default_req[k]
        if not lims:
            r.pop("limits")
        if not reqs:
            r.pop("requests")
        if req_set:
            notes.append(f"{', '.join(sorted(req_set))} request for container {c.get('name')}")
        if lim_set:
            notes.append(f"{', '.join(sorted(lim_set))} limit for container {c.get('name')}")
    if notes:
        ann = pod["metadata"].setdefault("annotations", {})
        ann["kubernetes.io/limit-ranger"] = "LimitRanger plugin set: " + "; ".join(notes)
    return notes


def limit_ranger_validate(server, pod: dict) -> None:
    """min/max per Container: 403 as upstream (``maximum cpu usage per Container is 1, but limit is 2``)."""
    ns = pod["metadata"].get("namespace", "default")
    name = pod["metadata"].get("name", "")
    for lr in _stored(server, "limitranges", ns):
        for item in (lr.get("spec") or {}).get("limits") or []:
            if item.get("type") != "Container":
                continue
            for c in (pod.get("spec") or {}).get("containers") or []:
                r = c.get("resources") or {}
                for k, mx in (item.get("max") or {}).items():
                    lim = (r.get("limits") or {}).get(k)
                    if lim is None:
                        raise errors.forbidden("pods", "", name, f"maximum {k} usage per Container is {mx}.  "
                                               f"No limit is specified")
                    if parse_quantity(lim) > parse_quantity(mx):
                        raise errors.forbidden("pods", "", name, f"maximum {k} usage per Container is {mx}, "
                                               f"but limit is {lim}")
                for k, mn in (item.get("min") or {}).items():
                    req = (r.get("requests") or {}).get(k)
                    if req is None:
                        raise errors.forbidden("pods", "", name, f"minimum {k} usage per Container is {mn}.  "
                                               f"No request is specified")
                    if parse_quantity(req) < parse_quantity(mn):
                        raise errors.forbidden("pods", "", name, f"minimum {k} usage per Container is {mn}, "
                                               f"but request is {req}")


# ---------------------------------------------------------------- ResourceQuota
def _pod_usage(pod: dict) -> dict[str, Decimal]:
    """pkg/quota/v1/evaluator/core/pods.go PodUsageFunc (containers only; init containers as max)."""
    use: dict[str, Decimal] = {"pods": Decimal(1), "count/pods": Decimal(1)}
    for kind in ("requests", "limits"):
        for res in COMPUTE:
            total = Decimal(0)
            for c in (pod.get("spec") or {}).get("containers") or []:
                v = ((c.get("resources") or {}).get(kind) or {}).get(res)
                if v is not None:
                    total += parse_quantity(v)
            init = Decimal(0)
            for c in (pod.get("spec") or {}).get("initContainers") or []:
                v = ((c.get("resources") or {}).get(kind) or {}).get(res)
                if v is not None:
                    init = max(init, parse_quantity(v))
            use[f"{kind}.{res}"] = max(total, init)
    use["cpu"], use["memory"] = use["requests.cpu"], use["requests.memory"]
    return use


def _terminal(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def _usage(server, ri, obj: dict, ns: str) -> dict[str, Decimal]:
    if ri.plural == "pods":
        return _pod_usage(obj)
    return {f"count/{ri.group_resource}": Decimal(1), ri.plural: Decimal(1)}


def resource_quota_validate(server, ri, obj: dict) -> None:
    """Reject a create that would exceed a ResourceQuota of its namespace; charge ``status.used``."""
    if not ri.namespaced or ri.plural in ("events", "resourcequotas"):
        return
    ns = obj["metadata"].get("namespace", "default")
    quotas = _stored(server, "resourcequotas", ns)
    if not quotas:
        return
    name = obj["metadata"].get("name", "")
    new = _usage(server, ri, obj, ns)
    current: dict[str, Decimal] = {}
    for p in _stored(server, ri.plural, ns):
        if ri.plural == "pods" and _terminal(p):
            continue
        for k, v in _usage(server, ri, p, ns).items():
            current[k] = current.get(k, Decimal(0)) + v
    for q in sorted(quotas, key=lambda q: q["metadata"]["name"]):
        hard = (q.get("spec") or {}).get("hard") or {}
        relevant = [k for k in sorted(hard) if k in new]
        if ri.plural == "pods":
            missing = [k for k in sorted(hard) if k.startswith(("requests.", "limits.")) or k in COMPUTE]
            need = []
            for k in missing:
                kind, _, res = k.partition(".") if "." in k else ("requests", "", k)
                for c in (obj.get("spec") or {}).get("containers") or []:
                    if res not in ((c.get("resources") or {}).get(kind) or {}):
                        need.append(f"{kind}.{res}" if "." in k else res)
            if need:
                raise errors.forbidden(ri.plural, ri.group, name,
                                       f"failed quota: {q['metadata']['name']}: must specify "
                                       f"{','.join(sorted(set(need)))}")
        exceeded = []
        for k in relevant:
            if current.get(k, Decimal(0)) + new[k] > parse_quantity(hard[k]):
                exceeded.append(k)
        if exceeded:
            req = ",".join(f"{k}={_fmt(new[k], hard[k])}" for k in exceeded)
            used = ",".join(f"{k}={_fmt(current.get(k, Decimal(0)), hard[k])}" for k in exceeded)
            lim = ",".join(f"{k}={hard[k]}" for k in exceeded)
            raise errors.forbidden(ri.plural, ri.group, name,
                                   f"exceeded quota: {q['metadata']['name']}, requested: {req}, used: {used}, "
                                   f"limited: {lim}")
    # charge status.used (upstream: the quota admission controller updates status before storing)
    for q in quotas:
        hard = (q.get("spec") or {}).get("hard") or {}
        used = {k: _fmt(current.get(k, Decimal(0)) + new.get(k, Decimal(0)), hard[k]) for k in sorted(hard)}
        if (q.get("status") or {}).get("used") != used or (q.get("status") or {}).get("hard") != hard:
            q["status"] = {"hard": hard, "used": used}
            try:
                server.update("resourcequotas", ns, q, subresource="status", source="kube-apiserver")
            except errors.ApiError:  # pragma: no cover - a racing quota update; the next admission fixes it
                pass


# ---------------------------------------------------------------- ServiceAccount
#: upstream: plugin/pkg/admission/serviceaccount/admission.go
DEFAULT_SERVICE_ACCOUNT_NAME = "default"
SERVICE_ACCOUNT_VOLUME_NAME = "kube-api-access"
DEFAULT_API_TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
#: pkg/serviceaccount/claims.go WarnOnlyBoundTokenExpirationSeconds (1 hour + 7 seconds)
WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 3607
#: pkg/controller/certificates/rootcacertpublisher/publisher.go RootCACertConfigMapName
ROOT_CA_CONFIGMAP = "kube-root-ca.crt"
#: what k8slab publishes as ca.crt: the in-process cluster has no TLS; ``serve()`` makes its own
#: throw-away certificate, which kubectl gets through the kubeconfig instead.
ROOT_CA_PLACEHOLDER = ("# k8slab: this file stands for the cluster's root CA certificate (the CA that signs\n"
                       "# the kube-apiserver's serving certificate); the simulated cluster has none.\n")


def default_service_account() -> dict:
    """The ``default`` ServiceAccount (pkg/controller/serviceaccount/serviceaccounts_controller.go)."""
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": DEFAULT_SERVICE_ACCOUNT_NAME}}


def root_ca_configmap() -> dict:
    """``kube-root-ca.crt`` (pkg/controller/certificates/rootcacertpublisher/publisher.go)."""
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": ROOT_CA_CONFIGMAP},
            "data": {"ca.crt": ROOT_CA_PLACEHOLDER}}


def token_volume_source() -> dict:
    """admission.go TokenVolumeSource: token, the root CA and the namespace, defaultMode 0644."""
    return {
        "sources": [
            {"serviceAccountToken": {"expirationSeconds": WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS, "path": "token"}},
            {"configMap": {"name": ROOT_CA_CONFIGMAP, "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace",
                                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
        ],
        "defaultMode": 420,
    }


def _should_automount(sa: dict, pod: dict) -> bool:
    """admission.go shouldAutomount: the pod's setting wins, then the ServiceAccount's, then true."""
    v = (pod.get("spec") or {}).get("automountServiceAccountToken")
    if v is not None:
        return bool(v)
    v = sa.get("automountServiceAccountToken")
    if v is not None:
        return bool(v)
    return True


def service_account_admit(server, pod: dict) -> None:
    """The ServiceAccount admission plugin on pod create (admission.go Admit).

    Defaults ``serviceAccountName`` to ``default``; a ServiceAccount that does not exist is a
    403 (``error looking up service account <ns>/<name>: serviceaccount "<name>" not found``);
    unless automounting is off (pod or ServiceAccount), adds the projected volume
    ``kube-api-access-<5 random>`` and mounts it read-only at
    /var/run/secrets/kubernetes.io/serviceaccount in every init container and container that
    has no mount there. Mirror pods are left alone.

    Simplification: upstream looks the ServiceAccount up in its informer and, for ``default``
    only, retries a live GET 10 times (100-200 ms apart) while the serviceaccounts controller
    creates it — which is why a manifest holding a Namespace and a Pod applies in one go. The
    sans-IO API server cannot wait, so a missing ``default`` is taken as that wait succeeding
    (the controller creates it right after; automount then defaults to true); any other
    missing ServiceAccount is the 403 at once, as upstream (one attempt).
    """
    md = pod.setdefault("metadata", {})
    if "kubernetes.io/config.mirror" in (md.get("annotations") or {}):
        return  # isKubeletBasedPod: mirror pods are not mutated
    spec = pod.setdefault("spec", {})
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = DEFAULT_SERVICE_ACCOUNT_NAME
    ns = md.get("namespace", "default")
    sa_name = spec["serviceAccountName"]
    from ..api import resources as res

    kv = server.store.get(server.key(res.for_plural("serviceaccounts"), ns, sa_name))
    if kv is None and sa_name == DEFAULT_SERVICE_ACCOUNT_NAME:
        _mount_service_account_token(server, spec) if _should_automount({}, pod) else None
        return
    if kv is None:
        raise errors.forbidden("pods", "", md.get("name", ""),
                               f"error looking up service account {ns}/{sa_name}: "
                               f'serviceaccount "{sa_name}" not found')
    sa = json.loads(kv.value)
    if _should_automount(sa, pod):
        _mount_service_account_token(server, spec)


def _mount_service_account_token(server, spec: dict) -> None:
    """admission.go mountServiceAccountToken."""
    from ..api import meta as metautil

    token_volume = ""
    for v in spec.get("volumes") or []:
        if (v.get("name") or "").startswith(SERVICE_ACCOUNT_VOLUME_NAME + "-"):
            token_volume = v["name"]
            break
    has_volume = bool(token_volume)
    if not token_volume:
        token_volume = SERVICE_ACCOUNT_VOLUME_NAME + "-" + metautil.random_suffix(server._sa_volume_rng)
    needs_volume = False
    for key in ("initContainers", "containers"):
        for c in spec.get(key) or []:
            if any(m.get("mountPath") == DEFAULT_API_TOKEN_MOUNT_PATH for m in c.get("volumeMounts") or []):
                continue  # an existing mount at the default path prevents mounting the token
            c.setdefault("volumeMounts", []).append(
                {"name": token_volume, "readOnly": True, "mountPath": DEFAULT_API_TOKEN_MOUNT_PATH})
            needs_volume = True
    if not has_volume and needs_volume:
        spec.setdefault("volumes", []).append({"name": token_volume, "projected": token_volume_source()})
