"""``kubectl exec POD [-c CONTAINER] -- COMMAND [args...]``: run a command in a container.

upstream: staging/src/k8s.io/kubectl/pkg/cmd/exec/exec.go. The command runs in the
simulated shell of the container (k8slab.node.shell), through the API server's
pods/exec subresource and the node's kubelet. A non-zero exit status raises
KubectlError ``command terminated with exit code N`` (kubectl's stderr), with what the
command printed on ``.stdout``.
"""

from __future__ import annotations

from typing import Any

from .errors import KubectlError
from .flags import Flag

__all__ = ["FLAGS", "run_exec"]

FLAGS = [Flag("container", "c"), Flag("stdin", "i", "bool", False), Flag("tty", "t", "bool", False),
         Flag("quiet", "q", "bool", False)]


def run_exec(client: Any, args: list[str], opts: dict, stdin: str | None) -> str:
    if not args:
        raise KubectlError("error: pod, type/name or --filename must be specified")
    name = args[0]
    if "/" in name:
        kind, _, name = name.partition("/")
        if kind not in ("pod", "pods", "po"):
            raise KubectlError(f'error: k8slab\'s kubectl exec runs in pods only, not "{kind}"')
    argv = args[1:]
    if not argv:
        raise KubectlError("error: you must specify at least one command for the container")
    ns = opts.get("namespace") or "default"
    pod = client.get("pods", name, ns)
    container = opts.get("container")
    if not container:
        names = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
        ann = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
        container = ann if ann in names else (names[0] if names else None)
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise KubectlError(f"error: cannot exec into a container in a completed pod; current phase is {phase}")
    code, out = client.pod_exec(name, ns, argv, container=container)
    if code != 0:
        raise KubectlError(f"command terminated with exit code {code}", stdout=out, exit_code=code)
    return out
