"""Events live an hour (--event-ttl=1h): the API server stores them with an etcd lease, and
etcd's lessor deletes them when it expires, on the virtual clock."""

import k8slab


def test_events_expire_with_their_lease():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.kubectl("create deployment web --image=nginx:1.27")
    c.run(30)
    first = c.list("events", "default")
    assert first
    kv = c.store.get(f"/registry/events/default/{first[0]['metadata']['name']}")
    assert kv.lease != 0  # attached to a lease
    ttl = c.store.lease_time_to_live(kv.lease)
    assert 3600 <= ttl.granted_ttl <= 3660
    c.run(3700)
    assert [e for e in c.list("events", "default") if e["metadata"]["name"] == first[0]["metadata"]["name"]] == []
    assert c.store.get(f"/registry/events/default/{first[0]['metadata']['name']}") is None


def test_one_lease_serves_a_minute_of_events():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.kubectl("create deployment web --image=nginx:1.27 --replicas=3")
    c.run(30)
    leases = {c.store.get(f"/registry/events/default/{e['metadata']['name']}").lease for e in c.list("events", "default")}
    assert len(leases) <= 2  # events written within LEASE_REUSE_SECONDS share their lease
