"""Random scale / image update / rollback / pod delete / node failure sequences, then convergence.

A hypothesis RuleBasedStateMachine drives a small ``k8slab.Cluster`` with two Deployments
through random operations, advancing virtual time between them. At teardown every failed
node is recovered and the cluster runs long enough for upstream's default timings (node
grace period 50 s, toleration 300 s, rollout progress); then each Deployment must match
its spec: ``replicas`` Ready pods of the current template's image, owned by exactly one
live ReplicaSet, the rollout complete, every other ReplicaSet scaled to 0, and no pod
without an owner or owned by a ReplicaSet that is not the Deployment's.
"""

import copy

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import k8slab
from k8slab.api.meta import controller_of

NODES = ["node-1", "node-2", "node-3"]
IMAGES = ["nginx:1.26", "nginx:1.27", "nginx:1.25"]  # all in k8slab's simulated registry
APPS = ["web", "api"]


def manifest(name, replicas, image):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": image}]}}}}


def is_ready(p):
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in p.get("status", {}).get("conditions") or [])


class Convergence(RuleBasedStateMachine):
    @initialize(seed=st.integers(0, 3))
    def start(self, seed):
        self.c = k8slab.Cluster(seed=seed, nodes=3)
        self.down: set[str] = set()
        self.failed_any = False
        for app in APPS:
            self.c.apply(manifest(app, 2, IMAGES[0]))
        self.c.run(20)

    @rule(app=st.sampled_from(APPS), replicas=st.integers(0, 5), wait=st.integers(0, 20))
    def scale(self, app, replicas, wait):
        self.c.kubectl(f"scale deployment {app} --replicas={replicas}")
        self.c.run(wait)

    @rule(app=st.sampled_from(APPS), image=st.sampled_from(IMAGES), wait=st.integers(0, 20))
    def update_image(self, app, image, wait):
        d = self.c.get("deployments", app)
        d["spec"]["template"]["spec"]["containers"][0]["image"] = image
        self.c.client.update("deployments", d)
        self.c.run(wait)

    @rule(app=st.sampled_from(APPS), wait=st.integers(0, 20))
    def rollback(self, app, wait):
        try:
            self.c.kubectl(f"rollout undo deployment/{app}")
        except k8slab.KubectlError as e:  # no previous revision yet: kubectl refuses and changes nothing
            assert "no rollout history found" in str(e) or "unable to find specified revision" in str(e), str(e)
        self.c.run(wait)

    @rule(app=st.sampled_from(APPS), index=st.integers(0, 9), wait=st.integers(0, 10))
    def delete_pod(self, app, index, wait):
        pods = sorted(p["metadata"]["name"] for p in self.c.list("pods", "default", label_selector=f"app={app}")
                      if not p["metadata"].get("deletionTimestamp"))
        if pods:
            self.c.kubectl(f"delete pod {pods[index % len(pods)]}")
        self.c.run(wait)

    @rule(node=st.sampled_from(NODES), wait=st.integers(0, 120))
    def fail_node(self, node, wait):
        if node not in self.down and len(self.down) < 2:
            self.c.fail_node(node)
            self.down.add(node)
            self.failed_any = True
        self.c.run(wait)

    @rule(node=st.sampled_from(NODES), wait=st.integers(0, 60))
    def recover_node(self, node, wait):
        if node in self.down:
            self.c.recover_node(node)
            self.down.discard(node)
        self.c.run(wait)

    @invariant()
    def never_two_controllers(self):
        if not hasattr(self, "c"):
            return
        for p in self.c.list("pods", "default"):
            refs = [r for r in p["metadata"].get("ownerReferences") or [] if r.get("controller")]
            assert len(refs) <= 1, p["metadata"]["name"]

    def teardown(self):
        if not hasattr(self, "c"):
            return
        c = self.c
        failed = self.failed_any
        for node in sorted(self.down):
            c.recover_node(node)
        # after a node failure: grace period (50 s) + tolerationSeconds (300 s) + rollouts; else rollouts only
        c.run(420 if failed else 90)
        rs_by_uid = {r["metadata"]["uid"]: r for r in c.list("replicasets", "default")}
        for app in APPS:
            d = c.get("deployments", app)
            want, image = d["spec"]["replicas"], d["spec"]["template"]["spec"]["containers"][0]["image"]
            st_ = d.get("status") or {}
            assert st_.get("observedGeneration") == d["metadata"]["generation"], (app, st_)
            assert (st_.get("replicas", 0), st_.get("updatedReplicas", 0), st_.get("availableReplicas", 0)) == \
                (want, want, want), (app, st_)
            owned = [r for r in rs_by_uid.values() if (controller_of(r) or {}).get("uid") == d["metadata"]["uid"]]
            active = [r for r in owned if r["spec"]["replicas"] > 0]
            if want:
                assert len(active) == 1, (app, [(r["metadata"]["name"], r["spec"]["replicas"]) for r in owned])
                assert active[0]["spec"]["template"]["spec"]["containers"][0]["image"] == image
            pods = [p for p in c.list("pods", "default", label_selector=f"app={app}")
                    if not p["metadata"].get("deletionTimestamp")]
            assert len(pods) == want, (app, [p["metadata"]["name"] for p in pods])
            for p in pods:
                ref = controller_of(p)
                assert ref is not None, f"orphaned pod {p['metadata']['name']}"
                assert ref["uid"] in rs_by_uid and ref["uid"] in {r["metadata"]["uid"] for r in active}, \
                    f"pod {p['metadata']['name']} owned by a stale ReplicaSet"
                assert is_ready(p) and p["spec"]["containers"][0]["image"] == image, p["metadata"]["name"]
            names = [p["metadata"]["name"] for p in pods]
            assert len(set(names)) == len(names)


Convergence.TestCase.settings = settings(max_examples=25, stateful_step_count=8, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow], derandomize=True)
TestConvergence = Convergence.TestCase
