"""ObjectMeta helpers: timestamps on the virtual clock, uids, generated names, owner references."""

from __future__ import annotations

import datetime as _dt
import random
import uuid

#: The wall-clock instant that virtual time 0 stands for. Fixed so runs are reproducible.
EPOCH = _dt.datetime(2025, 1, 1, 0, 0, 0, tzinfo=_dt.timezone.utc)

# upstream: staging/src/k8s.io/apimachinery/pkg/util/rand/rand.go (no vowels, no 0/1/3 look-alikes)
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def rfc3339(t: float) -> str:
    """metav1.Time as serialised: seconds precision, UTC, e.g. ``2025-01-01T00:00:05Z``."""
    return (EPOCH + _dt.timedelta(seconds=int(t))).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_micro(t: float) -> str:
    """metav1.MicroTime as serialised (Lease renewTime, Event eventTime)."""
    return (EPOCH + _dt.timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(s: str) -> float:
    """Virtual seconds for an RFC 3339 timestamp written by :func:`rfc3339` (or MicroTime)."""
    s = s.rstrip("Z")
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in s else "%Y-%m-%dT%H:%M:%S"
    d = _dt.datetime.strptime(s, fmt).replace(tzinfo=_dt.timezone.utc)
    return (d - EPOCH).total_seconds()


def new_uid(rng: random.Random) -> str:
    """A version-4 UUID drawn from a seeded stream."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def random_suffix(rng: random.Random, n: int = 5) -> str:
    """utilrand.String(n): what generateName and ReplicaSet pod names append."""
    return "".join(rng.choice(NAME_ALPHABET) for _ in range(n))


def owner_reference(owner: dict, controller: bool = True) -> dict:
    """metav1.NewControllerRef for ``owner``."""
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": controller,
        "blockOwnerDeletion": True,
    }


def controller_of(obj: dict) -> dict | None:
    """The ownerReference with ``controller: true``, if any (metav1.GetControllerOf)."""
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def ns_name(obj: dict) -> tuple[str, str]:
    md = obj.get("metadata") or {}
    return md.get("namespace", "") or "", md.get("name", "") or ""


def key_of(obj: dict) -> str:
    """``namespace/name`` or ``name``: the cache key client-go uses (MetaNamespaceKeyFunc)."""
    ns, name = ns_name(obj)
    return f"{ns}/{name}" if ns else name
