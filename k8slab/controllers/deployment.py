"""The Deployment controller: ReplicaSets per pod template, scaling and rolling updates.

upstream: pkg/controller/deployment/deployment_controller.go (syncDeployment),
sync.go (getNewReplicaSet, scale, syncDeploymentStatus, calculateStatus, cleanupDeployment),
rolling.go (rolloutRolling, reconcileNewReplicaSet, reconcileOldReplicaSets,
cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate), recreate.go,
progress.go (syncRolloutStatus), util/deployment_util.go (ResolveFenceposts, NewRSNewReplicas,
MaxUnavailable, MaxSurge, annotations, conditions), pkg/controller/controller_utils.go
(ComputeHash).

Simplification: the pod-template-hash is FNV-32a over the template's canonical JSON plus
the collision count, encoded with upstream's SafeEncodeString; upstream hashes the Go
struct's printed form, so the hash has the same shape (``web-7c5ddbdf54``) but not the same
value as a real cluster's. Pause/resume, rollback and progressDeadlineSeconds are the
next steps (see the controllers issue).
"""

from __future__ import annotations

import json
import math

from ..api.errors import ApiError
from ..api.meta import controller_of, key_of, owner_reference, rfc3339
from ..api.meta import NAME_ALPHABET
from ..api.selector import selector_from_label_selector
from ..client.context import ComponentContext
from . import podutil

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
DESIRED = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_SKIP_ANNOTATIONS = {LAST_APPLIED, REVISION, "deployment.kubernetes.io/revision-history", DESIRED, MAX_REPLICAS,
                     "deprecated.deployment.rollback.to"}


def fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def safe_encode_string(s: str) -> str:
    """rand.SafeEncodeString: map each byte onto the alphabet without vowels."""
    return "".join(NAME_ALPHABET[ord(c) % len(NAME_ALPHABET)] for c in s)


def compute_hash(template: dict, collision_count: int | None = None) -> str:
    """controller.ComputeHash: the pod-template-hash label value."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collision_count:
        data += str(collision_count).encode()
    return safe_encode_string(str(fnv32a(data)))


def _int_or_percent(v, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if isinstance(v, int):
        return v
    s = str(v)
    if s.endswith("%"):
        pct = int(s[:-1])
        x = pct * total / 100
        return math.ceil(x) if round_up else math.floor(x)
    return int(s)


def resolve_fenceposts(max_surge, max_unavailable, desired: int) -> tuple[int, int]:
    """ResolveFenceposts: surge rounds up, unavailable rounds down; both 0 → unavailable 1."""
    surge = _int_or_percent(max_surge if max_surge is not None else "25%", desired, True)
    unavail = _int_or_percent(max_unavailable if max_unavailable is not None else "25%", desired, False)
    if surge == 0 and unavail == 0:
        unavail = 1
    return surge, unavail


def _replicas(obj: dict) -> int:
    return obj.get("spec", {}).get("replicas", 1)


def _template_without_hash(tmpl: dict) -> dict:
    t = json.loads(json.dumps(tmpl))
    labels = t.get("metadata", {}).get("labels")
    if labels and HASH_LABEL in labels:
        del labels[HASH_LABEL]
    return t


def _revision(rs: dict) -> int:
    try:
        return int((rs["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def _set_condition(status: dict, type_: str, cstatus: str, reason: str, message: str, now: float) -> None:
    conds = status.setdefault("conditions", [])
    for c in conds:
        if c["type"] == type_:
            if c["status"] == cstatus and c["reason"] == reason:
                c["message"] = message
                c["lastUpdateTime"] = rfc3339(now)
                return
            transition = rfc3339(now) if c["status"] != cstatus else c["lastTransitionTime"]
            c.update({"status": cstatus, "reason": reason, "message": message, "lastUpdateTime": rfc3339(now),
                      "lastTransitionTime": transition})
            return
    conds.append({"type": type_, "status": cstatus, "lastUpdateTime": rfc3339(now),
                  "lastTransitionTime": rfc3339(now), "reason": reason, "message": message})


class DeploymentController:
    """Reconciles Deployments into ReplicaSets."""

    def __init__(self, ctx: ComponentContext):
        self.ctx = ctx
        self.queue = ctx.workqueue("deployment", self.sync)
        self.d_informer = ctx.informer("deployments")
        self.rs_informer = ctx.informer("replicasets")
        self.pod_informer = ctx.informer("pods")

    def start(self) -> None:
        self.rs_informer.add_index("owner", lambda o: [r["uid"] for r in (o["metadata"].get("ownerReferences") or [])
                                                       if r.get("controller")])
        self.rs_informer.add_index("namespace", lambda o: [o["metadata"]["namespace"]])
        self.pod_informer.add_index("owner", lambda o: [r["uid"] for r in (o["metadata"].get("ownerReferences") or [])
                                                        if r.get("controller")])
        self.d_informer.add_handler(lambda o: self.queue.add(key_of(o)),
                                    lambda old, new: self.queue.add(key_of(new)),
                                    lambda o: self.queue.add(key_of(o)))
        self.rs_informer.add_handler(self._rs_changed, lambda old, new: self._rs_changed(new), self._rs_changed)
        self.pod_informer.add_handler(None, None, self._pod_deleted)
        self.d_informer.start()
        self.rs_informer.start()
        self.pod_informer.start()

    def _rs_changed(self, rs: dict) -> None:
        ref = controller_of(rs)
        if ref and ref.get("kind") == "Deployment":
            self.queue.add(f"{rs['metadata']['namespace']}/{ref['name']}")

    def _pod_deleted(self, pod: dict) -> None:
        # Recreate waits for old pods to be gone (deployment_controller.go deletePod)
        ref = controller_of(pod)
        if ref and ref.get("kind") == "ReplicaSet":
            rs = self.rs_informer.get(f"{pod['metadata']['namespace']}/{ref['name']}")
            if rs is not None:
                self._rs_changed(rs)

    # ------------------------------------------------------------------ sync
    def sync(self, key: str) -> None:
        d = self.d_informer.get(key)
        if d is None or d["metadata"].get("deletionTimestamp"):
            return
        d = json.loads(json.dumps(d))
        try:
            rss = self._claim_replicasets(d)
            if d["spec"].get("paused"):
                self._sync_status_only(d, rss)
            elif (d["spec"].get("strategy") or {}).get("type") == "Recreate":
                self._rollout_recreate(d, rss)
            else:
                self._rollout_rolling(d, rss)
            self.queue.forget(key)
        except ApiError as e:
            if e.code == 404:
                return
            self.queue.add_rate_limited(key)

    def _claim_replicasets(self, d: dict) -> list[dict]:
        owned = self.rs_informer.by_index("owner", d["metadata"]["uid"])
        sel = selector_from_label_selector(d["spec"].get("selector"))
        out = [rs for rs in owned if sel.matches(rs["metadata"].get("labels") or {})]
        for rs in self.rs_informer.by_index("namespace", d["metadata"]["namespace"]):
            if controller_of(rs) is None and sel.matches(rs["metadata"].get("labels") or {}) \
                    and not rs["metadata"].get("deletionTimestamp"):
                refs = list(rs["metadata"].get("ownerReferences") or []) + [owner_reference(d)]
                out.append(self.ctx.client.patch("replicasets", rs["metadata"]["name"],
                                                 {"metadata": {"ownerReferences": refs}},
                                                 namespace=rs["metadata"]["namespace"]))
        return sorted(out, key=lambda r: (r["metadata"].get("creationTimestamp", ""), r["metadata"]["name"]))

    def _find_new_rs(self, d: dict, rss: list[dict]) -> dict | None:
        """FindNewReplicaSet: the oldest RS whose template equals the deployment's (minus the hash label)."""
        want = _template_without_hash(d["spec"]["template"])
        for rs in rss:
            if _template_without_hash(rs["spec"]["template"]) == want:
                return rs
        return None

    def _get_new_rs(self, d: dict, rss: list[dict], create: bool) -> tuple[dict | None, list[dict]]:
        new = self._find_new_rs(d, rss)
        old = [r for r in rss if new is None or r["metadata"]["uid"] != new["metadata"]["uid"]]
        max_old = max([_revision(r) for r in old] or [0])
        new_revision = str(max_old + 1)
        if new is not None:
            if self._set_new_rs_annotations(d, new, new_revision, True) or \
                    new["spec"].get("minReadySeconds", 0) != d["spec"].get("minReadySeconds", 0):
                new = json.loads(json.dumps(new))
                self._set_new_rs_annotations(d, new, new_revision, True)
                new["spec"]["minReadySeconds"] = d["spec"].get("minReadySeconds", 0)
                new = self.ctx.client.update("replicasets", new)
            self._set_deployment_revision(d, (new["metadata"].get("annotations") or {}).get(REVISION, new_revision))
            return new, old
        if not create:
            return None, old
        collision = (d.get("status") or {}).get("collisionCount")
        h = compute_hash(d["spec"]["template"], collision)
        tmpl = json.loads(json.dumps(d["spec"]["template"]))
        tmpl.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = h
        sel = json.loads(json.dumps(d["spec"]["selector"]))
        sel.setdefault("matchLabels", {})[HASH_LABEL] = h
        labels = dict(tmpl["metadata"]["labels"])
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": f"{d['metadata']['name']}-{h}", "namespace": d["metadata"]["namespace"],
                           "labels": labels, "ownerReferences": [owner_reference(d)]},
              "spec": {"replicas": 0, "minReadySeconds": d["spec"].get("minReadySeconds", 0),
                       "selector": sel, "template": tmpl}}
        rs["spec"]["replicas"] = self._new_rs_new_replicas(d, old + [rs], rs)
        self._set_new_rs_annotations(d, rs, new_revision, False)
        try:
            created = self.ctx.client.create("replicasets", rs, namespace=d["metadata"]["namespace"])
        except ApiError as e:
            if e.code == 409 and e.reason == "AlreadyExists":
                # a hash collision: bump collisionCount and retry (sync.go)
                d.setdefault("status", {})["collisionCount"] = (collision or 0) + 1
                self.ctx.client.update_status("deployments", d)
            raise
        n = created["spec"]["replicas"]
        if n > 0:
            self.ctx.recorder.event(d, "Normal", "ScalingReplicaSet", f"Scaled up replica set {created['metadata']['name']} from 0 to {n}")
        self._set_deployment_revision(d, new_revision)
        _set_condition(d.setdefault("status", {}), "Progressing", "True", "NewReplicaSetCreated",
                       f'Created new replica set "{created["metadata"]["name"]}"', self.ctx.now)
        return created, old

    def _set_new_rs_annotations(self, d: dict, rs: dict, revision: str, exists: bool) -> bool:
        ann = rs["metadata"].setdefault("annotations", {})
        before = dict(ann)
        for k, v in (d["metadata"].get("annotations") or {}).items():
            if k not in _SKIP_ANNOTATIONS:
                ann[k] = v
        old_rev = ann.get(REVISION)
        if old_rev is None or int(old_rev) < int(revision):
            ann[REVISION] = revision
        if not exists:
            surge, _ = resolve_fenceposts(*self._strategy_params(d), _replicas(d))
            ann[DESIRED] = str(_replicas(d))
            ann[MAX_REPLICAS] = str(_replicas(d) + surge)
        return ann != before

    def _set_deployment_revision(self, d: dict, revision: str) -> None:
        d["metadata"].setdefault("annotations", {})
        if d["metadata"]["annotations"].get(REVISION) != revision:
            d["metadata"]["annotations"][REVISION] = revision
            self._pending_meta = True

    @staticmethod
    def _strategy_params(d: dict):
        ru = ((d["spec"].get("strategy") or {}).get("rollingUpdate")) or {}
        if (d["spec"].get("strategy") or {}).get("type") == "Recreate":
            return 0, 0
        return ru.get("maxSurge", "25%"), ru.get("maxUnavailable", "25%")

    def _new_rs_new_replicas(self, d: dict, all_rss: list[dict], new: dict) -> int:
        """NewRSNewReplicas for RollingUpdate (Recreate → full size)."""
        want = _replicas(d)
        if (d["spec"].get("strategy") or {}).get("type") == "Recreate":
            return want
        surge, _ = resolve_fenceposts(*self._strategy_params(d), want)
        current = sum(_replicas(r) for r in all_rss)
        if current >= want + surge:
            return _replicas(new)
        scale_up = min(want + surge - current, want - _replicas(new))
        return _replicas(new) + max(scale_up, 0)

    # ------------------------------------------------------------------ rolling
    def _rollout_rolling(self, d: dict, rss: list[dict]) -> None:
        self._pending_meta = False
        new, old = self._get_new_rs(d, rss, True)
        all_rss = old + ([new] if new else [])
        if self._is_scaling_event(d, all_rss):
            self._scale(d, new, old)
        else:
            # reconcileNewReplicaSet
            if new is not None:
                want = _replicas(d)
                if _replicas(new) != want:
                    target = want if _replicas(new) > want else self._new_rs_new_replicas(d, all_rss, new)
                    new = self._scale_rs(d, new, target)
                    all_rss = old + [new]
            # reconcileOldReplicaSets
            old = self._reconcile_old(d, old, new, all_rss)
            all_rss = old + ([new] if new else [])
        if new is not None and _replicas(new) == _replicas(d) and \
                (new.get("status") or {}).get("availableReplicas", 0) >= _replicas(d):
            self._cleanup(d, old)
        self._sync_status(d, new, old)

    def _is_scaling_event(self, d: dict, rss: list[dict]) -> bool:
        """isScalingEvent: an active RS whose desired-replicas annotation differs from spec.replicas."""
        for rs in rss:
            if _replicas(rs) <= 0:
                continue
            desired = (rs["metadata"].get("annotations") or {}).get(DESIRED)
            if desired is not None and int(desired) != _replicas(d):
                return True
        return False

    def _scale(self, d: dict, new: dict | None, old: list[dict]) -> None:
        """sync.go scale: one active RS takes the full count; otherwise proportional scaling."""
        active = [r for r in old + ([new] if new else []) if _replicas(r) > 0]
        if len(active) <= 1:
            target = active[0] if active else (new or (old[-1] if old else None))
            if target is not None:
                self._scale_rs(d, target, _replicas(d))
            return
        if new is not None and _replicas(new) == _replicas(d) and \
                (new.get("status") or {}).get("availableReplicas", 0) >= _replicas(d):
            for r in old:
                if _replicas(r) > 0:
                    self._scale_rs(d, r, 0)
            return
        want = _replicas(d)
        surge, _ = resolve_fenceposts(*self._strategy_params(d), want)
        allowed = want + surge if want > 0 else 0
        current = sum(_replicas(r) for r in active)
        to_add = allowed - current
        if to_add == 0:
            for r in active:
                self._scale_rs(d, r, _replicas(r))
            return
        # ReplicaSetsBySizeNewer (up) / BySizeOlder (down)
        if to_add > 0:
            active.sort(key=lambda r: (-_replicas(r), _neg(r["metadata"].get("creationTimestamp", ""))))
        else:
            active.sort(key=lambda r: (-_replicas(r), r["metadata"].get("creationTimestamp", "")))
        added = 0
        sizes = {}
        for r in active:
            prop = self._proportion(r, d, to_add, added)
            sizes[r["metadata"]["name"]] = _replicas(r) + prop
            added += prop
        for i, r in enumerate(active):
            name = r["metadata"]["name"]
            if i == 0:
                sizes[name] = max(sizes[name] + to_add - added, 0)
            self._scale_rs(d, r, sizes[name])

    @staticmethod
    def _proportion(rs: dict, d: dict, to_add: int, added: int) -> int:
        """GetProportion: this RS's share of to_add, from its max-replicas annotation."""
        if _replicas(rs) == 0 or to_add == 0 or to_add == added:
            return 0
        ann = rs["metadata"].get("annotations") or {}
        try:
            annotated_max = int(ann.get(MAX_REPLICAS, "0"))
        except ValueError:
            annotated_max = 0
        if annotated_max <= 0:
            return 0
        frac = _replicas(rs) * (_replicas(d) + resolve_fenceposts(*DeploymentController._strategy_params(d), _replicas(d))[0]) / annotated_max
        target = round(frac)
        prop = target - _replicas(rs)
        allowed = to_add - added
        if to_add > 0:
            return min(prop, allowed)
        return max(prop, allowed)

    def _reconcile_old(self, d: dict, old: list[dict], new: dict | None, all_rss: list[dict]) -> list[dict]:
        old_count = sum(_replicas(r) for r in old)
        if old_count == 0:
            return old
        all_pods = sum(_replicas(r) for r in all_rss)
        _, max_unavail = resolve_fenceposts(*self._strategy_params(d), _replicas(d))
        min_available = _replicas(d) - max_unavail
        new_unavailable = (_replicas(new) - (new.get("status") or {}).get("availableReplicas", 0)) if new else 0
        max_scaled_down = all_pods - min_available - new_unavailable
        if max_scaled_down <= 0:
            return old
        # cleanupUnhealthyReplicas: scale down old RSes' unhealthy pods first (oldest first)
        out = []
        cleaned = 0
        for rs in sorted(old, key=lambda r: (r["metadata"].get("creationTimestamp", ""), r["metadata"]["name"])):
            if cleaned >= max_scaled_down or _replicas(rs) == 0:
                out.append(rs)
                continue
            unhealthy = _replicas(rs) - (rs.get("status") or {}).get("availableReplicas", 0)
            if unhealthy <= 0:
                out.append(rs)
                continue
            n = min(max_scaled_down - cleaned, unhealthy)
            rs = self._scale_rs(d, rs, _replicas(rs) - n)
            cleaned += n
            out.append(rs)
        old = out
        max_scaled_down -= cleaned
        if max_scaled_down <= 0:
            return old
        # scaleDownOldReplicaSetsForRollingUpdate
        available = sum((r.get("status") or {}).get("availableReplicas", 0) for r in old + ([new] if new else []))
        total_down = min(available - min_available, max_scaled_down)
        if total_down <= 0:
            return old
        out = []
        done = 0
        for rs in sorted(old, key=lambda r: (r["metadata"].get("creationTimestamp", ""), r["metadata"]["name"])):
            if done >= total_down or _replicas(rs) == 0:
                out.append(rs)
                continue
            n = min(_replicas(rs), total_down - done)
            rs = self._scale_rs(d, rs, _replicas(rs) - n)
            done += n
            out.append(rs)
        return out

    # ------------------------------------------------------------------ recreate
    def _rollout_recreate(self, d: dict, rss: list[dict]) -> None:
        self._pending_meta = False
        new, old = self._get_new_rs(d, rss, False)
        active_old = [r for r in old if _replicas(r) > 0]
        if active_old:
            for r in active_old:
                self._scale_rs(d, r, 0)
            self._sync_status(d, new, old)
            return
        for r in old:
            if self.pod_informer.by_index("owner", r["metadata"]["uid"]):
                self._sync_status(d, new, old)
                return  # wait for old pods to be gone
        if new is None:
            new, old = self._get_new_rs(d, rss, True)
        if new is not None and _replicas(new) != _replicas(d):
            new = self._scale_rs(d, new, _replicas(d))
        self._sync_status(d, new, old)

    def _sync_status_only(self, d: dict, rss: list[dict]) -> None:
        self._pending_meta = False
        new, old = self._get_new_rs(d, rss, False)
        if self._is_scaling_event(d, old + ([new] if new else [])):
            self._scale(d, new, old)
        self._sync_status(d, new, old)

    # ------------------------------------------------------------------ helpers
    def _scale_rs(self, d: dict, rs: dict, n: int) -> dict:
        """scaleReplicaSet: set replicas and the desired/max annotations; record the event."""
        surge, _ = resolve_fenceposts(*self._strategy_params(d), _replicas(d))
        ann = rs["metadata"].get("annotations") or {}
        size_change = _replicas(rs) != n
        ann_change = ann.get(DESIRED) != str(_replicas(d)) or ann.get(MAX_REPLICAS) != str(_replicas(d) + surge)
        if not size_change and not ann_change:
            return rs
        old_n = _replicas(rs)
        rs = json.loads(json.dumps(rs))
        rs["spec"]["replicas"] = n
        rs["metadata"].setdefault("annotations", {})
        rs["metadata"]["annotations"][DESIRED] = str(_replicas(d))
        rs["metadata"]["annotations"][MAX_REPLICAS] = str(_replicas(d) + surge)
        rs = self.ctx.client.update("replicasets", rs)
        if size_change:
            op = "up" if n > old_n else "down"
            self.ctx.recorder.event(d, "Normal", "ScalingReplicaSet",
                                    f"Scaled {op} replica set {rs['metadata']['name']} from {old_n} to {n}")
        return rs

    def _cleanup(self, d: dict, old: list[dict]) -> None:
        """cleanupDeployment: delete the oldest empty RSes beyond revisionHistoryLimit."""
        limit = d["spec"].get("revisionHistoryLimit", 10)
        candidates = [r for r in old if _replicas(r) == 0 and (r.get("status") or {}).get("replicas", 0) == 0
                      and not r["metadata"].get("deletionTimestamp")]
        extra = len(candidates) - limit
        if extra <= 0:
            return
        candidates.sort(key=lambda r: (_revision(r), r["metadata"].get("creationTimestamp", "")))
        for r in candidates[:extra]:
            try:
                self.ctx.client.delete("replicasets", r["metadata"]["name"], r["metadata"]["namespace"])
            except ApiError as e:
                if e.code != 404:
                    raise

    def _sync_status(self, d: dict, new: dict | None, old: list[dict]) -> None:
        """calculateStatus + the Available/Progressing conditions (progress.go)."""
        all_rss = old + ([new] if new else [])
        want = _replicas(d)

        def st(r, k):
            return (r.get("status") or {}).get(k, 0)

        status = json.loads(json.dumps(d.get("status") or {}))
        available = sum(st(r, "availableReplicas") for r in all_rss)
        total = sum(st(r, "replicas") for r in all_rss)
        updated = st(new, "replicas") if new else 0
        status.update({
            "observedGeneration": d["metadata"].get("generation", 1),
            "replicas": total,
            "updatedReplicas": updated,
            "readyReplicas": sum(st(r, "readyReplicas") for r in all_rss),
            "availableReplicas": available,
            "unavailableReplicas": max(total - available, 0) if total - available > 0 else max(want - available, 0),
        })
        for k in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"):
            if status[k] == 0:
                status.pop(k)
        _, max_unavail = resolve_fenceposts(*self._strategy_params(d), want)
        if (d["spec"].get("strategy") or {}).get("type") == "Recreate":
            max_unavail = 0  # util.MaxUnavailable: 0 unless RollingUpdate
        if available >= want - max_unavail:
            _set_condition(status, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", self.ctx.now)
        else:
            _set_condition(status, "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", self.ctx.now)
        if new is not None:
            name = new["metadata"]["name"]
            complete = (updated == want and available == want and total == want and
                        st(new, "availableReplicas") == want)
            cur = next((c for c in status.get("conditions", []) if c["type"] == "Progressing"), None)
            if complete:
                if not (cur and cur["reason"] == "NewReplicaSetAvailable"):
                    _set_condition(status, "Progressing", "True", "NewReplicaSetAvailable",
                                   f'ReplicaSet "{name}" has successfully progressed.', self.ctx.now)
            elif cur is None or cur["reason"] != "NewReplicaSetCreated" or self._progressed(d, status):
                if cur is None or self._progressed(d, status) or cur["reason"] == "NewReplicaSetAvailable":
                    _set_condition(status, "Progressing", "True", "ReplicaSetUpdated",
                                   f'ReplicaSet "{name}" is progressing.', self.ctx.now)
        # keep Available first, Progressing second, as upstream orders them
        status["conditions"] = sorted(status.get("conditions", []), key=lambda c: {"Available": 0, "Progressing": 1}.get(c["type"], 2))
        if getattr(self, "_pending_meta", False):
            self._pending_meta = False
            cur = self.d_informer.get(key_of(d))
            if cur is not None:
                cur = json.loads(json.dumps(cur))
                cur["metadata"].setdefault("annotations", {})[REVISION] = d["metadata"]["annotations"][REVISION]
                d = self.ctx.client.update("deployments", cur)
        if status != (d.get("status") or {}):
            d = json.loads(json.dumps(d))
            d["status"] = status
            self.ctx.client.update_status("deployments", d)

    @staticmethod
    def _progressed(d: dict, new_status: dict) -> bool:
        """util.DeploymentProgressing: any of the counters moved towards the goal."""
        old = d.get("status") or {}
        return (new_status.get("updatedReplicas", 0) > old.get("updatedReplicas", 0) or
                new_status.get("replicas", 0) < old.get("replicas", 0) or
                new_status.get("readyReplicas", 0) > old.get("readyReplicas", 0) or
                new_status.get("availableReplicas", 0) > old.get("availableReplicas", 0))


def _neg(s: str) -> tuple:
    return tuple(-ord(c) for c in s)
