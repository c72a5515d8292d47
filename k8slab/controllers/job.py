"""The Job controller: run pods until ``completions`` succeed, at most ``parallelism`` at once,
giving up after ``backoffLimit`` failures.

upstream: pkg/controller/job/job_controller.go (syncJob, manageJob, getStatus,
newCondition, the pod failure back-off: DefaultJobPodFailureBackOff 10 s doubling to
MaxJobPodFailureBackOff 10 min), pkg/registry/batch/job/strategy.go (the
``batch.kubernetes.io/controller-uid`` / ``batch.kubernetes.io/job-name`` labels, added here
when the API server did not), pkg/apis/batch/v1/defaults.go (parallelism 1, completions 1
when both are unset, backoffLimit 6, completionMode NonIndexed).

As in v1.32, success first adds ``SuccessCriteriaMet`` then ``Complete`` (reason
``CompletionsReached``); reaching the back-off limit adds ``FailureTarget`` then ``Failed``
(reason ``BackoffLimitExceeded``) once the remaining pods are gone.

Simplifications: NonIndexed completion mode only; no podFailurePolicy, successPolicy,
activeDeadlineSeconds, ttlSecondsAfterFinished or pod-tracking finalizers; the
``uncountedTerminatedPods`` bookkeeping is skipped (counts come from the pods directly).
"""

from __future__ import annotations

import json

from ..api.errors import ApiError
from ..api.meta import key_of, owner_reference, parse_time, rfc3339
from ..client.context import ComponentContext
from . import podutil

JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
LEGACY_JOB_NAME_LABEL = "job-name"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
DEFAULT_BACKOFF = 10.0
MAX_BACKOFF = 600.0
COMPLETIONS_REACHED = ("CompletionsReached", "Reached expected number of succeeded pods")
BACKOFF_LIMIT_EXCEEDED = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")


def job_params(job: dict) -> tuple[int, int | None, int]:
    """(parallelism, completions, backoffLimit) with the batch/v1 defaults."""
    spec = job.get("spec") or {}
    par, comp = spec.get("parallelism"), spec.get("completions")
    if par is None and comp is None:
        par, comp = 1, 1
    elif par is None:
        par = 1
    return par, comp, spec.get("backoffLimit", 6)


def _cond(job: dict, t: str) -> dict | None:
    return next((c for c in (job.get("status") or {}).get("conditions") or [] if c["type"] == t), None)


def is_finished(job: dict) -> bool:
    return any(c["type"] in ("Complete", "Failed") and c["status"] == "True"
               for c in (job.get("status") or {}).get("conditions") or [])


class JobController:
    def __init__(self, ctx: ComponentContext):
        self.ctx = ctx
        self.queue = ctx.workqueue("job", self.sync)
        self.jobs = ctx.informer("jobs")
        self.pods = ctx.informer("pods")

    def start(self) -> None:
        self.pods.add_index("owner", lambda p: [r["uid"] for r in (p["metadata"].get("ownerReferences") or [])
                                                if r.get("controller")])
        self.jobs.add_handler(lambda o: self.queue.add(key_of(o)), lambda o, n: self.queue.add(key_of(n)), None)
        self.pods.add_handler(self._pod, lambda o, n: self._pod(n), self._pod)
        self.jobs.start()
        self.pods.start()

    def _pod(self, pod: dict) -> None:
        for r in pod["metadata"].get("ownerReferences") or []:
            if r.get("controller") and r.get("kind") == "Job":
                self.queue.add(f"{pod['metadata']['namespace']}/{r['name']}")

    def sync(self, key: str) -> None:
        job = self.jobs.get(key)
        if job is None or job["metadata"].get("deletionTimestamp") or is_finished(job):
            return
        try:
            self._sync(json.loads(json.dumps(job)))
            self.queue.forget(key)
        except ApiError as e:
            if e.code != 404:
                self.queue.add_rate_limited(key)

    def _sync(self, job: dict) -> None:
        now = self.ctx.now
        ns = job["metadata"]["namespace"]
        pods = self.pods.by_index("owner", job["metadata"]["uid"])
        active = [p for p in pods if podutil.is_active(p)]
        terminating = [p for p in pods if p["metadata"].get("deletionTimestamp")
                       and p.get("status", {}).get("phase") not in ("Succeeded", "Failed")]
        succeeded = [p for p in pods if p.get("status", {}).get("phase") == "Succeeded"]
        failed = [p for p in pods if p.get("status", {}).get("phase") == "Failed"]
        par, comp, backoff_limit = job_params(job)
        old = job.get("status") or {}
        status = json.loads(json.dumps(old))
        status.setdefault("startTime", rfc3339(now))
        # failures already counted stay counted (pods may be gone); count what the pods show now
        n_failed = max(old.get("failed", 0), len(failed))
        n_succeeded = max(old.get("succeeded", 0), len(succeeded))
        failure_target = _cond(job, "FailureTarget")
        success_met = _cond(job, "SuccessCriteriaMet")
        events = []
        if failure_target is None and success_met is None:
            if n_failed > backoff_limit:
                self._set_cond(status, "FailureTarget", *BACKOFF_LIMIT_EXCEEDED, now)
                failure_target = True
                events.append(("Warning", "BackoffLimitExceeded", BACKOFF_LIMIT_EXCEEDED[1]))
            elif (comp is not None and n_succeeded >= comp) or (comp is None and n_succeeded > 0 and not active):
                self._set_cond(status, "SuccessCriteriaMet", *COMPLETIONS_REACHED, now)
                success_met = True
        if failure_target or success_met:
            for p in active:  # the job is over: remove what still runs
                self._delete(p)
            if not active and not terminating:
                if failure_target:
                    self._set_cond(status, "Failed", *BACKOFF_LIMIT_EXCEEDED, now)
                else:
                    self._set_cond(status, "Complete", *COMPLETIONS_REACHED, now)
                    status["completionTime"] = rfc3339(now)
                    events.append(("Normal", "Completed", "Job completed"))
            active_n = 0
        else:
            want = par if comp is None else min(par, comp - n_succeeded)
            diff = want - len(active)
            active_n = len(active)
            if diff > 0:
                wait = self._backoff_remaining(failed, n_failed, now)
                if wait > 0:
                    self.queue.add_after(key_of(job), wait)
                else:
                    for _ in range(diff):
                        pod = self.ctx.client.create("pods", self._pod_for(job), namespace=ns)
                        self.ctx.recorder.event(job, "Normal", "SuccessfulCreate",
                                                f"Created pod: {pod['metadata']['name']}")
                        active_n += 1
            elif diff < 0:
                for p in podutil.pods_to_delete(active, -diff):
                    self._delete(p)
                    active_n -= 1
        status.update({"active": active_n, "succeeded": n_succeeded, "failed": n_failed,
                       "ready": sum(1 for p in active if podutil.is_ready(p)), "terminating": len(terminating)})
        status.setdefault("uncountedTerminatedPods", {})
        status = {k: v for k, v in status.items() if not (k in ("active", "succeeded", "failed") and v == 0)}
        if status != old:
            job["status"] = status
            self.ctx.client.update_status("jobs", job)
        for typ, reason, msg in events:
            self.ctx.recorder.event(job, typ, reason, msg)

    @staticmethod
    def _set_cond(status: dict, t: str, reason: str, message: str, now: float) -> None:
        conds = status.setdefault("conditions", [])
        if any(c["type"] == t for c in conds):
            return
        conds.append({"type": t, "status": "True", "lastProbeTime": rfc3339(now), "lastTransitionTime": rfc3339(now),
                      "reason": reason, "message": message})

    def _backoff_remaining(self, failed: list[dict], n_failed: int, now: float) -> float:
        """The pod failure back-off: 10 s, doubling per failure, at most 10 min, from the last failure."""
        if n_failed == 0 or not failed:
            return 0.0
        last = max(_finished_at(p) for p in failed)
        delay = min(DEFAULT_BACKOFF * 2 ** (n_failed - 1), MAX_BACKOFF)
        return max(last + delay - now, 0.0)

    def _pod_for(self, job: dict) -> dict:
        tmpl = json.loads(json.dumps((job.get("spec") or {}).get("template") or {}))
        tmd = tmpl.get("metadata") or {}
        name, uid = job["metadata"]["name"], job["metadata"]["uid"]
        labels = dict(tmd.get("labels") or {})
        for k, v in ((CONTROLLER_UID_LABEL, uid), (JOB_NAME_LABEL, name), (LEGACY_CONTROLLER_UID_LABEL, uid),
                     (LEGACY_JOB_NAME_LABEL, name)):
            labels.setdefault(k, v)
        md = {"generateName": f"{name}-", "namespace": job["metadata"]["namespace"], "labels": labels,
              "ownerReferences": [owner_reference(job)]}
        if tmd.get("annotations"):
            md["annotations"] = tmd["annotations"]
        return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": tmpl.get("spec") or {}}

    def _delete(self, pod: dict) -> None:
        try:
            self.ctx.client.delete("pods", pod["metadata"]["name"], pod["metadata"]["namespace"])
        except ApiError as e:
            if e.code != 404:
                raise


def _finished_at(pod: dict) -> float:
    times = [parse_time(cs["state"]["terminated"]["finishedAt"])
             for cs in (pod.get("status") or {}).get("containerStatuses") or []
             if (cs.get("state") or {}).get("terminated", {}).get("finishedAt")]
    return max(times) if times else 0.0
