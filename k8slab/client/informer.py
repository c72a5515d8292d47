"""Informers: a list+watch cache of one resource with event handlers and indexes.

upstream: staging/src/k8s.io/client-go/tools/cache (reflector.go, shared_informer.go,
thread_safe_store.go). ``start()`` lists, fills the cache, then watches from the list's
resourceVersion; each watch delivery updates the cache and calls the handlers. If the
watch is lost (410 Gone), the informer relists, like the reflector.

Handlers receive the cached object: as in client-go they must not mutate it.
"""

from __future__ import annotations

from typing import Any, Callable

from ..api.errors import ApiError
from ..api.meta import key_of
from .client import Client

Handler = Callable[..., None]


class Informer:
    """A cache of ``resource`` objects kept current by list+watch."""

    def __init__(self, client: Client, resource: str, namespace: str | None = None, *,
                 label_selector: str | None = None, field_selector: str | None = None):
        self.client = client
        self.resource = resource
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        self._items: dict[str, dict] = {}
        self._handlers: list[tuple[Handler | None, Handler | None, Handler | None]] = []
        self._indexers: dict[str, Callable[[dict], list[str]]] = {}
        self._indices: dict[str, dict[str, set[str]]] = {}
        self._watch = None
        self.synced = False
        self.resource_version = ""

    # ------------------------------------------------------------------ set-up
    def add_handler(self, on_add: Handler | None = None, on_update: Handler | None = None,
                    on_delete: Handler | None = None) -> None:
        """``on_add(obj)``, ``on_update(old, new)``, ``on_delete(obj)``."""
        self._handlers.append((on_add, on_update, on_delete))

    def add_index(self, name: str, fn: Callable[[dict], list[str]]) -> None:
        """An index: ``fn(obj)`` gives the values under which ``by_index(name, value)`` finds it.

        On a shared informer the first definition of a name wins (users agree on its meaning).
        """
        if name in self._indexers:
            return
        self._indexers[name] = fn
        idx: dict[str, set[str]] = {}
        for k, obj in self._items.items():
            for v in fn(obj):
                idx.setdefault(v, set()).add(k)
        self._indices[name] = idx

    def start(self) -> None:
        """List, then watch from the list's resourceVersion (a no-op when already running)."""
        if self._watch is not None:
            return
        lst = self.client.list(self.resource, self.namespace, label_selector=self.label_selector,
                               field_selector=self.field_selector)
        self.resource_version = lst["metadata"]["resourceVersion"]
        fresh = {key_of(o): o for o in lst["items"]}
        old_items = self._items
        self._items = {}
        for name in self._indices:
            self._indices[name] = {}
        for k, o in fresh.items():
            self._store(k, o)
            if k in old_items:
                self._call(1, old_items[k], o)
            else:
                self._call(0, o)
        for k, o in old_items.items():
            if k not in fresh:
                self._call(2, o)
        self.synced = True
        self._watch = self.client.watch(self.resource, self._on_event, self.namespace,
                                        resource_version=self.resource_version,
                                        label_selector=self.label_selector, field_selector=self.field_selector)

    def stop(self) -> None:
        if self._watch is not None:
            self._watch.stop()
            self._watch = None

    # ------------------------------------------------------------------ cache
    def get(self, key: str) -> dict | None:
        """The cached object for ``namespace/name`` (or ``name`` for cluster-scoped kinds)."""
        return self._items.get(key)

    def list(self) -> list[dict]:
        """Every cached object, in key order (deterministic)."""
        return [self._items[k] for k in sorted(self._items)]

    def keys(self) -> list[str]:
        return sorted(self._items)

    def by_index(self, name: str, value: str) -> list[dict]:
        keys = self._indices.get(name, {}).get(value, ())
        return [self._items[k] for k in sorted(keys)]

    def __len__(self) -> int:
        return len(self._items)

    def _store(self, k: str, obj: dict) -> None:
        old = self._items.get(k)
        if old is not None:
            self._unindex(k, old)
        self._items[k] = obj
        for name, fn in self._indexers.items():
            idx = self._indices[name]
            for v in fn(obj):
                idx.setdefault(v, set()).add(k)

    def _unindex(self, k: str, obj: dict) -> None:
        for name, fn in self._indexers.items():
            idx = self._indices[name]
            for v in fn(obj):
                s = idx.get(v)
                if s is not None:
                    s.discard(k)
                    if not s:
                        del idx[v]

    def _remove(self, k: str) -> dict | None:
        old = self._items.pop(k, None)
        if old is not None:
            self._unindex(k, old)
        return old

    # ------------------------------------------------------------------ events
    def _on_event(self, typ: str, obj: dict) -> None:
        k = key_of(obj)
        self.resource_version = obj["metadata"].get("resourceVersion", self.resource_version)
        if typ == "DELETED":
            old = self._remove(k)
            self._call(2, old if old is not None else obj)
        else:
            old = self._items.get(k)
            self._store(k, obj)
            if old is None:
                self._call(0, obj)
            else:
                self._call(1, old, obj)

    def _call(self, which: int, *args: Any) -> None:
        for hs in self._handlers:
            h = hs[which]
            if h is not None:
                h(*args)

    def resync_after_error(self, err: ApiError) -> None:
        """Relist after a watch failure (410 Gone), as the reflector does."""
        self.stop()
        self.start()


class SharedInformerFactory:
    """One informer per (resource, namespace, selectors), shared by the components of a process.

    upstream: staging/src/k8s.io/client-go/informers/factory.go. kube-controller-manager's
    controllers share one pods informer, one ReplicaSets informer and so on; each keeps
    its own handlers and reads the same cache (which nobody may mutate).
    """

    def __init__(self, client: Client):
        self.client = client
        self._informers: dict[tuple, Informer] = {}

    def informer(self, resource: str, namespace: str | None = None, *, label_selector: str | None = None,
                 field_selector: str | None = None) -> Informer:
        key = (resource, namespace, label_selector, field_selector)
        inf = self._informers.get(key)
        if inf is None:
            inf = Informer(self.client, resource, namespace, label_selector=label_selector,
                           field_selector=field_selector)
            self._informers[key] = inf
        return inf
