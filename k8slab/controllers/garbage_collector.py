"""The garbage collector: dependents go when their owners are gone.

upstream: pkg/controller/garbagecollector/garbagecollector.go and graph_builder.go.
The collector keeps a graph of ownerReferences from informers on the kinds that can own or
be owned. When an owner is deleted (background propagation), dependents whose owners are
all gone are deleted. An owner being deleted with the ``orphan`` finalizer has the
ownerReferences to it removed from its dependents, then loses the finalizer; with
``foregroundDeletion`` its dependents are deleted first and the owner goes last.

Simplification: the graph covers the kinds k8slab serves that carry ownerReferences
(ReplicaSets, Pods, Leases, Events are left alone); upstream discovers every resource.
"""

from __future__ import annotations

import json

from ..api.errors import ApiError
from ..api.meta import key_of
from ..client.context import ComponentContext

#: resources the collector watches, in the order dependents are processed
WATCHED = ("nodes", "deployments", "replicasets", "pods", "leases")


class GarbageCollector:
    def __init__(self, ctx: ComponentContext):
        self.ctx = ctx
        self.informers = {r: ctx.informer(r) for r in WATCHED}
        self.uids: dict[str, tuple[str, str]] = {}  # uid -> (resource, key)
        self.dependents: dict[str, set[tuple[str, str]]] = {}  # owner uid -> {(resource, key)}
        self.queue = ctx.workqueue("gc", self._process)

    def start(self) -> None:
        for r, inf in self.informers.items():
            inf.add_handler(lambda o, r=r: self._add(r, o),
                            lambda old, new, r=r: self._update(r, old, new),
                            lambda o, r=r: self._delete(r, o))
        for inf in self.informers.values():
            inf.start()

    # ------------------------------------------------------------------ graph
    def _owners(self, obj: dict) -> list[dict]:
        return list(obj["metadata"].get("ownerReferences") or [])

    def _add(self, r: str, obj: dict) -> None:
        uid = obj["metadata"]["uid"]
        self.uids[uid] = (r, key_of(obj))
        for ref in self._owners(obj):
            self.dependents.setdefault(ref["uid"], set()).add((r, key_of(obj)))
            if ref["uid"] not in self.uids:
                self.queue.add(f"dep|{r}|{key_of(obj)}")  # owner may be gone already
        if obj["metadata"].get("deletionTimestamp"):
            self.queue.add(f"owner|{r}|{key_of(obj)}")

    def _update(self, r: str, old: dict, new: dict) -> None:
        for ref in self._owners(old):
            s = self.dependents.get(ref["uid"])
            if s:
                s.discard((r, key_of(old)))
        self._add(r, new)

    def _delete(self, r: str, obj: dict) -> None:
        uid = obj["metadata"]["uid"]
        self.uids.pop(uid, None)
        for ref in self._owners(obj):
            s = self.dependents.get(ref["uid"])
            if s:
                s.discard((r, key_of(obj)))
        for dep in sorted(self.dependents.get(uid, ())):
            self.queue.add(f"dep|{dep[0]}|{dep[1]}")

    # ------------------------------------------------------------------ work
    def _process(self, item: str) -> None:
        kind, r, key = item.split("|", 2)
        obj = self.informers[r].get(key)
        if obj is None:
            return
        try:
            if kind == "dep":
                self._attempt_delete_dependent(r, obj)
            else:
                self._process_deleting_owner(r, obj)
        except ApiError as e:
            if e.code not in (404,):
                self.queue.add_rate_limited(item)

    def _attempt_delete_dependent(self, r: str, obj: dict) -> None:
        refs = self._owners(obj)
        if not refs:
            return
        live = [ref for ref in refs if ref["uid"] in self.uids]
        if live:
            # owners still exist: if one waits in foreground deletion, this dependent goes now
            for ref in live:
                owner_r, owner_key = self.uids[ref["uid"]]
                owner = self.informers[owner_r].get(owner_key)
                if owner and "foregroundDeletion" in (owner["metadata"].get("finalizers") or []):
                    md = obj["metadata"]
                    self.ctx.client.delete(r, md["name"], md.get("namespace"), propagation_policy="Background")
                    return
            return
        md = obj["metadata"]
        if md.get("deletionTimestamp"):
            return
        # isDangling: confirm with the API server that no owner is there under the same uid
        for ref in refs:
            if self._owner_exists(ref, md.get("namespace")):
                return
        self.ctx.client.delete(r, md["name"], md.get("namespace"), propagation_policy="Background")

    def _owner_exists(self, ref: dict, namespace: str | None) -> bool:
        from ..api.resources import for_kind

        ri = for_kind(ref.get("apiVersion", ""), ref.get("kind", ""))
        if ri is None:
            return False
        try:
            owner = self.ctx.client.get(ri.plural, ref["name"], namespace if ri.namespaced else None)
        except ApiError as e:
            if e.code == 404:
                return False
            raise
        return owner["metadata"].get("uid") == ref.get("uid")

    def _process_deleting_owner(self, r: str, obj: dict) -> None:
        md = obj["metadata"]
        finalizers = list(md.get("finalizers") or [])
        deps = sorted(self.dependents.get(md["uid"], ()))
        if "orphan" in finalizers:
            for dr, dkey in deps:
                dep = self.informers[dr].get(dkey)
                if dep is None:
                    continue
                refs = [x for x in self._owners(dep) if x["uid"] != md["uid"]]
                self.ctx.client.patch(dr, dep["metadata"]["name"], {"metadata": {"ownerReferences": refs or None}},
                                      namespace=dep["metadata"].get("namespace"))
            self._remove_finalizer(r, obj, "orphan")
        elif "foregroundDeletion" in finalizers:
            remaining = [d for d in deps if self.informers[d[0]].get(d[1]) is not None]
            if not remaining:
                self._remove_finalizer(r, obj, "foregroundDeletion")
                return
            for dr, dkey in remaining:
                dep = self.informers[dr].get(dkey)
                if dep is not None and not dep["metadata"].get("deletionTimestamp"):
                    self.ctx.client.delete(dr, dep["metadata"]["name"], dep["metadata"].get("namespace"),
                                           propagation_policy="Foreground")
            self.queue.add_after(f"owner|{r}|{key_of(obj)}", 1.0)

    def _remove_finalizer(self, r: str, obj: dict, name: str) -> None:
        obj = json.loads(json.dumps(obj))
        obj["metadata"]["finalizers"] = [f for f in obj["metadata"].get("finalizers") or [] if f != name]
        self.ctx.client.update(r, obj)
