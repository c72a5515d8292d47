"""Pod status as the kubelet computes it: phase, conditions, container statuses; plus small formatters.

Pure functions (no API calls, no clock reads) so they can be tested as tables:

- upstream: pkg/kubelet/kubelet_pods.go ``getPhase``, ``convertToAPIContainerStatuses``,
  ``convertContainerStatus``; pkg/kubelet/status/generate.go ``GeneratePodReadyCondition``,
  ``GenerateContainersReadyCondition``, ``GeneratePodInitializedCondition``,
  ``GeneratePodReadyToStartContainersCondition``; pkg/kubelet/status/status_manager.go
  ``updateLastTransitionTime``, ``mergePodStatus``; pkg/kubelet/container/helpers.go
  ``ShouldContainerBeRestarted``; pkg/kubelet/util/format/pod.go ``Pod``;
  pkg/api/v1/resource/helpers.go ``PodRequests``; Go's ``time.Duration.String``.

The functions here cover regular containers; the kubelet (kubelet.py) adds the
init-container rules on top: the phase stays Pending and ``Initialized`` is False with
``containers with incomplete status: [...]`` until every init container has succeeded.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..api.meta import rfc3339
from ..api.quantity import milli_value, value

__all__ = ["go_duration", "format_pod", "pod_requests", "get_phase", "should_restart", "container_state_from_runtime",
           "containers_ready_condition", "ready_condition", "initialized_condition", "merge_conditions",
           "KUBELET_CONDITIONS"]

# upstream: pkg/kubelet/status/generate.go reasons
UNKNOWN_CONTAINER_STATUSES = "UnknownContainerStatuses"
POD_COMPLETED = "PodCompleted"
POD_FAILED = "PodFailed"
CONTAINERS_NOT_READY = "ContainersNotReady"
CONTAINERS_NOT_INITIALIZED = "ContainersNotInitialized"
READINESS_GATES_NOT_READY = "ReadinessGatesNotReady"
#: upstream: pkg/kubelet/kubelet_pods.go (the default waiting reason of a container not yet created)
CONTAINER_CREATING = "ContainerCreating"

#: conditions the kubelet owns (upstream: pkg/kubelet/types/pod_status.go PodConditionsByKubelet,
#: plus PodReadyToStartContainers, whose feature gate is on by default in v1.32)
KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")


# ------------------------------------------------------------------------------ formatting
def go_duration(seconds: float) -> str:
    """Go's ``time.Duration.String()`` of ``seconds`` truncated to the millisecond.

    ``0.837`` -> ``837ms``, ``1.5`` -> ``1.5s``, ``80`` -> ``1m20s``, ``300`` -> ``5m0s``.
    """
    ms = int(round(seconds * 1_000_000)) // 1000  # to microseconds first, so 1.234 stays 1234 ms
    if ms == 0:
        return "0s"
    neg = ms < 0
    ms = abs(ms)
    if ms < 1000:
        s = f"{ms}ms"
    else:
        total_s, frac = divmod(ms, 1000)
        h, rem = divmod(total_s, 3600)
        m, sec = divmod(rem, 60)
        sec_str = str(sec)
        if frac:
            sec_str += "." + f"{frac:03d}".rstrip("0")
        if h:
            s = f"{h}h{m}m{sec_str}s"
        elif m:
            s = f"{m}m{sec_str}s"
        else:
            s = f"{sec_str}s"
    return "-" + s if neg else s


def format_pod(pod: dict) -> str:
    """``name_namespace(uid)``: how kubelet messages name a pod (pkg/kubelet/util/format)."""
    md = pod["metadata"]
    return f"{md.get('name', '')}_{md.get('namespace', '')}({md.get('uid', '')})"


# ------------------------------------------------------------------------------ resources
def _request(c: dict, name: str) -> int:
    q = ((c.get("resources") or {}).get("requests") or {}).get(name)
    if q is None:
        return 0
    return milli_value(q) if name == "cpu" else value(q)


def pod_requests(pod: dict, names: Iterable[str] = ("cpu", "memory", "ephemeral-storage")) -> dict[str, int]:
    """PodRequests: max(sum of containers, each init container) + overhead; cpu in milli, others in units."""
    spec = pod.get("spec") or {}
    out: dict[str, int] = {}
    for n in names:
        total = sum(_request(c, n) for c in spec.get("containers") or [])
        for c in spec.get("initContainers") or []:
            total = max(total, _request(c, n))
        ov = (spec.get("overhead") or {}).get(n)
        if ov is not None:
            total += milli_value(ov) if n == "cpu" else value(ov)
        out[n] = total
    return out


# ------------------------------------------------------------------------------ phase
def _state_kind(cs: dict) -> str:
    st = cs.get("state") or {}
    for k in ("running", "terminated", "waiting"):
        if st.get(k) is not None:
            return k
    return ""


def get_phase(spec: dict, statuses: list[dict], pod_is_terminal: bool) -> str:
    """getPhase for a pod without init containers (pkg/kubelet/kubelet_pods.go)."""
    by_name = {cs["name"]: cs for cs in statuses}
    unknown = running = waiting = stopped = succeeded = 0
    for c in spec.get("containers") or []:
        cs = by_name.get(c["name"])
        if cs is None:
            unknown += 1
            continue
        kind = _state_kind(cs)
        if kind == "running":
            running += 1
        elif kind == "terminated":
            stopped += 1
            if cs["state"]["terminated"].get("exitCode", 0) == 0:
                succeeded += 1
        elif kind == "waiting":
            if (cs.get("lastState") or {}).get("terminated") is not None:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1
    policy = spec.get("restartPolicy") or "Always"
    if waiting > 0:
        return "Pending"
    if running > 0 and unknown == 0:
        return "Running"
    if running == 0 and stopped > 0 and unknown == 0:
        if pod_is_terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


def should_restart(container: dict, pod: dict, latest: Any | None) -> bool:
    """ShouldContainerBeRestarted; ``latest`` is the newest runtime ContainerStatus for it (or None)."""
    if pod["metadata"].get("deletionTimestamp"):
        return False
    if latest is None:
        return True
    if latest.state == "CONTAINER_RUNNING":
        return False
    if latest.state == "CONTAINER_CREATED":
        return True
    policy = pod["spec"].get("restartPolicy") or "Always"
    if policy == "Never":
        return False
    if policy == "OnFailure" and latest.exit_code == 0:
        return False
    return True


# ------------------------------------------------------------------------------ container statuses
def container_state_from_runtime(cs: Any, container_id: str) -> dict:
    """The ``state`` convertContainerStatus gives a runtime ContainerStatus ``cs``."""
    if cs.state == "CONTAINER_RUNNING":
        return {"running": {"startedAt": rfc3339(cs.started_at)}}
    if cs.state == "CONTAINER_EXITED":
        t: dict[str, Any] = {"exitCode": cs.exit_code}
        if cs.reason:
            t["reason"] = cs.reason
        if cs.message:
            t["message"] = cs.message
        t["startedAt"] = rfc3339(cs.started_at) if cs.started_at else None
        t["finishedAt"] = rfc3339(cs.finished_at) if cs.finished_at else None
        t["containerID"] = container_id
        return {"terminated": t}
    return {"waiting": {}}


# ------------------------------------------------------------------------------ conditions
def _cond(type_: str, status: str, reason: str = "", message: str = "") -> dict:
    c: dict[str, Any] = {"type": type_, "status": status, "lastProbeTime": None, "lastTransitionTime": None}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def containers_ready_condition(spec: dict, statuses: list[dict] | None, phase: str) -> dict:
    """GenerateContainersReadyCondition."""
    if statuses is None:
        return _cond("ContainersReady", "False", UNKNOWN_CONTAINER_STATUSES)
    by_name = {cs["name"]: cs for cs in statuses}
    unknown, unready = [], []
    for c in spec.get("containers") or []:
        cs = by_name.get(c["name"])
        if cs is None:
            unknown.append(c["name"])
        elif not cs.get("ready"):
            unready.append(c["name"])
    if phase == "Succeeded" and not unknown:
        return _cond("ContainersReady", "False", POD_COMPLETED)
    if phase == "Failed":
        return _cond("ContainersReady", "False", POD_FAILED)
    msgs = []
    if unknown:
        msgs.append(f"containers with unknown status: [{' '.join(unknown)}]")
    if unready:
        msgs.append(f"containers with unready status: [{' '.join(unready)}]")
    if msgs:
        return _cond("ContainersReady", "False", CONTAINERS_NOT_READY, ", ".join(msgs))
    return _cond("ContainersReady", "True")


def ready_condition(spec: dict, conditions: list[dict], statuses: list[dict] | None, phase: str) -> dict:
    """GeneratePodReadyCondition (readiness gates: every gate's condition must be True)."""
    cr = containers_ready_condition(spec, statuses, phase)
    if cr["status"] != "True":
        return {**cr, "type": "Ready"}
    by_type = {c["type"]: c for c in conditions}
    msgs = []
    for g in spec.get("readinessGates") or []:
        t = g.get("conditionType", "")
        c = by_type.get(t)
        if c is None:
            msgs.append(f'corresponding condition of pod readiness gate "{t}" does not exist.')
        elif c.get("status") != "True":
            msgs.append(f'the status of pod readiness gate "{t}" is not "True", but {c.get("status")}')
    if msgs:
        return _cond("Ready", "False", READINESS_GATES_NOT_READY, ", ".join(msgs))
    return _cond("Ready", "True")


def initialized_condition(spec: dict, phase: str) -> dict:
    """GeneratePodInitializedCondition for a pod without init containers."""
    if phase == "Succeeded":
        return _cond("Initialized", "True", POD_COMPLETED)
    return _cond("Initialized", "True")


def merge_conditions(old: list[dict], generated: list[dict], now: float) -> list[dict]:
    """mergePodStatus + updateLastTransitionTime for conditions.

    Conditions the kubelet does not own are kept from ``old`` (first, in their order);
    the kubelet's come from ``generated``. A condition keeps its ``lastTransitionTime``
    while its status does not change; otherwise it gets ``now``.
    """
    old_by_type = {c.get("type"): c for c in old}
    out = [c for c in old if c.get("type") not in KUBELET_CONDITIONS]
    for c in generated:
        prev = old_by_type.get(c["type"])
        c = dict(c)
        if prev is not None and prev.get("status") == c["status"] and prev.get("lastTransitionTime"):
            c["lastTransitionTime"] = prev["lastTransitionTime"]
        else:
            c["lastTransitionTime"] = rfc3339(now)
        out.append(c)
    return out
