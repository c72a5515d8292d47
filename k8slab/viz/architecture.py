"""The components as a graph with the API server at the centre, derived from the trace.

Nothing here is drawn from a fixed picture: every edge is a set of trace records. A client
calling the API server (``kubectl``, a controller, the scheduler, a kubelet) gives an edge
``component -> kube-apiserver``; the API server writing etcd gives
``kube-apiserver -> etcd``; a watch event the API server delivers to a component gives
``kube-apiserver -> component``. So the picture shows what the notes say in words: every
request passes through the API server, and only the API server touches etcd.

Edge attributes: ``type`` (``request``, ``watch`` or ``storage``), ``verbs`` and
``kinds`` (sorted lists) and ``count`` (how many records).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

APISERVER = "kube-apiserver"
ETCD = "etcd"
#: the controller-manager process: its shared informers list and watch for all its controllers,
#: while each controller writes with a client of its own (upstream: the informer factory of
#: cmd/kube-controller-manager/app/controllermanager.go, clients from ClientBuilder per controller)
CONTROLLER_MANAGER = "kube-controller-manager"

#: controller clients of kube-controller-manager (cmd/kube-controller-manager/app/controllermanager.go)
CONTROLLERS = ("deployment-controller", "replicaset-controller", "node-controller", "taint-eviction-controller",
               "generic-garbage-collector", "endpointslice-controller", "horizontal-pod-autoscaler",
               "statefulset-controller", "daemonset-controller", "job-controller", "namespace-controller")

WRITE_VERBS = {"create", "update", "patch", "delete", "deletecollection"}

ROLE_COLOURS = {
    "user": "#8e44ad",
    "apiserver": "#1f6fb2",
    "store": "#16a085",
    "controller-manager": "#1a5276",
    "controller": "#2980b9",
    "scheduler": "#2980b9",
    "kubelet": "#e67e22",
    "worker": "#e67e22",
    "other": "#7f8c8d",
}
EDGE_COLOURS = {"request": "#34495e", "watch": "#e67e22", "storage": "#16a085"}


def role_of(name: str) -> str:
    """``user``, ``apiserver``, ``store``, ``controller-manager``, ``controller``, ``scheduler``,
    ``kubelet``, ``worker`` or ``other``."""
    if name == APISERVER:
        return "apiserver"
    if name == ETCD:
        return "store"
    if name == "kubectl":
        return "user"
    if name == CONTROLLER_MANAGER:
        return "controller-manager"
    if name in CONTROLLERS or name.endswith("-controller") or name.endswith("garbage-collector"):
        return "controller"
    if name.endswith("scheduler"):
        return "scheduler"
    if name.startswith("kubelet"):
        return "kubelet"
    if name.startswith(("runtime", "kube-proxy")):
        return "worker"
    return "other"


def plane_of(name: str) -> str:
    """Where the component runs: ``client``, ``control-plane`` or ``node/<name>``."""
    role = role_of(name)
    if role == "user":
        return "client"
    if role in ("kubelet", "worker") and "/" in name:
        return "node/" + name.split("/", 1)[1]
    if role in ("apiserver", "store", "controller-manager", "controller", "scheduler"):
        return "control-plane"
    return "other"


def _records(source: Any) -> list:
    trace = getattr(source, "trace", source)
    return list(trace)


def _kind_of_key(key: str) -> str:
    """The resource a ``/registry/...`` key holds, by its upstream prefix (``minions`` -> Node)."""
    from ..api import resources as res
    from ..apiserver.server import KEY_PREFIX

    rest = key[len("/registry/"):] if key.startswith("/registry/") else key
    for plural, pfx in KEY_PREFIX.items():
        if rest.startswith(pfx + "/"):
            ri = res.for_plural(plural)
            return ri.kind if ri else plural
    ri = res.for_plural(rest.split("/", 1)[0])
    return ri.kind if ri else rest.split("/", 1)[0]


def architecture_graph(source: Any, since: float | None = None) -> nx.DiGraph:
    """The who-talks-to-whom graph of a cluster (or of a list of trace records).

    ``since`` keeps only records from that virtual second on.
    """
    g = nx.DiGraph()
    acc: dict[tuple[str, str], dict] = {}
    for r in _records(source):
        if since is not None and r.time < since:
            continue
        if r.target == ETCD:
            edge, typ, verb, kind = (r.source, ETCD), "storage", r.verb, _kind_of_key(r.name)
        elif r.verb.startswith("watch "):
            edge, typ, verb, kind = (r.source, r.target), "watch", r.verb.split(" ", 1)[1], r.kind
        elif r.target == APISERVER:
            edge, typ, verb, kind = (r.source, APISERVER), "request", r.verb, r.kind
        else:
            edge, typ, verb, kind = (r.source, r.target), "other", r.verb, r.kind
        if edge[0] == edge[1]:
            continue  # the API server calling itself (bootstrap, the scale subresource)
        a = acc.setdefault(edge, {"type": typ, "verbs": set(), "kinds": set(), "count": 0})
        a["verbs"].add(verb)
        if kind:
            a["kinds"].add(kind)
        a["count"] += 1
    names = {APISERVER, ETCD} | {n for e in acc for n in e}
    for n in sorted(names):
        g.add_node(n, role=role_of(n), plane=plane_of(n))
    for (u, v), a in sorted(acc.items()):
        g.add_edge(u, v, type=a["type"], verbs=sorted(a["verbs"]), kinds=sorted(a["kinds"]), count=a["count"])
    return g


def edges_table(g: nx.DiGraph) -> pd.DataFrame:
    """The graph's edges as a table: source, target, type, verbs, kinds, count."""
    rows = [{"source": u, "target": v, "type": d["type"], "verbs": ", ".join(d["verbs"]),
             "kinds": ", ".join(d["kinds"]), "count": d["count"]} for u, v, d in g.edges(data=True)]
    df = pd.DataFrame(rows, columns=["source", "target", "type", "verbs", "kinds", "count"])
    return df.sort_values(["type", "source", "target"], kind="stable").reset_index(drop=True)


def components_table(g: nx.DiGraph) -> pd.DataFrame:
    """Per component: where it runs, which kinds it watches, reads and writes (all via the API server)."""
    rows = []
    shared = g.get_edge_data(APISERVER, CONTROLLER_MANAGER)
    for n, d in sorted(g.nodes(data=True)):
        if n in (APISERVER, ETCD):
            continue
        req = g.get_edge_data(n, APISERVER) or {"verbs": [], "kinds": []}
        delivered = g.get_edge_data(APISERVER, n) or {"kinds": []}
        verbs = req["verbs"]
        writes = sorted({v for v in verbs if v.split("/", 1)[0] in WRITE_VERBS})
        watches = ", ".join(delivered["kinds"]) or "-"
        if d["role"] == "controller" and not delivered["kinds"] and shared:
            watches = f"(via {CONTROLLER_MANAGER})"
        rows.append({
            "component": n,
            "runs on": d["plane"] + (f" ({CONTROLLER_MANAGER})" if d["role"] == "controller" else ""),
            "watches": watches,
            "writes (verbs)": ", ".join(writes) or "-",
            "calls": req.get("count", 0),
            "events received": delivered.get("count", 0),
        })
    order = {"user": 0, "controller-manager": 1, "controller": 2, "scheduler": 3, "kubelet": 4, "worker": 5,
             "other": 6}
    rows.sort(key=lambda r: (order.get(role_of(r["component"]), 9), r["component"]))
    return pd.DataFrame(rows, columns=["component", "runs on", "watches", "writes (verbs)", "calls", "events received"])


_SHORT = {"generic-garbage-collector": "garbage\ncollector", "taint-eviction-controller": "taint\neviction",
          CONTROLLER_MANAGER: "shared\ninformers",
          "default-scheduler": "scheduler", "kube-apiserver": "kube-apiserver"}


def node_label(name: str) -> str:
    """The short label drawn inside a component's circle."""
    if name in _SHORT:
        return _SHORT[name]
    for sep in ("kubelet/", "runtime/"):
        if name.startswith(sep):
            return sep[:-1] + "\n" + name[len(sep):]
    return name.replace("-controller", "\ncontroller")


def layout(g: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Fixed positions: API server at the centre, etcd beside it, control-plane components
    above, the user (kubectl) to the left, node components below (one column per node)."""
    pos: dict[str, tuple[float, float]] = {APISERVER: (0.0, 0.0), ETCD: (2.6, 0.0)}
    # top row: the scheduler(s), then kube-controller-manager followed by its controllers
    top = ([n for n in sorted(g.nodes) if role_of(n) == "scheduler"]
           + [n for n in sorted(g.nodes) if role_of(n) == "controller-manager"]
           + [n for n in sorted(g.nodes) if role_of(n) == "controller"])
    left = [n for n in sorted(g.nodes) if role_of(n) in ("user", "other") and n not in pos]
    bottom = [n for n in sorted(g.nodes) if role_of(n) in ("kubelet", "worker")]

    def spread(items: list[str], y: float, width: float) -> None:
        if not items:
            return
        if len(items) == 1:
            pos[items[0]] = (0.0, y)
            return
        for i, n in enumerate(items):
            pos[n] = (-width / 2 + width * i / (len(items) - 1), y)

    spread(top, 2.2, max(2.0, 1.5 * (len(top) - 1)))
    spread(bottom, -2.2, max(2.0, 1.8 * (len(bottom) - 1)))
    x_left = min([-2.8] + [pos[n][0] - 1.9 for n in top + bottom])
    for i, n in enumerate(left):
        pos[n] = (x_left, 0.9 * (len(left) - 1) / 2 - 0.9 * i)
    return pos


def draw_architecture(source: Any, ax: Any = None, since: float | None = None, g: nx.DiGraph | None = None) -> Any:
    """Draw :func:`architecture_graph`; returns the Figure.

    Dark arrows are requests to the API server, orange ones watch events it delivers,
    green is its storage traffic to etcd; thicker means more records.
    """
    import math

    if g is None:
        g = architecture_graph(source, since)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(11, 6.5))
    fig = ax.figure
    pos = layout(g)
    from matplotlib.patches import FancyBboxPatch

    cp_x = [pos[n][0] for n in g.nodes if plane_of(n) == "control-plane"]

    def region(names: list[str], label: str, pad: float = 0.75) -> None:
        if not names:
            return
        x0 = min([pos[n][0] for n in names] + cp_x) - pad
        x1 = max([pos[n][0] for n in names] + cp_x) + pad
        y0 = min(pos[n][1] for n in names) - pad
        y1 = max(pos[n][1] for n in names) + pad
        ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0.05,rounding_size=0.2",
                                    facecolor="#f4f6fb", edgecolor="#bdc3c7", linewidth=1, zorder=0))
        ax.text(x0 + 0.1, y1 - 0.05, label, fontsize=9, color="#7f8c8d", va="top", zorder=1)

    region([n for n in g.nodes if plane_of(n) == "control-plane"], "control plane")
    region([n for n in g.nodes if plane_of(n).startswith("node/")], "worker nodes")
    kcm = [n for n in g.nodes if role_of(n) in ("controller-manager", "controller")]
    if kcm:
        x0 = min(pos[n][0] for n in kcm) - 0.55
        x1 = max(pos[n][0] for n in kcm) + 0.55
        y = pos[kcm[0]][1]
        ax.add_patch(FancyBboxPatch((x0, y - 0.5), x1 - x0, 1.05, boxstyle="round,pad=0.03,rounding_size=0.15",
                                    facecolor="#e8eef7", edgecolor="#95a5a6", linewidth=1, linestyle="--", zorder=0))
        ax.text(x1 - 0.05, y + 0.5, CONTROLLER_MANAGER, fontsize=8, color="#7f8c8d", ha="right", va="bottom",
                zorder=1)
    for typ, rad in (("request", 0.12), ("watch", 0.12), ("storage", 0.0), ("other", 0.0)):
        edges = [(u, v) for u, v, d in g.edges(data=True) if d["type"] == typ]
        if not edges:
            continue
        widths = [0.8 + 0.9 * math.log10(1 + g.edges[e]["count"]) for e in edges]
        nx.draw_networkx_edges(g, pos, edgelist=edges, ax=ax, width=widths, edge_color=EDGE_COLOURS.get(typ, "#7f8c8d"),
                               arrows=True, arrowsize=14, connectionstyle=f"arc3,rad={rad}", node_size=2600,
                               alpha=0.85)
    colours = [ROLE_COLOURS.get(d["role"], "#7f8c8d") for _, d in g.nodes(data=True)]
    sizes = [4200 if n == APISERVER else 2600 for n in g.nodes]
    nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colours, node_size=sizes, edgecolors="#2c3e50", linewidths=1.2)
    labels = {n: node_label(n) for n in g.nodes}
    nx.draw_networkx_labels(g, pos, labels=labels, ax=ax, font_size=7.5, font_color="white", font_weight="bold")
    from matplotlib.lines import Line2D

    ax.legend(handles=[Line2D([0], [0], color=EDGE_COLOURS["request"], lw=2, label="request to the API server"),
                       Line2D([0], [0], color=EDGE_COLOURS["watch"], lw=2, label="watch event delivered"),
                       Line2D([0], [0], color=EDGE_COLOURS["storage"], lw=2, label="write to etcd")],
              loc="lower left", fontsize=8, frameon=False)
    ax.set_title("Every arrow goes through kube-apiserver; only it talks to etcd", fontsize=10)
    ax.axis("off")
    ax.margins(0.08)
    return fig
