"""kubectl's printers for Services' companions: ``get endpointslices`` and ``describe service``.

upstream: pkg/printers/internalversion/printers.go (printEndpointSlice, formatDiscoveryPorts,
formatDiscoveryEndpoints, listWithMoreString) and staging/src/k8s.io/kubectl/pkg/describe/
describe.go (describeService). ``get svc`` is printed by printers.py already.

Registration: importing this module adds the EndpointSlice handler to printers.HANDLERS and
teaches describe.describe_object the Service describer (k8slab/kubectl/__init__.py imports it).
Simplification: ``describe service`` lists the ready addresses of the Service's
EndpointSlices on its ``Endpoints:`` line (kubectl 1.32 reads the legacy Endpoints object,
which k8slab's control plane does not write; both list the same ready addresses).
"""

from __future__ import annotations

from typing import Any

from . import describe as _describe
from . import printers as _printers
from .duration import since
from .printers import Column

ENDPOINTSLICE_COLUMNS = [Column("Name", is_name=True), Column("AddressType"), Column("Ports"), Column("Endpoints"),
                         Column("Age")]


def list_with_more_string(items: list[str], more: bool, count: int, max_: int) -> str:
    ret = ",".join(items)
    if more:
        return f"{ret} + {count - max_} more..."
    return ret or "<unset>"


def format_discovery_ports(ports: list | None) -> str:
    out: list[str] = []
    more, count = False, 0
    for p in ports or []:
        if len(out) < 3:
            out.append(str(p["port"]) if p.get("port") is not None else (p.get("name") or "*"))
        elif len(out) == 3:
            more = True
        count += 1
    return list_with_more_string(out, more, count, 3)


def format_discovery_endpoints(endpoints: list | None) -> str:
    out: list[str] = []
    more, count = False, 0
    for e in endpoints or []:
        for a in e.get("addresses") or []:
            if len(out) < 3:
                out.append(a)
            elif len(out) == 3:
                more = True
            count += 1
    return list_with_more_string(out, more, count, 3)


def print_endpointslice(s: dict, now: float, wide: bool = True) -> list[Any]:
    md = s.get("metadata") or {}
    return [md.get("name", ""), s.get("addressType", ""), format_discovery_ports(s.get("ports")),
            format_discovery_endpoints(s.get("endpoints")), since(md.get("creationTimestamp"), now)]


def _endpoints_line(slices: list[dict], port_name: str) -> str:
    """formatEndpoints for one service port: ready ``ip:port``, at most 3 then `` + N more...``."""
    out: list[str] = []
    count = 0
    for s in slices:
        num = next((p.get("port") for p in s.get("ports") or [] if (p.get("name") or "") == port_name), None)
        if num is None:
            continue
        for e in s.get("endpoints") or []:
            if (e.get("conditions") or {}).get("ready") is False:
                continue
            for a in e.get("addresses") or []:
                count += 1
                if len(out) < 3:
                    out.append(f"{a}:{num}")
    if not out:
        return "<none>"
    return ",".join(out) + (f" + {count - 3} more..." if count > 3 else "")


def describe_service(svc: dict, slices: list[dict], events: list | None, now: float) -> str:
    """describeService's text."""
    w = _describe.Writer()
    md, spec = svc.get("metadata") or {}, svc.get("spec") or {}
    w.write(0, f"Name:\t{md.get('name', '')}\n")
    w.write(0, f"Namespace:\t{md.get('namespace', '')}\n")
    _describe.print_labels_multiline(w, "Labels", md.get("labels"))
    _describe.print_annotations_multiline(w, "Annotations", md.get("annotations"))
    sel = spec.get("selector") or {}
    w.write(0, f"Selector:\t{','.join(f'{k}={sel[k]}' for k in sorted(sel))}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    if spec.get("ipFamilies"):
        w.write(0, f"IP Families:\t{','.join(spec['ipFamilies'])}\n")
    else:
        w.write(0, "IP Families:\t<none>\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    if spec.get("clusterIPs"):
        w.write(0, f"IPs:\t{','.join(spec['clusterIPs'])}\n")
    else:
        w.write(0, "IPs:\t<none>\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("type") == "ExternalName":
        w.write(0, f"External Name:\t{spec.get('externalName', '')}\n")
    for p in spec.get("ports") or []:
        name = p.get("name") or "<unset>"
        w.write(0, f"Port:\t{name}\t{p.get('port')}/{p.get('protocol', 'TCP')}\n")
        tp = p.get("targetPort")
        if tp is not None and str(tp) != "0":
            w.write(0, f"TargetPort:\t{tp}/{p.get('protocol', 'TCP')}\n")
        if p.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{p['nodePort']}/{p.get('protocol', 'TCP')}\n")
        w.write(0, f"Endpoints:\t{_endpoints_line(slices, p.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if events is not None:
        _describe.describe_events(events, w, now)
    return w.text()


_printers.HANDLERS.setdefault("EndpointSlice", (ENDPOINTSLICE_COLUMNS, print_endpointslice))

if not getattr(_describe.describe_object, "_k8slab_services", False):
    _generic_describe_object = _describe.describe_object

    def describe_object(client: Any, ri: Any, obj: dict, show_events: bool) -> str:
        if ri.kind == "Service":
            md = obj.get("metadata") or {}
            slices = client.list("endpointslices", md.get("namespace"),
                                 label_selector=f"kubernetes.io/service-name={md.get('name', '')}")["items"]
            events = _describe.search_events(client, obj, "Service") if show_events else None
            return describe_service(obj, slices, events, client.now)
        return _generic_describe_object(client, ri, obj, show_events)

    describe_object._k8slab_services = True  # type: ignore[attr-defined]
    _describe.describe_object = describe_object
