"""etcd's errors, with etcd's messages.

upstream: etcd-io/etcd server/storage/mvcc/kvstore.go (ErrCompacted, ErrFutureRev),
api/v3rpc/rpctypes/error.go (the ``etcdserver: ...`` messages a client sees for lease and
txn errors), server/storage/wal/wal.go and server/etcdserver/api/snap/snapshotter.go
(``wal: crc mismatch``, ``snap: crc mismatch``, ...).

Every error raised by ``k8slab.etcd`` is an :class:`EtcdError`, so a caller can catch
them all at once. Errors about files on disk are :class:`CorruptError`: they carry the
file and the byte offset where reading went wrong.
"""

from __future__ import annotations


class EtcdError(Exception):
    """Base class of every error raised by the k8slab etcd store."""


class CompactedError(EtcdError):
    """``mvcc: required revision has been compacted`` (etcd's ErrCompacted)."""

    def __init__(self) -> None:
        super().__init__("mvcc: required revision has been compacted")


class FutureRevisionError(EtcdError):
    """``mvcc: required revision is a future revision`` (etcd's ErrFutureRev)."""

    def __init__(self) -> None:
        super().__init__("mvcc: required revision is a future revision")


class LeaseNotFoundError(EtcdError):
    """``etcdserver: requested lease not found`` (rpctypes.ErrGRPCLeaseNotFound)."""

    def __init__(self, lease_id: int = 0) -> None:
        self.lease_id = lease_id
        super().__init__("etcdserver: requested lease not found")


class LeaseExistsError(EtcdError):
    """``etcdserver: lease already exists`` (rpctypes.ErrGRPCLeaseExist)."""

    def __init__(self, lease_id: int = 0) -> None:
        self.lease_id = lease_id
        super().__init__("etcdserver: lease already exists")


class LeaseTTLTooLargeError(EtcdError):
    """``etcdserver: too large lease TTL`` (rpctypes.ErrGRPCLeaseTTLTooLarge)."""

    def __init__(self) -> None:
        super().__init__("etcdserver: too large lease TTL")


class DuplicateKeyError(EtcdError):
    """``etcdserver: duplicate key given in txn request`` (rpctypes.ErrGRPCDuplicateKey)."""

    def __init__(self) -> None:
        super().__init__("etcdserver: duplicate key given in txn request")


class StoppedError(EtcdError):
    """``etcdserver: server stopped`` (etcdserver.ErrStopped): a write to a closed durable store."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("etcdserver: server stopped" + (f" ({detail})" if detail else ""))


class CorruptError(EtcdError):
    """A file on disk that k8slab refuses to load: corrupt, foreign, or of another version.

    ``path`` is the file and ``offset`` the byte position where reading failed (None when
    the problem is not at one position, e.g. a missing file).
    """

    def __init__(self, message: str, path: str = "", offset: int | None = None) -> None:
        self.path = str(path)
        self.offset = offset
        where = ""
        if path:
            where = f" in file '{path}'"
            if offset is not None:
                where += f" at position: {offset}"
        super().__init__(message + where)


class EtcdTimeoutError(EtcdError):
    """``etcdserver: request timed out`` (etcdserver.ErrTimeout): a write that no quorum acknowledged.

    upstream: etcd server/etcdserver/errors/errors.go (ErrTimeout). The replicated store
    raises it at once when there is no leader or the leader cannot reach a quorum.
    """

    def __init__(self) -> None:
        super().__init__("etcdserver: request timed out")
