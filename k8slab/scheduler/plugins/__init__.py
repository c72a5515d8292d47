"""The in-tree plugin registry: plugin name -> factory ``new(args, handle)``.

upstream: pkg/scheduler/framework/plugins/registry.go (``NewInTreeRegistry``). One module
per plugin; the noderesources package holds NodeResourcesFit and
NodeResourcesBalancedAllocation with their scoring strategies.
"""

from __future__ import annotations

from typing import Any, Callable

from . import (default_binder, default_preemption, image_locality, inter_pod_affinity, names, node_affinity,
               node_name, node_ports, node_unschedulable, pod_topology_spread, queue_sort, scheduling_gates,
               taint_toleration, volumes)
from .noderesources import balanced_allocation, fit

Factory = Callable[[dict, Any], Any]


def _simple(cls):
    return lambda args, handle: cls()


def in_tree_registry() -> dict[str, Factory]:
    return {
        names.SCHEDULING_GATES: scheduling_gates.new,
        names.PRIORITY_SORT: queue_sort.new,
        names.NODE_UNSCHEDULABLE: node_unschedulable.new,
        names.NODE_NAME: node_name.new,
        names.TAINT_TOLERATION: taint_toleration.new,
        names.NODE_AFFINITY: node_affinity.new,
        names.NODE_PORTS: node_ports.new,
        names.NODE_RESOURCES_FIT: fit.new,
        names.VOLUME_RESTRICTIONS: _simple(volumes.VolumeRestrictions),
        names.NODE_VOLUME_LIMITS: _simple(volumes.NodeVolumeLimits),
        names.VOLUME_BINDING: _simple(volumes.VolumeBinding),
        names.VOLUME_ZONE: _simple(volumes.VolumeZone),
        names.POD_TOPOLOGY_SPREAD: pod_topology_spread.new,
        names.INTER_POD_AFFINITY: inter_pod_affinity.new,
        names.DEFAULT_PREEMPTION: default_preemption.new,
        names.NODE_RESOURCES_BALANCED_ALLOCATION: balanced_allocation.new,
        names.IMAGE_LOCALITY: image_locality.new,
        names.DEFAULT_BINDER: default_binder.new,
    }


__all__ = ["in_tree_registry", "names"]
