"""ImageLocality: favour nodes that already have the pod's images, scaled by how widely the
image is spread (so one node holding an image does not attract every pod).

upstream: pkg/scheduler/framework/plugins/imagelocality/image_locality.go.
"""

from __future__ import annotations

from ..framework.interface import MAX_NODE_SCORE, Plugin
from ..util import go_div
from . import names

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def normalized_image_name(name: str) -> str:
    """Add ``:latest`` when the image has no tag."""
    if name.rfind(":") <= name.rfind("/"):
        name = name + ":latest"
    return name


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    if sum_scores < MIN_THRESHOLD:
        sum_scores = MIN_THRESHOLD
    elif sum_scores > max_threshold:
        sum_scores = max_threshold
    return go_div(MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD), max_threshold - MIN_THRESHOLD)


class ImageLocality(Plugin):
    name = names.IMAGE_LOCALITY

    def __init__(self, handle=None):
        self.handle = handle

    @staticmethod
    def _images(pi) -> list[str]:
        spec = pi.pod.get("spec") or {}
        return [normalized_image_name(c.get("image", ""))
                for c in list(spec.get("initContainers") or ()) + list(spec.get("containers") or ())]

    def score(self, state, pi, ni) -> int:
        return self._score(self._images(pi), ni, self.handle.snapshot)

    def score_nodes(self, state, pi, nodes) -> list[int]:
        images = self._images(pi)
        snap = self.handle.snapshot
        none = calculate_priority(0, len(images))
        return [self._score(images, ni, snap) if ni.image_sizes else none for ni in nodes]

    @staticmethod
    def _score(images: list[str], ni, snap) -> int:
        total = snap.num_nodes()
        s = 0
        if ni.image_sizes and total:
            for img in images:
                size = ni.image_sizes.get(img)
                if size is not None:
                    # scaledImageScore: size * (nodes having the image / all nodes), truncated
                    s += int(float(size) * (float(snap.image_num_nodes(img)) / float(total)))
        return calculate_priority(s, len(images))


def new(args: dict, handle) -> ImageLocality:
    return ImageLocality(handle)
