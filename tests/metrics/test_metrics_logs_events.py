"""kubectl logs -l / --prefix / --max-log-requests, kubectl events, get events filters; Client helpers; HPA defaults."""

import pytest

import k8slab
from k8slab.api.defaults import apply_defaults

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
      - name: log-agent
        image: busybox:1.36
        command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo batch $i; sleep 10; done"]
"""


@pytest.fixture(scope="module")
def c():
    c = k8slab.Cluster(seed=0, nodes=3)
    c.start_metrics_server()
    c.apply(WEB)
    c.run(60)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "typo"},
             "spec": {"containers": [{"name": "c", "image": "ngnix:1.27"}]}})
    c.run(30)
    return c


def _web_pods(c):
    return sorted(p["metadata"]["name"] for p in c.list("pods", "default", label_selector="app=web"))


def test_logs_selector_prefix_all_containers(c):
    out = c.kubectl("logs -l app=web --all-containers --prefix --tail=1")
    pods = _web_pods(c)
    assert out.splitlines() == [f"[pod/{p}/log-agent] batch 9" for p in pods]


def test_logs_selector_default_container_and_tail_10(c):
    assert c.kubectl("logs -l app=web") == ""  # nginx (the first container) logs nothing here
    out = c.kubectl("logs -l app=web -c log-agent")
    assert len(out.splitlines()) == 2 * 9 and out.splitlines()[0] == "batch 1"
    assert c.kubectl("logs -l app=nothing") == "No resources found in default namespace.\n"


def test_logs_max_log_requests(c):
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("logs -l app=web --all-containers -f --max-log-requests=3")
    assert str(e.value) == ("error: you are attempting to follow 4 log streams, but maximum allowed concurrency "
                            "is 3, use --max-log-requests to increase the limit")
    with pytest.raises(k8slab.KubectlError, match="only a selector"):
        c.kubectl("logs typo -l app=web")


def test_kubectl_events_sorted_with_columns(c):
    lines = c.kubectl("events").splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert "x2 over" in c.kubectl("events --for pod/typo")
    all_ns = c.kubectl("events -A").splitlines()
    assert all_ns[0].split()[:3] == ["NAMESPACE", "LAST", "SEEN"]
    from k8slab.kubectl.events import event_time
    times = [event_time(e) for e in c.client.list("events", "default")["items"]]
    assert min(times) < max(times)


def test_kubectl_events_filters(c):
    out = c.kubectl("events --types=Warning")
    rows = out.splitlines()[1:]
    assert rows and all(" Warning " in r for r in rows) and all("pod/typo" in r for r in rows)
    assert c.kubectl("events --for pod/typo --types=Normal").splitlines()[1].split()[2] == "Scheduled"
    assert c.kubectl("events --for pod/none") == "No events found in default namespace.\n"
    with pytest.raises(k8slab.KubectlError, match="valid --types are Normal or Warning"):
        c.kubectl("events --types=Bad")
    with pytest.raises(k8slab.KubectlError, match="single resource and name"):
        c.kubectl("events --for pod")


def test_get_events_field_selector_and_sort(c):
    out = c.kubectl("get events --field-selector type=Warning --sort-by=.lastTimestamp")
    assert all("Warning" in r for r in out.splitlines()[1:])


def test_client_helpers_metrics(c):
    m = c.client.get_aggregated("metrics.k8s.io/v1beta1", "nodes", name="node-1")
    assert m["kind"] == "NodeMetrics"
    stats = c.client.node_stats("node-1")
    assert isinstance(stats, dict)


@pytest.mark.parametrize("spec, want", [
    ({"maxReplicas": 3}, {"minReplicas": 1, "metrics": [{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]}),
    ({"maxReplicas": 3, "minReplicas": 2, "metrics": [{"type": "Resource", "resource": {
        "name": "memory", "target": {"type": "AverageValue", "averageValue": "100Mi"}}}]},
     {"minReplicas": 2}),
    ({"maxReplicas": 3, "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}},
     {"behavior": {"scaleDown": {"stabilizationWindowSeconds": 60, "selectPolicy": "Max",
                                 "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
                   "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                               "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15},
                                            {"type": "Percent", "value": 100, "periodSeconds": 15}]}}}),
])
def test_hpa_defaults(spec, want):
    obj = apply_defaults({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                          "metadata": {"name": "x"}, "spec": dict(spec)})
    for k, v in want.items():
        assert obj["spec"][k] == v
    if "behavior" not in spec:
        assert "behavior" not in obj["spec"]  # upstream leaves an absent behavior absent
