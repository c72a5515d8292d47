"""The kubelet's prober: liveness, readiness and startup probes, run on virtual time.

upstream: pkg/kubelet/prober/worker.go (one worker per container and probe type;
``doProbe``: results only change after ``failureThreshold`` consecutive failures or
``successThreshold`` consecutive successes; a failed liveness or startup probe puts the
worker on hold until the container is replaced; a startup probe that succeeded stops;
liveness and readiness wait for the startup probe), pkg/kubelet/prober/prober.go (the
probes and their event texts: ``Liveness probe failed: <output>``, reason
``Unhealthy``), pkg/probe/exec, pkg/probe/http (2xx and 3xx succeed; ``HTTP probe
failed with statuscode: 500``), pkg/probe/tcp, pkg/apis/core/v1/defaults.go (the
defaults in :data:`PROBE_DEFAULTS`), pkg/kubelet/prober/results (the initial results:
liveness Success, readiness Failure, startup Unknown).

k8slab simplification: a worker's first probe runs ``initialDelaySeconds`` after the
container started, then every ``periodSeconds`` (upstream's worker ticks from when the
pod was added and skips probes until the initial delay has passed, so its first probe
lands up to one period later). Probes take no virtual time: an exec probe's sleeps count
against ``timeoutSeconds`` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["PROBE_DEFAULTS", "ProbeManager", "probe_spec", "run_probe", "SUCCESS", "FAILURE", "UNKNOWN"]

#: upstream: pkg/apis/core/v1/defaults.go SetDefaults_Probe
PROBE_DEFAULTS = {"initialDelaySeconds": 0, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1,
                  "failureThreshold": 3}

SUCCESS, FAILURE, UNKNOWN = "Success", "Failure", "Unknown"
LIVENESS, READINESS, STARTUP = "Liveness", "Readiness", "Startup"
_SPEC_KEY = {LIVENESS: "livenessProbe", READINESS: "readinessProbe", STARTUP: "startupProbe"}


def probe_spec(probe: dict) -> dict:
    """The probe with upstream's defaults filled in (the API server defaults them too)."""
    out = dict(PROBE_DEFAULTS)
    out.update({k: v for k, v in probe.items() if v is not None})
    return out


def _port(port: Any, container: dict) -> int | None:
    if isinstance(port, int):
        return port
    if isinstance(port, str) and port.isdigit():
        return int(port)
    for p in container.get("ports") or []:
        if p.get("name") == port:
            return int(p.get("containerPort"))
    return None


def run_probe(probe: dict, container: dict, runtime: Any, container_id: str, sandbox_id: str,
              pod_ip: str) -> tuple[str, str]:
    """One probe: (Success/Failure, output) — the output is what the event shows."""
    p = probe_spec(probe)
    timeout = float(p["timeoutSeconds"])
    if "exec" in p:
        cmd = list((p["exec"] or {}).get("command") or [])
        try:
            code, out, timed_out = runtime.exec_sync(container_id, cmd, timeout)
        except Exception as e:  # the container is gone
            return FAILURE, str(e)
        if timed_out:
            return FAILURE, f'command "{" ".join(cmd)}" timed out'
        return (SUCCESS if code == 0 else FAILURE), out.rstrip("\n")
    if "httpGet" in p:
        g = p["httpGet"] or {}
        port = _port(g.get("port"), container)
        host = g.get("host") or pod_ip
        path = g.get("path") or "/"
        if not path.startswith("/"):
            path = "/" + path
        scheme = (g.get("scheme") or "HTTP").lower()
        url = f"{scheme}://{host}:{port}{path}"
        res = runtime.http_get(sandbox_id, port, path,
                               {h.get("name", ""): h.get("value", "") for h in g.get("httpHeaders") or []}) \
            if port is not None and host == pod_ip else None
        if res is None:
            return FAILURE, f'Get "{url}": dial tcp {host}:{port}: connect: connection refused'
        code, _body = res
        if 200 <= code < 400:
            return SUCCESS, ""
        return FAILURE, f"HTTP probe failed with statuscode: {code}"
    if "tcpSocket" in p:
        t = p["tcpSocket"] or {}
        port = _port(t.get("port"), container)
        host = t.get("host") or pod_ip
        if port is not None and host == pod_ip and runtime.tcp_connect(sandbox_id, port):
            return SUCCESS, ""
        return FAILURE, f"dial tcp {host}:{port}: connect: connection refused"
    if "grpc" in p:
        port = (p["grpc"] or {}).get("port")
        if runtime.tcp_connect(sandbox_id, int(port)):
            return SUCCESS, ""
        return FAILURE, (f'timeout: failed to connect service "{pod_ip}:{port}" within {int(timeout)}s: '
                         "context deadline exceeded")
    return UNKNOWN, "missing probe handler"


@dataclass
class _Worker:
    kind: str
    spec: dict
    result: str
    last: str = ""
    run: int = 0
    on_hold: bool = False
    timer: Any = None
    history: list = field(default_factory=list)


@dataclass
class _ContainerProbes:
    pod_uid: str
    name: str
    container: dict
    sandbox_id: str
    pod_ip: str
    started_at: float
    workers: dict = field(default_factory=dict)


class ProbeManager:
    """The probe workers of one kubelet (sans-IO: timers and callbacks come from the kubelet).

    ``on_change(pod_uid)`` is called when a container's started/ready result changes;
    ``on_failure(pod_uid, container_id, kind, probe)`` when a liveness or startup probe
    reached its failure threshold (the kubelet kills the container);
    ``on_event(pod_uid, container_name, type, reason, message)`` records Events.
    """

    def __init__(self, later: Callable[..., Any], cancel: Callable[[Any], None], now: Callable[[], float],
                 runtime: Any, on_change: Callable[[str], None], on_failure: Callable[[str, str, str, dict], None],
                 on_event: Callable[[str, str, str, str, str], None]):
        self._later = later
        self._cancel = cancel
        self._now = now
        self.runtime = runtime
        self._on_change = on_change
        self._on_failure = on_failure
        self._on_event = on_event
        self._c: dict[str, _ContainerProbes] = {}
        #: every probe run: (time, pod uid, container, kind, result) — the chapters draw it
        self.log: list[tuple[float, str, str, str, str]] = []

    def add(self, pod_uid: str, container: dict, container_id: str, sandbox_id: str, pod_ip: str) -> None:
        """A container started: start its probe workers."""
        cp = _ContainerProbes(pod_uid, container["name"], container, sandbox_id, pod_ip, self._now())
        self._c[container_id] = cp
        for kind in (STARTUP, LIVENESS, READINESS):
            probe = container.get(_SPEC_KEY[kind])
            if not probe:
                continue
            spec = probe_spec(probe)
            initial = {LIVENESS: SUCCESS, READINESS: FAILURE, STARTUP: UNKNOWN}[kind]
            w = _Worker(kind, spec, initial)
            cp.workers[kind] = w
            w.timer = self._later(float(spec["initialDelaySeconds"]), self._tick, container_id, kind,
                                  what=f"{kind.lower()} probe {container['name']}")

    def remove(self, container_id: str) -> None:
        cp = self._c.pop(container_id, None)
        if cp is None:
            return
        for w in cp.workers.values():
            self._cancel(w.timer)

    def remove_pod(self, pod_uid: str) -> None:
        for cid in [cid for cid, cp in self._c.items() if cp.pod_uid == pod_uid]:
            self.remove(cid)

    def clear(self) -> None:
        self._c.clear()

    def has(self, container_id: str) -> bool:
        return container_id in self._c

    def started(self, container_id: str) -> bool:
        """ContainerStatus.started: no startup probe, or it succeeded."""
        cp = self._c.get(container_id)
        if cp is None:
            return True
        w = cp.workers.get(STARTUP)
        return w is None or w.result == SUCCESS

    def ready(self, container_id: str) -> bool:
        """ContainerStatus.ready: started, and the readiness probe (if any) succeeds."""
        cp = self._c.get(container_id)
        if cp is None:
            return True
        if not self.started(container_id):
            return False
        w = cp.workers.get(READINESS)
        return w is None or w.result == SUCCESS

    def _tick(self, container_id: str, kind: str) -> None:
        cp = self._c.get(container_id)
        if cp is None:
            return
        w = cp.workers.get(kind)
        if w is None:
            return
        w.timer = None
        keep = self._do_probe(container_id, cp, w)
        if keep and self._c.get(container_id) is cp:
            w.timer = self._later(float(w.spec["periodSeconds"]), self._tick, container_id, kind,
                                  what=f"{kind.lower()} probe {cp.name}")

    def _do_probe(self, container_id: str, cp: _ContainerProbes, w: _Worker) -> bool:
        """worker.doProbe; returns whether the worker keeps running."""
        st = self.runtime.container_status(container_id)
        if st is None or st.state != "CONTAINER_RUNNING":
            return False
        if w.on_hold:
            return True
        if w.kind != STARTUP and STARTUP in cp.workers and cp.workers[STARTUP].result != SUCCESS:
            return True  # liveness and readiness wait for the startup probe
        result, output = run_probe(w.spec, cp.container, self.runtime, container_id, cp.sandbox_id, cp.pod_ip)
        now = self._now()
        self.log.append((now, cp.pod_uid, cp.name, w.kind, result))
        if result == FAILURE:
            self._on_event(cp.pod_uid, cp.name, "Warning", "Unhealthy", f"{w.kind} probe failed: {output}")
        if result == w.last:
            w.run += 1
        else:
            w.last = result
            w.run = 1
        if (result == FAILURE and w.run < int(w.spec["failureThreshold"])) or \
                (result == SUCCESS and w.run < int(w.spec["successThreshold"])):
            return True
        changed = w.result != result
        w.result = result
        if changed and w.kind in (READINESS, STARTUP):
            self._on_change(cp.pod_uid)
        if w.kind in (LIVENESS, STARTUP) and result == FAILURE:
            w.on_hold = True
            w.run = 0
            self._on_failure(cp.pod_uid, container_id, w.kind, w.spec)
            return True
        if w.kind == STARTUP and result == SUCCESS:
            return False
        return True
