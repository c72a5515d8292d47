"""``kubectl describe`` for pods, nodes, deployments and replicasets (and a generic fallback).

upstream: staging/src/k8s.io/kubectl/pkg/describe/describe.go (``describePod``,
``describeContainers``, ``describeVolumes``, ``describeNode``, ``describeNodeResource``,
``describeDeployment``, ``describeReplicaSet``, ``DescribePodTemplate``,
``DescribeEvents``, ``printLabelsMultiline``, ``printAnnotationsMultiline``,
``printTolerationsMultilineWithIndent``), staging/src/k8s.io/kubectl/pkg/cmd/describe/
describe.go (several objects separated by a blank line; a name that matches nothing
describes every object whose name starts with it), staging/src/k8s.io/kubectl/pkg/util/
event/sorted_event_list.go (events by last time seen).

Lines go through a tabwriter with minwidth 0 and padding 2 (``tabbedString``), flushed
before the Events table, so the output aligns exactly as kubectl's does.

k8slab simplifications: timestamps print in UTC (``+0000``) where kubectl uses the local
time zone of the machine running it; events are sorted stably.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

from ..api.errors import ApiError
from ..api.meta import EPOCH, controller_of, parse_time
from .duration import since
from .errors import KubectlError, error_text
from .flags import Flag
from .mapping import parse_resource_args
from .printers import format_label_selector, node_roles, selector_string
from .tabwriter import format_describe

FLAGS = [Flag("selector", "l"), Flag("all-namespaces", "A", "bool", False), Flag("show-events", "", "bool", True),
         Flag("filename", "f", "array"), Flag("chunk-size", "", "int", 500), Flag("recursive", "R", "bool", False)]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140


def rfc1123z(ts: str | None) -> str:
    """time.RFC1123Z of an RFC 3339 timestamp (the zero time when absent)."""
    if not ts:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    t = EPOCH + _dt.timedelta(seconds=parse_time(ts))
    return t.strftime("%a, %d %b %Y %H:%M:%S +0000")


class Writer:
    """PrefixWriter over a tabwriter: ``write(level, text)`` indents by two spaces a level."""

    def __init__(self) -> None:
        self._buf: list[str] = []
        self._done: list[str] = []

    def write(self, level: int, text: str) -> None:
        self._buf.append("  " * level + text)

    def line(self, *parts: str) -> None:
        self._buf.append(" ".join(parts) + "\n")

    def flush(self) -> None:
        self._done.append(format_describe("".join(self._buf)))
        self._buf = []

    def text(self) -> str:
        self.flush()
        return "".join(self._done)


# ---------------------------------------------------------------------------- common pieces
def print_labels_multiline(w: Writer, title: str, labels: dict | None, initial_indent: str = "",
                           inner_indent: str = "\t") -> None:
    w.write(0, f"{initial_indent}{title}:{inner_indent}")
    if not labels:
        w.line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, initial_indent)
            w.write(0, inner_indent)
        w.write(0, f"{key}={labels[key]}\n")


def print_annotations_multiline(w: Writer, title: str, annotations: dict | None) -> None:
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        w.line("<none>")
        return
    indent = "\t"
    for i, key in enumerate(keys):
        if i:
            w.write(0, indent)
        value = annotations[key]
        if value.endswith("\n"):
            value = value[:-1]
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for s in value.split("\n"):
                if len(s) > MAX_ANNOTATION_LEN - 2:
                    s = s[:MAX_ANNOTATION_LEN - 2] + "..."
                w.write(0, f"{indent}  {s}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def print_tolerations_multiline(w: Writer, title: str, tolerations: list | None, initial_indent: str = "",
                                inner_indent: str = "\t") -> None:
    w.write(0, f"{initial_indent}{title}:{inner_indent}")
    if not tolerations:
        w.line("<none>")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, initial_indent)
            w.write(0, inner_indent)
        s = t.get("key", "")
        if t.get("value"):
            s += "=" + t["value"]
        if t.get("effect"):
            s += ":" + t["effect"]
        if t.get("operator") == "Exists" and not t.get("value"):
            s += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            s += f" for {t['tolerationSeconds']}s"
        w.write(0, s + "\n")


def taint_string(t: dict) -> str:
    """Taint.ToString: ``key=value:Effect``."""
    s = t.get("key", "")
    if t.get("value"):
        s += "=" + t["value"]
    if t.get("effect"):
        s += ":" + t["effect"]
    return s


def print_taints_multiline(w: Writer, title: str, taints: list | None) -> None:
    w.write(0, f"{title}:\t")
    if not taints:
        w.line("<none>")
        return
    for i, t in enumerate(sorted(taints, key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")):
        if i:
            w.write(0, "\t")
        w.write(0, taint_string(t) + "\n")


def _event_time(e: dict) -> float:
    if e.get("series"):
        return parse_time(e["series"].get("lastObservedTime"))
    if e.get("lastTimestamp"):
        return parse_time(e["lastTimestamp"])
    if e.get("eventTime"):
        return parse_time(e["eventTime"])
    return float("-inf")


def describe_events(events: list[dict], w: Writer, now: float) -> None:
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    events = sorted(events, key=_event_time)
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in events:
        first = since(e.get("eventTime"), now) if e.get("eventTime") else since(e.get("firstTimestamp"), now)
        count = e.get("count") or 0
        if e.get("series"):
            interval = f"{since(e['series'].get('lastObservedTime'), now)} (x{e['series'].get('count', 0)} over {first})"
        elif count > 1:
            interval = f"{since(e.get('lastTimestamp'), now)} (x{count} over {first})"
        else:
            interval = first
        source = (e.get("source") or {}).get("component") or e.get("reportingController") or e.get("reportingComponent", "")
        w.write(1, f"{e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t{(e.get('message') or '').strip()}\n")


def search_events(client: Any, obj: dict, kind: str | None, uid: str | None = None) -> list[dict]:
    """searchEvents: events whose involvedObject is this object (name, namespace, kind, uid)."""
    md = obj.get("metadata") or {}
    ns = md.get("namespace", "")
    terms = [f"involvedObject.name={md.get('name', '')}", f"involvedObject.namespace={ns}"]
    if kind:
        terms.append(f"involvedObject.kind={kind}")
    uid = md.get("uid") if uid is None else uid
    if uid:
        terms.append(f"involvedObject.uid={uid}")
    return client.list("events", ns or None, field_selector=",".join(terms))["items"]


# ---------------------------------------------------------------------------- quantities
def _q(v: Any) -> tuple[Decimal, str]:
    from ..api.quantity import parse_quantity_with_format

    return parse_quantity_with_format(v)


class Quantity:
    """A resource.Quantity for sums: keeps the format of the first value added."""

    def __init__(self, value: Decimal = Decimal(0), fmt: str = "DecimalSI"):
        self.value = value
        self.fmt = fmt

    @classmethod
    def parse(cls, s: Any) -> "Quantity":
        v, f = _q(s)
        return cls(v, f)

    def add(self, other: "Quantity") -> "Quantity":
        return Quantity(self.value + other.value, self.fmt)

    def __str__(self) -> str:
        from ..api.quantity import format_quantity

        if self.value == 0:
            return "0"
        return format_quantity(self.value, self.fmt)

    def milli(self) -> int:
        from ..api.quantity import milli_value

        return milli_value(self.value)

    def val(self) -> int:
        from ..api.quantity import value

        return value(self.value)


def _add_list(total: dict[str, Quantity], lst: dict | None) -> None:
    for k, v in (lst or {}).items():
        q = Quantity.parse(v)
        total[k] = total[k].add(q) if k in total else q


def _max_list(total: dict[str, Quantity], lst: dict | None) -> None:
    for k, v in (lst or {}).items():
        q = Quantity.parse(v)
        if k not in total or q.value > total[k].value:
            total[k] = q


def pod_requests_and_limits(pod: dict) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """resourcehelper.PodRequestsAndLimits: containers summed, init containers as a maximum, plus overhead."""
    spec = pod.get("spec") or {}
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for c in spec.get("containers") or []:
        res = c.get("resources") or {}
        _add_list(reqs, res.get("requests"))
        _add_list(limits, res.get("limits"))
    restartable_reqs: dict[str, Quantity] = {}
    restartable_limits: dict[str, Quantity] = {}
    init_reqs: dict[str, Quantity] = {}
    init_limits: dict[str, Quantity] = {}
    for c in spec.get("initContainers") or []:
        res = c.get("resources") or {}
        if c.get("restartPolicy") == "Always":
            _add_list(reqs, res.get("requests"))
            _add_list(limits, res.get("limits"))
            _add_list(restartable_reqs, res.get("requests"))
            _add_list(restartable_limits, res.get("limits"))
            continue
        r = dict(restartable_reqs)
        _add_list(r, res.get("requests"))
        for k, q in r.items():
            if k not in init_reqs or q.value > init_reqs[k].value:
                init_reqs[k] = q
        lim = dict(restartable_limits)
        _add_list(lim, res.get("limits"))
        for k, q in lim.items():
            if k not in init_limits or q.value > init_limits[k].value:
                init_limits[k] = q
    for src, dst in ((init_reqs, reqs), (init_limits, limits)):
        for k, q in src.items():
            if k not in dst or q.value > dst[k].value:
                dst[k] = q
    overhead = spec.get("overhead")
    if overhead:
        _add_list(reqs, overhead)
        for k, v in overhead.items():
            if k in limits:
                limits[k] = limits[k].add(Quantity.parse(v))
    return reqs, limits


# ---------------------------------------------------------------------------- containers
def _port_string(ports: list, host: bool) -> str:
    return ", ".join(f"{p.get('hostPort', 0) if host else p.get('containerPort')}/{p.get('protocol', 'TCP')}"
                     for p in ports or [])


def _describe_status(state_name: str, state: dict, w: Writer) -> None:
    if state.get("running") is not None:
        w.write(2, f"{state_name}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{state_name}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        t = state["terminated"]
        w.write(2, f"{state_name}:\tTerminated\n")
        if t.get("reason"):
            w.write(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(3, f"Message:\t{t['message']}\n")
        w.write(3, f"Exit Code:\t{t.get('exitCode', 0)}\n")
        if (t.get("signal") or 0) > 0:
            w.write(3, f"Signal:\t{t['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(t.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.write(2, f"{state_name}:\tWaiting\n")


def _describe_resources(resources: dict | None, w: Writer, level: int) -> None:
    if not resources:
        return
    limits = resources.get("limits") or {}
    requests = resources.get("requests") or {}
    if limits:
        w.write(level, "Limits:\n")
    for name in sorted(limits):
        w.write(level + 1, f"{name}:\t{Quantity.parse(limits[name]) if True else ''}\n")
    if requests:
        w.write(level, "Requests:\n")
    for name in sorted(requests):
        w.write(level + 1, f"{name}:\t{Quantity.parse(requests[name])}\n")


def _probe(p: dict) -> str:
    attrs = (f"delay={p.get('initialDelaySeconds', 0)}s timeout={p.get('timeoutSeconds', 1)}s "
             f"period={p.get('periodSeconds', 10)}s #success={p.get('successThreshold', 1)} "
             f"#failure={p.get('failureThreshold', 3)}")
    if p.get("exec") is not None:
        return f"exec [{' '.join(p['exec'].get('command') or [])}] {attrs}"
    if p.get("httpGet") is not None:
        h = p["httpGet"]
        scheme = (h.get("scheme") or "HTTP").lower()
        port = str(h.get("port", ""))
        host = h.get("host", "")
        hostport = f"[{host}]:{port}" if ":" in host else f"{host}:{port}" if port else host
        return f"http-get {scheme}://{hostport}{h.get('path', '')} {attrs}"
    if p.get("tcpSocket") is not None:
        return f"tcp-socket {p['tcpSocket'].get('host', '')}:{p['tcpSocket'].get('port', '')} {attrs}"
    if p.get("grpc") is not None:
        return f"grpc <pod>:{p['grpc'].get('port')} {p['grpc'].get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _field_value(pod: dict, path: str) -> str:
    md = pod.get("metadata") or {}
    if path in ("metadata.name", "metadata.namespace", "metadata.uid"):
        return md.get(path.split(".")[1], "")
    for m in ("labels", "annotations"):
        prefix = f"metadata.{m}['"
        if path.startswith(prefix) and path.endswith("']"):
            return (md.get(m) or {}).get(path[len(prefix):-2], "")
    spec, st = pod.get("spec") or {}, pod.get("status") or {}
    simple = {"spec.nodeName": spec.get("nodeName", ""), "spec.serviceAccountName": spec.get("serviceAccountName", ""),
              "status.hostIP": st.get("hostIP", ""), "status.podIP": st.get("podIP", ""),
              "status.podIPs": ",".join(i.get("ip", "") for i in st.get("podIPs") or []),
              "status.hostIPs": ",".join(i.get("ip", "") for i in st.get("hostIPs") or [])}
    return simple.get(path, "")


def _env_resource_value(ref: dict, container: dict) -> str:
    res = ref.get("resource", "")
    kind, _, name = res.partition(".")
    values = ((container.get("resources") or {}).get(kind) or {})
    if name not in values:
        return "0"
    divisor = Quantity.parse(ref.get("divisor") or "1")
    v = Quantity.parse(values[name])
    if divisor.value == 0:
        return ""
    q = v.value / divisor.value
    return str(int(q) if q == int(q) else int(q) + 1)


def describe_containers(label: str, containers: list, statuses: list | None, pod: dict | None, w: Writer,
                        space: str) -> None:
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(0, f"{space}{label}:{' <none>' if not containers else ''}\n")
    for c in containers:
        status = by_name.get(c.get("name"))
        ok = status is not None
        name_indent = " " if space else ""
        w.write(1, f"{name_indent}{c.get('name', '')}:\n")
        if ok:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{c.get('image', '')}\n")
        if ok:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = _port_string(c.get("ports"), False)
        w.write(2, f"Ports:\t{ports}\n" if "," in ports else f"Port:\t{ports or '<none>'}\n")
        hports = _port_string(c.get("ports"), True)
        w.write(2, f"Host Ports:\t{hports}\n" if "," in hports else f"Host Port:\t{hports or '<none>'}\n")
        sc = c.get("securityContext") or {}
        if sc.get("seccompProfile"):
            w.write(2, f"SeccompProfile:\t{sc['seccompProfile'].get('type', '')}\n")
        if c.get("command"):
            w.write(2, "Command:\n")
            for cmd in c["command"]:
                for s in str(cmd).split("\n"):
                    w.write(3, f"{s}\n")
        if c.get("args"):
            w.write(2, "Args:\n")
            for arg in c["args"]:
                for s in str(arg).split("\n"):
                    w.write(3, f"{s}\n")
        if ok:
            _describe_status("State", status.get("state") or {}, w)
            last = status.get("lastState") or {}
            if last.get("terminated") is not None:
                _describe_status("Last State", last, w)
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        _describe_resources(c.get("resources"), w, 2)
        for title, key in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"), ("Startup", "startupProbe")):
            if c.get(key) is not None:
                w.write(2, f"{title}:\t{_probe(c[key])}\n")
        if c.get("envFrom"):
            w.write(2, "Environment Variables from:\n")
            for e in c["envFrom"]:
                if e.get("configMapRef") is not None:
                    frm, name, opt = "ConfigMap", e["configMapRef"].get("name", ""), e["configMapRef"].get("optional")
                elif e.get("secretRef") is not None:
                    frm, name, opt = "Secret", e["secretRef"].get("name", ""), e["secretRef"].get("optional")
                else:
                    frm, name, opt = "", "", False
                optional = "true" if opt else "false"
                if e.get("prefix"):
                    w.write(3, f"{name}\t{frm} with prefix '{e['prefix']}'\tOptional: {optional}\n")
                else:
                    w.write(3, f"{name}\t{frm}\tOptional: {optional}\n")
        env = c.get("env") or []
        w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
        for e in env:
            vf = e.get("valueFrom")
            if vf is None:
                for i, s in enumerate(str(e.get("value", "")).split("\n")):
                    w.write(3, f"{e.get('name', '')}:\t{s}\n" if i == 0 else f"\t{s}\n")
                continue
            if vf.get("fieldRef") is not None:
                fr = vf["fieldRef"]
                val = _field_value(pod, fr.get("fieldPath", "")) if pod is not None else ""
                w.write(3, f"{e.get('name', '')}:\t{val} ({fr.get('apiVersion', 'v1')}:{fr.get('fieldPath', '')})\n")
            elif vf.get("resourceFieldRef") is not None:
                rf = vf["resourceFieldRef"]
                val = _env_resource_value(rf, c)
                if val == "0" and rf.get("resource") in ("limits.cpu", "limits.memory"):
                    val = "node allocatable"
                w.write(3, f"{e.get('name', '')}:\t{val} ({rf.get('resource', '')})\n")
            elif vf.get("secretKeyRef") is not None:
                r = vf["secretKeyRef"]
                w.write(3, f"{e.get('name', '')}:\t<set to the key '{r.get('key', '')}' in secret '{r.get('name', '')}'>"
                           f"\tOptional: {'true' if r.get('optional') else 'false'}\n")
            elif vf.get("configMapKeyRef") is not None:
                r = vf["configMapKeyRef"]
                w.write(3, f"{e.get('name', '')}:\t<set to the key '{r.get('key', '')}' of config map "
                           f"'{r.get('name', '')}'>\tOptional: {'true' if r.get('optional') else 'false'}\n")
        mounts = sorted(c.get("volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
        for m in mounts:
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.write(3, f"{m.get('mountPath', '')} from {m.get('name', '')} ({','.join(flags)})\n")
        if c.get("volumeDevices"):
            w.write(2, "Devices:\n")
            for d in sorted(c["volumeDevices"], key=lambda d: d.get("devicePath", "")):
                w.write(3, f"{d.get('devicePath', '')} from {d.get('name', '')}\n")


def _opt_bool(v) -> str:
    """A Go ``*bool`` printed with %v: ``<nil>`` when unset."""
    return "<nil>" if v is None else ("true" if v else "false")


def describe_volumes(volumes: list | None, w: Writer, space: str) -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for v in volumes:
        w.write(1, f"{' ' if space else ''}{v.get('name', '')}:\n")
        if v.get("hostPath") is not None:
            hp = v["hostPath"]
            w.write(2, f"Type:\tHostPath (bare host directory volume)\n    Path:\t{hp.get('path', '')}\n"
                       f"    HostPathType:\t{hp.get('type') if hp.get('type') is not None else '<none>'}\n")
        elif v.get("emptyDir") is not None:
            ed = v["emptyDir"]
            size = ed.get("sizeLimit")
            size_s = str(Quantity.parse(size)) if size and Quantity.parse(size).value > 0 else "<unset>"
            w.write(2, f"Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                       f"    Medium:\t{ed.get('medium', '')}\n    SizeLimit:\t{size_s}\n")
        elif v.get("secret") is not None:
            s = v["secret"]
            w.write(2, f"Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{s.get('secretName', '')}\n"
                       f"    Optional:\t{'true' if s.get('optional') else 'false'}\n")
        elif v.get("configMap") is not None:
            cm = v["configMap"]
            w.write(2, f"Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{cm.get('name', '')}\n"
                       f"    Optional:\t{'true' if cm.get('optional') else 'false'}\n")
        elif v.get("persistentVolumeClaim") is not None:
            pvc = v["persistentVolumeClaim"]
            w.write(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n"
                       f"    ClaimName:\t{pvc.get('claimName', '')}\n"
                       f"    ReadOnly:\t{'true' if pvc.get('readOnly') else 'false'}\n")
        elif v.get("downwardAPI") is not None:
            w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
            for item in v["downwardAPI"].get("items") or []:
                if item.get("fieldRef") is not None:
                    w.write(3, f"{item['fieldRef'].get('fieldPath', '')} -> {item.get('path', '')}\n")
                if item.get("resourceFieldRef") is not None:
                    w.write(3, f"{item['resourceFieldRef'].get('resource', '')} -> {item.get('path', '')}\n")
        elif v.get("projected") is not None:
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
            # upstream: staging/src/k8s.io/kubectl/pkg/describe/describe.go printProjectedVolumeSource
            # (Optional is a *bool printed with %v: "<nil>" when unset; k8slab prints true/false, not an address)
            for src in v["projected"].get("sources") or []:
                if src.get("secret") is not None:
                    w.write(2, f"SecretName:\t{src['secret'].get('name', '')}\n"
                               f"    SecretOptionalName:\t{_opt_bool(src['secret'].get('optional'))}\n")
                elif src.get("downwardAPI") is not None:
                    w.write(2, "DownwardAPI:\ttrue\n")
                elif src.get("configMap") is not None:
                    w.write(2, f"ConfigMapName:\t{src['configMap'].get('name', '')}\n"
                               f"    ConfigMapOptional:\t{_opt_bool(src['configMap'].get('optional'))}\n")
                elif src.get("serviceAccountToken") is not None:
                    w.write(2, f"TokenExpirationSeconds:\t{src['serviceAccountToken'].get('expirationSeconds', 3607)}\n")
        else:
            w.write(1, "<unknown>\n")


def describe_pod_template(template: dict | None, w: Writer) -> None:
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, "<unset>")
        return
    md = template.get("metadata") or {}
    spec = template.get("spec") or {}
    print_labels_multiline(w, "  Labels", md.get("labels"))
    if md.get("annotations"):
        print_annotations_multiline(w, "  Annotations", md["annotations"])
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers("Init Containers", spec["initContainers"], None, None, w, "  ")
    describe_containers("Containers", spec.get("containers") or [], None, None, w, "  ")
    describe_volumes(spec.get("volumes"), w, "  ")
    _describe_topology(spec.get("topologySpreadConstraints"), w, "  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    print_labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    print_tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))


def _describe_topology(tscs: list | None, w: Writer, space: str) -> None:
    if not tscs:
        return
    w.write(0, f"{space}Topology Spread Constraints:\t")
    for i, t in enumerate(sorted(tscs, key=lambda t: t.get("topologyKey", ""))):
        if i:
            w.write(0, space)
            w.write(0, "\t")
        s = f"{t.get('topologyKey', '')}:{t.get('whenUnsatisfiable', '')} when max skew {t.get('maxSkew', 0)} is exceeded"
        if t.get("labelSelector") is not None:
            s += f" for selector {format_label_selector(t['labelSelector'])}"
        w.write(0, s + "\n")


# ---------------------------------------------------------------------------- kinds
def _qos(pod: dict) -> str:
    q = (pod.get("status") or {}).get("qosClass")
    if q:
        return q
    from ..apiserver.strategy import qos_class

    return qos_class(pod)


def describe_pod(pod: dict, events: list | None, now: float) -> str:
    w = Writer()
    md, spec, st = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    w.write(0, f"Name:\t{md.get('name', '')}\n")
    w.write(0, f"Namespace:\t{md.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    if not spec.get("nodeName"):
        w.write(0, "Node:\t<none>\n")
    else:
        w.write(0, f"Node:\t{spec['nodeName']}/{st.get('hostIP', '')}\n")
    if st.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(st['startTime'])}\n")
    print_labels_multiline(w, "Labels", md.get("labels"))
    print_annotations_multiline(w, "Annotations", md.get("annotations"))
    if md.get("deletionTimestamp") and st.get("phase") not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {since(md['deletionTimestamp'], now)})\n")
        w.write(0, f"Termination Grace Period:\t{md.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w.write(0, f"Status:\t{st.get('phase', '')}\n")
    if st.get("reason"):
        w.write(0, f"Reason:\t{st['reason']}\n")
    if st.get("message"):
        w.write(0, f"Message:\t{st['message']}\n")
    sc = spec.get("securityContext") or {}
    if sc.get("seccompProfile"):
        w.write(0, f"SeccompProfile:\t{sc['seccompProfile'].get('type', '')}\n")
    w.write(0, f"IP:\t{st.get('podIP', '')}\n")
    ips = st.get("podIPs") or []
    if not ips:
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in ips:
            w.write(1, f"IP:\t{ip.get('ip', '')}\n")
    ref = controller_of(pod)
    if ref:
        w.write(0, f"Controlled By:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    if st.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{st['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        describe_containers("Init Containers", spec["initContainers"], st.get("initContainerStatuses"), pod, w, "")
    describe_containers("Containers", spec.get("containers") or [], st.get("containerStatuses"), pod, w, "")
    if spec.get("ephemeralContainers"):
        describe_containers("Ephemeral Containers", spec["ephemeralContainers"], st.get("ephemeralContainerStatuses"),
                            pod, w, "")
    if spec.get("readinessGates"):
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for g in spec["readinessGates"]:
            status = "<none>"
            for c in st.get("conditions") or []:
                if c.get("type") == g.get("conditionType"):
                    status = c.get("status", "")
                    break
            w.write(1, f"{g.get('conditionType', '')} \t{status} \n")
    if st.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in st["conditions"]:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \n")
    describe_volumes(spec.get("volumes"), w, "")
    w.write(0, f"QoS Class:\t{_qos(pod)}\n")
    print_labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    print_tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    _describe_topology(spec.get("topologySpreadConstraints"), w, "")
    if events is not None:
        describe_events(events, w, now)
    return w.text()


def describe_node(node: dict, pods: list[dict] | None, events: list | None, lease: dict | ApiError | None,
                  now: float) -> str:
    w = Writer()
    md, spec, st = node.get("metadata") or {}, node.get("spec") or {}, node.get("status") or {}
    w.write(0, f"Name:\t{md.get('name', '')}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    print_labels_multiline(w, "Labels", md.get("labels"))
    print_annotations_multiline(w, "Annotations", md.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(md.get('creationTimestamp'))}\n")
    print_taints_multiline(w, "Taints", spec.get("taints"))
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    if isinstance(lease, ApiError):
        w.write(0, f"Lease:\tFailed to get lease: {lease.message}\n")
    else:
        lspec = (lease or {}).get("spec") or {}
        w.write(0, "Lease:\n")
        w.write(1, f"HolderIdentity:\t{lspec.get('holderIdentity') or '<unset>'}\n")
        w.write(1, f"AcquireTime:\t{rfc1123z(lspec['acquireTime']) if lspec.get('acquireTime') else '<unset>'}\n")
        w.write(1, f"RenewTime:\t{rfc1123z(lspec['renewTime']) if lspec.get('renewTime') else '<unset>'}\n")
    if st.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in st["conditions"]:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                       f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n")
    w.write(0, "Addresses:\n")
    for a in st.get("addresses") or []:
        w.write(1, f"{a.get('type', '')}:\t{a.get('address', '')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        lst = st.get(key) or {}
        if lst:
            w.write(0, f"{title}:\n")
            for r in sorted(lst):
                w.write(0, f"  {r}:\t{Quantity.parse(lst[r])}\n")
    info = st.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for label, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                       ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                       ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"), ("Kubelet Version", "kubeletVersion"),
                       ("Kube-Proxy Version", "kubeProxyVersion")):
        w.write(0, f"  {label}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    if pods is not None:
        _describe_node_resource(pods, node, w, now)
    else:
        w.write(0, "Pods:\tnot authorized\n")
    if events is not None:
        describe_events(events, w, now)
    return w.text()


def _pct(part: int, whole: int) -> int:
    if whole == 0:
        return 0
    return int(part / whole * 100)


def _describe_node_resource(pods: list[dict], node: dict, w: Writer, now: float) -> None:
    st = node.get("status") or {}
    allocatable = st.get("allocatable") or st.get("capacity") or {}
    alloc_cpu = Quantity.parse(allocatable.get("cpu", "0")).milli()
    alloc_mem = Quantity.parse(allocatable.get("memory", "0")).val()
    alloc_eph = Quantity.parse(allocatable.get("ephemeral-storage", "0")).val()
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    zero = Quantity()
    for pod in pods:
        req, lim = pod_requests_and_limits(pod)
        cr, cl = req.get("cpu", zero), lim.get("cpu", zero)
        mr, ml = req.get("memory", zero), lim.get("memory", zero)
        md = pod.get("metadata") or {}
        w.write(1, f"{md.get('namespace', '')}\t{md.get('name', '')}\t\t{cr} ({_pct(cr.milli(), alloc_cpu)}%)\t"
                   f"{cl} ({_pct(cl.milli(), alloc_cpu)}%)\t{mr} ({_pct(mr.val(), alloc_mem)}%)\t"
                   f"{ml} ({_pct(ml.val(), alloc_mem)}%)\t{since(md.get('creationTimestamp'), now)}\n")
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for pod in pods:
        r, lm = pod_requests_and_limits(pod)
        for k, q in r.items():
            reqs[k] = reqs[k].add(q) if k in reqs else q
        for k, q in lm.items():
            limits[k] = limits[k].add(q) if k in limits else q
    cr, cl = reqs.get("cpu", zero), limits.get("cpu", zero)
    mr, ml = reqs.get("memory", zero), limits.get("memory", zero)
    er, el = reqs.get("ephemeral-storage", zero), limits.get("ephemeral-storage", zero)
    w.write(1, f"cpu\t{cr} ({_pct(cr.milli(), alloc_cpu)}%)\t{cl} ({_pct(cl.milli(), alloc_cpu)}%)\n")
    w.write(1, f"memory\t{mr} ({_pct(mr.val(), alloc_mem)}%)\t{ml} ({_pct(ml.val(), alloc_mem)}%)\n")
    w.write(1, f"ephemeral-storage\t{er} ({_pct(er.val(), alloc_eph)}%)\t{el} ({_pct(el.val(), alloc_eph)}%)\n")
    standard = {"cpu", "memory", "ephemeral-storage", "pods", "storage"}
    huge = sorted(r for r in allocatable if r.startswith("hugepages-"))
    ext = sorted(r for r in allocatable if r not in standard and not r.startswith("hugepages-")
                 and not r.startswith("requests.") and not r.startswith("limits."))
    for r in huge:
        a = Quantity.parse(allocatable[r]).val()
        hr, hl = reqs.get(r, zero), limits.get(r, zero)
        w.write(1, f"{r}\t{hr} ({_pct(hr.val(), a)}%)\t{hl} ({_pct(hl.val(), a)}%)\n")
    for r in ext:
        w.write(1, f"{r}\t{reqs.get(r, zero)}\t{limits.get(r, zero)}\n")


def _rs_summary(rss: list[dict]) -> str:
    parts = [f"{(r.get('metadata') or {}).get('name', '')} ({(r.get('status') or {}).get('replicas', 0)}/"
             f"{(r.get('spec') or {}).get('replicas', 1)} replicas created)" for r in rss]
    return ", ".join(parts) or "<none>"


def _pod_status_counts(pods: list[dict], uid: str) -> tuple[int, int, int, int]:
    running = waiting = succeeded = failed = 0
    for p in pods:
        ref = controller_of(p)
        if ref is None or ref.get("uid") != uid:
            continue
        phase = (p.get("status") or {}).get("phase")
        if phase == "Running":
            running += 1
        elif phase == "Pending":
            waiting += 1
        elif phase == "Succeeded":
            succeeded += 1
        elif phase == "Failed":
            failed += 1
    return running, waiting, succeeded, failed


def describe_replicaset(rs: dict, events: list | None, counts: tuple[int, int, int, int], now: float) -> str:
    w = Writer()
    md, spec, st = rs.get("metadata") or {}, rs.get("spec") or {}, rs.get("status") or {}
    w.write(0, f"Name:\t{md.get('name', '')}\n")
    w.write(0, f"Namespace:\t{md.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    print_labels_multiline(w, "Labels", md.get("labels"))
    print_annotations_multiline(w, "Annotations", md.get("annotations"))
    ref = controller_of(rs)
    if ref:
        w.write(0, f"Controlled By:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    w.write(0, f"Replicas:\t{st.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n")
    w.write(0, "Pods Status:\t")
    w.write(0, "%d Running / %d Waiting / %d Succeeded / %d Failed\n" % counts)
    describe_pod_template(spec.get("template"), w)
    if st.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in st["conditions"]:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")
    if events is not None:
        describe_events(events, w, now)
    return w.text()


def _intstr(v: Any) -> str:
    return str(v) if v is not None else ""


def _templates_equal_ignoring_hash(a: dict | None, b: dict | None) -> bool:
    """deploymentutil.EqualIgnoreHash: pod templates equal but for the pod-template-hash label."""
    import copy

    a, b = copy.deepcopy(a or {}), copy.deepcopy(b or {})
    for t in (a, b):
        labels = (t.get("metadata") or {}).get("labels")
        if labels is not None:
            labels.pop("pod-template-hash", None)
    return a == b


def deployment_replicasets(d: dict, rss: list[dict]) -> tuple[list[dict], dict | None]:
    """GetAllReplicaSets: (every old ReplicaSet, the new one) among those the Deployment controls."""
    uid = (d.get("metadata") or {}).get("uid")
    owned = [r for r in rss if (controller_of(r) or {}).get("uid") == uid]
    ordered = sorted(owned, key=lambda r: (parse_time((r.get("metadata") or {}).get("creationTimestamp") or
                                                      "2025-01-01T00:00:00Z"),
                                           (r.get("metadata") or {}).get("name", "")))
    template = (d.get("spec") or {}).get("template")
    new = next((r for r in ordered if _templates_equal_ignoring_hash((r.get("spec") or {}).get("template"), template)),
               None)
    old = [r for r in owned if r is not new]
    return old, new


def describe_deployment(d: dict, old: list[dict], new: list[dict], events: list | None, now: float) -> str:
    w = Writer()
    md, spec, st = d.get("metadata") or {}, d.get("spec") or {}, d.get("status") or {}
    w.write(0, f"Name:\t{md.get('name', '')}\n")
    w.write(0, f"Namespace:\t{md.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(md.get('creationTimestamp'))}\n")
    print_labels_multiline(w, "Labels", md.get("labels"))
    print_annotations_multiline(w, "Annotations", md.get("annotations"))
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w.write(0, f"Replicas:\t{spec.get('replicas', 1)} desired | {st.get('updatedReplicas', 0)} updated | "
               f"{st.get('replicas', 0)} total | {st.get('availableReplicas', 0)} available | "
               f"{st.get('unavailableReplicas', 0)} unavailable\n")
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    ru = strategy.get("rollingUpdate")
    if ru is not None:
        w.write(0, f"RollingUpdateStrategy:\t{_intstr(ru.get('maxUnavailable'))} max unavailable, "
                   f"{_intstr(ru.get('maxSurge'))} max surge\n")
    describe_pod_template(spec.get("template"), w)
    if st.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in st["conditions"]:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")
    if old or new:
        w.write(0, f"OldReplicaSets:\t{_rs_summary(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_rs_summary(new)}\n")
    if events is not None:
        describe_events(events, w, now)
    return w.text()


def describe_namespace(ns: dict) -> str:
    """describeNamespace (no ResourceQuota or LimitRange sections: k8slab serves neither, and
    kubectl leaves them out when the server does not)."""
    w = Writer()
    md, st = ns.get("metadata") or {}, ns.get("status") or {}
    w.write(0, f"Name:\t{md.get('name', '')}\n")
    print_labels_multiline(w, "Labels", md.get("labels"))
    print_annotations_multiline(w, "Annotations", md.get("annotations"))
    w.write(0, f"Status:\t{st.get('phase', '')}\n")
    if st.get("conditions"):
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t------------------\t------\t-------\n")
        for c in st["conditions"]:
            w.write(1, f"{c.get('type', '')}\t{c.get('status', '')}\t{rfc1123z(c.get('lastTransitionTime'))}\t"
                       f"{c.get('reason', '')}\t{c.get('message', '')}\n")
    return w.text()


def describe_generic(obj: dict, events: list | None, now: float) -> str:
    """genericDescriber: name, namespace, labels, annotations, then every other field."""
    w = Writer()
    md = obj.get("metadata") or {}
    w.write(0, f"Name:\t{md.get('name', '')}\n")
    w.write(0, f"Namespace:\t{md.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", md.get("labels"))
    print_annotations_multiline(w, "Annotations", md.get("annotations"))
    skip = {".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels",
            ".metadata.annotations"}
    _print_unstructured(w, 0, obj, "", skip)
    if events is not None:
        describe_events(events, w, now)
    return w.text()


def _smart_label(field: str) -> str:
    import re

    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    parts = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[^A-Za-z]+", field)
    out = []
    for p in parts:
        if p == "_":
            continue
        out.append(p.upper() if p.upper() in ("API", "URL", "UID", "OSB", "GUID") else p[:1].upper() + p[1:])
    return " ".join(out)


def _go_v(v: Any) -> str:
    from ..api.patch import go_fmt

    return go_fmt(v)


def _print_unstructured(w: Writer, level: int, content: dict, prefix: str, skip: set) -> None:
    for key in sorted(content):
        value = content[key]
        expr = f"{prefix}.{key}"
        if expr in skip:
            continue
        if isinstance(value, dict):
            w.write(level, f"{_smart_label(key)}:\n")
            _print_unstructured(w, level + 1, value, expr, skip)
        elif isinstance(value, list):
            w.write(level, f"{_smart_label(key)}:\n")
            for child in value:
                if isinstance(child, dict):
                    _print_unstructured(w, level + 1, child, expr, skip)
                else:
                    w.write(level + 1, f"{_go_v(child)}\n")
        else:
            w.write(level, f"{_smart_label(key)}:\t{_go_v(value)}\n")


# ---------------------------------------------------------------------------- the command
def describe_object(client: Any, ri: Any, obj: dict, show_events: bool) -> str:
    now = client.now
    md = obj.get("metadata") or {}
    if ri.kind == "Pod":
        events = search_events(client, obj, None) if show_events else None
        return describe_pod(obj, events, now)
    if ri.kind == "Node":
        pods = [p for p in client.list("pods", None, field_selector=f"spec.nodeName={md.get('name', '')}")["items"]
                if (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
        events = None
        if show_events:
            ref = {"metadata": {"name": md.get("name", ""), "namespace": "", "uid": md.get("uid", "")}}
            events = search_events(client, ref, "Node")
            events += search_events(client, ref, "Node", uid=md.get("name", ""))
        try:
            lease: Any = client.get("leases", md.get("name", ""), "kube-node-lease")
        except ApiError as e:
            lease = e
        return describe_node(obj, pods, events, lease, now)
    if ri.kind == "Deployment":
        events = search_events(client, obj, "Deployment") if show_events else None
        sel = selector_string((obj.get("spec") or {}).get("selector"))
        rss = client.list("replicasets", md.get("namespace"), label_selector=sel or None)["items"]
        old, new = deployment_replicasets(obj, rss)
        return describe_deployment(obj, old, [new] if new else [], events, now)
    if ri.kind == "ReplicaSet":
        events = search_events(client, obj, "ReplicaSet") if show_events else None
        sel = selector_string((obj.get("spec") or {}).get("selector"))
        pods = client.list("pods", md.get("namespace"), label_selector=sel or None)["items"]
        return describe_replicaset(obj, events, _pod_status_counts(pods, md.get("uid", "")), now)
    if ri.kind == "Namespace":
        return describe_namespace(obj)
    events = search_events(client, obj, ri.kind) if show_events else None
    return describe_generic(obj, events, now)


def run_describe(client: Any, args: list[str], opts: dict) -> str:
    namespace = opts.get("namespace") or "default"
    all_ns = bool(opts.get("all-namespaces"))
    label_sel = opts.get("selector") or ""
    show_events = opts.get("show-events", True)
    if not args and not opts.get("filename"):
        raise KubectlError('error: You must specify the type of resource to describe. Use "kubectl api-resources" '
                           "for a complete list of supported resources.")
    ns_of: dict[int, str] = {}
    if opts.get("filename"):
        from .manifests import check_type_fields, load_sources
        from .mapping import for_object

        requests = []
        for fname in opts["filename"]:
            for obj, src in load_sources(fname if fname != "-" else opts.get("_stdin", "")):
                check_type_fields(obj, src)
                ri = for_object(obj)
                if ri is None:
                    raise KubectlError(f'error: the server doesn\'t have a resource type "{obj.get("kind")}"')
                md = obj.get("metadata") or {}
                if ri.namespaced and md.get("namespace"):
                    ns_of[len(requests)] = md["namespace"]
                requests.append((ri, [md.get("name", "")]))
    else:
        requests = parse_resource_args(args)
    targets: list[tuple[Any, dict]] = []
    errs: list[BaseException] = []
    for i, (ri, names) in enumerate(requests):
        ns = None if (all_ns or not ri.namespaced) else ns_of.get(i, namespace)
        if names:
            for name in names:
                try:
                    targets.append((ri, client.get(ri.plural, name, ns)))
                except ApiError as e:
                    if e.code == 404 and len(args) == 2 and "/" not in args[0] and len(requests) == 1:
                        matches = [o for o in client.list(ri.plural, ns)["items"]
                                   if (o.get("metadata") or {}).get("name", "").startswith(name)]
                        if matches:
                            return "".join(describe_object(client, ri, o, show_events) + "\n" for o in matches)
                    errs.append(e)
        else:
            try:
                items = client.list(ri.plural, ns, label_selector=label_sel or None)["items"]
            except ApiError as e:
                raise KubectlError(error_text(e))
            targets.extend((ri, o) for o in items)
    parts = [describe_object(client, ri, obj, show_events) for ri, obj in targets]
    text = "\n\n".join(parts)
    if errs:
        raise KubectlError("".join(error_text(e) + "\n" for e in errs), stdout=text)
    if not targets:
        if all_ns or any(not ri.namespaced for ri, _ in requests):
            return "No resources found\n"
        return f"No resources found in {namespace} namespace.\n"
    return text
