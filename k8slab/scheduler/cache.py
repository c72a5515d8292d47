"""The scheduler cache: every node's NodeInfo, including pods assumed but not yet bound.

upstream: pkg/scheduler/backend/cache/cache.go and node_tree.go (v1.32:
pkg/scheduler/internal/cache). A pod is *assumed* onto a node when the scheduling cycle
picks it, so the next cycle already sees its resources; the pod informer then confirms it
(``add_pod``) once the binding is visible, or ``forget_pod`` undoes it if binding fails.
Nodes are listed in upstream's node-tree order: round robin over zones (zone label order
of first appearance), nodes in the order they were added within a zone.

This cache doubles as the snapshot: each scheduling cycle is one kernel event, so nothing
changes under a cycle and no copy is needed.
"""

from __future__ import annotations

from typing import Optional

from .framework.types import NodeInfo, PodInfo


def zone_key(labels: dict) -> str:
    """upstream: utilnode.GetZoneKey."""
    zone = labels.get("topology.kubernetes.io/zone", labels.get("failure-domain.beta.kubernetes.io/zone", ""))
    region = labels.get("topology.kubernetes.io/region", labels.get("failure-domain.beta.kubernetes.io/region", ""))
    if not region and not zone:
        return ""
    return region + ":\x00:" + zone


class Cache:
    """NodeInfos by node name, pod states, assumed pods, image spread."""

    def __init__(self) -> None:
        self.nodes: dict[str, NodeInfo] = {}
        self.pod_states: dict[str, tuple[PodInfo, str]] = {}  # uid -> (pod info, node)
        self.assumed: set[str] = set()
        self._zones: list[str] = []
        self._tree: dict[str, list[str]] = {}
        self._node_zone: dict[str, str] = {}
        self._list: Optional[list[NodeInfo]] = None
        self._image_nodes: dict[str, int] = {}
        #: topology key -> value -> (namespace, labels) -> pods; built on demand (PodTopologySpread)
        self._domain_index: dict[str, dict[str, dict[tuple, int]]] = {}
        #: (namespace, labels) -> non-terminating pods with them, cluster-wide
        self.label_keys: dict[tuple, int] = {}

    # ---------------------------------------------------------------- listing (the snapshot)
    def list(self) -> list[NodeInfo]:
        """Nodes in node-tree order."""
        if self._list is None:
            out: list[NodeInfo] = []
            idx = 0
            total = len(self._node_zone)
            while len(out) < total:
                for z in self._zones:
                    names = self._tree[z]
                    if idx < len(names):
                        ni = self.nodes.get(names[idx])
                        if ni is not None:
                            out.append(ni)
                idx += 1
                if idx > total:
                    break
            self._list = out
        return self._list

    def get(self, name: str) -> Optional[NodeInfo]:
        ni = self.nodes.get(name)
        return ni if ni is not None and ni.node is not None else None

    def num_nodes(self) -> int:
        return len(self._node_zone)

    def image_num_nodes(self, image: str) -> int:
        return self._image_nodes.get(image, 0)

    def domain_label_counts(self, key: str) -> dict[str, dict[tuple, int]]:
        """For topology label ``key``: per label value, the non-terminating pods on the nodes in
        that domain counted by (namespace, labels). Kept current as pods come and go."""
        idx = self._domain_index.get(key)
        if idx is None:
            idx = {}
            for ni in self.list():
                v = ni.labels.get(key)
                if v is None:
                    continue
                d = idx.setdefault(v, {})
                for lk, n in ni.label_counts.items():
                    d[lk] = d.get(lk, 0) + n
            self._domain_index[key] = idx
        return idx

    def _domain_update(self, ni: NodeInfo, pi: PodInfo, sign: int) -> None:
        if pi.terminating or ni.node is None:
            return
        for key, idx in self._domain_index.items():
            v = ni.labels.get(key)
            if v is None:
                continue
            d = idx.setdefault(v, {})
            n = d.get(pi.label_key, 0) + sign
            if n > 0:
                d[pi.label_key] = n
            else:
                d.pop(pi.label_key, None)

    # ---------------------------------------------------------------- nodes
    def _tree_add(self, name: str, zone: str) -> None:
        if zone not in self._tree:
            self._zones.append(zone)
            self._tree[zone] = []
        self._tree[zone].append(name)
        self._node_zone[name] = zone
        self._list = None

    def _tree_remove(self, name: str) -> None:
        zone = self._node_zone.pop(name, None)
        if zone is None:
            return
        self._tree[zone].remove(name)
        if not self._tree[zone]:
            del self._tree[zone]
            self._zones.remove(zone)
        self._list = None

    def _images(self, ni: NodeInfo, sign: int) -> None:
        for img in ni.image_sizes:
            n = self._image_nodes.get(img, 0) + sign
            if n > 0:
                self._image_nodes[img] = n
            else:
                self._image_nodes.pop(img, None)

    def add_node(self, node: dict) -> NodeInfo:
        name = node["metadata"]["name"]
        ni = self.nodes.get(name)
        if ni is None:
            ni = self.nodes[name] = NodeInfo()
            self._domain_index.clear()
        else:
            self._images(ni, -1)
            if ni.node is None or ni.labels != ((node.get("metadata") or {}).get("labels") or {}):
                self._domain_index.clear()
        ni.set_node(node)
        self._images(ni, 1)
        zone = zone_key(ni.labels)
        if self._node_zone.get(name) != zone:
            self._tree_remove(name)
            self._tree_add(name, zone)
        return ni

    update_node = add_node

    def remove_node(self, name: str) -> None:
        """The node is gone; a NodeInfo with pods stays (without its node) until they go too."""
        ni = self.nodes.get(name)
        if ni is None:
            return
        self._images(ni, -1)
        ni.image_sizes = {}
        self._tree_remove(name)
        self._domain_index.clear()
        if ni.pods:
            ni.node = None
        else:
            del self.nodes[name]

    # ---------------------------------------------------------------- pods
    def _node_info_for(self, node_name: str) -> NodeInfo:
        ni = self.nodes.get(node_name)
        if ni is None:  # a pod bound to a node we have not seen yet
            ni = self.nodes[node_name] = NodeInfo()
            ni.name = node_name
        return ni

    def _add(self, pi: PodInfo, node_name: str) -> None:
        ni = self._node_info_for(node_name)
        ni.add_pod(pi)
        self.pod_states[pi.uid] = (pi, node_name)
        if not pi.terminating:
            self.label_keys[pi.label_key] = self.label_keys.get(pi.label_key, 0) + 1
        if self._domain_index:
            self._domain_update(ni, pi, 1)

    def _remove(self, uid: str) -> None:
        st = self.pod_states.pop(uid, None)
        if st is None:
            return
        ni = self.nodes.get(st[1])
        if ni is not None:
            removed = ni.remove_pod(uid)
            if removed is not None and not removed.terminating:
                n = self.label_keys.get(removed.label_key, 0) - 1
                if n > 0:
                    self.label_keys[removed.label_key] = n
                else:
                    self.label_keys.pop(removed.label_key, None)
            if removed is not None and self._domain_index:
                self._domain_update(ni, removed, -1)
            if ni.node is None and not ni.pods:
                del self.nodes[st[1]]

    def is_assumed(self, uid: str) -> bool:
        return uid in self.assumed

    def assume_pod(self, pi: PodInfo, node_name: str) -> None:
        """upstream: AssumePod -- account for the pod on the node before the binding lands."""
        if pi.uid in self.pod_states:
            raise ValueError(f"pod {pi.key}({pi.uid}) is in the cache, so can't be assumed")
        self._add(pi, node_name)
        self.assumed.add(pi.uid)

    def forget_pod(self, uid: str) -> None:
        """upstream: ForgetPod -- undo an assume (binding failed)."""
        if uid in self.assumed:
            self.assumed.discard(uid)
            self._remove(uid)

    def add_pod(self, pi: PodInfo) -> None:
        """upstream: AddPod -- a bound pod seen by the informer (confirms an assumed one)."""
        if pi.uid in self.pod_states:
            self._remove(pi.uid)
        self.assumed.discard(pi.uid)
        self._add(pi, pi.node_name)

    def update_pod(self, pi: PodInfo) -> None:
        self.add_pod(pi)

    def remove_pod(self, uid: str) -> None:
        self.assumed.discard(uid)
        self._remove(uid)

    def pod_count(self) -> int:
        return len(self.pod_states)
