"""`kubectl get` columns for the config, RBAC, policy and scheduling kinds (printers.go)."""

import k8slab


def test_columns_for_more_kinds():
    c = k8slab.Cluster(seed=0, nodes=1)
    c.apply([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1", "b": "2"}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "Opaque", "data": {"k": "dg=="}},
        {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "pdb"},
         "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}}},
        {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"}, "value": 1000},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "rb"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
         "subjects": [{"kind": "ServiceAccount", "name": "viewer", "namespace": "default"},
                      {"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"}]},
    ])
    c.run(5)
    assert c.kubectl("get cm cfg").splitlines() == ["NAME   DATA   AGE", "cfg    2      5s"]
    assert c.kubectl("get secret s").splitlines() == ["NAME   TYPE     DATA   AGE", "s      Opaque   1      5s"]
    assert c.kubectl("get pdb pdb").splitlines() == [
        "NAME   MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE",
        "pdb    2               N/A               0                     5s"]
    assert c.kubectl("get priorityclass high").splitlines() == [
        "NAME   VALUE   GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY",
        "high   1000    false            5s    PreemptLowerPriority"]
    assert c.kubectl("get rolebinding rb -o wide").splitlines() == [
        "NAME   ROLE               AGE   USERS   GROUPS   SERVICEACCOUNTS",
        "rb     ClusterRole/view   5s    jane             default/viewer"]
