"""The simulated container runtime: what processes do, pulls, sandboxes and IPs, stop and power loss."""

import random

import pytest

from k8slab.node.runtime import (CONTAINER_EXITED, CONTAINER_RUNNING, SANDBOX_NOTREADY, SANDBOX_READY,
                                 ContainerRuntime, plan_process, resolve_argv)
from k8slab.sim import Kernel


# ------------------------------------------------------------------ argv and process plans
@pytest.mark.parametrize("entrypoint, cmd, command, args, argv", [
    (("/docker-entrypoint.sh",), ("nginx", "-g", "daemon off;"), None, None,
     ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"]),
    (("/docker-entrypoint.sh",), ("nginx",), ["sleep"], None, ["sleep"]),
    (("/docker-entrypoint.sh",), ("nginx",), None, ["nginx", "-T"], ["/docker-entrypoint.sh", "nginx", "-T"]),
    ((), ("sh",), ["sh", "-c"], ["exit 3"], ["sh", "-c", "exit 3"]),
    ((), ("sh",), None, None, ["sh"]),
])
def test_resolve_argv(entrypoint, cmd, command, args, argv):
    assert resolve_argv(entrypoint, cmd, command, args) == argv


@pytest.mark.parametrize("argv, runs_for, exit_code, handles_sigterm, output", [
    (["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"], None, 0, True, []),
    (["redis-server"], None, 0, True, []),
    (["sh"], 0.0, 0, False, []),                               # no stdin: a shell exits at once
    (["sleep", "3600"], 3600.0, 0, False, []),
    (["sleep", "infinity"], None, 0, False, []),
    (["sleep", "x"], 0.0, 1, False, [(0.0, "sleep: invalid number 'x'")]),
    (["true"], 0.0, 0, False, []),
    (["false"], 0.0, 1, False, []),
    (["/agnhost"], 0.0, 0, False, []),
    (["/agnhost", "netexec", "--http-port=8080"], None, 0, True, []),
    (["/usr/bin/myapp"], None, 0, True, []),
])
def test_plan_process(argv, runs_for, exit_code, handles_sigterm, output):
    p = plan_process(argv, pod_name="web")
    assert (p.runs_for, p.exit_code, p.handles_sigterm, p.output) == (runs_for, exit_code, handles_sigterm, output)


@pytest.mark.parametrize("argv, runs_for, exit_code, output", [
    (["sh", "-c", "exit 1"], 0.0, 1, []),
    (["/bin/sh", "-c", "exit 300"], 0.0, 44, []),       # exit status is taken mod 256
    (["sh", "-c", "echo hello; sleep 5; exit 2"], 5.0, 2, [(0.0, "hello")]),
    (["sh", "-c", "echo a && false || echo b"], 0.0, 0, [(0.0, "a"), (0.0, "b")]),
    (["sh", "-c", "sleep 1m\nhostname"], 60.0, 0, [(60.0, "web")]),
    (["sh", "-c", "while true; do sleep 1; done"], None, 0, []),   # runs until stopped
    (["sh", "-c", "nosuchprog"], 0.0, 127, [(0.0, "sh: nosuchprog: not found")]),
])
def test_sh_c_scripts_run_on_the_simulated_shell(argv, runs_for, exit_code, output):
    k, rt = make()
    sb = sandbox(k, rt)
    pull(k, rt, "busybox:1.36")
    t0 = k.now
    cid = rt.create_container(sb.sandbox_id, {"name": "c", "image": "busybox:1.36", "command": argv})
    rt.start_container(cid)
    k.run_until(k.now + 120)
    c = rt.container_status(cid)
    if runs_for is None:
        assert c.state == CONTAINER_RUNNING
        return
    assert c.state == CONTAINER_EXITED
    assert (round(c.finished_at - t0, 3), c.exit_code) == (runs_for, exit_code)
    assert [(round(t - t0, 3), line) for t, line in c.logs] == output


def test_interactive_shell_with_stdin_runs():
    assert plan_process(["sh"], stdin=True).runs_for is None


# ------------------------------------------------------------------ a runtime on a kernel
def make(seed=0):
    k = Kernel()
    rt = ContainerRuntime("node-1", k.call_later, random.Random(seed), clock=lambda: k.now)
    rt.update_runtime_config("10.244.1.0/24")
    return k, rt


def sandbox(k, rt, name="web", uid="uid-1"):
    out = []
    rt.run_pod_sandbox({"name": name, "namespace": "default", "uid": uid}, out.append)
    k.run_until(k.now + 5)
    assert out and not out[0].error
    return out[0]


def pull(k, rt, image):
    out = []
    rt.pull_image(image, out.append)
    k.run_until(k.now + 60)
    return out[0]


def test_pause_image_is_preloaded():
    _, rt = make()
    assert [i.repo_tags for i in rt.list_images()] == [["registry.k8s.io/pause:3.10"]]


def test_pull_takes_time_by_size_and_is_cached():
    k, rt = make()
    small = pull(k, rt, "busybox:1.36")
    big = pull(k, rt, "nginx:1.27")
    assert not small.error and not big.error
    assert small.duration < big.duration
    assert rt.image_status("nginx:latest") is None  # only the tag that was pulled is known locally
    again = pull(k, rt, "nginx:1.27")
    assert again.duration < 1.0  # present: only the registry round trip
    alias = pull(k, rt, "nginx:latest")  # another tag of the same image: its layers are already there
    assert alias.duration < 1.0 and alias.image_ref == again.image_ref
    assert rt.image_status("nginx:latest").repo_tags == ["docker.io/library/nginx:1.27",
                                                          "docker.io/library/nginx:latest"]
    assert rt.image_status("docker.io/library/nginx:1.27") is not None
    assert rt.image_status("nginx:1.14.2") is None


def test_failed_pull_reports_the_error_and_caches_nothing():
    k, rt = make()
    res = pull(k, rt, "nginx:nope")
    assert res.error.startswith("rpc error: code = NotFound desc = failed to pull and unpack image")
    assert rt.image_status("nginx:nope") is None


def test_ipam_is_host_local_round_robin():
    k, rt = make()
    ips = [sandbox(k, rt, f"p{i}", f"u{i}").ip for i in range(3)]
    assert ips == ["10.244.1.2", "10.244.1.3", "10.244.1.4"]
    rt.remove_pod_sandbox(rt.list_pod_sandboxes("u0")[0].id)
    # the freed .2 is not reused right away: allocation continues after the last one
    assert sandbox(k, rt, "p3", "u3").ip == "10.244.1.5"


def test_ipam_exhaustion_fails_the_sandbox():
    k, rt = make()
    rt.update_runtime_config("10.244.9.0/30")  # .0 network, .1 gateway, .2 usable, .3 broadcast
    assert sandbox(k, rt, "a", "ua").ip == "10.244.9.2"
    out = []
    rt.run_pod_sandbox({"name": "b", "namespace": "default", "uid": "ub"}, out.append)
    k.run_until(k.now + 5)
    assert "no IP addresses available in range set: 10.244.9.1-10.244.9.2" in out[0].error


def start(k, rt, image, command=None, args=None, uid="uid-1"):
    sb = sandbox(k, rt, uid=uid)
    pull(k, rt, image)
    cid = rt.create_container(sb.sandbox_id, {"name": "c", "image": image, "command": command, "args": args})
    rt.start_container(cid)
    return cid


def test_server_stops_quickly_on_sigterm():
    k, rt = make()
    cid = start(k, rt, "nginx:1.14.2")
    assert rt.container_status(cid).state == CONTAINER_RUNNING
    done = []
    t0 = k.now
    rt.stop_container(cid, 30, done.append)
    k.run_until(k.now + 60)
    st = rt.container_status(cid)
    assert done == [cid] and st.state == CONTAINER_EXITED
    assert (st.exit_code, st.reason) == (0, "Completed")
    assert st.finished_at - t0 < 1


def test_sleep_as_pid1_ignores_sigterm_and_is_killed_at_the_deadline():
    k, rt = make()
    cid = start(k, rt, "busybox:1.36", command=["sleep", "3600"])
    t0 = k.now
    rt.stop_container(cid, 30, lambda _: None)
    k.run_until(k.now + 60)
    st = rt.container_status(cid)
    assert (st.exit_code, st.reason) == (137, "Error")
    assert st.finished_at - t0 == pytest.approx(30)


def test_script_exits_by_itself_and_sends_an_event():
    k, rt = make()
    events = []
    rt.get_container_events(events.append)
    cid = start(k, rt, "busybox:1.36", command=["sh", "-c", "echo hi; sleep 2; exit 3"])
    k.run_until(k.now + 1)
    assert rt.container_logs(cid) == ["hi"] and rt.container_status(cid).state == CONTAINER_RUNNING
    k.run_until(k.now + 2)
    st = rt.container_status(cid)
    assert (st.state, st.exit_code, st.reason) == (CONTAINER_EXITED, 3, "Error")
    assert [e.container_event_type for e in events] == ["CONTAINER_STOPPED_EVENT"]


def test_power_off_leaves_what_containerd_finds_after_a_crash():
    k, rt = make()
    cid = start(k, rt, "nginx:1.14.2")
    sb = rt.list_pod_sandboxes("uid-1")[0]
    pending = []
    rt.pull_image("redis:7", pending.append)
    rt.power_off()
    k.run_until(k.now + 120)
    st = rt.container_status(cid)
    assert (st.state, st.exit_code, st.reason) == (CONTAINER_EXITED, 255, "Unknown")
    assert sb.state == SANDBOX_NOTREADY
    assert pending == []  # nothing in flight completes
    rt.power_on()
    assert rt.image_status("nginx:1.14.2") is not None  # images are on disk
    sb2 = sandbox(k, rt, "web", "uid-1")
    assert sb2.ip == "10.244.1.3" and rt.pod_sandbox_status(sb2.sandbox_id).state == SANDBOX_READY


def test_ids_are_deterministic():
    ids = []
    for _ in range(2):
        k, rt = make(seed=7)
        ids.append(start(k, rt, "nginx:1.14.2"))
    assert ids[0] == ids[1] and len(ids[0]) == 64
    k, rt = make(seed=8)
    assert start(k, rt, "nginx:1.14.2") != ids[0]
