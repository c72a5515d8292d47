"""Chapters 04 and 05: the checkers reject the starting state and accept a solution; the lab's timeline data."""

import k8slab
from k8slab.exercises import ch04, ch05
from k8slab.viz.pod_timeline import container_intervals
from k8slab.widgets.pod_lab import run_lab

SIDECAR = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "sidecar"}, "spec": {
    "volumes": [{"name": "html", "emptyDir": {}}],
    "containers": [
        {"name": "web", "image": "nginx:1.27", "volumeMounts": [{"name": "html", "mountPath": "/usr/share/nginx/html"}]},
        {"name": "writer", "image": "busybox:1.36", "volumeMounts": [{"name": "html", "mountPath": "/data"}],
         "command": ["sh", "-c", "echo Hello > /data/index.html; sleep 3600"]}]}}


def test_ch04_checkers():
    c = k8slab.Cluster(seed=0, nodes=1)
    assert not ch04.check_shared_volume(c)
    c.apply(SIDECAR)
    c.run(20)
    assert ch04.check_shared_volume(c)
    assert not ch04.check_new_ip("yes") and ch04.check_new_ip("no")


def test_ch05_checkers():
    c = k8slab.Cluster(seed=0, nodes=1)
    assert not ch05.check_liveness(c)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "probe-me"}, "spec": {"containers": [{
        "name": "c", "image": "busybox:1.36",
        "command": ["sh", "-c", "touch /tmp/healthy; sleep 10; rm -f /tmp/healthy; sleep 600"],
        "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 5}}]}})
    c.run(80)
    assert ch05.check_liveness(c)
    assert not ch05.check_oom_fixed(c)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "memory-demo-2"}, "spec": {"containers": [{
        "name": "c", "image": "polinux/stress", "command": ["stress"],
        "args": ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"], "resources": {"limits": {"memory": "300Mi"}}}]}})
    c.run(15)
    assert ch05.check_oom_fixed(c)


def test_lab_timelines_follow_restart_policy():
    last = {}
    for policy, code in (("Always", 1), ("OnFailure", 0), ("Never", 1)):
        iv = container_intervals(run_lab(policy, crash_at=20, exit_code=code, unready_at=10, seconds=40))
        last[policy] = (iv.iloc[-1]["state"], iv.iloc[-1]["reason"], int(iv.iloc[-1]["restarts"]))
        assert list(iv["reason"][:2]) == ["Ready", "NotReady"]
    assert last == {"Always": ("Running", "Ready", 1), "OnFailure": ("Terminated", "Completed", 0),
                    "Never": ("Terminated", "Error", 0)}
