"""The architecture graph and the sequence diagram are derived from trace records."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from k8slab.sim.trace import TraceRecord as R
from k8slab.viz.architecture import (architecture_graph, components_table, draw_architecture, edges_table,
                                     layout, plane_of, role_of)
from k8slab.viz.sequence import (apply_journey, draw_sequence, first_contacts, message_of, participants,
                                 sequence_table)

A = "kube-apiserver"

# One Deployment's journey as the API server traces it, with the noise a real trace has
# (Leases, Events, watch events to other controllers, another deployment).
JOURNEY = [
    R(0.0, "kubectl", A, "create", "Deployment", "web", "default"),
    R(0.0, A, "etcd", "txn/put", "key", "/registry/deployments/default/web", "", "rev 10"),
    R(0.001, A, "deployment-controller", "watch ADDED", "Deployment", "web", "default", "rv 10"),
    R(0.001, A, "generic-garbage-collector", "watch ADDED", "Deployment", "web", "default", "rv 10"),
    R(0.002, "deployment-controller", A, "create", "ReplicaSet", "web-7c5ddbdf54", "default"),
    R(0.002, A, "etcd", "txn/put", "key", "/registry/replicasets/default/web-7c5ddbdf54", "", "rev 11"),
    R(0.003, A, "replicaset-controller", "watch ADDED", "ReplicaSet", "web-7c5ddbdf54", "default", "rv 11"),
    R(0.004, "replicaset-controller", A, "create", "Pod", "web-7c5ddbdf54-abcde", "default"),
    R(0.004, A, "etcd", "txn/put", "key", "/registry/pods/default/web-7c5ddbdf54-abcde", "", "rev 12"),
    R(0.004, "replicaset-controller", A, "create", "Pod", "web-7c5ddbdf54-fghij", "default"),
    R(0.004, A, "etcd", "txn/put", "key", "/registry/pods/default/web-7c5ddbdf54-fghij", "", "rev 13"),
    R(0.004, "replicaset-controller", A, "create", "Event", "web-7c5ddbdf54.1", "default"),
    R(0.005, A, "default-scheduler", "watch ADDED", "Pod", "web-7c5ddbdf54-abcde", "default", "rv 12"),
    R(0.005, A, "node-controller", "watch ADDED", "Pod", "web-7c5ddbdf54-abcde", "default", "rv 12"),
    R(0.006, "default-scheduler", A, "create/binding", "Pod", "web-7c5ddbdf54-abcde", "default", "node node-2"),
    R(0.006, A, "etcd", "txn/put", "key", "/registry/pods/default/web-7c5ddbdf54-abcde", "", "rev 14"),
    R(0.007, A, "kubelet/node-2", "watch ADDED", "Pod", "web-7c5ddbdf54-abcde", "default", "rv 14"),
    R(0.5, "kubelet/node-2", A, "update", "Lease", "node-2", "kube-node-lease"),
    R(1.2, "kubelet/node-2", A, "update/status", "Pod", "web-7c5ddbdf54-abcde", "default"),
    R(1.2, A, "etcd", "txn/put", "key", "/registry/pods/default/web-7c5ddbdf54-abcde", "", "rev 16"),
    R(1.3, "kubectl", A, "create", "Deployment", "webapp", "default"),
    R(1.3, A, "etcd", "txn/put", "key", "/registry/minions/node-2", "", "rev 17"),
    R(1.4, A, A, "get", "Deployment", "web", "default"),
]


@pytest.mark.parametrize("name, role, plane", [
    ("kubectl", "user", "client"),
    ("kube-apiserver", "apiserver", "control-plane"),
    ("etcd", "store", "control-plane"),
    ("deployment-controller", "controller", "control-plane"),
    ("generic-garbage-collector", "controller", "control-plane"),
    ("default-scheduler", "scheduler", "control-plane"),
    ("kubelet/node-2", "kubelet", "node/node-2"),
    ("kube-controller-manager", "controller-manager", "control-plane"),
])
def test_roles(name, role, plane):
    assert role_of(name) == role
    assert plane_of(name) == plane


def test_graph_edges_from_records():
    g = architecture_graph(JOURNEY)
    assert set(g.nodes) == {"kubectl", A, "etcd", "deployment-controller", "generic-garbage-collector",
                            "replicaset-controller", "default-scheduler", "node-controller", "kubelet/node-2"}
    # every request goes to the API server; only the API server talks to etcd
    for u, v, d in g.edges(data=True):
        assert A in (u, v)
        if "etcd" in (u, v):
            assert (u, v) == (A, "etcd")
    assert not g.has_edge(A, A)  # self-calls dropped
    e = g.edges["kubectl", A]
    assert e == {"type": "request", "verbs": ["create"], "kinds": ["Deployment"], "count": 2}
    e = g.edges[A, "etcd"]
    assert e["type"] == "storage" and e["kinds"] == ["Deployment", "Node", "Pod", "ReplicaSet"]
    assert e["count"] == 7
    e = g.edges["default-scheduler", A]
    assert e["verbs"] == ["create/binding"] and e["kinds"] == ["Pod"]
    e = g.edges[A, "kubelet/node-2"]
    assert e == {"type": "watch", "verbs": ["ADDED"], "kinds": ["Pod"], "count": 1}
    assert g.edges["kubelet/node-2", A]["kinds"] == ["Lease", "Pod"]


def test_graph_since_and_tables():
    g = architecture_graph(JOURNEY, since=1.0)
    assert set(g.edges) == {("kubelet/node-2", A), (A, "etcd"), ("kubectl", A)}
    t = edges_table(architecture_graph(JOURNEY))
    assert list(t.columns) == ["source", "target", "type", "verbs", "kinds", "count"]
    assert len(t) == len(architecture_graph(JOURNEY).edges)
    comp = components_table(architecture_graph(JOURNEY)).set_index("component")
    assert comp.loc["default-scheduler", "writes (verbs)"] == "create/binding"
    assert comp.loc["kubelet/node-2", "watches"] == "Pod"
    assert comp.loc["kubelet/node-2", "runs on"] == "node/node-2"
    assert list(comp.index)[0] == "kubectl"


def test_layout_puts_apiserver_in_the_centre():
    pos = layout(architecture_graph(JOURNEY))
    assert pos[A] == (0.0, 0.0)
    assert pos["deployment-controller"][1] > 0 > pos["kubelet/node-2"][1]
    assert pos["kubectl"][0] < 0


def test_draw_architecture_returns_figure():
    fig = Figure()
    ax = fig.add_subplot()
    assert draw_architecture(JOURNEY, ax=ax) is fig


def test_journey_keeps_one_deployment_and_one_pod():
    j = apply_journey(JOURNEY, "web")
    t = sequence_table(j)
    assert list(t["from"] + ">" + t["to"]) == [
        "kubectl>kube-apiserver", "kube-apiserver>etcd", "kube-apiserver>deployment-controller",
        "deployment-controller>kube-apiserver", "kube-apiserver>etcd", "kube-apiserver>replicaset-controller",
        "replicaset-controller>kube-apiserver", "kube-apiserver>etcd",
        "kube-apiserver>default-scheduler", "default-scheduler>kube-apiserver", "kube-apiserver>etcd",
        "kube-apiserver>kubelet/node-2", "kubelet/node-2>kube-apiserver", "kube-apiserver>etcd",
    ]
    assert set(t["name"]) == {"web", "web-7c5ddbdf54", "web-7c5ddbdf54-abcde"}
    assert list(t["step"]) == list(range(1, 15))
    assert t.loc[9, "message"] == "create/binding Pod web-7c5ddbdf54-abcde (node node-2)"
    assert t.loc[1, "message"] == "txn/put /registry/deployments/default/web (rev 10)"
    assert t.loc[2, "message"] == "watch ADDED Deployment web"
    assert len(apply_journey(JOURNEY, "web", pods=None)) == 16
    assert [r.name for r in apply_journey(JOURNEY, "webapp")] == ["webapp"]


def test_participants_and_first_contacts():
    j = apply_journey(JOURNEY, "web")
    assert participants(j) == ["kubectl", A, "etcd", "deployment-controller", "replicaset-controller",
                               "default-scheduler", "kubelet/node-2"]
    fc = first_contacts(j)
    assert list(fc["component"]) == ["kubectl", A, "etcd", "deployment-controller", "replicaset-controller",
                                     "default-scheduler", "kubelet/node-2"]


def test_draw_sequence_truncates():
    fig = Figure()
    ax = fig.add_subplot()
    assert draw_sequence(JOURNEY, ax=ax, max_rows=5) is fig
    assert "5 of 23" in ax.get_title()
    assert any("18 more" in t.get_text() for t in ax.texts)


def test_message_of_etcd_and_watch():
    assert message_of(JOURNEY[1]) == "txn/put /registry/deployments/default/web (rev 10)"
    assert message_of(JOURNEY[0]) == "create Deployment web"


def test_journey_drops_dry_run_duplicates_echoes_and_bystanders():
    recs = [
        R(0.0, "kubectl", A, "get", "Deployment", "web", "default"),
        R(0.0, "kubectl", A, "create", "Deployment", "web", "default"),  # the dry run
        R(0.0, "kubectl", A, "create", "Deployment", "web", "default"),
        R(0.0, A, "etcd", "txn/put", "key", "/registry/deployments/default/web", "", "rev 10"),
        R(0.001, A, "deployment-controller", "watch ADDED", "Deployment", "web", "default", "rv 10"),
        R(0.001, "deployment-controller", A, "update/status", "Deployment", "web", "default"),
        R(0.002, A, "deployment-controller", "watch MODIFIED", "Deployment", "web", "default", "rv 11"),  # echo
        R(0.003, A, "default-scheduler", "watch ADDED", "ReplicaSet", "web-7c5ddbdf54", "default", "rv 12"),
        R(0.003, A, "default-scheduler", "watch ADDED", "Pod", "web-7c5ddbdf54-abcde", "default", "rv 13"),
        R(0.003, A, "default-scheduler", "watch MODIFIED", "ReplicaSet", "web-7c5ddbdf54", "default", "rv 14"),
        R(0.004, "default-scheduler", A, "create/binding", "Pod", "web-7c5ddbdf54-abcde", "default", "node node-1"),
        R(0.005, "kubectl", A, "create", "Pod", "web-app-7c5ddbdf54-abcde", "default"),  # another deployment's pod
    ]
    got = [(r.source, r.verb, r.kind) for r in apply_journey(recs, "web")]
    assert got == [
        ("kubectl", "get", "Deployment"),
        ("kubectl", "create", "Deployment"),
        (A, "txn/put", "key"),
        (A, "watch ADDED", "Deployment"),
        ("deployment-controller", "update/status", "Deployment"),
        (A, "watch ADDED", "Pod"),
        ("default-scheduler", "create/binding", "Pod"),
    ]
    assert len(apply_journey(recs, "web", triggers_only=False)) == 10


def test_controllers_share_the_controller_managers_watches():
    recs = [
        R(0.0, "kube-controller-manager", A, "watch", "Deployment", "", "", ""),
        R(0.001, A, "kube-controller-manager", "watch ADDED", "Deployment", "web", "default", "rv 10"),
        R(0.001, "deployment-controller", A, "create", "ReplicaSet", "web-7c5ddbdf54", "default"),
        R(0.001, A, "etcd", "txn/put", "key", "/registry/replicasets/default/web-7c5ddbdf54", "", "rev 11"),
        R(0.002, A, "kube-controller-manager", "watch ADDED", "ReplicaSet", "web-7c5ddbdf54", "default", "rv 11"),
        R(0.002, A, "kube-controller-manager", "watch MODIFIED", "Deployment", "web", "default", "rv 12"),
        R(0.003, "replicaset-controller", A, "create", "Pod", "web-7c5ddbdf54-abcde", "default"),
    ]
    g = architecture_graph(recs)
    comp = components_table(g).set_index("component")
    assert comp.loc["kube-controller-manager", "watches"] == "Deployment, ReplicaSet"
    assert comp.loc["deployment-controller", "watches"] == "(via kube-controller-manager)"
    assert comp.loc["deployment-controller", "runs on"] == "control-plane (kube-controller-manager)"
    pos = layout(g)
    assert pos["kube-controller-manager"][0] < pos["deployment-controller"][0]
    # the ReplicaSet event, not the later Deployment echo, triggered the pod's creation
    j = apply_journey(recs, "web")
    assert [(r.verb, r.kind) for r in j if r.verb.startswith("watch ")] == [("watch ADDED", "Deployment"),
                                                                             ("watch ADDED", "ReplicaSet")]
    assert participants(j) == [A, "etcd", "kube-controller-manager", "deployment-controller",
                               "replicaset-controller"]
