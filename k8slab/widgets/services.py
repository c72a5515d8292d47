"""Chapter 08's panel: scale the backends, kill a pod, flip readiness, and send traffic.

Each button calls a plain step function (tests and checked notebook cells call the same):

- :func:`scale_backends` — ``kubectl scale deployment <name> --replicas=N``, then run;
- :func:`kill_pod` — delete one backend pod (its ReplicaSet replaces it), then run;
- :func:`set_ready` — make a pod's readiness probe fail or pass: the chapter's pods probe
  ``[ ! -e /tmp/not-ready ]``, so this ``touch``es or ``rm``s that file through
  ``kubectl exec`` (the API server's pods/exec), then runs;
- :func:`traffic_step` — send requests from the client pod and return the per-pod counts.
"""

from __future__ import annotations

import html
from typing import Any

from ..api.errors import ApiError
from ..traffic import send_requests
from ..viz.services import traffic_counts

NOT_READY_FILE = "/tmp/not-ready"


def backend_pods(c: Any, app: str = "web", namespace: str = "default") -> list[str]:
    """The names of the pods labelled ``app=<app>``, sorted (terminating ones included)."""
    return sorted(p["metadata"]["name"] for p in c.client.list("pods", namespace, label_selector=f"app={app}")["items"])


def scale_backends(c: Any, replicas: int, name: str = "web", namespace: str = "default",
                   run_seconds: float = 20) -> str:
    c.client.update_scale("deployments", name, namespace, replicas)
    c.run(run_seconds)
    return f"deployment.apps/{name} scaled to {replicas} (t={c.now:g}s)"


def kill_pod(c: Any, pod: str | None = None, app: str = "web", namespace: str = "default",
             run_seconds: float = 1) -> str:
    """Delete ``pod`` (default: the first backend by name); returns what happened."""
    pods = backend_pods(c, app, namespace)
    if not pods:
        return "no backend pod to kill"
    pod = pod or pods[0]
    c.client.delete("pods", pod, namespace)
    c.run(run_seconds)
    return f'pod "{pod}" deleted (t={c.now:g}s)'


def set_ready(c: Any, pod: str, ready: bool, namespace: str = "default", run_seconds: float = 3) -> str:
    """Make ``pod``'s readiness probe pass (``ready=True``) or fail, then run ``run_seconds``."""
    argv = ["rm", "-f", NOT_READY_FILE] if ready else ["touch", NOT_READY_FILE]
    c.apiserver.pod_exec(namespace, pod, argv, source="kubectl")
    c.run(run_seconds)
    return f'pod "{pod}": readiness probe now {"passes" if ready else "fails"} (t={c.now:g}s)'


def traffic_step(c: Any, n: int = 100, target: str = "web", from_pod: str = "client",
                 namespace: str = "default") -> dict:
    """Send ``n`` requests and return the per-backend counts."""
    return traffic_counts(send_requests(c, target, n, from_pod=from_pod, namespace=namespace))


def services_panel(c: Any, app: str = "web", namespace: str = "default"):
    """The panel: replicas slider, kill / not-ready / ready buttons, a traffic button and the counts."""
    import ipywidgets as w

    slider = w.IntSlider(value=len(backend_pods(c, app, namespace)), min=0, max=6, description="replicas")
    pods = w.Dropdown(options=backend_pods(c, app, namespace), description="pod")
    kill = w.Button(description="kill pod")
    unready = w.Button(description="make not ready")
    ready = w.Button(description="make ready")
    send = w.Button(description="send 100 requests", button_style="primary")
    out = w.HTML("<code>(press a button)</code>")
    out.add_class("k8slab-status")

    def show(msg: str) -> None:
        pods.options = backend_pods(c, app, namespace)
        out.value = f"<pre>{html.escape(msg)}</pre>"

    def guarded(fn):
        def run(*_a):
            try:
                show(fn())
            except (ApiError, ValueError) as e:
                show(f"error: {e}")
        return run

    slider.observe(lambda ch: guarded(lambda: scale_backends(c, ch["new"], app, namespace))(), names="value")
    kill.on_click(guarded(lambda: kill_pod(c, pods.value, app, namespace)))
    unready.on_click(guarded(lambda: set_ready(c, pods.value, False, namespace)))
    ready.on_click(guarded(lambda: set_ready(c, pods.value, True, namespace)))
    send.on_click(guarded(lambda: "\n".join(f"{k:40} {v}" for k, v in traffic_step(c).items())))
    box = w.VBox([w.HBox([slider, pods]), w.HBox([kill, unready, ready, send]), out])
    box.add_class("k8slab-services")
    return box
