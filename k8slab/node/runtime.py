"""The simulated container runtime of one node: images, pod sandboxes and containers, CRI-shaped.

upstream: staging/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto gives the verbs and
their shapes (``PullImage``, ``ImageStatus``, ``ListImages``, ``RunPodSandbox``,
``StopPodSandbox``, ``RemovePodSandbox``, ``CreateContainer``, ``StartContainer``,
``StopContainer``, ``RemoveContainer``, ``ContainerStatus``, ``ListContainers``,
``UpdateRuntimeConfig``, ``GetContainerEvents``, ``Version``). The behaviour a kubelet
sees mirrors containerd's: error texts of failed pulls, ``Completed``/``Error`` reasons of
exited containers, exit code 137 after SIGKILL, and after a power loss the containers that
were running show as exited with code 255 and reason ``Unknown``.

What is simulated, and how (nothing here runs a real process):

- **Time.** Every verb that takes time is asynchronous on the virtual clock: a pull takes
  a resolve latency plus the image's size over a drawn bandwidth; a sandbox takes a
  fraction of a second (the pause container and the CNI ADD). Durations are drawn from
  the node's seeded random stream and rounded to the millisecond.
- **Networking.** Sandboxes get their IP from the node's ``podCIDR`` the way the
  ``host-local`` IPAM plugin hands them out: the gateway ``.1`` is skipped, addresses go
  round-robin from the last one reserved, so a replaced pod gets a new IP. A container's
  ``wget``/``curl``/``nslookup`` resolve with its /etc/resolv.conf (written from the
  sandbox's DNSConfig, as containerd does) and connect through the pod network the
  cluster hands the runtime (node/network.py: DNS, the node's kube-proxy rules, the
  backend pod on any node); without one, only pods on this node are reachable.
- **Processes.** What a container "does" is decided from its argv (the container's
  ``command``/``args`` over the image's ENTRYPOINT/CMD), see :func:`plan_process`:
  known servers (nginx, httpd, redis, pause, ...) run until stopped and exit 0 on
  SIGTERM; ``sleep N`` sleeps; a shell with no script and no stdin exits 0 at once (so
  a bare ``busybox`` crash-loops, as it does for real); ``sh -c`` scripts made only of
  ``echo``/``printf``/``sleep``/``exit``/``true``/``false``/``:``/``hostname``/``pwd``/
  ``whoami`` joined by ``;``, ``&&``, ``||`` or newlines run to their exit code. A shell
  or ``sleep`` as PID 1 ignores SIGTERM (no handler, as PID 1 in a container), so it is
  SIGKILLed when the grace period runs out: exit 137. Any other program or script runs
  until stopped; k8slab does not pretend to know more about it. Not simulated (yet):
  a full shell, probes' effects, memory use and the OOM killer, ``kubectl exec``.
"""

from __future__ import annotations

import ipaddress
import random
import shlex
from dataclasses import dataclass, field
from typing import Any, Callable

from .images import SANDBOX_IMAGE, ImageInfo, ImageNotFound, lookup, parse_image
from .programs import Process, Request, Server, _learner_http, learner_program, server_for, stress_spec
from .programs import STRESS_ALLOC_DELAY
from .shell import FileSystem, Shell, run_sync

__all__ = ["ContainerRuntime", "PullResult", "SandboxResult", "Image", "ContainerStatus", "PodSandboxStatus",
           "ContainerEvent", "ProcessPlan", "plan_process", "resolve_argv", "RuntimeError_"]

RUNTIME_NAME = "k8slab"
RUNTIME_VERSION = "1.32.0"
RUNTIME_API_VERSION = "v1"

# CRI ContainerState / PodSandboxState names (api.proto)
CONTAINER_CREATED = "CONTAINER_CREATED"
CONTAINER_RUNNING = "CONTAINER_RUNNING"
CONTAINER_EXITED = "CONTAINER_EXITED"
SANDBOX_READY = "SANDBOX_READY"
SANDBOX_NOTREADY = "SANDBOX_NOTREADY"
CONTAINER_STOPPED_EVENT = "CONTAINER_STOPPED_EVENT"

#: exit code of a process killed by SIGKILL (128 + 9), as runtimes report it
SIGKILL_EXIT_CODE = 137
#: what containerd reports for a container that was running when the machine lost power
UNKNOWN_EXIT_CODE = 255
#: lines kept per container log (the kubelet rotates logs at containerLogMaxSize 10Mi)
MAX_LOG_LINES = 20_000
#: an exec without a timeout (``kubectl exec``) is cut off after this many virtual seconds of sleeping
EXEC_MAX_SECONDS = 60.0
#: memory (bytes) and CPU (cores) a known idle server uses
SERVER_MEMORY = 8 * 1024 * 1024
SERVER_CPU = 0.001


def _forever_gen():
    while True:
        yield float("inf")


def _image_env(info: ImageInfo) -> dict[str, str]:
    """The image's ENV (every image here has PATH; nginx adds NGINX_VERSION)."""
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    if info.name.endswith("/nginx"):
        env["NGINX_VERSION"] = info.version.split("-")[0]
    return env


class RuntimeError_(Exception):
    """A CRI call failed; ``message`` is the runtime's error text (``grpc status`` message)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------- results
@dataclass
class PullResult:
    """The outcome of ``pull_image``: ``image_ref`` and ``size`` on success, ``error`` on failure."""

    image: str
    duration: float
    image_ref: str = ""
    size: int = 0
    error: str = ""


@dataclass
class SandboxResult:
    """The outcome of ``run_pod_sandbox``: the sandbox id and its IP, or ``error``."""

    sandbox_id: str = ""
    ip: str = ""
    error: str = ""


@dataclass
class Image:
    """CRI ``Image``: id, repo tags, repo digests and size (bytes)."""

    id: str
    repo_tags: list[str]
    repo_digests: list[str]
    size: int
    info: ImageInfo | None = None


@dataclass
class PodSandboxStatus:
    """CRI ``PodSandboxStatus`` (the fields the kubelet uses)."""

    id: str
    pod_uid: str
    name: str
    namespace: str
    attempt: int
    state: str
    created_at: float
    ip: str = ""
    host_network: bool = False


@dataclass
class ContainerEvent:
    """CRI ``ContainerEventResponse`` (only CONTAINER_STOPPED_EVENT is sent)."""

    container_id: str
    container_event_type: str
    created_at: float
    pod_uid: str


@dataclass
class ProcessPlan:
    """What a simulated container's main process does once started."""

    runs_for: float | None          # seconds until it exits by itself; None: until stopped
    exit_code: int = 0
    output: list[tuple[float, str]] = field(default_factory=list)  # (seconds after start, line)
    handles_sigterm: bool = True    # False: ignores SIGTERM (PID 1 without a handler) -> SIGKILL at the deadline
    sigterm_exit_code: int = 0
    what: str = "server"
    script: str | None = None       # an ``sh -c`` script, run by the simulated shell (k8slab.node.shell)
    argv: list[str] = field(default_factory=list)


@dataclass
class ContainerStatus:
    """CRI ``ContainerStatus`` (times in virtual seconds, 0 when not yet)."""

    id: str
    sandbox_id: str
    pod_uid: str
    name: str
    attempt: int
    image: str          # the normalised reference, e.g. docker.io/library/nginx:1.14.2
    image_ref: str      # the repo digest, e.g. docker.io/library/nginx@sha256:...
    state: str
    created_at: float
    started_at: float = 0.0
    finished_at: float = 0.0
    exit_code: int = 0
    reason: str = ""
    message: str = ""
    plan: ProcessPlan | None = None
    logs: list[tuple[float, str]] = field(default_factory=list)
    user_image: str = ""  # the image as the pod spec wrote it (CRI ImageSpec.user_specified_image)
    fs: Any = None        # the container's FileSystem (its own files plus the pod's volumes)
    env: dict = field(default_factory=dict)
    hostname: str = ""
    memory_limit: int = 0  # bytes; 0: none
    memory_usage: int = 0  # bytes in use now
    cpu_usage: float = 0.0  # cores the process would use now (its demand)
    cpu_limit: float = 0.0  # cores; 0: none (the CFS quota of the container's cgroup)
    server: Any = None     # programs.Server while it listens
    _proc: Any = field(default=None, repr=False, compare=False)
    _learner: Any = field(default=None, repr=False, compare=False)
    _exit_timer: int | None = field(default=None, repr=False, compare=False)
    _kill_timer: int | None = field(default=None, repr=False, compare=False)
    _stop_waiters: list | None = field(default=None, repr=False, compare=False)


# ---------------------------------------------------------------------------------- processes
_SHELLS = {"sh", "bash", "ash", "dash"}
#: programs that run until stopped and exit 0 on SIGTERM
_SERVERS = {"nginx", "docker-entrypoint.sh", "httpd-foreground", "httpd", "apache2-foreground", "redis-server",
            "pause", "echo-server", "hello-app", "run.sh", "agnhost"}
_SIMPLE_OUTPUT = {"pwd": "/", "whoami": "root"}


def resolve_argv(entrypoint: tuple[str, ...] | list[str], cmd: tuple[str, ...] | list[str],
                 command: list[str] | None, args: list[str] | None) -> list[str]:
    """The process argv: ``command`` replaces ENTRYPOINT (and drops CMD), ``args`` replaces CMD.

    upstream: https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/
    (the table "Notes" there) and the OCI runtime spec.
    """
    if command:
        return list(command) + list(args or [])
    return list(entrypoint) + (list(args) if args else list(cmd))


def _duration(s: str) -> float | None:
    """busybox ``sleep`` operand: a number with an optional s/m/h/d suffix; None when invalid."""
    mult = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if s and s[-1] in mult:
        s, m = s[:-1], mult[s[-1]]
    else:
        m = 1
    try:
        v = float(s)
    except ValueError:
        return None
    if v < 0 or v != v:
        return None
    return v * m


def _eval_script(script: str, pod_name: str) -> ProcessPlan | None:
    """Run a tiny subset of ``sh``; None when the script uses anything outside it."""
    if any(ch in script for ch in "$`<>(){}*?\\|&") and not _only_logic_ops(script):
        return None
    lex = shlex.shlex(script.replace("\n", ";"), posix=True, punctuation_chars=";&|")
    lex.whitespace_split = True
    lex.commenters = "#"
    try:
        tokens = list(lex)
    except ValueError:
        return None
    commands: list[tuple[str, list[str]]] = []  # (operator before it, argv)
    op, cur = ";", []
    for tok in tokens:
        if tok in (";", "&&", "||"):
            if cur:
                commands.append((op, cur))
            elif tok != ";":
                return None
            op, cur = tok, []
        elif set(tok) <= set(";&|"):
            return None
        else:
            cur.append(tok)
    if cur:
        commands.append((op, cur))
    t = 0.0
    status = 0
    out: list[tuple[float, str]] = []
    for op, argv in commands:
        if op == "&&" and status != 0:
            continue
        if op == "||" and status == 0:
            continue
        prog, rest = argv[0], argv[1:]
        if prog == "exit":
            if len(rest) > 1:
                return None
            code = status
            if rest:
                try:
                    code = int(rest[0]) & 0xFF
                except ValueError:
                    return None
            return ProcessPlan(t, code, out, handles_sigterm=False, what="sh -c script")
        if prog == "echo":
            if rest and rest[0] == "-n":
                rest = rest[1:]
            out.append((t, " ".join(rest)))
            status = 0
        elif prog == "printf":
            if len(rest) != 1 or "%" in rest[0]:
                return None
            for line in rest[0].replace("\\n", "\n").split("\n")[:-1] or [rest[0]]:
                out.append((t, line))
            status = 0
        elif prog == "sleep":
            if not rest:
                return None
            total = 0.0
            for a in rest:
                d = _duration(a)
                if d is None:
                    if a == "infinity":
                        return ProcessPlan(None, 0, out, handles_sigterm=False, what="sh -c script")
                    return None
                total += d
            t += total
            status = 0
        elif prog in ("true", ":"):
            status = 0
        elif prog == "false":
            status = 1
        elif prog == "hostname" and not rest:
            out.append((t, pod_name))
            status = 0
        elif prog in _SIMPLE_OUTPUT and not rest:
            out.append((t, _SIMPLE_OUTPUT[prog]))
            status = 0
        else:
            return None
    return ProcessPlan(t, status, out, handles_sigterm=False, what="sh -c script")


def _only_logic_ops(script: str) -> bool:
    """True when the only special characters are the ``&&``/``||`` operators."""
    stripped = script.replace("&&", "").replace("||", "")
    return not any(ch in stripped for ch in "$`<>(){}*?\\|&")


def plan_process(argv: list[str], *, stdin: bool = False, pod_name: str = "") -> ProcessPlan:
    """Decide what the process ``argv`` does (see the module docstring for the rules)."""
    if not argv:
        raise RuntimeError_("failed to create containerd task: failed to create shim task: OCI runtime create "
                            "failed: runc create failed: unable to start container process: no command specified")
    prog = argv[0].rsplit("/", 1)[-1]
    if prog in _SHELLS:
        flags = argv[1] if len(argv) > 1 else ""
        if flags.startswith("-") and "c" in flags[1:] and len(argv) > 2:
            script = argv[2]
            handles = "trap" in script and any(s in script for s in ("TERM", "15"))
            return ProcessPlan(None, 0, [], handles_sigterm=handles, sigterm_exit_code=143 if handles else 0,
                               what="sh -c script", script=script, argv=list(argv))
        if len(argv) > 1 and not flags.startswith("-"):
            return ProcessPlan(None, 0, [], handles_sigterm=False, what=f"{prog} script file (runs until stopped)")
        if stdin:
            return ProcessPlan(None, 0, [], handles_sigterm=False, what=f"interactive {prog}")
        return ProcessPlan(0.0, 0, [], handles_sigterm=False, what=f"{prog} with no input")
    if prog == "sleep":
        if len(argv) < 2:
            return ProcessPlan(0.0, 1, [(0.0, "sleep: missing operand")], handles_sigterm=False, what="sleep")
        total = 0.0
        for a in argv[1:]:
            if a == "infinity":
                return ProcessPlan(None, 0, [], handles_sigterm=False, what="sleep infinity")
            d = _duration(a)
            if d is None:
                return ProcessPlan(0.0, 1, [(0.0, f"sleep: invalid number '{a}'")], handles_sigterm=False,
                                   what="sleep")
            total += d
        return ProcessPlan(total, 0, [], handles_sigterm=False, what="sleep")
    if prog == "true":
        return ProcessPlan(0.0, 0, [], handles_sigterm=False, what="true")
    if prog == "false":
        return ProcessPlan(0.0, 1, [], handles_sigterm=False, what="false")
    if prog == "echo":
        rest = argv[1:]
        if rest and rest[0] == "-n":
            rest = rest[1:]
        return ProcessPlan(0.0, 0, [(0.0, " ".join(rest))], handles_sigterm=False, what="echo")
    if prog == "agnhost" and len(argv) == 1:
        return ProcessPlan(0.0, 0, [], handles_sigterm=False, what="agnhost (prints usage)")
    if prog in _SERVERS:
        return ProcessPlan(None, 0, [], handles_sigterm=True, what="server", argv=list(argv))
    return ProcessPlan(None, 0, [], handles_sigterm=True, what="program (runs until stopped)", argv=list(argv))


# ---------------------------------------------------------------------------------- the runtime
def _no_clock() -> float:
    raise RuntimeError("ContainerRuntime has no clock: pass clock= or call set_clock()")


@dataclass
class _Sandbox:
    status: PodSandboxStatus
    containers: list[str] = field(default_factory=list)
    dns: dict | None = None   # CRI DNSConfig (servers, searches, options) the kubelet asked for


#: applets a busybox image does not have (busybox ships wget and nslookup, not curl)
_NO_CURL_IMAGES = ("docker.io/library/busybox", "registry.k8s.io/busybox")


def _missing_applets(image: str) -> frozenset[str]:
    """Commands the image does not ship, though the simulated shell knows them."""
    return frozenset({"curl"}) if image.startswith(_NO_CURL_IMAGES) else frozenset()


class _ContainerNet:
    """A container's view of the network: its resolver (/etc/resolv.conf) and connect().

    Loopback and the pod's own IP stay in the sandbox; anything else goes through the
    pod network the cluster handed the runtime (node/network.py), or, without one, only
    to pods on this node.
    """

    def __init__(self, rt: "ContainerRuntime", c: ContainerStatus):
        self.rt = rt
        self.c = c

    def _sandbox(self):
        return self.rt._sandboxes.get(self.c.sandbox_id)

    def resolv(self) -> dict:
        from .network import parse_resolv_conf

        return parse_resolv_conf(self.c.fs.read("/etc/resolv.conf") or "") if self.c.fs is not None else {}

    def nameserver(self) -> str:
        servers = self.resolv().get("servers") or []
        return servers[0] if servers else "127.0.0.1"

    def lookup(self, name: str) -> list[str]:
        """getaddrinfo: /etc/hosts first, then the DNS servers of resolv.conf."""
        try:
            return [str(ipaddress.IPv4Address(name))]
        except ValueError:
            pass
        hosts = (self.c.fs.read("/etc/hosts") or "") if self.c.fs is not None else ""
        for line in hosts.splitlines():
            f = line.split()
            if f and not f[0].startswith("#") and ":" not in f[0] and name in f[1:]:
                return [f[0]]
        net = self.rt.network
        if net is None:
            return []
        sb = self._sandbox()
        return net.resolve(name, self.resolv(), client=sb.status.name if sb else "")

    def reverse(self, ip: str) -> str:
        net = self.rt.network
        if ip == "127.0.0.1":
            return "localhost"
        return net.reverse(ip) if net is not None else ""

    def get(self, ip: str, port: int, path: str):
        """Connect to ``ip:port`` and GET ``path``: a network.Reply."""
        from .network import Reply

        sb = self._sandbox()
        rep = Reply(ip, port)
        if sb is not None and (ip.startswith("127.") or ip == sb.status.ip):
            res = self.rt.http_get(self.c.sandbox_id, port, path)
            if res is None:
                rep.error = "refused"
            else:
                rep.status, rep.body = res
            return rep
        net = self.rt.network
        if net is not None and sb is not None:
            return net.http_get(self.rt.node_name, sb.status.ip, ip, port, path, client=sb.status.name)
        sid = self.rt._sandbox_by_ip(ip)
        res = self.rt.http_get(sid, port, path) if sid is not None else None
        if sid is None:
            rep.error = "timeout"
        elif res is None:
            rep.error = "refused"
        else:
            rep.status, rep.body = res
        return rep


class ContainerRuntime:
    """One node's simulated container runtime (containerd-like), driven by virtual time.

    ``call_later(delay, fn, *args, source=, what=)`` schedules on the kernel; ``rng`` is
    the node's runtime stream. All ids are drawn from ``rng``: same seed, same ids.
    """

    #: (min, max) seconds to resolve a reference at the registry
    PULL_LATENCY = (0.3, 0.8)
    #: (min, max) bytes per second while downloading layers
    PULL_BANDWIDTH = (25e6, 60e6)
    #: (min, max) seconds to create a pod sandbox (pause container + CNI ADD)
    SANDBOX_DELAY = (0.2, 0.6)
    #: (min, max) seconds a server takes to exit after SIGTERM
    SIGTERM_DELAY = (0.05, 0.3)

    def __init__(self, node_name: str, call_later: Callable[..., Any], rng: random.Random, *,
                 clock: Callable[[], float] | None = None, network: Any = None):
        self.node_name = node_name
        #: the pod network (node/network.py PodNetwork) the CNI connects sandboxes to; None: this node only
        self.network = network
        self._call_later = call_later
        self._rng = rng
        self._clock: Callable[[], float] = clock or _no_clock
        self._images: dict[str, Image] = {}           # image id -> Image
        self._tags: dict[str, str] = {}               # normalised tag / repo digest -> image id
        self._sandboxes: dict[str, _Sandbox] = {}
        self._containers: dict[str, ContainerStatus] = {}
        self._by_pod: dict[str, list[str]] = {}       # pod uid -> sandbox ids (creation order)
        self._timers: dict[int, Any] = {}
        self._next_timer = 0
        self._event_handlers: list[Callable[[ContainerEvent], None]] = []
        self._pod_cidr: ipaddress.IPv4Network | None = None
        self._ip_used: set[str] = set()
        self._ip_last: int = 1
        self._exec_pid = 100
        self.powered = True
        self.boots = 1
        #: bumped whenever the set of images (or their tags) changes
        self.images_version = 0
        self._preload(SANDBOX_IMAGE)

    # ------------------------------------------------------------------ plumbing
    def _round(self, lo: float, hi: float) -> float:
        return round(self._rng.uniform(lo, hi), 3)

    def _later(self, delay: float, fn: Callable, *args: Any, what: str = "") -> int:
        self._next_timer += 1
        tid = self._next_timer
        boots = self.boots

        def fire() -> None:
            self._timers.pop(tid, None)
            if self.powered and self.boots == boots:
                fn(*args)

        self._timers[tid] = self._call_later(delay, fire, source=f"runtime/{self.node_name}", what=what)
        return tid

    def _cancel(self, tid: int | None) -> None:
        if tid is not None:
            t = self._timers.pop(tid, None)
            if t is not None:
                t.cancel()

    def _new_id(self) -> str:
        return f"{self._rng.getrandbits(256):064x}"

    def _preload(self, image: str) -> None:
        ref, info = lookup(image)
        self._store(ref.normalized, info)

    def _store(self, tag: str, info: ImageInfo) -> Image:
        img = self._images.get(info.image_id)
        if img is None:
            img = Image(info.image_id, [], [info.repo_digest], info.size, info)
            self._images[info.image_id] = img
            self._tags[info.repo_digest] = info.image_id
        if tag not in img.repo_tags and "@" not in tag:
            img.repo_tags.append(tag)
            img.repo_tags.sort()
            self.images_version += 1
        self._tags[tag] = info.image_id
        return img

    # ------------------------------------------------------------------ RuntimeService: Version, config, events
    def version(self) -> dict:
        """CRI ``Version``."""
        return {"version": "0.1.0", "runtimeName": RUNTIME_NAME, "runtimeVersion": RUNTIME_VERSION,
                "runtimeApiVersion": RUNTIME_API_VERSION}

    def update_runtime_config(self, pod_cidr: str) -> None:
        """CRI ``UpdateRuntimeConfig``: the node's pod CIDR, which the CNI IPAM allocates from."""
        net = ipaddress.ip_network(pod_cidr, strict=False)
        if self._pod_cidr != net:
            self._pod_cidr = net
            self._ip_last = 1

    def get_container_events(self, handler: Callable[[ContainerEvent], None]) -> None:
        """CRI ``GetContainerEvents``: ``handler`` is called when a container stops."""
        self._event_handlers.append(handler)

    # ------------------------------------------------------------------ ImageService
    def image_status(self, image: str) -> Image | None:
        """CRI ``ImageStatus``: the image if present on this node (by tag or digest), else None."""
        try:
            ref = parse_image(image)
        except ValueError:
            return None
        iid = self._tags.get(ref.normalized)
        return self._images.get(iid) if iid else None

    def list_images(self) -> list[Image]:
        """CRI ``ListImages`` (sorted by id)."""
        return [self._images[k] for k in sorted(self._images)]

    def remove_image(self, image: str) -> None:
        """CRI ``RemoveImage``."""
        img = self.image_status(image)
        if img is None:
            return
        del self._images[img.id]
        for k in [k for k, v in self._tags.items() if v == img.id]:
            del self._tags[k]
        self.images_version += 1

    def pull_image(self, image: str, on_done: Callable[[PullResult], None]) -> None:
        """CRI ``PullImage``, asynchronous: ``on_done(PullResult)`` after the simulated pull time.

        An image already present still costs a registry round trip (the tag is resolved
        again), as ``imagePullPolicy: Always`` does for real.
        """
        latency = self._round(*self.PULL_LATENCY)
        try:
            ref, info = lookup(image)
        except ImageNotFound as e:
            self._later(latency, on_done, PullResult(image, latency, error=e.message), what=f"pull {image} (fails)")
            return
        present = info.image_id in self._images
        duration = latency if present else round(latency + info.size / self._rng.uniform(*self.PULL_BANDWIDTH), 3)

        def done() -> None:
            img = self._store(ref.normalized, info)
            on_done(PullResult(image, duration, img.id, img.size))

        self._later(duration, done, what=f"pull {image}")

    # ------------------------------------------------------------------ sandboxes
    def run_pod_sandbox(self, config: dict, on_done: Callable[[SandboxResult], None]) -> None:
        """CRI ``RunPodSandbox``, asynchronous. ``config``: name, namespace, uid, attempt, hostNetwork, hostIP."""
        delay = self._round(*self.SANDBOX_DELAY)

        def done() -> None:
            host_net = bool(config.get("hostNetwork"))
            if host_net:
                ip = config.get("hostIP", "")
            else:
                ip = self._allocate_ip()
                if ip is None:
                    rng_desc = self._range_desc()
                    on_done(SandboxResult(error=(
                        f'failed to setup network for sandbox: plugin type="host-local" failed (add): '
                        f"failed to allocate for range 0: no IP addresses available in range set: {rng_desc}")))
                    return
            sid = self._new_id()
            st = PodSandboxStatus(sid, config["uid"], config["name"], config["namespace"], int(config.get("attempt", 0)),
                                  SANDBOX_READY, self._now(), ip, host_net)
            self._sandboxes[sid] = _Sandbox(st, dns=config.get("dns"))
            self._by_pod.setdefault(config["uid"], []).append(sid)
            on_done(SandboxResult(sid, ip))

        self._later(delay, done, what=f"run sandbox {config.get('namespace')}/{config.get('name')}")

    def _now(self) -> float:
        return self._clock()

    def set_clock(self, clock: Callable[[], float]) -> None:
        """How the runtime reads virtual time (the kubelet that owns it passes its own clock)."""
        self._clock = clock

    def _range_desc(self) -> str:
        net = self._pod_cidr
        if net is None:
            return ""
        return f"{net.network_address + 1}-{net.broadcast_address - 1}"

    def _allocate_ip(self) -> str | None:
        """host-local IPAM: round robin after the last reserved address, skipping the gateway (.1)."""
        net = self._pod_cidr
        if net is None:
            return None
        first, last = 2, net.num_addresses - 2  # .0 network, .1 gateway, last broadcast
        if last < first:
            return None
        span = last - first + 1
        base = self._ip_last + 1 if self._ip_last >= first else first
        for k in range(span):
            off = first + ((base - first + k) % span)
            ip = str(net.network_address + off)
            if ip not in self._ip_used:
                self._ip_used.add(ip)
                self._ip_last = off
                return ip
        return None

    def stop_pod_sandbox(self, sandbox_id: str) -> None:
        """CRI ``StopPodSandbox``: force-stops its containers and tears its network down."""
        sb = self._sandboxes.get(sandbox_id)
        if sb is None or sb.status.state == SANDBOX_NOTREADY:
            return
        for cid in sb.containers:
            c = self._containers.get(cid)
            if c is not None and c.state == CONTAINER_RUNNING:
                self._exit(c, SIGKILL_EXIT_CODE, "Error", notify=False)
        sb.status.state = SANDBOX_NOTREADY
        if not sb.status.host_network:
            self._ip_used.discard(sb.status.ip)

    def remove_pod_sandbox(self, sandbox_id: str) -> None:
        """CRI ``RemovePodSandbox``: the sandbox and every container in it are gone."""
        self.stop_pod_sandbox(sandbox_id)
        sb = self._sandboxes.pop(sandbox_id, None)
        if sb is None:
            return
        for cid in sb.containers:
            self._containers.pop(cid, None)
        ids = self._by_pod.get(sb.status.pod_uid)
        if ids is not None:
            if sandbox_id in ids:
                ids.remove(sandbox_id)
            if not ids:
                del self._by_pod[sb.status.pod_uid]

    def pod_sandbox_status(self, sandbox_id: str) -> PodSandboxStatus | None:
        """CRI ``PodSandboxStatus`` (None when it does not exist)."""
        sb = self._sandboxes.get(sandbox_id)
        return sb.status if sb else None

    def list_pod_sandboxes(self, pod_uid: str | None = None) -> list[PodSandboxStatus]:
        """CRI ``ListPodSandbox``, optionally filtered by the pod-uid label, oldest first."""
        if pod_uid is not None:
            return [self._sandboxes[s].status for s in self._by_pod.get(pod_uid, ())]
        return sorted((sb.status for sb in self._sandboxes.values()), key=lambda s: (s.created_at, s.id))

    def sandbox_containers(self, sandbox_id: str) -> list[str]:
        """Ids of the containers (any state) in a sandbox."""
        sb = self._sandboxes.get(sandbox_id)
        return list(sb.containers) if sb else []

    def pod_uids(self) -> list[str]:
        """Every pod uid the runtime has a sandbox for (the kubelet's housekeeping uses this)."""
        return sorted(self._by_pod)

    # ------------------------------------------------------------------ containers
    def create_container(self, sandbox_id: str, config: dict) -> str:
        """CRI ``CreateContainer``: ``config`` has name, attempt, image, command, args, stdin; returns the id.

        Raises :class:`RuntimeError_` when the sandbox or the image is missing or the
        process cannot be started (no command).
        """
        sb = self._sandboxes.get(sandbox_id)
        if sb is None or sb.status.state != SANDBOX_READY:
            raise RuntimeError_(f'failed to get sandbox "{sandbox_id}": not found')
        img = self.image_status(config["image"])
        if img is None or img.info is None:
            raise RuntimeError_(f'failed to get image "{config["image"]}": not found')
        argv = resolve_argv(img.info.entrypoint, img.info.cmd, config.get("command"), config.get("args"))
        plan = plan_process(argv, stdin=bool(config.get("stdin")), pod_name=sb.status.name)
        cid = self._new_id()
        ref = parse_image(config["image"])
        st = ContainerStatus(cid, sandbox_id, sb.status.pod_uid, config["name"], int(config.get("attempt", 0)),
                             ref.normalized, img.info.repo_digest, CONTAINER_CREATED, self._now(), plan=plan,
                             user_image=config["image"])
        st.fs = FileSystem(mounts=dict(config.get("mounts") or {}))
        st.env = {**_image_env(img.info), **dict(config.get("env") or {})}
        st.hostname = config.get("hostname") or sb.status.name
        self._etc_files(st, sb)
        st.memory_limit = int(config.get("memory_limit") or 0)
        st.cpu_limit = float(config.get("cpu_limit") or 0.0)
        st._learner = learner_program(config["image"])
        self._containers[cid] = st
        sb.containers.append(cid)
        return cid

    def _etc_files(self, c: ContainerStatus, sb: _Sandbox) -> None:
        """/etc/resolv.conf (the sandbox's DNSConfig), /etc/hosts and /etc/hostname of a new container.

        upstream: the kubelet's GetPodDNS result goes to the runtime in PodSandboxConfig.dns_config
        and containerd writes resolv.conf from it; the kubelet writes the managed /etc/hosts.
        Without a DNSConfig, a pod-network sandbox gets ClusterFirst and a host-network one the node's.
        """
        from .network import NODE_RESOLV_CONF, format_resolv_conf, hosts_file, pod_dns_config

        dns = sb.dns
        if dns is None:
            if self.network is not None and not sb.status.host_network:
                dns = pod_dns_config({"metadata": {"namespace": sb.status.namespace}})
            else:
                dns = NODE_RESOLV_CONF
        for path, text in (("/etc/resolv.conf", format_resolv_conf(dns)),
                           ("/etc/hosts", hosts_file("" if sb.status.host_network else sb.status.ip, c.hostname)),
                           ("/etc/hostname", c.hostname + "\n")):
            if c.fs.read(path) is None:
                c.fs.write(path, text)

    def start_container(self, container_id: str) -> None:
        """CRI ``StartContainer``: the process starts now."""
        c = self._containers.get(container_id)
        if c is None:
            raise RuntimeError_(f'failed to find container "{container_id}": not found')
        if c.state != CONTAINER_CREATED:
            raise RuntimeError_(f"container {container_id} is not in created state")
        now = self._now()
        c.state = CONTAINER_RUNNING
        c.started_at = now
        plan = c.plan
        if c._learner is not None:
            self._start_learner(c)
            return
        if plan is not None and plan.script is not None:
            sh = self._shell(c, pid=1)
            c._proc = sh.run(plan.script)
            self._drive(container_id)
            return
        stress = stress_spec(plan.argv) if plan is not None else None
        if stress is not None:
            self._start_stress(c, stress)
            return
        if plan is not None:
            c.logs = [(now + off, line) for off, line in plan.output]
            c.server = server_for(plan.argv) if plan.runs_for is None else None
            if c.server is not None:
                c.memory_usage = SERVER_MEMORY
                c.cpu_usage = SERVER_CPU
            if plan.runs_for is not None:
                c._exit_timer = self._later(round(plan.runs_for, 3), self._natural_exit, container_id,
                                            what=f"container {c.name} exits")

    # ------------------------------------------------------------------ processes on virtual time
    def _log(self, c: ContainerStatus) -> Callable[[str], None]:
        def write(line: str) -> None:
            c.logs.append((self._now(), line))
            if len(c.logs) > MAX_LOG_LINES:  # the kubelet rotates container logs (containerLogMaxSize)
                del c.logs[:len(c.logs) - MAX_LOG_LINES]
        return write

    def _shell(self, c: ContainerStatus, pid: int, out: Callable[[str], None] | None = None) -> Shell:
        sandbox_id = c.sandbox_id

        def programs(argv: list[str]):
            srv = server_for(argv)
            if srv is not None or argv[0].rsplit("/", 1)[-1] in _SERVERS:
                if pid == 1:
                    c.server = srv
                return _forever_gen()
            return None

        def http_get(url: str):
            return self.http_get_url(sandbox_id, url)

        return Shell(c.fs, c.env, stdout=out or self._log(c), now=self._now, hostname=c.hostname, pid=pid,
                     programs=programs, http_get=http_get, net=_ContainerNet(self, c),
                     missing=_missing_applets(c.image))

    def _drive(self, container_id: str) -> None:
        """Resume a container's generator process until it sleeps or exits."""
        c = self._containers.get(container_id)
        if c is None or c.state != CONTAINER_RUNNING or c._proc is None:
            return
        c._exit_timer = None
        try:
            delay = next(c._proc)
        except StopIteration as stop:
            code = int(stop.value or 0) & 0xFF
            c._proc = None
            self._exit(c, code, "Completed" if code == 0 else "Error")
            return
        except Exception as e:  # a learner's main() raised: the process dies, as it would
            self._log(c)(f"Traceback (most recent call last): {type(e).__name__}: {e}")
            c._proc = None
            self._exit(c, 1, "Error")
            return
        if c._learner is not None and self._over_limit(c):
            return
        if delay == float("inf"):
            return
        c._exit_timer = self._later(round(max(float(delay), 0.0), 3), self._drive, container_id,
                                    what=f"container {c.name} runs")

    def _over_limit(self, c: ContainerStatus) -> bool:
        """The cgroup's memory limit: over it, the kernel's OOM killer ends the process (exit 137)."""
        if c.memory_limit and c.memory_usage > c.memory_limit:
            self._oom(c.id)
            return True
        return False

    def _oom(self, container_id: str) -> None:
        c = self._containers.get(container_id)
        if c is None or c.state != CONTAINER_RUNNING:
            return
        c._proc = None
        self._exit(c, SIGKILL_EXIT_CODE, "OOMKilled")

    def _start_stress(self, c: ContainerStatus, spec) -> None:
        c.cpu_usage = float(spec.cpus)
        self._log(c)(f"stress: info: [1] dispatching hogs: {spec.cpus} cpu, 0 io, "
                     f"{1 if spec.vm_bytes else 0} vm, 0 hdd")

        def allocate() -> None:
            if c.state != CONTAINER_RUNNING:
                return
            c.memory_usage = spec.vm_bytes
            self._over_limit(c)

        if spec.vm_bytes:
            self._later(STRESS_ALLOC_DELAY, allocate, what=f"container {c.name} allocates memory")
        if spec.timeout is not None:
            c.plan = ProcessPlan(spec.timeout, 0, [], handles_sigterm=True, what="stress", argv=c.plan.argv)
            c._exit_timer = self._later(spec.timeout, self._natural_exit, c.id, what=f"container {c.name} exits")

    def _start_learner(self, c: ContainerStatus) -> None:
        prog = c._learner
        if prog.handler is not None:
            c.server = Server((prog.port,), _learner_http(prog))
        c.memory_usage = prog.memory
        c.cpu_usage = prog.cpu
        if prog.main is None:
            self._over_limit(c)
            return
        proc = Process(c.env, c.fs, self._log(c), c.hostname, self._now)
        gen = prog.main(proc)
        if not hasattr(gen, "__next__"):
            code = int(gen or 0)
            self._exit(c, code, "Completed" if code == 0 else "Error")
            return

        def tracked():
            try:
                while True:
                    d = next(gen)
                    c.memory_usage = max(int(proc.memory or 0), prog.memory)
                    c.cpu_usage = float(proc.cpu or prog.cpu)
                    yield float(d if d is not None else 0)
            except StopIteration as s:
                c.memory_usage = max(int(proc.memory or 0), prog.memory)
                return s.value

        c._proc = tracked()
        self._drive(c.id)

    # ------------------------------------------------------------------ what the kubelet asks a container
    def exec_sync(self, container_id: str, argv: list[str], timeout: float | None = None) -> tuple[int, str, bool]:
        """CRI ``ExecSync``: run ``argv`` in the container with the simulated shell, now.

        Returns (exit code, combined output, timed out). Sleeps inside the command do not
        advance the cluster's clock; they count against ``timeout``.
        """
        c = self._containers.get(container_id)
        if c is None or c.state != CONTAINER_RUNNING:
            raise RuntimeError_(f"container {container_id} is not running")
        lines: list[str] = []
        self._exec_pid += 1
        sh = self._shell(c, pid=self._exec_pid, out=lines.append)
        if argv and argv[0].rsplit("/", 1)[-1] in _SHELLS and len(argv) > 2 and argv[1].startswith("-") \
                and "c" in argv[1]:
            gen = sh.run(argv[2])
        else:
            gen = sh.run_argv(list(argv))
        code, _slept, timed_out = run_sync(sh, gen, timeout if timeout is not None else EXEC_MAX_SECONDS)
        out = "\n".join(lines) + ("\n" if lines else "")
        return code, out, timed_out

    def exec_hook(self, container_id: str, argv: list[str], timeout: float) -> tuple[int, str, float]:
        """A lifecycle hook's exec: (exit code, output, seconds it takes, at most ``timeout``)."""
        c = self._containers.get(container_id)
        if c is None or c.state != CONTAINER_RUNNING:
            return 1, "container is not running", 0.0
        lines: list[str] = []
        self._exec_pid += 1
        sh = self._shell(c, pid=self._exec_pid, out=lines.append)
        if argv and argv[0].rsplit("/", 1)[-1] in _SHELLS and len(argv) > 2 and "c" in argv[1]:
            gen = sh.run(argv[2])
        else:
            gen = sh.run_argv(list(argv))
        code, slept, timed_out = run_sync(sh, gen, timeout)
        return (code if not timed_out else 0), "\n".join(lines), min(slept, timeout)

    def _sandbox_by_ip(self, ip: str) -> str | None:
        for sid, sb in self._sandboxes.items():
            if sb.status.ip == ip and sb.status.state == SANDBOX_READY:
                return sid
        return None

    def _listener(self, sandbox_id: str, port: int) -> ContainerStatus | None:
        sb = self._sandboxes.get(sandbox_id)
        if sb is None or sb.status.state != SANDBOX_READY:
            return None
        for cid in sb.containers:
            c = self._containers.get(cid)
            if c is not None and c.state == CONTAINER_RUNNING and c.server is not None and port in c.server.ports:
                return c
        return None

    def tcp_connect(self, sandbox_id: str, port: int) -> bool:
        """Is something in the pod listening on ``port``? (what a tcpSocket probe checks)"""
        return self._listener(sandbox_id, port) is not None

    def http_get(self, sandbox_id: str, port: int, path: str, headers: dict | None = None) -> tuple[int, str] | None:
        """GET ``path`` on ``port`` in the pod's network namespace: (status, body), or None (refused)."""
        c = self._listener(sandbox_id, port)
        if c is None or c.server is None:
            return None
        if c.server.http is None:
            return None
        now = self._now()
        req = Request("GET", path or "/", dict(headers or {}), now, now - c.started_at, c.hostname)
        return c.server.http(req, c.fs)

    def http_get_url(self, sandbox_id: str, url: str) -> tuple[int, str] | None:
        """``wget``/``curl`` from inside a pod: localhost is the pod itself; other pod IPs on this node."""
        import re as _re

        m = _re.match(r"^https?://([^/:]+)(?::(\d+))?(/.*)?$", url)
        if not m:
            return None
        host, port, path = m.group(1), int(m.group(2) or 80), m.group(3) or "/"
        sid = sandbox_id if host in ("localhost", "127.0.0.1") else self._sandbox_by_ip(host)
        sb = self._sandboxes.get(sandbox_id)
        if sid is None and sb is not None and host in (sb.status.ip, sb.status.name):
            sid = sandbox_id
        if sid is None:
            return None
        return self.http_get(sid, port, path)

    def container_stats(self, container_id: str) -> dict:
        """CRI ``ContainerStats`` (simplified): memory working set (bytes) and CPU (cores) now.

        CPU over the container's limit is throttled, as the CFS quota does: a process that
        wants more cores than ``limits.cpu`` gets exactly the limit (it runs slower, it is
        not killed). upstream: pkg/kubelet/cm/helpers_linux.go ``MilliCPUToQuota``.
        """
        c = self._containers.get(container_id)
        if c is None or c.state != CONTAINER_RUNNING:
            return {"memory": 0, "cpu": 0.0}
        cpu = c.cpu_usage
        if c.cpu_limit and cpu > c.cpu_limit:
            cpu = c.cpu_limit
        return {"memory": c.memory_usage, "cpu": cpu}

    def container_log_entries(self, container_id: str) -> list[tuple[float, str]]:
        """(time, line) of everything the container wrote so far."""
        c = self._containers.get(container_id)
        if c is None:
            return []
        now = self._now()
        return [(t, line) for t, line in c.logs if t <= now]

    def _natural_exit(self, container_id: str) -> None:
        c = self._containers.get(container_id)
        if c is None or c.state != CONTAINER_RUNNING or c.plan is None:
            return
        code = c.plan.exit_code
        self._exit(c, code, "Completed" if code == 0 else "Error")

    def _exit(self, c: ContainerStatus, code: int, reason: str, notify: bool = True) -> None:
        c.state = CONTAINER_EXITED
        c.finished_at = self._now()
        c.exit_code = code
        c.reason = reason
        c.server = None
        c.memory_usage = 0
        c.cpu_usage = 0.0
        if c._proc is not None:
            c._proc.close()
            c._proc = None
        self._cancel(c._exit_timer)
        self._cancel(c._kill_timer)
        c._exit_timer = c._kill_timer = None
        c.logs = [(t, line) for t, line in c.logs if t <= c.finished_at]
        waiters, c._stop_waiters = c._stop_waiters or [], None
        if notify:
            ev = ContainerEvent(c.id, CONTAINER_STOPPED_EVENT, c.finished_at, c.pod_uid)
            for h in self._event_handlers:
                h(ev)
        for w in waiters:
            w(c.id)

    def is_stopping(self, container_id: str) -> bool:
        """True while a ``stop_container`` for it is in progress."""
        c = self._containers.get(container_id)
        return c is not None and c._stop_waiters is not None

    def stop_container(self, container_id: str, timeout: float, on_done: Callable[[str], None]) -> None:
        """CRI ``StopContainer``: SIGTERM, then SIGKILL after ``timeout`` seconds; ``on_done(id)`` once exited."""
        c = self._containers.get(container_id)
        if c is None or c.state != CONTAINER_RUNNING:
            self._later(0, on_done, container_id, what=f"stop container {container_id[:12]}")
            return
        plan = c.plan or ProcessPlan(None)
        if c._stop_waiters is not None:  # already stopping
            c._stop_waiters.append(on_done)
            return
        c._stop_waiters = [on_done]
        if plan.handles_sigterm:
            delay = min(self._round(*self.SIGTERM_DELAY), max(timeout, 0))
            code, reason = plan.sigterm_exit_code, ("Completed" if plan.sigterm_exit_code == 0 else "Error")
        else:
            delay, code, reason = max(timeout, 0), SIGKILL_EXIT_CODE, "Error"

        def stopped() -> None:
            c._kill_timer = None
            if c.state == CONTAINER_RUNNING:
                self._exit(c, code, reason)

        # a process that would exit by itself sooner still does (with its own exit code)
        c._kill_timer = self._later(round(delay, 3), stopped, what=f"container {c.name} stops")

    def remove_container(self, container_id: str) -> None:
        """CRI ``RemoveContainer``."""
        c = self._containers.pop(container_id, None)
        if c is None:
            return
        self._cancel(c._exit_timer)
        self._cancel(c._kill_timer)
        sb = self._sandboxes.get(c.sandbox_id)
        if sb is not None and container_id in sb.containers:
            sb.containers.remove(container_id)

    def container_status(self, container_id: str) -> ContainerStatus | None:
        """CRI ``ContainerStatus`` (None when it does not exist)."""
        return self._containers.get(container_id)

    def list_containers(self, pod_uid: str | None = None) -> list[ContainerStatus]:
        """CRI ``ListContainers``, optionally filtered by the pod-uid label, in creation order."""
        if pod_uid is not None:
            out = []
            for sid in self._by_pod.get(pod_uid, ()):
                out += [self._containers[c] for c in self._sandboxes[sid].containers if c in self._containers]
            return out
        return sorted(self._containers.values(), key=lambda c: (c.created_at, c.id))

    def container_logs(self, container_id: str) -> list[str]:
        """The lines the container wrote so far (what ``kubectl logs`` would show)."""
        c = self._containers.get(container_id)
        if c is None:
            return []
        now = self._now()
        return [line for t, line in c.logs if t <= now]

    # ------------------------------------------------------------------ power
    def power_off(self) -> None:
        """The machine loses power: every process is gone and nothing in flight completes.

        What containerd finds when it starts again: containers that were running are
        exited with code 255 and reason ``Unknown``, sandboxes are not ready, and the
        IPAM reservations are gone. Images on disk stay.
        """
        if not self.powered:
            return
        now = self._now()
        for t in self._timers.values():
            t.cancel()
        self._timers.clear()
        for c in self._containers.values():
            if c.state in (CONTAINER_RUNNING, CONTAINER_CREATED):
                c.state = CONTAINER_EXITED
                c.finished_at = now
                c.exit_code = UNKNOWN_EXIT_CODE
                c.reason = "Unknown"
                c.logs = [(t, line) for t, line in c.logs if t <= now]
            c._stop_waiters = None
            c._exit_timer = c._kill_timer = None
        for sb in self._sandboxes.values():
            sb.status.state = SANDBOX_NOTREADY
        self._ip_used.clear()
        self.powered = False

    def power_on(self) -> None:
        """The machine boots again (a new boot: timers of the previous one never fire)."""
        if self.powered:
            return
        self.powered = True
        self.boots += 1
