"""Init containers (and sidecars) as the kubelet runs them, and CPU limits as CFS quota throttles them.

upstream: pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions /
computeInitContainerActions, pkg/kubelet/kubelet_pods.go getPhase, pkg/kubelet/status/generate.go
GeneratePodInitializedCondition, kubectl's printPod (Init:N/M, Init:Error, ...).
The scenario of the first test is kubernetes.io's "Init Containers in use" example, unchanged.
"""

import pytest

k8slab = pytest.importorskip("k8slab")

MYAPP_POD = """
apiVersion: v1
kind: Pod
metadata:
  name: myapp-pod
  labels:
    app.kubernetes.io/name: MyApp
spec:
  containers:
  - name: myapp-container
    image: busybox:1.28
    command: ['sh', '-c', 'echo The app is running! && sleep 3600']
  initContainers:
  - name: init-myservice
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for myservice; sleep 2; done"]
  - name: init-mydb
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup mydb.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for mydb; sleep 2; done"]
"""

SERVICES = """
---
apiVersion: v1
kind: Service
metadata:
  name: myservice
spec:
  ports:
  - protocol: TCP
    port: 80
    targetPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: mydb
spec:
  ports:
  - protocol: TCP
    port: 80
    targetPort: 9377
"""


def status_cell(c, name):
    out = c.kubectl(f"get pod {name} --no-headers")
    return out.split()[2]


def cond(pod, type_):
    return next(x for x in pod["status"]["conditions"] if x["type"] == type_)


def init_pod(name, policy, script, sidecar=None):
    inits = [{"name": "init-x", "image": "busybox:1.28", "command": ["sh", "-c", script]}]
    if sidecar:
        inits.insert(0, {"name": "logshipper", "image": "busybox:1.28", "restartPolicy": "Always",
                         "command": ["sh", "-c", "while true; do echo shipping; sleep 5; done"]})
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"restartPolicy": policy, "initContainers": inits,
                     "containers": [{"name": "app", "image": "busybox:1.28",
                                     "command": ["sh", "-c", "echo app; sleep 3600"]}]}}


def test_docs_example_waits_for_its_services_then_runs():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.run(5)
    c.apply(MYAPP_POD)
    c.run(20)
    assert status_cell(c, "myapp-pod") == "Init:0/2"
    pod = c.get("pods", "myapp-pod")
    assert pod["status"]["phase"] == "Pending"
    init = cond(pod, "Initialized")
    assert (init["status"], init["reason"], init["message"]) == (
        "False", "ContainersNotInitialized", "containers with incomplete status: [init-myservice init-mydb]")
    ics = pod["status"]["initContainerStatuses"]
    assert [s["name"] for s in ics] == ["init-myservice", "init-mydb"]
    assert "running" in ics[0]["state"] and ics[1]["state"] == {"waiting": {"reason": "PodInitializing"}}
    assert pod["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "PodInitializing"}}
    logs = c.kubectl("logs myapp-pod -c init-myservice")
    assert "waiting for myservice" in logs
    assert "nslookup: can't resolve 'myservice.default.svc.cluster.local'" in logs

    c.apply(SERVICES)
    c.run(20)
    out = c.kubectl("get pod myapp-pod --no-headers").split()
    assert out[1:3] == ["1/1", "Running"]
    pod = c.get("pods", "myapp-pod")
    assert cond(pod, "Initialized")["status"] == "True"
    for s in pod["status"]["initContainerStatuses"]:
        assert s["state"]["terminated"]["reason"] == "Completed" and s["ready"] is True
    assert c.kubectl("logs myapp-pod -c myapp-container") == "The app is running!\n"
    assert "Name:      mydb.default.svc.cluster.local" in c.kubectl("logs myapp-pod -c init-mydb")
    # events: the init containers were created and started, in order, before the app container
    evs = sorted((e for e in c.list("events", "default") if e["involvedObject"].get("name") == "myapp-pod"),
                 key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))
    started = [e["message"] for e in evs if e["reason"] == "Started"]
    assert started == ["Started container init-myservice", "Started container init-mydb",
                       "Started container myapp-container"]
    paths = {e["involvedObject"].get("fieldPath") for e in evs if e["reason"] == "Created"}
    assert paths == {"spec.initContainers{init-myservice}", "spec.initContainers{init-mydb}",
                     "spec.containers{myapp-container}"}


def test_statuses_of_init_progress():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.run(3)
    c.apply(init_pod("two", "Always", "sleep 3"))
    seen = []
    for _ in range(60):
        c.run(0.25)
        s = status_cell(c, "two")
        if not seen or seen[-1] != s:
            seen.append(s)
    assert seen[0] in ("Pending", "Init:0/1")
    assert "Init:0/1" in seen and "PodInitializing" in seen and seen[-1] == "Running"
    assert seen.index("Init:0/1") < seen.index("PodInitializing") < seen.index("Running")


def test_failing_init_container_restartpolicy_always_crashloops_and_phase_stays_pending():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.run(3)
    c.apply(init_pod("crash", "Always", "echo init; sleep 1; exit 1"))
    seen, restarts = set(), []
    for _ in range(120):
        c.run(1)
        seen.add(status_cell(c, "crash"))
        pod = c.get("pods", "crash")
        assert pod["status"]["phase"] == "Pending"
        assert "running" not in pod["status"]["containerStatuses"][0]["state"]
        restarts.append(pod["status"]["initContainerStatuses"][0]["restartCount"])
    assert {"Init:Error", "Init:CrashLoopBackOff"} <= seen
    assert restarts == sorted(restarts) and restarts[-1] >= 3
    assert c.kubectl("logs crash -c init-x --previous") == "init\n"
    reasons = {e["reason"] for e in c.list("events", "default") if e["involvedObject"].get("name") == "crash"}
    assert "BackOff" in reasons


def test_failing_init_container_restartpolicy_never_fails_the_pod():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.run(3)
    c.apply(init_pod("never", "Never", "exit 2"))
    c.run(30)
    pod = c.get("pods", "never")
    assert pod["status"]["phase"] == "Failed"
    assert status_cell(c, "never") == "Init:Error"
    assert pod["status"]["initContainerStatuses"][0]["state"]["terminated"]["exitCode"] == 2
    assert pod["status"]["initContainerStatuses"][0]["restartCount"] == 0
    assert "running" not in pod["status"]["containerStatuses"][0]["state"]


def test_onfailure_init_retries_until_it_succeeds():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.run(3)
    # the first run fails and leaves a marker in an emptyDir; the second succeeds
    pod = init_pod("retry", "OnFailure", "if [ -f /work/tried ]; then exit 0; fi; touch /work/tried; exit 1")
    pod["spec"]["volumes"] = [{"name": "work", "emptyDir": {}}]
    pod["spec"]["initContainers"][0]["volumeMounts"] = [{"name": "work", "mountPath": "/work"}]
    c.apply(pod)
    c.run(30)
    p = c.get("pods", "retry")
    assert p["status"]["phase"] == "Running"
    assert p["status"]["initContainerStatuses"][0]["restartCount"] == 1
    assert c.kubectl("get pod retry --no-headers").split()[1:4] == ["1/1", "Running", "0"]


def test_sidecar_keeps_running_beside_the_app():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.run(3)
    c.apply(init_pod("side", "Always", "exit 0", sidecar=True))
    c.run(12)
    out = c.kubectl("get pod side --no-headers").split()
    assert out[1:3] == ["2/2", "Running"]
    pod = c.get("pods", "side")
    ics = {s["name"]: s for s in pod["status"]["initContainerStatuses"]}
    assert "running" in ics["logshipper"]["state"] and ics["logshipper"]["started"] is True
    assert "shipping" in c.kubectl("logs side -c logshipper")


def test_serviceaccount_namespace_file_and_opt_out():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.run(3)
    c.kubectl("create namespace team-a")
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "team-a"},
             "spec": {"containers": [{"name": "c", "image": "busybox:1.28", "command": ["sleep", "3600"]}]}})
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q", "namespace": "team-a"},
             "spec": {"automountServiceAccountToken": False,
                      "containers": [{"name": "c", "image": "busybox:1.28", "command": ["sleep", "3600"]}]}})
    c.run(10)
    out = c.kubectl("exec -n team-a p -- cat /var/run/secrets/kubernetes.io/serviceaccount/namespace")
    assert out.strip() == "team-a"
    with pytest.raises(k8slab.KubectlError):
        c.kubectl("exec -n team-a q -- cat /var/run/secrets/kubernetes.io/serviceaccount/namespace")


CPU_DEMO = """
apiVersion: v1
kind: Pod
metadata:
  name: cpu-demo
spec:
  containers:
  - name: cpu-demo-ctr
    image: polinux/stress
    resources:
      limits:
        cpu: "1"
      requests:
        cpu: "0.5"
    command: ["stress"]
    args: ["--cpu", "2"]
"""


def test_cpu_above_the_limit_is_throttled_to_the_limit():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.run(3)
    c.apply(CPU_DEMO)
    c.apply(CPU_DEMO.replace("cpu-demo", "cpu-free").replace('      limits:\n        cpu: "1"\n', ""))
    c.run(20)
    kubelet = c._kubelet("node-1")
    limited = kubelet.container_stats("default", "cpu-demo")["cpu-demo-ctr"]
    free = kubelet.container_stats("default", "cpu-free")["cpu-free-ctr"]
    assert limited["cpu"] == 1.0   # wants 2 cores, the CFS quota gives it 1
    assert free["cpu"] == 2.0
    assert c.get("pods", "cpu-demo")["status"]["containerStatuses"][0]["restartCount"] == 0  # throttled, not killed
