"""Seeded random streams, one per component, derived from the cluster seed.

Each stream is a ``random.Random`` seeded from ``sha256(seed/name)``, so adding a
component or drawing more numbers in one stream never changes what another draws.
Nothing in k8slab uses the global ``random`` module.
"""

from __future__ import annotations

import hashlib
import random


class RngTree:
    """A tree of named random streams under one seed."""

    def __init__(self, seed: int | str = 0):
        self.seed = seed
        self._streams: dict[str, random.Random] = {}

    def stream(self, name: str) -> random.Random:
        """The stream for ``name`` (created on first use, then the same object)."""
        r = self._streams.get(name)
        if r is None:
            digest = hashlib.sha256(f"{self.seed}/{name}".encode()).digest()
            r = random.Random(int.from_bytes(digest[:16], "big"))
            self._streams[name] = r
        return r

    def child(self, name: str) -> "RngTree":
        """A sub-tree (e.g. one per node), independent of its siblings."""
        return RngTree(f"{self.seed}/{name}")
