"""The disruption controller: keep each PodDisruptionBudget's status up to date.

upstream: pkg/controller/disruption/disruption.go (trySync, getExpectedPodCount,
getExpectedScale and the finders, buildDisruptedPodMap, countHealthyPods, updatePdbStatus,
failSafe) and staging/src/k8s.io/component-helpers/apps/poddisruptionbudget (the
DisruptionAllowed condition).

For each PDB: the pods its selector matches (an empty selector matches none); the
expected count (the matching pods for an integer ``minAvailable``, otherwise the sum of
the ``spec.replicas`` of the pods' controllers — Deployment, ReplicaSet or StatefulSet);
``desiredHealthy`` (``minAvailable``, or expected minus ``maxUnavailable``; percentages
round up); ``currentHealthy`` (Ready pods that are neither being deleted nor recorded in
``disruptedPods`` by the eviction subresource within the last DeletionTimeout, 2 min);
``disruptionsAllowed = max(0, currentHealthy - desiredHealthy)`` (0 while nothing is
expected). The eviction subresource (apiserver/eviction.py) reads this status.

Simplification: upstream also finds controllers through any ``scale`` subresource
(custom resources); k8slab knows the built-in ones, and reports a pod owned by a
DaemonSet or Job as upstream does: that kind "does not implement the scale subresource".
"""

from __future__ import annotations

import copy

from ..api import pdb as pdbutil
from ..api.errors import ApiError
from ..api.meta import controller_of, key_of, parse_time
from ..client.context import ComponentContext

#: DeletionTimeout: how long an evicted pod stays out of currentHealthy before it is counted again
DELETION_TIMEOUT = 120.0

#: kinds upstream's finders know, and what the scale lookup says for the rest
_NO_SCALE = {"DaemonSet": "daemonsets.apps", "Job": "jobs.batch", "CronJob": "cronjobs.batch", "Pod": "pods"}


class DisruptionController:
    """Reconciles PodDisruptionBudget status from the pods each one covers."""

    def __init__(self, ctx: ComponentContext):
        self.ctx = ctx
        self.queue = ctx.workqueue("pdb", self.sync)
        self.pdb_informer = ctx.informer("poddisruptionbudgets")
        self.pod_informer = ctx.informer("pods")
        self.rs_informer = ctx.informer("replicasets")
        self.deploy_informer = ctx.informer("deployments")
        self.sts_informer = ctx.informer("statefulsets")
        self._recheck: dict[str, object] = {}

    def start(self) -> None:
        self.pdb_informer.add_handler(lambda o: self.queue.add(key_of(o)),
                                      lambda old, new: self.queue.add(key_of(new)),
                                      lambda o: self.queue.add(key_of(o)))
        self.pod_informer.add_handler(self._pod_changed, lambda old, new: (self._pod_changed(old),
                                                                           self._pod_changed(new)),
                                      self._pod_changed)
        for inf in (self.pdb_informer, self.pod_informer, self.rs_informer, self.deploy_informer, self.sts_informer):
            inf.start()

    def _pod_changed(self, pod: dict) -> None:
        """getPdbForPod: a pod event enqueues the PDB that covers it (the first, by name, when several do)."""
        for pdb in sorted(self.pdb_informer.list(), key=key_of):
            if pdbutil.pdb_selects(pdb, pod):
                self.queue.add(key_of(pdb))
                return

    # ------------------------------------------------------------------ sync
    def sync(self, key: str) -> None:
        pdb = self.pdb_informer.get(key)
        if pdb is None:
            return
        pdb = copy.deepcopy(pdb)
        try:
            self._try_sync(key, pdb)
            self.queue.forget(key)
        except ApiError as e:
            if e.code == 404:
                return
            if e.code == 409:  # a stale PDB: the informer brings the new one; try again
                self.queue.add_rate_limited(key)
                return
            self._fail_safe(pdb, e.message)
            self.queue.add_rate_limited(key)
        except _SyncError as e:
            self._fail_safe(pdb, str(e))
            self.queue.add_rate_limited(key)

    def _pods_for(self, pdb: dict) -> list[dict]:
        ns = pdb["metadata"]["namespace"]
        return sorted((p for p in self.pod_informer.list()
                       if p["metadata"]["namespace"] == ns and pdbutil.pdb_selects(pdb, p)),
                      key=lambda p: p["metadata"]["name"])

    def _try_sync(self, key: str, pdb: dict) -> None:
        pods = self._pods_for(pdb)
        rec = self.ctx.recorder
        if not pods:
            rec.event(pdb, "Normal", "NoPods", "No matching pods found")
        try:
            expected, desired, unmanaged = self._expected_pod_count(pdb, pods)
        except _SyncError as e:
            rec.event(pdb, "Warning", "CalculateExpectedPodCountFailed",
                      f"Failed to calculate the number of expected pods: {e}")
            raise
        if unmanaged:
            sel = pdb["spec"].get("selector")
            rec.event(pdb, "Warning", "UnmanagedPods",
                      f"Pods selected by this PodDisruptionBudget (selector: {_go_selector(sel)}) were found to be "
                      "unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may "
                      "result in undefined behavior. To account for these pods please set \".spec.minAvailable\" "
                      "field of the PDB to an integer value.")
        now = self.ctx.now
        disrupted, recheck = self._build_disrupted_pod_map(pods, pdb, now)
        healthy = _count_healthy_pods(pods, disrupted, now)
        self._update_status(pdb, healthy, desired, expected, disrupted)
        if recheck is not None:
            self.queue.add_after(key, max(0.0, recheck - now))

    def _expected_pod_count(self, pdb: dict, pods: list[dict]) -> tuple[int, int, list[str]]:
        """getExpectedPodCount: (expectedCount, desiredHealthy, unmanaged pod names)."""
        spec = pdb.get("spec", {})
        unmanaged: list[str] = []
        expected = desired = 0
        if spec.get("maxUnavailable") is not None:
            expected, unmanaged = self._expected_scale(pods)
            try:
                max_unavailable = pdbutil.scaled_value(spec["maxUnavailable"], expected, True)
            except ValueError as e:
                raise _SyncError(str(e))
            desired = max(0, expected - max_unavailable)
        elif spec.get("minAvailable") is not None:
            mv = spec["minAvailable"]
            if isinstance(mv, int) and not isinstance(mv, bool):
                desired, expected = mv, len(pods)
            else:
                expected, unmanaged = self._expected_scale(pods)
                try:
                    desired = pdbutil.scaled_value(mv, expected, True)
                except ValueError as e:
                    raise _SyncError(str(e))
        return expected, desired, unmanaged

    def _expected_scale(self, pods: list[dict]) -> tuple[int, list[str]]:
        """getExpectedScale: the replicas of each distinct controller of the pods, summed."""
        scales: dict[str, int] = {}
        unmanaged: list[str] = []
        for pod in pods:
            ref = controller_of(pod)
            if ref is None:
                unmanaged.append(pod["metadata"]["name"])
                continue
            if ref.get("uid") in scales:
                continue
            found = self._find_controller(ref, pod["metadata"]["namespace"])
            if found is None:
                raise _SyncError(f'found no controllers for pod "{pod["metadata"]["name"]}"')
            scales[found[0]] = found[1]
        return sum(scales.values()), unmanaged

    def _find_controller(self, ref: dict, ns: str) -> tuple[str, int] | None:
        """The finders: getPodReplicaSet, getPodDeployment, getPodStatefulSet, then the scale lookup."""
        kind = ref.get("kind")
        if kind == "ReplicaSet":
            rs = self.rs_informer.get(f"{ns}/{ref['name']}")
            if rs is None or rs["metadata"].get("uid") != ref.get("uid"):
                return None
            owner = controller_of(rs)
            if owner is not None and owner.get("kind") == "Deployment":
                d = self.deploy_informer.get(f"{ns}/{owner['name']}")
                if d is None or d["metadata"].get("uid") != owner.get("uid"):
                    return None
                return d["metadata"]["uid"], int(d["spec"].get("replicas", 1))
            return rs["metadata"]["uid"], int(rs["spec"].get("replicas", 1))
        if kind == "StatefulSet":
            sts = self.sts_informer.get(f"{ns}/{ref['name']}")
            if sts is None or sts["metadata"].get("uid") != ref.get("uid"):
                return None
            return sts["metadata"]["uid"], int(sts["spec"].get("replicas", 1))
        if kind in _NO_SCALE:
            raise _SyncError(f"{_NO_SCALE[kind]} does not implement the scale subresource")
        return None

    def _build_disrupted_pod_map(self, pods: list[dict], pdb: dict, now: float) -> tuple[dict, float | None]:
        """buildDisruptedPodMap: keep entries for live pods not yet past DeletionTimeout."""
        disrupted = (pdb.get("status") or {}).get("disruptedPods") or {}
        result: dict[str, str] = {}
        recheck: float | None = None
        for pod in pods:
            if pod["metadata"].get("deletionTimestamp"):
                continue
            t = disrupted.get(pod["metadata"]["name"])
            if t is None:
                continue
            expected_deletion = parse_time(t) + DELETION_TIMEOUT
            if expected_deletion < now:
                md = pdb["metadata"]
                # upstream prints the namespace twice ("pdb.Namespace, pdb.Namespace")
                self.ctx.recorder.event(pod, "Warning", "NotDeleted",
                                        f"Pod was expected by PDB {md['namespace']}/{md['namespace']} to be "
                                        "deleted but it wasn't")
            else:
                if recheck is None or expected_deletion < recheck:
                    recheck = expected_deletion
                result[pod["metadata"]["name"]] = t
        return result, recheck

    def _update_status(self, pdb: dict, healthy: int, desired: int, expected: int, disrupted: dict) -> None:
        """updatePdbStatus: write only when something changed."""
        allowed = healthy - desired
        if expected <= 0 or allowed <= 0:
            allowed = 0
        st = pdb.get("status") or {}
        gen = pdb["metadata"].get("generation")
        if (st.get("currentHealthy") == healthy and st.get("desiredHealthy") == desired and
                st.get("expectedPods") == expected and st.get("disruptionsAllowed") == allowed and
                (st.get("disruptedPods") or {}) == disrupted and st.get("observedGeneration") == gen and
                _conditions_up_to_date(pdb)):
            return
        new = {"currentHealthy": healthy, "desiredHealthy": desired, "disruptionsAllowed": allowed,
               "expectedPods": expected}
        if disrupted:
            new["disruptedPods"] = disrupted
        if gen is not None:
            new["observedGeneration"] = gen
        new["conditions"] = list(st.get("conditions") or [])
        pdb["status"] = new
        pdbutil.update_disruption_allowed_condition(pdb, self.ctx.now)
        self.ctx.client.update_status("poddisruptionbudgets", pdb)

    def _fail_safe(self, pdb: dict, message: str) -> None:
        """failSafe: no disruption allowed, condition DisruptionAllowed=False reason SyncFailed."""
        try:
            cur = self.ctx.client.get("poddisruptionbudgets", pdb["metadata"]["name"], pdb["metadata"]["namespace"])
        except ApiError:
            return
        st = cur.setdefault("status", {})
        st["disruptionsAllowed"] = 0
        pdbutil.set_condition(st.setdefault("conditions", []),
                              {"type": pdbutil.DISRUPTION_ALLOWED_CONDITION, "status": "False",
                               "reason": pdbutil.SYNC_FAILED_REASON, "message": message,
                               "observedGeneration": st.get("observedGeneration", 0)}, self.ctx.now)
        try:
            self.ctx.client.update_status("poddisruptionbudgets", cur)
        except ApiError:
            pass


class _SyncError(Exception):
    """A PDB whose status cannot be computed (the failSafe path)."""


def _count_healthy_pods(pods: list[dict], disrupted: dict, now: float) -> int:
    """countHealthyPods: Ready, not being deleted, not recently evicted."""
    n = 0
    for pod in pods:
        if pod["metadata"].get("deletionTimestamp"):
            continue
        t = disrupted.get(pod["metadata"]["name"])
        if t is not None and parse_time(t) + DELETION_TIMEOUT > now:
            continue
        if pdbutil.is_pod_ready(pod):
            n += 1
    return n


def _conditions_up_to_date(pdb: dict) -> bool:
    """pdbhelper.ConditionsAreUpToDate."""
    st = pdb.get("status") or {}
    cond = next((c for c in st.get("conditions") or [] if c.get("type") == pdbutil.DISRUPTION_ALLOWED_CONDITION), None)
    if cond is None:
        return False
    if cond.get("observedGeneration", 0) != st.get("observedGeneration", 0):
        return False
    want = "True" if st.get("disruptionsAllowed", 0) > 0 else "False"
    return cond.get("status") == want and cond.get("reason") in (pdbutil.SUFFICIENT_PODS_REASON,
                                                                 pdbutil.INSUFFICIENT_PODS_REASON)


def _go_selector(sel: dict | None) -> str:
    """How Go's %v prints a *metav1.LabelSelector (its generated String(); matchExpressions not spelled out)."""
    if sel is None:
        return "nil"
    ml = sel.get("matchLabels") or {}
    labels = "".join(f"{k}: {ml[k]}," for k in sorted(ml))
    return f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{}},}}"


__all__ = ["DisruptionController", "DELETION_TIMEOUT"]
