"""kubectl get: the columns of printers.go, table layout, output formats, selectors, errors."""

import json

import pytest
import yaml

from k8slab.kubectl import KubectlError
from k8slab.kubectl.printers import pod_status_and_restarts

from kubectl_harness import Harness, node, pod, running_status

T = "2025-01-01T00:00:01Z"


def cs(name="nginx", ready=False, restarts=0, state=None, last=None, started=None):
    c = {"name": name, "image": "nginx", "imageID": "", "ready": ready, "restartCount": restarts,
         "state": state or {"waiting": {"reason": "ContainerCreating"}}, "lastState": last or {}}
    if started is not None:
        c["started"] = started
    return c


def P(status, spec=None, deleting=False):
    p = {"metadata": {"name": "p"}, "spec": spec or {"containers": [{"name": "nginx"}]}, "status": status}
    if deleting:
        p["metadata"]["deletionTimestamp"] = "2025-01-01T00:01:00Z"
    return p


RUNNING = {"running": {"startedAt": T}}
INIT = {"initContainers": [{"name": "init"}], "containers": [{"name": "nginx"}]}
SIDECAR = {"initContainers": [{"name": "log", "restartPolicy": "Always"}], "containers": [{"name": "nginx"}]}


# upstream: pkg/printers/internalversion/printers.go printPod (and printers_test.go TestPrintPod*)
@pytest.mark.parametrize("p,ready,status,restarts", [
    (P({"phase": "Pending"}), "0/1", "Pending", "0"),
    (P({"phase": "Pending", "containerStatuses": [cs()]}), "0/1", "ContainerCreating", "0"),
    (P({"phase": "Running", "containerStatuses": [cs(ready=True, state=RUNNING)]}), "1/1", "Running", "0"),
    (P({"phase": "Running", "containerStatuses": [cs(state=RUNNING)]}), "0/1", "Running", "0"),
    (P({"phase": "Running", "containerStatuses": [cs(restarts=3, state={"waiting": {"reason": "CrashLoopBackOff"}},
                                                     last={"terminated": {"exitCode": 1, "reason": "Error",
                                                                          "finishedAt": "2025-01-01T00:00:55Z"}})]}),
     "0/1", "CrashLoopBackOff", "3 (5s ago)"),
    (P({"phase": "Running", "containerStatuses": [cs(ready=True, restarts=2, state=RUNNING,
                                                     last={"terminated": {"exitCode": 1, "finishedAt": "2025-01-01T00:00:30Z"}})]}),
     "1/1", "Running", "2 (30s ago)"),
    (P({"phase": "Running", "containerStatuses": [cs(restarts=1, state=RUNNING)]}), "0/1", "Running", "1"),
    (P({"phase": "Succeeded", "containerStatuses": [cs(state={"terminated": {"exitCode": 0, "reason": "Completed"}})]}),
     "0/1", "Completed", "0"),
    (P({"phase": "Failed", "containerStatuses": [cs(state={"terminated": {"exitCode": 1, "reason": "Error"}})]}),
     "0/1", "Error", "0"),
    (P({"phase": "Failed", "containerStatuses": [cs(state={"terminated": {"exitCode": 137}})]}), "0/1", "ExitCode:137", "0"),
    (P({"phase": "Failed", "containerStatuses": [cs(state={"terminated": {"exitCode": 0, "signal": 9}})]}),
     "0/1", "Signal:9", "0"),
    (P({"phase": "Running", "containerStatuses": [cs(ready=True, state=RUNNING)]}, deleting=True), "1/1", "Terminating", "0"),
    (P({"phase": "Succeeded", "containerStatuses": [cs(state={"terminated": {"exitCode": 0, "reason": "Completed"}})]},
       deleting=True), "0/1", "Completed", "0"),
    (P({"phase": "Running", "reason": "NodeLost", "containerStatuses": [cs(ready=True, state=RUNNING)]}, deleting=True),
     "1/1", "Unknown", "0"),
    (P({"phase": "Failed", "reason": "Evicted"}), "0/1", "Evicted", "0"),
    (P({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}),
     "0/1", "SchedulingGated", "0"),
    # two containers, one finished: "Completed" becomes Running/NotReady
    (P({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
        "containerStatuses": [cs("a", state={"terminated": {"exitCode": 0, "reason": "Completed"}}),
                              cs("b", ready=True, state=RUNNING)]},
       {"containers": [{"name": "a"}, {"name": "b"}]}), "1/2", "NotReady", "0"),
    (P({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [cs("a", state={"terminated": {"exitCode": 0, "reason": "Completed"}}),
                              cs("b", ready=True, state=RUNNING)]},
       {"containers": [{"name": "a"}, {"name": "b"}]}), "1/2", "Running", "0"),
    # init containers
    (P({"phase": "Pending", "initContainerStatuses": [cs("init", state={"waiting": {"reason": "PodInitializing"}})],
        "containerStatuses": [cs(state={"waiting": {"reason": "PodInitializing"}})]}, INIT), "0/1", "Init:0/1", "0"),
    (P({"phase": "Pending", "initContainerStatuses": [cs("init", state=RUNNING)],
        "containerStatuses": [cs(state={"waiting": {"reason": "PodInitializing"}})]}, INIT), "0/1", "Init:0/1", "0"),
    (P({"phase": "Pending", "initContainerStatuses": [cs("init", restarts=2, state={"terminated": {"exitCode": 1, "reason": "Error"}})],
        "containerStatuses": [cs()]}, INIT), "0/1", "Init:Error", "2"),
    (P({"phase": "Pending", "initContainerStatuses": [cs("init", state={"waiting": {"reason": "CrashLoopBackOff"}})],
        "containerStatuses": [cs()]}, INIT), "0/1", "Init:CrashLoopBackOff", "0"),
    (P({"phase": "Pending", "initContainerStatuses": [cs("init", state={"terminated": {"exitCode": 2}})],
        "containerStatuses": [cs()]}, INIT), "0/1", "Init:ExitCode:2", "0"),
    (P({"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}],
        "initContainerStatuses": [cs("init", state={"terminated": {"exitCode": 0, "reason": "Completed"}})],
        "containerStatuses": [cs(ready=True, state=RUNNING)]}, INIT), "1/1", "Running", "0"),
    # a restartable init container (sidecar) counts as a container once started
    (P({"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}],
        "initContainerStatuses": [cs("log", ready=True, restarts=1, started=True, state=RUNNING)],
        "containerStatuses": [cs(ready=True, state=RUNNING)]}, SIDECAR), "2/2", "Running", "1"),
])
def test_pod_ready_status_restarts(p, ready, status, restarts):
    assert pod_status_and_restarts(p, 60.0) == (ready, status, restarts)


@pytest.fixture
def h():
    h = Harness()
    n, st = node("node-1", "172.18.0.2")
    h.create(n, st)
    n, st = node("node-2", "172.18.0.3", ready="False", unschedulable=True, pod_cidr="10.244.2.0/24")
    h.create(n, st)
    n, st = node("node-3", "172.18.0.4")
    n["metadata"]["labels"]["node-role.kubernetes.io/control-plane"] = ""
    del st["conditions"]
    h.create(n, st)
    h.advance(5)
    h.create(pod("web-1", nodeName="node-1"), running_status("node-1", "172.18.0.2", "10.244.1.5"))
    h.create(pod("web-2", labels={"app": "web", "tier": "front"}, nodeName="node-1"),
             running_status("node-1", "172.18.0.2", "10.244.1.6", restarts=2, last_finished="2025-01-01T00:01:00Z"))
    h.create(pod("db", labels={"app": "db"}))
    h.create(pod("job", labels={"app": "batch"}, namespace="kube-system"))
    h.advance(150)
    return h


def test_get_pods(h):
    assert h.kubectl("get pods") == (
        "NAME    READY   STATUS    RESTARTS      AGE\n"
        "db      0/1     Pending   0             2m30s\n"
        "web-1   1/1     Running   0             2m30s\n"
        "web-2   1/1     Running   2 (95s ago)   2m30s\n")


def test_get_pods_wide(h):
    assert h.kubectl("kubectl get pods -o wide") == (
        "NAME    READY   STATUS    RESTARTS      AGE     IP           NODE     NOMINATED NODE   READINESS GATES\n"
        "db      0/1     Pending   0             2m30s   <none>       <none>   <none>           <none>\n"
        "web-1   1/1     Running   0             2m30s   10.244.1.5   node-1   <none>           <none>\n"
        "web-2   1/1     Running   2 (95s ago)   2m30s   10.244.1.6   node-1   <none>           <none>\n")


def test_get_nodes(h):
    assert h.kubectl("get nodes") == (
        "NAME     STATUS                        ROLES           AGE     VERSION\n"
        "node-1   Ready                         <none>          2m35s   v1.32.0\n"
        "node-2   NotReady,SchedulingDisabled   <none>          2m35s   v1.32.0\n"
        "node-3   Unknown                       control-plane   2m35s   v1.32.0\n")
    assert h.kubectl("get no node-1 -o wide") == (
        "NAME     STATUS   ROLES    AGE     VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE       KERNEL-VERSION   "
        "CONTAINER-RUNTIME\n"
        "node-1   Ready    <none>   2m35s   v1.32.0   172.18.0.2    <none>        k8slab Linux   6.8.0-k8slab     "
        "k8slab://1.0\n")


def test_get_all_namespaces_labels_and_no_headers(h):
    assert h.kubectl("get pods -A --show-labels") == (
        "NAMESPACE     NAME    READY   STATUS    RESTARTS      AGE     LABELS\n"
        "default       db      0/1     Pending   0             2m30s   app=db\n"
        "default       web-1   1/1     Running   0             2m30s   app=web\n"
        "default       web-2   1/1     Running   2 (95s ago)   2m30s   app=web,tier=front\n"
        "kube-system   job     0/1     Pending   0             2m30s   app=batch\n")
    assert h.kubectl("get pods --no-headers -l app=web") == (
        "web-1   1/1   Running   0             2m30s\n"
        "web-2   1/1   Running   2 (95s ago)   2m30s\n")
    assert h.kubectl("get pods -L tier,app") == (
        "NAME    READY   STATUS    RESTARTS      AGE     TIER    APP\n"
        "db      0/1     Pending   0             2m30s           db\n"
        "web-1   1/1     Running   0             2m30s           web\n"
        "web-2   1/1     Running   2 (95s ago)   2m30s   front   web\n")


def test_get_selectors(h):
    assert h.kubectl("get pods -l 'app in (db,batch)' -o name") == "pod/db\n"
    assert h.kubectl("get pods --field-selector spec.nodeName=node-1 -o name") == "pod/web-1\npod/web-2\n"
    assert h.kubectl("get pods --field-selector=status.phase!=Running -A -o name") == "pod/db\npod/job\n"
    with pytest.raises(KubectlError) as e:
        h.kubectl("get pods --field-selector foo=bar")
    assert str(e.value) == ('Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label '
                            'selector "", field selector "foo=bar": field label not supported: foo')


def test_get_several_kinds_prefixes_names_and_separates_blocks(h):
    assert h.kubectl("get pods,nodes -l app=web") == (
        "NAME        READY   STATUS    RESTARTS      AGE\n"
        "pod/web-1   1/1     Running   0             2m30s\n"
        "pod/web-2   1/1     Running   2 (95s ago)   2m30s\n")
    assert h.kubectl("get pod/web-1 node/node-1") == (
        "NAME        READY   STATUS    RESTARTS   AGE\n"
        "pod/web-1   1/1     Running   0          2m30s\n"
        "\n"
        "NAME          STATUS   ROLES    AGE     VERSION\n"
        "node/node-1   Ready    <none>   2m35s   v1.32.0\n")
    assert h.kubectl("get pod web-1 web-2") == (
        "NAME    READY   STATUS    RESTARTS      AGE\n"
        "web-1   1/1     Running   0             2m30s\n"
        "web-2   1/1     Running   2 (95s ago)   2m30s\n")


def test_get_workloads_events_namespaces_leases():
    h = Harness()
    h.create({"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
              "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"},
                                                            {"name": "log", "image": "busybox"}]}}}},
             {"replicas": 3, "updatedReplicas": 3, "readyReplicas": 2, "availableReplicas": 2})
    h.create({"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": "web-6d4cf56db6", "namespace": "default"},
              "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "6d4cf56db6"},
                                                   "matchExpressions": [{"key": "tier", "operator": "NotIn",
                                                                         "values": ["db"]}]},
                       "template": {"metadata": {"labels": {"app": "web", "pod-template-hash": "6d4cf56db6"}},
                                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}},
             {"replicas": 3, "readyReplicas": 2})
    h.create({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
              "metadata": {"name": "node-1", "namespace": "kube-node-lease"}, "spec": {"holderIdentity": "node-1"}})
    h.create({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "web.1", "namespace": "default"},
              "involvedObject": {"kind": "Deployment", "name": "web", "namespace": "default"}, "reason": "ScalingReplicaSet",
              "message": "Scaled up replica set web-6d4cf56db6 from 0 to 3\n", "type": "Normal",
              "source": {"component": "deployment-controller"}, "count": 1,
              "firstTimestamp": "2025-01-01T00:00:00Z", "lastTimestamp": "2025-01-01T00:00:00Z"})
    h.create({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "web.2", "namespace": "default"},
              "involvedObject": {"kind": "Pod", "name": "web-6d4cf56db6-x", "namespace": "default",
                                 "fieldPath": "spec.containers{nginx}"},
              "reason": "BackOff", "message": "Back-off restarting failed container\nsecond line", "type": "Warning",
              "source": {"component": "kubelet", "host": "node-1"}, "count": 4,
              "firstTimestamp": "2025-01-01T00:00:10Z", "lastTimestamp": "2025-01-01T00:06:40Z"})
    h.advance(3600 * 5 + 600)
    assert h.kubectl("get deploy") == ("NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n"
                                       "web    2/3     3            2           5h10m\n")
    assert h.kubectl("get deployments.apps -o wide") == (
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE     CONTAINERS   IMAGES               SELECTOR\n"
        "web    2/3     3            2           5h10m   nginx,log    nginx:1.27,busybox   app=web\n")
    assert h.kubectl("get rs -o wide") == (
        "NAME             DESIRED   CURRENT   READY   AGE     CONTAINERS   IMAGES       SELECTOR\n"
        "web-6d4cf56db6   3         3         2       5h10m   nginx        nginx:1.27   "
        "app=web,pod-template-hash=6d4cf56db6,tier notin (db)\n")
    assert h.kubectl("get all") == (  # the API server's own Service is in default, as on a real cluster
        "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   5h10m\n"
        "\n"
        "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/web   2/3     3            2           5h10m\n"
        "\n"
        "NAME                             DESIRED   CURRENT   READY   AGE\n"
        "replicaset.apps/web-6d4cf56db6   3         3         2       5h10m\n")
    assert h.kubectl("get events") == (
        "LAST SEEN   TYPE      REASON              OBJECT                 MESSAGE\n"
        "5h10m       Normal    ScalingReplicaSet   deployment/web         Scaled up replica set web-6d4cf56db6 from 0 to 3\n"
        "5h3m        Warning   BackOff             pod/web-6d4cf56db6-x   Back-off restarting failed container...\n")
    assert h.kubectl("get ev -A -o wide").splitlines() == [
        "NAMESPACE   LAST SEEN   TYPE      REASON              OBJECT                 SUBOBJECT                "
        "SOURCE                  MESSAGE                                            FIRST SEEN   COUNT   NAME",
        "default     5h10m       Normal    ScalingReplicaSet   deployment/web                                  "
        "deployment-controller   Scaled up replica set web-6d4cf56db6 from 0 to 3   5h10m        1       web.1",
        "default     5h3m        Warning   BackOff             pod/web-6d4cf56db6-x   spec.containers{nginx}   "
        "kubelet, node-1         Back-off restarting failed container...            5h9m         4       web.2"]
    assert h.kubectl("get ns") == ("NAME              STATUS   AGE\n"
                                   "default           Active   5h10m\n"
                                   "kube-node-lease   Active   5h10m\n"
                                   "kube-public       Active   5h10m\n"
                                   "kube-system       Active   5h10m\n")
    assert h.kubectl("get leases -n kube-node-lease") == ("NAME     HOLDER   AGE\n"
                                                          "node-1   node-1   5h10m\n")


def test_get_json_yaml_name(h):
    one = json.loads(h.kubectl("get pod web-1 -o json"))
    assert one["kind"] == "Pod" and one["metadata"]["name"] == "web-1"
    many = json.loads(h.kubectl("get pods -o json"))
    assert list(many) == ["apiVersion", "items", "kind", "metadata"]
    assert (many["apiVersion"], many["kind"], many["metadata"]) == ("v1", "List", {"resourceVersion": ""})
    assert [i["metadata"]["name"] for i in many["items"]] == ["db", "web-1", "web-2"]
    text = h.kubectl("get pods -l app=db -o yaml")
    assert text.startswith("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n")
    assert text.endswith("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
    assert yaml.safe_load(text)["items"][0]["metadata"]["name"] == "db"
    assert h.kubectl("get pod db -o yaml").startswith("apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: ")
    assert h.kubectl("get nodes,pods -l app=web -o name") == "pod/web-1\npod/web-2\n"
    assert h.kubectl("get pods -o json -l app=nope") == (
        '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n'
        '        "resourceVersion": ""\n    }\n}\n')


def test_get_jsonpath_and_sort_by(h):
    assert h.kubectl("get pods -o jsonpath='{.items[*].metadata.name}'") == "db web-1 web-2"
    assert h.kubectl('get pods -o=jsonpath=\'{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}\'') == \
        "db\t\nweb-1\t10.244.1.5\nweb-2\t10.244.1.6\n"
    assert h.kubectl("get pod web-1 -o jsonpath={.metadata.labels}") == '{"app":"web"}'
    assert h.kubectl("get pods --sort-by=.status.podIP -o name") == "pod/db\npod/web-1\npod/web-2\n"
    assert h.kubectl("get pods --sort-by=.metadata.labels.app --no-headers -o name") == "pod/db\npod/web-1\npod/web-2\n"
    assert h.kubectl("get nodes --sort-by='{.metadata.name}'").splitlines()[1].startswith("node-1")


def test_no_resources_found(h):
    assert h.kubectl("get pods -n kube-public") == "No resources found in kube-public namespace.\n"
    assert h.kubectl("get pods -l app=nope -A") == "No resources found\n"
    assert h.kubectl("get deployments") == "No resources found in default namespace.\n"
    assert h.kubectl("get pods -l app=nope -o name") == ""
    assert h.kubectl("get pod nope --ignore-not-found") == ""


@pytest.mark.parametrize("cmd,message", [
    ("get pod nope", 'Error from server (NotFound): pods "nope" not found'),
    ("get deploy nope", 'Error from server (NotFound): deployments.apps "nope" not found'),
    ("get foo", 'error: the server doesn\'t have a resource type "foo"'),
    ("get pods,foo", 'error: the server doesn\'t have a resource type "foo"'),
    ("get pods --foo", "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage."),
    ("get pods -o foo", 'error: unable to match a printer suitable for the output format "foo", allowed formats are: '
                        "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
                        "jsonpath-file,name,template,templatefile,wide,yaml"),
    ("get", 'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported '
            'resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed '
            "description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples"),
    ("get pod web-1 -l app=web", "error: name cannot be provided when a selector is specified"),
    ("get pod web-1 -A", "error: a resource cannot be retrieved by name across all namespaces"),
    ("get pod pod/web-1", "error: there is no need to specify a resource type as a separate argument when passing "
                          "arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of "
                          "'kubectl get resource resource/<resource_name>'"),
    ("frobnicate", 'Error: unknown command "frobnicate" for "kubectl"\nRun \'kubectl --help\' for usage.'),
])
def test_get_errors(h, cmd, message):
    with pytest.raises(KubectlError) as e:
        h.kubectl(cmd)
    assert str(e.value) == message == e.value.output


def test_partial_failure_keeps_what_was_printed(h):
    with pytest.raises(KubectlError) as e:
        h.kubectl("get pods web-1 nope nada")
    assert e.value.output == 'Error from server (NotFound): pods "nope" not found\n' \
                             'Error from server (NotFound): pods "nada" not found'
    assert e.value.stdout == "NAME    READY   STATUS    RESTARTS   AGE\nweb-1   1/1     Running   0          2m30s\n"


def test_namespace_flag_before_the_command(h):
    assert h.kubectl("-n kube-system get pods -o name") == "pod/job\n"
    assert h.kubectl(["kubectl", "get", "pods", "--namespace=kube-system", "-o", "name"]) == "pod/job\n"


def test_get_and_describe_from_a_manifest(h):
    manifest = ("apiVersion: v1\nkind: Pod\nmetadata: {name: job, namespace: kube-system}\n---\n"
                "apiVersion: v1\nkind: Pod\nmetadata: {name: db}\n")
    assert h.kubectl("get -f - -o name", stdin=manifest) == "pod/job\npod/db\n"
    assert h.kubectl("get -f -", stdin=manifest) == (
        "NAME   READY   STATUS    RESTARTS   AGE\n"
        "job    0/1     Pending   0          2m30s\n"
        "db     0/1     Pending   0          2m30s\n")
    assert h.kubectl("describe -f -", stdin=manifest).startswith("Name:             job\nNamespace:        kube-system\n")
