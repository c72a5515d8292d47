"""API discovery documents: ``/api``, ``/apis``, ``/api/v1``, ``/apis/<group>/<version>``, ``/version``.

upstream: staging/src/k8s.io/apiserver/pkg/endpoints/discovery (legacy APIVersions,
APIGroupList and APIResourceList) and staging/src/k8s.io/apiserver/pkg/endpoints/
discovery/aggregated (the ``apidiscovery.k8s.io/v2`` APIGroupDiscoveryList that kubectl 1.32
asks for first). Both are built from :mod:`k8slab.api.resources`, plus the virtual review
resources of authorization.k8s.io and authentication.k8s.io that the HTTP layer answers.
"""

from __future__ import annotations

from ..api import resources as res
from ..api.resources import ResourceInfo

#: what /version answers. The gcloud kubectl dispatcher picks the kubectl binary by minor
#: version, so the minor must read "32" (see shared/notes/kubectl-wire.md).
VERSION_INFO = {
    "major": "1",
    "minor": "32",
    "emulationMajor": "1",
    "emulationMinor": "32",
    "minCompatibilityMajor": "1",
    "minCompatibilityMinor": "31",
    "gitVersion": "v1.32.0-k8slab",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2024-12-11T00:00:00Z",
    "goVersion": "go1.23.3",
    "compiler": "gc",
    "platform": "linux/amd64",
}

AGGREGATED_CONTENT_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


# A served-but-virtual resource (create only): the review APIs.
class _Virtual:
    def __init__(self, plural: str, kind: str, group: str, namespaced: bool = False):
        self.plural, self.kind, self.group, self.version = plural, kind, group, "v1"
        self.singular = kind.lower()
        self.namespaced = namespaced
        self.short_names: tuple[str, ...] = ()
        self.categories: tuple[str, ...] = ()
        self.verbs = ("create",)
        self.subresources: tuple[str, ...] = ()


VIRTUAL = [
    _Virtual("selfsubjectaccessreviews", "SelfSubjectAccessReview", "authorization.k8s.io"),
    _Virtual("subjectaccessreviews", "SubjectAccessReview", "authorization.k8s.io"),
    _Virtual("localsubjectaccessreviews", "LocalSubjectAccessReview", "authorization.k8s.io", namespaced=True),
    _Virtual("selfsubjectrulesreviews", "SelfSubjectRulesReview", "authorization.k8s.io"),
    _Virtual("tokenreviews", "TokenReview", "authentication.k8s.io"),
    _Virtual("selfsubjectreviews", "SelfSubjectReview", "authentication.k8s.io"),
]

#: subresource -> (group, version, kind, verbs); kind None means the parent's kind
SUBRESOURCES = {
    "status": (None, None, None, ("get", "patch", "update")),
    "scale": ("autoscaling", "v1", "Scale", ("get", "patch", "update")),
    "binding": ("", "v1", "Binding", ("create",)),
    "log": ("", "v1", "Pod", ("get",)),
    "token": ("authentication.k8s.io", "v1", "TokenRequest", ("create",)),
    "proxy": ("", "v1", "ServiceProxyOptions", ("create", "delete", "get", "patch", "update")),
    "eviction": ("policy", "v1", "Eviction", ("create",)),
}


def _all() -> list:
    return list(res.RESOURCES) + VIRTUAL


def group_versions() -> dict[str, list[str]]:
    """group -> versions served, in discovery order (core group "" first)."""
    out: dict[str, list[str]] = {}
    for r in _all():
        vs = out.setdefault(r.group, [])
        if r.version not in vs:
            vs.append(r.version)
    return out


def resources_in(group: str, version: str) -> list:
    return [r for r in _all() if r.group == group and r.version == version]


def api_versions() -> dict:
    """``GET /api`` (legacy): APIVersions."""
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]}


def api_group_list() -> dict:
    """``GET /apis`` (legacy): APIGroupList of every named group."""
    groups = []
    for g, vs in group_versions().items():
        if not g:
            continue
        gvs = [{"groupVersion": f"{g}/{v}", "version": v} for v in vs]
        groups.append({"name": g, "versions": gvs, "preferredVersion": gvs[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group: str) -> dict | None:
    """``GET /apis/<group>``: one APIGroup."""
    vs = group_versions().get(group)
    if not group or not vs:
        return None
    gvs = [{"groupVersion": f"{group}/{v}", "version": v} for v in vs]
    return {"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": gvs, "preferredVersion": gvs[0]}


def _sub_entry(r, sub: str) -> tuple[str, str, str, tuple[str, ...]]:
    g, v, k, verbs = SUBRESOURCES.get(sub, (None, None, None, ("get",)))
    return (r.group if g is None else g, r.version if v is None else v, r.kind if k is None else k, verbs)


def api_resource_list(group: str, version: str) -> dict | None:
    """``GET /api/v1`` or ``/apis/<g>/<v>``: APIResourceList, subresources as ``pods/log``."""
    rs = resources_in(group, version)
    if not rs:
        return None
    out = []
    for r in sorted(rs, key=lambda r: r.plural):
        e = {"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced, "kind": r.kind,
             "verbs": list(r.verbs)}
        if r.short_names:
            e["shortNames"] = list(r.short_names)
        if r.categories:
            e["categories"] = list(r.categories)
        out.append(e)
        for sub in r.subresources:
            g, v, k, verbs = _sub_entry(r, sub)
            se = {"name": f"{r.plural}/{sub}", "singularName": "", "namespaced": r.namespaced, "kind": k,
                  "verbs": list(verbs)}
            if (g, v) != (r.group, r.version):
                se["group"], se["version"] = g, v
            out.append(se)
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{group}/{version}" if group else version,
            "resources": out}


def aggregated(core: bool) -> dict:
    """``GET /api`` or ``/apis`` with the v2 aggregated Accept: APIGroupDiscoveryList."""
    items = []
    for g, vs in group_versions().items():
        if core != (g == ""):
            continue
        versions = []
        for v in vs:
            rlist = []
            for r in sorted(resources_in(g, v), key=lambda r: r.plural):
                e = {"resource": r.plural, "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
                     "scope": "Namespaced" if r.namespaced else "Cluster", "singularResource": r.singular,
                     "verbs": list(r.verbs)}
                if r.short_names:
                    e["shortNames"] = list(r.short_names)
                if r.categories:
                    e["categories"] = list(r.categories)
                subs = []
                for sub in r.subresources:
                    sg, sv, sk, verbs = _sub_entry(r, sub)
                    subs.append({"subresource": sub, "responseKind": {"group": sg, "version": sv, "kind": sk},
                                 "verbs": list(verbs)})
                if subs:
                    e["subresources"] = subs
                rlist.append(e)
            versions.append({"version": v, "resources": rlist, "freshness": "Current"})
        items.append({"metadata": {"name": g, "creationTimestamp": None}, "versions": versions})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items}


def find(group: str, version: str, plural: str) -> ResourceInfo | None:
    """The served resource at ``/apis/<group>/<version>/<plural>`` (real resources only)."""
    r = res.for_plural(plural, group)
    if r is None or r.version != version:
        return None
    return r


def find_virtual(group: str, version: str, plural: str):
    for v in VIRTUAL:
        if (v.group, v.version, v.plural) == (group, version, plural):
            return v
    return None
