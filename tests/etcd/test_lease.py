"""etcd leases on the virtual clock: grant, keepalive, revoke, expiry deleting the attached keys."""

import pytest

from k8slab.etcd.errors import LeaseExistsError, LeaseNotFoundError, LeaseTTLTooLargeError
from k8slab.etcd.lease import MAX_LEASE_TTL, MIN_LEASE_TTL, lease_id_hex
from k8slab.etcd.mvcc import MVCCStore
from k8slab.sim.kernel import Kernel


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def store() -> tuple[MVCCStore, Clock]:
    c = Clock()
    return MVCCStore(clock=c), c


def test_min_lease_ttl_is_etcds():
    # server.go: ceil(((3 * electionTicks) / 2) * heartbeat) with 100 ms heartbeat, 1000 ms election
    assert MIN_LEASE_TTL == 2


@pytest.mark.parametrize("requested,granted", [(-5, 2), (0, 2), (1, 2), (2, 2), (3, 3), (60, 60),
                                               (MAX_LEASE_TTL, MAX_LEASE_TTL)])
def test_granted_ttl_is_at_least_the_minimum(requested, granted):
    s, _ = store()
    lid = s.lease_grant(requested)
    assert s.lease_time_to_live(lid).granted_ttl == granted


def test_grant_errors_change_nothing():
    s, _ = store()
    with pytest.raises(LeaseTTLTooLargeError, match="etcdserver: too large lease TTL"):
        s.lease_grant(MAX_LEASE_TTL + 1)
    lid = s.lease_grant(10, id=7)
    assert lid == 7
    with pytest.raises(LeaseExistsError, match="etcdserver: lease already exists"):
        s.lease_grant(10, id=7)
    with pytest.raises(TypeError):
        s.lease_grant(1.5)
    assert s.leases() == [7]


def test_lease_ids_look_like_etcds_and_are_deterministic():
    ids = [MVCCStore().lease_grant(5) for _ in range(2)]
    assert ids[0] == ids[1]
    s = MVCCStore()
    a, b = s.lease_grant(5), s.lease_grant(5)
    assert lease_id_hex(a).startswith("694d") and b == a + 1


def test_time_to_live_counts_down_on_the_virtual_clock():
    s, c = store()
    lid = s.lease_grant(10)
    s.put("/k", b"v", lease=lid)
    c.t = 3.7
    ttl = s.lease_time_to_live(lid, keys=True)
    assert (ttl.ttl, ttl.granted_ttl, ttl.keys) == (6, 10, ("/k",))
    assert s.lease_time_to_live(424242).ttl == -1  # v3rpc: a missing lease answers TTL -1


def test_keepalive_restarts_the_ttl():
    s, c = store()
    lid = s.lease_grant(10)
    c.t = 8
    assert s.lease_keepalive(lid) == 10
    c.t = 15
    assert s.expire_leases() == []
    assert s.lease_time_to_live(lid).ttl == 3
    c.t = 18
    assert s.expire_leases() == [lid]


def test_expiry_deletes_the_attached_keys_with_delete_events_in_one_revision():
    s, c = store()
    lid = s.lease_grant(5)
    other = s.lease_grant(50)
    s.put("/b", b"1", lease=lid)
    s.put("/a", b"1", lease=lid)
    s.put("/c", b"1", lease=other)
    s.put("/d", b"1")
    seen = []
    s.watch("/", seen.append, range_end="\0")
    c.t = 4.9
    assert s.expire_leases() == []
    c.t = 5.0
    assert s.expire_leases() == [lid]
    assert [(e.type, e.kv.key, e.kv.mod_revision, e.prev_kv.lease) for e in seen] == [
        ("DELETE", "/a", 5, lid), ("DELETE", "/b", 5, lid)]
    assert s.keys() == ["/c", "/d"] and s.leases() == [other]
    with pytest.raises(LeaseNotFoundError):
        s.lease_keepalive(lid)


def test_revoke_deletes_keys_and_a_revoke_without_keys_takes_no_revision():
    s, _ = store()
    empty = s.lease_grant(60)
    full = s.lease_grant(60)
    s.put("/x", b"1", lease=full)
    s.lease_revoke(empty)
    assert s.revision == 1
    s.lease_revoke(full)
    assert s.revision == 2 and s.get("/x") is None
    for call in (lambda: s.lease_revoke(full), lambda: s.lease_keepalive(full)):
        with pytest.raises(LeaseNotFoundError, match="etcdserver: requested lease not found"):
            call()


def test_a_put_moves_the_key_to_its_new_lease():
    s, c = store()
    short = s.lease_grant(5)
    s.put("/k", b"1", lease=short)
    s.put("/k", b"2")  # no lease: detached (kvstore_txn.go put detaches the old lease)
    c.t = 10
    s.expire_leases()
    assert s.get("/k").value == b"2" and s.get("/k").lease == 0


def test_an_expired_lease_cannot_be_kept_alive():
    s, c = store()
    lid = s.lease_grant(5)
    c.t = 6
    with pytest.raises(LeaseNotFoundError):
        s.lease_keepalive(lid)
    assert s.lease_time_to_live(lid).ttl == 0  # expired, not yet revoked


def test_expire_leases_takes_now_when_there_is_no_clock():
    s = MVCCStore()
    lid = s.lease_grant(5)
    s.put("/k", b"v", lease=lid)
    assert s.expire_leases(now=4) == []
    assert s.expire_leases(now=5) == [lid]
    assert s.get("/k") is None


def test_expiry_revokes_at_most_the_limit_soonest_first():
    s, c = store()
    ids = [s.lease_grant(10 + i) for i in range(5)]
    c.t = 100
    assert s.expire_leases(limit=3) == ids[:3]
    assert s.next_lease_expiry() == 13.0
    assert s.expire_leases() == ids[3:]
    assert s.next_lease_expiry() is None


def test_scenario_heartbeats_on_the_kernel_keep_a_key_until_they_stop():
    """A holder renews every 2 s; the cluster checks expiry every 500 ms (lessor runLoop)."""
    k = Kernel()
    s = MVCCStore(clock=lambda: k.now)
    lid = s.lease_grant(5)
    s.put("/registry/leases/kube-node-lease/node-1", b"{}", lease=lid)
    deleted_at = []
    s.watch("/registry/", lambda ev: deleted_at.append(k.now) if ev.type == "DELETE" else None,
            prefix=True)
    alive = {"on": True}

    def heartbeat():
        if alive["on"]:
            s.lease_keepalive(lid)
            k.call_later(2, heartbeat)

    def expiry_loop():
        s.expire_leases()
        k.call_later(0.5, expiry_loop)

    k.call_later(2, heartbeat)
    k.call_later(0.5, expiry_loop)
    k.run_until(30)
    assert deleted_at == [] and s.lease_time_to_live(lid).ttl >= 3
    alive["on"] = False   # last renewal at t=30 -> expires at t=35
    k.run_until(60)
    assert deleted_at == [35.0]
    assert s.get("/registry/leases/kube-node-lease/node-1") is None
