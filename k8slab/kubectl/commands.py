"""The write commands: ``apply``, ``create``, ``delete``, ``scale``, ``label``, ``annotate``.

upstream: staging/src/k8s.io/kubectl/pkg/cmd/{apply,create,delete,scale,label,annotate}/*.go.
Each prints what kubectl prints on success (``deployment.apps/web created``,
``pod "x" deleted``, ``deployment.apps/web scaled``, ``pod/x labeled``) and raises
KubectlError with kubectl's stderr otherwise; nothing is changed when a command fails
before its first write.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from ..api.errors import ApiError
from .apply import apply_manifest, create_manifest
from .encoding import compact_json, to_json, to_yaml
from .errors import KubectlError, error_text
from .flags import Flag
from .mapping import kind_group, parse_resource_args

RESOURCE_HINT = ("error: You must provide one or more resources by argument or filename.\n"
                 "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                 "   '<resource> <name>'\n   '<resource>'")


def _dry_run_suffix(opts: dict) -> str:
    dr = opts.get("dry-run") or "none"
    if dr not in ("none", "client", "server", "true", "false"):
        raise KubectlError(f'error: Invalid dry-run value ({dr}). Must be "none", "server", or "client".')
    return {"client": " (dry run)", "true": " (dry run)", "server": " (server dry run)"}.get(dr, "")


def _manifest_inputs(opts: dict, stdin: str | None) -> list[Any]:
    inputs = []
    for f in opts.get("filename") or []:
        inputs.append(stdin or "" if f == "-" else f)
    return inputs


def _print_objects(objs: list[tuple[dict, str]], fmt: str, suffix: str) -> str:
    if fmt == "name":
        from .mapping import for_object

        return "".join(f"{kind_group(for_object(o))}/{(o.get('metadata') or {}).get('name', '')}\n" for o, _ in objs)
    if fmt in ("yaml", "json"):
        items = [o for o, _ in objs]
        data = items[0] if len(items) == 1 else {"apiVersion": "v1", "items": items, "kind": "List",
                                                  "metadata": {"resourceVersion": ""}}
        return to_yaml(data) if fmt == "yaml" else to_json(data)
    from .apply import ApplyResult

    return "".join(f"{line}{suffix}\n" for line in ApplyResult(objs).lines())


# ---------------------------------------------------------------------------- apply / create
APPLY_FLAGS = [Flag("filename", "f", "array"), Flag("dry-run", "", "string", "none"), Flag("output", "o"),
               Flag("recursive", "R", "bool", False), Flag("validate", "", "string", "strict"),
               Flag("server-side", "", "bool", False), Flag("force-conflicts", "", "bool", False),
               Flag("field-manager", "", "string", "kubectl-client-side-apply"), Flag("overwrite", "", "bool", True),
               Flag("wait", "", "bool", False)]


def run_apply(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    if args:
        raise KubectlError(f"error: Unexpected args: {args}\nSee 'kubectl apply -h' for help and examples")
    inputs = _manifest_inputs(opts, stdin)
    if not inputs:
        raise KubectlError("error: must specify one of -f and -k")
    suffix = _dry_run_suffix(opts)
    explicit_ns = opts.get("namespace")
    if suffix:
        from .apply import _plan, prepare

        items = prepare(inputs, explicit_ns, enforce_namespace=bool(explicit_ns))
        results = []
        for item in items:
            action, _, live = _plan(client, item, set())
            results.append((item.obj if live is None else live, action))
        return _print_objects(results, opts.get("output") or "", suffix)
    result = apply_manifest(client, inputs, explicit_ns, enforce_namespace=bool(explicit_ns))
    return _print_objects(list(result), opts.get("output") or "", "")


CREATE_FLAGS = [Flag("filename", "f", "array"), Flag("dry-run", "", "string", "none"), Flag("output", "o"),
                Flag("save-config", "", "bool", False), Flag("image", "", "array"), Flag("replicas", "r", "int", 1),
                Flag("port", "", "int", -1), Flag("recursive", "R", "bool", False), Flag("validate", "", "string", "strict"),
                Flag("edit", "", "bool", False)]


def _container_name(image: str) -> str:
    """create deployment's container name: the image's last path element without tag or digest."""
    name = image.split("/")[-1].split(":")[0].split("@")[0]
    if "_" in name or "." in name:
        # upstream appends utilrand.String(5); k8slab derives the suffix from the image so it is reproducible
        from ..api.meta import NAME_ALPHABET

        h = int(hashlib.sha256(image.encode()).hexdigest(), 16)
        suffix = "".join(NAME_ALPHABET[(h >> (5 * i)) % len(NAME_ALPHABET)] for i in range(5))
        name = name.replace("_", "-").replace(".", "-") + "-" + suffix
    return name


def deployment_for(name: str, images: list[str], replicas: int, port: int, namespace: str) -> dict:
    """What ``kubectl create deployment`` builds (create_deployment.go ``createDeployment``)."""
    labels = {"app": name}
    containers = [{"image": img, "name": _container_name(img), "resources": {}} for img in images]
    if port >= 0 and containers:
        containers[0]["ports"] = [{"containerPort": port}]
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"labels": dict(labels), "name": name, "namespace": namespace},
            "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)}, "strategy": {},
                     "template": {"metadata": {"labels": dict(labels)}, "spec": {"containers": containers}}},
            "status": {}}


def run_create(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    namespace = opts.get("namespace") or "default"
    suffix = _dry_run_suffix(opts)
    fmt = opts.get("output") or ""
    if args:
        sub, rest = args[0], args[1:]
        if sub in ("deployment", "deploy"):
            if len(rest) != 1:
                raise KubectlError(f"error: exactly one NAME is required, got {len(rest)}\n"
                                   "See 'kubectl create deployment -h' for help and examples")
            if not opts.get("image"):
                raise KubectlError('error: required flag(s) "image" not set')
            obj = deployment_for(rest[0], opts["image"], opts.get("replicas", 1), opts.get("port", -1), namespace)
            return _create_one(client, "deployments", obj, namespace, opts, suffix, fmt)
        if sub in ("namespace", "ns"):
            if len(rest) != 1:
                raise KubectlError(f"error: exactly one NAME is required, got {len(rest)}\n"
                                   "See 'kubectl create namespace -h' for help and examples")
            obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": rest[0]}, "spec": {}, "status": {}}
            return _create_one(client, "namespaces", obj, None, opts, suffix, fmt)
        raise KubectlError(f'error: k8slab\'s kubectl does not implement "create {sub}"; '
                           "write a manifest and use create -f or apply -f")
    inputs = _manifest_inputs(opts, stdin)
    if not inputs:
        raise KubectlError("error: must specify one of -f and -k")
    explicit_ns = opts.get("namespace")
    if suffix:
        from .apply import prepare

        items = prepare(inputs, explicit_ns, enforce_namespace=bool(explicit_ns))
        results = []
        for item in items:
            body = item.obj
            if suffix == " (server dry run)":
                try:
                    body = client.create(item.ri.plural, body, namespace=item.namespace, dry_run=True)
                except ApiError as e:
                    from .errors import with_source

                    raise KubectlError(error_text(with_source("creating", item.source, e)))
            results.append((body, "created"))
        return _print_objects(results, fmt, suffix)
    result = create_manifest(client, inputs, explicit_ns, save_config=bool(opts.get("save-config")),
                             enforce_namespace=bool(explicit_ns))
    return _print_objects(list(result), fmt, "")


def _create_one(client: Any, plural: str, obj: dict, namespace: str | None, opts: dict, suffix: str,
                fmt: str) -> str:
    body = copy.deepcopy(obj)
    body.pop("status", None)
    if opts.get("save-config"):
        from .apply import modified_configuration

        body = modified_configuration(body)[0]
    if suffix == " (dry run)":
        shown = copy.deepcopy(obj)
        shown["metadata"]["creationTimestamp"] = None
        if shown.get("kind") == "Deployment":
            shown["spec"]["template"]["metadata"]["creationTimestamp"] = None
        if namespace and shown["metadata"].get("namespace") == namespace and not opts.get("namespace"):
            shown["metadata"].pop("namespace")
        return _print_objects([(shown, "created")], fmt, suffix)
    try:
        created = client.create(plural, body, namespace=namespace, dry_run=bool(suffix))
    except ApiError as e:
        raise KubectlError(error_text(e))
    return _print_objects([(created, "created")], fmt, suffix)


# ---------------------------------------------------------------------------- delete
DELETE_FLAGS = [Flag("filename", "f", "array"), Flag("selector", "l"), Flag("all", "", "bool", False),
                Flag("all-namespaces", "A", "bool", False), Flag("grace-period", "", "int", -1),
                Flag("now", "", "bool", False), Flag("force", "", "bool", False),
                Flag("ignore-not-found", "", "bool", False), Flag("wait", "", "bool", True),
                Flag("cascade", "", "string", "background"), Flag("dry-run", "", "string", "none"),
                Flag("output", "o"), Flag("field-selector"), Flag("recursive", "R", "bool", False),
                Flag("timeout", "", "string", "0s")]


def _deleted_line(ri: Any, name: str, force: bool, suffix: str) -> str:
    return f'{kind_group(ri)} "{name}" {"force deleted" if force else "deleted"}{suffix}\n'


def run_delete(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    namespace = opts.get("namespace") or "default"
    all_ns = bool(opts.get("all-namespaces"))
    suffix = _dry_run_suffix(opts)
    cascade = (opts.get("cascade") or "background").lower()
    policies = {"background": "Background", "true": "Background", "foreground": "Foreground", "orphan": "Orphan",
                "false": "Orphan"}
    if cascade not in policies:
        raise KubectlError(f'error: invalid cascade value ({opts.get("cascade")}). Must be "background", '
                           '"foreground", or "orphan".')
    grace = opts.get("grace-period", -1)
    force = bool(opts.get("force"))
    if opts.get("now"):
        if grace != -1:
            raise KubectlError("error: --now and --grace-period cannot be specified together")
        grace = 1
    if force and grace == -1:
        grace = 0
    targets: list[tuple[Any, str, str | None]] = []
    inputs = _manifest_inputs(opts, stdin)
    if inputs:
        from .apply import prepare

        for item in prepare(inputs, opts.get("namespace"), enforce_namespace=bool(opts.get("namespace"))):
            targets.append((item.ri, item.name, item.namespace))
    elif not args:
        raise KubectlError(RESOURCE_HINT)
    else:
        label_sel = opts.get("selector") or ""
        field_sel = opts.get("field-selector") or ""
        requests = parse_resource_args(args)
        for ri, names in requests:
            ns = None if not ri.namespaced else (None if all_ns else namespace)
            if names:
                if label_sel or opts.get("all"):
                    raise KubectlError("error: name cannot be provided when a selector is specified")
                targets.extend((ri, n, ns) for n in names)
                continue
            if not (label_sel or field_sel or opts.get("all")):
                raise KubectlError("error: resource(s) were provided, but no name was specified")
            try:
                items = client.list(ri.plural, ns, label_selector=label_sel or None,
                                    field_selector=field_sel or None)["items"]
            except ApiError as e:
                raise KubectlError(error_text(e))
            for o in items:
                md = o.get("metadata") or {}
                targets.append((ri, md.get("name", ""), md.get("namespace") or None))
    out: list[str] = []
    errs: list[str] = []
    warning = ""
    if force and grace == 0:
        warning = ("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
                   "terminated. The resource may continue to run on the cluster indefinitely.\n")
    found = 0
    for ri, name, ns in targets:
        kw: dict[str, Any] = {"propagation_policy": policies[cascade]}
        if grace >= 0:
            kw["grace_period_seconds"] = grace
        if suffix:
            kw["dry_run"] = True
        try:
            client.delete(ri.plural, name, ns, **kw)
        except ApiError as e:
            if e.code == 404 and opts.get("ignore-not-found"):
                continue
            errs.append(error_text(e))
            continue
        found += 1
        out.append(_deleted_line(ri, name, force and grace == 0, suffix))
    if errs:
        raise KubectlError(warning + "".join(e + "\n" for e in errs), stdout="".join(out))
    if not targets and not inputs:
        return "No resources found\n"
    return "".join(out)


# ---------------------------------------------------------------------------- scale
SCALE_FLAGS = [Flag("replicas", "", "int", None), Flag("current-replicas", "", "int", -1),
               Flag("resource-version"), Flag("filename", "f", "array"), Flag("selector", "l"),
               Flag("all", "", "bool", False), Flag("dry-run", "", "string", "none"), Flag("output", "o"),
               Flag("timeout", "", "string", "0s"), Flag("recursive", "R", "bool", False)]


def run_scale(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    namespace = opts.get("namespace") or "default"
    replicas = opts.get("replicas")
    if replicas is None:
        raise KubectlError('error: required flag(s) "replicas" not set')
    if replicas < 0:
        raise KubectlError("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    suffix = _dry_run_suffix(opts)
    targets: list[tuple[Any, str, str | None]] = []
    inputs = _manifest_inputs(opts, stdin)
    if inputs:
        from .apply import prepare

        for item in prepare(inputs, opts.get("namespace"), enforce_namespace=False):
            targets.append((item.ri, item.name, item.namespace))
    elif not args:
        raise KubectlError(RESOURCE_HINT)
    else:
        for ri, names in parse_resource_args(args):
            ns = namespace if ri.namespaced else None
            if not names:
                if not (opts.get("selector") or opts.get("all")):
                    raise KubectlError("error: resource(s) were provided, but no name was specified")
                items = client.list(ri.plural, ns, label_selector=opts.get("selector") or None)["items"]
                targets.extend((ri, (o.get("metadata") or {}).get("name", ""), ns) for o in items)
            else:
                targets.extend((ri, n, ns) for n in names)
    if not targets:
        return "No resources found\n"
    out: list[str] = []
    for ri, name, ns in targets:
        try:
            if opts.get("current-replicas", -1) >= 0:
                cur = client.get_scale(ri.plural, name, ns)
                if cur["spec"].get("replicas") != opts["current-replicas"]:
                    raise KubectlError(f"error: Expected replicas to be {opts['current-replicas']}, was "
                                       f"{cur['spec'].get('replicas')}", stdout="".join(out))
            if suffix:
                client.get_scale(ri.plural, name, ns)
            else:
                client.update_scale(ri.plural, name, ns, replicas)
        except ApiError as e:
            raise KubectlError(error_text(e), stdout="".join(out))
        out.append(f"{kind_group(ri)}/{name} scaled{suffix}\n")
    return "".join(out)


# ---------------------------------------------------------------------------- label / annotate
META_FLAGS = [Flag("overwrite", "", "bool", False), Flag("selector", "l"), Flag("all", "", "bool", False),
              Flag("all-namespaces", "A", "bool", False), Flag("filename", "f", "array"),
              Flag("dry-run", "", "string", "none"), Flag("output", "o"), Flag("list", "", "bool", False),
              Flag("local", "", "bool", False), Flag("resource-version"), Flag("field-selector"),
              Flag("recursive", "R", "bool", False)]


def _split_updates(args: list[str], label: bool) -> tuple[list[str], dict[str, str], list[str]]:
    """Separate resource arguments from ``key=value`` and ``key-`` updates (label.go parseLabels,
    annotate.go parseAnnotations)."""
    resources, updates, removes = [], {}, []
    for a in args:
        if "=" in a:
            if label:
                parts = a.split("=")
                if len(parts) != 2:
                    raise KubectlError(f"error: invalid label spec: {a}")
                from ..api.validation import is_valid_label_value

                errs = is_valid_label_value(parts[1])
                if errs:
                    raise KubectlError(f'error: invalid label value: "{a}": {";".join(errs)}')
                updates[parts[0]] = parts[1]
            else:
                k, _, v = a.partition("=")
                if not k:
                    raise KubectlError(f"error: invalid annotation spec: {a}")
                updates[k] = v
        elif a.endswith("-") and len(a) > 1:
            removes.append(a[:-1])
        else:
            resources.append(a)
    return resources, updates, removes


def run_label(client: Any, args: list[str], opts: dict, stdin: str | None, *, field: str = "labels") -> str:
    label = field == "labels"
    cmd = "label" if label else "annotate"
    namespace = opts.get("namespace") or "default"
    resources, updates, removes = _split_updates(args, label)
    if not updates and not removes and not opts.get("list"):
        raise KubectlError(f"error: at least one {'label' if label else 'annotation'} update is required")
    for k in removes:
        if k in updates:
            raise KubectlError(f"error: can not both modify and remove {'a label' if label else 'an annotation'} "
                               "in the same command")
    suffix = _dry_run_suffix(opts)
    targets: list[tuple[Any, dict]] = []
    inputs = _manifest_inputs(opts, stdin)
    try:
        if inputs:
            from .apply import prepare

            for item in prepare(inputs, opts.get("namespace"), enforce_namespace=bool(opts.get("namespace"))):
                targets.append((item.ri, client.get(item.ri.plural, item.name, item.namespace)))
        elif not resources:
            raise KubectlError(RESOURCE_HINT)
        else:
            for ri, names in parse_resource_args(resources):
                ns = None if not ri.namespaced else (None if opts.get("all-namespaces") else namespace)
                if names:
                    targets.extend((ri, client.get(ri.plural, n, ns)) for n in names)
                elif opts.get("selector") or opts.get("all") or opts.get("field-selector"):
                    items = client.list(ri.plural, ns, label_selector=opts.get("selector") or None,
                                        field_selector=opts.get("field-selector") or None)["items"]
                    targets.extend((ri, o) for o in items)
                else:
                    raise KubectlError("error: resource(s) were provided, but no name was specified")
    except ApiError as e:
        raise KubectlError(error_text(e))
    out: list[str] = []
    for ri, obj in targets:
        current = dict((obj.get("metadata") or {}).get(field) or {})
        if not opts.get("overwrite"):
            for k in updates:
                if k in current and current[k] != updates[k]:
                    if label:
                        raise KubectlError(f"error: '{k}' already has a value ({current[k]}), and --overwrite is false",
                                           stdout="".join(out))
                    raise KubectlError("error: --overwrite is false but found the following declared annotation(s): "
                                       f"'{k}' already has a value ({current[k]})", stdout="".join(out))
        new = dict(current)
        new.update(updates)
        for k in removes:
            if k in new:
                del new[k]
            elif label:
                out.append(f'label "{k}" not found.\n')
        old_json = compact_json(obj)
        new_obj = copy.deepcopy(obj)
        new_obj.setdefault("metadata", {})[field] = new
        new_json = compact_json(new_obj)
        if label:
            msg = "not labeled"
            if old_json != new_json:
                msg = "labeled"
                if not opts.get("overwrite") and len(new_json) < len(old_json):
                    msg = "unlabeled"
        else:
            msg = "annotated"
        md = obj.get("metadata") or {}
        if old_json != new_json:
            patch = {"metadata": {field: {**{k: v for k, v in updates.items()}, **{k: None for k in removes if k in current}}}}
            try:
                client.patch(ri.plural, md.get("name", ""), patch, namespace=md.get("namespace") or None,
                             patch_type="merge", dry_run=bool(suffix))
            except ApiError as e:
                raise KubectlError(error_text(e), stdout="".join(out))
        out.append(f"{kind_group(ri)}/{md.get('name', '')} {msg}{suffix}\n")
    return "".join(out)


def run_annotate(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    return run_label(client, args, opts, stdin, field="annotations")
