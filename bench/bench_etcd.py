"""etcd in process: MVCC puts/s and ranges/s, watch fan-out to 1,000 watchers, Raft-replicated puts/s.

Run: ``.venv/bin/python bench/bench_etcd.py [--n 20000]``; prints one JSON line. Bounded: every
loop has a fixed count. What each figure measures:

* ``puts_per_s``: ``MVCCStore.put`` of ``n`` distinct keys with a ~1 KiB value (wall time).
* ``ranges_per_s``: ``range`` over a prefix of 100 keys, ``n // 10`` times, and ``get`` of single keys.
* ``watch_fanout``: 1,000 watchers on one prefix; ``writes`` puts, each delivered to every watcher
  (events delivered per wall second).
* ``raft_puts``: ``ReplicatedStore`` with 3 members on one kernel: ``n // 4`` puts, each proposed,
  replicated and applied synchronously (wall puts/s); then the same number of puts spread over
  virtual time, one every 10 ms, with the Raft ticks and heartbeats running between them
  (virtual seconds covered and wall puts/s including that background traffic).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

sys.path.insert(0, ".")

from k8slab.etcd.mvcc import MVCCStore  # noqa: E402
from k8slab.etcd.replicated import ReplicatedStore  # noqa: E402
from k8slab.sim.kernel import Kernel  # noqa: E402
from k8slab.sim.rng import RngTree  # noqa: E402

VALUE = b"x" * 1024


def bench_store(n: int) -> dict:
    s = MVCCStore(clock=lambda: 0.0)
    t = time.perf_counter()
    for i in range(n):
        s.put(f"/registry/pods/default/p{i:07d}", VALUE)
    puts = n / (time.perf_counter() - t)
    r = n // 10
    t = time.perf_counter()
    for i in range(r):
        base = f"/registry/pods/default/p{(i * 97) % max(1, n - 100):07d}"
        s.range(base, "/registry/pods/default/q", limit=100)
    ranges = r / (time.perf_counter() - t)
    t = time.perf_counter()
    for i in range(n):
        s.get(f"/registry/pods/default/p{i:07d}")
    gets = n / (time.perf_counter() - t)
    return {"puts_per_s": round(puts), "ranges_per_s_100_keys": round(ranges), "gets_per_s": round(gets)}


def bench_watch(watchers: int = 1000, writes: int = 200) -> dict:
    s = MVCCStore(clock=lambda: 0.0)
    count = [0]

    def cb(_ev) -> None:
        count[0] += 1
    for _ in range(watchers):
        s.watch("/registry/pods/", cb, prefix=True)
    t = time.perf_counter()
    for i in range(writes):
        s.put(f"/registry/pods/default/p{i}", VALUE)
    dt = time.perf_counter() - t
    assert count[0] == watchers * writes
    return {"watchers": watchers, "writes": writes, "events_delivered": count[0],
            "events_per_s": round(count[0] / dt), "writes_per_s": round(writes / dt)}


def bench_raft(n: int) -> dict:
    k = Kernel()
    s = ReplicatedStore(3, kernel=k, rng=RngTree(0).child("etcd"))
    t = time.perf_counter()
    for i in range(n):
        s.put(f"/registry/pods/default/p{i}", VALUE)
    sync = n / (time.perf_counter() - t)
    v0 = k.now
    t = time.perf_counter()
    for i in range(n):
        s.put(f"/registry/pods/default/q{i}", VALUE)
        k.run_until(round(k.now + 0.01, 9))
    wall = time.perf_counter() - t
    for name in s.names:
        assert s.member_store(name).revision == s.revision == 2 * n
    return {"members": 3, "puts": n, "sync_puts_per_s_wall": round(sync),
            "paced_virtual_seconds": round(k.now - v0, 3), "paced_puts_per_virtual_s": round(n / (k.now - v0)),
            "paced_puts_per_s_wall": round(n / wall), "kernel_events_total": k.steps}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    a = ap.parse_args()
    out = {"store": bench_store(a.n), "watch": bench_watch(), "raft": bench_raft(a.n // 4)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
