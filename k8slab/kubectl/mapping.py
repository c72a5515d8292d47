"""Resource types as kubectl resolves them through discovery.

upstream: staging/src/k8s.io/client-go/restmapper (shortcut expansion, categories),
staging/src/k8s.io/cli-runtime/pkg/resource/builder.go (``ResourceTypeOrNameArgs``),
the discovery order of a v1.32 kube-apiserver (core first, then the API groups in the
order /apis lists them; resources of a group alphabetically).
"""

from __future__ import annotations

from ..api import resources as res
from ..api.resources import ResourceInfo
from .errors import KubectlError

# /apis group order of a v1.32 kube-apiserver (core "" first)
GROUP_ORDER = ["", "apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io",
               "authorization.k8s.io", "autoscaling", "batch", "certificates.k8s.io", "networking.k8s.io",
               "policy", "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io",
               "apiextensions.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io",
               "discovery.k8s.io", "flowcontrol.apiserver.k8s.io", "resource.k8s.io"]


def _discovery_key(r: ResourceInfo) -> tuple[int, str]:
    g = GROUP_ORDER.index(r.group) if r.group in GROUP_ORDER else len(GROUP_ORDER)
    return g, r.plural


def served() -> list[ResourceInfo]:
    """Every served resource in discovery order."""
    return sorted(res.RESOURCES, key=_discovery_key)


def category(name: str) -> list[ResourceInfo]:
    """The resources in a category (``all``), in discovery order."""
    return [r for r in served() if name in r.categories]


def resolve_type(name: str) -> ResourceInfo:
    """What ``kubectl get <name>`` means: plural, singular, short name or kind, optionally
    ``.group`` or ``.version.group``; ``error: the server doesn't have a resource type`` else."""
    n = name.lower()
    plural, _, rest = n.partition(".")
    group = None
    if rest:
        parts = rest.split(".")
        if parts[0].startswith("v") and parts[0][1:2].isdigit() and len(parts) > 1:
            group = ".".join(parts[1:])
        else:
            group = rest
    for r in served():
        if group is not None and r.group != group:
            continue
        if plural in (r.plural, r.singular, r.kind.lower()) or plural in r.short_names:
            return r
    raise KubectlError(f'error: the server doesn\'t have a resource type "{name}"')


def kind_group(r: ResourceInfo) -> str:
    """``pod`` or ``deployment.apps``: how kubectl names a type in ``pod/x`` and ``"x" deleted``."""
    return f"{r.kind.lower()}.{r.group}" if r.group else r.kind.lower()


def for_object(obj: dict) -> ResourceInfo | None:
    return res.for_kind(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))


def parse_resource_args(args: list[str]) -> list[tuple[ResourceInfo, list[str]]]:
    """ResourceTypeOrNameArgs: ``pods``, ``pods,deploy``, ``pod a b``, ``pod/a deploy/b``, ``all``.

    Returns (resource, names) pairs in the order kubectl visits them; an empty name list
    means "list them all".
    """
    if not args:
        return []
    if any("/" in a for a in args):
        out: list[tuple[ResourceInfo, list[str]]] = []
        for a in args:
            if "/" not in a:
                raise KubectlError("error: there is no need to specify a resource type as a separate argument when "
                                   "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
                                   "instead of 'kubectl get resource resource/<resource_name>'")
            t, _, n = a.partition("/")
            if "/" in n or not t:
                raise KubectlError(f"error: arguments in resource/name form may not have more than one slash")
            if not n:
                raise KubectlError(f"error: arguments in resource/name form must have a single resource and name")
            r = resolve_type(t)
            if out and out[-1][0] == r:
                out[-1][1].append(n)
            else:
                out.append((r, [n]))
        return out
    types: list[ResourceInfo] = []
    for t in args[0].split(","):
        if not t:
            continue
        if t.lower() == "all":
            for r in category("all"):
                if r not in types:
                    types.append(r)
        else:
            r = resolve_type(t)
            if r not in types:
                types.append(r)
    names = args[1:]
    return [(r, list(names)) for r in types]
