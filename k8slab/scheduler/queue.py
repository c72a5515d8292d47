"""The scheduling queue: activeQ, backoffQ, unschedulable pods, and the nominator.

upstream: pkg/scheduler/backend/queue/scheduling_queue.go (v1.32: internal/queue), with
queueing hints on (``SchedulerQueueingHints``, default in v1.32):

- activeQ is ordered by the QueueSort plugin (PrioritySort: priority, then the time the pod
  was (re)queued);
- a pod that failed goes to the unschedulable pods, remembering the plugins that rejected
  it; cluster events move it back only if one of those plugins registered the event (and
  its queueing hint says so); it then waits out its backoff (1 s doubling to 10 s by
  attempt) in backoffQ unless the backoff is already over;
- backoffQ is flushed every second, pods unschedulable for more than 5 minutes every 30 s.

On the virtual clock the periodic flushes are timers set only while there is something to
flush, at the instants upstream's 1 s / 30 s tickers would fire.
k8slab simplification: events that arrive while a pod is in flight are not replayed for it
(a scheduling cycle is a single kernel event, so none can arrive during one).
"""

from __future__ import annotations

import heapq
import math
from typing import Any, Callable, Optional

from .framework.interface import (ASSIGNED_POD, NODE, UNSCHEDULED_POD, WILDCARD, ActionType, ClusterEvent,
                                  NominatingInfo)
from .framework.types import PodInfo, QueuedPodInfo

#: upstream: DefaultPodMaxInUnschedulablePodsDuration, flush periods
POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION = 300.0
BACKOFF_FLUSH_PERIOD = 1.0
UNSCHEDULABLE_FLUSH_PERIOD = 30.0

QUEUE_SKIP, QUEUE_AFTER_BACKOFF, QUEUE_IMMEDIATELY = 0, 1, 2

#: upstream: framework.EventUnschedulableTimeout / EventForceActivate (wildcard events)
EVENT_UNSCHEDULABLE_TIMEOUT = ClusterEvent(WILDCARD, ActionType.All, "UnschedulableTimeout")
EVENT_FORCE_ACTIVATE = ClusterEvent(WILDCARD, ActionType.All, "ForceActivate")


class Nominator:
    """upstream: nominator -- pods nominated to nodes by preemption, which lower-or-equal
    priority pods must leave room for."""

    def __init__(self, pod_exists_unbound: Callable[[PodInfo], bool] | None = None):
        self.pod_to_node: dict[str, str] = {}
        self.node_to_pods: dict[str, dict[str, PodInfo]] = {}
        self._exists_unbound = pod_exists_unbound

    def add(self, pi: PodInfo, info: Optional[NominatingInfo]) -> None:
        self.delete(pi.uid)
        if info is not None and info.mode == "override":
            node = info.nominated_node_name
        else:
            node = (pi.pod.get("status") or {}).get("nominatedNodeName") or ""
        if not node:
            return
        if self._exists_unbound is not None and not self._exists_unbound(pi):
            return
        self.pod_to_node[pi.uid] = node
        self.node_to_pods.setdefault(node, {})[pi.uid] = pi

    def delete(self, uid: str) -> None:
        node = self.pod_to_node.pop(uid, None)
        if node is None:
            return
        pods = self.node_to_pods.get(node)
        if pods is not None:
            pods.pop(uid, None)
            if not pods:
                del self.node_to_pods[node]

    def update(self, old_pod: dict, new_pi: PodInfo) -> None:
        """upstream: updateNominatedPodUnlocked -- keep an in-memory nomination across an update."""
        info = None
        if not (old_pod.get("status") or {}).get("nominatedNodeName") and \
                not (new_pi.pod.get("status") or {}).get("nominatedNodeName"):
            nnn = self.pod_to_node.get(new_pi.uid)
            if nnn:
                info = NominatingInfo(nnn, "override")
        self.delete(new_pi.uid)
        self.add(new_pi, info)

    def nominated_pods_for_node(self, node: str) -> list[PodInfo]:
        return list(self.node_to_pods.get(node, {}).values())


class SchedulingQueue:
    """upstream: PriorityQueue."""

    def __init__(self, frameworks: dict[str, Any], now: Callable[[], float], call_later: Callable[..., Any],
                 on_active: Callable[[], None], initial_backoff: float = 1.0, max_backoff: float = 10.0,
                 pod_exists_unbound: Callable[[PodInfo], bool] | None = None):
        self.frameworks = frameworks
        any_fw = next(iter(frameworks.values()))
        qs = any_fw.queue_sort_plugin
        if hasattr(qs, "sort_key"):
            self._sort_key = qs.sort_key
        else:  # a QueueSort plugin with only ``less``: order by it, then arrival
            import functools

            cmp = functools.cmp_to_key(lambda a, b: -1 if qs.less(a, b) else (1 if qs.less(b, a) else 0))
            self._sort_key = lambda q: (cmp(q), q.seq)
        self.now = now
        self._call_later = call_later
        self._on_active = on_active
        self.initial_backoff = float(initial_backoff)
        self.max_backoff = float(max_backoff)
        self.active: dict[str, QueuedPodInfo] = {}
        self._active_heap: list[tuple] = []
        self._active_token: dict[str, int] = {}
        self.backoff: dict[str, QueuedPodInfo] = {}
        self._backoff_heap: list[tuple] = []
        self.unschedulable: dict[str, QueuedPodInfo] = {}
        self.in_flight: dict[str, QueuedPodInfo] = {}
        self.nominator = Nominator(pod_exists_unbound)
        self.scheduling_cycle = 0
        self._seq = 0
        self._token = 0
        self._start = now()
        self._backoff_timer = None
        self._backoff_timer_at = math.inf
        self._leftover_timer = None
        self._leftover_timer_at = math.inf
        self.hints = {name: fw.queueing_hints() for name, fw in frameworks.items()}
        self._interest: dict[tuple, set[str]] = {}

    # ---------------------------------------------------------------- bookkeeping
    def _new_qpi(self, pi: PodInfo) -> QueuedPodInfo:
        self._seq += 1
        return QueuedPodInfo(pi, self.now(), self._seq)

    def __len__(self) -> int:
        return len(self.active) + len(self.backoff) + len(self.unschedulable)

    def has_active(self) -> bool:
        return bool(self.active)

    def peek(self) -> Optional[QueuedPodInfo]:
        """The pod ``pop`` would return now (without popping it)."""
        heap = self._active_heap
        while heap and self._active_token.get(heap[0][2]) != heap[0][1]:
            heapq.heappop(heap)
        return self.active[heap[0][2]] if heap else None

    def find(self, uid: str) -> Optional[QueuedPodInfo]:
        return self.active.get(uid) or self.backoff.get(uid) or self.unschedulable.get(uid) or self.in_flight.get(uid)

    def pending_pods(self) -> dict[str, list[str]]:
        """Pod keys per internal queue (upstream: PendingPods), for inspection."""
        return {"activeQ": sorted(q.pod_info.key for q in self.active.values()),
                "backoffQ": sorted(q.pod_info.key for q in self.backoff.values()),
                "unschedulablePods": sorted(q.pod_info.key for q in self.unschedulable.values())}

    def _push_active(self, qpi: QueuedPodInfo) -> None:
        uid = qpi.pod_info.uid
        self._token += 1
        self.active[uid] = qpi
        self._active_token[uid] = self._token
        heapq.heappush(self._active_heap, (self._sort_key(qpi), self._token, uid))
        self._on_active()

    def _remove_active(self, uid: str) -> None:
        self.active.pop(uid, None)
        self._active_token.pop(uid, None)

    def backoff_duration(self, qpi: QueuedPodInfo) -> float:
        """upstream: calculateBackoffDuration -- initial * 2^(attempts-1), at most max."""
        if qpi.attempts == 0:
            return 0.0
        d = self.initial_backoff
        for _ in range(1, qpi.attempts):
            if d > self.max_backoff - d:
                return self.max_backoff
            d += d
        return d

    def backoff_time(self, qpi: QueuedPodInfo) -> float:
        return qpi.timestamp + self.backoff_duration(qpi)

    def is_pod_backing_off(self, qpi: QueuedPodInfo) -> bool:
        if qpi.gated:
            return False
        return self.backoff_time(qpi) > self.now()

    def _push_backoff(self, qpi: QueuedPodInfo) -> None:
        uid = qpi.pod_info.uid
        self.backoff[uid] = qpi
        heapq.heappush(self._backoff_heap, (self.backoff_time(qpi), qpi.seq, uid, qpi))
        self._arm_backoff_flush()

    # ---------------------------------------------------------------- add / pop
    def _pre_enqueue(self, qpi: QueuedPodInfo) -> bool:
        fw = self.frameworks.get(qpi.pod_info.scheduler_name)
        if fw is None:
            return True
        st = fw.run_pre_enqueue_plugins(qpi.pod_info)
        if st is None:
            qpi.gated = False
            return True
        qpi.gated = True
        qpi.unschedulable_plugins = {st.plugin}
        return False

    def _move_to_active(self, qpi: QueuedPodInfo) -> bool:
        """upstream: moveToActiveQ -- PreEnqueue plugins may gate the pod instead."""
        uid = qpi.pod_info.uid
        if not self._pre_enqueue(qpi):
            self.unschedulable[uid] = qpi
            return False
        self.unschedulable.pop(uid, None)
        self.backoff.pop(uid, None)
        self._push_active(qpi)
        return True

    def add(self, pi: PodInfo) -> None:
        """A new pending pod (upstream: Add)."""
        qpi = self._new_qpi(pi)
        self.unschedulable.pop(pi.uid, None)
        self.backoff.pop(pi.uid, None)
        self._move_to_active(qpi)
        self.nominator.add(pi, None)

    def pop(self) -> Optional[QueuedPodInfo]:
        """upstream: Pop -- the head of activeQ, now in flight."""
        while self._active_heap:
            _key, token, uid = heapq.heappop(self._active_heap)
            if self._active_token.get(uid) != token:
                continue
            qpi = self.active.pop(uid)
            del self._active_token[uid]
            qpi.attempts += 1
            if qpi.initial_attempt_timestamp is None:
                qpi.initial_attempt_timestamp = self.now()
            self.scheduling_cycle += 1
            self.in_flight[uid] = qpi
            return qpi
        return None

    def done(self, uid: str) -> None:
        self.in_flight.pop(uid, None)

    def add_unschedulable_if_not_present(self, qpi: QueuedPodInfo) -> None:
        """upstream: AddUnschedulableIfNotPresent -- back to the queue after a failed attempt."""
        uid = qpi.pod_info.uid
        self.in_flight.pop(uid, None)
        if uid in self.active or uid in self.backoff or uid in self.unschedulable:
            return
        qpi.timestamp = self.now()
        rejectors = qpi.unschedulable_plugins | qpi.pending_plugins
        hint = QUEUE_AFTER_BACKOFF if not rejectors else QUEUE_SKIP
        self._requeue(qpi, hint)

    def _requeue(self, qpi: QueuedPodInfo, hint: int) -> str:
        """upstream: requeuePodViaQueueingHint."""
        uid = qpi.pod_info.uid
        if hint == QUEUE_SKIP:
            self.unschedulable[uid] = qpi
            self._arm_leftover_flush()
            return "unschedulablePods"
        if hint != QUEUE_IMMEDIATELY and self.is_pod_backing_off(qpi):
            self.unschedulable.pop(uid, None)
            self._push_backoff(qpi)
            return "backoffQ"
        if self._move_to_active(qpi):
            return "activeQ"
        return "unschedulablePods"

    # ---------------------------------------------------------------- update / delete
    def update(self, old_pod: dict, new_pi: PodInfo, event: Optional[ClusterEvent]) -> None:
        """upstream: Update -- a pending pod changed; ``event`` is its scheduling-relevant change."""
        uid = new_pi.uid
        qpi = self.active.get(uid)
        if qpi is not None:
            qpi.pod_info = new_pi
            self.nominator.update(old_pod, new_pi)
            self._push_active(qpi)  # re-sort (priority may have changed)
            return
        qpi = self.backoff.get(uid)
        if qpi is not None:
            qpi.pod_info = new_pi
            self.nominator.update(old_pod, new_pi)
            return
        qpi = self.in_flight.get(uid)
        if qpi is not None:
            qpi.pod_info = new_pi
            return
        qpi = self.unschedulable.get(uid)
        if qpi is not None:
            qpi.pod_info = new_pi
            self.nominator.update(old_pod, new_pi)
            if event is None:
                return
            if qpi.gated:
                # gates removed (or other changes): PreEnqueue decides again
                if event.action & ActionType.UpdatePodSchedulingGatesEliminated or event.action == ActionType.Update:
                    self.unschedulable.pop(uid, None)
                    self._requeue(qpi, QUEUE_AFTER_BACKOFF)
                return
            hint = self.is_pod_worth_requeuing(qpi, event, old_pod, new_pi.pod)
            if hint != QUEUE_SKIP:
                self.unschedulable.pop(uid, None)
                self._requeue(qpi, hint)
            return
        # not in any queue: treat as new
        qpi = self._new_qpi(new_pi)
        self._move_to_active(qpi)

    def delete(self, uid: str) -> None:
        self._remove_active(uid)
        self.backoff.pop(uid, None)
        self.unschedulable.pop(uid, None)
        self.nominator.delete(uid)

    # ---------------------------------------------------------------- cluster events
    def is_pod_worth_requeuing(self, qpi: QueuedPodInfo, event: ClusterEvent, old: Any, new: Any) -> int:
        """upstream: isPodWorthRequeuing."""
        rejectors = qpi.unschedulable_plugins | qpi.pending_plugins
        if not rejectors or event.is_wildcard():
            return QUEUE_AFTER_BACKOFF
        hints = self.hints.get(qpi.pod_info.scheduler_name)
        if hints is None:
            return QUEUE_AFTER_BACKOFF
        strategy = QUEUE_SKIP
        for ev, plugin, fn in hints:
            if plugin not in rejectors or not ev.match(event):
                continue
            if fn is not None:
                try:
                    if not fn(qpi.pod_info, old, new):
                        continue
                except Exception:  # upstream: an error from a hint means Queue
                    pass
            if plugin in qpi.pending_plugins:
                return QUEUE_IMMEDIATELY
            if not qpi.pending_plugins:
                return QUEUE_AFTER_BACKOFF
            strategy = QUEUE_AFTER_BACKOFF
        return strategy

    def _interested_plugins(self, event: ClusterEvent) -> set[str]:
        """The plugins (any profile) that registered an event matching ``event`` (memoized)."""
        key = (event.resource, int(event.action))
        got = self._interest.get(key)
        if got is None:
            got = {plugin for hints in self.hints.values() for ev, plugin, _fn in hints if ev.match(event)}
            self._interest[key] = got
        return got

    def move_all_to_active_or_backoff(self, event: ClusterEvent, old: Any = None, new: Any = None) -> None:
        """upstream: MoveAllToActiveOrBackoffQueue."""
        if not self.unschedulable:
            return
        if event.is_wildcard():
            self._move(list(self.unschedulable.values()), event, old, new)
            return
        interested = self._interested_plugins(event)
        # pods with no rejector plugin are always worth requeuing; others only if a rejector cares
        pods = [q for q in self.unschedulable.values()
                if not (q.unschedulable_plugins or q.pending_plugins)
                or not interested.isdisjoint(q.unschedulable_plugins) or not interested.isdisjoint(q.pending_plugins)]
        if pods:
            self._move(pods, event, old, new)

    def _move(self, qpis: list[QueuedPodInfo], event: ClusterEvent, old: Any, new: Any) -> None:
        for qpi in sorted(qpis, key=lambda q: q.seq):
            if qpi.gated and "SchedulingGates" in qpi.unschedulable_plugins:
                continue
            hint = self.is_pod_worth_requeuing(qpi, event, old, new)
            if hint == QUEUE_SKIP:
                continue
            self.unschedulable.pop(qpi.pod_info.uid, None)
            self._requeue(qpi, hint)

    def activate(self, uids: list[str]) -> None:
        """upstream: Activate -- force pods (unschedulable or backing off) into activeQ."""
        for uid in uids:
            qpi = self.unschedulable.pop(uid, None) or self.backoff.pop(uid, None)
            if qpi is not None:
                self._move_to_active(qpi)

    # ---------------------------------------------------------------- periodic flushes
    def _next_tick(self, period: float, at_or_after: float) -> float:
        k = math.ceil(round((at_or_after - self._start) / period, 9))
        return self._start + max(k, 0) * period

    def _arm_backoff_flush(self) -> None:
        if not self.backoff:
            return
        while self._backoff_heap and self.backoff.get(self._backoff_heap[0][2]) is not self._backoff_heap[0][3]:
            heapq.heappop(self._backoff_heap)
        if not self._backoff_heap:
            return
        at = self._next_tick(BACKOFF_FLUSH_PERIOD, self._backoff_heap[0][0])
        if at <= self.now():
            at = self._next_tick(BACKOFF_FLUSH_PERIOD, self.now() + 1e-9)
        if self._backoff_timer is not None and self._backoff_timer_at <= at:
            return
        if self._backoff_timer is not None:
            self._backoff_timer.cancel()
        self._backoff_timer_at = at
        self._backoff_timer = self._call_later(max(at - self.now(), 0.0), self._on_backoff_tick,
                                               what="flush backoffQ")

    def _on_backoff_tick(self) -> None:
        self._backoff_timer = None
        self._backoff_timer_at = math.inf
        self.flush_backoff_completed()
        self._arm_backoff_flush()

    def flush_backoff_completed(self) -> None:
        """upstream: flushBackoffQCompleted -- pods whose backoff is over go to activeQ."""
        now = self.now()
        heap = self._backoff_heap
        while heap:
            t, _seq, uid, qpi = heap[0]
            if self.backoff.get(uid) is not qpi:
                heapq.heappop(heap)
                continue
            if self.backoff_time(qpi) > now:
                if t != self.backoff_time(qpi):  # timestamp changed: re-key
                    heapq.heapreplace(heap, (self.backoff_time(qpi), qpi.seq, uid, qpi))
                    continue
                break
            heapq.heappop(heap)
            del self.backoff[uid]
            self._move_to_active(qpi)

    def _arm_leftover_flush(self) -> None:
        if self._leftover_timer is not None:
            return  # pods added later are due later; the tick re-arms for the rest
        candidates = [q.timestamp for q in self.unschedulable.values() if not q.gated]
        if not candidates:
            return
        at = self._next_tick(UNSCHEDULABLE_FLUSH_PERIOD, min(candidates) + POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION + 1e-6)
        self._leftover_timer_at = at
        self._leftover_timer = self._call_later(max(at - self.now(), 0.0), self._on_leftover_tick,
                                                what="flush unschedulable pods leftover")

    def _on_leftover_tick(self) -> None:
        self._leftover_timer = None
        self._leftover_timer_at = math.inf
        self.flush_unschedulable_leftover()
        self._arm_leftover_flush()

    def flush_unschedulable_leftover(self) -> None:
        """upstream: flushUnschedulablePodsLeftover -- pods stuck over 5 minutes are retried."""
        now = self.now()
        old = [q for q in self.unschedulable.values() if now - q.timestamp > POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION]
        if old:
            self._move(old, EVENT_UNSCHEDULABLE_TIMEOUT, None, None)


def node_update_actions(old: dict, new: dict) -> ActionType:
    """upstream: nodeSchedulingPropertiesChange -- which scheduling-relevant parts of a node changed."""
    a = ActionType(0)
    os_, ns_ = old.get("spec") or {}, new.get("spec") or {}
    if bool(os_.get("unschedulable")) != bool(ns_.get("unschedulable")) and not ns_.get("unschedulable"):
        a |= ActionType.UpdateNodeTaint  # upstream reports a cordon being lifted as UpdateNodeTaint
    ost, nst = old.get("status") or {}, new.get("status") or {}
    if ost.get("allocatable") != nst.get("allocatable"):
        a |= ActionType.UpdateNodeAllocatable
    if (old.get("metadata") or {}).get("labels") != (new.get("metadata") or {}).get("labels"):
        a |= ActionType.UpdateNodeLabel
    if (os_.get("taints") or []) != (ns_.get("taints") or []):
        a |= ActionType.UpdateNodeTaint
    oc = {c.get("type"): c.get("status") for c in ost.get("conditions") or ()}
    nc = {c.get("type"): c.get("status") for c in nst.get("conditions") or ()}
    if oc != nc:
        a |= ActionType.UpdateNodeCondition
    if (old.get("metadata") or {}).get("annotations") != (new.get("metadata") or {}).get("annotations"):
        a |= ActionType.UpdateNodeAnnotation
    return a


def pod_update_actions(old: dict, new: dict, assigned: bool) -> ActionType:
    """upstream: PodSchedulingPropertiesChange -- labels, tolerations, scheduling gates; any
    other spec change counts as a generic Update; status-only changes count as nothing."""
    a = ActionType(0)
    if (old.get("metadata") or {}).get("labels") != (new.get("metadata") or {}).get("labels"):
        a |= ActionType.UpdatePodLabel
    os_, ns_ = old.get("spec") or {}, new.get("spec") or {}
    if not assigned:
        if (os_.get("tolerations") or []) != (ns_.get("tolerations") or []):
            a |= ActionType.UpdatePodTolerations
        if os_.get("schedulingGates") and not ns_.get("schedulingGates"):
            a |= ActionType.UpdatePodSchedulingGatesEliminated
        if not a and os_ != ns_:
            a = ActionType.Update
    return a


def node_event(action: ActionType) -> ClusterEvent:
    return ClusterEvent(NODE, action)


def assigned_pod_event(action: ActionType) -> ClusterEvent:
    return ClusterEvent(ASSIGNED_POD, action)


def unscheduled_pod_event(action: ActionType) -> ClusterEvent:
    return ClusterEvent(UNSCHEDULED_POD, action)
