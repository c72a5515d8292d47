"""KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): load, default, validate,
and build one framework per profile.

upstream: pkg/scheduler/apis/config/v1/default_plugins.go (``getDefaultPlugins``,
``mergePlugins``), pkg/scheduler/apis/config/v1/defaults.go (``SetDefaults_*``),
pkg/scheduler/apis/config/validation/validation.go, and
pkg/scheduler/framework/runtime/framework.go (``NewFramework``, ``expandMultiPointPlugins``,
``getScoreWeights``). Plugins enabled through ``multiPoint`` go to every extension point
they implement, in the multiPoint order; a plugin named at a specific extension point
overrides its multiPoint entry there.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Optional

from .framework.runtime import _METHOD, EXTENSION_POINTS, Framework
from .plugins import in_tree_registry, names

API_VERSION = "kubescheduler.config.k8s.io/v1"
KIND = "KubeSchedulerConfiguration"
DEFAULT_SCHEDULER_NAME = "default-scheduler"

#: upstream: getDefaultPlugins (v1.32; DynamicResources only with the DRA feature gate, off in v1.32)
DEFAULT_PLUGINS = [
    {"name": names.SCHEDULING_GATES},
    {"name": names.PRIORITY_SORT},
    {"name": names.NODE_UNSCHEDULABLE},
    {"name": names.NODE_NAME},
    {"name": names.TAINT_TOLERATION, "weight": 3},
    {"name": names.NODE_AFFINITY, "weight": 2},
    {"name": names.NODE_PORTS},
    {"name": names.NODE_RESOURCES_FIT, "weight": 1},
    {"name": names.VOLUME_RESTRICTIONS},
    {"name": names.NODE_VOLUME_LIMITS},
    {"name": names.VOLUME_BINDING},
    {"name": names.VOLUME_ZONE},
    {"name": names.POD_TOPOLOGY_SPREAD, "weight": 2},
    {"name": names.INTER_POD_AFFINITY, "weight": 2},
    {"name": names.DEFAULT_PREEMPTION},
    {"name": names.NODE_RESOURCES_BALANCED_ALLOCATION, "weight": 1},
    {"name": names.IMAGE_LOCALITY, "weight": 1},
    {"name": names.DEFAULT_BINDER},
]

#: upstream: v1/defaults.go SetDefaults_<Plugin>Args
DEFAULT_ARGS: dict[str, dict] = {
    names.DEFAULT_PREEMPTION: {"minCandidateNodesPercentage": 10, "minCandidateNodesAbsolute": 100},
    names.INTER_POD_AFFINITY: {"hardPodAffinityWeight": 1, "ignorePreferredTermsOfExistingPods": False},
    names.NODE_AFFINITY: {},
    names.NODE_RESOURCES_BALANCED_ALLOCATION: {"resources": [{"name": "cpu", "weight": 1},
                                                             {"name": "memory", "weight": 1}]},
    names.NODE_RESOURCES_FIT: {"scoringStrategy": {"type": "LeastAllocated",
                                                   "resources": [{"name": "cpu", "weight": 1},
                                                                 {"name": "memory", "weight": 1}]}},
    names.POD_TOPOLOGY_SPREAD: {"defaultingType": "System"},
    names.VOLUME_BINDING: {"bindTimeoutSeconds": 600},
}

#: the Go interface names, for upstream's error messages
_PLUGIN_TYPE = {"preEnqueue": "PreEnqueuePlugin", "queueSort": "QueueSortPlugin", "preFilter": "PreFilterPlugin",
                "filter": "FilterPlugin", "postFilter": "PostFilterPlugin", "preScore": "PreScorePlugin",
                "score": "ScorePlugin", "reserve": "ReservePlugin", "permit": "PermitPlugin",
                "preBind": "PreBindPlugin", "bind": "BindPlugin", "postBind": "PostBindPlugin"}
#: upstream: getExtensionPoints order (the order errors are found in)
_EXPANSION_ORDER = ("preFilter", "filter", "postFilter", "reserve", "preScore", "score", "preBind", "bind",
                    "postBind", "permit", "preEnqueue", "queueSort")


class ConfigError(ValueError):
    """An invalid KubeSchedulerConfiguration (the message is upstream's field error list)."""


@dataclass
class Profile:
    scheduler_name: str
    plugins: dict
    plugin_config: dict[str, dict]
    percentage_of_nodes_to_score: Optional[int] = None


@dataclass
class SchedulerConfig:
    """The defaulted configuration."""

    parallelism: int = 16
    percentage_of_nodes_to_score: int = 0
    pod_initial_backoff_seconds: int = 1
    pod_max_backoff_seconds: int = 10
    profiles: list[Profile] = field(default_factory=list)
    raw: dict = field(default_factory=dict)


def _merge_plugin_set(default: dict, custom: dict) -> dict:
    """upstream: mergePluginSet."""
    disabled_names = {p["name"] for p in custom.get("disabled") or ()} | {p["name"] for p in default.get("disabled") or ()}
    custom_enabled = list(custom.get("enabled") or ())
    by_name = {p["name"]: (i, p) for i, p in enumerate(custom_enabled)}
    replaced = set()
    enabled = []
    if "*" not in disabled_names:
        for p in default.get("enabled") or ():
            if p["name"] in disabled_names:
                continue
            if p["name"] in by_name:
                i, cp = by_name[p["name"]]
                p = cp
                replaced.add(i)
            enabled.append(p)
    enabled += [p for i, p in enumerate(custom_enabled) if i not in replaced]
    disabled = [{"name": p["name"]} for p in (custom.get("disabled") or [])] + \
               [{"name": p["name"]} for p in (default.get("disabled") or [])]
    return {"enabled": enabled, "disabled": disabled}


def _load(config: Any) -> dict:
    if config is None:
        return {"apiVersion": API_VERSION, "kind": KIND}
    if isinstance(config, str):
        import yaml

        try:
            config = yaml.safe_load(config)
        except yaml.YAMLError as e:
            raise ConfigError(f"couldn't decode as KubeSchedulerConfiguration: {e}") from None
    if not isinstance(config, dict):
        raise ConfigError("couldn't decode as KubeSchedulerConfiguration: not an object")
    config = copy.deepcopy(config)
    av, kind = config.get("apiVersion", ""), config.get("kind", "")
    if kind != KIND or av != API_VERSION:
        raise ConfigError(f'no kind "{kind}" is registered for version "{av}" in scheme '
                          f'"pkg/scheduler/apis/config/scheme/scheme.go:30"')
    return config


def load_config(config: Any = None) -> SchedulerConfig:
    """Parse (YAML text or dict), default and validate a KubeSchedulerConfiguration.

    Raises :class:`ConfigError` with upstream's messages for an invalid one.
    """
    raw = _load(config)
    errs: list[str] = []
    cfg = SchedulerConfig(raw=raw)
    cfg.parallelism = raw.get("parallelism", 16)
    cfg.percentage_of_nodes_to_score = raw.get("percentageOfNodesToScore") or 0
    cfg.pod_initial_backoff_seconds = raw.get("podInitialBackoffSeconds", 1)
    cfg.pod_max_backoff_seconds = raw.get("podMaxBackoffSeconds", 10)
    if not isinstance(cfg.parallelism, int) or cfg.parallelism <= 0:
        errs.append(f"parallelism: Invalid value: {cfg.parallelism}: should be an integer value greater than zero")
    p = cfg.percentage_of_nodes_to_score
    if not isinstance(p, int) or p < 0 or p > 100:
        errs.append(f"percentageOfNodesToScore: Invalid value: {p}: not in valid range [0-100]")
    if not isinstance(cfg.pod_initial_backoff_seconds, int) or cfg.pod_initial_backoff_seconds <= 0:
        errs.append(f"podInitialBackoffSeconds: Invalid value: {cfg.pod_initial_backoff_seconds}: must be greater than 0")
    if not isinstance(cfg.pod_max_backoff_seconds, int) or \
            (isinstance(cfg.pod_initial_backoff_seconds, int) and cfg.pod_max_backoff_seconds < cfg.pod_initial_backoff_seconds):
        errs.append(f"podMaxBackoffSeconds: Invalid value: {cfg.pod_max_backoff_seconds}: must be greater than or "
                    f"equal to PodInitialBackoffSeconds")
    raw_profiles = raw.get("profiles") or [{}]
    if len(raw_profiles) == 1 and not raw_profiles[0].get("schedulerName"):
        raw_profiles[0]["schedulerName"] = DEFAULT_SCHEDULER_NAME
    seen = set()
    for i, rp in enumerate(raw_profiles):
        name = rp.get("schedulerName") or ""
        if not name:
            errs.append(f"profiles[{i}].schedulerName: Required value")
        elif name in seen:
            errs.append(f'profiles[{i}].schedulerName: Duplicate value: "{name}"')
        seen.add(name)
        pct = rp.get("percentageOfNodesToScore")
        if pct is not None and (not isinstance(pct, int) or pct < 0 or pct > 100):
            errs.append(f"profiles[{i}].percentageOfNodesToScore: Invalid value: {pct}: not in valid range [0-100]")
        custom = rp.get("plugins") or {}
        plugins = {"multiPoint": _merge_plugin_set({"enabled": DEFAULT_PLUGINS}, custom.get("multiPoint") or {})}
        for ep in EXTENSION_POINTS:
            plugins[ep] = _merge_plugin_set({}, custom.get(ep) or {})
        pc: dict[str, dict] = {}
        for j, item in enumerate(rp.get("pluginConfig") or ()):
            n = item.get("name", "")
            if n in pc:
                errs.append(f'profiles[{i}].pluginConfig[{j}]: Duplicate value: "{n}"')
            args = {k: v for k, v in (item.get("args") or {}).items() if k not in ("apiVersion", "kind")}
            pc[n] = _default_args(n, args)
        for n in _plugin_names(plugins):
            if n not in pc and n in DEFAULT_ARGS:
                pc[n] = copy.deepcopy(DEFAULT_ARGS[n])
        cfg.profiles.append(Profile(name, plugins, pc, pct))
    if len(cfg.profiles) > 1:
        qs0 = cfg.profiles[0].plugins["queueSort"], cfg.profiles[0].plugins["multiPoint"]
        for i, prof in enumerate(cfg.profiles[1:], 1):
            if _queue_sort_of(prof) != _queue_sort_of(cfg.profiles[0]):
                errs.append(f"profiles[{i}].plugins.queueSort: Invalid value: {_queue_sort_of(prof)}: "
                            f"queueSort must be the same for all profiles")
    if errs:
        raise ConfigError(errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]")
    return cfg


def _queue_sort_of(prof: Profile) -> list[str]:
    qs = [p["name"] for p in prof.plugins["queueSort"]["enabled"]]
    return qs or [p["name"] for p in prof.plugins["multiPoint"]["enabled"] if p["name"] == names.PRIORITY_SORT]


def _default_args(name: str, args: dict) -> dict:
    """upstream: scheme.Default on a plugin's args."""
    out = copy.deepcopy(args)
    if name == names.NODE_RESOURCES_FIT:
        ss = out.get("scoringStrategy")
        if ss is None:
            out["scoringStrategy"] = copy.deepcopy(DEFAULT_ARGS[name]["scoringStrategy"])
        else:
            if not ss.get("resources"):
                ss["resources"] = copy.deepcopy(DEFAULT_ARGS[name]["scoringStrategy"]["resources"])
            for r in ss["resources"]:
                if not r.get("weight"):
                    r["weight"] = 1
    elif name in DEFAULT_ARGS:
        for k, v in DEFAULT_ARGS[name].items():
            out.setdefault(k, copy.deepcopy(v))
        if name == names.NODE_RESOURCES_BALANCED_ALLOCATION:
            for r in out.get("resources") or ():
                if not r.get("weight"):
                    r["weight"] = 1
    return out


def _plugin_names(plugins: dict) -> list[str]:
    out: list[str] = []
    for ps in plugins.values():
        for p in ps.get("enabled") or ():
            if p["name"] not in out:
                out.append(p["name"])
    return out


def build_framework(prof: Profile, handle: Any, registry: dict | None = None) -> Framework:
    """upstream: runtime.NewFramework -- instantiate the profile's plugins and lay them out."""
    registry = registry or in_tree_registry()
    instances: dict[str, Any] = {}
    for n in _plugin_names(prof.plugins):
        factory = registry.get(n)
        if factory is None:
            continue  # reported below as "<Type> "n" does not exist"
        try:
            instances[n] = factory(prof.plugin_config.get(n, {}), handle)
        except ValueError as e:
            raise ConfigError(f"initializing plugin {n!r}: {e}") from None
    layout: dict[str, list[Any]] = {}
    for ep in _EXPANSION_ORDER:
        method = _METHOD[ep]
        specific = prof.plugins[ep]
        enabled = []
        for p in specific["enabled"]:
            pg = instances.get(p["name"])
            if pg is None:
                raise ConfigError(f'{_PLUGIN_TYPE[ep]} "{p["name"]}" does not exist')
            if not hasattr(pg, method):
                raise ConfigError(f'plugin "{p["name"]}" does not extend {_PLUGIN_TYPE[ep]} plugin')
            if p["name"] in enabled:
                raise ConfigError(f'plugin "{p["name"]}" already registered as "{_PLUGIN_TYPE[ep]}"')
            enabled.append(p["name"])
        disabled = {p["name"] for p in specific["disabled"]}
        order = list(enabled)
        if "*" not in disabled:
            overrides, multi = [], []
            for p in prof.plugins["multiPoint"]["enabled"]:
                pg = instances.get(p["name"])
                if pg is None:
                    raise ConfigError(f'{_PLUGIN_TYPE[ep]} "{p["name"]}" does not exist')
                if not hasattr(pg, method) or p["name"] in disabled:
                    continue
                if p["name"] in enabled:
                    overrides.append(p["name"])
                    continue
                if p["name"] in multi:
                    raise ConfigError(f'plugin "{p["name"]}" already registered as "{_PLUGIN_TYPE[ep]}"')
                multi.append(p["name"])
            order = [n for n in enabled if n in overrides] + multi + [n for n in enabled if n not in overrides]
        layout[ep] = [instances[n] for n in order]
    if len(layout["queueSort"]) != 1:
        raise ConfigError(f"only one queue sort plugin required for profile with scheduler name "
                          f'"{prof.scheduler_name}", but got {len(layout["queueSort"])}')
    if not layout["bind"]:
        raise ConfigError(f'at least one bind plugin is needed for profile with scheduler name "{prof.scheduler_name}"')
    # getScoreWeights: a specific Score weight wins over the multiPoint one; 0 means 1
    weights: dict[str, int] = {}
    for p in list(prof.plugins["score"]["enabled"]) + list(prof.plugins["multiPoint"]["enabled"]):
        if p["name"] in weights or not hasattr(instances.get(p["name"]), "score"):
            continue
        weights[p["name"]] = int(p.get("weight") or 0) or 1
    return Framework(prof.scheduler_name, layout, weights, prof.percentage_of_nodes_to_score)
