"""Property tests: under any sequence of faults every pod stays in a legal state.

Faults: a container's main process exits with a drawn exit code, a liveness probe starts
failing, a pod is deleted, a node fails or comes back. Invariants, checked every virtual
second (upstream's rules: pkg/kubelet/kubelet_pods.go getPhase and generateAPIPodStatus,
pkg/kubelet/status/generate.go):

- phases move forward only: Pending -> Running -> Succeeded/Failed (or Pending -> terminal);
  a terminal phase is never left. One upstream exception is allowed: a pod with init
  containers whose node rebooted runs its init containers again in a new sandbox, and
  getPhase then reports Pending again;
- container statuses agree with the phase: nothing runs in a Succeeded/Failed pod, a
  Succeeded pod's containers all exited 0, no regular container runs before the pod is
  Initialized, a Running pod is Initialized;
- restartCount of a container never decreases;
- a pod's containers run on one node only, and at most one instance of each container runs.
"""

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

k8slab = pytest.importorskip("k8slab")

from k8slab.api.errors import ApiError  # noqa: E402
from k8slab.node.runtime import CONTAINER_RUNNING  # noqa: E402

NODES = ["node-1", "node-2"]
SCRIPT = ("touch /tmp/alive; while true; do if [ -f /tmp/crash ]; then exit $(cat /tmp/crash); fi; "
          "sleep 1; done")
TERMINAL = ("Succeeded", "Failed")


def make_pod(i: int, policy: str, with_init: bool, node: str) -> dict:
    spec = {"restartPolicy": policy, "terminationGracePeriodSeconds": 3, "nodeName": node,
            "containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", SCRIPT],
                            "livenessProbe": {"exec": {"command": ["cat", "/tmp/alive"]}, "periodSeconds": 2,
                                              "failureThreshold": 1}}]}
    if with_init:
        spec["initContainers"] = [{"name": "init", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 2"]}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}"}, "spec": spec}


pods_st = st.lists(st.tuples(st.sampled_from(["Always", "OnFailure", "Never"]), st.booleans(),
                             st.sampled_from(NODES)), min_size=1, max_size=3)
action_st = st.one_of(
    st.tuples(st.just("run"), st.integers(1, 25)),
    st.tuples(st.just("crash"), st.integers(0, 2), st.sampled_from([0, 1, 2, 137])),
    st.tuples(st.just("liveness"), st.integers(0, 2)),
    st.tuples(st.just("delete"), st.integers(0, 2)),
    st.tuples(st.just("fail"), st.sampled_from(NODES)),
    st.tuples(st.just("recover"), st.sampled_from(NODES)),
)


class Checker:
    def __init__(self, c):
        self.c = c
        self.phase: dict[str, str] = {}
        self.restarts: dict[tuple[str, str], int] = {}
        self.rebooted: set[str] = set()   # nodes that failed since the start

    def check(self) -> None:
        c = self.c
        for pod in c.list("pods", "default"):
            uid = pod["metadata"]["uid"]
            status = pod.get("status") or {}
            phase = status.get("phase", "Pending")
            prev = self.phase.get(uid)
            if prev in TERMINAL:
                assert phase == prev, f"{pod['metadata']['name']}: left terminal phase {prev} for {phase}"
            if prev == "Running" and phase == "Pending":
                assert pod["spec"].get("initContainers") and pod["spec"].get("nodeName") in self.rebooted, \
                    f"{pod['metadata']['name']}: Running -> Pending"
            self.phase[uid] = phase
            statuses = list(status.get("initContainerStatuses") or []) + list(status.get("containerStatuses") or [])
            for cs in statuses:
                key = (uid, cs["name"])
                rc = cs.get("restartCount", 0)
                assert rc >= self.restarts.get(key, 0), f"{key}: restartCount went down"
                self.restarts[key] = rc
            regular = status.get("containerStatuses") or []
            running = [cs for cs in statuses if (cs.get("state") or {}).get("running") is not None]
            if phase in TERMINAL:
                assert not running, f"{pod['metadata']['name']}: {phase} with running containers"
            if phase == "Succeeded":
                for cs in regular:
                    t = (cs.get("state") or {}).get("terminated")
                    assert t is not None and t.get("exitCode") == 0
            conds = {x["type"]: x["status"] for x in status.get("conditions") or []}
            if phase == "Running":
                assert conds.get("Initialized") == "True", f"{pod['metadata']['name']}: Running, not Initialized"
            if conds.get("Initialized") == "False":
                assert not any((cs.get("state") or {}).get("running") is not None for cs in regular)
        # the runtimes: one node per pod, one running instance per container
        where: dict[str, set[str]] = {}
        for n in NODES:
            rt = c._kubelet(n).runtime
            for uid in rt.pod_uids():
                names = [x.name for x in rt.list_containers(uid) if x.state == CONTAINER_RUNNING]
                assert len(names) == len(set(names)), f"two instances of a container of {uid} run on {n}"
                if names:
                    where.setdefault(uid, set()).add(n)
        for uid, nodes in where.items():
            assert len(nodes) == 1, f"pod {uid} runs on {sorted(nodes)}"

    def run(self, seconds: int) -> None:
        for _ in range(seconds):
            self.c.run(1)
            self.check()


def _exec(c, name: str, script: str) -> None:
    try:
        c.kubectl(["exec", name, "--", "sh", "-c", script])
    except (k8slab.KubectlError, ApiError):
        pass  # not running (yet, or any more): nothing to do


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(pods=pods_st, actions=st.lists(action_st, min_size=1, max_size=8))
def test_pods_stay_legal_under_faults(pods, actions):
    c = k8slab.Cluster(seed=0, nodes=len(NODES))
    chk = Checker(c)
    c.run(2)
    for i, (policy, with_init, node) in enumerate(pods):
        c.apply(make_pod(i, policy, with_init, node))
    chk.run(5)
    failed: set[str] = set()
    for a in actions:
        kind = a[0]
        if kind == "run":
            chk.run(a[1])
            continue
        if kind in ("crash", "liveness", "delete") and a[1] >= len(pods):
            continue
        if kind == "crash":
            _exec(c, f"p{a[1]}", f"echo {a[2]} > /tmp/crash")
        elif kind == "liveness":
            _exec(c, f"p{a[1]}", "rm -f /tmp/alive")
        elif kind == "delete":
            try:
                c.kubectl(f"delete pod p{a[1]} --wait=false")
            except k8slab.KubectlError:
                pass  # already gone
        elif kind == "fail":
            c.fail_node(a[1])
            failed.add(a[1])
            chk.rebooted.add(a[1])
        elif kind == "recover":
            if a[1] in failed:
                c.recover_node(a[1])
                failed.discard(a[1])
        chk.run(2)
    for n in sorted(failed):
        c.recover_node(n)
    chk.run(30)
