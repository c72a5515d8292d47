"""The StatefulSet controller: pods with stable names ``<set>-<ordinal>``, created and replaced in order.

upstream: pkg/controller/statefulset/stateful_set.go (sync), stateful_set_control.go
(UpdateStatefulSet, getStatefulSetRevisions, updateStatefulSet with processReplica /
processCondemned, the RollingUpdate loop, completeRollingUpdate, truncateHistory),
stateful_set_utils.go (getPodName, getOrdinal, newStatefulSetPod, updateIdentity,
updateStorage, newVersionedStatefulSetPod, newRevision, getPatch, isRunningAndReady,
isHealthy), stateful_pod_control.go (recordPodEvent: ``create Pod web-0 in StatefulSet web
successful``), pkg/controller/history/controller_history.go (HashControllerRevision,
ControllerRevisionName), pkg/apis/apps/validation/validation.go (ValidateStatefulSet).

- OrderedReady (the default): ordinal i is created only once 0..i-1 are Running and Ready;
  scale-down removes the highest ordinal first, one at a time, waiting for its termination.
  Parallel: creates and deletes without waiting.
- A missing, Failed or Succeeded pod is replaced by one with the same name.
- RollingUpdate (partition honoured): pods with ordinal >= partition that are not at the
  update revision are deleted from the highest ordinal down, one at a time, each waiting for
  the previous one to be Running and Ready; OnDelete: a pod takes the new template only
  when it is recreated.
- ControllerRevisions ``<set>-<hash>`` hold the template (``getPatch``) with a revision number.

Simplifications: the StatefulSet is defaulted here when read (``SetDefaults_StatefulSet``:
replicas 1, podManagementPolicy OrderedReady, updateStrategy RollingUpdate with partition 0,
revisionHistoryLimit 10), as the API server does not default it yet; orphan pods are not
adopted; ``volumeClaimTemplates`` are accepted and ignored (PersistentVolumeClaims are not
served): each pod gets a ``persistentVolumeClaim`` volume named after the template, as
upstream's updateStorage, which k8slab's kubelet mounts as an empty directory;
``spec.ordinals`` and ``persistentVolumeClaimRetentionPolicy`` are not implemented.
"""

from __future__ import annotations

import copy
import json
import re

from ..api.errors import ApiError
from ..api.meta import controller_of, key_of, owner_reference
from ..api.selector import selector_from_label_selector
from ..client.context import ComponentContext
from . import podutil
from .deployment import fnv32a, safe_encode_string

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"   # apps.StatefulSetPodNameLabel
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"        # apps.PodIndexLabel (PodIndexLabel, beta on)
REVISION_LABEL = "controller-revision-hash"             # apps.ControllerRevisionHashLabelKey
_ORDINAL = re.compile(r"(.*)-([0-9]+)$")                # statefulPodRegex


def defaulted(sts: dict) -> dict:
    """A deep copy of ``sts`` with upstream's SetDefaults_StatefulSet applied (pkg/apis/apps/v1/defaults.go)."""
    s = copy.deepcopy(sts)
    spec = s.setdefault("spec", {})
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    spec.setdefault("podManagementPolicy", "OrderedReady")
    us = spec.get("updateStrategy") or {}
    us.setdefault("type", "RollingUpdate")
    if us["type"] == "RollingUpdate":
        ru = us.get("rollingUpdate") or {}
        ru.setdefault("partition", 0)
        us["rollingUpdate"] = ru
    spec["updateStrategy"] = us
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("minReadySeconds", 0)
    return s


def get_ordinal(pod: dict) -> tuple[str, int]:
    """getParentNameAndOrdinal: ("", -1) when the name is not ``<parent>-<ordinal>``."""
    m = _ORDINAL.match(pod["metadata"].get("name", ""))
    return (m.group(1), int(m.group(2))) if m else ("", -1)


def get_patch(sts: dict) -> dict:
    """getPatch: the part of the set a ControllerRevision records: the template, replaced whole."""
    tmpl = copy.deepcopy((sts.get("spec") or {}).get("template") or {})
    tmpl["$patch"] = "replace"
    return {"spec": {"template": tmpl}}


def hash_revision(data: dict, collision_count: int | None) -> str:
    """history.HashControllerRevision: FNV-32a of the data (and collision count), safe-encoded."""
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    if collision_count:
        raw += str(collision_count).encode()
    return safe_encode_string(str(fnv32a(raw)))


def is_running_and_ready(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running" and podutil.is_ready(pod)


def is_terminating(pod: dict) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def is_healthy(pod: dict) -> bool:
    return is_running_and_ready(pod) and not is_terminating(pod)


def is_failed_or_succeeded(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Failed", "Succeeded")


def revision_of(pod: dict) -> str:
    return (pod["metadata"].get("labels") or {}).get(REVISION_LABEL, "")


class StatefulSetController:
    """Reconciles StatefulSets against their pods and ControllerRevisions."""

    def __init__(self, ctx: ComponentContext):
        self.ctx = ctx
        self.queue = ctx.workqueue("statefulset", self.sync)
        self.sets = ctx.informer("statefulsets")
        self.pods = ctx.informer("pods")
        self.revisions = ctx.informer("controllerrevisions")

    def start(self) -> None:
        owner = lambda o: [r["uid"] for r in (o["metadata"].get("ownerReferences") or []) if r.get("controller")]  # noqa: E731
        self.pods.add_index("owner", owner)
        self.revisions.add_index("owner", owner)
        self.sets.add_handler(lambda o: self.queue.add(key_of(o)), lambda o, n: self.queue.add(key_of(n)),
                              lambda o: self.queue.add(key_of(o)))
        self.pods.add_handler(self._pod, lambda o, n: self._pod(n), self._pod)
        self.sets.start()
        self.pods.start()
        self.revisions.start()

    def _pod(self, pod: dict) -> None:
        ref = controller_of(pod)
        if ref and ref.get("kind") == "StatefulSet":
            self.queue.add(f"{pod['metadata']['namespace']}/{ref['name']}")

    # ------------------------------------------------------------------ sync
    def sync(self, key: str) -> None:
        sts = self.sets.get(key)
        if sts is None:
            return
        try:
            self._sync(defaulted(sts))
            self.queue.forget(key)
        except ApiError as e:
            if e.code != 404:
                self.queue.add_rate_limited(key)

    def _owned(self, informer, sts: dict) -> list[dict]:
        return [o for o in informer.by_index("owner", sts["metadata"]["uid"])
                if (controller_of(o) or {}).get("kind") == "StatefulSet"]

    def _sync(self, sts: dict) -> None:
        sel = selector_from_label_selector(sts["spec"].get("selector") or {})
        name = sts["metadata"]["name"]
        pods = [p for p in self._owned(self.pods, sts)
                if sel.matches(p["metadata"].get("labels") or {}) and get_ordinal(p)[0] == name]
        revisions = sorted(self._owned(self.revisions, sts), key=lambda r: (r.get("revision", 0), r["metadata"]["name"]))
        current, update, collision = self._revisions(sts, revisions)
        status = self._update_set(sts, current, update, collision, pods)
        self._update_status(sts, status)
        self._truncate_history(sts, pods, current, update)
        min_ready = sts["spec"].get("minReadySeconds", 0)
        if min_ready > 0:  # look again when a ready pod becomes available
            waits = [podutil.ready_since(p) + min_ready - self.ctx.now for p in pods
                     if podutil.is_ready(p) and not podutil.is_available(p, min_ready, self.ctx.now)]
            if waits:
                self.queue.add_after(key_of(sts), max(min(waits), 0.001))

    def _revisions(self, sts: dict, revisions: list[dict]) -> tuple[dict, dict, int]:
        """getStatefulSetRevisions: find or create the update revision; the current one from status."""
        collision = (sts.get("status") or {}).get("collisionCount") or 0
        data = get_patch(sts)
        nxt = (revisions[-1].get("revision", 0) if revisions else 0) + 1
        equal = [r for r in revisions if r.get("data") == data]
        if equal:
            update = equal[-1]
            if update is not revisions[-1]:  # an old template is back: it becomes the newest revision
                update = copy.deepcopy(update)
                update["revision"] = nxt
                update = self.ctx.client.update("controllerrevisions", update)
        else:
            while True:
                rev = {"apiVersion": "apps/v1", "kind": "ControllerRevision",
                       "metadata": {"name": f"{sts['metadata']['name']}-{hash_revision(data, collision)}",
                                    "namespace": sts["metadata"]["namespace"],
                                    "labels": dict((sts["spec"].get("selector") or {}).get("matchLabels") or {}),
                                    "ownerReferences": [owner_reference(sts)]},
                       "data": data, "revision": nxt}
                rev["metadata"]["labels"][REVISION_LABEL] = rev["metadata"]["name"]
                try:
                    update = self.ctx.client.create("controllerrevisions", rev, namespace=sts["metadata"]["namespace"])
                    break
                except ApiError as e:
                    if e.code != 409:
                        raise
                    existing = self.ctx.client.get("controllerrevisions", rev["metadata"]["name"],
                                                   sts["metadata"]["namespace"])
                    if existing.get("data") == data and (controller_of(existing) or {}).get("uid") == sts["metadata"]["uid"]:
                        update = existing
                        break
                    collision += 1  # a hash collision: try the next name
        cur_name = (sts.get("status") or {}).get("currentRevision")
        current = next((r for r in revisions if r["metadata"]["name"] == cur_name), None) or update
        return current, update, collision

    def _apply_revision(self, sts: dict, rev: dict) -> dict:
        """ApplyRevision: the set with the template the revision recorded."""
        s = copy.deepcopy(sts)
        tmpl = copy.deepcopy(((rev.get("data") or {}).get("spec") or {}).get("template") or {})
        tmpl.pop("$patch", None)
        s["spec"]["template"] = tmpl
        return s

    def _new_pod(self, sts: dict, rev_name: str, ordinal: int) -> dict:
        """newStatefulSetPod + setPodRevision: the template, with identity and storage, ``<set>-<ordinal>``."""
        tmpl = copy.deepcopy(sts["spec"].get("template") or {})
        tmd = tmpl.get("metadata") or {}
        spec = tmpl.get("spec") or {}
        name = f"{sts['metadata']['name']}-{ordinal}"
        labels = dict(tmd.get("labels") or {})
        labels[POD_NAME_LABEL] = name       # updateIdentity
        labels[POD_INDEX_LABEL] = str(ordinal)
        labels[REVISION_LABEL] = rev_name
        md = {"name": name, "namespace": sts["metadata"]["namespace"], "labels": labels,
              "ownerReferences": [owner_reference(sts)]}
        if tmd.get("annotations"):
            md["annotations"] = tmd["annotations"]
        spec["hostname"] = name
        if sts["spec"].get("serviceName"):
            spec["subdomain"] = sts["spec"]["serviceName"]
        # updateStorage: a volume per claim template (the claims themselves are not served)
        vols = [v for v in spec.get("volumes") or []]
        names = {v.get("name") for v in vols}
        for claim in sts["spec"].get("volumeClaimTemplates") or []:
            cname = (claim.get("metadata") or {}).get("name", "")
            if cname and cname not in names:
                vols.append({"name": cname, "persistentVolumeClaim": {"claimName": f"{cname}-{name}"}})
        if vols:
            spec["volumes"] = vols
        return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec}

    def _versioned_pod(self, sts: dict, current: dict, update: dict, ordinal: int) -> dict:
        """newVersionedStatefulSetPod: below the partition a pod keeps the current revision."""
        us = sts["spec"]["updateStrategy"]
        if us.get("type") == "RollingUpdate" and ordinal < (us.get("rollingUpdate") or {}).get("partition", 0):
            return self._new_pod(self._apply_revision(sts, current), current["metadata"]["name"], ordinal)
        return self._new_pod(self._apply_revision(sts, update), update["metadata"]["name"], ordinal)

    def _event(self, sts: dict, verb: str, pod_name: str, err: ApiError | None = None) -> None:
        """stateful_pod_control.go recordPodEvent."""
        if err is None:
            self.ctx.recorder.event(sts, "Normal", f"Successful{verb}",
                                    f"{verb.lower()} Pod {pod_name} in StatefulSet {sts['metadata']['name']} successful")
        else:
            self.ctx.recorder.event(sts, "Warning", f"Failed{verb}",
                                    f"{verb.lower()} Pod {pod_name} in StatefulSet {sts['metadata']['name']} "
                                    f"failed error: {err.message}")

    def _create(self, sts: dict, pod: dict) -> None:
        try:
            self.ctx.client.create("pods", pod, namespace=sts["metadata"]["namespace"])
        except ApiError as e:
            if e.code == 409 and e.reason == "AlreadyExists":
                return  # the informer has not seen it yet
            self._event(sts, "Create", pod["metadata"]["name"], e)
            raise
        self._event(sts, "Create", pod["metadata"]["name"])

    def _delete(self, sts: dict, pod: dict) -> None:
        try:
            self.ctx.client.delete("pods", pod["metadata"]["name"], pod["metadata"]["namespace"])
        except ApiError as e:
            if e.code == 404:
                return
            self._event(sts, "Delete", pod["metadata"]["name"], e)
            raise
        self._event(sts, "Delete", pod["metadata"]["name"])

    def _update_set(self, sts: dict, current: dict, update: dict, collision: int, pods: list[dict]) -> dict:
        """updateStatefulSet: replicas in order, then condemned pods, then the rolling update."""
        spec = sts["spec"]
        cur_name, upd_name = current["metadata"]["name"], update["metadata"]["name"]
        status = self._replica_status(pods, spec.get("minReadySeconds", 0), cur_name, upd_name)
        status.update(observedGeneration=sts["metadata"].get("generation", 1), currentRevision=cur_name,
                      updateRevision=upd_name, collisionCount=collision)
        if sts["metadata"].get("deletionTimestamp"):
            return status
        count = spec.get("replicas", 1)
        replicas: list[dict | None] = [None] * count
        condemned: list[dict] = []
        for p in pods:
            o = get_ordinal(p)[1]
            if 0 <= o < count:
                replicas[o] = p
            elif o >= 0:
                condemned.append(p)
        condemned.sort(key=lambda p: -get_ordinal(p)[1])
        monotonic = spec.get("podManagementPolicy") != "Parallel"
        first_unhealthy = next((p for p in [*replicas, *condemned[::-1]] if p is not None and not is_healthy(p)), None)
        min_ready = spec.get("minReadySeconds", 0)
        # processReplica
        for i in range(count):
            p = replicas[i]
            if p is not None and is_failed_or_succeeded(p):
                if not is_terminating(p):
                    self._delete(sts, p)
                if monotonic:
                    return status
                continue
            if p is None:
                self._create(sts, self._versioned_pod(sts, current, update, i))
                if monotonic:
                    return status
                continue
            if monotonic and (is_terminating(p) or not is_running_and_ready(p)
                              or not podutil.is_available(p, min_ready, self.ctx.now)):
                return status
        # processCondemned, highest ordinal first
        for p in condemned:
            if is_terminating(p):
                if monotonic:
                    return status
                continue
            if monotonic and p is not first_unhealthy and (
                    not is_running_and_ready(p) or not podutil.is_available(p, min_ready, self.ctx.now)):
                return status
            self._delete(sts, p)
            if monotonic:
                return status
        if spec["updateStrategy"].get("type") == "OnDelete":
            return status
        update_min = (spec["updateStrategy"].get("rollingUpdate") or {}).get("partition", 0)
        for target in range(count - 1, update_min - 1, -1):
            p = replicas[target]
            if p is None:
                return status
            if revision_of(p) != upd_name and not is_terminating(p):
                self._delete(sts, p)
                return status
            if not is_healthy(p):  # wait for unhealthy pods on update
                return status
        return status

    def _replica_status(self, pods: list[dict], min_ready: int, cur: str, upd: str) -> dict:
        """computeReplicaStatus."""
        st = {"replicas": 0, "readyReplicas": 0, "availableReplicas": 0, "currentReplicas": 0, "updatedReplicas": 0}
        for p in pods:
            st["replicas"] += 1
            if is_running_and_ready(p):
                st["readyReplicas"] += 1
                if podutil.is_available(p, min_ready, self.ctx.now):
                    st["availableReplicas"] += 1
            if not is_terminating(p):
                if revision_of(p) == cur:
                    st["currentReplicas"] += 1
                if revision_of(p) == upd:
                    st["updatedReplicas"] += 1
        return st

    def _update_status(self, sts: dict, status: dict) -> None:
        """completeRollingUpdate + updateStatefulSetStatus (written only when it changed)."""
        want = sts["spec"].get("replicas", 1)
        if sts["spec"]["updateStrategy"].get("type") == "RollingUpdate" and \
                status["updatedReplicas"] == want and status["readyReplicas"] == want and status["replicas"] == want:
            status["currentReplicas"] = status["updatedReplicas"]
            status["currentRevision"] = status["updateRevision"]
        # omitempty: zero counts are not serialised (replicas is not omitempty)
        new = {k: v for k, v in status.items() if v or k == "replicas"}
        old = sts.get("status") or {}
        if "conditions" in old:
            new["conditions"] = old["conditions"]
        if new == old:
            return
        latest = self.sets.get(key_of(sts))
        if latest is None:
            return
        latest = copy.deepcopy(latest)
        latest["status"] = new
        try:
            self.ctx.client.update_status("statefulsets", latest)
        except ApiError as e:
            if e.code == 409:
                self.queue.add_rate_limited(key_of(sts))
            elif e.code != 404:
                raise

    def _truncate_history(self, sts: dict, pods: list[dict], current: dict, update: dict) -> None:
        """truncateHistory: keep revisionHistoryLimit revisions besides the live ones."""
        live = {current["metadata"]["name"], update["metadata"]["name"]} | {revision_of(p) for p in pods}
        revs = sorted(self._owned(self.revisions, sts), key=lambda r: r.get("revision", 0))
        history = [r for r in revs if r["metadata"]["name"] not in live]
        extra = len(history) - sts["spec"].get("revisionHistoryLimit", 10)
        for r in history[:max(extra, 0)]:
            try:
                self.ctx.client.delete("controllerrevisions", r["metadata"]["name"], r["metadata"]["namespace"])
            except ApiError as e:
                if e.code != 404:
                    raise


# ---------------------------------------------------------------- validation
# upstream: pkg/apis/apps/validation/validation.go ValidateStatefulSet, ValidateStatefulSetSpec,
# ValidatePodTemplateSpecForStatefulSet, ValidateStatefulSetUpdate. As upstream, the pod spec of the
# template is not validated here (its volume mounts may name volumeClaimTemplates); the pods are.

def _validate_statefulset_spec(sts: dict):
    from ..api import validation as v

    errs: list = []
    spec = v._obj(sts.get("spec"), "spec", errs, "apps.StatefulSetSpec")
    pmp = spec.get("podManagementPolicy", "OrderedReady")  # defaulted (see the module docstring)
    if pmp == "":
        errs.append(v.required("spec.podManagementPolicy", ""))
    elif pmp not in ("OrderedReady", "Parallel"):
        errs.append(v.invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"))
    us = v._obj(spec.get("updateStrategy") or {}, "spec.updateStrategy", errs, "apps.StatefulSetUpdateStrategy")
    utype = us.get("type", "RollingUpdate")
    ru = us.get("rollingUpdate")
    if utype == "":
        errs.append(v.required("spec.updateStrategy", ""))
    elif utype == "OnDelete":
        if ru is not None:
            errs.append(v.invalid("spec.updateStrategy.rollingUpdate", ru, "only allowed for updateStrategy 'RollingUpdate'"))
    elif utype == "RollingUpdate":
        if isinstance(ru, dict):
            errs += v._nonnegative(v._int(ru.get("partition"), "spec.updateStrategy.rollingUpdate.partition", errs),
                                   "spec.updateStrategy.rollingUpdate.partition")
    else:
        errs.append(v.invalid("spec.updateStrategy", us, "must be 'RollingUpdate' or 'OnDelete'"))
    errs += v._nonnegative(v._int(spec.get("replicas"), "spec.replicas", errs), "spec.replicas")
    errs += v._nonnegative(v._int(spec.get("minReadySeconds"), "spec.minReadySeconds", errs), "spec.minReadySeconds")
    sel = spec.get("selector")
    if sel is None:
        errs.append(v.required("spec.selector", ""))
    else:
        sel = v._obj(sel, "spec.selector", errs, "v1.LabelSelector")
        errs += v._validate_label_selector(sel, "spec.selector")
        if not sel.get("matchLabels") and not sel.get("matchExpressions"):
            errs.append(v._invalid_go("spec.selector", v.go_label_selector(sel), "empty selector is invalid for statefulset"))
    tmpl = v._obj(spec.get("template"), "spec.template", errs, "core.PodTemplateSpec")
    md = tmpl.get("metadata") if isinstance(tmpl.get("metadata"), dict) else {}
    labels = md.get("labels") if isinstance(md.get("labels"), dict) else {}
    if isinstance(sel, dict) and (sel.get("matchLabels") or sel.get("matchExpressions")) and \
            not v._selector_matches(sel, labels):
        errs.append(v._invalid_go("spec.template.metadata.labels", v.go_map_ss(labels),
                                  "`selector` does not match template `labels`"))
    errs += v._validate_labels(md.get("labels"), "spec.template.labels")
    errs += v._validate_annotations(md.get("annotations"), "spec.template.annotations")
    tspec = tmpl.get("spec") if isinstance(tmpl.get("spec"), dict) else {}
    restart = tspec.get("restartPolicy", "Always")  # defaulted to Always
    if restart != "Always":
        errs.append(v.not_supported("spec.template.spec.restartPolicy", restart, ["Always"]))
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(v.forbidden_field("spec.template.spec.activeDeadlineSeconds",
                                      "activeDeadlineSeconds in StatefulSet is not Supported"))
    return errs


def validate_statefulset(sts: dict):
    """ValidateStatefulSet: ObjectMeta (DNS-1123 subdomain name) and the spec."""
    from ..api import validation as v

    return v._validate_object_meta(sts.get("metadata"), True, v.name_is_dns_subdomain) + _validate_statefulset_spec(sts)


_UPDATABLE = ("replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit",
              "persistentVolumeClaimRetentionPolicy", "minReadySeconds")


def validate_statefulset_update(new: dict, old: dict):
    """ValidateStatefulSetUpdate: only some spec fields may change."""
    from ..api import validation as v

    errs = v._validate_object_meta_update(new.get("metadata"), old.get("metadata")) + _validate_statefulset_spec(new)
    ns = {k: x for k, x in (new.get("spec") or {}).items() if k not in _UPDATABLE}
    os_ = {k: x for k, x in (old.get("spec") or {}).items() if k not in _UPDATABLE}
    if v._semantic(ns) != v._semantic(os_):
        errs.append(v.forbidden_field("spec", "updates to statefulset spec for fields other than 'replicas', "
                                      "'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', "
                                      "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"))
    return errs


def _register() -> None:
    from ..api.validation import register_kind

    register_kind("StatefulSet", True, validate_statefulset, validate_statefulset_update)


_register()
