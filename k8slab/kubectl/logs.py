"""``kubectl logs``: a container's log, read through the API server from the node's kubelet.

upstream: staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go (flags ``-c``, ``-p``/``--previous``,
``--tail``, ``--timestamps``, ``-f``, ``-l``/``--selector`` (every matching pod, ``--tail`` 10 by
default), ``--prefix`` (``[pod/NAME/CONTAINER] `` before each line), ``--max-log-requests``
(5: the limit on concurrent streams when following several); the default container is the one named by the
``kubectl.kubernetes.io/default-container`` annotation, else the first). k8slab's ``-f``
advances the simulation: it follows until the container stops or ``--request-timeout``
(default 60s) of virtual time has passed, then returns everything it printed.
"""

from __future__ import annotations

from typing import Any

from .errors import KubectlError
from .flags import Flag

__all__ = ["FLAGS", "run_logs"]

FLAGS = [Flag("container", "c"), Flag("previous", "p", "bool", False), Flag("tail", "", "int", -1),
         Flag("timestamps", "", "bool", False), Flag("follow", "f", "bool", False),
         Flag("all-containers", "", "bool", False), Flag("selector", "l"), Flag("prefix", "", "bool", False),
         Flag("max-log-requests", "", "int", 5)]

#: upstream: logs.go ``selectorTail``: the lines per container when a selector is used and --tail is not
SELECTOR_TAIL = 10

#: how long ``-f`` follows when no --request-timeout is given (virtual seconds)
FOLLOW_SECONDS = 60.0


def _server(client: Any) -> Any:
    return getattr(client, "_server", None) or getattr(client, "server")


def _pod_name(args: list[str]) -> str:
    if not args:
        raise KubectlError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                           "POD or TYPE/NAME is a required argument for the logs command\n"
                           "See 'kubectl logs -h' for help and examples")
    if len(args) > 2:
        raise KubectlError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                           "See 'kubectl logs -h' for help and examples")
    name = args[0]
    if "/" in name:
        kind, _, name = name.partition("/")
        if kind not in ("pod", "pods", "po"):
            raise KubectlError(f'error: k8slab\'s kubectl logs reads pods only, not "{kind}"')
    return name


def _containers(pod: dict, container: str | None, all_containers: bool) -> list[str]:
    spec = pod.get("spec") or {}
    names = [c.get("name") for c in spec.get("containers") or []]
    if all_containers:
        return [c.get("name") for c in spec.get("initContainers") or []] + names
    if not container:
        ann = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
        container = ann if ann in names else (names[0] if names else None)
    return [container]


def _run_selector_logs(client: Any, opts: dict) -> str:
    """``kubectl logs -l SELECTOR``: each matching pod's (default or every) container, in list order.

    upstream: logs.go ``RunLogs`` (``--max-log-requests`` limits only following several streams;
    without ``-f`` the requests are consumed one after the other) and ``addPrefixIfNeeded``.
    """
    ns = opts.get("namespace") or "default"
    pods = client.list("pods", ns, label_selector=opts["selector"])["items"]
    if not pods:
        return f"No resources found in {ns} namespace.\n"
    requests = [(p, c) for p in pods for c in _containers(p, opts.get("container"), bool(opts.get("all-containers")))]
    limit = opts.get("max-log-requests")
    limit = 5 if limit is None else limit
    if opts.get("follow") and len(requests) > 1 and len(requests) > limit:
        raise KubectlError(f"error: you are attempting to follow {len(requests)} log streams, but maximum allowed "
                           f"concurrency is {limit}, use --max-log-requests to increase the limit")
    tail = opts.get("tail")
    tail = SELECTOR_TAIL if tail is None or tail < 0 else tail
    out = []
    for pod, cname in requests:
        name = pod["metadata"]["name"]
        # the tail is cut here (the kubelet's tail over-cuts when it exceeds the lines there are)
        lines = client.pod_logs(name, ns, container=cname, previous=bool(opts.get("previous")),
                                timestamps=bool(opts.get("timestamps"))).splitlines(keepends=True)
        lines = lines[len(lines) - tail:] if tail < len(lines) else lines
        if opts.get("prefix"):
            lines = [f"[pod/{name}/{cname}] {line}" for line in lines]
        out.append("".join(lines))
    return "".join(out)


def run_logs(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    ns = opts.get("namespace") or "default"
    if opts.get("selector"):
        if args:
            raise KubectlError("error: only a selector (-l) or a POD name is allowed\n"
                               "See 'kubectl logs -h' for help and examples")
        return _run_selector_logs(client, opts)
    name = _pod_name(args)
    container = opts.get("container") or (args[1] if len(args) == 2 else None)
    server = _server(client)
    pod = client.get("pods", name, ns)
    spec = pod.get("spec") or {}
    names = [c.get("name") for c in spec.get("containers") or []]
    if opts.get("all-containers"):
        containers = [c.get("name") for c in spec.get("initContainers") or []] + names
    else:
        if not container:
            ann = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
            container = ann if ann in names else (names[0] if names else None)
        containers = [container]
    tail = opts.get("tail")
    tail = None if tail is None or tail < 0 else tail
    out = []
    for cname in containers:
        text = client.pod_logs(name, ns, container=cname, previous=bool(opts.get("previous")), tail=tail,
                               timestamps=bool(opts.get("timestamps")))
        if opts.get("follow") and not opts.get("previous"):
            text += _follow(client, server, ns, name, cname, opts)
        if opts.get("prefix"):
            text = "".join(f"[pod/{name}/{cname}] {line}" for line in text.splitlines(keepends=True))
        out.append(text)
    return "".join(out)


def _follow(client: Any, server: Any, ns: str, name: str, container: str, opts: dict) -> str:
    """Advance virtual time until the container stops (or the bound), returning the new lines."""
    bound = FOLLOW_SECONDS
    if opts.get("request-timeout"):
        bound = _go_duration_seconds(str(opts["request-timeout"]))
    ts = bool(opts.get("timestamps"))
    before = client.pod_logs(name, ns, container=container, timestamps=ts)
    kernel = server.kernel
    end = kernel.now + bound
    while kernel.now < end:
        kernel.run_until(min(kernel.now + 1.0, end))
        pod = client.get("pods", name, ns)
        cs = next((s for s in (pod.get("status") or {}).get("containerStatuses") or []
                   if s.get("name") == container), None)
        if cs is None or "running" not in (cs.get("state") or {}):
            break
    after = client.pod_logs(name, ns, container=container, timestamps=ts)
    return after[len(before):] if after.startswith(before) else after


def _go_duration_seconds(s: str) -> float:
    """``30s``, ``1m30s``, ``2m``, ``90`` (seconds) -> seconds."""
    import re

    if re.fullmatch(r"\d+(\.\d+)?", s):
        return float(s)
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|ms|m|s)", s)
    if not parts or "".join(a + b for a, b in parts) != s:
        raise KubectlError(f'error: invalid argument "{s}" for "--request-timeout" flag: time: invalid duration "{s}"')
    mult = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    return sum(float(a) * mult[b] for a, b in parts)
