"""``kubectl rollout status|history|undo|pause|resume|restart``.

upstream: staging/src/k8s.io/kubectl/pkg/cmd/rollout/*.go and
staging/src/k8s.io/kubectl/pkg/polymorphichelpers (rollout_status.go ``DeploymentStatusViewer``/
``DaemonSetStatusViewer``, history.go ``DeploymentHistoryViewer``, rollback.go
``DeploymentRollbacker``, objectpauser.go, objectresumer.go, objectrestarter.go).

As in apps/v1, a rollback is done by kubectl, not the controller: ``undo`` finds the
ReplicaSet of the wanted revision (the previous one by default), copies its pod template
(without ``pod-template-hash``) and its annotations back into the Deployment; the
Deployment controller then sees that template's ReplicaSet as the new one and gives it the
next revision.

Simplification: ``rollout status`` cannot wait (nothing advances the simulation while a
command runs); it prints the current status line, as ``--watch=false`` does. Run the
cluster and ask again. History/undo cover Deployments (DaemonSets and StatefulSets keep
their history in ControllerRevisions; k8slab's kubectl does not read those yet).
"""

from __future__ import annotations

import copy
from typing import Any

from ..api.errors import ApiError
from ..api.meta import controller_of
from .errors import KubectlError, error_text
from .flags import Flag
from .mapping import kind_group, parse_resource_args
from .tabwriter import format_tabs

REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
HASH_LABEL = "pod-template-hash"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
#: rollback.go annotationsToSkip: kept from the Deployment, never copied from the ReplicaSet
ANNOTATIONS_TO_SKIP = {"kubectl.kubernetes.io/last-applied-configuration", REVISION,
                       "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
                       "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to"}

FLAGS = [Flag("revision", "", "int", 0), Flag("to-revision", "", "int", 0), Flag("watch", "w", "bool", True),
         Flag("timeout", "", "string", "0s"), Flag("output", "o"), Flag("selector", "l"),
         Flag("filename", "f", "array"), Flag("dry-run", "", "string", "none"), Flag("recursive", "R", "bool", False),
         Flag("field-manager", "", "string", "")]

SUBCOMMANDS = ("history", "pause", "restart", "resume", "status", "undo")

RESOURCE_HINT = ("error: You must provide one or more resources by argument or filename.\n"
                 "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                 "   '<resource> <name>'\n   '<resource>'")


def run_rollout(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    if not args:
        raise KubectlError("error: k8slab's kubectl rollout needs a subcommand: " + ", ".join(SUBCOMMANDS))
    sub, rest = args[0], args[1:]
    if sub not in SUBCOMMANDS:
        raise KubectlError(f'error: unknown command "{sub}" for "kubectl rollout"')
    targets = _targets(client, rest, opts)
    out: list[str] = []
    for ri, obj in targets:
        try:
            out.append(_RUN[sub](client, ri, obj, opts))
        except KubectlError as e:
            raise KubectlError(e.output, stdout="".join(out))
        except ApiError as e:
            raise KubectlError(error_text(e), stdout="".join(out))
    return "".join(out)


def _targets(client: Any, args: list[str], opts: dict) -> list[tuple[Any, dict]]:
    namespace = opts.get("namespace") or "default"
    if not args:
        raise KubectlError(RESOURCE_HINT)
    out = []
    for ri, names in parse_resource_args(args):
        if not names:
            if not opts.get("selector"):
                raise KubectlError("error: resource(s) were provided, but no name was specified")
            items = client.list(ri.plural, namespace, label_selector=opts["selector"])["items"]
            out.extend((ri, o) for o in items)
            continue
        for n in names:
            try:
                out.append((ri, client.get(ri.plural, n, namespace)))
            except ApiError as e:
                raise KubectlError(error_text(e))
    return out


def _resource_string(ri: Any) -> str:
    return f"{ri.plural}.{ri.group}" if ri.group else ri.plural


# ---------------------------------------------------------------------------- status
def status_line(obj: dict, revision: int = 0) -> tuple[str, bool]:
    """StatusViewer.Status: the line kubectl prints and whether the rollout is done.

    Raises KubectlError for a rollout that cannot finish (progress deadline exceeded).
    """
    kind = obj.get("kind")
    md, spec, st = obj["metadata"], obj.get("spec") or {}, obj.get("status") or {}
    name = md["name"]
    gen, observed = md.get("generation", 1), st.get("observedGeneration", 0)
    if kind == "Deployment":
        if revision > 0:
            cur = int((md.get("annotations") or {}).get(REVISION, "0") or 0)
            if revision != cur:
                raise KubectlError(f"error: desired revision ({revision}) is different from the running revision ({cur})")
        if gen <= observed:
            cond = next((c for c in st.get("conditions") or [] if c.get("type") == "Progressing"), None)
            if cond is not None and cond.get("reason") == "ProgressDeadlineExceeded":
                raise KubectlError(f'error: deployment "{name}" exceeded its progress deadline')
            want = spec.get("replicas", 1)
            updated, replicas = st.get("updatedReplicas", 0), st.get("replicas", 0)
            available = st.get("availableReplicas", 0)
            if updated < want:
                return (f'Waiting for deployment "{name}" rollout to finish: {updated} out of {want} new replicas '
                        f"have been updated...\n", False)
            if replicas > updated:
                return (f'Waiting for deployment "{name}" rollout to finish: {replicas - updated} old replicas are '
                        f"pending termination...\n", False)
            if available < updated:
                return (f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated replicas '
                        f"are available...\n", False)
            return f'deployment "{name}" successfully rolled out\n', True
        return "Waiting for deployment spec update to be observed...\n", False
    if kind == "DaemonSet":
        if (spec.get("updateStrategy") or {}).get("type", "RollingUpdate") != "RollingUpdate":
            raise KubectlError("error: rollout status is only available for RollingUpdate strategy type")
        if gen <= observed:
            upd, desired = st.get("updatedNumberScheduled", 0), st.get("desiredNumberScheduled", 0)
            avail = st.get("numberAvailable", 0)
            if upd < desired:
                return (f'Waiting for daemon set "{name}" rollout to finish: {upd} out of {desired} new pods have '
                        f"been updated...\n", False)
            if avail < desired:
                return (f'Waiting for daemon set "{name}" rollout to finish: {avail} of {desired} updated pods are '
                        f"available...\n", False)
            return f'daemon set "{name}" successfully rolled out\n', True
        return "Waiting for daemon set spec update to be observed...\n", False
    if kind == "StatefulSet":
        if (spec.get("updateStrategy") or {}).get("type", "RollingUpdate") != "RollingUpdate":
            raise KubectlError("error: rollout status is only available for RollingUpdate strategy type")
        if observed == 0 or gen > observed:
            return "Waiting for statefulset spec update to be observed...\n", False
        want = spec.get("replicas", 1)
        ready = st.get("readyReplicas", 0)
        if ready < want:
            return f"Waiting for {want - ready} pods to be ready...\n", False
        upd = st.get("updatedReplicas", 0)
        if upd < want:
            return (f"Waiting for partitioned roll out to finish: {upd} out of {want} new pods have been updated...\n",
                    False)
        return f"partitioned roll out complete: {upd} new pods have been updated...\n", True
    raise KubectlError(f"error: no status viewer has been implemented for {kind}")


def _status(client: Any, ri: Any, obj: dict, opts: dict) -> str:
    return status_line(obj, opts.get("revision") or 0)[0]


# ---------------------------------------------------------------------------- history / undo
def _owned_replicasets(client: Any, d: dict) -> list[dict]:
    """deploymentutil.GetAllReplicaSets: the ReplicaSets this Deployment controls."""
    items = client.list("replicasets", d["metadata"]["namespace"])["items"]
    uid = d["metadata"]["uid"]
    return [r for r in items if (controller_of(r) or {}).get("uid") == uid]


def _revision(obj: dict) -> int | None:
    v = (obj["metadata"].get("annotations") or {}).get(REVISION)
    if v is None:
        return 0
    try:
        return int(v)
    except ValueError:
        return None


def history_info(client: Any, d: dict) -> dict[int, dict]:
    """DeploymentHistoryViewer: revision → pod template (with its change-cause annotation)."""
    info: dict[int, dict] = {}
    for rs in _owned_replicasets(client, d):
        v = _revision(rs)
        if v is None:
            continue
        tmpl = copy.deepcopy(rs["spec"].get("template") or {})
        cause = (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
        if cause:
            tmpl.setdefault("metadata", {}).setdefault("annotations", {})[CHANGE_CAUSE] = cause
        info[v] = tmpl
    return info


def _history(client: Any, ri: Any, obj: dict, opts: dict) -> str:
    if obj.get("kind") != "Deployment":
        raise KubectlError(f'error: k8slab\'s kubectl keeps rollout history for deployments only, not "{ri.plural}"')
    info = history_info(client, obj)
    revision = opts.get("revision") or 0
    name = f"{kind_group(ri)}/{obj['metadata']['name']}"
    if opts.get("output"):
        from .encoding import to_json, to_yaml

        if revision > 0:
            if revision not in info:
                raise KubectlError("error: unable to find the specified revision")
            picked = [info[revision]]
        else:
            picked = [info[k] for k in sorted(info)]
        fmt = opts["output"]
        enc = to_yaml if fmt == "yaml" else to_json
        return "".join(enc(t) if fmt != "yaml" or i == 0 else "---\n" + enc(t) for i, t in enumerate(picked))
    if not info:
        text = "No rollout history found."
    elif revision > 0:
        if revision not in info:
            raise KubectlError("error: unable to find the specified revision")
        text = print_template(info[revision])
    else:
        rows = "REVISION\tCHANGE-CAUSE\n" + "".join(
            f"{r}\t{(info[r].get('metadata') or {}).get('annotations', {}).get(CHANGE_CAUSE) or '<none>'}\n"
            for r in sorted(info))
        text = format_tabs(rows, 0, 2)
    with_revision = f"with revision #{revision}" if revision > 0 else ""
    return f"{name} {with_revision}\n{text}\n"


def print_template(template: dict) -> str:
    """history.go printTemplate: DescribePodTemplate through a PrefixWriter (tabs left as they are)."""
    from .describe import Writer, describe_pod_template

    w = Writer()
    describe_pod_template(template, w)
    return "".join(w._buf)


def _undo(client: Any, ri: Any, obj: dict, opts: dict) -> str:
    if obj.get("kind") != "Deployment":
        raise KubectlError(f'error: no rollbacker has been implemented for "{ri.group}/{obj.get("kind")}"')
    name = obj["metadata"]["name"]
    if (obj.get("spec") or {}).get("paused"):
        raise KubectlError(f"error: you cannot rollback a paused deployment; resume it first with "
                           f"'kubectl rollout resume deployment/{name}' and try again")
    to_revision = opts.get("to-revision") or 0
    rs = deployment_revision(client, obj, to_revision)
    prefix = f"{kind_group(ri)}/{name}"
    if _without_hash(rs["spec"]["template"]) == _without_hash(obj["spec"]["template"]):
        return f"{prefix} skipped rollback (current template already matches revision {_revision(rs)})\n"
    annotations = {k: v for k, v in (obj["metadata"].get("annotations") or {}).items() if k in ANNOTATIONS_TO_SKIP}
    for k, v in (rs["metadata"].get("annotations") or {}).items():
        if k not in ANNOTATIONS_TO_SKIP:
            annotations[k] = v
    dry = opts.get("dry-run") or "none"
    if dry in ("client", "true"):
        return f"{prefix} Pod Template:\n{print_template(_without_hash(rs['spec']['template']))}\n"
    d = copy.deepcopy(obj)
    d["spec"]["template"] = _without_hash(rs["spec"]["template"])
    d["metadata"]["annotations"] = annotations
    try:
        client.update("deployments", d)
    except ApiError as e:
        raise KubectlError(f"error: failed restoring revision {to_revision}: {e.message}")
    return f"{prefix} rolled back\n"


def _without_hash(tmpl: dict) -> dict:
    t = copy.deepcopy(tmpl)
    labels = (t.get("metadata") or {}).get("labels")
    if labels and HASH_LABEL in labels:
        del labels[HASH_LABEL]
    return t


def deployment_revision(client: Any, d: dict, to_revision: int) -> dict:
    """rollback.go deploymentRevision: the ReplicaSet of ``to_revision``, or the previous revision's."""
    latest, latest_rev, previous, previous_rev = None, -1, None, -1
    for rs in _owned_replicasets(client, d):
        v = _revision(rs)
        if v is None:
            continue
        if to_revision == 0:
            if latest_rev < v:
                previous, previous_rev = latest, latest_rev
                latest, latest_rev = rs, v
            elif previous_rev < v:
                previous, previous_rev = rs, v
        elif to_revision == v:
            return rs
    if to_revision > 0:
        raise KubectlError(f"error: unable to find specified revision {to_revision} in history")
    if previous is None:
        raise KubectlError(f'error: no rollout history found for deployment "{d["metadata"]["name"]}"')
    return previous


# ---------------------------------------------------------------------------- pause / resume / restart
_PAUSABLE = ("Deployment",)


def _pause(client: Any, ri: Any, obj: dict, opts: dict, pause: bool = True) -> str:
    name = obj["metadata"]["name"]
    if obj.get("kind") not in _PAUSABLE:
        what = "pausing" if pause else "resuming"
        raise KubectlError(f'error: {_resource_string(ri)} "{name}" {what} is not supported')
    paused = bool((obj.get("spec") or {}).get("paused"))
    if paused == pause:
        raise KubectlError(f'error: {_resource_string(ri)} "{name}" is {"already paused" if pause else "not paused"}')
    client.patch(ri.plural, name, {"spec": {"paused": pause or None}}, namespace=obj["metadata"]["namespace"])
    return f"{kind_group(ri)}/{name} {'paused' if pause else 'resumed'}\n"


def _resume(client: Any, ri: Any, obj: dict, opts: dict) -> str:
    return _pause(client, ri, obj, opts, pause=False)


def _restart(client: Any, ri: Any, obj: dict, opts: dict) -> str:
    """objectrestarter.go: stamp the pod template with kubectl.kubernetes.io/restartedAt."""
    from ..api.meta import rfc3339

    name = obj["metadata"]["name"]
    if obj.get("kind") not in ("Deployment", "DaemonSet", "StatefulSet"):
        raise KubectlError(f'error: {_resource_string(ri)} "{name}" restarting is not supported')
    if obj.get("kind") == "Deployment" and (obj.get("spec") or {}).get("paused"):
        raise KubectlError(f'error: {_resource_string(ri)} "{name}" can\'t restart paused deployment '
                           f"(run rollout resume first)")
    patch = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: rfc3339(client.now)}}}}}
    client.patch(ri.plural, name, patch, namespace=obj["metadata"]["namespace"])
    return f"{kind_group(ri)}/{name} restarted\n"


_RUN = {"status": _status, "history": _history, "undo": _undo, "pause": _pause, "resume": _resume,
        "restart": _restart}
