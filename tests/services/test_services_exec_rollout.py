"""Readiness gates traffic end to end: a rolling update done right loses no request, done wrong does.

The app starts slowly (its container sleeps 8 s before nginx listens). Without a
readinessProbe the new pod counts as ready as soon as its container starts, the
Deployment scales the old ReplicaSet down, and the proxies send requests to a pod that
refuses them. With a readinessProbe (and a preStop sleep so a terminating pod keeps
serving while the proxies catch up) no request fails. Two clients watch: the traffic
generator (k8slab.traffic) and a pod running a ``wget`` loop through the pod network.
"""

import pytest

import k8slab
from k8slab import traffic

LOOP = ("while true; do if wget -qO- -T 1 http://web >/dev/null 2>&1; then echo ok; else echo fail; fi; "
        "sleep 0.5; done")


def deployment(image: str, done_right: bool) -> dict:
    c = {"name": "app", "image": image, "command": ["sh", "-c", "sleep 8; nginx -g 'daemon off;'"],
         "ports": [{"containerPort": 80}]}
    if done_right:
        c["readinessProbe"] = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 1}
        c["lifecycle"] = {"preStop": {"exec": {"command": ["sleep", "5"]}}}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [c]}}}}


def rollout(done_right: bool, seed: int = 0):
    c = k8slab.Cluster(seed=seed, nodes=3)
    c.apply([deployment("nginx:1.26", done_right),
             {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
              "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}},
             {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client"},
              "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}},
             {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "prober"},
              "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", LOOP]}]}}])
    c.run(40)
    assert (traffic.send_requests(c, "web", 20, from_pod="client")["error"] == "").all()
    before = len(str(c.kubectl("logs prober")).split())  # the loop's lines so far (while the app started)
    c.apply(deployment("nginx:1.27", done_right))
    df = traffic.send_requests(c, "web", 600, from_pod="client", interval=0.1)
    c.prober_lines = str(c.kubectl("logs prober")).split()[before:]  # what the loop saw during the rollout
    return c, df


@pytest.mark.parametrize("seed", [0, 1])
def test_rolling_update_done_right_loses_no_request(seed):
    c, df = rollout(True, seed)
    assert c.kubectl("rollout status deployment/web").strip() == 'deployment "web" successfully rolled out'
    assert (df["error"] == "").all() and (df["status"] == 200).all()
    assert df["pod"].nunique() >= 4  # old and new pods both answered during the run
    assert len(c.prober_lines) > 100 and set(c.prober_lines) == {"ok"}


@pytest.mark.parametrize("seed", [0, 1])
def test_rolling_update_without_readiness_probe_visibly_fails(seed):
    c, df = rollout(False, seed)
    assert c.kubectl("rollout status deployment/web").strip() == 'deployment "web" successfully rolled out'
    failed = df[df["error"] != ""]
    assert len(failed) > 10
    assert set(failed["error"]) == {"Connection refused"}
    # the refusals come from new pods that were "ready" but not yet listening
    new_rs = c.list("replicasets", "default")
    new_hash = max(new_rs, key=lambda r: r["metadata"]["creationTimestamp"] + r["metadata"]["name"])
    assert failed["pod"].str.startswith(new_hash["metadata"]["name"]).all()
    assert "fail" in c.prober_lines and "ok" in c.prober_lines


def test_readiness_gates_traffic_from_inside_a_pod():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.apply([deployment("nginx:1.26", True),
             {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
              "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}},
             {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client"},
              "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}])
    c.run(5)  # pods running, nginx not yet listening, none ready: the Service has no ready endpoints
    ip = c.get("services", "web")["spec"]["clusterIP"]
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("exec client -- wget -qO- http://web")
    assert e.value.stdout == f"wget: can't connect to remote host ({ip}): Connection refused\n"
    c.run(10)
    assert "Welcome to nginx!" in str(c.kubectl("exec client -- wget -qO- http://web"))
