"""etcd: the MVCC key-value store that holds all cluster state."""

from .mvcc import MVCCStore, KeyValue, WatchEvent, CompactedError, FutureRevisionError

__all__ = ["MVCCStore", "KeyValue", "WatchEvent", "CompactedError", "FutureRevisionError"]
