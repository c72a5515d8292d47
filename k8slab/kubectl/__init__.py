"""kubectl over the API client: command lines in, the exact text kubectl v1.32 prints out.

``run(client, "get pods -o wide")`` parses a kubectl command line, performs it through the
API client (as the admin user, source ``kubectl``) and returns what kubectl prints on
stdout. Failures raise :class:`KubectlError` whose ``output`` is kubectl's stderr.
``apply_manifest`` is the engine behind ``kubectl apply -f`` and ``Cluster.apply``;
``load_manifests`` parses manifests the way kubectl reads them.

Choices where a Python function cannot be a terminal:

- ``No resources found in default namespace.`` goes to stderr in kubectl but is not an
  error; ``run`` returns that line (notebooks show it).
- When a command prints some results and fails on others (``get pods a b`` with ``b``
  missing), the error is raised and what went to stdout is on ``KubectlError.stdout``.
- Warnings kubectl writes to stderr on success (``label "x" not found.``) are dropped.
- ``--watch`` is refused (advance the simulation and ``get`` again); ``delete`` does not
  wait for the object to disappear (kubectl's ``--wait``): run the cluster instead.
- Unknown-flag errors read as cobra prints them: ``Error: unknown flag: --foo`` followed
  by ``See 'kubectl get --help' for usage.``; ``required flag(s) "image" not set`` is
  printed as ``error: ...`` (v1.32 logs it through klog with a timestamp).

upstream: staging/src/k8s.io/kubectl/pkg/cmd (one module here per command group).
"""

from __future__ import annotations

import shlex
from typing import Any, Callable

from ..api.errors import ApiError
from .apply import ApplyResult, apply_manifest, create_manifest
from .errors import KubectlError, error_text
from .flags import GLOBAL_FLAGS, parse
from .manifests import load_manifests
from . import services as _services  # noqa: F401,E402  (EndpointSlice printer, describe service)

__all__ = ["run", "apply_manifest", "create_manifest", "load_manifests", "ApplyResult", "KubectlError"]


def _commands() -> dict[str, tuple[list, Callable[..., str]]]:
    from . import commands, describe, get

    return {
        "get": (get.FLAGS, lambda c, a, o, s: get.run_get(c, a, {**o, "_stdin": s or ""})),
        "describe": (describe.FLAGS, lambda c, a, o, s: describe.run_describe(c, a, {**o, "_stdin": s or ""})),
        "apply": (commands.APPLY_FLAGS, commands.run_apply),
        "create": (commands.CREATE_FLAGS, commands.run_create),
        "delete": (commands.DELETE_FLAGS, commands.run_delete),
        "scale": (commands.SCALE_FLAGS, commands.run_scale),
        "label": (commands.META_FLAGS, commands.run_label),
        "annotate": (commands.META_FLAGS, commands.run_annotate),
        "logs": (_logs().FLAGS, _logs().run_logs),
        "exec": (_exec().FLAGS, _exec().run_exec),
        "events": (lambda ev: (ev.FLAGS, ev.run_events))(__import__(f"{__name__}.events", fromlist=["FLAGS"])),
        **_scaling_commands(),  # top, autoscale (+ the HPA printer for get): kubectl/top.py, kubectl/autoscale.py
        **_controller_commands(),
    }


def _controller_commands() -> dict[str, tuple[list, Callable[..., str]]]:
    """``rollout`` (kubectl/rollout.py) and ``cordon``/``uncordon``/``drain`` (kubectl/drain.py)."""
    from . import rollout

    table: dict[str, tuple[list, Callable[..., str]]] = {"rollout": (rollout.FLAGS, rollout.run_rollout)}
    try:
        from . import drain
    except ImportError:  # pragma: no cover - drain.py lands separately
        return table
    table.update(drain.COMMANDS)
    return table


def _scaling_commands() -> dict[str, tuple[list, Callable[..., str]]]:
    from . import autoscale, top

    return {"top": (top.FLAGS, top.run_top), "autoscale": (autoscale.FLAGS, autoscale.run_autoscale)}


def _logs():
    from . import logs

    return logs


def _exec():
    from . import exec as exec_

    return exec_


_KNOWN_UNSUPPORTED = {"rollout", "edit", "patch", "replace", "expose", "run", "set", "autoscale",
                      "port-forward", "proxy", "cp", "auth", "debug", "events", "top", "cordon", "uncordon", "drain",
                      "taint", "wait", "diff", "kustomize", "explain", "api-resources", "api-versions", "config",
                      "cluster-info", "certificate", "attach", "plugin", "version", "completion", "alpha"}


def _split_command(tokens: list[str]) -> tuple[str, list[str]]:
    """The subcommand and the rest (global flags may come before the subcommand)."""
    takes_value = {f"--{f.name}" for f in GLOBAL_FLAGS} | {f"-{f.short}" for f in GLOBAL_FLAGS if f.short}
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.startswith("-"):
            rest.append(t)
            if t in takes_value:
                if i + 1 < len(tokens):
                    rest.append(tokens[i + 1])
                i += 1
            i += 1
            continue
        return t, rest + tokens[i + 1:]
    return "", rest


def run(client: Any, command: str | list[str], *, stdin: str | None = None) -> str:
    """Run one kubectl command line and return what kubectl prints on stdout.

    ``command`` may start with ``kubectl`` or not, and may be a list of arguments.
    ``stdin`` is what ``-f -`` reads. Raises KubectlError (``str(e)`` is kubectl's stderr).
    """
    tokens = shlex.split(command) if isinstance(command, str) else list(command)
    if tokens and tokens[0] == "kubectl":
        tokens = tokens[1:]
    name, args = _split_command(tokens)
    if not name:
        raise KubectlError("error: k8slab's kubectl needs a command: get, describe, apply, create, delete, scale, "
                           "label or annotate")
    table = _commands()
    if name not in table:
        if name in _KNOWN_UNSUPPORTED:
            raise KubectlError(f'error: k8slab\'s kubectl does not implement "{name}"')
        raise KubectlError(f'Error: unknown command "{name}" for "kubectl"\nRun \'kubectl --help\' for usage.')
    flags, fn = table[name]
    positional, opts = parse(name, args, flags)
    try:
        return fn(client, positional, opts, stdin)
    except KubectlError:
        raise
    except ApiError as e:
        raise KubectlError(error_text(e))
