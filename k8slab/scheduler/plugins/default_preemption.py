"""DefaultPreemption: when a pod fits nowhere, find a node where evicting lower-priority pods
would make room, evict them, and nominate the node for the pod.

upstream: pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go and
pkg/scheduler/framework/preemption/preemption.go (v1.32): eligibility, candidates from the
nodes that failed with ``Unschedulable`` (not ``...AndUnresolvable``), a dry run per node
(remove every lower-priority pod, then reprieve the most important ones while the pod still
fits), the candidate chosen by upstream's criteria, victims marked ``DisruptionTarget`` and
deleted, an event ``Preempted``. The message when nothing helps is the FitError of the dry
run, prefixed ``preemption: ``. k8slab serves no PodDisruptionBudgets, so no victim
violates one.
"""

from __future__ import annotations

from ...api.errors import ApiError
from ...api.meta import rfc3339
from ..framework.interface import Code, NominatingInfo, Plugin, PostFilterResult, Status
from ..framework.types import Diagnosis, FitError, NodeToStatus, PodInfo
from ..util import more_important_pod, pod_start_time
from . import names

MAX_INT32 = 2**31 - 1


def pod_terminating_by_preemption(pod: dict) -> bool:
    if not (pod.get("metadata") or {}).get("deletionTimestamp"):
        return False
    for c in (pod.get("status") or {}).get("conditions") or ():
        if c.get("type") == "DisruptionTarget":
            return c.get("status") == "True" and c.get("reason") == "PreemptionByScheduler"
    return False


class Candidate:
    """upstream: preemption.Candidate -- a node and the victims to evict on it."""

    def __init__(self, name: str, victims: list[PodInfo], num_pdb_violations: int = 0):
        self.name = name
        self.victims = victims
        self.num_pdb_violations = num_pdb_violations

    def __repr__(self) -> str:
        return f"Candidate({self.name}, victims={[v.key for v in self.victims]})"


class DefaultPreemption(Plugin):
    name = names.DEFAULT_PREEMPTION

    def __init__(self, args: dict | None = None, handle=None):
        args = args or {}
        self.min_candidate_nodes_percentage = args.get("minCandidateNodesPercentage", 10)
        self.min_candidate_nodes_absolute = args.get("minCandidateNodesAbsolute", 100)
        p, a = self.min_candidate_nodes_percentage, self.min_candidate_nodes_absolute
        if not isinstance(p, int) or p < 0 or p > 100:
            raise ValueError(f"minCandidateNodesPercentage: Invalid value: {p}: not in valid range [0, 100]")
        if not isinstance(a, int) or a < 0:
            raise ValueError(f"minCandidateNodesAbsolute: Invalid value: {a}: not in valid range [0, inf)")
        if p == 0 and a == 0:
            raise ValueError("minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as "
                             "minCandidateNodesAbsolute")
        self.handle = handle

    # ---------------------------------------------------------------- PostFilter
    def post_filter(self, state, pi, node_to_status: NodeToStatus):
        result, st = self.preempt(state, pi, node_to_status)
        if st is not None and st.message():
            return result, Status(st.code, "preemption: " + st.message())
        return result, st

    def preempt(self, state, pi, m: NodeToStatus):
        h = self.handle
        # 0) the latest version of the pod
        latest = h.pod_lister(pi.namespace, pi.name) if h.pod_lister else pi.pod
        if latest is None:
            return None, Status(Code.Error, f'pod "{pi.name}" not found')
        pi = PodInfo(latest)
        # 1) is the pod eligible to preempt?
        nnn = (latest.get("status") or {}).get("nominatedNodeName") or ""
        ok, msg = self.pod_eligible_to_preempt_others(pi, m.get(nnn) if nnn else None)
        if not ok:
            return None, Status(Code.Unschedulable, msg)
        # 2) candidates
        all_nodes = h.snapshot.list()
        candidates, node_statuses = self.find_candidates(state, all_nodes, pi, m)
        if not candidates:
            d = Diagnosis()
            d.node_to_status = node_statuses
            d.node_to_status.set_absent(Status(Code.UnschedulableAndUnresolvable,
                                               "Preemption is not helpful for scheduling"))
            fe = FitError(pi, len(all_nodes), d)
            return PostFilterResult(NominatingInfo("", "override")), Status(Code.Unschedulable, fe.error())
        # 4) the best candidate
        best = self.select_candidate(candidates)
        if best is None or not best.name:
            return None, Status(Code.Unschedulable, "no candidate node for preemption")
        # 5) evict the victims
        st = self.prepare_candidate(best, pi)
        if st is not None:
            return None, st
        return PostFilterResult(NominatingInfo(best.name, "override")), None

    def pod_eligible_to_preempt_others(self, pi: PodInfo, nominated_status: Status | None) -> tuple[bool, str]:
        spec = pi.pod.get("spec") or {}
        if spec.get("preemptionPolicy") == "Never":
            return False, "not eligible due to preemptionPolicy=Never."
        nnn = (pi.pod.get("status") or {}).get("nominatedNodeName") or ""
        if nnn:
            if nominated_status is not None and nominated_status.code == Code.UnschedulableAndUnresolvable:
                return True, ""
            ni = self.handle.snapshot.get(nnn)
            if ni is not None:
                for p in ni.pods.values():
                    if p.priority < pi.priority and pod_terminating_by_preemption(p.pod):
                        return False, "not eligible due to a terminating pod on the nominated node."
        return True, ""

    def calculate_num_candidates(self, num_nodes: int) -> int:
        n = num_nodes * self.min_candidate_nodes_percentage // 100
        if n < self.min_candidate_nodes_absolute:
            n = self.min_candidate_nodes_absolute
        return min(n, num_nodes)

    def find_candidates(self, state, all_nodes, pi: PodInfo, m: NodeToStatus):
        potential = m.nodes_for_status_code(all_nodes, Code.Unschedulable)
        if not potential:
            self._clear_nominated_node_name([pi])
            return [], NodeToStatus()
        offset = self.handle.rng.randrange(len(potential))
        return self.dry_run_preemption(state, pi, potential, offset, self.calculate_num_candidates(len(potential)))

    def dry_run_preemption(self, state, pi, potential, offset: int, num_candidates: int):
        non_violating: list[Candidate] = []
        violating: list[Candidate] = []
        statuses = NodeToStatus()
        for i in range(len(potential)):
            ni = potential[(offset + i) % len(potential)].clone()
            victims, num_violations, st = self.select_victims_on_node(state.clone(), pi, ni)
            if (st is None or st.is_success()) and victims:
                c = Candidate(ni.name, victims, num_violations)
                (non_violating if num_violations == 0 else violating).append(c)
                if non_violating and len(non_violating) + len(violating) >= num_candidates:
                    break
                continue
            if (st is None or st.is_success()) and not victims:
                st = Status(Code.Error, f'expected at least one victim pod on node "{ni.name}"')
            statuses.set(ni.name, st)
        return non_violating + violating, statuses

    def select_victims_on_node(self, state, pi: PodInfo, ni):
        """upstream: SelectVictimsOnNode."""
        fwk = self.handle.framework
        potential: list[PodInfo] = []
        for p in list(ni.pods.values()):
            if p.priority < pi.priority:
                potential.append(p)
                ni.remove_pod(p.uid)
                fwk.run_pre_filter_extension_remove_pod(state, pi, p, ni)
        if not potential:
            return [], 0, Status(Code.UnschedulableAndUnresolvable, "No preemption victims found for incoming pod")
        st = fwk.run_filter_plugins_with_nominated_pods(state, pi, ni, self.handle.nominator)
        if st is not None and not st.is_success():
            return [], 0, st
        # reprieve the most important victims first (no PDBs: every victim is non-violating)
        import functools
        potential.sort(key=functools.cmp_to_key(
            lambda a, b: -1 if more_important_pod(a.pod, b.pod) else (1 if more_important_pod(b.pod, a.pod) else 0)))
        victims: list[PodInfo] = []
        for p in potential:
            ni.add_pod(p)
            fwk.run_pre_filter_extension_add_pod(state, pi, p, ni)
            st = fwk.run_filter_plugins_with_nominated_pods(state, pi, ni, self.handle.nominator)
            if st is not None and not st.is_success():
                ni.remove_pod(p.uid)
                fwk.run_pre_filter_extension_remove_pod(state, pi, p, ni)
                victims.append(p)
        return victims, 0, None

    def select_candidate(self, candidates: list[Candidate]) -> Candidate | None:
        """upstream: SelectCandidate / pickOneNodeForPreemption (ties: the first candidate)."""
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]

        def earliest_start(c: Candidate) -> float:
            top = c.victims[0]
            max_p, earliest = top.priority, pod_start_time(top.pod)
            for v in c.victims:
                t = pod_start_time(v.pod)
                if v.priority == max_p:
                    if t is not None and (earliest is None or t < earliest):
                        earliest = t
                elif v.priority > max_p:
                    max_p, earliest = v.priority, t
            return earliest if earliest is not None else float("inf")  # unset start = now: the latest

        funcs = [
            lambda c: -c.num_pdb_violations,
            lambda c: -c.victims[0].priority,
            lambda c: -sum(v.priority + MAX_INT32 + 1 for v in c.victims),
            lambda c: -len(c.victims),
            earliest_start,
        ]
        pool = list(candidates)
        for f in funcs:
            best = max(f(c) for c in pool)
            pool = [c for c in pool if f(c) == best]
            if len(pool) == 1:
                return pool[0]
        return pool[0]

    def prepare_candidate(self, c: Candidate, preemptor: PodInfo) -> Status | None:
        """upstream: prepareCandidate -- mark and delete the victims, clear lower nominations."""
        h = self.handle
        for v in c.victims:
            cond = {"type": "DisruptionTarget", "status": "True", "lastProbeTime": None,
                    "lastTransitionTime": rfc3339(h.now()), "reason": "PreemptionByScheduler",
                    "message": f"{preemptor.scheduler_name}: preempting to accommodate a higher priority pod"}
            try:
                h.client.patch("pods", v.name, {"status": {"conditions": [cond]}}, namespace=v.namespace,
                               patch_type="strategic", subresource="status")
                h.client.delete("pods", v.name, namespace=v.namespace)
            except ApiError as e:
                if e.code != 404:
                    return Status(Code.Error, e.message)
                continue
            h.recorder.event(v.pod, "Normal", "Preempted",
                             f"Preempted by pod {preemptor.uid} on node {c.name}")
        lower = [p for p in h.nominator.nominated_pods_for_node(c.name) if p.priority < preemptor.priority]
        self._clear_nominated_node_name(lower)
        return None

    def _clear_nominated_node_name(self, pods: list[PodInfo]) -> None:
        """upstream: util.ClearNominatedNodeName."""
        for p in pods:
            cur = self.handle.pod_lister(p.namespace, p.name) if self.handle.pod_lister else p.pod
            if not cur or not (cur.get("status") or {}).get("nominatedNodeName"):
                continue
            try:
                self.handle.client.patch("pods", p.name, {"status": {"nominatedNodeName": None}},
                                         namespace=p.namespace, patch_type="strategic", subresource="status")
            except ApiError:
                pass


def new(args: dict, handle) -> DefaultPreemption:
    return DefaultPreemption(args, handle)
