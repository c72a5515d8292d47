"""Shared manifests for the services tests."""

import k8slab


def deployment(name="web", replicas=3, image="nginx:1.27", readiness_path=None, port_name="http"):
    c = {"name": "app", "image": image, "ports": [{"containerPort": 80, "name": port_name}]}
    if readiness_path:
        c["readinessProbe"] = {"httpGet": {"path": readiness_path, "port": 80}, "periodSeconds": 1,
                               "failureThreshold": 1}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [c]}}}}


def service(name="web", **spec):
    s = {"selector": {"app": name}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}
    s.update(spec)
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": s}


def client_pod(name="client"):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}


def cluster_with_web(replicas=3, seed=0, nodes=2, **kw):
    c = k8slab.Cluster(seed=seed, nodes=nodes)
    c.apply([deployment(replicas=replicas, **kw), service(), client_pod()])
    c.run(30)
    return c
