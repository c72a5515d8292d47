"""Pandas tables of the cluster's state: pods, nodes and events, as a learner reads them.

Every table is read through the API server (like ``kubectl get``), sorted so that the same
cluster gives the same rows in the same order. Reading for a figure or a table is an
observation, not cluster traffic: it is done with the trace paused, so drawing a picture
never adds ``list`` calls to the trace the chapters study.

The STATUS and READY columns are the ones ``kubectl get pods``/``get nodes`` print
(upstream: pkg/printers/internalversion/printers.go printPod, printNode), computed by
:mod:`k8slab.kubectl.printers` itself.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import pandas as pd

from ..api.meta import parse_time
from ..kubectl.printers import node_status, pod_status_and_restarts

#: Unix seconds of virtual time 0 (2025-01-01T00:00:00Z), used to read Event names.
_EPOCH_UNIX = 1_735_689_600


@contextmanager
def untraced(c: Any) -> Iterator[None]:
    """Pause the cluster's trace while a figure or table reads the API."""
    trace = getattr(c, "trace", None)
    if trace is None:
        yield
        return
    was = trace.enabled
    trace.enabled = False
    try:
        yield
    finally:
        trace.enabled = was


def read_objects(c: Any, resource: str, namespace: str | None = None) -> list[dict]:
    """Every ``resource`` object (all namespaces when ``namespace`` is None), untraced."""
    with untraced(c):
        return c.apiserver.list(resource, namespace, source="k8slab-viz")["items"]


# --------------------------------------------------------------------------- pods


def pod_status(pod: dict, now: float = 0.0) -> str:
    """The STATUS column of ``kubectl get pods`` for ``pod`` (Running, Pending, Terminating, ...)."""
    return pod_status_and_restarts(pod, now)[1]


def pod_ready(pod: dict, now: float = 0.0) -> str:
    """The READY column of ``kubectl get pods``: ready containers / containers, e.g. ``1/1``."""
    return pod_status_and_restarts(pod, now)[0]


def is_pod_ready(pod: dict) -> bool:
    """The pod's Ready condition is True (upstream: pkg/api/v1/pod/util.go IsPodReady)."""
    return any(cd.get("type") == "Ready" and cd.get("status") == "True"
               for cd in pod.get("status", {}).get("conditions") or [])


POD_COLUMNS = ["namespace", "name", "ready", "status", "restarts", "ip", "node", "phase", "owner", "created"]


def pods_table(c: Any, namespace: str | None = "default") -> pd.DataFrame:
    """One row per pod: what ``kubectl get pods -o wide`` shows, plus phase, owner and creation time.

    ``created`` is the virtual second of ``metadata.creationTimestamp``; ``namespace=None``
    lists every namespace.
    """
    rows = []
    now = c.now
    for p in read_objects(c, "pods", namespace):
        md, st = p["metadata"], p.get("status", {})
        owner = next((f"{r['kind']}/{r['name']}" for r in md.get("ownerReferences") or [] if r.get("controller")), "")
        ready, status, restarts = pod_status_and_restarts(p, now)
        rows.append({
            "namespace": md.get("namespace", ""),
            "name": md["name"],
            "ready": ready,
            "status": status,
            "restarts": restarts,
            "ip": st.get("podIP") or "<none>",
            "node": p.get("spec", {}).get("nodeName") or "<none>",
            "phase": st.get("phase", ""),
            "owner": owner,
            "created": parse_time(md["creationTimestamp"]) if md.get("creationTimestamp") else float("nan"),
        })
    df = pd.DataFrame(rows, columns=POD_COLUMNS)
    return df.sort_values(["namespace", "name"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- nodes


def node_condition(node: dict, typ: str = "Ready") -> str:
    """The status (``True``/``False``/``Unknown``) of one node condition, ``""`` if absent."""
    for cd in node.get("status", {}).get("conditions") or []:
        if cd.get("type") == typ:
            return cd.get("status", "")
    return ""


NODE_COLUMNS = ["name", "status", "ready_condition", "taints", "pods", "cpu", "memory", "pod_cidr", "internal_ip"]


def nodes_table(c: Any) -> pd.DataFrame:
    """One row per node: STATUS as kubectl prints it, the Ready condition, taints, pods bound, capacity."""
    pods_on: dict[str, int] = {}
    for p in read_objects(c, "pods"):
        n = p.get("spec", {}).get("nodeName")
        if n and p.get("status", {}).get("phase") not in ("Succeeded", "Failed"):
            pods_on[n] = pods_on.get(n, 0) + 1
    rows = []
    for n in read_objects(c, "nodes"):
        name = n["metadata"]["name"]
        cap = n.get("status", {}).get("capacity") or {}
        addrs = n.get("status", {}).get("addresses") or []
        rows.append({
            "name": name,
            "status": node_status(n),
            "ready_condition": node_condition(n, "Ready") or "<none>",
            "taints": ",".join(f"{t['key']}:{t['effect']}" for t in n.get("spec", {}).get("taints") or []) or "<none>",
            "pods": pods_on.get(name, 0),
            "cpu": cap.get("cpu", ""),
            "memory": cap.get("memory", ""),
            "pod_cidr": n.get("spec", {}).get("podCIDR", ""),
            "internal_ip": next((a["address"] for a in addrs if a.get("type") == "InternalIP"), ""),
        })
    df = pd.DataFrame(rows, columns=NODE_COLUMNS)
    return df.sort_values("name", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- events


def event_time(ev: dict) -> float:
    """When an Event first happened, in virtual seconds, to the nanosecond when known.

    client-go names an Event ``<object>.<hex of its first timestamp in ns>``
    (upstream: staging/src/k8s.io/client-go/tools/record/event.go makeEvent); the
    timestamps themselves are only to the second.
    """
    name = ev["metadata"]["name"]
    _, _, tail = name.rpartition(".")
    try:
        return round(int(tail, 16) / 1e9 - _EPOCH_UNIX, 6)
    except ValueError:
        ts = ev.get("firstTimestamp") or ev.get("lastTimestamp") or ev["metadata"].get("creationTimestamp")
        return parse_time(ts) if ts else 0.0


EVENT_COLUMNS = ["time", "type", "reason", "object", "source", "message", "count"]


def events_table(c: Any, since: float | None = None, namespace: str | None = None,
                 reasons: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """The cluster's Events in the order they happened (``kubectl get events`` sorted by time).

    ``time`` is when the event happened (to the nanosecond) or, for an event seen ``count``
    > 1 times, when it was last seen (to the second). ``since`` keeps events from that
    virtual second on; ``reasons`` keeps only those
    reasons; ``object`` is ``kind/name`` of the involved object; ``source`` the component.
    """
    rows = []
    for ev in read_objects(c, "events", namespace):
        t = event_time(ev)
        if int(ev.get("count") or 1) > 1 and ev.get("lastTimestamp"):
            t = max(t, parse_time(ev["lastTimestamp"]))  # a repeated event: when it was last seen
        if since is not None and t < since:
            continue
        if reasons is not None and ev.get("reason") not in reasons:
            continue
        io = ev.get("involvedObject") or {}
        src = ev.get("source") or {}
        rows.append({
            "time": t,
            "type": ev.get("type", ""),
            "reason": ev.get("reason", ""),
            "object": f"{io.get('kind', '').lower()}/{io.get('name', '')}",
            "source": src.get("component", "") + (f", {src['host']}" if src.get("host") else ""),
            "message": ev.get("message", ""),
            "count": int(ev.get("count") or 1),
            "_key": ev["metadata"]["name"],
        })
    df = pd.DataFrame(rows, columns=EVENT_COLUMNS + ["_key"])
    df = df.sort_values(["time", "_key"], kind="stable").drop(columns="_key")
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- workloads


def deployment_counts(c: Any, name: str, namespace: str = "default") -> dict[str, int]:
    """spec.replicas and the status counters of one Deployment (what ``kubectl get deploy`` sums up)."""
    with untraced(c):
        d = c.apiserver.get("deployments", namespace, name, source="k8slab-viz")
    st = d.get("status", {})
    return {
        "replicas": int(d.get("spec", {}).get("replicas", 1)),
        "updated": int(st.get("updatedReplicas", 0) or 0),
        "ready": int(st.get("readyReplicas", 0) or 0),
        "available": int(st.get("availableReplicas", 0) or 0),
        "current": int(st.get("replicas", 0) or 0),
    }


# --------------------------------------------------------------------------- etcd


ETCD_COLUMNS = ["key", "resource", "kind", "namespace", "name", "create_revision", "mod_revision", "version", "bytes"]


def etcd_keys(c: Any, prefix: str = "/registry/") -> pd.DataFrame:
    """The keys etcd holds under ``prefix``, like ``etcdctl get --prefix /registry/ --keys-only``.

    One row per key with its revisions: ``create_revision`` (when it was created),
    ``mod_revision`` (its last write — the object's resourceVersion) and ``version`` (how
    many writes since it was created). The key's parts follow the API server's layout
    ``/registry/<resource>/[<namespace>/]<name>`` (Nodes are under ``minions``, upstream's
    old name for them). This reads the store directly, as ``etcdctl`` would: a look behind
    the API server, for teaching.
    """
    from ..apiserver.server import KEY_PREFIX
    from .architecture import _kind_of_key

    rows = []
    for key in c.store.keys(prefix):
        kv = c.store.get(key)
        rest = key[len("/registry/"):] if key.startswith("/registry/") else key
        segment = next((p for p in KEY_PREFIX.values() if rest.startswith(p + "/")), rest.split("/", 1)[0])
        parts = rest[len(segment) + 1:].split("/")
        ns, name = (parts[0], parts[-1]) if len(parts) > 1 else ("", parts[-1])
        rows.append({"key": key, "resource": segment, "kind": _kind_of_key(key), "namespace": ns, "name": name,
                     "create_revision": kv.create_revision, "mod_revision": kv.mod_revision,
                     "version": kv.version, "bytes": len(kv.value)})
    return pd.DataFrame(rows, columns=ETCD_COLUMNS)
