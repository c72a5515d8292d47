"""The serviceaccounts controller: a ``default`` ServiceAccount in every namespace.

upstream: pkg/controller/serviceaccount/serviceaccounts_controller.go (with
``ServiceAccounts: [{Name: "default"}]``, the options kube-controller-manager gives it).
It watches Namespaces and ServiceAccounts; when a namespace is added or updated, or its
``default`` ServiceAccount is deleted, it syncs that namespace: if the namespace is Active
and has no ``default`` ServiceAccount, it creates one. AlreadyExists and Forbidden (the
namespace began terminating) are not errors; anything else is retried with back-off.

The API server's bootstrap creates ``default`` in the four namespaces every cluster starts
with (apiserver/server.py ``bootstrap``), so it exists before this controller's manager
holds its Lease; this controller covers every namespace created later, and a deleted
``default``.
"""

from __future__ import annotations

from ..api.errors import ApiError
from ..apiserver.admission import default_service_account
from ..client.context import ComponentContext


class ServiceAccountsController:
    def __init__(self, ctx: ComponentContext):
        self.ctx = ctx
        self.namespaces = ctx.informer("namespaces")
        self.service_accounts = ctx.informer("serviceaccounts")
        self.queue = ctx.workqueue("serviceaccount", self.sync)
        self.service_account_names = [default_service_account()["metadata"]["name"]]

    def start(self) -> None:
        self.namespaces.add_handler(self._namespace_added, lambda old, new: self._namespace_added(new), None)
        self.service_accounts.add_handler(None, None, self._service_account_deleted)
        self.service_accounts.start()
        self.namespaces.start()

    def _namespace_added(self, ns: dict) -> None:
        self.queue.add(ns["metadata"]["name"])

    def _service_account_deleted(self, sa: dict) -> None:
        """serviceAccountDeleted: only the managed names matter."""
        if sa["metadata"]["name"] in self.service_account_names:
            self.queue.add(sa["metadata"].get("namespace", ""))

    def sync(self, name: str) -> None:
        """syncNamespace."""
        ns = self.namespaces.get(name)
        if ns is None or (ns.get("status") or {}).get("phase", "Active") != "Active" \
                or ns["metadata"].get("deletionTimestamp"):
            return  # upstream: only Active namespaces get ServiceAccounts
        for sa_name in self.service_account_names:
            if self.service_accounts.get(f"{name}/{sa_name}") is not None:
                continue
            sa = default_service_account()
            sa["metadata"]["name"] = sa_name
            sa["metadata"]["namespace"] = name
            try:
                self.ctx.client.create("serviceaccounts", sa, name)
            except ApiError as e:
                if e.code in (409, 403, 404):  # AlreadyExists; Forbidden/NotFound: the namespace is going
                    continue
                self.queue.add_rate_limited(name)
                return
        self.queue.forget(name)
