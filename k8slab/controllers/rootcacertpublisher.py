"""The root-ca-cert-publisher controller: ``kube-root-ca.crt`` in every namespace.

upstream: pkg/controller/certificates/rootcacertpublisher/publisher.go. It watches
Namespaces and ConfigMaps named ``kube-root-ca.crt``; for every Active namespace it makes
sure the ConfigMap exists with the cluster's root CA under ``ca.crt`` (creating it, or
putting ``data`` back when someone changed it). Pods read it through the projected
``kube-api-access-*`` volume the ServiceAccount admission plugin adds.

Simplification: the simulated cluster has no CA, so ``ca.crt`` holds a placeholder text
that says so (apiserver/admission.py ROOT_CA_PLACEHOLDER); the upstream annotation
``kubernetes.io/description`` is not set. The API server's bootstrap creates the
ConfigMap in the four namespaces a cluster starts with.
"""

from __future__ import annotations

import json

from ..api.errors import ApiError
from ..apiserver.admission import ROOT_CA_CONFIGMAP, root_ca_configmap
from ..client.context import ComponentContext


class RootCACertPublisher:
    def __init__(self, ctx: ComponentContext):
        self.ctx = ctx
        self.namespaces = ctx.informer("namespaces")
        self.configmaps = ctx.informer("configmaps")
        self.queue = ctx.workqueue("root-ca-cert-publisher", self.sync)

    def start(self) -> None:
        self.namespaces.add_handler(self._namespace, lambda old, new: self._namespace(new), None)
        self.configmaps.add_handler(None, lambda old, new: self._configmap(new), self._configmap)
        self.configmaps.start()
        self.namespaces.start()

    def _namespace(self, ns: dict) -> None:
        self.queue.add(ns["metadata"]["name"])

    def _configmap(self, cm: dict) -> None:
        if cm["metadata"]["name"] == ROOT_CA_CONFIGMAP:
            self.queue.add(cm["metadata"].get("namespace", ""))

    def sync(self, name: str) -> None:
        """syncNamespace."""
        ns = self.namespaces.get(name)
        if ns is None or (ns.get("status") or {}).get("phase", "Active") != "Active" \
                or ns["metadata"].get("deletionTimestamp"):
            return
        want = root_ca_configmap()
        cm = self.configmaps.get(f"{name}/{ROOT_CA_CONFIGMAP}")
        try:
            if cm is None:
                want["metadata"]["namespace"] = name
                self.ctx.client.create("configmaps", want, name)
            elif cm.get("data") != want["data"]:
                cm = json.loads(json.dumps(cm))
                cm["data"] = want["data"]
                self.ctx.client.update("configmaps", cm)
        except ApiError as e:
            if e.code not in (409, 403, 404):
                self.queue.add_rate_limited(name)
                return
        self.queue.forget(name)
