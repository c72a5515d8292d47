"""PriorityClasses: the ``Priority`` admission plugin, their validation and the built-in classes.

upstream (v1.32):

- plugin/pkg/admission/priority/admission.go -- ``admitPod`` resolves a Pod's
  ``spec.priorityClassName`` (or the ``globalDefault`` class) to ``spec.priority`` and
  ``spec.preemptionPolicy``, rejects an unknown class (``no PriorityClass with name x was
  found``) and a user-set priority or policy that disagrees; ``validatePriorityClass``
  allows only one ``globalDefault`` class.
- pkg/apis/scheduling/validation/validation.go -- ``ValidatePriorityClass``: names with the
  ``system-`` prefix are reserved, a user class's value is at most 1000000000; ``value``
  and ``preemptionPolicy`` are immutable.
- pkg/apis/scheduling/v1/defaults.go -- ``preemptionPolicy`` defaults to
  ``PreemptLowerPriority``.
- pkg/registry/scheduling/rest/storage_scheduling.go -- the API server's post-start hook
  creates ``system-cluster-critical`` (2000000000) and ``system-node-critical``
  (2000001000).

k8slab reads the classes straight from the store (upstream uses an informer's lister,
which may lag by a moment; here it never does).
"""

from __future__ import annotations

import json
from typing import Any

from ..api import errors
from ..api.errors import FieldError, forbidden_field
from ..api.validation import (_str, _validate_object_meta, _validate_object_meta_update, name_is_dns_subdomain,
                              not_supported, register_kind)

#: upstream: pkg/apis/scheduling/types.go
HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000
SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY
SYSTEM_PRIORITY_CLASS_PREFIX = "system-"
SYSTEM_CLUSTER_CRITICAL = "system-cluster-critical"
SYSTEM_NODE_CRITICAL = "system-node-critical"
#: upstream: pkg/apis/scheduling/helpers.go systemPriorityClasses
SYSTEM_PRIORITY_CLASSES = [
    {"name": SYSTEM_NODE_CRITICAL, "value": SYSTEM_CRITICAL_PRIORITY + 1000,
     "description": "Used for system critical pods that must not be moved from their current node."},
    {"name": SYSTEM_CLUSTER_CRITICAL, "value": SYSTEM_CRITICAL_PRIORITY,
     "description": "Used for system critical pods that must run in the cluster, but can be moved to another node "
                    "if necessary."},
]
#: upstream: DefaultPriorityWhenNoDefaultClassExists
DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS = 0
PREEMPTION_POLICIES = ["Never", "PreemptLowerPriority"]

Errs = list[FieldError]


def system_priority_class_objects() -> list[dict]:
    """The built-in classes as the API server's bootstrap hook creates them."""
    return [{"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": pc["name"]},
             "value": pc["value"], "description": pc["description"], "preemptionPolicy": "PreemptLowerPriority"}
            for pc in SYSTEM_PRIORITY_CLASSES]


def is_known_system_priority_class(name: str, value: Any, global_default: Any) -> str:
    """upstream: IsKnownSystemPriorityClass -- "" when it is one, else the error text."""
    for pc in SYSTEM_PRIORITY_CLASSES:
        if pc["name"] == name:
            if value != pc["value"]:
                return f"value of {name} PriorityClass must be {pc['value']}"
            if bool(global_default):
                return f"globalDefault of {name} PriorityClass must be false"
            return ""
    return f"{name} is not a known system priority class"


# ---------------------------------------------------------------- validation
def validate_priority_class(pc: dict) -> Errs:
    """upstream: ValidatePriorityClass."""
    errs = _validate_object_meta(pc.get("metadata"), False, name_is_dns_subdomain, kube_finalizers=False)
    name = (pc.get("metadata") or {}).get("name") or ""
    value = pc.get("value")
    if isinstance(value, bool) or not isinstance(value, int):
        from ..api.validation import _int

        _int(value, "value", errs)
        if value is None:
            value = 0
    if isinstance(name, str) and name.startswith(SYSTEM_PRIORITY_CLASS_PREFIX):
        err = is_known_system_priority_class(name, value, pc.get("globalDefault"))
        if err:
            errs.append(forbidden_field("metadata.name", f"priority class names with '{SYSTEM_PRIORITY_CLASS_PREFIX}' "
                                                         f"prefix are reserved for system use only. error: {err}"))
    elif isinstance(value, int) and value > HIGHEST_USER_DEFINABLE_PRIORITY:
        errs.append(forbidden_field("value", f"maximum allowed value of a user defined priority is "
                                             f"{HIGHEST_USER_DEFINABLE_PRIORITY}"))
    pp = pc.get("preemptionPolicy")
    if pp is not None:
        _str(pp, "preemptionPolicy", errs)
        if isinstance(pp, str) and pp not in PREEMPTION_POLICIES:
            errs.append(not_supported("preemptionPolicy", pp, PREEMPTION_POLICIES))
    return errs


def validate_priority_class_update(new: dict, old: dict) -> Errs:
    """upstream: ValidatePriorityClassUpdate -- value and preemptionPolicy are immutable."""
    errs = _validate_object_meta_update(new.get("metadata"), old.get("metadata"), kube_finalizers=False)
    if new.get("value") != old.get("value"):
        errs.append(forbidden_field("value", "may not be changed in an update."))
    if new.get("preemptionPolicy") != old.get("preemptionPolicy"):
        from ..api.errors import invalid

        errs.append(invalid("preemptionPolicy", new.get("preemptionPolicy"), "field is immutable"))
    return errs


register_kind("PriorityClass", False, validate_priority_class, validate_priority_class_update)


# ---------------------------------------------------------------- admission
def _classes(server: Any) -> list[dict]:
    from ..api import resources as res
    from ..etcd.mvcc import prefix_end

    prefix = server.key(res.for_plural("priorityclasses"), None)
    kvs, _, _ = server.store.range(prefix, prefix_end(prefix))
    return [json.loads(kv.value) for kv in kvs]


def _get_class(server: Any, name: str) -> dict | None:
    from ..api import resources as res

    kv = server.store.get(server.key(res.for_plural("priorityclasses"), None, name))
    if kv is not None:
        return json.loads(kv.value)
    for pc in system_priority_class_objects():  # bootstrap not run (a bare API server)
        if pc["metadata"]["name"] == name:
            return pc
    return None


def default_priority_class(server: Any) -> dict | None:
    """upstream: getDefaultPriorityClass -- the globalDefault class (the lowest value if several)."""
    best = None
    for pc in _classes(server):
        if pc.get("globalDefault") and (best is None or best.get("value", 0) > pc.get("value", 0)):
            best = pc
    return best


def user_fields(obj: dict) -> tuple[Any, Any]:
    """``spec.priority`` and ``spec.preemptionPolicy`` as the client sent them (before defaulting)."""
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    return spec.get("priority"), spec.get("preemptionPolicy")


def admit_pod(server: Any, pod: dict, sent: tuple[Any, Any]) -> None:
    """upstream: priorityPlugin.admitPod (on create): resolve the class, set priority and policy.

    ``sent`` is what :func:`user_fields` read before defaulting. Raises 403 Forbidden as
    upstream's ``admission.NewForbidden``.
    """
    spec = pod.setdefault("spec", {})
    name = pod.get("metadata", {}).get("name", "")
    pc_name = spec.get("priorityClassName") or ""
    if not pc_name:
        dpc = default_priority_class(server)
        if dpc is not None:
            spec["priorityClassName"] = dpc["metadata"]["name"]
            priority, policy = dpc.get("value", 0), dpc.get("preemptionPolicy") or "PreemptLowerPriority"
        else:
            priority, policy = DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS, "PreemptLowerPriority"
    else:
        pc = _get_class(server, pc_name)
        if pc is None:
            raise errors.forbidden("pods", "", name, f"no PriorityClass with name {pc_name} was found")
        priority, policy = pc.get("value", 0), pc.get("preemptionPolicy") or "PreemptLowerPriority"
    user_priority, user_policy = sent
    if user_priority is not None and user_priority != priority:
        raise errors.forbidden("pods", "", name,
                               f"the integer value of priority ({user_priority}) must not be provided in pod spec; "
                               f"priority admission controller computed {priority} from the given PriorityClass name")
    spec["priority"] = priority
    if user_policy is not None and user_policy != policy:
        raise errors.forbidden("pods", "", name,
                               f"the string value of PreemptionPolicy ({user_policy}) must not be provided in pod spec; "
                               f"priority admission controller computed {policy} from the given PriorityClass name")
    spec["preemptionPolicy"] = policy


def default_priority_class_fields(pc: dict) -> None:
    """upstream: SetDefaults_PriorityClass -- preemptionPolicy PreemptLowerPriority."""
    if pc.get("preemptionPolicy") is None:
        pc["preemptionPolicy"] = "PreemptLowerPriority"


def validate_priority_class_admission(server: Any, pc: dict, creating: bool) -> None:
    """upstream: priorityPlugin.validatePriorityClass -- only one globalDefault class."""
    if not pc.get("globalDefault"):
        return
    dpc = default_priority_class(server)
    name = pc.get("metadata", {}).get("name", "")
    if dpc is not None and (creating or dpc["metadata"]["name"] != name):
        raise errors.forbidden("priorityclasses", "scheduling.k8s.io", name,
                               f"PriorityClass {dpc['metadata']['name']} is already marked as default. "
                               f"Only one default can exist")
