"""The journey of one ``kubectl apply`` as a sequence diagram, from trace records.

:func:`apply_journey` picks, out of everything the cluster did, the records about one
Deployment, its ReplicaSet and (by default) its first Pod, and only the components that
act on them; :func:`sequence_table` numbers them as arrows ``from -> to: message``;
:func:`draw_sequence` draws the lifelines. The records are the trace the API server
writes (``k8slab.sim.trace``): requests to it, its writes to etcd, and the watch events it
delivers.
"""

from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from .architecture import APISERVER, CONTROLLER_MANAGER, ETCD, _kind_of_key, node_label, role_of

#: the actors of a Deployment's journey, in the order a sequence diagram lists them
JOURNEY_ACTORS = ("kubectl", "kube-controller-manager", "deployment-controller", "replicaset-controller",
                  "default-scheduler")

#: which kinds each actor acts on when it is told about them (kind -> receivers; "kubelet"
#: stands for every kubelet). The scheduler also watches ReplicaSets (to spread their pods)
#: and the deployment controller Pods, but neither acts on those events in this journey.
JOURNEY_ROUTES = {
    "Deployment": ("deployment-controller",),
    "ReplicaSet": ("replicaset-controller", "deployment-controller"),
    "Pod": ("default-scheduler", "kubelet", "replicaset-controller"),
}

SEQUENCE_COLUMNS = ["step", "time", "from", "to", "message", "kind", "name"]


def _rank(name: str) -> tuple:
    fixed = {"kubectl": 0, APISERVER: 1, ETCD: 2, "kube-controller-manager": 3, "deployment-controller": 4,
             "replicaset-controller": 5, "default-scheduler": 7}
    if name in fixed:
        return (fixed[name], name)
    role = role_of(name)
    if role == "controller":
        return (6, name)
    if role == "scheduler":
        return (7, name)
    if role == "kubelet":
        return (8, name)
    if role == "worker":
        return (9, name)
    return (10, name)


def participants(records: Iterable) -> list[str]:
    """The lifelines: user, API server, etcd, controllers, scheduler, kubelets, in that order."""
    names: set[str] = set()
    for r in records:
        names.add(r.source)
        names.add(r.target)
    return sorted(names, key=_rank)


def _object_of(r) -> tuple[str, str]:
    """(kind, name) a record is about; for etcd records, read from the key."""
    if r.target == ETCD:
        return _kind_of_key(r.name), r.name.rsplit("/", 1)[-1]
    return r.kind, r.name


def message_of(r) -> str:
    """The arrow's text: ``create Deployment web``, ``txn/put /registry/...``, ``watch ADDED Pod web-…``."""
    if r.target == ETCD:
        return f"{r.verb} {r.name}" + (f" ({r.detail})" if r.detail else "")
    if r.target.startswith("runtime/"):
        return f"{r.verb}: {r.detail}" if r.detail else r.verb
    obj = f"{r.kind} {r.name}".strip()
    detail = r.detail if r.detail and not r.detail.startswith("rv ") else ""
    return f"{r.verb} {obj}" + (f" ({detail})" if detail else "")


def apply_journey(records: Iterable, name: str, namespace: str = "default", pods: int | None = 1,
                  actors: Iterable[str] = JOURNEY_ACTORS, kubelets: bool = True, triggers_only: bool = True) -> list:
    """The records of one Deployment's journey: it, its ReplicaSets and its first ``pods`` Pods.

    Kept: requests by ``actors`` (and by kubelets when ``kubelets``) about those objects,
    the API server's etcd writes for them, and the watch events it delivers to those
    actors. Left out: Events, Leases, node heartbeats and the watch events other
    controllers (garbage collector, node lifecycle) also receive. ``pods=None`` keeps every pod.

    With ``triggers_only`` a watch event is kept only when it *triggered* something: the
    receiving process's next request is made by a component that acts on that kind
    (:data:`JOURNEY_ROUTES`), with no later event of such a kind in between. Echoes of a
    component's own writes and events it merely notes are left out. The controllers of
    kube-controller-manager count as one process: its shared informers receive the watch
    events, the controllers make the requests.
    A request repeated at once by the same component with the same verb and object (the
    validating dry run ``k8slab``'s apply sends before writing) is shown once.
    """
    actors = set(actors)

    def is_actor(who: str) -> bool:
        return who in actors or (kubelets and role_of(who) == "kubelet")

    def related(kind: str, obj: str) -> bool:
        # names as the controllers make them: web, web-<hash>, web-<hash>-<suffix>
        if kind == "Deployment":
            return obj == name
        if not obj.startswith(name + "-"):
            return False
        rest = obj[len(name) + 1:]
        if kind == "ReplicaSet":
            return "-" not in rest
        if kind == "Pod":
            return rest.count("-") == 1
        return False

    chosen_pods: list[str] = []
    out = []
    for r in records:
        kind, obj = _object_of(r)
        if not related(kind, obj):
            continue
        if r.namespace and r.namespace != namespace:
            continue
        if r.target == ETCD and f"/{namespace}/" not in r.name:
            continue
        if kind == "Pod" and pods is not None and obj not in chosen_pods:
            if len(chosen_pods) >= pods:
                continue
            chosen_pods.append(obj)
        if r.target == ETCD:
            out.append(r)
        elif r.verb.startswith("watch "):
            if is_actor(r.target):
                out.append(r)
        elif r.target == APISERVER and is_actor(r.source):
            out.append(r)
    # the same request twice in a row (a dry run, then the write): keep the second
    dedup = []
    for i, r in enumerate(out):
        if r.target == APISERVER and "dryRun" in r.detail:
            continue
        nxt = out[i + 1] if i + 1 < len(out) else None
        if (nxt is not None and r.target == APISERVER and nxt.target == APISERVER and
                (r.time, r.source, r.verb, r.kind, r.name) == (nxt.time, nxt.source, nxt.verb, nxt.kind, nxt.name)):
            continue
        dedup.append(r)
    if not triggers_only:
        return dedup

    def acts_on(actor: str, kind: str) -> bool:
        receivers = JOURNEY_ROUTES.get(kind, ())
        return actor in receivers or ("kubelet" in receivers and role_of(actor) == "kubelet")

    def is_watch(r) -> bool:
        return r.verb.startswith("watch ")

    kept = []
    for i, r in enumerate(dedup):
        if is_watch(r):
            p = _process(r.target)
            # the receiving process's next request, and who in it made it
            j = next((k for k in range(i + 1, len(dedup))
                      if not is_watch(dedup[k]) and dedup[k].target == APISERVER
                      and _process(dedup[k].source) == p), None)
            if j is None or not acts_on(dedup[j].source, r.kind):
                continue  # nobody in that process acts on this kind next: not a trigger
            if any(is_watch(x) and _process(x.target) == p and acts_on(dedup[j].source, x.kind)
                   for x in dedup[i + 1:j]):
                continue  # a later event triggered that action
        kept.append(r)
    return kept


def _process(name: str) -> str:
    """The process a component runs in: controllers share kube-controller-manager's watches."""
    return CONTROLLER_MANAGER if role_of(name) in ("controller", "controller-manager") else name


#: the CRI call behind each kubelet Event about a container (upstream: pkg/kubelet/images/image_manager.go,
#: pkg/kubelet/kuberuntime/kuberuntime_container.go emit them around those calls)
CRI_OF_EVENT = {"Pulling": "PullImage", "Pulled": "PullImage done", "Created": "CreateContainer",
                "Started": "StartContainer", "Killing": "StopContainer"}


def runtime_records(c: Any, records: Iterable, namespace: str = "default") -> list:
    """kubelet -> runtime arrows for the pods in ``records``, read from the pods' Events.

    The kubelet talks to its container runtime over CRI (gRPC on the node), not through the
    API server, so those calls are not in the API server's trace. What the API server does
    see are the Events the kubelet records around them (``Pulling``, ``Pulled``,
    ``Created``, ``Started``, ``Killing``); each becomes one arrow
    ``kubelet/<node> -> runtime/<node>`` named after the CRI call, at the Event's time.
    """
    from ..sim.trace import TraceRecord
    from .tables import event_time, read_objects

    pods = {r.name for r in records if r.kind == "Pod" and r.target != ETCD}
    out = []
    for ev in read_objects(c, "events", namespace):
        io = ev.get("involvedObject") or {}
        host = (ev.get("source") or {}).get("host", "")
        if io.get("kind") != "Pod" or io.get("name") not in pods or ev.get("reason") not in CRI_OF_EVENT or not host:
            continue
        out.append(TraceRecord(event_time(ev), f"kubelet/{host}", f"runtime/{host}", CRI_OF_EVENT[ev["reason"]],
                               "Pod", io["name"], namespace, ev.get("message", "")))
    return sorted(out, key=lambda r: r.time)


def merge_records(*streams: Iterable) -> list:
    """Merge record lists by time; on equal times, earlier streams first (a stable merge)."""
    tagged = [(r.time, i, j, r) for i, s in enumerate(streams) for j, r in enumerate(s)]
    return [t[3] for t in sorted(tagged, key=lambda t: (t[0], t[1], t[2]))]


def sequence_table(records: Iterable) -> pd.DataFrame:
    """One row per arrow: step number, virtual time, from, to, message, and the object's kind/name."""
    rows = []
    for i, r in enumerate(records, 1):
        kind, obj = _object_of(r)
        rows.append({"step": i, "time": round(r.time, 6), "from": r.source, "to": r.target,
                     "message": message_of(r), "kind": kind, "name": obj})
    return pd.DataFrame(rows, columns=SEQUENCE_COLUMNS)


def first_contacts(records: Iterable) -> pd.DataFrame:
    """When each component first took part, and what it did: the order a request travels."""
    seen: dict[str, dict] = {}
    for r in records:
        for who in (r.source, r.target):
            if who not in seen:
                seen[who] = {"component": who, "first_time": round(r.time, 6), "first_message": message_of(r)}
    rows = sorted(seen.values(), key=lambda d: (d["first_time"], list(seen).index(d["component"])))
    return pd.DataFrame(rows, columns=["component", "first_time", "first_message"])


def draw_sequence(records: Iterable, ax: Any = None, max_rows: int = 40, title: str | None = None) -> Any:
    """A sequence diagram of ``records`` (at most ``max_rows`` arrows); returns the Figure."""
    recs = list(records)
    shown = recs[:max_rows]
    lanes = participants(shown) or [APISERVER]
    x = {p: i for i, p in enumerate(lanes)}
    n = len(shown)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(max(8.0, 1.75 * len(lanes) + 2.0), 1.4 + 0.34 * max(n, 1)))
    fig = ax.figure
    top = 0.0
    bottom = -(n + 0.5)
    colours = {"request": "#34495e", "watch": "#e67e22", "storage": "#16a085", "cri": "#8e44ad"}
    for p, i in x.items():
        ax.plot([i, i], [bottom, top], color="#bdc3c7", lw=1, zorder=0)
        label = ("kube-controller-\nmanager" if p == CONTROLLER_MANAGER
                 else p if p in (APISERVER, "default-scheduler") else node_label(p))
        ax.text(i, top + 0.25, label, ha="center", va="bottom", fontsize=8, fontweight="bold",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "#ecf0f1", "edgecolor": "#7f8c8d"})
    for k, r in enumerate(shown):
        y = -(k + 0.5)
        x0, x1 = x[r.source], x[r.target]
        typ = ("storage" if r.target == ETCD else "cri" if r.target.startswith("runtime/")
               else "watch" if r.verb.startswith("watch ") else "request")
        ax.annotate("", xy=(x1, y), xytext=(x0, y),
                    arrowprops={"arrowstyle": "-|>", "color": colours[typ], "lw": 1.2,
                                "linestyle": "--" if typ == "watch" else "-"})
        msg = message_of(r)
        if len(msg) > 64:
            msg = msg[:63] + "…"
        if abs(x1 - x0) <= 1:  # a short arrow: let the text run on to the right
            ax.text(min(x0, x1) + 0.08, y + 0.08, msg, ha="left", va="bottom", fontsize=6.5, color=colours[typ])
        else:
            ax.text((x0 + x1) / 2, y + 0.08, msg, ha="center", va="bottom", fontsize=6.5, color=colours[typ])
        ax.text(-0.35, y, f"{r.time:.3f}s", ha="right", va="center", fontsize=6.5, color="#7f8c8d")
    if len(recs) > n:
        ax.text((len(lanes) - 1) / 2, bottom - 0.1, f"… {len(recs) - n} more", ha="center", va="top", fontsize=8,
                color="#7f8c8d")
    ax.set_xlim(-0.9, len(lanes) - 0.4)
    ax.set_ylim(bottom - 0.6, top + 1.2)
    ax.axis("off")
    ax.set_title(title or f"{n} of {len(recs)} trace records", fontsize=10, pad=28)
    return fig
