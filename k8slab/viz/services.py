"""Figures and tables of chapter 08: Service → EndpointSlice → Pods, and where traffic went.

Everything here reads the cluster through the API server (the kubectl client) or a
traffic DataFrame; nothing changes the cluster.
"""

from __future__ import annotations

from typing import Any


def endpoints_table(c: Any, service: str, namespace: str = "default"):
    """One row per endpoint of ``service``: slice, pod, IP:port, node, ready/serving/terminating."""
    import pandas as pd

    rows = []
    for s in c.client.list("endpointslices", namespace,
                           label_selector=f"kubernetes.io/service-name={service}")["items"]:
        port = (s.get("ports") or [{}])[0].get("port")
        for e in s.get("endpoints") or []:
            cond = e.get("conditions") or {}
            rows.append({"slice": s["metadata"]["name"], "pod": (e.get("targetRef") or {}).get("name", ""),
                         "endpoint": f"{(e.get('addresses') or [''])[0]}:{port}", "node": e.get("nodeName", ""),
                         "ready": cond.get("ready"), "serving": cond.get("serving"),
                         "terminating": cond.get("terminating")})
    rows.sort(key=lambda r: r["pod"])
    return pd.DataFrame(rows, columns=["slice", "pod", "endpoint", "node", "ready", "serving", "terminating"])


def service_graph(c: Any, service: str, namespace: str = "default"):
    """A networkx DiGraph: the Service → its EndpointSlices → endpoint pods → nodes.

    Node attributes: ``kind`` (Service, EndpointSlice, Pod, Node), ``label`` and, for pods,
    ``ready``; pods the selector matches but the slices leave out are in with ``listed=False``.
    """
    import networkx as nx

    svc = c.client.get("services", service, namespace)
    g = nx.DiGraph()
    sid = f"svc/{service}"
    g.add_node(sid, kind="Service", label=f"svc/{service}\n{svc['spec'].get('clusterIP', '')}")
    listed = set()
    for s in c.client.list("endpointslices", namespace,
                           label_selector=f"kubernetes.io/service-name={service}")["items"]:
        slid = f"eps/{s['metadata']['name']}"
        g.add_node(slid, kind="EndpointSlice", label=slid)
        g.add_edge(sid, slid)
        for e in s.get("endpoints") or []:
            pod = (e.get("targetRef") or {}).get("name", "")
            pid = f"pod/{pod}"
            listed.add(pod)
            ready = bool((e.get("conditions") or {}).get("ready"))
            g.add_node(pid, kind="Pod", label=f"{pod}\n{(e.get('addresses') or [''])[0]}", ready=ready, listed=True)
            g.add_edge(slid, pid, ready=ready)
            if e.get("nodeName"):
                g.add_node(f"node/{e['nodeName']}", kind="Node", label=e["nodeName"])
                g.add_edge(pid, f"node/{e['nodeName']}")
    sel = svc["spec"].get("selector") or {}
    if sel:
        selector = ",".join(f"{k}={v}" for k, v in sorted(sel.items()))
        for p in c.client.list("pods", namespace, label_selector=selector)["items"]:
            name = p["metadata"]["name"]
            if name not in listed:
                g.add_node(f"pod/{name}", kind="Pod", label=f"{name}\n(no IP yet)", ready=False, listed=False)
    return g


_COLORS = {"Service": "#326ce5", "EndpointSlice": "#7aa2f7", "Node": "#bbbbbb"}


def draw_service_graph(c: Any, service: str, namespace: str = "default", ax=None):
    """Draw :func:`service_graph` in layers (green pods are ready endpoints, red are not)."""
    import matplotlib.pyplot as plt
    import networkx as nx

    g = service_graph(c, service, namespace)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    layers = {"Service": 0, "EndpointSlice": 1, "Pod": 2, "Node": 3}
    for n, d in g.nodes(data=True):
        d["layer"] = layers[d["kind"]]
    pos = nx.multipartite_layout(g, subset_key="layer")
    colors = [_COLORS.get(d["kind"]) or ("#3fb950" if d.get("ready") else "#f85149") for _, d in g.nodes(data=True)]
    nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colors, node_size=900)
    nx.draw_networkx_edges(g, pos, ax=ax, arrows=True, edge_color="#888888")
    nx.draw_networkx_labels(g, pos, labels={n: d["label"] for n, d in g.nodes(data=True)}, font_size=7, ax=ax)
    ax.set_title(f"Service {namespace}/{service} → EndpointSlices → Pods → Nodes (green: ready endpoint)")
    ax.axis("off")
    return ax


def traffic_counts(df):
    """Requests per backend pod (failures under ``(failed: <error>)``), sorted by name."""
    ok = df[df["error"] == ""].groupby("pod").size()
    fails = df[df["error"] != ""].groupby("error").size()
    out = {**{k: int(v) for k, v in ok.items()}, **{f"(failed: {k})": int(v) for k, v in fails.items()}}
    return dict(sorted(out.items()))


def draw_traffic_histogram(df, ax=None, title: str = "requests per backend pod"):
    """Bar chart of :func:`traffic_counts`."""
    import matplotlib.pyplot as plt

    counts = traffic_counts(df)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    names = list(counts)
    ax.bar(range(len(names)), [counts[n] for n in names],
           color=["#f85149" if n.startswith("(failed") else "#326ce5" for n in names])
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("requests")
    ax.set_title(title)
    return ax
