"""kube-apiserver: REST semantics over the store."""

from .server import APIServer, WatchHandle

__all__ = ["APIServer", "WatchHandle"]
