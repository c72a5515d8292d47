"""kube-proxy's rule table (node/proxy.py): chain names, probabilities, lag, IPVS."""

import random

import pytest

from k8slab.node import proxy as kp
from svc_fixtures import cluster_with_web


@pytest.mark.parametrize("spn, proto, chain", [
    # well-known names every kubeadm cluster has
    ("default/kubernetes:https", "tcp", "KUBE-SVC-NPX46M4PTMTKRN6Y"),
    ("kube-system/kube-dns:dns", "udp", "KUBE-SVC-TCOU7JCQXEZGVUNU"),
    ("kube-system/kube-dns:dns-tcp", "tcp", "KUBE-SVC-ERIFXISQEP7F7OF4"),
    ("kube-system/kube-dns:metrics", "tcp", "KUBE-SVC-JD5MR3NA4I4DYORP"),
])
def test_service_chain_names(spn, proto, chain):
    assert kp.service_port_chain_name(spn, proto) == chain


def test_endpoint_chain_name_is_hash_of_endpoint():
    a = kp.service_port_endpoint_chain_name("default/web:http", "tcp", "10.244.1.2:80")
    b = kp.service_port_endpoint_chain_name("default/web:http", "tcp", "10.244.1.3:80")
    assert a.startswith("KUBE-SEP-") and len(a) == len("KUBE-SEP-") + 16 and a != b


@pytest.mark.parametrize("n, probs", [
    (1, []),
    (2, ["0.50000000000"]),
    (3, ["0.33333333349", "0.50000000000"]),
    (4, ["0.25000000000", "0.33333333349", "0.50000000000"]),
])
def test_probability_chain(n, probs):
    assert [kp.iptables_probability_text(n - i) for i in range(n - 1)] == probs
    # every endpoint gets 1/n of new connections
    share, left = [], 1.0
    for i in range(n):
        p = kp.iptables_probability(n - i) if i < n - 1 else 1.0
        share.append(left * p)
        left *= 1 - p
    assert all(abs(s - 1 / n) < 1e-9 for s in share)


@pytest.mark.parametrize("replicas", [1, 2, 3, 4])
def test_rule_table_for_n_endpoints(replicas):
    c = cluster_with_web(replicas)
    p = c.proxies["node-1"]
    svc = c.get("services", "web")
    chain = kp.service_port_chain_name("default/web:http", "tcp")
    text = p.iptables_save()
    ip = svc["spec"]["clusterIP"]
    assert (f'-A KUBE-SERVICES -d {ip}/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp '
            f"--dport 80 -j {chain}") in text
    jumps = [ln for ln in text.splitlines() if ln.startswith(f"-A {chain} -m comment")]
    assert len(jumps) == replicas
    for i, ln in enumerate(jumps):
        if i < replicas - 1:
            assert f"--probability {kp.iptables_probability_text(replicas - i)}" in ln
        else:
            assert "statistic" not in ln
        ep = ln.split('-> ')[1].split('"')[0]
        sep = kp.service_port_endpoint_chain_name("default/web:http", "tcp", ep)
        assert ln.endswith(f"-j {sep}")
        assert f"-A {sep} -p tcp -m comment --comment \"default/web:http\" -m tcp -j DNAT --to-destination {ep}" in text
    df = p.rules_table()
    assert df[df.service == "default/web:http"]["share"].round(3).tolist() == [round(1 / replicas, 3)] * replicas


def test_no_endpoints_reject_and_sync_lag():
    c = cluster_with_web(2)
    p = c.proxies["node-1"]
    assert len(p.lookup(c.get("services", "web")["spec"]["clusterIP"], 80).endpoints) == 2
    c.kubectl("scale deployment web --replicas=0")
    c.run(40)
    assert "default/web:http has no endpoints" in p.iptables_save("filter")
    # the rules lag the EndpointSlice: at most one sync per minSyncPeriod
    c.kubectl("scale deployment web --replicas=1")
    t0 = c.now
    seen_slice = None
    while c.now < t0 + 30:
        c.step()
        eps = [e for s in c.list("endpointslices", "default") if s["metadata"]["name"].startswith("web-")
               for e in s["endpoints"] if e["conditions"]["ready"]]
        if eps and seen_slice is None:
            seen_slice = c.now
        if seen_slice is not None and p.lookup(c.get("services", "web")["spec"]["clusterIP"], 80).cluster_endpoints():
            break
    assert seen_slice is not None
    assert c.now >= seen_slice  # rules follow the slice, never lead it
    gaps = [b[0] - a[0] for a, b in zip(p.syncs, p.syncs[1:])]
    assert all(g >= kp.MIN_SYNC_PERIOD - 1e-9 for g in gaps)


def test_ipvs_round_robin():
    c = cluster_with_web(3)
    p = kp.KubeProxy(c._context("kube-proxy-ipvs", host="node-1"), "node-1", mode="ipvs")
    p.start()
    c.run(2)
    ip = c.get("services", "web")["spec"]["clusterIP"]
    picks = [p.route(ip, 80, random.Random(0))[1].ip for _ in range(6)]
    assert picks[:3] == picks[3:] and len(set(picks[:3])) == 3
    assert f"TCP  {ip}:80 rr" in p.ipvsadm()


def test_session_affinity_client_ip():
    c = cluster_with_web(3)
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
             "spec": {"selector": {"app": "web"}, "sessionAffinity": "ClientIP",
                      "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}})
    c.run(2)
    p = c.proxies["node-1"]
    ip = c.get("services", "web")["spec"]["clusterIP"]
    rng = random.Random(1)
    picks = {p.route(ip, 80, rng, client_ip="10.244.1.9")[1].ip for _ in range(20)}
    assert len(picks) == 1
    assert "-m recent --name KUBE-SEP-" in p.iptables_save()
