"""The scheduling queue: activeQ order, backoff, requeueing by cluster events."""

from sched_harness import node, pod

from k8slab.scheduler.config import build_framework, load_config
from k8slab.scheduler.framework import ActionType, PodInfo
from k8slab.scheduler.queue import SchedulingQueue, assigned_pod_event, node_event


class Clock:
    def __init__(self):
        self.t = 0.0
        self.timers = []

    def call_later(self, delay, fn, *args, what=""):
        class T:
            def cancel(self_inner):
                self_inner.cancelled = True
        t = T()
        t.cancelled = False
        self.timers.append((self.t + delay, fn, args, t))
        return t


def make_queue():
    clock = Clock()
    fw = build_framework(load_config(None).profiles[0], None)
    q = SchedulingQueue({"default-scheduler": fw}, lambda: clock.t, clock.call_later, lambda: None)
    return q, clock


def test_active_queue_order_priority_then_time():
    q, clock = make_queue()
    q.add(PodInfo(pod("low-early", priority=0)))
    clock.t = 1
    q.add(PodInfo(pod("high", priority=100)))
    q.add(PodInfo(pod("low-late", priority=0)))
    order = [q.pop().pod_info.name for _ in range(3)]
    assert order == ["high", "low-early", "low-late"]
    assert q.pop() is None


def test_backoff_doubles_to_ten_seconds():
    q, _ = make_queue()
    qpi = None
    q.add(PodInfo(pod("p")))
    qpi = q.pop()
    got = []
    for attempts in range(1, 7):
        qpi.attempts = attempts
        got.append(q.backoff_duration(qpi))
    assert got == [1, 2, 4, 8, 10, 10]


def test_unschedulable_pod_moves_only_on_registered_events():
    q, clock = make_queue()
    q.add(PodInfo(pod("p", {"cpu": "3"})))
    qpi = q.pop()
    qpi.unschedulable_plugins = {"NodeResourcesFit"}
    q.add_unschedulable_if_not_present(qpi)
    assert q.pending_pods()["unschedulablePods"] == ["default/p"]
    # a label change on a node does not help NodeResourcesFit
    q.move_all_to_active_or_backoff(node_event(ActionType.UpdateNodeLabel), {}, {})
    assert q.pending_pods()["unschedulablePods"] == ["default/p"]
    # an unscheduled pod deleted does not free resources; a bound one does
    q.move_all_to_active_or_backoff(assigned_pod_event(ActionType.Delete), {"spec": {}}, None)
    assert q.pending_pods()["unschedulablePods"] == ["default/p"]
    q.move_all_to_active_or_backoff(assigned_pod_event(ActionType.Delete), {"spec": {"nodeName": "n"}}, None)
    assert q.pending_pods()["backoffQ"] == ["default/p"]  # still backing off (1 s)
    clock.t = 1.0
    q.flush_backoff_completed()
    assert q.pending_pods()["activeQ"] == ["default/p"]


def test_node_add_moves_pod_straight_to_active_after_backoff():
    q, clock = make_queue()
    q.add(PodInfo(pod("p", {"cpu": "3"})))
    qpi = q.pop()
    qpi.unschedulable_plugins = {"NodeResourcesFit"}
    q.add_unschedulable_if_not_present(qpi)
    clock.t = 5.0
    q.move_all_to_active_or_backoff(node_event(ActionType.Add), None, node("n"))
    assert q.pending_pods()["activeQ"] == ["default/p"]


def test_gated_pod_waits_for_gates_to_go():
    q, _ = make_queue()
    gated = pod("g", schedulingGates=[{"name": "wait"}])
    q.add(PodInfo(gated))
    assert q.pending_pods()["unschedulablePods"] == ["default/g"] and q.pop() is None
    q.move_all_to_active_or_backoff(node_event(ActionType.Add), None, node("n"))
    assert q.pending_pods()["unschedulablePods"] == ["default/g"]
    from k8slab.scheduler.queue import pod_update_actions, unscheduled_pod_event
    ungated = dict(gated, spec=dict(gated["spec"], schedulingGates=[]))
    q.update(gated, PodInfo(ungated), unscheduled_pod_event(pod_update_actions(gated, ungated, False)))
    assert q.pending_pods()["activeQ"] == ["default/g"]
