"""The Deployment controller: ReplicaSets per pod template, scaling and rolling updates.

upstream: pkg/controller/deployment/deployment_controller.go (syncDeployment),
sync.go (getNewReplicaSet, scale, syncDeploymentStatus, calculateStatus, cleanupDeployment),
rolling.go (rolloutRolling, reconcileNewReplicaSet, reconcileOldReplicaSets,
cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate), recreate.go,
progress.go (syncRolloutStatus), util/deployment_util.go (ResolveFenceposts, NewRSNewReplicas,
MaxUnavailable, MaxSurge, annotations, conditions), pkg/controller/controller_utils.go
(ComputeHash).

Pause/resume (checkPausedConditions, the Progressing=Unknown DeploymentPaused/DeploymentResumed
condition), revision history (the revision and revision-history annotations; rollback
itself is kubectl's job, as in apps/v1: it copies an old ReplicaSet's template back),
progressDeadlineSeconds (ProgressDeadlineExceeded and requeueStuckDeployment) and the
Available/Progressing conditions follow progress.go and deployment_util.go.

Simplification: the pod-template-hash is FNV-32a over the template's canonical JSON plus
the collision count, encoded with upstream's SafeEncodeString; upstream hashes the Go
struct's printed form, so the hash has the same shape (``web-7c5ddbdf54``) but not the same
value as a real cluster's. The deployment's revision annotation is written with a
separate update (k8slab's status endpoint keeps metadata).
"""

from __future__ import annotations

import json
import math

from ..api.errors import ApiError
from ..api.meta import controller_of, key_of, owner_reference, parse_time, rfc3339
from ..api.meta import NAME_ALPHABET
from ..api.selector import selector_from_label_selector
from ..client.context import ComponentContext
from . import podutil

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
CHANGE_CAUSE = "kubernetes.io/change-cause"
#: sync.go: the revision-history annotation is kept under this many characters
MAX_REV_HISTORY_CHARS = 2000
# Progressing / Available reasons (util/deployment_util.go)
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED = "DeploymentPaused"
RESUMED = "DeploymentResumed"
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


def _replicas(obj: dict | None) -> int:
    if obj is None:
        return 0
    r = obj.get("spec", {}).get("replicas")
    return 1 if r is None else r


def _st(obj: dict | None, k: str) -> int:
    return ((obj or {}).get("status") or {}).get(k, 0) or 0


def _template_without_hash(tmpl: dict) -> dict:
    t = json.loads(json.dumps(tmpl))
    labels = t.get("metadata", {}).get("labels")
    if labels and HASH_LABEL in labels:
        del labels[HASH_LABEL]
    return t


def equal_ignore_hash(t1: dict, t2: dict) -> bool:
    """EqualIgnoreHash: two pod templates are equal apart from the pod-template-hash label."""
    return _template_without_hash(t1) == _template_without_hash(t2)


def revision_of(obj: dict) -> int:
    """util.Revision: the deployment.kubernetes.io/revision annotation as a number (0 when absent)."""
    try:
        return int((obj["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


_revision = revision_of


def is_rolling_update(d: dict) -> bool:
    return ((d["spec"].get("strategy") or {}).get("type") or "RollingUpdate") == "RollingUpdate"


def _rolling_params(d: dict):
    ru = ((d["spec"].get("strategy") or {}).get("rollingUpdate")) or {}
    return ru.get("maxSurge", "25%"), ru.get("maxUnavailable", "25%")


def max_unavailable(d: dict) -> int:
    """util.MaxUnavailable: 0 unless RollingUpdate; never more than spec.replicas."""
    if not is_rolling_update(d) or _replicas(d) == 0:
        return 0
    _, mu = resolve_fenceposts(*_rolling_params(d), _replicas(d))
    return min(mu, _replicas(d))


def max_surge(d: dict) -> int:
    """util.MaxSurge: 0 unless RollingUpdate."""
    if not is_rolling_update(d):
        return 0
    s, _ = resolve_fenceposts(*_rolling_params(d), _replicas(d))
    return s


def new_rs_new_replicas(d: dict, all_rss: list[dict], new: dict) -> int:
    """util.NewRSNewReplicas: how far the new ReplicaSet may be scaled up now."""
    want = _replicas(d)
    if not is_rolling_update(d):
        return want
    surge = _int_or_percent(_rolling_params(d)[0], want, True)
    current = sum(_replicas(r) for r in all_rss)
    max_total = want + surge
    if current >= max_total:
        return _replicas(new)
    scale_up = min(max_total - current, want - _replicas(new))
    return _replicas(new) + scale_up


def round_to_int32(a: float) -> int:
    """integer.RoundToInt32: round half away from zero."""
    return int(a - 0.5) if a < 0 else int(a + 0.5)


def get_proportion(rs: dict | None, d: dict, to_add: int, added: int) -> int:
    """util.GetProportion: this ReplicaSet's share of a proportional scale, from its max-replicas annotation."""
    if rs is None or _replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    # getReplicaSetFraction
    if _replicas(d) == 0:
        fraction = -_replicas(rs)
    else:
        d_replicas = _replicas(d) + max_surge(d)
        try:
            annotated = int((rs["metadata"].get("annotations") or {})[MAX_REPLICAS])
        except (KeyError, ValueError):
            annotated = _st(d, "replicas")
        fraction = round_to_int32(_replicas(rs) * d_replicas / annotated) - _replicas(rs) if annotated else 0
    allowed = to_add - added
    if to_add > 0:
        return min(fraction, allowed)
    return max(fraction, allowed)


def is_saturated(d: dict, rs: dict | None) -> bool:
    """util.IsSaturated: the new ReplicaSet runs the full, available count."""
    if rs is None:
        return False
    try:
        desired = int((rs["metadata"].get("annotations") or {})[DESIRED])
    except (KeyError, ValueError):
        return False
    return _replicas(rs) == _replicas(d) and desired == _replicas(d) and _st(rs, "availableReplicas") == _replicas(d)


def has_progress_deadline(d: dict) -> bool:
    p = d["spec"].get("progressDeadlineSeconds")
    return p is not None and p != 2 ** 31 - 1


def get_condition(status: dict | None, type_: str) -> dict | None:
    for c in (status or {}).get("conditions") or []:
        if c.get("type") == type_:
            return c
    return None


def new_condition(type_: str, status: str, reason: str, message: str, now: float) -> dict:
    t = rfc3339(now)
    return {"type": type_, "status": status, "lastUpdateTime": t, "lastTransitionTime": t,
            "reason": reason, "message": message}


def set_condition(status: dict, cond: dict) -> None:
    """util.SetDeploymentCondition: no-op for the same status and reason; else replace it at the end."""
    cur = get_condition(status, cond["type"])
    if cur is not None and cur["status"] == cond["status"] and cur["reason"] == cond["reason"]:
        return
    cond = dict(cond)
    if cur is not None and cur["status"] == cond["status"]:
        cond["lastTransitionTime"] = cur["lastTransitionTime"]
    status["conditions"] = [c for c in status.get("conditions") or [] if c["type"] != cond["type"]] + [cond]


def remove_condition(status: dict, type_: str) -> None:
    conds = [c for c in status.get("conditions") or [] if c["type"] != type_]
    if conds:
        status["conditions"] = conds
    else:
        status.pop("conditions", None)


def deployment_complete(d: dict, status: dict) -> bool:
    """util.DeploymentComplete."""
    want = _replicas(d)
    return (status.get("updatedReplicas", 0) == want and status.get("replicas", 0) == want and
            status.get("availableReplicas", 0) == want and
            status.get("observedGeneration", 0) >= d["metadata"].get("generation", 1))


def deployment_progressing(d: dict, status: dict) -> bool:
    """util.DeploymentProgressing: any counter moved towards the goal since the last status."""
    old = d.get("status") or {}
    old_old = old.get("replicas", 0) - old.get("updatedReplicas", 0)
    new_old = status.get("replicas", 0) - status.get("updatedReplicas", 0)
    return (status.get("updatedReplicas", 0) > old.get("updatedReplicas", 0) or new_old < old_old or
            status.get("readyReplicas", 0) > old.get("readyReplicas", 0) or
            status.get("availableReplicas", 0) > old.get("availableReplicas", 0))


def deployment_timed_out(d: dict, status: dict, now: float) -> bool:
    """util.DeploymentTimedOut: no progress for progressDeadlineSeconds since the condition's lastUpdateTime."""
    if not has_progress_deadline(d):
        return False
    cond = get_condition(status, "Progressing")
    if cond is None:
        return False
    if cond["reason"] == NEW_RS_AVAILABLE:
        return False
    if cond["reason"] == TIMED_OUT:
        return True
    return parse_time(cond["lastUpdateTime"]) + d["spec"]["progressDeadlineSeconds"] < now


def calculate_status(all_rss: list[dict], new: dict | None, d: dict, now: float) -> dict:
    """sync.go calculateStatus: counters summed over the ReplicaSets, plus the Available condition."""
    available = sum(_st(r, "availableReplicas") for r in all_rss)
    total_spec = sum(_replicas(r) for r in all_rss)
    status = {
        "observedGeneration": d["metadata"].get("generation", 1),
        "replicas": sum(_st(r, "replicas") for r in all_rss),
        "updatedReplicas": _st(new, "replicas"),
        "readyReplicas": sum(_st(r, "readyReplicas") for r in all_rss),
        "availableReplicas": available,
        "unavailableReplicas": max(total_spec - available, 0),
    }
    old = d.get("status") or {}
    if old.get("collisionCount") is not None:
        status["collisionCount"] = old["collisionCount"]
    if old.get("conditions"):
        status["conditions"] = json.loads(json.dumps(old["conditions"]))
    if available >= _replicas(d) - max_unavailable(d):
        set_condition(status, new_condition("Available", "True", "MinimumReplicasAvailable",
                                            "Deployment has minimum availability.", now))
    else:
        set_condition(status, new_condition("Available", "False", "MinimumReplicasUnavailable",
                                            "Deployment does not have minimum availability.", now))
    return status


def _wire(status: dict) -> dict:
    """Zero counters are omitted on the wire (omitempty), as the API server returns them."""
    return {k: v for k, v in status.items() if not (isinstance(v, int) and v == 0 and k != "observedGeneration")}


def _by_creation(r: dict):
    return (r["metadata"].get("creationTimestamp", ""), r["metadata"]["name"])


def _active(rss: list[dict]) -> list[dict]:
    return [r for r in rss if r is not None and _replicas(r) > 0]


class DeploymentController:
    """Reconciles Deployments into ReplicaSets (upstream: deployment_controller.go syncDeployment)."""

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
        """syncDeployment."""
        d = self.d_informer.get(key)
        if d is None:
            return
        d = json.loads(json.dumps(d))
        try:
            rss = self._claim_replicasets(d)
            if d["metadata"].get("deletionTimestamp"):
                self._sync(d, rss, status_only=True)
            else:
                d = self._check_paused_conditions(d)
                if d["spec"].get("paused"):
                    self._sync(d, rss)
                elif self._is_scaling_event(d, rss):
                    self._sync(d, rss)
                elif not is_rolling_update(d):
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
        if not d["metadata"].get("deletionTimestamp"):
            for rs in self.rs_informer.by_index("namespace", d["metadata"]["namespace"]):
                if controller_of(rs) is None and sel.matches(rs["metadata"].get("labels") or {}) \
                        and not rs["metadata"].get("deletionTimestamp"):
                    refs = list(rs["metadata"].get("ownerReferences") or []) + [owner_reference(d)]
                    out.append(self.ctx.client.patch("replicasets", rs["metadata"]["name"],
                                                     {"metadata": {"ownerReferences": refs}},
                                                     namespace=rs["metadata"]["namespace"]))
        return sorted(out, key=_by_creation)

    def _check_paused_conditions(self, d: dict) -> dict:
        """checkPausedConditions: Progressing=Unknown DeploymentPaused / DeploymentResumed."""
        if not has_progress_deadline(d):
            return d
        cond = get_condition(d.get("status"), "Progressing")
        if cond is not None and cond["reason"] == TIMED_OUT:
            return d
        paused_exists = cond is not None and cond["reason"] == PAUSED
        status = d.setdefault("status", {})
        if d["spec"].get("paused") and not paused_exists:
            set_condition(status, new_condition("Progressing", "Unknown", PAUSED, "Deployment is paused", self.ctx.now))
        elif not d["spec"].get("paused") and paused_exists:
            set_condition(status, new_condition("Progressing", "Unknown", RESUMED, "Deployment is resumed", self.ctx.now))
        else:
            return d
        return self.ctx.client.update_status("deployments", d)

    def _is_scaling_event(self, d: dict, rss: list[dict]) -> bool:
        """isScalingEvent: an active RS whose desired-replicas annotation differs from spec.replicas."""
        new, old = self._get_all_rss_and_sync_revision(d, rss, False)
        for rs in _active(old + ([new] if new else [])):
            desired = (rs["metadata"].get("annotations") or {}).get(DESIRED)
            if desired is None:
                continue
            try:
                if int(desired) != _replicas(d):
                    return True
            except ValueError:
                continue
        return False

    # ------------------------------------------------------------------ new / old ReplicaSets
    def _find_new_rs(self, d: dict, rss: list[dict]) -> dict | None:
        """FindNewReplicaSet: the oldest RS whose template equals the deployment's (minus the hash label)."""
        for rs in rss:
            if equal_ignore_hash(rs["spec"]["template"], d["spec"]["template"]):
                return rs
        return None

    def _get_all_rss_and_sync_revision(self, d: dict, rss: list[dict], create: bool):
        """getAllReplicaSetsAndSyncRevision: the new RS (created if asked) and the old ones."""
        new = self._find_new_rs(d, rss)
        old = [r for r in rss if new is None or r["metadata"]["uid"] != new["metadata"]["uid"]]
        return self._get_new_rs(d, new, old, create), old

    def _get_new_rs(self, d: dict, existing: dict | None, old: list[dict], create: bool) -> dict | None:
        """sync.go getNewReplicaSet."""
        max_old = max([revision_of(r) for r in old] or [0])
        new_revision = str(max_old + 1)
        if existing is not None:
            rs = json.loads(json.dumps(existing))
            changed = set_new_rs_annotations(d, rs, new_revision, True)
            min_ready_changed = rs["spec"].get("minReadySeconds", 0) != d["spec"].get("minReadySeconds", 0)
            if changed or min_ready_changed:
                rs["spec"]["minReadySeconds"] = d["spec"].get("minReadySeconds", 0)
                return self.ctx.client.update("replicasets", rs)
            needs_update = self._set_deployment_revision(d, (rs["metadata"].get("annotations") or {}).get(REVISION))
            cond = get_condition(d.get("status"), "Progressing")
            if has_progress_deadline(d) and cond is None:
                set_condition(d.setdefault("status", {}), new_condition(
                    "Progressing", "True", "FoundNewReplicaSet", f'Found new replica set "{rs["metadata"]["name"]}"',
                    self.ctx.now))
                needs_update = True
            if needs_update:
                self._write_deployment(d)
            return rs
        if not create:
            return None
        collision = (d.get("status") or {}).get("collisionCount")
        h = compute_hash(d["spec"]["template"], collision)
        tmpl = json.loads(json.dumps(d["spec"]["template"]))
        tmpl.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = h
        sel = json.loads(json.dumps(d["spec"]["selector"]))
        sel.setdefault("matchLabels", {})[HASH_LABEL] = h
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": f"{d['metadata']['name']}-{h}", "namespace": d["metadata"]["namespace"],
                           "labels": dict(tmpl["metadata"]["labels"]), "ownerReferences": [owner_reference(d)]},
              "spec": {"replicas": 0, "minReadySeconds": d["spec"].get("minReadySeconds", 0),
                       "selector": sel, "template": tmpl}}
        rs["spec"]["replicas"] = new_rs_new_replicas(d, old + [rs], rs)
        set_new_rs_annotations(d, rs, new_revision, False)
        try:
            created = self.ctx.client.create("replicasets", rs, namespace=d["metadata"]["namespace"])
        except ApiError as e:
            if e.code == 409 and e.reason == "AlreadyExists":
                # a hash collision (or our own RS not yet in the cache): bump collisionCount (sync.go)
                live = self.ctx.client.get("replicasets", rs["metadata"]["name"], d["metadata"]["namespace"])
                if controller_of(live) and controller_of(live).get("uid") == d["metadata"]["uid"] and \
                        equal_ignore_hash(live["spec"]["template"], d["spec"]["template"]):
                    return live
                d.setdefault("status", {})["collisionCount"] = (collision or 0) + 1
                self.ctx.client.update_status("deployments", d)
            elif has_progress_deadline(d):
                set_condition(d.setdefault("status", {}), new_condition(
                    "Progressing", "False", "ReplicaSetCreateError",
                    f'Failed to create new replica set "{rs["metadata"]["name"]}": {e.message}', self.ctx.now))
                try:
                    self.ctx.client.update_status("deployments", d)
                except ApiError:
                    pass
            raise
        n = created["spec"]["replicas"]
        if n > 0:
            self.ctx.recorder.event(d, "Normal", "ScalingReplicaSet",
                                    f"Scaled up replica set {created['metadata']['name']} from 0 to {n}")
        self._set_deployment_revision(d, new_revision)
        if has_progress_deadline(d):
            set_condition(d.setdefault("status", {}), new_condition(
                "Progressing", "True", "NewReplicaSetCreated",
                f'Created new replica set "{created["metadata"]["name"]}"', self.ctx.now))
        self._write_deployment(d)
        return created

    def _set_deployment_revision(self, d: dict, revision: str | None) -> bool:
        if revision is None:
            return False
        ann = d["metadata"].setdefault("annotations", {})
        if ann.get(REVISION) != revision:
            ann[REVISION] = revision
            self._revision_dirty = True
            return True
        return False

    def _write_deployment(self, d: dict) -> None:
        """Persist the revision annotation (main resource) and the status (status subresource).

        Upstream writes both with one UpdateStatus (Deployment's status strategy keeps
        annotation changes); k8slab's status endpoint keeps metadata as stored, so the
        annotation goes through a separate update.
        """
        if getattr(self, "_revision_dirty", False):
            self._revision_dirty = False
            cur = self.ctx.client.get("deployments", d["metadata"]["name"], d["metadata"]["namespace"])
            rev = d["metadata"]["annotations"][REVISION]
            if (cur["metadata"].get("annotations") or {}).get(REVISION) != rev:
                cur["metadata"].setdefault("annotations", {})[REVISION] = rev
                cur = self.ctx.client.update("deployments", cur)
            d["metadata"]["resourceVersion"] = cur["metadata"]["resourceVersion"]
            d["metadata"]["generation"] = cur["metadata"].get("generation", 1)
        live_status = _wire((self.d_informer.get(key_of(d)) or {}).get("status") or {})
        if _wire(d.get("status") or {}) != live_status:
            out = json.loads(json.dumps(d))
            out["status"] = _wire(out.get("status") or {})
            res = self.ctx.client.update_status("deployments", out)
            d["metadata"]["resourceVersion"] = res["metadata"]["resourceVersion"]

    # ------------------------------------------------------------------ sync (scaling / paused)
    def _sync(self, d: dict, rss: list[dict], status_only: bool = False) -> None:
        """sync.go sync (and syncStatusOnly): scale, clean up when paused, then status without progress."""
        new, old = self._get_all_rss_and_sync_revision(d, rss, False)
        if not status_only:
            self._scale(d, new, old)
            new, old = self._refresh(new), [self._refresh(r) for r in old]
            if d["spec"].get("paused"):
                self._cleanup(d, old)
        all_rss = old + ([new] if new else [])
        status = calculate_status(all_rss, new, d, self.ctx.now)
        if _wire(status) != _wire(d.get("status") or {}):
            d["status"] = status
            self._write_deployment(d)

    def _refresh(self, rs: dict | None) -> dict | None:
        if rs is None:
            return None
        return self._latest.get(rs["metadata"]["uid"], rs) if hasattr(self, "_latest") else rs

    def _scale(self, d: dict, new: dict | None, old: list[dict]) -> None:
        """sync.go scale: one active RS takes the full count; otherwise proportional scaling."""
        self._latest = {}
        active = _active(old + ([new] if new else []))
        # FindActiveOrLatest
        target = None
        if len(active) == 1:
            target = active[0]
        elif not active:
            target = new if new is not None else (max(old, key=_by_creation) if old else None)
        if len(active) <= 1:
            if target is not None and _replicas(target) != _replicas(d):
                self._scale_rs(d, target, _replicas(d))
            return
        if is_saturated(d, new):
            for r in _active(old):
                self._scale_rs(d, r, 0)
            return
        if not is_rolling_update(d):
            return
        allowed = _replicas(d) + max_surge(d) if _replicas(d) > 0 else 0
        to_add = allowed - sum(_replicas(r) for r in active)
        op = ""
        if to_add > 0:  # ReplicaSetsBySizeNewer
            active.sort(key=lambda r: (-_replicas(r), _neg(r["metadata"].get("creationTimestamp", "")),
                                       r["metadata"]["name"]))
            op = "up"
        elif to_add < 0:  # ReplicaSetsBySizeOlder
            active.sort(key=lambda r: (-_replicas(r), r["metadata"].get("creationTimestamp", ""), r["metadata"]["name"]))
            op = "down"
        added = 0
        sizes = {}
        for r in active:
            if to_add != 0:
                prop = get_proportion(r, d, to_add, added)
                sizes[r["metadata"]["name"]] = _replicas(r) + prop
                added += prop
            else:
                sizes[r["metadata"]["name"]] = _replicas(r)
        for i, r in enumerate(active):
            name = r["metadata"]["name"]
            if i == 0 and to_add != 0:
                sizes[name] = max(sizes[name] + to_add - added, 0)
            self._scale_rs(d, r, sizes[name], op)

    # ------------------------------------------------------------------ rolling
    def _rollout_rolling(self, d: dict, rss: list[dict]) -> None:
        """rolling.go rolloutRolling: scale up if we can, else scale down if we can, then status."""
        new, old = self._get_all_rss_and_sync_revision(d, rss, True)
        all_rss = old + [new]
        if self._reconcile_new(d, all_rss, new):
            return self._sync_rollout_status(d, all_rss, new)
        if self._reconcile_old(d, all_rss, _active(old), new):
            return self._sync_rollout_status(d, all_rss, new)
        if deployment_complete(d, d.get("status") or {}):
            self._cleanup(d, old)
        self._sync_rollout_status(d, all_rss, new)

    def _reconcile_new(self, d: dict, all_rss: list[dict], new: dict) -> bool:
        """reconcileNewReplicaSet."""
        want = _replicas(d)
        if _replicas(new) == want:
            return False
        if _replicas(new) > want:
            return self._scale_rs(d, new, want)[0]
        return self._scale_rs(d, new, new_rs_new_replicas(d, all_rss, new))[0]

    def _reconcile_old(self, d: dict, all_rss: list[dict], old: list[dict], new: dict) -> bool:
        """reconcileOldReplicaSets: clean up unhealthy old pods, then scale old down within maxUnavailable."""
        old_count = sum(_replicas(r) for r in old)
        if old_count == 0:
            return False
        all_count = sum(_replicas(r) for r in all_rss)
        min_available = _replicas(d) - max_unavailable(d)
        new_unavailable = _replicas(new) - _st(new, "availableReplicas")
        max_scaled_down = all_count - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        old, cleaned = self._cleanup_unhealthy(d, old, max_scaled_down)
        scaled = self._scale_down_old_for_rolling(d, old + [new], old)
        return cleaned + scaled > 0

    def _cleanup_unhealthy(self, d: dict, old: list[dict], max_cleanup: int) -> tuple[list[dict], int]:
        """cleanupUnhealthyReplicas: scale down old RSes' unavailable replicas first, oldest first."""
        old = sorted(old, key=_by_creation)
        total = 0
        for i, rs in enumerate(old):
            if total >= max_cleanup:
                break
            if _replicas(rs) == 0 or _replicas(rs) == _st(rs, "availableReplicas"):
                continue
            n = min(max_cleanup - total, _replicas(rs) - _st(rs, "availableReplicas"))
            _, old[i] = self._scale_rs(d, rs, _replicas(rs) - n)
            total += n
        return old, total

    def _scale_down_old_for_rolling(self, d: dict, all_rss: list[dict], old: list[dict]) -> int:
        """scaleDownOldReplicaSetsForRollingUpdate: only down to replicas - maxUnavailable available."""
        min_available = _replicas(d) - max_unavailable(d)
        available = sum(_st(r, "availableReplicas") for r in all_rss)
        if available <= min_available:
            return 0
        total = 0
        to_scale = available - min_available
        for rs in sorted(old, key=_by_creation):
            if total >= to_scale:
                break
            if _replicas(rs) == 0:
                continue
            n = min(_replicas(rs), to_scale - total)
            self._scale_rs(d, rs, _replicas(rs) - n)
            total += n
        return total

    # ------------------------------------------------------------------ recreate
    def _rollout_recreate(self, d: dict, rss: list[dict]) -> None:
        """recreate.go rolloutRecreate: old to zero, wait for old pods to be gone, then the new at full size."""
        new, old = self._get_all_rss_and_sync_revision(d, rss, False)
        all_rss = old + ([new] if new else [])
        scaled_down = False
        for r in _active(old):
            if self._scale_rs(d, r, 0)[0]:
                scaled_down = True
        if scaled_down:
            return self._sync_rollout_status(d, all_rss, new)
        if self._old_pods_running(new, old):
            return self._sync_rollout_status(d, all_rss, new)
        if new is None:
            new, old = self._get_all_rss_and_sync_revision(d, rss, True)
            all_rss = old + [new]
        if _replicas(new) != _replicas(d):
            self._scale_rs(d, new, _replicas(d))
        if deployment_complete(d, d.get("status") or {}):
            self._cleanup(d, old)
        self._sync_rollout_status(d, all_rss, new)

    def _old_pods_running(self, new: dict | None, old: list[dict]) -> bool:
        """recreate.go oldPodsRunning."""
        if sum(_st(r, "replicas") for r in old) > 0:
            return True
        for r in old:
            for p in self.pod_informer.by_index("owner", r["metadata"]["uid"]):
                if (p.get("status") or {}).get("phase") not in ("Failed", "Succeeded"):
                    return True
        return False

    # ------------------------------------------------------------------ helpers
    def _scale_rs(self, d: dict, rs: dict, n: int, op: str = "") -> tuple[bool, dict]:
        """scaleReplicaSet: set replicas and the desired/max annotations; record the event."""
        want, most = _replicas(d), _replicas(d) + max_surge(d)
        ann = rs["metadata"].get("annotations") or {}
        size_change = _replicas(rs) != n
        ann_change = ann.get(DESIRED) != str(want) or ann.get(MAX_REPLICAS) != str(most)
        if not size_change and not ann_change:
            return False, rs
        old_n = _replicas(rs)
        rs = json.loads(json.dumps(rs))
        rs["spec"]["replicas"] = n
        rs["metadata"].setdefault("annotations", {})
        rs["metadata"]["annotations"][DESIRED] = str(want)
        rs["metadata"]["annotations"][MAX_REPLICAS] = str(most)
        rs = self.ctx.client.update("replicasets", rs)
        if hasattr(self, "_latest"):
            self._latest[rs["metadata"]["uid"]] = rs
        if size_change:
            direction = "up" if n > old_n else "down"
            self.ctx.recorder.event(d, "Normal", "ScalingReplicaSet",
                                    f"Scaled {direction} replica set {rs['metadata']['name']} from {old_n} to {n}")
        return size_change, rs

    def _cleanup(self, d: dict, old: list[dict]) -> None:
        """cleanupDeployment: delete the oldest empty RSes beyond revisionHistoryLimit."""
        limit = d["spec"].get("revisionHistoryLimit")
        if limit is None:
            return
        alive = [r for r in old if not r["metadata"].get("deletionTimestamp")]
        diff = len(alive) - limit
        if diff <= 0:
            return
        alive.sort(key=lambda r: (revision_of(r), r["metadata"].get("creationTimestamp", ""), r["metadata"]["name"]))
        for r in alive[:diff]:
            if _st(r, "replicas") != 0 or _replicas(r) != 0 or \
                    r["metadata"].get("generation", 1) > _st(r, "observedGeneration"):
                continue
            try:
                self.ctx.client.delete("replicasets", r["metadata"]["name"], r["metadata"]["namespace"])
            except ApiError as e:
                if e.code != 404:
                    raise

    def _sync_rollout_status(self, d: dict, all_rss: list[dict], new: dict | None) -> None:
        """progress.go syncRolloutStatus: counters, Available, and Progressing against the deadline."""
        now = self.ctx.now
        status = calculate_status(all_rss, new, d, now)
        if not has_progress_deadline(d):
            remove_condition(status, "Progressing")
        cur = get_condition(d.get("status"), "Progressing")
        complete_already = status.get("replicas", 0) == status.get("updatedReplicas", 0) and \
            cur is not None and cur["reason"] == NEW_RS_AVAILABLE
        if has_progress_deadline(d) and not complete_already:
            name = d["metadata"]["name"]
            if deployment_complete(d, status):
                msg = f'ReplicaSet "{new["metadata"]["name"]}" has successfully progressed.' if new \
                    else f'Deployment "{name}" has successfully progressed.'
                set_condition(status, new_condition("Progressing", "True", NEW_RS_AVAILABLE, msg, now))
            elif deployment_progressing(d, status):
                msg = f'ReplicaSet "{new["metadata"]["name"]}" is progressing.' if new \
                    else f'Deployment "{name}" is progressing.'
                cond = new_condition("Progressing", "True", "ReplicaSetUpdated", msg, now)
                if cur is not None:
                    if cur["status"] == "True":
                        cond["lastTransitionTime"] = cur["lastTransitionTime"]
                    remove_condition(status, "Progressing")
                set_condition(status, cond)
            elif deployment_timed_out(d, status, now):
                msg = f'ReplicaSet "{new["metadata"]["name"]}" has timed out progressing.' if new \
                    else f'Deployment "{name}" has timed out progressing.'
                set_condition(status, new_condition("Progressing", "False", TIMED_OUT, msg, now))
        # ReplicaFailure conditions from the ReplicaSets (getReplicaFailures)
        failures = [c for r in ([new] if new else []) for c in (r.get("status") or {}).get("conditions") or []
                    if c.get("type") == "ReplicaFailure"]
        if not failures:
            failures = [c for r in all_rss for c in (r.get("status") or {}).get("conditions") or []
                        if c.get("type") == "ReplicaFailure"]
        if failures:
            c = failures[0]
            set_condition(status, {"type": "ReplicaFailure", "status": c["status"],
                                   "lastUpdateTime": c.get("lastTransitionTime"),
                                   "lastTransitionTime": c.get("lastTransitionTime"),
                                   "reason": c.get("reason"), "message": c.get("message")})
        else:
            remove_condition(status, "ReplicaFailure")
        if _wire(status) == _wire(d.get("status") or {}) and not getattr(self, "_revision_dirty", False):
            self._requeue_stuck(d, status)
            return
        d["status"] = status
        self._write_deployment(d)

    def _requeue_stuck(self, d: dict, status: dict) -> None:
        """requeueStuckDeployment: look again when the progress deadline would pass."""
        cur = get_condition(d.get("status"), "Progressing")
        if not has_progress_deadline(d) or cur is None:
            return
        if deployment_complete(d, status) or cur["reason"] == TIMED_OUT:
            return
        after = parse_time(cur["lastUpdateTime"]) + d["spec"]["progressDeadlineSeconds"] - self.ctx.now
        if after < 1:
            self.queue.add_rate_limited(key_of(d))
        else:
            self.queue.add_after(key_of(d), after + 1)


def set_new_rs_annotations(d: dict, rs: dict, new_revision: str, exists: bool,
                            rev_history_limit_in_chars: int = MAX_REV_HISTORY_CHARS) -> bool:
    """util.SetNewReplicaSetAnnotations: copy the deployment's annotations, bump the revision
    (keeping the old ones in ``deployment.kubernetes.io/revision-history`` on a rollback)."""
    ann = rs["metadata"].setdefault("annotations", {})
    changed = False
    for k, v in (d["metadata"].get("annotations") or {}).items():
        if k in _SKIP_ANNOTATIONS or ann.get(k) == v:
            continue
        ann[k] = v
        changed = True
    old_rev = ann.get(REVISION)
    try:
        old_n = int(old_rev) if old_rev is not None else 0
    except ValueError:
        old_n = 0
    if old_rev is None or old_n < int(new_revision):
        ann[REVISION] = new_revision
        changed = True
    if old_rev is not None and old_n < int(new_revision):
        hist = ann.get(REVISION_HISTORY, "")
        if not hist:
            ann[REVISION_HISTORY] = old_rev
        else:
            olds = hist.split(",")
            total = len(hist) + len(old_rev) + 1
            start = 0
            while total > rev_history_limit_in_chars and start < len(olds):
                total -= len(olds[start]) + 1
                start += 1
            if total <= rev_history_limit_in_chars:
                ann[REVISION_HISTORY] = ",".join(olds[start:] + [old_rev])
    if not exists:
        want = str(_replicas(d))
        most = str(_replicas(d) + max_surge(d))
        if ann.get(DESIRED) != want or ann.get(MAX_REPLICAS) != most:
            ann[DESIRED] = want
            ann[MAX_REPLICAS] = most
            changed = True
    return changed


def _neg(s: str) -> tuple:
    return tuple(-ord(c) for c in s)
