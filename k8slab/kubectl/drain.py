"""``kubectl cordon|uncordon|drain``: mark nodes unschedulable and evict their pods.

upstream: staging/src/k8s.io/kubectl/pkg/cmd/drain/drain.go (RunCordonOrUncordon,
RunDrain, deleteOrEvictPodsSimple and their messages), staging/src/k8s.io/kubectl/pkg/
drain/drain.go (GetPodsForDeletion, evictPods, deletePods), drain/filters.go (the
DaemonSet, mirror-pod, local-storage and unreplicated filters with their texts) and
drain/cordon.go (the ``spec.unschedulable`` patch).

Eviction goes through the ``pods/eviction`` subresource, so PodDisruptionBudgets are
honoured (``--disable-eviction`` deletes instead and bypasses them).

Simplifications (a command cannot advance the simulation while it runs):

- kubectl waits for each evicted pod to be gone before printing ``pod/<name> evicted``;
  k8slab prints it once the eviction is accepted (the pod is then terminating).
- When a budget refuses an eviction (429), kubectl prints the retry line and tries again
  every 5 s until ``--timeout`` (forever by default). k8slab's drain makes one pass: it
  prints the retry line, then fails as kubectl fails on an eviction error, naming the
  pending pods. Run the cluster (the replacements become ready elsewhere) and drain again.
- Warnings kubectl writes to stderr on success (``Warning: ignoring DaemonSet-managed
  Pods: ...``) are dropped, as everywhere in k8slab's kubectl; they are part of the error
  text when the command fails.
"""

from __future__ import annotations

from typing import Any

from ..api.errors import ApiError
from ..api.meta import controller_of, parse_time
from .errors import KubectlError, error_text
from .flags import Flag

# upstream: drain/filters.go
DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"

CORDON_FLAGS = [Flag("dry-run", "", "string", "none"), Flag("selector", "l")]
DRAIN_FLAGS = CORDON_FLAGS + [
    Flag("force", "", "bool", False), Flag("ignore-daemonsets", "", "bool", False),
    Flag("delete-emptydir-data", "", "bool", False), Flag("delete-local-data", "", "bool", False),
    Flag("grace-period", "", "int", -1), Flag("timeout", "", "string", "0s"), Flag("pod-selector", "", "string", ""),
    Flag("disable-eviction", "", "bool", False), Flag("skip-wait-for-delete-timeout", "", "int", 0),
    Flag("chunk-size", "", "int", 500), Flag("output", "o"),
]


def _dry_run(opts: dict) -> str:
    dr = opts.get("dry-run") or "none"
    if dr not in ("none", "client", "server", "true", "false"):
        raise KubectlError(f'error: Invalid dry-run value ({dr}). Must be "none", "server", or "client".')
    return {"client": "client", "true": "client", "server": "server"}.get(dr, "")


def _suffix(dry: str) -> str:
    return {"client": " (dry run)", "server": " (server dry run)"}.get(dry, "")


def _nodes(client: Any, command: str, args: list[str], opts: dict) -> list[dict]:
    """The Node objects named (``node-1``, ``node/node-1``, ``nodes/node-1``) or selected with -l."""
    if not args and not opts.get("selector"):
        raise KubectlError(f"error: USAGE: {command} NODE [flags]\nSee 'kubectl {command} -h' for help and examples")
    if args and opts.get("selector"):
        raise KubectlError("error: error: cannot specify both a node name and a --selector option\n"
                           f"See 'kubectl {command} -h' for help and examples")
    if opts.get("selector"):
        return client.list("nodes", label_selector=opts["selector"])["items"]
    out = []
    for a in args:
        name = a
        if "/" in a:
            t, _, name = a.partition("/")
            if t not in ("node", "nodes", "no"):
                raise KubectlError(f'error: expected resource of type node, got "{t}"')
        out.append(client.get("nodes", name))
    return out


def _cordon_or_uncordon(client: Any, nodes: list[dict], desired: bool, dry: str, out: list[str],
                        err: list[str]) -> None:
    """RunCordonOrUncordon: patch spec.unschedulable where it differs; ``already cordoned`` otherwise."""
    word = "cordon" if desired else "uncordon"
    for node in nodes:
        name = node["metadata"]["name"]
        if bool(node.get("spec", {}).get("unschedulable")) == desired:
            out.append(f"node/{name} already {word}ed\n")
            continue
        if dry != "client":
            try:
                # cordon.go PatchOrReplace: a strategic merge patch; false is omitempty, so uncordon removes it
                client.patch("nodes", name, {"spec": {"unschedulable": True if desired else None}},
                             patch_type="strategic", dry_run=dry == "server")
            except ApiError as e:
                err.append(f'error: unable to {word} node "{name}": {e.message}\n')
                continue
        out.append(f"node/{name} {word}ed{_suffix(dry)}\n")


def run_cordon(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    return _run_cordon(client, "cordon", args, opts, True)


def run_uncordon(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    return _run_cordon(client, "uncordon", args, opts, False)


def _run_cordon(client: Any, command: str, args: list[str], opts: dict, desired: bool) -> str:
    dry = _dry_run(opts)
    nodes = _nodes(client, command, args, opts)
    out: list[str] = []
    err: list[str] = []
    _cordon_or_uncordon(client, nodes, desired, dry, out, err)
    if err:
        raise KubectlError("".join(err), stdout="".join(out))
    return "".join(out)


# ---------------------------------------------------------------------- pods for deletion
def _filter(client: Any, pod: dict, opts: dict, now: float) -> tuple[bool, str, str]:
    """The filters in makeFilters order; the first that does not delete decides. (delete, reason, message)."""
    md = pod["metadata"]
    phase = pod.get("status", {}).get("phase")
    finished = phase in ("Succeeded", "Failed")
    skip = opts.get("skip-wait-for-delete-timeout") or 0
    # skipDeletedFilter
    if skip > 0 and md.get("deletionTimestamp") and now - parse_time(md["deletionTimestamp"]) > skip:
        return False, "Skip", ""
    # daemonSetFilter
    ref = controller_of(pod)
    if ref is not None and ref.get("kind") == "DaemonSet" and not finished:
        try:
            client.get("daemonsets", ref["name"], md["namespace"])
        except ApiError as e:
            if not (e.code == 404 and opts.get("force")):
                return False, "Error", e.message
            # an orphaned DaemonSet pod goes with --force; its warning is replaced by the later filters' Okay
        else:
            if not opts.get("ignore-daemonsets"):
                return False, "Error", DAEMONSET_FATAL
            return False, "Warning", DAEMONSET_WARNING
    # mirrorPodFilter
    if MIRROR_POD_ANNOTATION in (md.get("annotations") or {}):
        return False, "Skip", ""
    # localStorageFilter (its warning is dropped by the next filter, as upstream's TODO says)
    if any("emptyDir" in v for v in pod.get("spec", {}).get("volumes") or []) and not finished:
        if not (opts.get("delete-emptydir-data") or opts.get("delete-local-data")):
            return False, "Error", LOCAL_STORAGE_FATAL
    # unreplicatedFilter: the last filter, so its status is the pod's
    if not finished and ref is None:
        if opts.get("force"):
            return True, "Warning", UNMANAGED_WARNING
        return False, "Error", UNMANAGED_FATAL
    return True, "Okay", ""


def pods_for_deletion(client: Any, node: str, opts: dict) -> tuple[list[dict], list[str], str]:
    """GetPodsForDeletion: (pods to evict, fatal errors, warnings) for one node."""
    kw: dict = {"field_selector": f"spec.nodeName={node}"}
    if opts.get("pod-selector"):
        kw["label_selector"] = opts["pod-selector"]
    pods = client.list("pods", None, **kw)["items"]
    pods.sort(key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"]))
    keep: list[dict] = []
    errors: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    for p in pods:
        delete, reason, msg = _filter(client, p, opts, client.now)
        ref = f"{p['metadata']['namespace']}/{p['metadata']['name']}"
        if delete:
            keep.append(p)
        if reason == "Error":
            errors.setdefault(msg or "unexpected error", []).append(ref)
        elif reason == "Warning":
            warnings.setdefault(msg, []).append(ref)
    errs = [(m if m.lower().startswith("cannot delete") else f"cannot delete {m}") + ": " + ", ".join(ps)
            for m, ps in errors.items()]
    warn = "; ".join(f"{m}: {', '.join(ps)}" for m, ps in warnings.items())
    return keep, errs, warn


def _aggregate(errs: list[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message as is, several as ``[a, b]``."""
    return errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]"


def _evict_or_delete(client: Any, pods: list[dict], opts: dict, dry: str, out: list[str],
                     err: list[str]) -> list[str]:
    """evictPods / deletePods for one node; returns the errors (pods left behind)."""
    grace = opts.get("grace-period", -1)
    errors: list[str] = []
    if opts.get("disable-eviction"):
        for p in pods:
            md = p["metadata"]
            try:
                client.delete("pods", md["name"], md["namespace"],
                              grace_period_seconds=grace if grace >= 0 else None, dry_run=dry == "server")
            except ApiError as e:
                if e.code != 404:
                    errors.append(error_text(e))
                    return errors
        for p in pods:
            out.append(f"pod/{p['metadata']['name']} deleted{_suffix(dry)}\n")
        return errors
    options: dict = {}
    if grace >= 0:
        options["gracePeriodSeconds"] = grace
    if dry == "server":
        options["dryRun"] = ["All"]
    evicted: list[dict] = []
    for p in pods:
        md = p["metadata"]
        out.append(f"evicting pod {md['namespace']}/{md['name']}\n")
        try:
            client.evict(md["name"], md["namespace"], delete_options=options or None)
        except ApiError as e:
            if e.code == 404:
                continue
            if e.code == 429:
                err.append(f'error when evicting pods/"{md["name"]}" -n "{md["namespace"]}" (will retry after 5s): '
                           f"{e.message}\n")
            errors.append(f'error when evicting pods/"{md["name"]}" -n "{md["namespace"]}": {e.message}')
            continue
        evicted.append(p)
    for p in evicted:
        out.append(f"pod/{p['metadata']['name']} evicted{_suffix(dry)}\n")
    return errors


def run_drain(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    """RunDrain: cordon, then evict every pod the filters allow, node by node."""
    dry = _dry_run(opts)
    nodes = _nodes(client, "drain", args, opts)
    out: list[str] = []
    err: list[str] = []
    _cordon_or_uncordon(client, nodes, True, dry, out, err)
    drained: set[str] = set()
    for node in nodes:
        name = node["metadata"]["name"]
        pods, errs, warn = pods_for_deletion(client, name, opts)
        if not errs:
            if warn:
                err.append(f"Warning: {warn}\n")
            if dry == "client":
                for p in pods:
                    out.append(f"evicting pod {p['metadata']['namespace']}/{p['metadata']['name']} (dry run)\n")
            else:
                errs = _evict_or_delete(client, pods, opts, dry, out, err)
                if errs:
                    pending, _, _ = pods_for_deletion(client, name, opts)
                    pending = [p for p in pending if not p["metadata"].get("deletionTimestamp")]
                    if pending:
                        err.append(f'There are pending pods in node "{name}" when an error occurred: '
                                   f"{_aggregate(errs)}\n")
                        err.extend(f"pod/{p['metadata']['name']}\n" for p in pending)
        if not errs:
            drained.add(name)
            out.append(f"node/{name} drained{_suffix(dry)}\n")
            continue
        err.append(f'error: unable to drain node "{name}" due to error: {_aggregate(errs)}, continuing command...\n')
        remaining = [n["metadata"]["name"] for n in nodes if n["metadata"]["name"] not in drained]
        if remaining:
            err.append("There are pending nodes to be drained:\n")
            err.extend(f" {n}\n" for n in remaining)
        err.extend(f"{e}\n" for e in errs)
        raise KubectlError("".join(err), stdout="".join(out))
    return "".join(out)


COMMANDS = {
    "cordon": (CORDON_FLAGS, run_cordon),
    "uncordon": (CORDON_FLAGS, run_uncordon),
    "drain": (DRAIN_FLAGS, run_drain),
}
