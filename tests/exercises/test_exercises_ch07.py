"""Chapter 07's checkers reject the exercises' start states and accept a solution."""

import k8slab
from k8slab.exercises import ch07
from k8slab.widgets.rollout import DEPLOYMENT_TEMPLATE as WEB


def web_cluster(seed, **kw):
    c = k8slab.Cluster(seed=seed, nodes=3)
    c.apply(WEB)
    c.run(30)
    return c


def with_image(image, replicas=6):
    import copy
    d = copy.deepcopy(WEB)
    d["spec"]["template"]["spec"]["containers"][0]["image"] = image
    d["spec"]["replicas"] = replicas
    return d


def test_desired_state():
    c = web_cluster(1)
    assert not ch07.check_desired_state(c, "web", 5, "nginx:1.27")
    c.apply(with_image("nginx:1.27", 5))
    assert not ch07.check_desired_state(c, "web", 5, "nginx:1.27")  # spec right, cluster not caught up
    c.run(60)
    assert ch07.check_desired_state(c, "web", 5, "nginx:1.27")


def test_rollback():
    c = web_cluster(2)
    c.apply(with_image("nginx:1.27-broken"))
    c.run(30)
    assert not ch07.check_rollback(c, "web", "nginx:1.26")
    c.kubectl("rollout undo deployment/web")
    c.run(60)
    assert ch07.check_rollback(c, "web", "nginx:1.26")


def test_rollback_by_reapplying_is_not_a_rollback_of_a_new_deployment():
    c = web_cluster(2)
    c.apply(with_image("nginx:1.27-broken"))
    c.run(30)
    c.kubectl("delete deployment web")
    c.run(30)
    c.apply(WEB)
    c.run(30)
    assert not ch07.check_rollback(c, "web", "nginx:1.26")


def test_drain_budget():
    c = web_cluster(3)
    assert not ch07.check_drain_budget(c, "node-1", "web", 4)
    c.apply({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web"},
             "spec": {"minAvailable": 4, "selector": {"matchLabels": {"app": "web"}}}})
    c.run(5)
    assert not ch07.check_drain_budget(c, "node-1", "web", 4)  # not drained yet
    for _ in range(5):
        try:
            c.kubectl("drain node-1")
            break
        except k8slab.KubectlError:
            c.run(30)
    c.run(30)
    assert ch07.check_drain_budget(c, "node-1", "web", 4)


def test_drain_without_a_budget_is_rejected():
    c = web_cluster(3)
    c.kubectl("drain node-1")
    c.run(30)
    assert not ch07.check_drain_budget(c, "node-1", "web", 4)


def test_orphans():
    c = k8slab.Cluster(seed=4, nodes=2)
    c.apply({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "api"},
             "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "api"}},
                      "template": {"metadata": {"labels": {"app": "api"}},
                                   "spec": {"containers": [{"name": "api", "image": "nginx:1.27"}]}}}})
    c.run(20)
    assert not ch07.check_orphans(c, "api", 3)
    c.kubectl("delete replicaset api --cascade=orphan")
    c.run(5)
    assert ch07.check_orphans(c, "api", 3)


def test_background_deletion_is_not_an_orphaning():
    c = k8slab.Cluster(seed=4, nodes=2)
    c.apply({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "api"},
             "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "api"}},
                      "template": {"metadata": {"labels": {"app": "api"}},
                                   "spec": {"containers": [{"name": "api", "image": "nginx:1.27"}]}}}})
    c.run(20)
    c.kubectl("delete replicaset api")
    c.run(40)
    assert not ch07.check_orphans(c, "api", 3)
