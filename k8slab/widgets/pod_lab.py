"""Chapter 05's lab: one pod, and controls to crash it, fail its readiness probe, change its
restartPolicy — then watch the timeline change.

Every control calls a plain step function (:func:`crash_container`,
:func:`fail_readiness`, :func:`heal_readiness`, :func:`lab_pod`) that tests and the
notebook call directly; :func:`pod_lab` wires them to ipywidgets.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..viz.pod_timeline import draw_pod_timeline, observe_pod

__all__ = ["lab_pod", "crash_container", "fail_readiness", "heal_readiness", "run_lab", "pod_lab"]

#: the lab container: serves /tmp/ready as its readiness, exits with the code in /tmp/crash
LAB_SCRIPT = ("touch /tmp/ready; while true; do if [ -f /tmp/crash ]; then exit $(cat /tmp/crash); fi; "
              "sleep 1; done")


def lab_pod(name: str = "lab", restart_policy: str = "Always") -> dict:
    """The lab's pod: busybox running :data:`LAB_SCRIPT`, readiness ``cat /tmp/ready`` every 2 s."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "lab"}},
            "spec": {"restartPolicy": restart_policy, "terminationGracePeriodSeconds": 5, "containers": [{
                "name": "app", "image": "busybox:1.36", "command": ["sh", "-c", LAB_SCRIPT],
                "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 2,
                                   "failureThreshold": 1}}]}}


def _exec(c: Any, name: str, script: str) -> str:
    return c.kubectl(["exec", name, "--", "sh", "-c", script])


def crash_container(c: Any, name: str = "lab", exit_code: int = 1) -> str:
    """Make the lab's main process exit with ``exit_code`` (0 = a clean exit)."""
    return _exec(c, name, f"echo {int(exit_code)} > /tmp/crash")


def fail_readiness(c: Any, name: str = "lab") -> str:
    """Remove /tmp/ready: the next readiness probe fails and the pod is no longer Ready."""
    return _exec(c, name, "rm -f /tmp/ready")


def heal_readiness(c: Any, name: str = "lab") -> str:
    return _exec(c, name, "touch /tmp/ready")


def run_lab(restart_policy: str = "Always", crash_at: float | None = 20.0, exit_code: int = 1,
            unready_at: float | None = None, seconds: float = 120.0, seed: int = 0) -> pd.DataFrame:
    """A fresh cluster, the lab pod, the chosen faults at the chosen times: the samples."""
    import k8slab

    c = k8slab.Cluster(seed=seed, nodes=1)
    c.apply(lab_pod(restart_policy=restart_policy))
    frames = []
    events = sorted([(t, k) for t, k in ((crash_at, "crash"), (unready_at, "unready")) if t is not None])
    for t, kind in events:
        frames.append(observe_pod(c, "lab", t - c.now))
        try:
            crash_container(c, exit_code=exit_code) if kind == "crash" else fail_readiness(c)
        except Exception:
            pass  # the container is not running at that moment: nothing to do
    frames.append(observe_pod(c, "lab", seconds - c.now))
    return pd.concat(frames, ignore_index=True)


def pod_lab() -> Any:  # pragma: no cover - ipywidgets UI; run_lab is what it calls
    import ipywidgets as w
    import matplotlib.pyplot as plt

    policy = w.ToggleButtons(options=["Always", "OnFailure", "Never"], description="restartPolicy")
    code = w.IntSlider(value=1, min=0, max=3, description="exit code")
    crash = w.IntSlider(value=20, min=5, max=100, description="crash at (s)")
    unready = w.Checkbox(value=False, description="fail readiness at 10 s")
    out = w.Output()

    def redraw(*_: Any) -> None:
        df = run_lab(policy.value, crash.value, code.value, 10.0 if unready.value else None)
        with out:
            out.clear_output(wait=True)
            draw_pod_timeline(df, f"restartPolicy={policy.value}, exit {code.value} at {crash.value}s")
            plt.show()

    for ctl in (policy, code, crash, unready):
        ctl.observe(redraw, names="value")
    redraw()
    return w.VBox([policy, code, crash, unready, out])
