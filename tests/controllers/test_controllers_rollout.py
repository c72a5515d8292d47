"""Deployment rollouts end to end through k8slab.Cluster: invariants at every step, history,
undo, pause/resume, progress deadline, minReadySeconds, and the ``kubectl rollout`` commands."""

import pytest

import k8slab
from k8slab.controllers.deployment import resolve_fenceposts


def manifest(name="web", replicas=3, image="nginx:1.26", surge="25%", unavail="25%", **spec):
    d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
         "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                  "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavail}},
                  "template": {"metadata": {"labels": {"app": name}},
                               "spec": {"containers": [{"name": "web", "image": image}]}}}}
    d["spec"].update(spec)
    return d


def set_image(c, image, name="web"):
    d = c.get("deployments", name)
    d["spec"]["template"]["spec"]["containers"][0]["image"] = image
    c.client.update("deployments", d)


def pods_of(c, name="web"):
    return [p for p in c.list("pods", "default") if (p["metadata"].get("labels") or {}).get("app") == name]


def ready(p):
    return any(x["type"] == "Ready" and x["status"] == "True" for x in p["status"].get("conditions") or [])


def converged(c, name="web"):
    d = c.get("deployments", name)
    st = d.get("status") or {}
    want = d["spec"]["replicas"]
    return (st.get("observedGeneration", 0) >= d["metadata"]["generation"] and st.get("updatedReplicas", 0) == want
            and st.get("replicas", 0) == want and st.get("availableReplicas", 0) == want)


@pytest.mark.parametrize("replicas,surge,unavail", [
    (3, "25%", "25%"), (4, 1, 1), (5, 0, 1), (6, "50%", 0), (10, "25%", "25%"), (2, 1, 0), (7, "30%", "30%"),
])
def test_rollout_invariants_hold_at_every_step(replicas, surge, unavail):
    c = k8slab.Cluster(seed=replicas, nodes=3)
    c.apply(manifest(replicas=replicas, surge=surge, unavail=unavail))
    assert c.run_until(lambda: converged(c), timeout=120)
    max_surge, max_unavail = resolve_fenceposts(surge, unavail, replicas)
    for image in ("nginx:1.27", "nginx:1.25", "nginx:1.26"):
        set_image(c, image)
        end = c.now + 300
        steps = 0
        while c.now < end:
            c.step()
            steps += 1
            live = [p for p in pods_of(c) if not p["metadata"].get("deletionTimestamp")]
            assert len(live) <= replicas + max_surge, (c.now, len(live))
            assert sum(1 for p in live if ready(p)) >= replicas - max_unavail, c.now
            if steps % 20 == 0 and converged(c) and all(p["spec"]["containers"][0]["image"] == image for p in live):
                break
        assert c.run_until(lambda: converged(c), timeout=120)
        live = [p for p in pods_of(c) if not p["metadata"].get("deletionTimestamp")]
        assert len(live) == replicas and {p["spec"]["containers"][0]["image"] for p in live} == {image}


def test_history_undo_and_change_cause():
    c = k8slab.Cluster(seed=1, nodes=2)
    c.apply(manifest())
    assert c.run_until(lambda: converged(c), timeout=120)
    c.kubectl("annotate deployment web kubernetes.io/change-cause='image 1.27'")
    set_image(c, "nginx:1.27")
    assert c.run_until(lambda: converged(c), timeout=200)
    assert c.kubectl("rollout history deployment/web") == (
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         image 1.27\n\n")
    out = c.kubectl("rollout history deployment/web --revision=2")
    assert out.startswith("deployment.apps/web with revision #2\nPod Template:\n  Labels:\tapp=web\n")
    assert "kubernetes.io/change-cause: image 1.27" in out and "Image:\tnginx:1.27" in out
    with pytest.raises(k8slab.KubectlError, match="unable to find the specified revision"):
        c.kubectl("rollout history deployment/web --revision=9")
    assert c.kubectl("rollout undo deployment/web") == "deployment.apps/web rolled back\n"
    assert c.run_until(lambda: converged(c) and c.get("deployments", "web")["metadata"]["annotations"][
        "deployment.kubernetes.io/revision"] == "3", timeout=200)
    # revision 1's ReplicaSet is the new one again, now revision 3, remembering it was 1
    rss = {r["metadata"]["annotations"]["deployment.kubernetes.io/revision"]: r for r in c.list("replicasets", "default")}
    assert sorted(rss) == ["2", "3"]
    assert rss["3"]["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"] == "1"
    assert rss["3"]["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"
    assert {p["spec"]["containers"][0]["image"] for p in pods_of(c) if not p["metadata"].get("deletionTimestamp")} \
        == {"nginx:1.26"}
    # the change-cause of revision 1 (none) was copied back: the deployment has no change-cause now
    assert "kubernetes.io/change-cause" not in c.get("deployments", "web")["metadata"]["annotations"]
    assert c.kubectl("rollout undo deployment/web --to-revision=3") == \
        "deployment.apps/web skipped rollback (current template already matches revision 3)\n"
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("rollout undo deployment/web --to-revision=1")
    assert str(e.value) == "error: unable to find specified revision 1 in history"
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("rollout undo deployment/nope")
    assert str(e.value) == 'Error from server (NotFound): deployments.apps "nope" not found'


def test_undo_without_history():
    c = k8slab.Cluster(seed=1, nodes=1)
    c.apply(manifest(replicas=1))
    c.run(20)
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("rollout undo deployment/web")
    assert str(e.value) == 'error: no rollout history found for deployment "web"'


def test_pause_holds_template_changes_until_resume():
    c = k8slab.Cluster(seed=2, nodes=2)
    c.apply(manifest())
    assert c.run_until(lambda: converged(c), timeout=120)
    assert c.kubectl("rollout pause deployment/web") == "deployment.apps/web paused\n"
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("rollout pause deployment/web")
    assert str(e.value) == 'error: deployments.apps "web" is already paused'
    set_image(c, "nginx:1.27")
    c.run(30)
    assert len(c.list("replicasets", "default")) == 1  # no rollout while paused
    cond = [x for x in c.get("deployments", "web")["status"]["conditions"] if x["type"] == "Progressing"][0]
    assert (cond["status"], cond["reason"], cond["message"]) == ("Unknown", "DeploymentPaused", "Deployment is paused")
    # scaling still works while paused
    c.kubectl("scale deployment web --replicas=4")
    c.run(10)
    assert len([p for p in pods_of(c) if not p["metadata"].get("deletionTimestamp")]) == 4
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("rollout undo deployment/web")
    assert "you cannot rollback a paused deployment" in str(e.value)
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("rollout restart deployment/web")
    assert str(e.value) == \
        'error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)'
    assert c.kubectl("rollout resume deployment/web") == "deployment.apps/web resumed\n"
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("rollout resume deployment/web")
    assert str(e.value) == 'error: deployments.apps "web" is not paused'
    c.run(1)
    assert c.run_until(lambda: converged(c), timeout=200)
    assert {p["spec"]["containers"][0]["image"] for p in pods_of(c) if not p["metadata"].get("deletionTimestamp")} \
        == {"nginx:1.27"}


def test_restart_rolls_every_pod():
    c = k8slab.Cluster(seed=3, nodes=2)
    c.apply(manifest())
    assert c.run_until(lambda: converged(c), timeout=120)
    before = {p["metadata"]["name"] for p in pods_of(c)}
    assert c.kubectl("rollout restart deployment/web") == "deployment.apps/web restarted\n"
    c.run(1)
    assert c.run_until(lambda: converged(c), timeout=200)
    after = {p["metadata"]["name"] for p in pods_of(c) if not p["metadata"].get("deletionTimestamp")}
    assert not before & after
    tmpl = c.get("deployments", "web")["spec"]["template"]["metadata"]
    assert "kubectl.kubernetes.io/restartedAt" in tmpl["annotations"]


def test_status_lines_and_progress_deadline():
    c = k8slab.Cluster(seed=4, nodes=2)
    c.apply(manifest(progressDeadlineSeconds=60))
    c.run(0.5)
    assert c.kubectl("rollout status deployment/web").startswith('Waiting for deployment "web" rollout to finish: ')
    assert c.run_until(lambda: converged(c), timeout=120)
    assert c.kubectl("rollout status deployment/web") == 'deployment "web" successfully rolled out\n'
    set_image(c, "nginx:9.9")  # no such tag: the new pod never becomes ready
    c.run(5)
    assert c.kubectl("rollout status deployment/web") == \
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n'
    t0 = c.now

    def timed_out():
        cond = [x for x in c.get("deployments", "web")["status"]["conditions"] if x["type"] == "Progressing"][0]
        return cond["reason"] == "ProgressDeadlineExceeded"

    assert c.run_until(timed_out, timeout=200, poll=0.5)
    assert 55 <= c.now - t0 <= 70
    d = c.get("deployments", "web")
    cond = [x for x in d["status"]["conditions"] if x["type"] == "Progressing"][0]
    new_rs = [r for r in c.list("replicasets", "default")
              if r["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:9.9"][0]
    assert cond["status"] == "False"
    assert cond["message"] == f'ReplicaSet "{new_rs["metadata"]["name"]}" has timed out progressing.'
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("rollout status deployment/web")
    assert str(e.value) == 'error: deployment "web" exceeded its progress deadline'
    # the old pods keep serving: maxUnavailable 25% of 3 is 0
    assert sum(1 for p in pods_of(c) if ready(p)) == 3
    # rolling back gets it progressing again
    c.kubectl("rollout undo deployment/web")
    assert c.run_until(lambda: converged(c), timeout=200)
    cond = [x for x in c.get("deployments", "web")["status"]["conditions"] if x["type"] == "Progressing"][0]
    assert (cond["status"], cond["reason"]) == ("True", "NewReplicaSetAvailable")


def test_min_ready_seconds_delays_availability():
    c = k8slab.Cluster(seed=5, nodes=2)
    c.apply(manifest(replicas=2, minReadySeconds=20))
    assert c.run_until(lambda: c.get("deployments", "web")["status"].get("readyReplicas", 0) == 2, timeout=60,
                       poll=0.5)
    t_ready = c.now
    st = c.get("deployments", "web")["status"]
    assert st.get("availableReplicas", 0) == 0
    assert c.run_until(lambda: c.get("deployments", "web")["status"].get("availableReplicas", 0) == 2, timeout=60,
                       poll=0.5)
    assert 15 <= c.now - t_ready <= 22


def test_recreate_never_overlaps():
    c = k8slab.Cluster(seed=6, nodes=2)
    m = manifest(replicas=3)
    m["spec"]["strategy"] = {"type": "Recreate"}
    c.apply(m)
    assert c.run_until(lambda: converged(c), timeout=120)
    set_image(c, "nginx:1.27")
    end = c.now + 200
    while c.now < end and not (converged(c) and c.now > end - 190):
        c.step()
        images = {p["spec"]["containers"][0]["image"] for p in pods_of(c) if p["status"].get("phase") == "Running"}
        assert len(images) <= 1
    assert c.run_until(lambda: converged(c), timeout=120)


def test_rollout_errors():
    c = k8slab.Cluster(seed=7, nodes=1)
    with pytest.raises(k8slab.KubectlError, match="You must provide one or more resources"):
        c.kubectl("rollout status")
    with pytest.raises(k8slab.KubectlError) as e:
        c.kubectl("rollout bogus deployment/web")
    assert str(e.value) == 'error: unknown command "bogus" for "kubectl rollout"'
