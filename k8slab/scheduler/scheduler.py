"""kube-scheduler: watch pods and nodes, pick a node for each pending pod, bind it.

upstream: pkg/scheduler/scheduler.go, schedule_one.go (``ScheduleOne``, ``schedulingCycle``,
``bindingCycle``, ``schedulePod``, ``findNodesThatFitPod``, ``findNodesThatPassFilters``,
``numFeasibleNodesToFind``, ``prioritizeNodes``, ``selectHost``, ``handleSchedulingFailure``)
and eventhandlers.go (v1.32).

Sans-IO: the scheduler reacts to informer callbacks and timers and makes API calls through
``ctx.client``. Each scheduling cycle is one kernel event; the binding cycle (PreBind, Bind,
the ``Scheduled`` event) is the next one, as upstream runs it in its own goroutine while the
next pod is scheduled. Ties between the best nodes are broken with ``ctx.rng``.
"""

from __future__ import annotations

import copy
from typing import Any, Optional

from ..api.errors import ApiError, not_found
from ..api.meta import rfc3339
from .cache import Cache
from .config import build_framework, load_config
from .framework.cycle_state import CycleState
from .framework.interface import ActionType, Code, NominatingInfo, Status
from .framework.runtime import Framework
from .framework.types import ERR_NO_NODES_AVAILABLE, Diagnosis, FitError, NodeInfo, PodInfo, QueuedPodInfo
from .queue import (SchedulingQueue, assigned_pod_event, node_event, node_update_actions, pod_update_actions,
                    unscheduled_pod_event)

#: upstream: minFeasibleNodesToFind, minFeasibleNodesPercentageToFind
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
#: upstream: the events.k8s.io note length limit used by truncateMessage
NOTE_LENGTH_LIMIT = 1024
_TERMINAL = ("Succeeded", "Failed")


def num_feasible_nodes_to_find(percentage: Optional[int], global_percentage: int, num_all_nodes: int) -> int:
    """upstream: numFeasibleNodesToFind -- all nodes below 100; else the (adaptive) percentage,
    ``50 - nodes/125`` with a floor of 5%, and never fewer than 100 nodes."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    pct = percentage if percentage is not None else global_percentage
    if pct == 0:
        pct = 50 - num_all_nodes // 125
        if pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND:
            pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND
    n = num_all_nodes * pct // 100
    return max(n, MIN_FEASIBLE_NODES_TO_FIND)


def truncate_message(msg: str) -> str:
    """upstream: truncateMessage."""
    if len(msg) <= NOTE_LENGTH_LIMIT:
        return msg
    suffix = " ..."
    return msg[:NOTE_LENGTH_LIMIT - len(suffix)] + suffix


def update_pod_condition(status: dict, cond: dict) -> bool:
    """upstream: podutil.UpdatePodCondition -- set ``cond``; True if anything changed."""
    conds = status.setdefault("conditions", [])
    for i, old in enumerate(conds):
        if old.get("type") == cond["type"]:
            if cond.get("status") == old.get("status"):
                cond["lastTransitionTime"] = old.get("lastTransitionTime")
            equal = all(cond.get(k) == old.get(k) for k in ("status", "reason", "message", "lastProbeTime",
                                                           "lastTransitionTime"))
            conds[i] = cond
            return not equal
    conds.append(cond)
    return True


class ScheduleResult:
    __slots__ = ("suggested_host", "evaluated_nodes", "feasible_nodes")

    def __init__(self, host: str = "", evaluated: int = 0, feasible: int = 0):
        self.suggested_host = host
        self.evaluated_nodes = evaluated
        self.feasible_nodes = feasible


class Handle:
    """upstream: framework.Handle -- what plugins may use (one per profile)."""

    def __init__(self, sched: "Scheduler"):
        self._sched = sched
        self.framework: Optional[Framework] = None

    @property
    def snapshot(self) -> Cache:
        return self._sched.cache

    @property
    def client(self):
        return self._sched.ctx.client

    @property
    def recorder(self):
        return self._sched.ctx.recorder

    @property
    def rng(self):
        return self._sched.ctx.rng

    @property
    def nominator(self):
        return self._sched.queue.nominator

    def now(self) -> float:
        return self._sched.ctx.now

    def pod_lister(self, namespace: str, name: str) -> dict | None:
        inf = self._sched._pods
        return inf.get(f"{namespace}/{name}") if inf is not None else None

    def rs_lister(self, namespace: str, name: str) -> dict | None:
        inf = self._sched._replicasets
        return inf.get(f"{namespace}/{name}") if inf is not None else None

    def namespace_labels(self, namespace: str) -> dict | None:
        inf = self._sched._namespaces
        ns = inf.get(namespace) if inf is not None else None
        return ((ns or {}).get("metadata") or {}).get("labels") if ns else None

    def namespaces(self) -> list[tuple[str, dict]]:
        inf = self._sched._namespaces
        if inf is None:
            return []
        return [(n["metadata"]["name"], n["metadata"].get("labels") or {}) for n in inf.list()]


class Scheduler:
    """The kube-scheduler component: ``Scheduler(ctx, config)``, then ``start()``.

    ``config`` is a KubeSchedulerConfiguration (YAML text or dict; None for the defaults).
    Pods whose ``spec.schedulerName`` is one of the profiles' names are scheduled.
    ``out_of_tree_registry`` adds plugins (name -> factory ``new(args, handle)``) that
    profiles may enable, as upstream's ``app.WithPlugin``.
    """

    def __init__(self, ctx: Any, config: dict | str | None = None, out_of_tree_registry: dict | None = None):
        from .plugins import in_tree_registry

        self.ctx = ctx
        self.config = load_config(config)
        registry = in_tree_registry()
        for name in out_of_tree_registry or {}:
            if name in registry:
                raise ValueError(f'a plugin named "{name}" already exists')
        registry.update(out_of_tree_registry or {})
        self.cache = Cache()
        self.profiles: dict[str, Framework] = {}
        self._handles: dict[str, Handle] = {}
        for prof in self.config.profiles:
            h = Handle(self)
            fw = build_framework(prof, h, registry)
            h.framework = fw
            self.profiles[prof.scheduler_name] = fw
            self._handles[prof.scheduler_name] = h
        self.queue = SchedulingQueue(self.profiles, now=lambda: self.ctx.now, call_later=self._call_later,
                                     on_active=self._kick, initial_backoff=self.config.pod_initial_backoff_seconds,
                                     max_backoff=self.config.pod_max_backoff_seconds,
                                     pod_exists_unbound=self._pod_exists_unbound)
        self.percentage_of_nodes_to_score = self.config.percentage_of_nodes_to_score
        self.next_start_node_index = 0
        self._cycle_timer = None
        self._pods = self._nodes = self._replicasets = self._namespaces = None
        self.started = False
        #: upstream: scheduler_schedule_attempts_total by result
        self.schedule_attempts = {"scheduled": 0, "unschedulable": 0, "error": 0}

    # ---------------------------------------------------------------- wiring
    def _call_later(self, delay: float, fn, *args, what: str = ""):
        return self.ctx.call_later(delay, fn, *args, what=what)

    def start(self) -> None:
        """Start the informers (namespaces, replicasets, nodes, then pods) and scheduling."""
        if self.started:
            return
        self.started = True
        self._namespaces = self.ctx.informer("namespaces")
        self._namespaces.start()
        self._replicasets = self.ctx.informer("replicasets")
        self._replicasets.start()
        self._nodes = self.ctx.informer("nodes")
        self._nodes.add_handler(self._on_node_add, self._on_node_update, self._on_node_delete)
        self._nodes.start()
        self._pods = self.ctx.informer("pods")
        self._pods.add_handler(self._on_pod_add, self._on_pod_update, self._on_pod_delete)
        self._pods.start()

    def responsible_for(self, pod: dict) -> bool:
        return ((pod.get("spec") or {}).get("schedulerName") or "default-scheduler") in self.profiles

    def _pod_exists_unbound(self, pi: PodInfo) -> bool:
        cur = self._pods.get(pi.key) if self._pods is not None else pi.pod
        return cur is not None and not (cur.get("spec") or {}).get("nodeName")

    # ---------------------------------------------------------------- node events (eventhandlers.go)
    def _on_node_add(self, node: dict) -> None:
        self.cache.add_node(node)
        self.queue.move_all_to_active_or_backoff(node_event(ActionType.Add), None, node)

    def _on_node_update(self, old: dict, new: dict) -> None:
        self.cache.update_node(new)
        actions = node_update_actions(old, new)
        if actions:
            self.queue.move_all_to_active_or_backoff(node_event(actions), old, new)

    def _on_node_delete(self, node: dict) -> None:
        self.cache.remove_node(node["metadata"]["name"])
        self.queue.move_all_to_active_or_backoff(node_event(ActionType.Delete), node, None)

    # ---------------------------------------------------------------- pod events
    @staticmethod
    def _live(pod: dict | None) -> bool:
        """The scheduler's pod informer leaves out terminal pods (status.phase!=Succeeded,Failed)."""
        return pod is not None and (pod.get("status") or {}).get("phase") not in _TERMINAL

    @staticmethod
    def _assigned(pod: dict) -> bool:
        return bool((pod.get("spec") or {}).get("nodeName"))

    def _on_pod_add(self, pod: dict) -> None:
        if not self._live(pod):
            return
        if self._assigned(pod):
            self._add_pod_to_cache(pod)
        elif self.responsible_for(pod):
            self.queue.add(PodInfo(pod))

    def _on_pod_update(self, old: dict, new: dict) -> None:
        if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
            return
        old_live, new_live = self._live(old), self._live(new)
        if not new_live:
            if old_live:
                self._on_pod_delete(old)
            return
        if not old_live:
            self._on_pod_add(new)
            return
        oa, na = self._assigned(old), self._assigned(new)
        if oa and na:
            self._update_pod_in_cache(old, new)
        elif na:  # bound: leaves the queue, enters the cache
            if self.responsible_for(old):
                self.queue.delete(new["metadata"].get("uid", ""))
            self._add_pod_to_cache(new)
        elif oa:
            self._delete_pod_from_cache(old)
            if self.responsible_for(new):
                self.queue.add(PodInfo(new))
        else:
            r_old, r_new = self.responsible_for(old), self.responsible_for(new)
            if r_new and r_old:
                uid = new["metadata"].get("uid", "")
                if self.cache.is_assumed(uid):
                    return
                actions = pod_update_actions(old, new, False)
                self.queue.update(old, PodInfo(new), unscheduled_pod_event(actions) if actions else None)
            elif r_new:
                self.queue.add(PodInfo(new))
            elif r_old:
                self.queue.delete(old["metadata"].get("uid", ""))

    def _on_pod_delete(self, pod: dict) -> None:
        if self._assigned(pod):
            self._delete_pod_from_cache(pod)
        elif self.responsible_for(pod):
            self.queue.delete(pod["metadata"].get("uid", ""))

    def _add_pod_to_cache(self, pod: dict) -> None:
        self.cache.add_pod(PodInfo(pod))
        self.queue.move_all_to_active_or_backoff(assigned_pod_event(ActionType.Add), None, pod)

    def _update_pod_in_cache(self, old: dict, new: dict) -> None:
        uid = new["metadata"].get("uid", "")
        st = self.cache.pod_states.get(uid)
        prev = st[0] if st is not None else None
        if prev is not None and prev.pod.get("spec") == new.get("spec") and \
                prev.labels == (new["metadata"].get("labels") or {}) and \
                prev.terminating == bool(new["metadata"].get("deletionTimestamp")):
            pi = copy.copy(prev)  # only status/metadata moved: keep the computed requests
            pi.pod = new
        else:
            pi = PodInfo(new)
        self.cache.update_pod(pi)
        actions = pod_update_actions(old, new, True)
        if actions:
            self.queue.move_all_to_active_or_backoff(assigned_pod_event(actions), old, new)

    def _delete_pod_from_cache(self, pod: dict) -> None:
        self.cache.remove_pod(pod["metadata"].get("uid", ""))
        self.queue.move_all_to_active_or_backoff(assigned_pod_event(ActionType.Delete), pod, None)

    # ---------------------------------------------------------------- the scheduling loop
    def _kick(self) -> None:
        if self._cycle_timer is None and self.queue.has_active():
            head = self.queue.peek()
            self._cycle_timer = self.ctx.call_later(0.0, self._run_cycle,
                                                    what=f"schedule {head.pod_info.key}" if head else "schedule")

    def _run_cycle(self) -> None:
        self._cycle_timer = None
        qpi = self.queue.pop()
        if qpi is not None:
            self.schedule_one(qpi)
        self._kick()

    def schedule_one(self, qpi: QueuedPodInfo) -> None:
        """upstream: ScheduleOne -- one scheduling cycle for one pod."""
        pi = qpi.pod_info
        fw = self.profiles.get(pi.scheduler_name)
        if fw is None:
            self.queue.done(pi.uid)
            return
        if pi.terminating:  # skipPodSchedule, case 1
            self.ctx.recorder.event(pi.pod, "Warning", "FailedScheduling",
                                    f"skip schedule deleting pod: {pi.namespace}/{pi.name}")
            self.queue.done(pi.uid)
            return
        if self.cache.is_assumed(pi.uid):  # case 2
            self.queue.done(pi.uid)
            return
        state = CycleState()
        result, st, nominating = self._scheduling_cycle(state, fw, qpi)
        if st is not None:
            self._handle_scheduling_failure(fw, qpi, st, nominating)
            return
        self.ctx.call_later(0.0, self._binding_cycle, state, fw, result, qpi,
                            what=f"bind {pi.key} to {result.suggested_host}")

    def _scheduling_cycle(self, state: CycleState, fw: Framework, qpi: QueuedPodInfo):
        """upstream: schedulingCycle -> (result, failure status or None, nominating info)."""
        pi = qpi.pod_info
        clear = NominatingInfo("", "override")
        try:
            result = self.schedule_pod(fw, state, pi)
        except FitError as fe:
            if not fw.has_post_filter_plugins():
                return None, Status(Code.Unschedulable, err=fe), None
            pf_result, pf_st = fw.run_post_filter_plugins(state, pi, fe.diagnosis.node_to_status)
            fe.diagnosis.post_filter_msg = pf_st.message() if pf_st is not None else ""
            nominating = pf_result.nominating_info if pf_result is not None else None
            return None, Status(Code.Unschedulable, err=fe), nominating
        except _NoNodes:
            return None, Status(Code.UnschedulableAndUnresolvable, ERR_NO_NODES_AVAILABLE), clear
        except _SchedError as e:
            return None, Status(Code.Error, str(e)), clear
        host = result.suggested_host
        # assume: the next cycle sees the pod on its node before the binding lands
        self.cache.assume_pod(pi, host)
        self.queue.nominator.delete(pi.uid)
        st = fw.run_reserve_plugins_reserve(state, pi, host)
        if st is not None:
            fw.run_reserve_plugins_unreserve(state, pi, host)
            self.cache.forget_pod(pi.uid)
            if st.is_rejected():
                d = Diagnosis()
                d.node_to_status.set(host, st)
                d.add_plugin_status(st)
                return None, Status(st.code, err=FitError(pi, 1, d)), clear
            return None, st, clear
        st = fw.run_permit_plugins(state, pi, host)
        if st is not None:
            fw.run_reserve_plugins_unreserve(state, pi, host)
            self.cache.forget_pod(pi.uid)
            if st.is_rejected():
                d = Diagnosis()
                d.node_to_status.set(host, st)
                d.add_plugin_status(st)
                return None, Status(st.code, err=FitError(pi, 1, d)), clear
            return None, st, clear
        return result, None, None

    def _binding_cycle(self, state: CycleState, fw: Framework, result: ScheduleResult, qpi: QueuedPodInfo) -> None:
        """upstream: bindingCycle -- PreBind, Bind, the Scheduled event, PostBind."""
        pi = qpi.pod_info
        host = result.suggested_host
        self.queue.done(pi.uid)
        st = fw.run_pre_bind_plugins(state, pi, host)
        if st is None:
            st = fw.run_bind_plugins(state, pi, host)
        if st is not None and not st.is_success():
            self._handle_binding_cycle_error(state, fw, qpi, host, st)
            return
        self.schedule_attempts["scheduled"] += 1
        self.ctx.recorder.event(pi.pod, "Normal", "Scheduled", f"Successfully assigned {pi.namespace}/{pi.name} to {host}")
        fw.run_post_bind_plugins(state, pi, host)

    def _handle_binding_cycle_error(self, state, fw, qpi, host, st: Status) -> None:
        pi = qpi.pod_info
        fw.run_reserve_plugins_unreserve(state, pi, host)
        if self.cache.is_assumed(pi.uid):
            self.cache.forget_pod(pi.uid)
            self.queue.move_all_to_active_or_backoff(assigned_pod_event(ActionType.Delete), pi.pod, None)
        self._handle_scheduling_failure(fw, qpi, st, NominatingInfo("", "override"))

    # ---------------------------------------------------------------- the algorithm
    def schedule_pod(self, fw: Framework, state: CycleState, pi: PodInfo) -> ScheduleResult:
        """upstream: schedulePod. Raises FitError when no node fits."""
        all_nodes = self.cache.list()
        if not all_nodes:
            raise _NoNodes()
        feasible, diagnosis = self.find_nodes_that_fit_pod(fw, state, pi, all_nodes)
        if not feasible:
            raise FitError(pi, len(all_nodes), diagnosis)
        if len(feasible) == 1:
            return ScheduleResult(feasible[0].name, 1 + len(diagnosis.node_to_status), 1)
        scores = self.prioritize_nodes(fw, state, pi, feasible)
        host = self.select_host(scores)
        return ScheduleResult(host, len(feasible) + len(diagnosis.node_to_status), len(feasible))

    def find_nodes_that_fit_pod(self, fw: Framework, state: CycleState, pi: PodInfo, all_nodes: list[NodeInfo]):
        """upstream: findNodesThatFitPod."""
        diagnosis = Diagnosis()
        pre_res, st, plugins = fw.run_pre_filter_plugins(state, pi)
        diagnosis.unschedulable_plugins = set(plugins)
        if st is not None and not st.is_success():
            if not st.is_rejected():
                raise _SchedError(st.message())
            diagnosis.node_to_status.set_absent(st)
            diagnosis.pre_filter_msg = st.message()
            diagnosis.add_plugin_status(st)
            return [], diagnosis
        nnn = (pi.pod.get("status") or {}).get("nominatedNodeName")
        if nnn:
            ni = self.cache.get(nnn)
            if ni is not None:
                feasible = self.find_nodes_that_pass_filters(fw, state, pi, diagnosis, [ni])
                if feasible:
                    return feasible, diagnosis
        nodes = all_nodes
        if pre_res is not None and not pre_res.all_nodes():
            nodes = [self.cache.get(n) for n in sorted(pre_res.node_names)]
            nodes = [n for n in nodes if n is not None]
            diagnosis.node_to_status.set_absent(Status(Code.UnschedulableAndUnresolvable,
                                                       f"node(s) didn't satisfy plugin(s) [{' '.join(sorted(plugins))}]"))
        feasible = self.find_nodes_that_pass_filters(fw, state, pi, diagnosis, nodes)
        processed = len(feasible) + len(diagnosis.node_to_status)
        self.next_start_node_index = (self.next_start_node_index + processed) % len(all_nodes)
        return feasible, diagnosis

    def find_nodes_that_pass_filters(self, fw: Framework, state: CycleState, pi: PodInfo, diagnosis: Diagnosis,
                                     nodes: list[NodeInfo]) -> list[NodeInfo]:
        """upstream: findNodesThatPassFilters -- from nextStartNodeIndex, until enough fit."""
        n_all = len(nodes)
        to_find = num_feasible_nodes_to_find(fw.percentage_of_nodes_to_score, self.percentage_of_nodes_to_score, n_all)
        start = self.next_start_node_index
        if not fw.has_filter_plugins():
            return [nodes[(start + i) % n_all] for i in range(to_find)]
        filters = fw.active_filters(state, pi)
        nominator = self.queue.nominator
        has_nominated = bool(nominator.node_to_pods)
        feasible = []
        set_status = diagnosis.node_to_status.set
        add_plugin_status = diagnosis.add_plugin_status
        for i in range(n_all):
            ni = nodes[(start + i) % n_all]
            if has_nominated:
                st = fw.run_filter_plugins_with_nominated_pods(state, pi, ni, nominator, filters)
            else:
                st = None
                for name, f in filters:  # RunFilterPlugins, inlined
                    st = f(state, pi, ni)
                    if st is not None and st.code != Code.Success:
                        if not st.is_rejected():
                            st = Status(Code.Error, f"running {name!r} filter plugin: {st.message()}")
                        st.plugin = name
                        break
                    st = None
            if st is None or st.code == Code.Success:
                feasible.append(ni)
                if len(feasible) >= to_find:
                    break
            elif st.code == Code.Error:
                raise _SchedError(st.message())
            else:
                set_status(ni.name, st)
                add_plugin_status(st)
        return feasible

    def prioritize_nodes(self, fw: Framework, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]):
        """upstream: prioritizeNodes."""
        from .framework.runtime import NodePluginScores

        if not fw.has_score_plugins():
            return [NodePluginScores(n.name, {}, 1) for n in nodes]
        st = fw.run_pre_score_plugins(state, pi, nodes)
        if st is not None:
            raise _SchedError(st.message())
        scores, st = fw.run_score_plugins(state, pi, nodes)
        if st is not None:
            raise _SchedError(st.message())
        return scores

    def select_host(self, scores) -> str:
        """upstream: selectHost -- the highest total; among equal totals one is chosen
        uniformly at random (upstream by reservoir sampling over its heap; here one draw
        from ``ctx.rng`` over the tied nodes in evaluation order: the same distribution)."""
        totals = scores.totals if hasattr(scores, "totals") else [s.total_score for s in scores]
        names = scores.names if hasattr(scores, "names") else [s.name for s in scores]
        best = max(totals)
        ties = [names[i] for i, t in enumerate(totals) if t == best]
        if len(ties) == 1:
            return ties[0]
        return ties[self.ctx.rng.randrange(len(ties))]

    # ---------------------------------------------------------------- failure
    def _handle_scheduling_failure(self, fw: Framework, qpi: QueuedPodInfo, st: Status,
                                   nominating: Optional[NominatingInfo]) -> None:
        """upstream: handleSchedulingFailure -- requeue, event FailedScheduling, PodScheduled=False."""
        pi = qpi.pod_info
        reason = "Unschedulable" if st.is_rejected() else "SchedulerError"
        self.schedule_attempts["unschedulable" if st.is_rejected() else "error"] += 1
        if isinstance(st.err, FitError):
            qpi.unschedulable_plugins = set(st.err.diagnosis.unschedulable_plugins)
            qpi.pending_plugins = set(st.err.diagnosis.pending_plugins)
        else:
            qpi.unschedulable_plugins, qpi.pending_plugins = set(), set()
        msg = st.err.error() if isinstance(st.err, FitError) else st.message()
        cached = self._pods.get(pi.key) if self._pods is not None else pi.pod
        if cached is None or cached["metadata"].get("uid") != pi.uid or self._assigned(cached):
            self.queue.done(pi.uid)
        else:
            if cached is not pi.pod:
                qpi.pod_info = PodInfo(cached)
            self.queue.add_unschedulable_if_not_present(qpi)
        self.queue.nominator.add(qpi.pod_info, nominating)
        self.ctx.recorder.event(pi.pod, "Warning", "FailedScheduling", truncate_message(msg))
        if cached is not None and cached["metadata"].get("uid") == pi.uid:
            self._update_pod(cached, {"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                                      "lastTransitionTime": rfc3339(self.ctx.now), "reason": reason,
                                      "message": msg}, nominating)

    def _update_pod(self, pod: dict, cond: dict, nominating: Optional[NominatingInfo]) -> None:
        """upstream: updatePod -- write the condition (and nominatedNodeName) through pods/status."""
        for _attempt in range(3):
            new = copy.deepcopy(pod)
            status = new.setdefault("status", {})
            nnn_update = nominating is not None and nominating.mode == "override" and \
                (status.get("nominatedNodeName") or "") != nominating.nominated_node_name
            changed = update_pod_condition(status, dict(cond))
            if not changed and not nnn_update:
                return
            if nnn_update:
                if nominating.nominated_node_name:
                    status["nominatedNodeName"] = nominating.nominated_node_name
                else:
                    status.pop("nominatedNodeName", None)
            try:
                self.ctx.client.update_status("pods", new)
                return
            except ApiError as e:
                if e.code != 409:
                    return
                try:
                    pod = self.ctx.client.get("pods", pod["metadata"]["name"], pod["metadata"]["namespace"])
                except ApiError:
                    return

    # ---------------------------------------------------------------- explain
    def explain(self, pod: str | dict, namespace: str = "default"):
        """A DataFrame, one row per node: ``feasible``, ``reason`` (the rejecting plugin's reason),
        each score plugin's normalized 0-100 score (<NA> where infeasible) and the weighted
        ``total``. ``pod`` is a pod name or a manifest not yet created (defaulted and
        validated as the API server would; an invalid one raises its ``ApiError``). Changes nothing:
        every node is evaluated (no percentageOfNodesToScore cut), no API call is made and no
        random number drawn.
        """
        import pandas as pd

        pi = self._explain_pod(pod, namespace)
        fw = self.profiles.get(pi.scheduler_name)
        if fw is None:
            raise ValueError(f'pod "{pi.name}" names scheduler "{pi.scheduler_name}"; this scheduler serves '
                             + ", ".join(f'"{n}"' for n in self.profiles))
        nodes = list(self.cache.list())
        if pi.node_name:  # a bound pod is explained as if it were pending again
            nodes = [self._without(n, pi.uid) if n.name == pi.node_name else n for n in nodes]
            obj = copy.deepcopy(pi.pod)
            del obj["spec"]["nodeName"]
            pi = PodInfo(obj)
        state = CycleState()
        rows: dict[str, dict] = {}
        score_names = fw.score_plugin_names()
        pre_res, st, plugins = fw.run_pre_filter_plugins(state, pi)
        feasible: list[NodeInfo] = []
        for ni in nodes:
            if st is not None and not st.is_success():
                reason = st.message()
            elif pre_res is not None and not pre_res.all_nodes() and ni.name not in pre_res.node_names:
                reason = f"node(s) didn't satisfy plugin(s) [{' '.join(sorted(plugins))}]"
            else:
                fst = fw.run_filter_plugins_with_nominated_pods(state, pi, ni, self.queue.nominator)
                reason = "" if fst is None or fst.is_success() else fst.message()
            rows[ni.name] = {"feasible": reason == "", "reason": reason}
            if reason == "":
                feasible.append(ni)
        raw: dict[str, list[int]] = {}
        totals: dict[str, int] = {}
        if feasible:
            pst = fw.run_pre_score_plugins(state, pi, feasible)
            if pst is not None:
                raise ValueError(pst.message())
            scores, sst = fw.run_score_plugins(state, pi, feasible, raw=raw)
            if sst is not None:
                raise ValueError(sst.message())
            totals = dict(zip(scores.names, scores.totals))
        for ni in nodes:
            r = rows[ni.name]
            for name in score_names:
                if not r["feasible"]:
                    r[name] = None
                elif name in raw:
                    r[name] = raw[name][feasible.index(ni)]
                else:
                    r[name] = 0  # the plugin skipped this pod (PreScore Skip): it scores nothing
            r["total"] = totals.get(ni.name) if r["feasible"] else None
        df = pd.DataFrame.from_dict(rows, orient="index", columns=["feasible", "reason"] + score_names + ["total"])
        df.index.name = "node"
        for c in score_names + ["total"]:
            df[c] = df[c].astype("Int64")
        df["feasible"] = df["feasible"].astype(bool)
        return df

    def _explain_pod(self, pod: str | dict, namespace: str) -> PodInfo:
        if isinstance(pod, str):
            obj = self._pods.get(f"{namespace}/{pod}") if self._pods is not None else None
            if obj is None:
                raise not_found("pods", "", pod)
            return PodInfo(obj)
        if not isinstance(pod, dict) or pod.get("kind", "Pod") != "Pod":
            raise ValueError("explain needs a pod name or a Pod manifest (kind: Pod)")
        from ..api.defaults import apply_defaults
        from ..api.validation import validate_or_raise

        obj = copy.deepcopy(pod)
        obj.setdefault("apiVersion", "v1")
        obj.setdefault("kind", "Pod")
        md = obj.setdefault("metadata", {})
        md.setdefault("namespace", namespace)
        md.setdefault("name", md.get("generateName", "") or "explain")
        apply_defaults(obj)
        validate_or_raise(obj, None)  # a manifest the API server would refuse is refused here too
        md.setdefault("uid", "explain/" + md["namespace"] + "/" + md["name"])
        return PodInfo(obj)

    @staticmethod
    def _without(ni: NodeInfo, uid: str) -> NodeInfo:
        c = ni.clone()
        c.remove_pod(uid)
        return c

    def pending_pods(self) -> dict[str, list[str]]:
        """The pending pods per internal queue (activeQ, backoffQ, unschedulablePods)."""
        return self.queue.pending_pods()


class _NoNodes(Exception):
    pass


class _SchedError(Exception):
    pass
