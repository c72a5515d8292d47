"""Exercises of chapter 02, "etcd".

1. :func:`check_lease_key` — the etcd key under which the API server stores node ``node-1``'s
   heartbeat Lease.
2. :func:`check_past_replicas` — read the past: how many replicas Deployment ``web`` had at a
   given revision (a history read with ``range(..., revision=...)``).
3. :func:`check_fault_tolerance` — in a 5-member etcd, stop as many members as possible
   while writes still succeed (a quorum of 3 must remain: (5 - 1) // 2 = 2 may fail).
4. :func:`check_recovered` — after a quorum loss, bring etcd back and get ``web`` to its
   desired replicas.
"""

from __future__ import annotations

import json
from typing import Any

from . import CheckResult, verdict


def check_lease_key(c: Any, answer: str | None, node: str = "node-1") -> CheckResult:
    """Exercise 02.1: the key of the Lease ``kube-node-lease/<node>`` (it must exist in the store)."""
    ex = "02.1"
    key = f"/registry/leases/kube-node-lease/{node}"
    if c.store.get(key) is None:
        return verdict(ex, False, f"node {node!r} has no Lease yet: run the cluster first")
    if not answer:
        return verdict(ex, False, 'answer with the key, e.g. answer = "/registry/..."')
    if str(answer).strip() == key:
        return verdict(ex, True, f"{key}: the kubelet renews it every 10 s; that write is the node's heartbeat")
    return verdict(ex, False, f"{answer!r} is not it; list the keys with c.store.keys('/registry/leases/')")


def check_past_replicas(c: Any, revision: int, answer: Any, name: str = "web", namespace: str = "default") -> CheckResult:
    """Exercise 02.2: ``spec.replicas`` of Deployment ``name`` as stored at ``revision``."""
    ex = "02.2"
    key = f"/registry/deployments/{namespace}/{name}"
    try:
        kvs, _, _ = c.store.range(key, revision=int(revision))
    except Exception as e:  # compacted or future revision: say what etcd said
        return verdict(ex, False, f"cannot read revision {revision}: {e}")
    if not kvs:
        return verdict(ex, False, f"Deployment {name!r} did not exist at revision {revision}")
    want = json.loads(kvs[0].value)["spec"].get("replicas", 1)
    if answer is None:
        return verdict(ex, False, "answer with a number, read with c.store.range(key, revision=...)")
    try:
        ok = int(answer) == want
    except (TypeError, ValueError):
        ok = False
    if ok:
        return verdict(ex, True, f"at revision {revision} {name} had {want} replicas (mod_revision "
                                 f"{kvs[0].mod_revision}); etcd keeps every revision until compaction")
    return verdict(ex, False, f"{answer!r} is not what revision {revision} holds")


def check_fault_tolerance(c: Any) -> CheckResult:
    """Exercise 02.3: a 5-member etcd with as many members stopped as it tolerates, still writable."""
    ex = "02.3"
    rows = c.etcd.member_rows()
    n = len(rows)
    if n != 5:
        return verdict(ex, False, f"this etcd has {n} members; build the cluster with etcd_members=5")
    stopped = [r["name"] for r in rows if not r["running"]]
    tolerated = (n - 1) // 2
    if not c.etcd.has_quorum:
        return verdict(ex, False, f"{len(stopped)} stopped ({', '.join(stopped)}): no quorum, writes time out; "
                                  f"start one again and let a leader be elected")
    if len(stopped) < tolerated:
        return verdict(ex, False, f"only {len(stopped)} stopped and writes still succeed: it can lose more")
    return verdict(ex, True, f"{len(stopped)} of {n} stopped ({', '.join(stopped)}) and writes still succeed: "
                             f"a quorum is {n // 2 + 1}, so {tolerated} may fail")


def check_recovered(c: Any, name: str = "web", replicas: int = 4, namespace: str = "default") -> CheckResult:
    """Exercise 02.4: every etcd member running, a leader, and ``name`` at ``replicas`` available replicas."""
    ex = "02.4"
    rows = c.etcd.member_rows()
    down = [r["name"] for r in rows if not r["running"]]
    if down or not c.etcd.has_quorum:
        return verdict(ex, False, f"etcd is not healthy yet (stopped: {', '.join(down) or 'none'}; "
                                  f"leader: {c.etcd.leader or 'none'})")
    kv = c.store.get(f"/registry/deployments/{namespace}/{name}")
    if kv is None:
        return verdict(ex, False, f"Deployment {name!r} not found")
    d = json.loads(kv.value)
    want, avail = d["spec"].get("replicas", 1), d.get("status", {}).get("availableReplicas", 0)
    if want != replicas or avail != replicas:
        return verdict(ex, False, f"{name} wants {want} and has {avail} available; it should be {replicas} of {replicas}")
    return verdict(ex, True, f"etcd has a leader ({c.etcd.leader}) and {name} is at {replicas}/{replicas}: "
                             "the controllers caught up once writes were accepted again")
