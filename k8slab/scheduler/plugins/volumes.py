"""VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone.

upstream: pkg/scheduler/framework/plugins/{volumerestrictions,nodevolumelimits,volumebinding,volumezone}.
k8slab simplification: the API serves no PersistentVolumes, PersistentVolumeClaims,
StorageClasses or CSINodes, so these default plugins have nothing to check: each PreFilter
returns Skip (as upstream does for a pod without such volumes) and they never reject a node.
They are registered so that configurations naming them load unchanged.
"""

from __future__ import annotations

from ..framework.interface import Code, Plugin, Status
from . import names


class _NoVolumes(Plugin):
    def pre_filter(self, state, pi):
        return None, Status(Code.Skip)

    def filter(self, state, pi, ni):
        return None


class VolumeRestrictions(_NoVolumes):
    name = names.VOLUME_RESTRICTIONS


class NodeVolumeLimits(_NoVolumes):
    name = names.NODE_VOLUME_LIMITS


class VolumeBinding(_NoVolumes):
    name = names.VOLUME_BINDING


class VolumeZone(_NoVolumes):
    name = names.VOLUME_ZONE
