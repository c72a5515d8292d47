"""etcd leases: a TTL on the virtual clock that, when it runs out, deletes the keys attached.

upstream: etcd-io/etcd server/lease/lessor.go (Grant, Revoke, Renew, Attach, Detach,
revokeExpiredLeases), server/lease/lease.go (Remaining, expired), server/etcdserver/server.go
(``minTTL := time.Duration((3*cfg.ElectionTicks)/2) * heartbeat``), pkg/idutil/id.go (lease
ids) and server/etcdserver/api/v3rpc/lease.go (a TimeToLive of a missing lease answers
``TTL: -1``).

The :class:`Lessor` here is pure bookkeeping (ids, TTLs, expiry times, attached keys); the
MVCC store owns it, asks it for the time, and turns a revoke into the DELETE of the keys.
It never reads a clock itself: the store hands it ``now``.

Simplifications (documented): one lessor that is always the primary (no Promote/Demote);
expiry times are floats on the virtual clock rather than wall-clock instants.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..api.meta import EPOCH
from .errors import LeaseExistsError, LeaseNotFoundError, LeaseTTLTooLargeError

#: lease.NoLease: the id meaning "no lease"
NO_LEASE = 0
#: lease.MaxLeaseTTL (seconds)
MAX_LEASE_TTL = 9_000_000_000
#: etcd's defaults: --heartbeat-interval=100 (ms), --election-timeout=1000 (ms)
HEARTBEAT_MS = 100
ELECTION_MS = 1000
#: etcd's minimum lease TTL, from server.go: ceil((3 * electionTicks / 2) * heartbeat) = ceil(1.5 s) = 2 s
MIN_LEASE_TTL = math.ceil(((3 * (ELECTION_MS // HEARTBEAT_MS)) // 2) * HEARTBEAT_MS / 1000)
#: lessor.go runLoop: expired leases are looked for every 500 ms ...
EXPIRY_CHECK_INTERVAL = 0.5
#: ... and at most leaseRevokeRate/2 = 500 of them are revoked per pass
REVOKE_LIMIT = 1000 // 2
#: the member id of a single-member etcd started with the defaults (name "default");
#: its low 16 bits prefix every lease id it hands out (e.g. ``694d77aa9e38260f``)
DEFAULT_MEMBER_ID = 0x8E9E05C52164694D

_TS_LEN = 5 * 8
_CNT_LEN = 8
_SUFFIX_LEN = _TS_LEN + _CNT_LEN


@dataclass
class Lease:
    """One lease: its id, granted TTL (seconds), expiry on the virtual clock, attached keys."""

    id: int
    ttl: int
    expiry: float
    keys: set[str] = field(default_factory=set)

    def remaining(self, now: float) -> float:
        """Seconds left before the lease expires (negative once it has)."""
        return self.expiry - now

    def expired(self, now: float) -> bool:
        """lease.go expired(): ``Remaining() <= 0``."""
        return self.expiry - now <= 0


@dataclass(frozen=True)
class LeaseTimeToLive:
    """etcdserverpb.LeaseTimeToLiveResponse: ``ttl`` is the seconds left (-1 when the lease
    is gone), ``granted_ttl`` the TTL it was granted with, ``keys`` the attached keys."""

    id: int
    ttl: int
    granted_ttl: int
    keys: tuple[str, ...] = ()


def lease_id_hex(lease_id: int) -> str:
    """How etcdctl prints a lease id (``%016x``)."""
    return f"{lease_id:016x}"


class Lessor:
    """The leases of one store: grant, renew, revoke bookkeeping, attach/detach, expiry."""

    def __init__(self, min_lease_ttl: int = MIN_LEASE_TTL, member_id: int = DEFAULT_MEMBER_ID) -> None:
        self.min_lease_ttl = int(min_lease_ttl)
        self.leases: dict[int, Lease] = {}
        # upstream: pkg/idutil/id.go NewGenerator(uint16(memberID), now): the prefix is the
        # member id's low 16 bits, the suffix starts at the start time in ms << 8 and counts up.
        self._prefix = (member_id & 0xFFFF) << _SUFFIX_LEN
        start_ms = int(EPOCH.timestamp() * 1000)
        self.id_suffix = (start_ms & ((1 << _TS_LEN) - 1)) << _CNT_LEN

    # ------------------------------------------------------------------ ids
    def next_id(self) -> int:
        """The next lease id: idutil.Generator.Next() masked to a positive int64 (v3_server.go LeaseGrant)."""
        while True:
            self.id_suffix += 1
            lid = (self._prefix | (self.id_suffix & ((1 << _SUFFIX_LEN) - 1))) & ((1 << 63) - 1)
            if lid != NO_LEASE and lid not in self.leases:
                return lid

    def observe_id(self, lease_id: int) -> None:
        """Keep the generator past ``lease_id`` when it is one of ours (after a replay)."""
        if lease_id >> _SUFFIX_LEN == self._prefix >> _SUFFIX_LEN:
            self.id_suffix = max(self.id_suffix, lease_id & ((1 << _SUFFIX_LEN) - 1))

    # ------------------------------------------------------------------ checks (no state change)
    def check_ttl(self, ttl: int) -> int:
        """Validate a TTL; returns the TTL a lease gets (lessor.Grant: at least the minimum TTL)."""
        if isinstance(ttl, bool) or not isinstance(ttl, int):
            raise TypeError(f"lease TTL must be an integer number of seconds, got {ttl!r}")
        if ttl > MAX_LEASE_TTL:
            raise LeaseTTLTooLargeError()
        return max(ttl, self.min_lease_ttl)

    def check_grant(self, lease_id: int, ttl: int) -> int:
        """Validate a grant of ``lease_id`` (lessor.Grant's checks, in its order); returns the TTL."""
        if isinstance(lease_id, bool) or not isinstance(lease_id, int):
            raise TypeError(f"lease id must be an int, got {lease_id!r}")
        if lease_id == NO_LEASE:
            raise LeaseNotFoundError(lease_id)
        ttl = self.check_ttl(ttl)
        if lease_id in self.leases:
            raise LeaseExistsError(lease_id)
        return ttl

    def get(self, lease_id: int) -> Lease:
        """The lease, or LeaseNotFoundError."""
        lease = self.leases.get(lease_id)
        if lease is None:
            raise LeaseNotFoundError(lease_id)
        return lease

    # ------------------------------------------------------------------ changes
    def grant(self, lease_id: int, ttl: int, now: float) -> Lease:
        ttl = self.check_grant(lease_id, ttl)
        lease = Lease(lease_id, ttl, now + ttl)
        self.leases[lease_id] = lease
        return lease

    def renew(self, lease_id: int, now: float) -> int:
        """lessor.Renew: the expiry moves to now + TTL; returns the TTL."""
        lease = self.get(lease_id)
        lease.expiry = now + lease.ttl
        return lease.ttl

    def remove(self, lease_id: int) -> Lease:
        lease = self.leases.pop(lease_id, None)
        if lease is None:
            raise LeaseNotFoundError(lease_id)
        return lease

    def attach(self, lease_id: int, key: str) -> None:
        self.get(lease_id).keys.add(key)

    def detach(self, lease_id: int, key: str) -> None:
        lease = self.leases.get(lease_id)
        if lease is not None:
            lease.keys.discard(key)

    # ------------------------------------------------------------------ expiry
    def expired(self, now: float, limit: int = 0) -> list[int]:
        """Ids of leases expired at ``now``, soonest expiry first (ties by id)."""
        out = sorted((l for l in self.leases.values() if l.expired(now)), key=lambda l: (l.expiry, l.id))
        if limit:
            out = out[:limit]
        return [l.id for l in out]

    def next_expiry(self) -> float | None:
        """The earliest expiry time of any lease, or None when there are none."""
        if not self.leases:
            return None
        return min(l.expiry for l in self.leases.values())

    def time_to_live(self, lease_id: int, now: float, keys: bool = False) -> LeaseTimeToLive:
        """v3rpc LeaseTimeToLive: TTL ``int64(Remaining().Seconds())`` (truncated), -1 if gone.

        An expired lease not yet revoked reports 0 rather than a negative TTL.
        """
        lease = self.leases.get(lease_id)
        if lease is None:
            return LeaseTimeToLive(lease_id, -1, 0, ())
        ttl = max(0, int(lease.remaining(now)))
        return LeaseTimeToLive(lease_id, ttl, lease.ttl, tuple(sorted(lease.keys)) if keys else ())
