"""What simulated containers *do*: known servers, ``stress``, and programs a learner registers.

- Servers answer HTTP on their port: ``nginx`` (80; serves files under
  ``/usr/share/nginx/html``, ``/`` is the welcome page), ``httpd`` (80; ``It works!``),
  ``redis-server`` (6379, TCP only), ``agnhost liveness`` (8080; ``/healthz`` answers 200
  for the first 10 s the server runs, then 500 — upstream:
  test/images/agnhost/liveness/server.go), ``agnhost netexec`` (``--http-port``, default
  8080; ``/``, ``/hostname``, ``/healthz``), ``agnhost serve-hostname`` (9376),
  ``hello-app`` (8080), ``echo-server``/``echoserver`` (8080, echo the request).
- ``stress`` (polinux/stress, the image of kubernetes.io's memory and CPU tutorials):
  ``--vm-bytes N`` allocates N bytes 0.1 s after start and holds them; ``--cpu N`` uses
  N CPUs. Over the container's memory limit the kernel's OOM killer ends it: exit 137,
  reason ``OOMKilled``.
- Learner programs: :func:`register_image` puts an image on the simulated registry
  whose container runs the learner's Python ``handler(request)`` (an HTTP server) and/or
  ``main(proc)`` (a generator: ``yield seconds`` to sleep, ``proc.log(line)``,
  ``proc.memory = bytes``, ``return exit_code``). This is the only host code k8slab
  runs, and only code registered from the notebook, never anything from a manifest.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from . import images as _images

__all__ = ["register_image", "unregister_image", "Request", "Process", "Server", "server_for", "parse_bytes",
           "LearnerProgram", "learner_program"]

#: seconds ``stress --vm`` takes to allocate its memory
STRESS_ALLOC_DELAY = 0.1
#: agnhost liveness: /healthz fails after this many seconds (upstream: test/images/agnhost/liveness/server.go)
AGNHOST_LIVENESS_HEALTHY_FOR = 10.0

NGINX_WELCOME = ("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n"
                 "<h1>Welcome to nginx!</h1>\n</body>\n</html>\n")


@dataclass
class Request:
    """An HTTP request as a learner's handler sees it."""

    method: str
    path: str
    headers: dict[str, str]
    time: float            # virtual seconds since the cluster started
    uptime: float          # seconds since the container started
    hostname: str          # the pod's name


@dataclass
class Server:
    """A listening process: its ports and how it answers ``GET path`` (None: TCP only)."""

    ports: tuple[int, ...]
    http: Callable[[Request, Any], tuple[int, str]] | None = None


class Process:
    """What a learner's ``main(proc)`` gets: log lines, memory use, env and files."""

    def __init__(self, env: dict[str, str], fs: Any, log: Callable[[str], None], hostname: str,
                 now: Callable[[], float]):
        self.env = env
        self.fs = fs
        self._log = log
        self.hostname = hostname
        self._now = now
        self.memory = 0
        self.cpu = 0.0

    def log(self, line: str) -> None:
        """Write one line to stdout (what ``kubectl logs`` shows)."""
        for ln in str(line).split("\n"):
            self._log(ln)

    @property
    def now(self) -> float:
        return self._now()


@dataclass
class LearnerProgram:
    image: str
    handler: Callable[[Request], Any] | None = None
    main: Callable[[Process], Any] | None = None
    port: int = 8080
    memory: int = 0
    cpu: float = 0.0


_PROGRAMS: dict[str, LearnerProgram] = {}   # normalized image name (repo) -> program


def register_image(image: str, handler: Callable[[Request], Any] | None = None, *,
                   main: Callable[[Process], Any] | None = None, port: int = 8080, memory: str | int = 0,
                   cpu: float = 0.0, size: int = 5_000_000) -> str:
    """Put ``image`` (``name:tag``) on the simulated registry, running the learner's program.

    ``handler(request)`` answers HTTP on ``port``: return a string (200), a
    ``(status, body)`` pair, or raise (500). ``main(proc)`` is the main process: a
    generator function that yields seconds to sleep and returns its exit code (without
    ``main`` the container runs the server until stopped). Returns the normalized image.
    """
    if handler is None and main is None:
        raise ValueError("register_image needs a handler (an HTTP server) or a main(proc) program")
    ref = _images.parse_image(image)
    tag = ref.tag or "latest"
    info = _images.ImageInfo(ref.name, tag, int(size), ("/app",), (), (tag,))
    _images.REGISTRY.setdefault(ref.name, {})[tag] = info
    _PROGRAMS[f"{ref.name}:{tag}"] = LearnerProgram(image, handler, main, int(port), parse_bytes(memory), float(cpu))
    return f"{ref.name}:{tag}"


def unregister_image(image: str) -> None:
    """Take a learner's image off the registry (pods already running keep running)."""
    ref = _images.parse_image(image)
    tag = ref.tag or "latest"
    _PROGRAMS.pop(f"{ref.name}:{tag}", None)
    repo = _images.REGISTRY.get(ref.name)
    if repo is not None:
        repo.pop(tag, None)
        if not repo:
            del _images.REGISTRY[ref.name]


def learner_program(image: str) -> LearnerProgram | None:
    """The learner's program behind ``image`` (None when it is not one)."""
    try:
        ref = _images.parse_image(image)
    except ValueError:
        return None
    return _PROGRAMS.get(f"{ref.name}:{ref.tag or 'latest'}")


def parse_bytes(q: str | int | float) -> int:
    """``150M`` (stress's units: K/M/G powers of 1024, as ``stress`` reads them) or a quantity."""
    if isinstance(q, (int, float)):
        return int(q)
    s = str(q).strip()
    if not s:
        return 0
    mult = {"b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
    if s[-1].lower() in mult and s[:-1].replace(".", "", 1).isdigit():
        return int(Decimal(s[:-1]) * mult[s[-1].lower()])
    from ..api.quantity import parse_quantity

    return int(parse_quantity(s))


def _learner_http(prog: LearnerProgram) -> Callable[[Request, Any], tuple[int, str]]:
    def answer(req: Request, fs: Any) -> tuple[int, str]:
        try:
            res = prog.handler(req)  # type: ignore[misc]
        except Exception as e:  # the learner's bug is a 500, as a real server's would be
            return 500, f"{type(e).__name__}: {e}"
        if isinstance(res, tuple) and len(res) == 2:
            return int(res[0]), str(res[1])
        if isinstance(res, int):
            return res, ""
        return 200, "" if res is None else str(res)
    return answer


def _static(root: str, index: str) -> Callable[[Request, Any], tuple[int, str]]:
    def answer(req: Request, fs: Any) -> tuple[int, str]:
        path = req.path.split("?", 1)[0]
        if path.endswith("/"):
            path += "index.html"
        data = fs.read(root.rstrip("/") + path) if fs is not None else None
        if data is not None:
            return 200, data
        if path == "/index.html":
            return 200, index
        return 404, "<html>\r\n<head><title>404 Not Found</title></head>\r\n</html>\r\n"
    return answer


def _agnhost_liveness(req: Request, fs: Any) -> tuple[int, str]:
    if req.path.startswith("/healthz"):
        if req.uptime > AGNHOST_LIVENESS_HEALTHY_FOR:
            return 500, f"error: {req.uptime:.6f}"
        return 200, "ok"
    if req.path.startswith("/redirect"):
        return 302, ""
    return 404, "404 page not found\n"


def _netexec(req: Request, fs: Any) -> tuple[int, str]:
    p = req.path.split("?", 1)[0]
    if p == "/hostname":
        return 200, req.hostname
    if p in ("/", "/healthz", "/echo"):
        return 200, "NOW: 2025-01-01 00:00:00" if p == "/" else "ok"
    return 404, "404 page not found\n"


def _hello(req: Request, fs: Any) -> tuple[int, str]:
    return 200, f"Hello, world!\nVersion: 1.0.0\nHostname: {req.hostname}\n"


def _echo(req: Request, fs: Any) -> tuple[int, str]:
    return 200, f"Request served by {req.hostname}\n\n{req.method} {req.path} HTTP/1.1\n"


def _flag(argv: list[str], name: str, default: str = "") -> str:
    for i, a in enumerate(argv):
        if a == name and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return default


def server_for(argv: list[str]) -> Server | None:
    """The server ``argv`` runs (None when it is not a server k8slab knows)."""
    if not argv:
        return None
    prog = argv[0].rsplit("/", 1)[-1]
    joined = " ".join(argv)
    if prog in ("nginx", "docker-entrypoint.sh") and "redis" not in joined:
        return Server((80,), _static("/usr/share/nginx/html", NGINX_WELCOME))
    if prog in ("httpd-foreground", "httpd", "apache2-foreground"):
        return Server((80,), _static("/usr/local/apache2/htdocs", "<html><body><h1>It works!</h1></body></html>\n"))
    if prog == "redis-server" or "redis-server" in joined:
        return Server((6379,))
    if prog == "agnhost":
        sub = argv[1] if len(argv) > 1 else ""
        if sub == "liveness":
            return Server((8080,), _agnhost_liveness)
        if sub == "netexec":
            return Server((int(_flag(argv, "--http-port", "8080")),), _netexec)
        if sub == "serve-hostname":
            return Server((int(_flag(argv, "--port", "9376")),), lambda r, f: (200, r.hostname))
        return None
    if prog in ("hello-app",):
        return Server((8080,), _hello)
    if prog in ("echo-server", "run.sh"):
        return Server((8080,), _echo)
    return None


def html_escape(s: str) -> str:
    return html.escape(s)


@dataclass
class StressSpec:
    vm_bytes: int = 0
    cpus: int = 0
    timeout: float | None = None


def stress_spec(argv: list[str]) -> StressSpec | None:
    """``stress --vm 1 --vm-bytes 150M --vm-hang 1`` / ``stress --cpu 2`` (None: not stress)."""
    if not argv or argv[0].rsplit("/", 1)[-1] != "stress":
        return None
    spec = StressSpec()
    vm = int(_flag(argv, "--vm", "0") or 0)
    if vm:
        spec.vm_bytes = vm * parse_bytes(_flag(argv, "--vm-bytes", "256M"))
    spec.cpus = int(_flag(argv, "--cpu", _flag(argv, "-c", "0")) or 0)
    t = _flag(argv, "--timeout", _flag(argv, "-t", ""))
    if t:
        spec.timeout = float(t.rstrip("s"))
    return spec


_ = field  # (dataclasses.field kept for future per-program state)
