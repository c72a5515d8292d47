"""The simulated image registry: which images exist, their sizes, digests and default commands.

A pull in k8slab never touches the network: :class:`~k8slab.node.runtime.ContainerRuntime`
looks the reference up here. A repository that is not listed, or a tag a listed
repository does not have, fails to pull with the error text containerd gives for it.

Image references are normalised as the container runtime does it
(upstream: github.com/distribution/reference ``ParseNormalizedNamed`` /
``TagNameOnly``): ``nginx`` is ``docker.io/library/nginx:latest``, ``bitnami/redis`` is
``docker.io/bitnami/redis:latest``, a reference with a registry host keeps it.

Sizes are *simulated*: close to the compressed linux/amd64 sizes of the real images
(what containerd reports as the image size in the kubelet's ``Pulled`` event and in
``Node.status.images``), but not measured. Digests are *simulated* too: a stable sha256
derived from the reference, so they look like digests and never change between runs,
but they are not the registries' real digests. Tags that are aliases of each other
(``nginx:latest``, ``nginx:1.27``, ``nginx:1.27.3``) share one image and one digest,
as on the registry.

``entrypoint``/``cmd`` are the image's ENTRYPOINT and CMD; the runtime uses them (with
the container's ``command``/``args``) to decide what the simulated process does.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

__all__ = ["ImageRef", "ImageInfo", "REGISTRY", "parse_image", "lookup", "ImageNotFound", "DEFAULT_TAG",
           "SANDBOX_IMAGE"]

#: upstream: github.com/distribution/reference normalize.go
DEFAULT_DOMAIN = "docker.io"
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
OFFICIAL_REPO_PREFIX = "library/"
DEFAULT_TAG = "latest"

#: the sandbox ("pause") image kubeadm v1.32 configures; preloaded on every node
SANDBOX_IMAGE = "registry.k8s.io/pause:3.10"

# upstream: github.com/distribution/reference regexp.go
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
_REFERENCE = re.compile(rf"^((?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)(?::({_TAG}))?(?:@({_DIGEST}))?$")
_ANCHORED_DOMAIN = re.compile(rf"^{_DOMAIN}$")


@dataclass(frozen=True)
class ImageRef:
    """A parsed, normalised image reference."""

    domain: str
    path: str
    tag: str = ""
    digest: str = ""

    @property
    def name(self) -> str:
        """``docker.io/library/nginx``: the repository, fully qualified."""
        return f"{self.domain}/{self.path}"

    @property
    def normalized(self) -> str:
        """``docker.io/library/nginx:1.14.2`` (the default tag applied when there is neither tag nor digest)."""
        if self.digest and not self.tag:
            return f"{self.name}@{self.digest}"
        return f"{self.name}:{self.tag or DEFAULT_TAG}"


def parse_image(image: str) -> ImageRef:
    """Parse and normalise ``image`` as containerd does; ValueError("invalid reference format") when bad.

    upstream: github.com/distribution/reference normalize.go ``ParseNormalizedNamed``,
    ``splitDockerDomain``.
    """
    if not isinstance(image, str) or not image or len(image) > 255 + 128 + 200:
        raise ValueError("invalid reference format")
    # splitDockerDomain
    i = image.find("/")
    if i == -1 or (not any(ch in image[:i] for ch in ".:") and image[:i] != "localhost"
                   and image[:i].lower() == image[:i]):
        domain, remainder = DEFAULT_DOMAIN, image
    else:
        domain, remainder = image[:i], image[i + 1:]
    if domain == LEGACY_DEFAULT_DOMAIN:
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in remainder.split(":", 1)[0].split("@", 1)[0]:
        remainder = OFFICIAL_REPO_PREFIX + remainder
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        raise ValueError(f"invalid reference format: repository name ({remote}) must be lowercase")
    if not _ANCHORED_DOMAIN.match(domain):
        raise ValueError("invalid reference format")
    m = _REFERENCE.match(f"{domain}/{remainder}")
    if not m:
        raise ValueError("invalid reference format")
    full, tag, digest = m.group(1), m.group(2) or "", m.group(3) or ""
    if len(full) > 255:
        raise ValueError("repository name must not be more than 255 characters")
    return ImageRef(domain, full[len(domain) + 1:], tag, digest)


class ImageNotFound(Exception):
    """A pull that cannot succeed: ``message`` is the runtime's error, ``code`` its gRPC code."""

    def __init__(self, message: str, code: str = "NotFound"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ImageInfo:
    """One image on the simulated registry (all of its tags share it)."""

    name: str                       # docker.io/library/nginx
    version: str                    # the canonical tag, e.g. 1.27.3
    size: int                       # bytes, simulated compressed linux/amd64 size
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default=())  # every tag that points at it (including version)

    @property
    def digest(self) -> str:
        """The (simulated) manifest digest: ``sha256:<64 hex>``."""
        return "sha256:" + hashlib.sha256(f"k8slab-manifest:{self.name}:{self.version}".encode()).hexdigest()

    @property
    def image_id(self) -> str:
        """The (simulated) config digest containerd uses as the image id: ``sha256:<64 hex>``."""
        return "sha256:" + hashlib.sha256(f"k8slab-config:{self.name}:{self.version}".encode()).hexdigest()

    @property
    def repo_digest(self) -> str:
        """``docker.io/library/nginx@sha256:...``: what pods report as ``imageID``."""
        return f"{self.name}@{self.digest}"


def _repo(name: str, images: list[tuple[str, int, tuple[str, ...]]], entrypoint: tuple[str, ...] = (),
          cmd: tuple[str, ...] = ()) -> dict[str, ImageInfo]:
    """Tag -> image for one repository; ``images`` lists (version, size, aliases)."""
    out: dict[str, ImageInfo] = {}
    for version, size, aliases in images:
        info = ImageInfo(name, version, size, entrypoint, cmd, (version,) + aliases)
        for t in info.tags:
            out[t] = info
    return out


_SH = ("sh",)
#: repository -> tag -> image. Sizes in bytes (simulated; see the module docstring).
REGISTRY: dict[str, dict[str, ImageInfo]] = {
    "docker.io/library/nginx": {
        **_repo("docker.io/library/nginx", [
            ("1.14.2", 44_710_204, ("1.14",)),
            ("1.16.1", 51_030_575, ("1.16",)),
            ("1.19.10", 53_594_440, ("1.19",)),
            ("1.23.4", 57_001_234, ("1.23",)),
            ("1.25.5", 70_545_870, ("1.25",)),
            ("1.26.2", 72_093_164, ("1.26", "stable")),
            ("1.27.3", 72_950_530, ("1.27", "mainline", "latest")),
        ], ("/docker-entrypoint.sh",), ("nginx", "-g", "daemon off;")),
        **_repo("docker.io/library/nginx", [
            ("1.27.3-alpine", 20_502_112, ("1.27-alpine", "mainline-alpine", "alpine")),
            ("1.26.2-alpine", 20_330_846, ("1.26-alpine", "stable-alpine")),
        ], ("/docker-entrypoint.sh",), ("nginx", "-g", "daemon off;")),
    },
    "docker.io/library/busybox": _repo("docker.io/library/busybox", [
        ("1.28.4", 727_869, ("1.28",)),
        ("1.35.0", 2_220_127, ("1.35",)),
        ("1.36.1", 2_159_040, ("1.36",)),
        ("1.37.0", 2_167_176, ("1.37", "stable", "latest")),
    ], (), _SH),
    "docker.io/library/httpd": {
        **_repo("docker.io/library/httpd", [("2.4.62", 58_363_112, ("2.4", "2", "latest"))], (),
                ("httpd-foreground",)),
        **_repo("docker.io/library/httpd", [("2.4.62-alpine", 21_960_312, ("2.4-alpine", "alpine"))], (),
                ("httpd-foreground",)),
    },
    "docker.io/library/redis": {
        **_repo("docker.io/library/redis", [
            ("6.2.16", 40_127_334, ("6.2", "6")),
            ("7.2.6", 42_530_118, ("7.2",)),
            ("7.4.1", 45_003_002, ("7.4", "7", "latest")),
        ], ("docker-entrypoint.sh",), ("redis-server",)),
        **_repo("docker.io/library/redis", [("7.4.1-alpine", 17_204_662, ("7.4-alpine", "7-alpine", "alpine"))],
                ("docker-entrypoint.sh",), ("redis-server",)),
    },
    "docker.io/library/alpine": _repo("docker.io/library/alpine", [
        ("3.19.4", 3_418_736, ("3.19",)),
        ("3.20.3", 3_625_904, ("3.20",)),
        ("3.21.0", 3_645_216, ("3.21", "3", "latest")),
    ], (), ("/bin/sh",)),
    "docker.io/library/ubuntu": _repo("docker.io/library/ubuntu", [
        ("22.04", 29_537_810, ("jammy",)),
        ("24.04", 29_754_290, ("noble", "latest")),
    ], (), ("/bin/bash",)),
    "registry.k8s.io/pause": _repo("registry.k8s.io/pause", [
        ("3.9", 321_520, ()),
        ("3.10", 320_368, ()),
    ], ("/pause",)),
    "registry.k8s.io/e2e-test-images/agnhost": _repo("registry.k8s.io/e2e-test-images/agnhost", [
        ("2.39", 51_105_200, ()),
        ("2.40", 51_137_888, ()),
        ("2.52", 51_241_377, ()),
        ("2.53", 51_270_610, ()),
    ], ("/agnhost",)),
    "registry.k8s.io/busybox": _repo("registry.k8s.io/busybox", [
        ("1.27.2", 1_144_547, ("latest",)),
    ], (), _SH),
    "docker.io/polinux/stress": _repo("docker.io/polinux/stress", [
        ("1.0.4", 4_020_114, ("latest",)),
    ], (), ("stress", "--help")),
    "registry.k8s.io/echoserver": _repo("registry.k8s.io/echoserver", [
        ("1.10", 46_341_112, ()),
    ], (), ("/usr/local/bin/run.sh",)),
    "docker.io/kicbase/echo-server": _repo("docker.io/kicbase/echo-server", [
        ("1.0", 2_523_190, ("latest",)),
    ], ("/echo-server",)),
    "gcr.io/google-samples/hello-app": _repo("gcr.io/google-samples/hello-app", [
        ("1.0", 4_732_102, ()),
        ("2.0", 4_732_988, ()),
    ], (), ("/hello-app",)),
    "us-docker.pkg.dev/google-samples/containers/gke/hello-app": _repo(
        "us-docker.pkg.dev/google-samples/containers/gke/hello-app", [
            ("1.0", 4_732_102, ()),
            ("2.0", 4_732_988, ()),
        ], (), ("/hello-app",)),
}


def lookup(image: str) -> tuple[ImageRef, ImageInfo]:
    """The registry's image for ``image``; raises :class:`ImageNotFound` with containerd's message.

    upstream (message shapes): containerd's CRI PullImage, ``failed to pull and unpack
    image``, ``failed to resolve reference``; the kubelet keeps the gRPC status prefix
    for NotFound errors and strips it for Unknown ones
    (pkg/kubelet/cri/remote/remote_image.go ``PullImage``).
    """
    try:
        ref = parse_image(image)
    except ValueError as e:
        raise ImageNotFound(f"failed to pull and unpack image \"{image}\": {e}", "InvalidArgument")
    full = ref.normalized
    repo = REGISTRY.get(ref.name)
    if repo is None:
        if ref.domain == DEFAULT_DOMAIN:
            # Docker Hub answers 401 insufficient_scope for a repository that does not exist.
            raise ImageNotFound(
                f'failed to pull and unpack image "{full}": failed to resolve reference "{full}": '
                "pull access denied, repository does not exist or may require authorization: "
                "server message: insufficient_scope: authorization failed", "Unknown")
        raise ImageNotFound(
            f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": '
            f'failed to resolve reference "{full}": {full}: not found')
    if ref.digest and not ref.tag:
        for info in repo.values():
            if info.digest == ref.digest:
                return ref, info
        raise ImageNotFound(
            f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": '
            f'failed to resolve reference "{full}": {full}: not found')
    info = repo.get(ref.tag or DEFAULT_TAG)
    if info is None or (ref.digest and ref.digest != info.digest):
        raise ImageNotFound(
            f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": '
            f'failed to resolve reference "{full}": {full}: not found')
    return ref, info
