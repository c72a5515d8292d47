"""The ReplicaSet controller: keep ``spec.replicas`` pods matching the selector.

upstream: pkg/controller/replicaset/replica_set.go (syncReplicaSet, manageReplicas,
slowStartBatch, getPodsToDelete), pkg/controller/controller_utils.go (ActivePods ranking,
ControllerExpectations), pkg/controller/controller_ref_manager.go (adopt and release),
pkg/controller/replicaset/replica_set_utils.go (calculateStatus).

Creates go in slow-start batches (1, 2, 4, ...) of at most ``burstReplicas`` (500);
expectations stop a second sync from creating again before the informer has seen the
pods the first one created.
"""

from __future__ import annotations

from ..api import meta as metautil
from ..api.errors import ApiError
from ..api.meta import key_of, controller_of, owner_reference
from ..api.selector import selector_from_label_selector
from ..client.context import ComponentContext
from . import podutil

BURST_REPLICAS = 500
SLOW_START_INITIAL_BATCH_SIZE = 1
EXPECTATIONS_TIMEOUT = 300.0  # ExpectationsTimeout = 5 * time.Minute


class Expectations:
    """ControllerExpectations: pending creates/deletes per controller key."""

    def __init__(self) -> None:
        self._exp: dict[str, list] = {}

    def expect(self, key: str, adds: int, dels: int, now: float) -> None:
        self._exp[key] = [adds, dels, now]

    def observe_add(self, key: str) -> None:
        e = self._exp.get(key)
        if e:
            e[0] -= 1

    def observe_del(self, key: str) -> None:
        e = self._exp.get(key)
        if e:
            e[1] -= 1

    def satisfied(self, key: str, now: float) -> bool:
        e = self._exp.get(key)
        if e is None:
            return True
        return (e[0] <= 0 and e[1] <= 0) or now - e[2] > EXPECTATIONS_TIMEOUT

    def delete(self, key: str) -> None:
        self._exp.pop(key, None)


class ReplicaSetController:
    """Reconciles ReplicaSets against their pods."""

    kind = "ReplicaSet"
    resource = "replicasets"

    def __init__(self, ctx: ComponentContext):
        self.ctx = ctx
        self.expectations = Expectations()
        self.queue = ctx.workqueue("rs", self.sync)
        self.rs_informer = ctx.informer(self.resource)
        self.pod_informer = ctx.informer("pods")

    def start(self) -> None:
        self.pod_informer.add_index("owner", lambda p: [r["uid"] for r in (p["metadata"].get("ownerReferences") or [])
                                                        if r.get("controller")])
        self.pod_informer.add_index("namespace", lambda p: [p["metadata"]["namespace"]])
        self.rs_informer.add_handler(lambda o: self.queue.add(key_of(o)),
                                     lambda old, new: self.queue.add(key_of(new)),
                                     lambda o: (self.expectations.delete(key_of(o)), self.queue.add(key_of(o))))
        self.pod_informer.add_handler(self._pod_added, self._pod_updated, self._pod_deleted)
        self.rs_informer.start()
        self.pod_informer.start()

    # ------------------------------------------------------------------ pod events
    def _owner_key(self, pod: dict) -> str | None:
        ref = controller_of(pod)
        if ref is None or ref.get("kind") != self.kind:
            return None
        return f"{pod['metadata']['namespace']}/{ref['name']}"

    def _pod_added(self, pod: dict) -> None:
        k = self._owner_key(pod)
        if k:
            self.expectations.observe_add(k)
            self.queue.add(k)
        else:
            self._enqueue_matching(pod)

    def _pod_updated(self, old: dict, new: dict) -> None:
        k = self._owner_key(new)
        if k:
            self.queue.add(k)
        ok = self._owner_key(old)
        if ok and ok != k:
            self.queue.add(ok)
        if not k or old["metadata"].get("labels") != new["metadata"].get("labels"):
            self._enqueue_matching(new)

    def _pod_deleted(self, pod: dict) -> None:
        k = self._owner_key(pod)
        if k:
            self.expectations.observe_del(k)
            self.queue.add(k)

    def _enqueue_matching(self, pod: dict) -> None:
        """An orphan may be adopted by any ReplicaSet whose selector matches it."""
        if controller_of(pod) is not None:
            return
        labels = pod["metadata"].get("labels") or {}
        for rs in self.rs_informer.list():
            if rs["metadata"]["namespace"] != pod["metadata"]["namespace"]:
                continue
            if _selector(rs).matches(labels):
                self.queue.add(key_of(rs))

    # ------------------------------------------------------------------ sync
    def sync(self, key: str) -> None:
        rs = self.rs_informer.get(key)
        if rs is None:
            self.expectations.delete(key)
            return
        try:
            pods = self._claim_pods(rs)
            active = [p for p in pods if podutil.is_active(p)]
            if self.expectations.satisfied(key, self.ctx.now) and not rs["metadata"].get("deletionTimestamp"):
                self._manage_replicas(key, active, rs)
            self._update_status(rs, pods)
            self.queue.forget(key)
        except ApiError as e:
            if e.code in (404,):
                return
            self.queue.add_rate_limited(key)

    def _claim_pods(self, rs: dict) -> list[dict]:
        """ClaimPods: adopt matching orphans, release owned pods that no longer match."""
        uid = rs["metadata"]["uid"]
        sel = _selector(rs)
        owned = self.pod_informer.by_index("owner", uid)
        result = []
        for p in owned:
            if sel.matches(p["metadata"].get("labels") or {}):
                result.append(p)
            elif not rs["metadata"].get("deletionTimestamp"):
                self._patch_owner(p, None)  # release
        if rs["metadata"].get("deletionTimestamp"):
            return result
        for p in self.pod_informer.by_index("namespace", rs["metadata"]["namespace"]):
            if controller_of(p) is None and not p["metadata"].get("deletionTimestamp") and \
                    sel.matches(p["metadata"].get("labels") or {}):
                adopted = self._patch_owner(p, rs)
                if adopted is not None:
                    result.append(adopted)
        return result

    def _patch_owner(self, pod: dict, rs: dict | None) -> dict | None:
        md = pod["metadata"]
        refs = [r for r in (md.get("ownerReferences") or []) if not (rs is None and r.get("controller"))]
        if rs is not None:
            refs.append(owner_reference(rs))
        try:
            return self.ctx.client.patch("pods", md["name"], {"metadata": {"ownerReferences": refs or None,
                                                                          "uid": md["uid"]}},
                                         namespace=md["namespace"])
        except ApiError:
            return None

    def _manage_replicas(self, key: str, active: list[dict], rs: dict) -> None:
        want = rs["spec"].get("replicas", 1)
        diff = len(active) - want
        if diff < 0:
            n = min(-diff, BURST_REPLICAS)
            self.expectations.expect(key, n, 0, self.ctx.now)
            created, err = self._slow_start_create(rs, n)
            skipped = n - created
            for _ in range(skipped):
                self.expectations.observe_add(key)
            if err is not None:
                raise err
        elif diff > 0:
            n = min(diff, BURST_REPLICAS)
            victims = podutil.pods_to_delete(active, n)
            self.expectations.expect(key, 0, len(victims), self.ctx.now)
            for p in victims:
                try:
                    self.ctx.client.delete("pods", p["metadata"]["name"], p["metadata"]["namespace"])
                    self.ctx.recorder.event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {p['metadata']['name']}")
                except ApiError as e:
                    self.expectations.observe_del(key)
                    if e.code != 404:
                        raise

    def _slow_start_create(self, rs: dict, count: int) -> tuple[int, ApiError | None]:
        """slowStartBatch: batches of 1, 2, 4, ... ; stop at the first failing batch."""
        remaining = count
        batch = min(remaining, SLOW_START_INITIAL_BATCH_SIZE)
        created = 0
        while batch > 0:
            for _ in range(batch):
                try:
                    pod = self.ctx.client.create("pods", self._pod_from_template(rs), namespace=rs["metadata"]["namespace"])
                except ApiError as e:
                    self.ctx.recorder.event(rs, "Warning", "FailedCreate", f"Error creating: {e.message}")
                    return created, e
                created += 1
                self.ctx.recorder.event(rs, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}")
            remaining -= batch
            batch = min(2 * batch, remaining)
        return created, None

    def _pod_from_template(self, rs: dict) -> dict:
        """controller.GetPodFromTemplate: labels/annotations/spec from the template, generateName ``<rs>-``."""
        import json

        tmpl = json.loads(json.dumps(rs["spec"].get("template") or {}))
        tmd = tmpl.get("metadata") or {}
        md = {"generateName": rs["metadata"]["name"] + "-", "namespace": rs["metadata"]["namespace"],
              "ownerReferences": [owner_reference(rs)]}
        if tmd.get("labels"):
            md["labels"] = tmd["labels"]
        if tmd.get("annotations"):
            md["annotations"] = tmd["annotations"]
        return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": tmpl.get("spec") or {}}

    def _update_status(self, rs: dict, pods: list[dict]) -> None:
        """calculateStatus + updateReplicaSetStatus (written only when it changed)."""
        sel_labels = (rs["spec"].get("template") or {}).get("metadata", {}).get("labels") or {}
        active = [p for p in pods if podutil.is_active(p)]
        min_ready = rs["spec"].get("minReadySeconds", 0)
        status = dict(rs.get("status") or {})
        new = {
            "replicas": len(active),
            "fullyLabeledReplicas": sum(1 for p in active if _has_labels(p, sel_labels)),
            "readyReplicas": sum(1 for p in active if podutil.is_ready(p)),
            "availableReplicas": sum(1 for p in active if podutil.is_available(p, min_ready, self.ctx.now)),
            "observedGeneration": rs["metadata"].get("generation", 1),
        }
        # the terminatingReplicas field is alpha after v1.32; omitted.
        for k in ("readyReplicas", "availableReplicas", "fullyLabeledReplicas"):
            if new[k] == 0:
                new.pop(k)
        if "conditions" in status:
            new["conditions"] = status["conditions"]
        if new == status:
            # a pod may become available later (minReadySeconds): look again then
            self._requeue_for_availability(rs, active, min_ready)
            return
        rs = dict(rs)
        rs["status"] = new
        try:
            self.ctx.client.update_status(self.resource, rs)
        except ApiError as e:
            if e.code == 409:
                self.queue.add_rate_limited(key_of(rs))
            elif e.code != 404:
                raise
        self._requeue_for_availability(rs, active, min_ready)

    def _requeue_for_availability(self, rs: dict, active: list[dict], min_ready: int) -> None:
        if min_ready <= 0:
            return
        waits = [podutil.ready_since(p) for p in active if podutil.is_ready(p)
                 and not podutil.is_available(p, min_ready, self.ctx.now)]
        if waits:
            delay = min(w + min_ready for w in waits) - self.ctx.now
            self.queue.add_after(key_of(rs), max(delay, 0.001))


def _has_labels(pod: dict, labels: dict) -> bool:
    pl = pod["metadata"].get("labels") or {}
    return all(pl.get(k) == v for k, v in labels.items())


_SEL_CACHE: dict[str, object] = {}


def _selector(obj: dict):
    import json

    raw = obj["spec"].get("selector")
    k = json.dumps(raw, sort_keys=True)
    s = _SEL_CACHE.get(k)
    if s is None:
        s = selector_from_label_selector(raw)
        if len(_SEL_CACHE) > 10000:
            _SEL_CACHE.clear()
        _SEL_CACHE[k] = s
    return s
