"""The columns ``kubectl get`` prints for each kind, and how it lays the table out.

The real kubectl asks the API server for a ``Table``; the server builds the rows with the
print handlers of pkg/printers/internalversion/printers.go (``printPod``, ``printNode``,
``printDeployment``, ...). This module ports those handlers (same columns, same cell
logic) and the client side that prints them: staging/src/k8s.io/cli-runtime/pkg/printers/
tableprinter.go (``printTable``, ``decorateTable``: NAMESPACE column, ``kind/name`` names,
LABELS column, cells cut at the first newline with ``...``) and the tabwriter settings of
``GetNewTabWriter``. AGE cells are computed from the virtual clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..api.meta import parse_time
from .duration import human_duration, since
from .tabwriter import format_table


@dataclass
class Column:
    name: str
    priority: int = 0  # 1 = only with -o wide
    is_name: bool = False


@dataclass
class Table:
    """One server-side Table: column definitions and rows (cells + the object)."""

    columns: list[Column]
    rows: list[tuple[list[Any], dict]] = field(default_factory=list)


def _labels_string(labels: dict | None) -> str:
    """labels.FormatLabels: ``k=v,k2=v2`` sorted by key, ``<none>`` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def format_label_selector(sel: dict | None) -> str:
    """metav1.FormatLabelSelector: the selector string, ``<none>`` when empty."""
    from ..api.selector import label_selector_to_string

    return label_selector_to_string(sel)


def selector_string(sel: dict | None) -> str:
    """metav1.LabelSelectorAsSelector(sel).String() (``""`` for an empty selector)."""
    s = format_label_selector(sel)
    return "" if s == "<none>" else s


def _container_cells(containers: list[dict] | None) -> tuple[str, str]:
    """layoutContainerCells: comma-joined names and images."""
    containers = containers or []
    return ",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers)


# ---------------------------------------------------------------------------- pods
def _is_restartable_init_container(c: dict | None) -> bool:
    return bool(c) and c.get("restartPolicy") == "Always"


def _has_condition(status: dict, type_: str) -> bool:
    return any(c.get("type") == type_ and c.get("status") == "True" for c in status.get("conditions") or [])


def pod_status_and_restarts(pod: dict, now: float) -> tuple[str, str, str]:
    """printPod's READY, STATUS and RESTARTS cells."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    restarts = 0
    restartable_init_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart = None
    last_restartable_init_restart = None
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for c in status.get("conditions") or []:
        if c.get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_containers = {c.get("name"): c for c in spec.get("initContainers") or []}
    for c in spec.get("initContainers") or []:
        if _is_restartable_init_container(c):
            total += 1

    def finished(cs: dict) -> float | None:
        t = ((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
        return parse_time(t) if t else None

    initializing = False
    init_statuses = status.get("initContainerStatuses") or []
    for i, cs in enumerate(init_statuses):
        restarts += int(cs.get("restartCount", 0))
        f = finished(cs)
        if f is not None and (last_restart is None or f > last_restart):
            last_restart = f
        restartable = _is_restartable_init_container(init_containers.get(cs.get("name")))
        if restartable:
            restartable_init_restarts += int(cs.get("restartCount", 0))
            if f is not None and (last_restartable_init_restart is None or f > last_restartable_init_restart):
                last_restartable_init_restart = f
        state = cs.get("state") or {}
        term = state.get("terminated")
        waiting = state.get("waiting")
        if term is not None and term.get("exitCode", 0) == 0:
            continue
        if restartable and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if term is not None:
            if not term.get("reason"):
                if term.get("signal"):
                    reason = f"Init:Signal:{term['signal']}"
                else:
                    reason = f"Init:ExitCode:{term.get('exitCode', 0)}"
            else:
                reason = "Init:" + term["reason"]
            initializing = True
        elif waiting is not None and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
            reason = "Init:" + waiting["reason"]
            initializing = True
        else:
            reason = f"Init:{i}/{len(spec.get('initContainers') or [])}"
            initializing = True
        break
    if not initializing or _has_condition(status, "Initialized"):
        restarts = restartable_init_restarts
        last_restart = last_restartable_init_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount", 0))
            f = finished(cs)
            if f is not None and (last_restart is None or f > last_restart):
                last_restart = f
            state = cs.get("state") or {}
            waiting, term, running = state.get("waiting"), state.get("terminated"), state.get("running")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif term is not None and term.get("reason"):
                reason = term["reason"]
            elif term is not None:
                if term.get("signal"):
                    reason = f"Signal:{term['signal']}"
                else:
                    reason = f"ExitCode:{term.get('exitCode', 0)}"
            elif cs.get("ready") and running is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _has_condition(status, "Ready") else "NotReady"
    deleting = bool((pod.get("metadata") or {}).get("deletionTimestamp"))
    if deleting and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and phase not in ("Failed", "Succeeded"):
        reason = "Terminating"
    restarts_str = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_str = f"{restarts} ({human_duration(now - last_restart)} ago)"
    return f"{ready}/{total}", reason, restarts_str


POD_COLUMNS = [Column("Name", is_name=True), Column("Ready"), Column("Status"), Column("Restarts"), Column("Age"),
               Column("IP", 1), Column("Node", 1), Column("Nominated Node", 1), Column("Readiness Gates", 1)]


def print_pod(pod: dict, now: float) -> list[Any]:
    ready, reason, restarts = pod_status_and_restarts(pod, now)
    md, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    ips = status.get("podIPs") or []
    ip = ips[0].get("ip", "") if ips else ""
    gates = spec.get("readinessGates") or []
    gates_cell = "<none>"
    if gates:
        true = 0
        for g in gates:
            for c in status.get("conditions") or []:
                if c.get("type") == g.get("conditionType"):
                    if c.get("status") == "True":
                        true += 1
                    break
        gates_cell = f"{true}/{len(gates)}"
    return [md.get("name", ""), ready, reason, restarts, since(md.get("creationTimestamp"), now),
            ip or "<none>", spec.get("nodeName") or "<none>", status.get("nominatedNodeName") or "<none>", gates_cell]


# ---------------------------------------------------------------------------- nodes
NODE_COLUMNS = [Column("Name", is_name=True), Column("Status"), Column("Roles"), Column("Age"), Column("Version"),
                Column("Internal-IP", 1), Column("External-IP", 1), Column("OS-Image", 1), Column("Kernel-Version", 1),
                Column("Container-Runtime", 1)]


def node_roles(node: dict) -> list[str]:
    """findNodeRoles: from node-role.kubernetes.io/<role> and kubernetes.io/role labels."""
    roles = set()
    for k, v in ((node.get("metadata") or {}).get("labels") or {}).items():
        if k.startswith("node-role.kubernetes.io/"):
            role = k[len("node-role.kubernetes.io/"):]
            if role:
                roles.add(role)
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    return sorted(roles)


def node_status(node: dict) -> str:
    status = []
    for c in (node.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            status = ["Ready" if c.get("status") == "True" else "NotReady"]
    if not status:
        status = ["Unknown"]
    if (node.get("spec") or {}).get("unschedulable"):
        status.append("SchedulingDisabled")
    return ",".join(status)


def _node_address(node: dict, type_: str) -> str:
    for a in (node.get("status") or {}).get("addresses") or []:
        if a.get("type") == type_:
            return a.get("address", "")
    return "<none>"


def print_node(node: dict, now: float) -> list[Any]:
    md = node.get("metadata") or {}
    info = (node.get("status") or {}).get("nodeInfo") or {}
    return [md.get("name", ""), node_status(node), ",".join(node_roles(node)) or "<none>",
            since(md.get("creationTimestamp"), now), info.get("kubeletVersion", ""),
            _node_address(node, "InternalIP"), _node_address(node, "ExternalIP"),
            info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>"]


# ---------------------------------------------------------------------------- workloads
DEPLOYMENT_COLUMNS = [Column("Name", is_name=True), Column("Ready"), Column("Up-to-date"), Column("Available"),
                      Column("Age"), Column("Containers", 1), Column("Images", 1), Column("Selector", 1)]


def print_deployment(d: dict, now: float) -> list[Any]:
    md, spec, st = d.get("metadata") or {}, d.get("spec") or {}, d.get("status") or {}
    names, images = _container_cells(((spec.get("template") or {}).get("spec") or {}).get("containers"))
    return [md.get("name", ""), f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
            st.get("updatedReplicas", 0), st.get("availableReplicas", 0), since(md.get("creationTimestamp"), now),
            names, images, selector_string(spec.get("selector"))]


REPLICASET_COLUMNS = [Column("Name", is_name=True), Column("Desired"), Column("Current"), Column("Ready"),
                      Column("Age"), Column("Containers", 1), Column("Images", 1), Column("Selector", 1)]


def print_replicaset(rs: dict, now: float) -> list[Any]:
    md, spec, st = rs.get("metadata") or {}, rs.get("spec") or {}, rs.get("status") or {}
    names, images = _container_cells(((spec.get("template") or {}).get("spec") or {}).get("containers"))
    return [md.get("name", ""), spec.get("replicas", 1), st.get("replicas", 0), st.get("readyReplicas", 0),
            since(md.get("creationTimestamp"), now), names, images, format_label_selector(spec.get("selector"))]


DAEMONSET_COLUMNS = [Column("Name", is_name=True), Column("Desired"), Column("Current"), Column("Ready"),
                     Column("Up-to-date"), Column("Available"), Column("Node Selector"), Column("Age"),
                     Column("Containers", 1), Column("Images", 1), Column("Selector", 1)]


def print_daemonset(ds: dict, now: float) -> list[Any]:
    md, spec, st = ds.get("metadata") or {}, ds.get("spec") or {}, ds.get("status") or {}
    pod_spec = (spec.get("template") or {}).get("spec") or {}
    names, images = _container_cells(pod_spec.get("containers"))
    return [md.get("name", ""), st.get("desiredNumberScheduled", 0), st.get("currentNumberScheduled", 0),
            st.get("numberReady", 0), st.get("updatedNumberScheduled", 0), st.get("numberAvailable", 0),
            _labels_string(pod_spec.get("nodeSelector")), since(md.get("creationTimestamp"), now),
            names, images, format_label_selector(spec.get("selector"))]


STATEFULSET_COLUMNS = [Column("Name", is_name=True), Column("Ready"), Column("Age"), Column("Containers", 1),
                       Column("Images", 1)]


def print_statefulset(ss: dict, now: float) -> list[Any]:
    md, spec, st = ss.get("metadata") or {}, ss.get("spec") or {}, ss.get("status") or {}
    names, images = _container_cells(((spec.get("template") or {}).get("spec") or {}).get("containers"))
    return [md.get("name", ""), f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
            since(md.get("creationTimestamp"), now), names, images]


# ---------------------------------------------------------------------------- services
SERVICE_COLUMNS = [Column("Name", is_name=True), Column("Type"), Column("Cluster-IP"), Column("External-IP"),
                   Column("Port(s)"), Column("Age"), Column("Selector", 1)]


def _service_external_ip(svc: dict, wide: bool) -> str:
    spec = svc.get("spec") or {}
    typ = spec.get("type", "ClusterIP")
    ext = spec.get("externalIPs") or []
    if typ in ("ClusterIP", "NodePort"):
        return ",".join(ext) if ext else "<none>"
    if typ == "LoadBalancer":
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        ips = sorted({i.get("ip") or i.get("hostname") for i in ingress if i.get("ip") or i.get("hostname")})
        lb = ",".join(ips)
        if not wide and len(lb) > 16:
            lb = lb[:13] + "..."
        if ext:
            return ",".join(([*lb.split(",")] if lb else []) + ext)
        return lb or "<pending>"
    if typ == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def print_service(svc: dict, now: float, wide: bool = True) -> list[Any]:
    md, spec = svc.get("metadata") or {}, svc.get("spec") or {}
    ips = spec.get("clusterIPs") or []
    ports = []
    for p in spec.get("ports") or []:
        if p.get("nodePort"):
            ports.append(f"{p.get('port')}:{p['nodePort']}/{p.get('protocol', 'TCP')}")
        else:
            ports.append(f"{p.get('port')}/{p.get('protocol', 'TCP')}")
    return [md.get("name", ""), spec.get("type", ""), ips[0] if ips else "<none>", _service_external_ip(svc, wide),
            ",".join(ports) or "<none>", since(md.get("creationTimestamp"), now), _labels_string(spec.get("selector"))]


# ---------------------------------------------------------------------------- events, namespaces, leases
EVENT_COLUMNS = [Column("Last Seen"), Column("Type"), Column("Reason"), Column("Object"), Column("Subobject", 1),
                 Column("Source", 1), Column("Message"), Column("First Seen", 1), Column("Count", 1),
                 Column("Name", 1, is_name=True)]


def _event_source(ev: dict) -> str:
    src = ev.get("source") or {}
    component = src.get("component") or ev.get("reportingComponent") or ""
    instance = src.get("host") or ev.get("reportingInstance") or ""
    return component if not instance else f"{component}, {instance}"


def print_event(ev: dict, now: float, wide: bool = True) -> list[Any]:
    """printEvent (the server always builds the wide row; kubectl hides priority-1 columns)."""
    first = since(ev.get("firstTimestamp"), now) if ev.get("firstTimestamp") else since(ev.get("eventTime"), now)
    last = since(ev.get("lastTimestamp"), now) if ev.get("lastTimestamp") else first
    count = ev.get("count") or 0
    series = ev.get("series")
    if series:
        last = since(series.get("lastObservedTime"), now)
        count = series.get("count", 0)
    elif count == 0:
        count = 1
    io = ev.get("involvedObject") or {}
    target = f"{io.get('kind', '').lower()}/{io['name']}" if io.get("name") else io.get("kind", "").lower()
    return [last, ev.get("type", ""), ev.get("reason", ""), target, io.get("fieldPath", ""), _event_source(ev),
            (ev.get("message") or "").strip(), first, count, (ev.get("metadata") or {}).get("name", "")]


NAMESPACE_COLUMNS = [Column("Name", is_name=True), Column("Status"), Column("Age")]


def print_namespace(ns: dict, now: float) -> list[Any]:
    md = ns.get("metadata") or {}
    return [md.get("name", ""), (ns.get("status") or {}).get("phase", ""), since(md.get("creationTimestamp"), now)]


LEASE_COLUMNS = [Column("Name", is_name=True), Column("Holder"), Column("Age")]


def print_lease(lease: dict, now: float) -> list[Any]:
    md = lease.get("metadata") or {}
    return [md.get("name", ""), (lease.get("spec") or {}).get("holderIdentity") or "",
            since(md.get("creationTimestamp"), now)]


JOB_COLUMNS = [Column("Name", is_name=True), Column("Status"), Column("Completions"), Column("Duration"),
               Column("Age"), Column("Containers", 1), Column("Images", 1), Column("Selector", 1)]


def print_job(job: dict, now: float) -> list[Any]:
    md, spec, st = job.get("metadata") or {}, job.get("spec") or {}, job.get("status") or {}
    succeeded = st.get("succeeded", 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif (spec.get("parallelism") or 0) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    duration = ""
    if st.get("startTime"):
        end = parse_time(st["completionTime"]) if st.get("completionTime") else now
        duration = human_duration(end - parse_time(st["startTime"]))
    conds = {c.get("type"): c.get("status") for c in st.get("conditions") or []}
    if conds.get("Complete") == "True":
        status = "Complete"
    elif conds.get("Failed") == "True":
        status = "Failed"
    elif md.get("deletionTimestamp"):
        status = "Terminating"
    elif conds.get("Suspended") == "True":
        status = "Suspended"
    elif conds.get("FailureTarget") == "True":
        status = "FailureTarget"
    else:
        status = "Running"
    names, images = _container_cells(((spec.get("template") or {}).get("spec") or {}).get("containers"))
    return [md.get("name", ""), status, completions, duration, since(md.get("creationTimestamp"), now),
            names, images, format_label_selector(spec.get("selector"))]


DEFAULT_COLUMNS = [Column("Name", is_name=True), Column("Age")]


def print_default(obj: dict, now: float) -> list[Any]:
    md = obj.get("metadata") or {}
    return [md.get("name", ""), since(md.get("creationTimestamp"), now)]


#: kind -> (columns, row function(obj, now, wide))
HANDLERS: dict[str, tuple[list[Column], Callable[[dict, float, bool], list[Any]]]] = {
    "Pod": (POD_COLUMNS, lambda o, n, w: print_pod(o, n)),
    "Node": (NODE_COLUMNS, lambda o, n, w: print_node(o, n)),
    "Deployment": (DEPLOYMENT_COLUMNS, lambda o, n, w: print_deployment(o, n)),
    "ReplicaSet": (REPLICASET_COLUMNS, lambda o, n, w: print_replicaset(o, n)),
    "DaemonSet": (DAEMONSET_COLUMNS, lambda o, n, w: print_daemonset(o, n)),
    "StatefulSet": (STATEFULSET_COLUMNS, lambda o, n, w: print_statefulset(o, n)),
    "Service": (SERVICE_COLUMNS, print_service),
    "Event": (EVENT_COLUMNS, print_event),
    "Namespace": (NAMESPACE_COLUMNS, lambda o, n, w: print_namespace(o, n)),
    "Lease": (LEASE_COLUMNS, lambda o, n, w: print_lease(o, n)),
    "Job": (JOB_COLUMNS, lambda o, n, w: print_job(o, n)),
}


# ---------------------------------------------------------------- config, RBAC, policy, scheduling kinds
# upstream: pkg/printers/internalversion/printers.go (printConfigMap, printSecret,
# printServiceAccount, printPodDisruptionBudget, printPriorityClass, printRole,
# printRoleBinding, printClusterRoleBinding, printResourceQuota, printLimitRange,
# printCronJob, printControllerRevision)


def _age(obj: dict, now: float) -> str:
    return since((obj.get("metadata") or {}).get("creationTimestamp"), now)


def _name(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("name", "")


def _created_at(obj: dict) -> str:
    """The CREATED AT cell: the creation time as RFC 3339 (the Go time.Time string form in UTC)."""
    ts = (obj.get("metadata") or {}).get("creationTimestamp") or ""
    return ts.replace("T", " ").replace("Z", " +0000 UTC") if ts else "<unknown>"


CONFIGMAP_COLUMNS = [Column("Name", is_name=True), Column("Data"), Column("Age")]
SECRET_COLUMNS = [Column("Name", is_name=True), Column("Type"), Column("Data"), Column("Age")]
SERVICEACCOUNT_COLUMNS = [Column("Name", is_name=True), Column("Secrets"), Column("Age")]
PDB_COLUMNS = [Column("Name", is_name=True), Column("Min Available"), Column("Max Unavailable"),
               Column("Allowed Disruptions"), Column("Age")]
PRIORITYCLASS_COLUMNS = [Column("Name", is_name=True), Column("Value"), Column("Global-Default"), Column("Age"),
                         Column("PreemptionPolicy")]
ROLE_COLUMNS = [Column("Name", is_name=True), Column("Created At")]
ROLEBINDING_COLUMNS = [Column("Name", is_name=True), Column("Role"), Column("Age"), Column("Users", 1),
                       Column("Groups", 1), Column("ServiceAccounts", 1)]
RESOURCEQUOTA_COLUMNS = [Column("Name", is_name=True), Column("Age"), Column("Request"), Column("Limit")]
CRONJOB_COLUMNS = [Column("Name", is_name=True), Column("Schedule"), Column("Timezone"), Column("Suspend"),
                   Column("Active"), Column("Last Schedule"), Column("Age"), Column("Containers", 1),
                   Column("Images", 1), Column("Selector", 1)]
CONTROLLERREVISION_COLUMNS = [Column("Name", is_name=True), Column("Controller"), Column("Revision"), Column("Age")]


def print_configmap(cm: dict, now: float) -> list[Any]:
    return [_name(cm), len(cm.get("data") or {}) + len(cm.get("binaryData") or {}), _age(cm, now)]


def print_secret(sec: dict, now: float) -> list[Any]:
    return [_name(sec), sec.get("type") or "Opaque", len(sec.get("data") or {}), _age(sec, now)]


def print_serviceaccount(sa: dict, now: float) -> list[Any]:
    return [_name(sa), len(sa.get("secrets") or []), _age(sa, now)]


def print_pdb(pdb: dict, now: float) -> list[Any]:
    spec, st = pdb.get("spec") or {}, pdb.get("status") or {}
    min_av = spec.get("minAvailable")
    max_un = spec.get("maxUnavailable")
    return [_name(pdb), "N/A" if min_av is None else str(min_av), "N/A" if max_un is None else str(max_un),
            st.get("disruptionsAllowed", 0), _age(pdb, now)]


def print_priorityclass(pc: dict, now: float) -> list[Any]:
    return [_name(pc), pc.get("value", 0), "true" if pc.get("globalDefault") else "false", _age(pc, now),
            pc.get("preemptionPolicy") or ""]


def print_role(role: dict, now: float) -> list[Any]:
    return [_name(role), _created_at(role)]


def _subjects(binding: dict) -> tuple[str, str, str]:
    users, groups, sas = [], [], []
    for s in binding.get("subjects") or []:
        kind = s.get("kind")
        if kind == "User":
            users.append(s.get("name", ""))
        elif kind == "Group":
            groups.append(s.get("name", ""))
        elif kind == "ServiceAccount":
            sas.append(f"{s.get('namespace', '')}/{s.get('name', '')}")
    return ", ".join(users), ", ".join(groups), ", ".join(sas)


def print_rolebinding(rb: dict, now: float) -> list[Any]:
    ref = rb.get("roleRef") or {}
    users, groups, sas = _subjects(rb)
    return [_name(rb), f"{ref.get('kind', '')}/{ref.get('name', '')}", _age(rb, now), users, groups, sas]


def print_resourcequota(rq: dict, now: float) -> list[Any]:
    hard = (rq.get("status") or {}).get("hard") or (rq.get("spec") or {}).get("hard") or {}
    used = (rq.get("status") or {}).get("used") or {}
    req, lim = [], []
    for k in sorted(hard):
        cell = f"{k}: {used.get(k, '0')}/{hard[k]}"
        (lim if k.startswith("limits.") else req).append(cell)
    return [_name(rq), _age(rq, now), ", ".join(req), ", ".join(lim)]


def print_cronjob(cj: dict, now: float) -> list[Any]:
    spec, st = cj.get("spec") or {}, cj.get("status") or {}
    last = st.get("lastScheduleTime")
    job_tmpl = ((spec.get("jobTemplate") or {}).get("spec") or {})
    names, images = _container_cells(((job_tmpl.get("template") or {}).get("spec") or {}).get("containers"))
    return [_name(cj), spec.get("schedule", ""), spec.get("timeZone") or "<none>",
            "True" if spec.get("suspend") else "False", len(st.get("active") or []),
            since(last, now) if last else "<none>", _age(cj, now), names, images,
            format_label_selector(job_tmpl.get("selector"))]


def print_controllerrevision(cr: dict, now: float) -> list[Any]:
    from ..api.meta import controller_of

    ref = controller_of(cr)
    controller = f"{ref['kind'].lower()}.{ref['apiVersion'].split('/')[0]}/{ref['name']}" if ref else "<none>"
    if ref and "/" not in ref.get("apiVersion", ""):
        controller = f"{ref['kind'].lower()}/{ref['name']}"
    return [_name(cr), controller, cr.get("revision", 0), _age(cr, now)]


HANDLERS.update({
    "ConfigMap": (CONFIGMAP_COLUMNS, lambda o, n, w: print_configmap(o, n)),
    "Secret": (SECRET_COLUMNS, lambda o, n, w: print_secret(o, n)),
    "ServiceAccount": (SERVICEACCOUNT_COLUMNS, lambda o, n, w: print_serviceaccount(o, n)),
    "PodDisruptionBudget": (PDB_COLUMNS, lambda o, n, w: print_pdb(o, n)),
    "PriorityClass": (PRIORITYCLASS_COLUMNS, lambda o, n, w: print_priorityclass(o, n)),
    "Role": (ROLE_COLUMNS, lambda o, n, w: print_role(o, n)),
    "ClusterRole": (ROLE_COLUMNS, lambda o, n, w: print_role(o, n)),
    "LimitRange": (ROLE_COLUMNS, lambda o, n, w: print_role(o, n)),
    "RoleBinding": (ROLEBINDING_COLUMNS, lambda o, n, w: print_rolebinding(o, n)),
    "ClusterRoleBinding": (ROLEBINDING_COLUMNS, lambda o, n, w: print_rolebinding(o, n)),
    "ResourceQuota": (RESOURCEQUOTA_COLUMNS, lambda o, n, w: print_resourcequota(o, n)),
    "CronJob": (CRONJOB_COLUMNS, lambda o, n, w: print_cronjob(o, n)),
    "ControllerRevision": (CONTROLLERREVISION_COLUMNS, lambda o, n, w: print_controllerrevision(o, n)),
})


def build_table(kind: str, objs: list[dict], now: float) -> Table:
    """The Table the API server would return for these objects (printers.go handlers).

    As upstream's TableConvertor, rows are always generated wide; the client hides the
    priority-1 columns unless ``-o wide``.
    """
    columns, fn = HANDLERS.get(kind, (DEFAULT_COLUMNS, lambda o, n, w: print_default(o, n)))
    return Table(list(columns), [(fn(o, now, True), o) for o in objs])


@dataclass
class PrintOptions:
    wide: bool = False
    no_headers: bool = False
    with_namespace: bool = False
    show_labels: bool = False
    kind_prefix: str = ""  # "pod" or "deployment.apps" when several kinds are printed
    label_columns: list[str] = field(default_factory=list)


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    s = cell if isinstance(cell, str) else str(cell)
    for i, ch in enumerate(s):
        if ch in "\f\n\r":
            return s[:i] + "..."
    return s


def table_lines(table: Table, opts: PrintOptions, print_header: bool) -> list[str]:
    """printTable after decorateTable: tab-separated lines (header first unless suppressed).

    Returns no lines at all for a table without rows, as kubectl prints no header then.
    """
    if not table.rows:
        return []
    visible = [i for i, c in enumerate(table.columns) if opts.wide or c.priority == 0]
    headers = []
    if opts.with_namespace:
        headers.append("NAMESPACE")
    headers += [table.columns[i].name.upper() for i in visible]
    for lbl in opts.label_columns:
        headers.append(lbl.split("/")[-1].upper())
    if opts.show_labels:
        headers.append("LABELS")
    lines = []
    if print_header and not opts.no_headers:
        lines.append("\t".join(headers))
    name_col = next((i for i, c in enumerate(table.columns) if c.is_name), -1) if opts.kind_prefix else -1
    for cells, obj in table.rows:
        md = obj.get("metadata") or {}
        out = []
        if opts.with_namespace:
            out.append(md.get("namespace", ""))
        for i in visible:
            cell = cells[i] if i < len(cells) else None
            if i == name_col:
                cell = f"{opts.kind_prefix}/{cell}"
            out.append(_cell_text(cell))
        labels = md.get("labels") or {}
        for lbl in opts.label_columns:
            out.append(labels.get(lbl, ""))
        if opts.show_labels:
            out.append(_labels_string(labels))
        lines.append("\t".join(out))
    return lines


def render_tables(blocks: list[list[str]], separate: bool = True) -> str:
    """Lay out table blocks as kubectl get does: one tabwriter per kind, a blank line between
    kinds that printed something (none with ``--no-headers``)."""
    parts = [format_table("\n".join(lines) + "\n") for lines in blocks if lines]
    return ("\n" if separate else "").join(parts)
