"""The namespace controller: empty a Terminating namespace, then finalize it.

upstream: pkg/controller/namespace/namespace_controller.go and
pkg/controller/namespace/deletion/namespaced_resources_deleter.go. When a namespace is
deleted it turns Terminating (the API server keeps it while ``spec.finalizers`` holds
``kubernetes``); this controller deletes every namespaced object in it, waits until
they are gone (pods terminate gracefully), then removes the ``kubernetes`` finalizer
through the ``finalize`` subresource, and the API server deletes the namespace.

Simplification: the NamespaceDeletion* status conditions are not reported.
"""

from __future__ import annotations

import json

from ..api import resources as res
from ..api.errors import ApiError
from ..client.context import ComponentContext

RECHECK = 2.0  # seconds between looks at a namespace whose content is still going


class NamespaceController:
    def __init__(self, ctx: ComponentContext):
        self.ctx = ctx
        self.namespaces = ctx.informer("namespaces")
        self.queue = ctx.workqueue("namespace", self.sync)

    def start(self) -> None:
        self.namespaces.add_handler(lambda o: self._maybe(o), lambda old, new: self._maybe(new), None)
        self.namespaces.start()

    def _maybe(self, ns: dict) -> None:
        if ns["metadata"].get("deletionTimestamp"):
            self.queue.add(ns["metadata"]["name"])

    def sync(self, name: str) -> None:
        ns = self.namespaces.get(name)
        if ns is None or not ns["metadata"].get("deletionTimestamp"):
            return
        try:
            remaining = self._delete_content(name)
            if remaining:
                self.queue.add_after(name, RECHECK)
                return
            ns = json.loads(json.dumps(ns))
            ns.setdefault("spec", {})["finalizers"] = [f for f in ns["spec"].get("finalizers") or [] if f != "kubernetes"]
            self.ctx.client.update("namespaces", ns, subresource="finalize")
        except ApiError as e:
            if e.code != 404:
                self.queue.add_rate_limited(name)

    def _delete_content(self, namespace: str) -> int:
        """Delete every namespaced object; returns how many still exist."""
        remaining = 0
        for ri in res.RESOURCES:
            if not ri.namespaced or "delete" not in ri.verbs:
                continue
            for obj in self.ctx.client.list(ri.plural, namespace)["items"]:
                remaining += 1
                if obj["metadata"].get("deletionTimestamp"):
                    continue
                try:
                    self.ctx.client.delete(ri.plural, obj["metadata"]["name"], namespace)
                except ApiError as e:
                    if e.code != 404:
                        raise
        return remaining
