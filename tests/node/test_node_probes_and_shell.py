"""Issue 5: the simulated shell, probes, restarts and back-off, OOM, env/volumes, logs and exec."""

import pytest
from hypothesis import given, settings, strategies as st

import k8slab
from k8slab.node.probes import PROBE_DEFAULTS, probe_spec
from k8slab.node.shell import FileSystem, Shell, run_sync
from k8slab.node import kubelet as kl
from k8slab.node import programs


# ------------------------------------------------------------------ tables: upstream defaults
def test_probe_defaults_are_upstreams():
    assert PROBE_DEFAULTS == {"initialDelaySeconds": 0, "timeoutSeconds": 1, "periodSeconds": 10,
                              "successThreshold": 1, "failureThreshold": 3}
    assert probe_spec({"periodSeconds": 5})["failureThreshold"] == 3


@pytest.mark.parametrize("name, value", [
    ("IMAGE_BACKOFF_PERIOD", 10.0), ("MAX_CONTAINER_BACKOFF", 300.0), ("DEFAULT_TERMINATION_GRACE_PERIOD", 30),
    ("MINIMUM_GRACE_PERIOD", 2),
])
def test_kubelet_constants(name, value):
    assert getattr(kl, name) == value


def test_crash_backoff_doubles_to_five_minutes_and_resets_after_ten():
    b = kl.Backoff()
    t, seen = 0.0, []
    for _ in range(7):
        seen.append(b.next("c", t))
        t += 1
    assert seen == [10, 20, 40, 80, 160, 300, 300]
    assert b.next("c", t + 601) == 10  # unused for more than 2 * max: starts over


# ------------------------------------------------------------------ the shell
def sh_run(script, env=None, files=None, timeout=100):
    lines = []
    sh = Shell(FileSystem(files), env or {}, stdout=lines.append, hostname="pod-a", now=lambda: 65.0)
    code, slept, timed_out = run_sync(sh, sh.run(script), timeout)
    return code, slept, lines, sh


@pytest.mark.parametrize("script, code, slept, lines", [
    ("echo hi; exit 3", 3, 0, ["hi"]),
    ("X=1; echo ${X} $X \"$X\" '$X'", 0, 0, ["1 1 1 $X"]),
    ("echo ${NOPE:-dflt}", 0, 0, ["dflt"]),
    ("i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); sleep 1; done", 0, 3, ["0", "1", "2"]),
    ("for x in a b c; do echo $x; done", 0, 0, ["a", "b", "c"]),
    ("if [ -f /tmp/x ]; then echo yes; else echo no; fi", 0, 0, ["no"]),
    ("touch /tmp/x && cat /tmp/x && echo ok", 0, 0, ["ok"]),
    ("cat /tmp/healthy", 1, 0, ["cat: can't open '/tmp/healthy': No such file or directory"]),
    ("echo a > /tmp/f; echo b >> /tmp/f; cat /tmp/f; rm -f /tmp/f; cat /tmp/f || echo gone", 0, 0,
     ["a", "b", "cat: can't open '/tmp/f': No such file or directory", "gone"]),
    ("date", 0, 0, ["Wed Jan  1 00:01:05 UTC 2025"]),
    ("echo \"$(hostname): $(date +%H:%M:%S)\"", 0, 0, ["pod-a: 00:01:05"]),
    ("false; echo $?", 0, 0, ["1"]),
    ("nosuch", 127, 0, ["sh: nosuch: not found"]),
    ("echo a | wc -l", 0, 0, ["1"]),
    ("printf '%s-%d\\n' x 5", 0, 0, ["x-5"]),
    ("sleep 1m; exit 300", 44, 60, []),
    ("if then", 2, 0, ['sh: syntax error: unexpected "then"']),
])
def test_shell(script, code, slept, lines):
    got = sh_run(script)
    assert (got[0], got[1], got[2]) == (code, slept, lines)


def test_shell_env_and_read_only_mounts():
    lines = []
    cfg = {"app.conf": "port=80\n"}
    sh = Shell(FileSystem(mounts={"/etc/app": (cfg, True)}), {"GREETING": "hello"}, stdout=lines.append)
    code, _, _ = run_sync(sh, sh.run("printenv GREETING; ls /etc/app; cat /etc/app/app.conf; "
                                     "echo x > /etc/app/new"))
    assert lines == ["hello", "app.conf", "port=80", "sh: can't create /etc/app/new: Read-only file system"]
    assert code == 1


def test_busy_loop_advances_time_instead_of_hanging():
    code, slept, _, _ = sh_run("while true; do :; done", timeout=0.5)
    assert slept > 0.5


# ------------------------------------------------------------------ scenarios through the Cluster
LIVENESS_EXEC = """
apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-exec
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/busybox:1.27.2
    args:
    - /bin/sh
    - -c
    - touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600
    livenessProbe:
      exec:
        command:
        - cat
        - /tmp/healthy
      initialDelaySeconds: 5
      periodSeconds: 5
"""

LIVENESS_HTTP = """
apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-http
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/e2e-test-images/agnhost:2.40
    args:
    - liveness
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
        httpHeaders:
        - name: Custom-Header
          value: Awesome
      initialDelaySeconds: 3
      periodSeconds: 3
"""


def status(c, name, container=0):
    return c.get("pods", name)["status"]["containerStatuses"][container]


def messages(c, name, reason):
    return [e["message"] for e in c.list("events", "default")
            if e["involvedObject"]["name"] == name and e["reason"] == reason]


def test_liveness_exec_tutorial_as_the_docs_show():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply(LIVENESS_EXEC)
    c.run(30)
    assert status(c, "liveness-exec")["restartCount"] == 0
    assert not messages(c, "liveness-exec", "Unhealthy")
    c.run(20)  # the file is gone at ~31 s: probes at 35, 40, 45 fail
    assert messages(c, "liveness-exec", "Unhealthy") == [
        "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"]
    assert messages(c, "liveness-exec", "Killing") == ["Container liveness failed liveness probe, will be restarted"]
    c.run(40)  # sh ignores SIGTERM: killed after the 30 s grace period, then started again
    st = status(c, "liveness-exec")
    assert st["restartCount"] == 1
    assert st["lastState"]["terminated"]["exitCode"] == 137
    assert "Running" in c.kubectl("get pod liveness-exec")


def test_liveness_http_tutorial_agnhost():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply(LIVENESS_HTTP)
    c.run(60)
    assert "Liveness probe failed: HTTP probe failed with statuscode: 500" in messages(c, "liveness-http", "Unhealthy")
    assert status(c, "liveness-http")["restartCount"] >= 1
    # agnhost exits on SIGTERM: the restart comes right after the kill
    assert status(c, "liveness-http")["lastState"]["terminated"]["exitCode"] == 0


def test_readiness_probe_gates_ready_and_failing_probe_marks_not_ready():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "r"}, "spec": {"containers": [{
        "name": "app", "image": "busybox:1.36",
        "command": ["sh", "-c", "touch /tmp/ready; sleep 40; rm /tmp/ready; sleep 3600"],
        "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "initialDelaySeconds": 5,
                           "periodSeconds": 5}}]}})
    c.run(4)
    assert status(c, "r")["ready"] is False and status(c, "r")["started"] is True
    c.run(10)
    assert status(c, "r")["ready"] is True
    c.run(46)  # the file goes at ~41 s; three failed probes later the container is not ready
    assert status(c, "r")["ready"] is False and status(c, "r")["restartCount"] == 0
    assert "0/1     Running" in c.kubectl("get pod r")
    assert messages(c, "r", "Unhealthy")[0].startswith("Readiness probe failed: cat: can't open")


def test_startup_probe_gates_liveness_and_kills_when_it_fails():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "s"}, "spec": {"containers": [{
        "name": "app", "image": "nginx:1.27",
        "startupProbe": {"httpGet": {"path": "/", "port": 81}, "periodSeconds": 2, "failureThreshold": 3},
        "livenessProbe": {"tcpSocket": {"port": 81}}}]}})
    c.run(20)
    assert messages(c, "s", "Killing")[0] == "Container app failed startup probe, will be restarted"
    assert not [m for m in messages(c, "s", "Unhealthy") if m.startswith("Liveness")]
    assert messages(c, "s", "Unhealthy")[0].startswith('Startup probe failed: Get "http://10.244.1.2:81/": dial tcp')


def test_crashloop_backoff_delays_grow():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "crash"}, "spec": {"containers": [{
        "name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "echo boom; exit 1"]}]}})
    starts = []
    last = -1
    for _ in range(400):
        c.run(1)
        n = status(c, "crash")["restartCount"]
        if n != last:
            starts.append(round(c.now))
            last = n
    gaps = [b - a for a, b in zip(starts[1:], starts[2:])]
    # back-off 10 s, 20 s, 40 s, 80 s, 160 s; the restart comes at the pod worker's next resync
    # after it (workerBackOffPeriod 10 s, jitter 0.5), as upstream
    for gap, backoff in zip(gaps[:5], [10, 20, 40, 80, 160]):
        assert backoff <= gap <= backoff + 16
    assert "CrashLoopBackOff" in c.kubectl("get pod crash") or "Error" in c.kubectl("get pod crash")
    assert c.kubectl("logs crash") == "boom\n"
    assert c.kubectl("logs crash --previous") == "boom\n"


def test_oom_killed_over_the_memory_limit():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply("""
apiVersion: v1
kind: Pod
metadata:
  name: memory-demo-2
spec:
  containers:
  - name: memory-demo-2-ctr
    image: polinux/stress
    resources:
      requests:
        memory: "50Mi"
      limits:
        memory: "100Mi"
    command: ["stress"]
    args: ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]
""")
    c.run(15)
    st = status(c, "memory-demo-2")
    term = st["lastState"].get("terminated") or st["state"].get("terminated")
    assert term["reason"] == "OOMKilled" and term["exitCode"] == 137
    ok = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "fits"}, "spec": {"containers": [{
        "name": "c", "image": "polinux/stress", "command": ["stress"],
        "args": ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"],
        "resources": {"limits": {"memory": "200Mi"}}}]}}
    c.apply(ok)
    c.run(15)
    assert status(c, "fits")["restartCount"] == 0 and "running" in status(c, "fits")["state"]
    assert c.kubelets["node-1"].container_stats("default", "fits")["c"]["memory"] == 150 * 1024 * 1024


def test_missing_configmap_is_create_container_config_error():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "e"}, "spec": {"containers": [{
        "name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "echo $SPECIAL; sleep 3600"],
        "env": [{"name": "SPECIAL", "valueFrom": {"configMapKeyRef": {"name": "special", "key": "k"}}}]}]}})
    c.run(10)
    assert status(c, "e")["state"]["waiting"] == {"reason": "CreateContainerConfigError",
                                                 "message": 'configmap "special" not found'}
    assert "CreateContainerConfigError" in c.kubectl("get pod e")
    c.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "special"}, "data": {"k": "v1"}})
    c.run(30)
    assert "running" in status(c, "e")["state"]
    assert c.kubectl("logs e") == "v1\n"


def test_exec_and_errors():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"containers": [{
        "name": "app", "image": "nginx:1.27"}]}})
    c.run(10)
    assert c.kubectl("exec x -- sh -c 'echo $NGINX_VERSION; hostname'") == "1.27.3\nx\n"
    assert "Welcome to nginx!" in c.kubectl("exec x -- wget -q -O- http://localhost/")
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("exec x -- cat /nope")
    assert str(e.value) == "command terminated with exit code 1"
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("logs x -c nope")
    assert str(e.value) == "Error from server (BadRequest): container nope is not valid for pod x"


def test_prestop_hook_delays_sigterm():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{
        "name": "app", "image": "nginx:1.27",
        "lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "sleep 5"]}}}}]}})
    c.run(10)
    c.kubectl("delete pod p")
    t0 = c.now
    c.run_until(lambda: not c.list("pods", "default"), timeout=60)
    assert 5 <= c.now - t0 < 8


def test_learner_program_serves_and_logs():
    def handler(req):
        return f"hello from {req.hostname}"

    def main(proc):
        for i in range(3):
            proc.log(f"working {i}")
            yield 1
        proc.memory = 300 * 1024 * 1024
        yield 1
        return 0

    programs.register_image("my-app:1", handler, main=main)
    try:
        c = k8slab.Cluster(seed=0, nodes=1)
        c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "mine"}, "spec": {"containers": [{
            "name": "app", "image": "my-app:1", "resources": {"limits": {"memory": "256Mi"}}}]}})
        c.run(6)
        assert c.kubectl("logs mine").startswith("working 0\nworking 1\n")
        c.run(10)
        st = status(c, "mine")
        term = st["lastState"].get("terminated") or st["state"].get("terminated")
        assert term["reason"] == "OOMKilled"
    finally:
        programs.unregister_image("my-app:1")


# ------------------------------------------------------------------ property: legal states under faults
LEGAL_WAITING = {"ContainerCreating", "CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff",
                 "CreateContainerConfigError", "PodInitializing"}


@settings(max_examples=8, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["crash", "liveness", "delete", "run"]), st.integers(1, 40)),
                min_size=1, max_size=6))
def test_any_sequence_keeps_pods_legal(ops):
    c = k8slab.Cluster(seed=1, nodes=2)
    pods = {
        "crash": {"command": ["sh", "-c", "sleep 3; exit 1"]},
        "liveness": {"command": ["sh", "-c", "touch /tmp/h; sleep 8; rm /tmp/h; sleep 3600"],
                     "livenessProbe": {"exec": {"command": ["cat", "/tmp/h"]}, "periodSeconds": 2}},
    }
    restarts: dict[str, int] = {}
    for kind, n in ops:
        if kind in pods:
            name = f"{kind}-{n}"
            c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [{
                "name": "c", "image": "busybox:1.36", **pods[kind]}]}})
        elif kind == "delete":
            items = c.list("pods", "default")
            if items:
                c.client.delete("pods", items[n % len(items)]["metadata"]["name"], "default")
        c.run(n)
        running_ids = []
        for p in c.list("pods", "default"):
            name = p["metadata"]["name"]
            for cs in (p.get("status") or {}).get("containerStatuses") or []:
                n_r = cs["restartCount"]
                assert n_r >= restarts.get(name + p["metadata"]["uid"], 0)
                restarts[name + p["metadata"]["uid"]] = n_r
                state = cs["state"]
                assert len(state) == 1
                if "waiting" in state:
                    assert state["waiting"]["reason"] in LEGAL_WAITING
                if "running" in state:
                    running_ids.append(cs["containerID"])
        assert len(running_ids) == len(set(running_ids))
        on_nodes = [c2.id for k in c.kubelets.values() for c2 in k.runtime.list_containers()
                    if c2.state == "CONTAINER_RUNNING"]
        assert len(on_nodes) == len(set(on_nodes))
