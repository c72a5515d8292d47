"""HorizontalPodAutoscaler controller (autoscaling/v2, resource metrics).

upstream: pkg/controller/podautoscaler/horizontal.go (``reconcileAutoscaler``,
``normalizeDesiredReplicasWithBehaviors``, ``stabilizeRecommendationWithBehaviors``,
``convertDesiredReplicasWithBehaviorRate``, ``calculateScaleUpLimitWithScalingRules``,
``calculateScaleDownLimitWithBehaviors``, the conditions and events), replica_calculator.go
(``GetResourceReplicas``, ``GetRawResourceReplicas``/``calcPlainMetricReplicas``,
``groupPods``, ``calculatePodRequests``), metrics/utilization.go
(``GetResourceUtilizationRatio``, ``GetMetricUsageRatio``) and
pkg/apis/autoscaling/v2/defaults.go (the default ``behavior``, 80 % CPU when no metric).

kube-controller-manager defaults: ``--horizontal-pod-autoscaler-sync-period=15s``,
``--horizontal-pod-autoscaler-tolerance=0.1``,
``--horizontal-pod-autoscaler-downscale-stabilization=5m``,
``--horizontal-pod-autoscaler-cpu-initialization-period=5m``,
``--horizontal-pod-autoscaler-initial-readiness-delay=30s``.

Simplifications (k8slab): only ``Resource`` metrics (cpu/memory; ``ContainerResource``,
``Pods``, ``Object`` and ``External`` metrics are reported as invalid). The API server applies
``SetDefaults_HorizontalPodAutoscaler`` (k8slab/api/defaults.py); an HPA without ``behavior``
is normalized with the default scaling rules (upstream's ``normalizeDesiredReplicas`` for
that case is not modelled separately).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

from ..api.errors import ApiError
from ..api.meta import parse_time, rfc3339
from ..api.quantity import format_quantity, milli_value, value

SYNC_PERIOD = 15.0
TOLERANCE = 0.1
DOWNSCALE_STABILIZATION = 300.0
CPU_INITIALIZATION_PERIOD = 300.0
INITIAL_READINESS_DELAY = 30.0

class MetricsError(Exception):
    """A replica calculation that failed (upstream returns an error with this text)."""


# ---------------------------------------------------------------------------------- replica calculator
@dataclass
class PodInfo:
    """What the replica calculator needs of a pod (times in virtual seconds)."""

    name: str
    phase: str = "Running"
    ready: str | None = "True"       # the Ready condition's status; None: no condition
    ready_transition: float = 0.0     # its lastTransitionTime
    start_time: float | None = 0.0    # status.startTime
    deleting: bool = False
    requests: list[int | None] | None = None  # per container request (milli-CPU or bytes); None: missing


@dataclass
class PodMetric:
    value: int            # milli-CPU or bytes
    timestamp: float = 0.0
    window: float = 15.0


def group_pods(pods: list[PodInfo], metrics: dict[str, PodMetric], resource: str, now: float,
               cpu_initialization_period: float = CPU_INITIALIZATION_PERIOD,
               delay_of_initial_readiness_status: float = INITIAL_READINESS_DELAY):
    """replica_calculator.go ``groupPods``: (readyPodCount, unready, missing, ignored)."""
    ready = 0
    unready: set[str] = set()
    missing: set[str] = set()
    ignored: set[str] = set()
    for p in pods:
        if p.deleting or p.phase == "Failed":
            ignored.add(p.name)
            continue
        if p.phase == "Pending":
            unready.add(p.name)
            continue
        m = metrics.get(p.name)
        if m is None:
            missing.add(p.name)
            continue
        if resource == "cpu":
            if p.ready is None or p.start_time is None:
                is_unready = True
            elif p.start_time + cpu_initialization_period > now:
                # within the initialization period: unready, or no full window since the last transition
                is_unready = p.ready == "False" or m.timestamp < p.ready_transition + m.window
            else:
                # unready and never been ready
                is_unready = p.ready == "False" and p.start_time + delay_of_initial_readiness_status > p.ready_transition
            if is_unready:
                unready.add(p.name)
                continue
        ready += 1
    return ready, unready, missing, ignored


def calculate_pod_requests(pods: list[PodInfo], resource: str) -> dict[str, int]:
    """``calculatePodRequests``: the sum of the containers' requests per pod (an error if one lacks it)."""
    out = {}
    for p in pods:
        total = 0
        for i, r in enumerate(p.requests or [None]):
            if r is None:
                raise MetricsError(f"missing request for {resource} in container {i} of Pod {p.name}")
            total += r
        out[p.name] = total
    return out


def resource_utilization_ratio(metrics: dict[str, PodMetric], requests: dict[str, int], target_utilization: int):
    """metrics/utilization.go ``GetResourceUtilizationRatio``: (ratio, utilization %, raw average)."""
    metrics_total = requests_total = n = 0
    for name, m in metrics.items():
        if name not in requests:
            continue
        metrics_total += m.value
        requests_total += requests[name]
        n += 1
    if requests_total == 0:
        raise MetricsError("no metrics returned matched known pods")
    utilization = (metrics_total * 100) // requests_total
    return utilization / target_utilization, int(utilization), metrics_total // n


def metric_usage_ratio(metrics: dict[str, PodMetric], target_usage: int):
    """``GetMetricUsageRatio``: (ratio, average usage)."""
    total = sum(m.value for m in metrics.values())
    usage = total // len(metrics)
    return usage / target_usage, usage


def get_resource_replicas(current_replicas: int, target_utilization: int, resource: str, pods: list[PodInfo],
                          metrics: dict[str, PodMetric], now: float, tolerance: float = TOLERANCE,
                          cpu_initialization_period: float = CPU_INITIALIZATION_PERIOD,
                          delay_of_initial_readiness_status: float = INITIAL_READINESS_DELAY):
    """replica_calculator.go ``GetResourceReplicas``: (replicas, utilization %, raw average usage)."""
    metrics = dict(metrics)
    if not metrics:
        raise MetricsError(f"unable to get metrics for resource {resource}: no metrics returned from resource metrics API")
    if not pods:
        raise MetricsError("no pods returned by selector while calculating replica count")
    ready, unready, missing, ignored = group_pods(pods, metrics, resource, now, cpu_initialization_period,
                                                  delay_of_initial_readiness_status)
    for n in ignored | unready:
        metrics.pop(n, None)
    if not metrics:
        raise MetricsError("did not receive metrics for targeted pods (pods might be unready)")
    requests = calculate_pod_requests(pods, resource)
    usage_ratio, utilization, raw = resource_utilization_ratio(metrics, requests, target_utilization)
    scale_up_with_unready = len(unready) > 0 and usage_ratio > 1.0
    if not scale_up_with_unready and not missing:
        if abs(1.0 - usage_ratio) <= tolerance:
            return current_replicas, utilization, raw
        return int(math.ceil(usage_ratio * ready)), utilization, raw
    if missing:
        if usage_ratio < 1.0:
            # on a scale-down, missing pods use 100% of their request (or the target when above 100%)
            fallback = max(100, target_utilization)
            for n in missing:
                metrics[n] = PodMetric(requests[n] * fallback // 100)
        elif usage_ratio > 1.0:
            for n in missing:  # on a scale-up, missing pods use 0%
                metrics[n] = PodMetric(0)
    if scale_up_with_unready:
        for n in unready:
            metrics[n] = PodMetric(0)
    new_ratio, _, _ = resource_utilization_ratio(metrics, requests, target_utilization)
    if abs(1.0 - new_ratio) <= tolerance or (usage_ratio < 1.0 < new_ratio) or (usage_ratio > 1.0 > new_ratio):
        return current_replicas, utilization, raw
    new_replicas = int(math.ceil(new_ratio * len(metrics)))
    if (new_ratio < 1.0 and new_replicas > current_replicas) or (new_ratio > 1.0 and new_replicas < current_replicas):
        return current_replicas, utilization, raw
    return new_replicas, utilization, raw


def get_raw_resource_replicas(current_replicas: int, target_usage: int, resource: str, pods: list[PodInfo],
                              metrics: dict[str, PodMetric], now: float, tolerance: float = TOLERANCE,
                              cpu_initialization_period: float = CPU_INITIALIZATION_PERIOD,
                              delay_of_initial_readiness_status: float = INITIAL_READINESS_DELAY):
    """``GetRawResourceReplicas`` → ``calcPlainMetricReplicas``: (replicas, average usage)."""
    metrics = dict(metrics)
    if not metrics:
        raise MetricsError(f"unable to get metrics for resource {resource}: no metrics returned from resource metrics API")
    if not pods:
        raise MetricsError("no pods returned by selector while calculating replica count")
    ready, unready, missing, ignored = group_pods(pods, metrics, resource, now, cpu_initialization_period,
                                                  delay_of_initial_readiness_status)
    for n in ignored | unready:
        metrics.pop(n, None)
    if not metrics:
        raise MetricsError("did not receive metrics for targeted pods (pods might be unready)")
    usage_ratio, usage = metric_usage_ratio(metrics, target_usage)
    scale_up_with_unready = len(unready) > 0 and usage_ratio > 1.0
    if not scale_up_with_unready and not missing:
        if abs(1.0 - usage_ratio) <= tolerance:
            return current_replicas, usage
        return int(math.ceil(usage_ratio * ready)), usage
    if missing:
        for n in missing:
            metrics[n] = PodMetric(target_usage if usage_ratio < 1.0 else 0)
    if scale_up_with_unready:
        for n in unready:
            metrics[n] = PodMetric(0)
    new_ratio, _ = metric_usage_ratio(metrics, target_usage)
    if abs(1.0 - new_ratio) <= tolerance or (usage_ratio < 1.0 < new_ratio) or (usage_ratio > 1.0 > new_ratio):
        return current_replicas, usage
    new_replicas = int(math.ceil(new_ratio * len(metrics)))
    if (new_ratio < 1.0 and new_replicas > current_replicas) or (new_ratio > 1.0 and new_replicas < current_replicas):
        return current_replicas, usage
    return new_replicas, usage


# ---------------------------------------------------------------------------------- behavior (rate limits)
def _replicas_change_per_period(period: float, events: list[tuple[float, int]], now: float) -> int:
    """``getReplicasChangePerPeriod``."""
    return sum(change for t, change in events if t > now - period)


def scale_up_limit(current: int, up_events: list, down_events: list, rules: dict, now: float) -> int:
    """``calculateScaleUpLimitWithScalingRules``."""
    select = rules.get("selectPolicy") or "Max"
    if select == "Disabled":
        return current
    result = math.inf if select == "Min" else -math.inf
    for p in rules.get("policies") or []:
        start = current - _replicas_change_per_period(p["periodSeconds"], up_events, now) + \
            _replicas_change_per_period(p["periodSeconds"], down_events, now)
        if p["type"] == "Pods":
            proposed = start + p["value"]
        else:
            proposed = int(math.ceil(start * (1 + p["value"] / 100)))
        result = min(result, proposed) if select == "Min" else max(result, proposed)
    return int(result)


def scale_down_limit(current: int, up_events: list, down_events: list, rules: dict, now: float) -> int:
    """``calculateScaleDownLimitWithBehaviors``."""
    select = rules.get("selectPolicy") or "Max"
    if select == "Disabled":
        return current
    result = -math.inf if select == "Min" else math.inf
    for p in rules.get("policies") or []:
        start = current - _replicas_change_per_period(p["periodSeconds"], up_events, now) + \
            _replicas_change_per_period(p["periodSeconds"], down_events, now)
        if p["type"] == "Pods":
            proposed = start - p["value"]
        else:
            proposed = int(start * (1 - p["value"] / 100))
        result = max(result, proposed) if select == "Min" else min(result, proposed)
    return int(result)


def with_defaults(spec: dict) -> dict:
    """The spec as the controller reads it: ``SetDefaults_HorizontalPodAutoscaler`` (api/defaults.py), plus the
    default scaling rules when there is no ``behavior`` (``scaleDown.stabilizationWindowSeconds`` may stay None:
    ``maybeInitScaleDownStabilizationWindow`` fills it from the controller's flag)."""
    from ..api.defaults import apply_defaults, hpa_scale_down_rules, hpa_scale_up_rules

    spec = copy.deepcopy(spec)
    apply_defaults({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "spec": spec})
    b = spec.get("behavior") if isinstance(spec.get("behavior"), dict) else {}
    spec["behavior"] = {"scaleUp": hpa_scale_up_rules(b.get("scaleUp")),
                        "scaleDown": hpa_scale_down_rules(b.get("scaleDown"))}
    spec["behavior"]["scaleDown"].setdefault("stabilizationWindowSeconds", None)
    return spec


# ---------------------------------------------------------------------------------- the controller
class HorizontalPodAutoscalerController:
    """Every 15 s per HPA: read the target's scale and the pods' metrics, compute, rescale, write status."""

    def __init__(self, ctx: Any, sync_period: float = SYNC_PERIOD, tolerance: float = TOLERANCE,
                 downscale_stabilization: float = DOWNSCALE_STABILIZATION,
                 cpu_initialization_period: float = CPU_INITIALIZATION_PERIOD,
                 initial_readiness_delay: float = INITIAL_READINESS_DELAY):
        self.ctx = ctx
        self.sync_period = sync_period
        self.tolerance = tolerance
        self.downscale_stabilization = downscale_stabilization
        self.cpu_initialization_period = cpu_initialization_period
        self.initial_readiness_delay = initial_readiness_delay
        self.recommendations: dict[str, list[list]] = {}   # key -> [[replicas, time], ...]
        self.scale_up_events: dict[str, list[tuple[float, int]]] = {}
        self.scale_down_events: dict[str, list[tuple[float, int]]] = {}
        self._resync: dict[str, Any] = {}
        self.hpas = ctx.informer("horizontalpodautoscalers")
        self.pods = ctx.informer("pods")
        self.queue = ctx.workqueue("horizontalpodautoscaler", self._process)

    def start(self) -> None:
        self.hpas.add_handler(on_add=self._on_add, on_delete=self._on_delete)
        self.hpas.start()
        self.pods.start()

    def _key(self, obj: dict) -> str:
        return f"{obj['metadata']['namespace']}/{obj['metadata']['name']}"

    def _on_add(self, obj: dict) -> None:
        self.queue.add(self._key(obj))

    def _on_delete(self, obj: dict) -> None:
        key = self._key(obj)
        t = self._resync.pop(key, None)
        if t is not None:
            t.cancel()
        self.recommendations.pop(key, None)
        self.scale_up_events.pop(key, None)
        self.scale_down_events.pop(key, None)

    def _process(self, key: str) -> None:
        hpa = self.hpas.get(key)
        if hpa is None:
            return
        try:
            self.reconcile(copy.deepcopy(hpa))
        except ApiError:
            pass
        t = self._resync.pop(key, None)
        if t is not None:
            t.cancel()
        self._resync[key] = self.ctx.call_later(self.sync_period, self.queue.add, key, what=f"resync hpa {key}")

    # ------------------------------------------------------------------ conditions
    def _set_condition(self, hpa: dict, type_: str, status: str, reason: str, message: str) -> None:
        conds = hpa.setdefault("status", {}).setdefault("conditions", [])
        for c in conds:
            if c["type"] == type_:
                if c["status"] != status:
                    c["lastTransitionTime"] = rfc3339(self.ctx.now)
                c.update(status=status, reason=reason, message=message)
                return
        conds.append({"type": type_, "status": status, "lastTransitionTime": rfc3339(self.ctx.now),
                      "reason": reason, "message": message})

    def _write_status(self, hpa: dict, old_status: dict) -> None:
        if hpa.get("status") == old_status:
            return
        try:
            self.ctx.client.update_status("horizontalpodautoscalers", hpa)
        except ApiError:
            pass

    # ------------------------------------------------------------------ metrics
    def _pod_infos(self, namespace: str, selector: Any, resource: str) -> list[PodInfo]:
        out = []
        for p in self.pods.list():
            md = p["metadata"]
            if md.get("namespace") != namespace or not selector.matches(md.get("labels") or {}):
                continue
            st = p.get("status") or {}
            ready = next((c for c in st.get("conditions") or [] if c.get("type") == "Ready"), None)
            reqs = []
            for c in (p.get("spec") or {}).get("containers") or []:
                r = ((c.get("resources") or {}).get("requests") or {}).get(resource)
                reqs.append(None if r is None else (milli_value(r) if resource == "cpu" else value(r)))
            out.append(PodInfo(name=md["name"], phase=st.get("phase", "Pending"),
                               ready=None if ready is None else ready.get("status"),
                               ready_transition=parse_time(ready["lastTransitionTime"]) if ready and ready.get(
                                   "lastTransitionTime") else 0.0,
                               start_time=parse_time(st["startTime"]) if st.get("startTime") else None,
                               deleting=bool(md.get("deletionTimestamp")), requests=reqs))
        return out

    def _pod_metrics(self, namespace: str, selector_text: str, resource: str) -> dict[str, PodMetric]:
        from ..metrics import MetricsAPI

        try:
            items = MetricsAPI(self.ctx.client).list("pods", namespace, label_selector=selector_text)["items"]
        except ApiError as e:
            raise MetricsError(f"unable to get metrics for resource {resource}: unable to fetch metrics from "
                               f"resource metrics API: {e.message}")
        out = {}
        for m in items:
            total = 0
            for c in m.get("containers") or []:
                q = (c.get("usage") or {}).get(resource, "0")
                total += milli_value(q) if resource == "cpu" else value(q)
            out[m["metadata"]["name"]] = PodMetric(total, parse_time(m["timestamp"]),
                                                   float(str(m.get("window", "15s")).rstrip("s") or 15))
        if not out:
            raise MetricsError(f"unable to get metrics for resource {resource}: "
                               "no metrics returned from resource metrics API")
        return out

    def _compute_metric(self, hpa: dict, spec: dict, current: int, selector: Any, selector_text: str):
        """(replicas, metric name, MetricStatus) for one metric spec; MetricsError when it cannot."""
        ns = hpa["metadata"]["namespace"]
        if spec.get("type") != "Resource":
            raise MetricsError(f'k8slab supports only Resource metrics, not {spec.get("type")}')
        res = spec.get("resource") or {}
        name = res.get("name", "")
        target = res.get("target") or {}
        pods = self._pod_infos(ns, selector, name)
        now = self.ctx.now
        if target.get("averageValue") is not None:
            tgt = milli_value(target["averageValue"]) if name == "cpu" else value(target["averageValue"])
            try:
                metrics = self._pod_metrics(ns, selector_text, name)
                replicas, usage = get_raw_resource_replicas(current, tgt, name, pods, metrics, now, self.tolerance,
                                                            self.cpu_initialization_period, self.initial_readiness_delay)
            except MetricsError as e:
                raise MetricsError(f"failed to get {name} usage: {e}")
            q = format_quantity(usage, "DecimalSI") if name != "cpu" else f"{usage}m" if usage % 1000 else str(usage // 1000)
            return replicas, f"{name} resource", {"type": "Resource", "resource": {
                "name": name, "current": {"averageValue": q}}}
        if target.get("averageUtilization") is None:
            raise MetricsError("invalid resource metric source: neither an average utilization target nor an "
                               "average value (usage) target was set")
        try:
            metrics = self._pod_metrics(ns, selector_text, name)
            replicas, util, raw = get_resource_replicas(current, int(target["averageUtilization"]), name, pods, metrics,
                                                        now, self.tolerance, self.cpu_initialization_period,
                                                        self.initial_readiness_delay)
        except MetricsError as e:
            raise MetricsError(f"failed to get {name} utilization: {e}")
        raw_q = (f"{raw}m" if raw % 1000 else str(raw // 1000)) if name == "cpu" else format_quantity(raw, "DecimalSI")
        return replicas, f"{name} resource utilization (percentage of request)", {
            "type": "Resource", "resource": {"name": name, "current": {"averageUtilization": util,
                                                                       "averageValue": raw_q}}}

    def _compute_replicas_for_metrics(self, hpa: dict, spec: dict, current: int, selector, selector_text: str):
        """``computeReplicasForMetrics``: the largest proposal among valid metrics."""
        replicas, name, statuses, invalid, first_err = 0, "", [], 0, None
        for m in spec["metrics"]:
            try:
                r, n, st = self._compute_metric(hpa, m, current, selector, selector_text)
            except MetricsError as e:
                invalid += 1
                statuses.append({"type": ""})
                if first_err is None:
                    first_err = e
                reason = "FailedGetResourceMetric" if m.get("type") == "Resource" else "FailedGetMetric"
                self.ctx.recorder.event(hpa, "Warning", reason, str(e))
                self._set_condition(hpa, "ScalingActive", "False", reason,
                                    f"the HPA was unable to compute the replica count: {e}")
                continue
            statuses.append(st)
            if replicas == 0 or r > replicas:
                replicas, name = r, n
        if invalid >= len(spec["metrics"]) or (invalid > 0 and replicas < current):
            raise MetricsError(f"invalid metrics ({invalid} invalid out of {len(spec['metrics'])}), "
                               f"first error is: {first_err}", statuses)
        self._set_condition(hpa, "ScalingActive", "True", "ValidMetricFound",
                            f"the HPA was able to successfully calculate a replica count from {name}")
        return replicas, name, statuses

    # ------------------------------------------------------------------ reconcile
    def reconcile(self, hpa: dict) -> None:
        """``reconcileAutoscaler``."""
        from ..api.selector import selector_from_label_selector

        key = self._key(hpa)
        old_status = copy.deepcopy(hpa.get("status") or {})
        hpa.setdefault("status", {})
        spec = with_defaults(hpa.get("spec") or {})
        ref = spec.get("scaleTargetRef") or {}
        ns = hpa["metadata"]["namespace"]
        plural = {"Deployment": "deployments", "ReplicaSet": "replicasets", "StatefulSet": "statefulsets"}.get(
            ref.get("kind", ""), "")
        reference = f"{ref.get('kind')}/{ref.get('name')}"
        try:
            if not plural:
                raise ApiError(404, "NotFound", f'no matches for kind "{ref.get("kind")}" in group "apps"')
            scale = self.ctx.client.get_scale(plural, ref.get("name", ""), ns)
        except ApiError as e:
            self._set_condition(hpa, "AbleToScale", "False", "FailedGetScale",
                                f"the HPA controller was unable to get the target's current scale: {e.message}")
            self.ctx.recorder.event(hpa, "Warning", "FailedGetScale", e.message)
            self._write_status(hpa, old_status)
            return
        self._set_condition(hpa, "AbleToScale", "True", "SucceededGetScale",
                            "the HPA controller was able to get the target's current scale")
        current = int((scale.get("spec") or {}).get("replicas", 0) or 0)
        hpa["status"]["currentReplicas"] = int((scale.get("status") or {}).get("replicas", 0) or 0)
        min_r, max_r = int(spec["minReplicas"]), int(spec["maxReplicas"])
        statuses: list = old_status.get("currentMetrics") or []
        rescale_reason = ""
        if current == 0 and min_r != 0:
            desired = 0
            self._set_condition(hpa, "ScalingActive", "False", "ScalingDisabled",
                                "scaling is disabled since the replica count of the target is zero")
        elif current > max_r:
            rescale_reason = "Current number of replicas above Spec.MaxReplicas"
            desired = max_r
        elif current < min_r:
            rescale_reason = "Current number of replicas below Spec.MinReplicas"
            desired = min_r
        else:
            sel_text = (scale.get("status") or {}).get("selector") or ""
            try:
                from ..api.selector import parse_selector

                selector = parse_selector(sel_text)
            except Exception:  # noqa: BLE001
                selector = selector_from_label_selector({})
            try:
                proposal, metric_name, statuses = self._compute_replicas_for_metrics(hpa, spec, current, selector,
                                                                                     sel_text)
            except MetricsError as e:
                err, statuses_ = e.args if len(e.args) == 2 else (e, [])
                hpa["status"]["desiredReplicas"] = current
                hpa["status"]["currentMetrics"] = [s for s in statuses_ if s.get("type")] or None
                if hpa["status"]["currentMetrics"] is None:
                    hpa["status"].pop("currentMetrics")
                self.ctx.recorder.event(hpa, "Warning", "FailedComputeMetricsReplicas", str(err))
                self._write_status(hpa, old_status)
                return
            desired = proposal
            if desired > current:
                rescale_reason = f"{metric_name} above target"
            elif desired < current:
                rescale_reason = "All metrics below target"
            desired = self._normalize(hpa, spec, key, current, desired, min_r, max_r)
        rescale = desired != current
        if rescale:
            try:
                self.ctx.client.update_scale(plural, ref.get("name", ""), ns, desired)
            except ApiError as e:
                self._set_condition(hpa, "AbleToScale", "False", "FailedUpdateScale",
                                    f"the HPA controller was unable to update the target scale: {e.message}")
                self.ctx.recorder.event(hpa, "Warning", "FailedRescale",
                                        f"New size: {desired}; reason: {rescale_reason}; error: {e.message}")
                self._write_status(hpa, old_status)
                return
            self._set_condition(hpa, "AbleToScale", "True", "SucceededRescale",
                                f"the HPA controller was able to update the target scale to {desired}")
            self.ctx.recorder.event(hpa, "Normal", "SuccessfulRescale", f"New size: {desired}; reason: {rescale_reason}")
            events = self.scale_up_events if desired > current else self.scale_down_events
            events.setdefault(key, []).append((self.ctx.now, abs(desired - current)))
            longest = max([p["periodSeconds"] for r in spec["behavior"].values() for p in r.get("policies") or []]
                          + [15])
            for ev in (self.scale_up_events, self.scale_down_events):
                ev[key] = [e for e in ev.get(key, []) if e[0] > self.ctx.now - longest]
            hpa["status"]["lastScaleTime"] = rfc3339(self.ctx.now)
        st = hpa["status"]
        st["desiredReplicas"] = desired
        valid = [s for s in statuses if s.get("type")]
        if valid:
            st["currentMetrics"] = valid
        # upstream key order of HorizontalPodAutoscalerStatus
        order = ["observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas", "currentMetrics",
                 "conditions"]
        st["observedGeneration"] = hpa["metadata"].get("generation", 1)
        hpa["status"] = {k: st[k] for k in order if k in st}
        self._write_status(hpa, old_status)

    def _normalize(self, hpa: dict, spec: dict, key: str, current: int, desired: int, min_r: int, max_r: int) -> int:
        """``normalizeDesiredReplicasWithBehaviors``: stabilize, then apply the rate limits and bounds."""
        up = spec["behavior"]["scaleUp"]
        down = spec["behavior"]["scaleDown"]
        down_window = down.get("stabilizationWindowSeconds")
        if down_window is None:
            down_window = self.downscale_stabilization
        stabilized, reason, message = self._stabilize(key, current, desired, up.get("stabilizationWindowSeconds") or 0,
                                                      down_window)
        if stabilized != desired:
            self._set_condition(hpa, "AbleToScale", "True", reason, message)
        else:
            self._set_condition(hpa, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size")
        final, reason, message = self._convert_with_rate(key, current, stabilized, min_r, max_r, up, down)
        self._set_condition(hpa, "ScalingLimited", "False" if final == stabilized else "True", reason, message)
        return final

    def _stabilize(self, key: str, current: int, desired: int, up_window: float, down_window: float):
        """``stabilizeRecommendationWithBehaviors``."""
        now = self.ctx.now
        up_cut, down_cut = now - up_window, now - down_window
        up_rec = down_rec = desired
        recs = self.recommendations.setdefault(key, [])
        old_i = None
        for i, (r, t) in enumerate(recs):
            if t > up_cut:
                up_rec = min(r, up_rec)
            if t > down_cut:
                down_rec = max(r, down_rec)
            if t < up_cut and t < down_cut:
                old_i = i
        rec = max(current, up_rec)
        rec = min(rec, down_rec)
        if old_i is not None:
            recs[old_i] = [desired, now]
        else:
            recs.append([desired, now])
        if desired >= current:
            return rec, "ScaleUpStabilized", ("recent recommendations were lower than current one, applying the "
                                              "lowest recent recommendation")
        return rec, "ScaleDownStabilized", ("recent recommendations were higher than current one, applying the "
                                            "highest recent recommendation")

    def _convert_with_rate(self, key: str, current: int, desired: int, min_r: int, max_r: int, up: dict, down: dict):
        """``convertDesiredReplicasWithBehaviorRate``."""
        now = self.ctx.now
        ups, downs = self.scale_up_events.get(key, []), self.scale_down_events.get(key, [])
        if desired > current:
            limit = max(scale_up_limit(current, ups, downs, up, now), current)
            if max_r > limit:
                allowed, reason, msg = limit, "ScaleUpLimit", \
                    "the desired replica count is increasing faster than the maximum scale rate"
            else:
                allowed, reason, msg = max_r, "TooManyReplicas", \
                    "the desired replica count is more than the maximum replica count"
            if desired > allowed:
                return allowed, reason, msg
        elif desired < current:
            limit = min(scale_down_limit(current, ups, downs, down, now), current)
            if min_r < limit:
                allowed, reason, msg = limit, "ScaleDownLimit", \
                    "the desired replica count is decreasing faster than the maximum scale rate"
            else:
                allowed, reason, msg = min_r, "TooFewReplicas", \
                    "the desired replica count is less than the minimum replica count"
            if desired < allowed:
                return allowed, reason, msg
        return desired, "DesiredWithinRange", "the desired count is within the acceptable range"
