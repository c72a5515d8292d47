"""An RBAC panel: pick a user, a verb, a resource and a namespace → allowed, or why not.

:func:`rbac_step` is the plain function behind the panel (tests and notebooks call it
directly); it asks the RBAC authorizer of :mod:`k8slab.apiserver.rbac` — the same code
that authorizes HTTP requests to ``Cluster.serve()`` — and never changes the cluster.
"""

from __future__ import annotations

from typing import Any

from ..apiserver.authn import UserInfo, admin_user, service_account_user
from ..apiserver.rbac import can_i

VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]
RESOURCES = ["pods", "pods/log", "deployments", "deployments/scale", "configmaps", "secrets", "nodes", "roles"]


def user_info(name: str) -> UserInfo:
    """``kubernetes-admin``, ``system:serviceaccount:<ns>:<name>`` or any user name (in system:authenticated)."""
    if name == "kubernetes-admin":
        return admin_user()
    if name.startswith("system:serviceaccount:"):
        _, _, ns, sa = name.split(":", 3)
        return service_account_user(ns, sa)
    return UserInfo(name, groups=("system:authenticated",))


def rbac_step(c: Any, user: str, verb: str, resource: str, namespace: str = "default", name: str = "") -> str:
    """``yes — <the binding that allows it>`` or ``no — <upstream's 403 message>``."""
    res, _, sub = resource.partition("/")
    ok, why = can_i(c.apiserver, user_info(user), verb, res, namespace, name, sub)
    return f"{'yes' if ok else 'no'} — {why}"


def rbac_panel(c: Any, users: list[str] | None = None):
    """Dropdowns for user, verb, resource and namespace, and the answer below them."""
    import ipywidgets as w

    users = users or ["kubernetes-admin", "system:serviceaccount:default:viewer", "jane"]
    u = w.Dropdown(options=users, description="user")
    v = w.Dropdown(options=VERBS, description="verb")
    r = w.Dropdown(options=RESOURCES, description="resource")
    ns = w.Dropdown(options=["default", "kube-system"], description="namespace")
    out = w.HTML()

    def update(_=None) -> None:
        import html

        out.value = f"<pre>{html.escape(rbac_step(c, u.value, v.value, r.value, ns.value))}</pre>"

    for x in (u, v, r, ns):
        x.observe(update, names="value")
    update()
    box = w.VBox([w.HBox([u, v]), w.HBox([r, ns]), out])
    box.add_class("k8slab-rbac")
    return box
