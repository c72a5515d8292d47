"""Request latency over HTTPS on loopback with N concurrent clients, against Kubernetes' API SLO.

The SLO (kubernetes/community sig-scalability/slos/api_call_latency.md): p99 of single-object
mutating API calls ≤ 1 s. Each client creates, patches, reads and deletes its own ConfigMaps on
a served 3-node cluster (simulation running at wall-clock speed). Bounded: every loop has a
fixed count, the server is on 127.0.0.1 and is closed at the end.

    python bench/bench_http.py [--clients 8] [--requests 50]
"""

from __future__ import annotations

import argparse
import http.client
import json
import ssl
import statistics
import threading
import time
import urllib.parse

import k8slab


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=50, help="create/patch/get/delete rounds per client")
    args = ap.parse_args()
    c = k8slab.Cluster(seed=0, nodes=3)
    c.run(10)
    srv = c.serve()
    u = urllib.parse.urlsplit(srv.url)
    ctx = ssl.create_default_context(cafile=srv.ca_file)
    lat: dict[str, list[float]] = {"create": [], "patch": [], "get": [], "delete": [], "list": []}
    lock = threading.Lock()
    errors = []

    def worker(i: int) -> None:
        conn = http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=30)
        h = {"Authorization": f"Bearer {srv.token}", "Content-Type": "application/json", "Accept": "application/json"}
        base = "/api/v1/namespaces/default/configmaps"

        def call(kind: str, method: str, path: str, body=None, ctype=None) -> None:
            hh = dict(h, **({"Content-Type": ctype} if ctype else {}))
            t0 = time.perf_counter()
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=hh)
            r = conn.getresponse()
            r.read()
            dt = time.perf_counter() - t0
            with lock:
                lat[kind].append(dt)
                if r.status >= 400:
                    errors.append((kind, r.status))

        for j in range(args.requests):
            name = f"c{i}-{j}"
            call("create", "POST", base, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name},
                                          "data": {"k": "v"}})
            call("patch", "PATCH", f"{base}/{name}", {"data": {"k": "w"}}, "application/merge-patch+json")
            call("get", "GET", f"{base}/{name}")
            if j % 10 == 0:
                call("list", "GET", base + "?limit=500")
            call("delete", "DELETE", f"{base}/{name}")
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    srv.close()
    total = sum(len(v) for v in lat.values())
    print(f"clients={args.clients} requests={total} wall={wall:.2f}s throughput={total / wall:.0f} req/s "
          f"errors={len(errors)}")
    print(f"{'verb':8} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for k, v in lat.items():
        if v:
            print(f"{k:8} {len(v):5d} {statistics.median(v) * 1e3:8.1f} {pct(v, 99) * 1e3:8.1f} {max(v) * 1e3:8.1f}")
    mut = lat["create"] + lat["patch"] + lat["delete"]
    p99 = pct(mut, 99)
    print(f"single-object mutating calls: p99 = {p99 * 1e3:.1f} ms; SLO p99 <= 1000 ms: "
          f"{'MET' if p99 <= 1.0 else 'NOT MET'}")


if __name__ == "__main__":
    main()
