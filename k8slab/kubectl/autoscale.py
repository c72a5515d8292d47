"""``kubectl autoscale`` and the ``kubectl get hpa`` columns.

upstream: staging/src/k8s.io/kubectl/pkg/cmd/autoscale/autoscale.go (an autoscaling/v2
HorizontalPodAutoscaler named after the target, ``--min``, ``--max``, ``--cpu-percent``;
its validation messages) and pkg/printers/internalversion/printers.go
(``printHorizontalPodAutoscaler``, ``formatHPAMetrics``: ``cpu: 12%/50%``).
"""

from __future__ import annotations

from typing import Any

from .errors import KubectlError
from .flags import Flag
from .printers import HANDLERS, Column
from .duration import since

FLAGS = [Flag("min", "", "int", -1), Flag("max", "", "int", -1), Flag("cpu-percent", "", "int", -1),
         Flag("name"), Flag("dry-run", "", "string", "none"), Flag("output", "o")]

_TARGETS = {"deployment": ("apps/v1", "Deployment", "deployments"), "deployments": ("apps/v1", "Deployment", "deployments"),
            "deploy": ("apps/v1", "Deployment", "deployments"),
            "replicaset": ("apps/v1", "ReplicaSet", "replicasets"), "replicasets": ("apps/v1", "ReplicaSet", "replicasets"),
            "rs": ("apps/v1", "ReplicaSet", "replicasets"),
            "statefulset": ("apps/v1", "StatefulSet", "statefulsets"), "sts": ("apps/v1", "StatefulSet", "statefulsets")}


def run_autoscale(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    """``kubectl autoscale (-f FILENAME | TYPE NAME | TYPE/NAME) --max=MAXPODS [--min=MINPODS] [--cpu-percent=CPU]``."""
    if len(args) == 1 and "/" in args[0]:
        args = args[0].split("/", 1)
    if len(args) != 2:
        raise KubectlError("error: You must provide the type and name of the resource to autoscale")
    typ, name = args[0].split(".")[0].lower(), args[1]
    if typ not in _TARGETS:
        raise KubectlError(f'error: cannot autoscale a {args[0]}: no scale subresource for it in k8slab')
    mx, mn = opts.get("max", -1), opts.get("min", -1)
    if mx < 1:
        raise KubectlError(f"error: --max=MAXPODS is required and must be at least 1, max: {mx}")
    if mx < mn:
        raise KubectlError(f"error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {mx}, min: {mn}")
    api_version, kind, plural = _TARGETS[typ]
    ns = opts.get("namespace") or "default"
    client.get(plural, name, ns)  # NotFound as kubectl reports it
    hpa_name = opts.get("name") or name
    spec: dict = {"scaleTargetRef": {"apiVersion": api_version, "kind": kind, "name": name}, "maxReplicas": mx}
    if mn >= 0:
        spec["minReplicas"] = mn
    if opts.get("cpu-percent", -1) >= 0:
        spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": opts["cpu-percent"]}}}]
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": hpa_name, "namespace": ns}, "spec": spec}
    dry = opts.get("dry-run") or "none"
    if dry == "none":
        client.create("horizontalpodautoscalers", hpa, ns)
        return f"horizontalpodautoscaler.autoscaling/{hpa_name} autoscaled\n"
    return f"horizontalpodautoscaler.autoscaling/{hpa_name} autoscaled ({dry} dry run)\n"


# ---------------------------------------------------------------------------------- kubectl get hpa
HPA_COLUMNS = [Column("Name", is_name=True), Column("Reference"), Column("Targets"), Column("MinPods"),
               Column("MaxPods"), Column("Replicas"), Column("Age")]


def format_hpa_metrics(specs: list[dict] | None, statuses: list[dict] | None) -> str:
    """printers.go ``formatHPAMetrics``: ``<metric>: current/target`` joined by ``, `` (3 at most)."""
    specs = specs or []
    statuses = statuses or []
    if not specs:
        return "<none>"
    out = []
    for i, spec in enumerate(specs):
        if spec.get("type") != "Resource":
            out.append("<unknown>/<unknown>")
            continue
        res = spec.get("resource") or {}
        target = res.get("target") or {}
        cur_status = statuses[i] if i < len(statuses) and statuses[i].get("type") == "Resource" else None
        cur = ((cur_status or {}).get("resource") or {}).get("current") or {}
        if target.get("averageValue") is not None:
            current = cur.get("averageValue") if cur_status else None
            out.append(f"{res.get('name')}: {current or '<unknown>'}/{target['averageValue']}")
        else:
            current = f"{cur['averageUtilization']}%" if cur_status and "averageUtilization" in cur else "<unknown>"
            tgt = target.get("averageUtilization")
            out.append(f"{res.get('name')}: {current}/{tgt if tgt is not None else '<auto>'}%")
    if len(out) > 3:
        return ", ".join(out[:3]) + f" + {len(out) - 3} more..."
    return ", ".join(out)


def print_hpa(hpa: dict, now: float, wide: bool = True) -> list[Any]:
    md = hpa.get("metadata") or {}
    spec = hpa.get("spec") or {}
    st = hpa.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    mn = spec.get("minReplicas")
    return [md.get("name", ""), f"{ref.get('kind', '')}/{ref.get('name', '')}",
            format_hpa_metrics(spec.get("metrics"), st.get("currentMetrics")),
            "<unset>" if mn is None else str(mn), str(spec.get("maxReplicas", 0)), str(st.get("currentReplicas", 0)),
            since(md.get("creationTimestamp"), now)]


HANDLERS.setdefault("HorizontalPodAutoscaler", (HPA_COLUMNS, print_hpa))
