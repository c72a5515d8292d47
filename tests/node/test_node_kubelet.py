"""Kubelet scenarios on a small harness (API server + kubelets): registration, pods, failures."""

import ipaddress
import json
import re

import pytest

from k8slab.api.meta import parse_time
from node_harness import Harness

CONTAINER_ID = re.compile(r"^k8slab://[0-9a-f]{64}$")
PULLED = re.compile(r'^Successfully pulled image "nginx:1\.14\.2" in (\d+(\.\d+)?m?s) '
                    r'\((\d+(\.\d+)?m?s) including waiting\)\. Image size: 44710204 bytes\.$')


def watch_pods(h):
    seen = []
    h.server.watch("pods", None, lambda t, o: seen.append((h.now, t, o)))
    return seen


def kubelet_calls(h, node="node-1", since=0.0):
    return [r for r in h.trace.records if r.source == f"kubelet/{node}" and r.time >= since]


# ------------------------------------------------------------------ registration
def test_registration_creates_the_node_as_a_v132_kubelet_does():
    h = Harness(nodes=1, labels={"disk": "ssd"}, taints=[{"key": "gpu", "value": "true", "effect": "NoSchedule"}])
    node = h.client.get("nodes", "node-1")
    md, spec, st = node["metadata"], node["spec"], node["status"]
    assert md["labels"] == {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                            "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": "node-1",
                            "kubernetes.io/os": "linux", "disk": "ssd"}
    assert md["annotations"] == {"volumes.kubernetes.io/controller-managed-attach-detach": "true"}
    assert spec == {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"],
                    "taints": [{"key": "gpu", "value": "true", "effect": "NoSchedule"}]}
    assert [(c["type"], c["status"], c["reason"], c["message"]) for c in st["conditions"]] == [
        ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
    assert all(c["lastHeartbeatTime"] == c["lastTransitionTime"] == "2025-01-01T00:00:00Z" for c in st["conditions"])
    assert st["addresses"] == [{"type": "InternalIP", "address": "172.18.0.2"}, {"type": "Hostname", "address": "node-1"}]
    assert st["daemonEndpoints"] == {"kubeletEndpoint": {"Port": 10250}}
    info = st["nodeInfo"]
    assert {k: info[k] for k in ("kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture",
                                 "containerRuntimeVersion")} == {
        "kubeletVersion": "v1.32.0", "kubeProxyVersion": "v1.32.0", "operatingSystem": "linux",
        "architecture": "amd64", "containerRuntimeVersion": "k8slab://1.32.0"}
    assert re.fullmatch(r"[0-9a-f]{32}", info["machineID"])
    assert re.fullmatch(r"[0-9a-f-]{36}", info["systemUUID"]) and re.fullmatch(r"[0-9a-f-]{36}", info["bootID"])
    assert st["images"] == [{"names": [st["images"][0]["names"][0], "registry.k8s.io/pause:3.10"], "sizeBytes": 320368}]
    assert st["images"][0]["names"][0].startswith("registry.k8s.io/pause@sha256:")


def test_registration_events():
    h = Harness(nodes=1)
    assert h.event_lines("node-1") == [
        ("Normal", "Starting", "Starting kubelet."),
        ("Normal", "NodeHasSufficientMemory", "Node node-1 status is now: NodeHasSufficientMemory"),
        ("Normal", "NodeHasNoDiskPressure", "Node node-1 status is now: NodeHasNoDiskPressure"),
        ("Normal", "NodeHasSufficientPID", "Node node-1 status is now: NodeHasSufficientPID"),
        ("Normal", "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods"),
        ("Normal", "NodeReady", "Node node-1 status is now: NodeReady"),
    ]
    ev = h.events("node-1")[0]
    assert ev["involvedObject"] == {"kind": "Node", "name": "node-1", "uid": "node-1", "apiVersion": "",
                                    "resourceVersion": ""}
    assert ev["source"] == {"component": "kubelet", "host": "node-1"}


def test_lease_is_renewed_every_10s_with_a_40s_duration():
    h = Harness(nodes=1)
    renewals = []
    h.server.watch("leases", "kube-node-lease", lambda t, o: renewals.append(o), resource_version="1")
    h.run(120)
    lease = h.client.get("leases", "node-1", "kube-node-lease")
    node = h.client.get("nodes", "node-1")
    assert lease["spec"]["holderIdentity"] == "node-1"
    assert lease["spec"]["leaseDurationSeconds"] == 40
    assert lease["metadata"]["ownerReferences"] == [
        {"apiVersion": "v1", "kind": "Node", "name": "node-1", "uid": node["metadata"]["uid"]}]
    times = [parse_time(o["spec"]["renewTime"]) for o in renewals]
    assert times[0] == 0.0
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) >= 11
    # leaseDuration x 0.25 = 10 s, with wait.JitterUntil's 4 % jitter
    assert all(10.0 <= g <= 10.4 for g in gaps), gaps
    assert re.fullmatch(r"2025-01-01T00:\d\d:\d\d\.\d{6}Z", lease["spec"]["renewTime"])


def test_node_status_is_posted_only_on_change_or_every_5_minutes():
    h = Harness(nodes=1)
    h.run(650)
    posts = [r.time for r in kubelet_calls(h) if r.verb == "patch/status" and r.kind == "Node"]
    assert len(posts) == 2
    assert 300 <= posts[0] <= 312 and 600 <= posts[1] <= 624
    node = h.client.get("nodes", "node-1")
    ready = node["status"]["conditions"][-1]
    assert ready["lastTransitionTime"] == "2025-01-01T00:00:00Z"
    assert parse_time(ready["lastHeartbeatTime"]) == pytest.approx(posts[1], abs=1)
    # a newly pulled image is a change: posted at the next 10 s tick
    t0 = h.now
    h.pod("web")
    h.run(15)
    posts = [r.time for r in kubelet_calls(h, since=t0) if r.verb == "patch/status" and r.kind == "Node"]
    assert len(posts) == 1
    images = h.client.get("nodes", "node-1")["status"]["images"]
    assert [i["names"][-1] for i in images] == ["docker.io/library/nginx:1.14.2", "registry.k8s.io/pause:3.10"]
    assert images[0]["sizeBytes"] == 44710204


# ------------------------------------------------------------------ pods
def test_pod_goes_pending_containercreating_running():
    h = Harness(nodes=1)
    seen = watch_pods(h)
    h.run(1)
    h.pod("web")
    h.run(30)
    by_kubelet = [(t, o) for t, typ, o in seen if (o["status"].get("containerStatuses"))]
    first_t, first = by_kubelet[0]
    st = first["status"]
    assert first_t == pytest.approx(1.002)  # the watch delivery, then the kubelet's status write
    assert st["phase"] == "Pending"
    assert [(c["type"], c["status"], c.get("reason"), c.get("message")) for c in st["conditions"]] == [
        ("PodReadyToStartContainers", "False", None, None),
        ("Initialized", "True", None, None),
        ("Ready", "False", "ContainersNotReady", "containers with unready status: [web]"),
        ("ContainersReady", "False", "ContainersNotReady", "containers with unready status: [web]"),
        ("PodScheduled", "True", None, None),
    ]
    assert st["containerStatuses"] == [{"name": "web", "state": {"waiting": {"reason": "ContainerCreating"}},
                                        "lastState": {}, "ready": False, "restartCount": 0, "image": "nginx:1.14.2",
                                        "imageID": "", "started": False}]
    assert st["hostIP"] == "172.18.0.2" and st["hostIPs"] == [{"ip": "172.18.0.2"}]
    assert "podIP" not in st  # the sandbox (and its IP) comes with the first sync
    assert st["startTime"] == "2025-01-01T00:00:01Z" and st["qosClass"] == "BestEffort"

    pod = h.get_pod("web")
    st = pod["status"]
    assert st["phase"] == "Running"
    assert [(c["type"], c["status"]) for c in st["conditions"]] == [
        ("PodReadyToStartContainers", "True"), ("Initialized", "True"), ("Ready", "True"),
        ("ContainersReady", "True"), ("PodScheduled", "True")]
    (c,) = st["containerStatuses"]
    assert CONTAINER_ID.match(c["containerID"])
    assert c["image"] == "docker.io/library/nginx:1.14.2"
    assert c["imageID"].startswith("docker.io/library/nginx@sha256:")
    assert (c["ready"], c["started"], c["restartCount"], c["lastState"]) == (True, True, 0, {})
    assert parse_time(c["state"]["running"]["startedAt"]) >= 2
    assert ipaddress.ip_address(st["podIP"]) in ipaddress.ip_network("10.244.1.0/24")
    assert st["podIPs"] == [{"ip": st["podIP"]}]

    lines = h.event_lines("web")
    assert [(t, r) for t, r, _ in lines] == [("Normal", "Pulling"), ("Normal", "Pulled"), ("Normal", "Created"),
                                             ("Normal", "Started")]
    assert lines[0][2] == 'Pulling image "nginx:1.14.2"'
    assert PULLED.match(lines[1][2]), lines[1][2]
    assert lines[2][2] == "Created container: web"
    assert lines[3][2] == "Started container web"
    ev = h.events("web")[0]
    assert ev["involvedObject"]["fieldPath"] == "spec.containers{web}"
    assert ev["source"] == {"component": "kubelet", "host": "node-1"}


def test_second_pod_finds_the_image_already_present():
    h = Harness(nodes=1)
    h.pod("web-1")
    h.run(20)
    h.pod("web-2")
    h.run(20)
    assert h.event_lines("web-2") == [
        ("Normal", "Pulled", 'Container image "nginx:1.14.2" already present on machine'),
        ("Normal", "Created", "Created container: web"),
        ("Normal", "Started", "Started container web"),
    ]
    assert h.phase("web-2") == "Running"
    ips = {h.get_pod(n)["status"]["podIP"] for n in ("web-1", "web-2")}
    assert len(ips) == 2


def test_pulls_are_serialized():
    h = Harness(nodes=1)
    h.pod("a", image="nginx:1.27")
    h.pod("b", image="redis:7")
    h.run(30)
    msg = [m for _, r, m in h.event_lines("b") if r == "Pulled"][0]
    m = re.match(r'Successfully pulled image "redis:7" in ([\d.]+)s \(([\d.]+)s including waiting\)', msg)
    assert float(m.group(2)) > float(m.group(1)) + 1  # it waited for nginx's pull


def test_image_pull_policy_always_pulls_a_present_image():
    h = Harness(nodes=1)
    h.pod("a", image="nginx")  # :latest defaults to imagePullPolicy Always
    h.run(20)
    h.pod("b", image="nginx")
    h.run(20)
    assert [r for _, r, _ in h.event_lines("b")] == ["Pulling", "Pulled", "Created", "Started"]


def test_unknown_image_errimagepull_then_imagepullbackoff():
    h = Harness(nodes=1)
    seen = watch_pods(h)
    h.pod("bad", image="nginx:nope", container="web")
    h.run(600)
    waits = []
    for t, typ, o in seen:
        for cs in o["status"].get("containerStatuses") or []:
            w = cs["state"].get("waiting")
            if w and (not waits or waits[-1][1] != w["reason"]):
                waits.append((t, w["reason"], w.get("message", "")))
    reasons = [r for _, r, _ in waits]
    assert reasons[:4] == ["ContainerCreating", "ErrImagePull", "ImagePullBackOff", "ErrImagePull"]
    err = ('rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:nope": '
           'failed to resolve reference "docker.io/library/nginx:nope": docker.io/library/nginx:nope: not found')
    assert waits[1][2] == err
    assert waits[2][2] == f'Back-off pulling image "nginx:nope": ErrImagePull: {err}'
    pod = h.get_pod("bad")
    assert pod["status"]["phase"] == "Pending" and pod["status"]["podIP"]

    evs = h.events("bad")
    by_msg = {(e["reason"], e["message"]): e for e in evs}
    assert ("Normal", "Pulling", 'Pulling image "nginx:nope"') in [(e["type"], e["reason"], e["message"]) for e in evs]
    assert by_msg[("Failed", f'Failed to pull image "nginx:nope": {err}')]["type"] == "Warning"
    assert by_msg[("Failed", "Error: ErrImagePull")]["type"] == "Warning"
    assert by_msg[("BackOff", 'Back-off pulling image "nginx:nope"')]["type"] == "Normal"
    assert by_msg[("Failed", "Error: ImagePullBackOff")]["type"] == "Warning"

    # the pull attempts: each one waits at least the back-off (10 s doubling up to 300 s)
    pulling = by_msg[("Pulling", 'Pulling image "nginx:nope"')]
    times = [r.time for r in h.trace.records
             if r.source == "kubelet/node-1" and r.kind == "Event" and r.name == pulling["metadata"]["name"]]
    assert len(times) == pulling["count"] >= 5
    gaps = [b - a for a, b in zip(times, times[1:])]
    for gap, backoff in zip(gaps, [10, 20, 40, 80, 160, 300]):
        assert backoff <= gap < backoff + 30, (gaps, backoff)


def test_graceful_deletion_stops_the_container_then_deletes_the_pod():
    h = Harness(nodes=1)
    seen = watch_pods(h)
    h.pod("web")
    h.run(20)
    t0 = h.now
    h.client.delete("pods", "web", "default")
    h.run(5)
    assert h.get_pod("web") is None
    assert h.event_lines("web")[-1] == ("Normal", "Killing", "Stopping container web")
    final = [o for t, typ, o in seen if typ == "MODIFIED"][-1]["status"]
    assert final["phase"] == "Succeeded"
    term = final["containerStatuses"][0]["state"]["terminated"]
    assert (term["exitCode"], term["reason"]) == (0, "Completed")
    assert [(c["type"], c["status"], c.get("reason")) for c in final["conditions"]] == [
        ("PodReadyToStartContainers", "False", None), ("Initialized", "True", "PodCompleted"),
        ("Ready", "False", "PodCompleted"), ("ContainersReady", "False", "PodCompleted"), ("PodScheduled", "True", None)]
    deletes = [r for r in kubelet_calls(h, since=t0) if r.verb == "delete"]
    assert len(deletes) == 1 and deletes[0].time - t0 < 2
    assert h.kubelets["node-1"].runtime.list_containers() == []


@pytest.mark.parametrize("grace, expect", [(None, 30), (5, 5)])
def test_shell_pid1_ignores_sigterm_and_is_killed_after_the_grace_period(grace, expect):
    h = Harness(nodes=1)
    seen = watch_pods(h)
    kw = {} if grace is None else {"terminationGracePeriodSeconds": grace}
    h.pod("sleeper", image="busybox:1.36", command=["sh", "-c", "sleep 3600"], **kw)
    h.run(20)
    t0 = h.now
    h.client.delete("pods", "sleeper", "default")
    h.run(60)
    assert h.get_pod("sleeper") is None
    gone_at = [t for t, typ, o in seen if typ == "DELETED"][0]
    assert gone_at - t0 == pytest.approx(expect, abs=0.01)
    final = [o for t, typ, o in seen if typ == "MODIFIED"][-1]["status"]
    assert final["phase"] == "Failed"
    term = final["containerStatuses"][0]["state"]["terminated"]
    assert (term["exitCode"], term["reason"]) == (137, "Error")


def test_grace_period_zero_deletes_at_once_but_the_container_gets_2s():
    h = Harness(nodes=1)
    h.pod("sleeper", image="busybox:1.36", command=["sleep", "3600"], terminationGracePeriodSeconds=0)
    h.run(20)
    rt = h.kubelets["node-1"].runtime
    (c,) = rt.list_containers()
    t0 = h.now
    h.client.delete("pods", "sleeper", "default")
    assert h.get_pod("sleeper") is None  # the API server does not wait for a grace period of 0
    h.run(1)
    assert c.state == "CONTAINER_RUNNING"
    h.run(5)
    assert c.finished_at - t0 == pytest.approx(2.001, abs=0.01)  # minimumGracePeriodInSeconds
    assert rt.list_containers() == []


def test_force_delete_still_stops_the_containers():
    h = Harness(nodes=1)
    h.pod("web")
    h.run(20)
    rt = h.kubelets["node-1"].runtime
    h.client.delete("pods", "web", "default", grace_period_seconds=0)
    h.run(5)
    assert h.event_lines("web")[-1] == ("Normal", "Killing", "Stopping container web")
    assert rt.list_containers() == [] and rt.list_pod_sandboxes() == []


@pytest.mark.parametrize("policy, script, phase, exit_code, reason", [
    ("Never", "exit 0", "Succeeded", 0, "Completed"),
    ("Never", "echo hello; exit 3", "Failed", 3, "Error"),
    ("OnFailure", "exit 0", "Succeeded", 0, "Completed"),
])
def test_run_to_completion(policy, script, phase, exit_code, reason):
    h = Harness(nodes=1)
    h.pod("job", image="busybox:1.36", command=["sh", "-c", script], restartPolicy=policy)
    h.run(30)
    st = h.get_pod("job")["status"]
    assert st["phase"] == phase
    term = st["containerStatuses"][0]["state"]["terminated"]
    assert (term["exitCode"], term["reason"]) == (exit_code, reason)
    assert st["containerStatuses"][0]["restartCount"] == 0
    conds = {c["type"]: (c["status"], c.get("reason")) for c in st["conditions"]}
    assert conds["Ready"] == ("False", "PodCompleted" if phase == "Succeeded" else "PodFailed")
    assert conds["PodReadyToStartContainers"] == ("False", None)
    assert st["podIP"]  # a finished pod keeps its IP


def test_crashloopbackoff():
    h = Harness(nodes=1)
    seen = watch_pods(h)
    h.pod("crash", image="busybox:1.36", command=["sh", "-c", "exit 1"], restartPolicy="OnFailure")
    h.run(400)
    st = h.get_pod("crash")["status"]
    assert st["phase"] == "Running"
    (c,) = st["containerStatuses"]
    assert c["restartCount"] >= 5
    states = [(o["status"]["containerStatuses"][0]["state"], o["status"]["containerStatuses"][0]["restartCount"])
              for t, typ, o in seen if o["status"].get("containerStatuses")]
    waits = [s["waiting"] for s, _ in states if "waiting" in s and s["waiting"].get("reason") == "CrashLoopBackOff"]
    assert waits
    uid = h.get_pod("crash")["metadata"]["uid"]
    assert waits[0]["message"] == f"back-off 10s restarting failed container=crash pod=crash_default({uid})"
    assert any(w["message"].startswith("back-off 40s ") for w in waits)
    ev = [e for e in h.events("crash") if e["reason"] == "BackOff"][0]
    assert (ev["type"], ev["message"]) == ("Warning", f"Back-off restarting failed container crash in pod "
                                                      f"crash_default({uid})")
    last = [s for s, _ in states if "terminated" in s][-1]["terminated"]
    assert (last["exitCode"], last["reason"]) == (1, "Error")
    # restarts (new containers) spread out: 10 s, 20 s, 40 s ... after each exit
    starts = [parse_time(o["status"]["containerStatuses"][0]["state"]["running"]["startedAt"])
              for t, typ, o in seen if o["status"].get("containerStatuses")
              and "running" in o["status"]["containerStatuses"][0]["state"]]
    assert starts == sorted(starts)


def test_bare_busybox_completes_and_crashloops():
    h = Harness(nodes=1)
    h.pod("bb", image="busybox:1.36")
    h.run(60)
    c = h.get_pod("bb")["status"]["containerStatuses"][0]
    assert c["restartCount"] >= 2
    last = c["lastState"].get("terminated") or c["state"].get("terminated")
    assert (last["exitCode"], last["reason"]) == (0, "Completed")


def test_out_of_cpu_is_rejected_with_upstreams_reason():
    h = Harness(nodes=1)
    h.pod("big", resources={"requests": {"cpu": "3"}})
    h.run(5)
    st = h.get_pod("big")["status"]
    msg = "Node didn't have enough resource: cpu, requested: 3000, used: 0, capacity: 2000"
    assert (st["phase"], st["reason"], st["message"]) == ("Failed", "OutOfcpu", "Pod was rejected: " + msg)
    assert h.event_lines("big") == [("Warning", "OutOfcpu", msg)]
    # the rejected pod holds nothing: a fitting pod is admitted
    h.pod("small", resources={"requests": {"cpu": "1500m"}})
    h.run(20)
    assert h.phase("small") == "Running"
    h.pod("third", resources={"requests": {"cpu": "1"}})
    h.run(5)
    assert h.get_pod("third")["status"]["message"] == (
        "Pod was rejected: Node didn't have enough resource: cpu, requested: 1000, used: 1500, capacity: 2000")


def test_out_of_pods():
    h = Harness(nodes=1, pods=1)
    h.pod("a")
    h.pod("b")
    h.run(20)
    assert h.get_pod("b")["status"]["reason"] == "OutOfpods"
    assert h.get_pod("b")["status"]["message"] == (
        "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 1, capacity: 1")


def test_host_network_pod_gets_the_node_ip():
    h = Harness(nodes=1)
    h.pod("hn", hostNetwork=True)
    h.run(20)
    st = h.get_pod("hn")["status"]
    assert st["podIP"] == st["hostIP"] == "172.18.0.2"


def test_readiness_probe_initial_delay():
    h = Harness(nodes=1)
    h.pod("web", readinessProbe={"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 15})
    h.run(10)
    st = h.get_pod("web")["status"]
    assert st["phase"] == "Running" and st["containerStatuses"][0]["ready"] is False
    assert {c["type"]: c["status"] for c in st["conditions"]}["Ready"] == "False"
    h.run(15)
    st = h.get_pod("web")["status"]
    assert st["containerStatuses"][0]["ready"] is True
    ready = [c for c in st["conditions"] if c["type"] == "Ready"][0]
    started = parse_time(st["containerStatuses"][0]["state"]["running"]["startedAt"])
    assert parse_time(ready["lastTransitionTime"]) - started >= 14


def test_image_change_restarts_the_container():
    h = Harness(nodes=1)
    h.pod("web")
    h.run(20)
    pod = h.get_pod("web")
    pod["spec"]["containers"][0]["image"] = "nginx:1.27"
    h.client.update("pods", pod)
    h.run(30)
    c = h.get_pod("web")["status"]["containerStatuses"][0]
    assert c["image"] == "docker.io/library/nginx:1.27" and c["restartCount"] == 1 and c["ready"]
    assert ("Normal", "Killing", "Container web definition changed, will be restarted") in h.event_lines("web")


def test_status_conflict_is_retried():
    h = Harness(nodes=1)
    h.pod("web")
    # someone else writes the pod before the kubelet's first status write lands
    h.client.patch("pods", "web", {"metadata": {"labels": {"x": "1"}}}, "default")
    h.run(20)
    pod = h.get_pod("web")
    assert pod["status"]["phase"] == "Running" and pod["metadata"]["labels"] == {"x": "1"}


# ------------------------------------------------------------------ failure and recovery
def test_fail_goes_dark_and_recover_restarts_pods():
    h = Harness(nodes=1)
    k = h.kubelets["node-1"]
    h.pod("web")
    h.pod("deleted-meanwhile")
    h.pod("terminating-meanwhile")
    h.run(20)
    before = h.get_pod("web")["status"]
    boot = h.client.get("nodes", "node-1")["status"]["nodeInfo"]["bootID"]
    k.fail()
    t_fail = h.now
    h.run(5)
    h.client.delete("pods", "deleted-meanwhile", "default", grace_period_seconds=0)
    h.client.delete("pods", "terminating-meanwhile", "default")
    h.run(60)
    assert kubelet_calls(h, since=t_fail) == []  # no API calls at all while dark
    lease = h.client.get("leases", "node-1", "kube-node-lease")
    assert parse_time(lease["spec"]["renewTime"]) <= t_fail
    assert all(c.state == "CONTAINER_EXITED" and c.exit_code == 255 for c in k.runtime.list_containers())
    assert h.get_pod("terminating-meanwhile")["metadata"]["deletionTimestamp"]

    t_rec = h.now
    k.recover()
    h.run(30)
    lease = h.client.get("leases", "node-1", "kube-node-lease")
    assert parse_time(lease["spec"]["renewTime"]) >= t_rec
    node = h.client.get("nodes", "node-1")
    assert node["status"]["nodeInfo"]["bootID"] != boot
    assert ("Warning", "Rebooted", f"Node node-1 has been rebooted, boot id: {node['status']['nodeInfo']['bootID']}") \
        in h.event_lines("node-1")
    assert h.get_pod("terminating-meanwhile") is None  # finished deleting
    assert h.get_pod("deleted-meanwhile") is None
    uids = {p["metadata"]["uid"] for p in h.client.list("pods")["items"]}
    assert set(k.runtime.pod_uids()) <= uids  # the orphan's sandbox is gone
    st = h.get_pod("web")["status"]
    (c,) = st["containerStatuses"]
    assert st["phase"] == "Running" and c["ready"] and c["restartCount"] == 1
    assert c["lastState"]["terminated"]["exitCode"] == 255 and c["lastState"]["terminated"]["reason"] == "Unknown"
    assert c["containerID"] != before["containerStatuses"][0]["containerID"]
    assert st["podIP"] != before["podIP"]
    assert ("Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.") in h.event_lines("web")


def test_fail_and_recover_are_idempotent():
    h = Harness(nodes=1)
    k = h.kubelets["node-1"]
    k.fail()
    k.fail()
    h.run(5)
    k.recover()
    k.recover()
    h.run(5)
    assert k.alive


# ------------------------------------------------------------------ determinism
def _scenario(seed):
    h = Harness(seed=seed, nodes=2)
    for i in range(6):
        h.pod(f"web-{i}", node=f"node-{i % 2 + 1}", image=["nginx:1.14.2", "redis:7", "busybox:1.36"][i % 3],
              **({"command": ["sleep", "infinity"]} if i % 3 == 2 else {}))
    h.run(60)
    h.kubelets["node-2"].fail()
    h.run(10)
    h.kubelets["node-2"].recover()
    h.run(30)
    pods = sorted(h.client.list("pods")["items"], key=lambda p: p["metadata"]["name"])
    return json.dumps([(p["metadata"]["name"], p["status"]) for p in pods], sort_keys=True), h.event_lines()


def test_same_seed_same_statuses_ips_and_container_ids():
    a, ea = _scenario(0)
    b, eb = _scenario(0)
    assert a == b and ea == eb
    c, _ = _scenario(1)
    assert c != a
