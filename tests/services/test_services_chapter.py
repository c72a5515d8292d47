"""Chapter 08's helpers: kubectl printers, viz data, widget step functions, exercise checkers."""

import k8slab
from k8slab import traffic
from k8slab.exercises import ch08
from k8slab.viz.services import endpoints_table, service_graph, traffic_counts
from k8slab.widgets.services import backend_pods, kill_pod, scale_backends, services_panel, set_ready, traffic_step
from svc_fixtures import client_pod

HELLO = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "hello"},
         "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "hello"}},
                  "template": {"metadata": {"labels": {"app": "hello"}},
                               "spec": {"containers": [{
                                   "name": "hello", "image": "registry.k8s.io/e2e-test-images/agnhost:2.53",
                                   "args": ["serve-hostname"], "ports": [{"containerPort": 9376, "name": "http"}],
                                   "readinessProbe": {"exec": {"command": ["sh", "-c", "[ ! -e /tmp/not-ready ]"]},
                                                      "periodSeconds": 1, "failureThreshold": 1}}]}}}}
HELLO_SVC = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "hello"},
             "spec": {"selector": {"app": "hello"}, "ports": [{"port": 80, "targetPort": 9376}]}}


def hello_cluster():
    c = k8slab.Cluster(seed=0, nodes=2)
    c.apply([HELLO, client_pod()])
    c.run(30)
    return c


def test_kubectl_endpointslices_and_describe():
    c = hello_cluster()
    c.apply(HELLO_SVC)
    c.run(2)
    out = c.kubectl("get endpointslices")
    assert out.splitlines()[0].split() == ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
    line = next(ln for ln in out.splitlines() if ln.startswith("hello-"))
    assert line.split()[1:3] == ["IPv4", "9376"] and line.split()[3].count(",") == 2
    d = c.kubectl("describe svc hello")
    assert "Selector:                 app=hello" in d and "TargetPort:               9376/TCP" in d
    assert d.count(":9376") == 3 and "Port:                     <unset>  80/TCP" in d


def test_exercises_reject_then_accept():
    c = hello_cluster()
    assert not ch08.check_service(c)
    c.apply(HELLO_SVC)
    c.run(3)
    assert ch08.check_service(c)
    assert not ch08.check_dns_name("hello")
    assert ch08.check_dns_name("hello.default.svc.cluster.local.")
    df = traffic.send_requests(c, "hello", 30, from_pod="client")
    assert not ch08.check_no_traffic_to_unready(c, df)
    pod = backend_pods(c, "hello")[0]
    set_ready(c, pod, False)
    df = traffic.send_requests(c, "hello", 60, from_pod="client")
    assert ch08.check_no_traffic_to_unready(c, df)
    assert pod not in traffic_counts(df)


def test_viz_and_widget_steps():
    c = hello_cluster()
    c.apply(HELLO_SVC)
    c.run(2)
    g = service_graph(c, "hello")
    kinds = sorted(d["kind"] for _, d in g.nodes(data=True))
    assert kinds.count("Pod") == 3 and kinds.count("Service") == 1 and kinds.count("EndpointSlice") == 1
    t = endpoints_table(c, "hello")
    assert list(t.columns) == ["slice", "pod", "endpoint", "node", "ready", "serving", "terminating"] and len(t) == 3
    assert sum(traffic_step(c, 30, target="hello").values()) == 30
    assert "scaled to 1" in scale_backends(c, 1, name="hello")
    assert len(backend_pods(c, "hello")) == 1
    assert "deleted" in kill_pod(c, app="hello")
    panel = services_panel(c, app="hello")
    assert "k8slab-services" in panel._dom_classes
