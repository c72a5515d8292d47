"""k8slab: a faithful, deterministic simulation of a Kubernetes v1.32 cluster, for learning.

The public names are loaded on first use, so importing one subpackage (``k8slab.etcd``)
does not pull in the whole cluster.
"""

__version__ = "0.1.0"

_EXPORTS = {
    "Cluster": ("k8slab.cluster", "Cluster"),
    "ApiError": ("k8slab.api.errors", "ApiError"),
    "KubectlError": ("k8slab.kubectl.errors", "KubectlError"),
    "parse_quantity": ("k8slab.api.quantity", "parse_quantity"),
    "parse_selector": ("k8slab.api.selector", "parse_selector"),
}


def __getattr__(name: str):
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'k8slab' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_EXPORTS))


__all__ = ["Cluster", "ApiError", "KubectlError", "parse_quantity", "parse_selector", "__version__"]
