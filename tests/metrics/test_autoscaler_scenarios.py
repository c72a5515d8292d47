"""Cluster autoscaler: scale-up after the provisioning delay, scale-down after the unneeded time."""

import k8slab

BIG = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: big}
spec:
  replicas: 4
  selector: {matchLabels: {app: big}}
  template:
    metadata: {labels: {app: big}}
    spec:
      containers:
      - name: c
        image: nginx:1.27
        resources: {requests: {cpu: "1", memory: 256Mi}}
"""


def test_scale_up_and_down_timings():
    c = k8slab.Cluster(seed=0, nodes=1)
    g = c.add_node_group("pool", 0, 5, cpu="2", memory="4Gi", provisioning_delay=60)
    c.apply(BIG)
    c.run(65)
    assert g.nodes == []            # the scan at 10 s asked for a node; it arrives 60 s later
    c.run(10)
    assert g.nodes == ["pool-1"]
    c.run(60)
    pods = c.list("pods", "default")
    assert all(p["status"].get("phase") == "Running" for p in pods)
    ev = c.kubectl("get events --field-selector reason=TriggeredScaleUp")
    assert "pod triggered scale-up: [{pool 0->1 (max: 5)}]" in ev
    c.kubectl("scale deployment big --replicas=1")
    c.run(300)
    assert g.nodes == ["pool-1"]    # unneeded, but not for 10 minutes yet
    c.run(600)
    assert g.nodes == []
    assert c.nodes == ["node-1"]
    df = c.autoscaler.frame()
    assert list(df["action"]) == ["ScaleUp", "NodeAdded", "ScaleDown"]
    assert df["time"].iloc[2] - df["time"].iloc[1] >= 600


def test_max_size_reached_does_not_trigger():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.add_node_group("tiny", 0, 1, cpu="2", memory="4Gi", provisioning_delay=30)
    c.apply(BIG.replace("replicas: 4", "replicas: 6"))
    c.run(200)
    assert c.nodes == ["node-1", "tiny-1"]
    ev = c.kubectl("get events --field-selector reason=NotTriggerScaleUp")
    assert "pod didn't trigger scale-up: 1 max node group size reached" in ev
