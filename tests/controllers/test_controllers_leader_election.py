"""Leader election through the kube-system/kube-controller-manager Lease: one leader, a standby
that takes over LeaseDuration after the leader dies, and upstream's timings."""

import pytest

from k8slab.api.meta import parse_time
from k8slab.apiserver import APIServer
from k8slab.client import Client, ComponentContext, EventRecorder
from k8slab.controllers import ControllerManager
from k8slab.controllers.leader_election import LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD, LeaderElector
from k8slab.etcd import MVCCStore
from k8slab.sim import Kernel, RngTree, Trace

LE = {"leader-election": {"leader_elect": True}}


class Plane:
    def __init__(self):
        self.kernel = Kernel()
        self.rng = RngTree(0)
        self.server = APIServer(MVCCStore(), self.kernel, self.rng, Trace())
        self.server.bootstrap()
        self.client = Client(self.server, "test")

    def ctx(self, name):
        c = Client(self.server, name)
        return ComponentContext(name, c, lambda d, fn, *a, source="", what="": self.kernel.call_later(
            d, fn, *a, source=source or name, what=what), self.rng.stream(name), EventRecorder(c, name))

    def run(self, s):
        self.kernel.run_until(self.kernel.now + s)

    def lease(self):
        return self.client.get("leases", "kube-controller-manager", "kube-system")


def test_upstream_defaults():
    assert (LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD) == (15.0, 10.0, 2.0)
    p = Plane()
    with pytest.raises(ValueError, match="leaseDuration must be greater than renewDeadline"):
        LeaderElector(p.ctx("x"), "a", lease_duration=5, renew_deadline=10)


def test_one_leader_standby_takes_over_after_lease_duration():
    p = Plane()
    a = ControllerManager(p.ctx, LE, identity="cp-a")
    b = ControllerManager(p.ctx, LE, identity="cp-b")
    a.start()
    b.start()
    assert a.leading and not b.leading and a.started and not b.started
    lease = p.lease()
    assert lease["spec"]["holderIdentity"] == "cp-a"
    assert lease["spec"]["leaseDurationSeconds"] == 15 and lease["spec"]["leaseTransitions"] == 0
    p.run(30)
    lease = p.lease()
    assert lease["spec"]["holderIdentity"] == "cp-a"
    assert parse_time(lease["spec"]["renewTime"]) >= 28  # renewed every RetryPeriod
    assert not b.leading
    # the controllers of the leader work; the standby's do not
    p.client.create("deployments", {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                                    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                                             "template": {"metadata": {"labels": {"app": "web"}},
                                                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}},
                    "default")
    p.run(2)
    assert len(p.client.list("pods", "default")["items"]) == 2
    t_crash = p.kernel.now
    last_renew = parse_time(p.lease()["spec"]["renewTime"])
    a.crash()
    assert p.kernel.now == t_crash
    while not b.leading:
        p.run(0.5)
        assert p.kernel.now - t_crash < 40
    lease = p.lease()
    assert lease["spec"]["holderIdentity"] == "cp-b" and lease["spec"]["leaseTransitions"] == 1
    # b saw the record change at its own observation time and waited LeaseDuration from then
    took_over = parse_time(lease["spec"]["acquireTime"])
    assert LEASE_DURATION <= took_over - last_renew <= LEASE_DURATION + RETRY_PERIOD * 2.2 + 0.5
    assert b.started
    # the new leader keeps the desired state: delete a pod, it is replaced
    pod = p.client.list("pods", "default")["items"][0]
    p.client.delete("pods", pod["metadata"]["name"], "default", grace_period_seconds=0)
    p.run(2)
    assert len(p.client.list("pods", "default")["items"]) == 2
    events = [e for e in p.client.list("events", "kube-system")["items"] if e["reason"] == "LeaderElection"]
    assert [e["message"] for e in events] == ["cp-a became leader", "cp-b became leader"]


def test_a_leader_that_cannot_renew_steps_down():
    p = Plane()
    a = ControllerManager(p.ctx, LE, identity="cp-a")
    a.start()
    p.run(5)
    # someone else grabs the lease (as if a's renewals had been failing): a cannot renew and stops
    lease = p.lease()
    lease["spec"]["holderIdentity"] = "intruder"
    p.client.update("leases", lease)
    p.run(RENEW_DEADLINE + 2 * RETRY_PERIOD)
    assert not a.leading and not a.alive


def test_cluster_default_keeps_controllers_running_without_election():
    import k8slab

    c = k8slab.Cluster(seed=0, nodes=1)
    assert c.controller_manager.leading
    c2 = k8slab.Cluster(seed=0, nodes=1, controller_options=LE)
    c2.run(5)
    assert c2.get("leases", "kube-controller-manager", "kube-system")["spec"]["holderIdentity"] == \
        c2.controller_manager.identity
    assert c2.controller_manager.identity.startswith("control-plane_")
