"""The simulated registry: reference normalisation, lookups, containerd's pull errors."""

import pytest

from k8slab.node.images import REGISTRY, SANDBOX_IMAGE, ImageNotFound, lookup, parse_image


@pytest.mark.parametrize("image, normalized", [
    ("nginx", "docker.io/library/nginx:latest"),
    ("nginx:1.14.2", "docker.io/library/nginx:1.14.2"),
    ("library/nginx:1.27", "docker.io/library/nginx:1.27"),
    ("docker.io/nginx", "docker.io/library/nginx:latest"),
    ("index.docker.io/library/busybox:1.36", "docker.io/library/busybox:1.36"),
    ("bitnami/redis:7.2", "docker.io/bitnami/redis:7.2"),
    ("registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10"),
    ("registry.k8s.io/e2e-test-images/agnhost:2.53", "registry.k8s.io/e2e-test-images/agnhost:2.53"),
    ("localhost:5000/app", "localhost:5000/app:latest"),
    ("localhost/app:v1", "localhost/app:v1"),
])
def test_normalisation(image, normalized):
    assert parse_image(image).normalized == normalized


@pytest.mark.parametrize("image, message", [
    ("Nginx", "invalid reference format: repository name (library/Nginx) must be lowercase"),
    ("nginx:", "invalid reference format"),
    ("a b", "invalid reference format"),
    ("", "invalid reference format"),
])
def test_invalid_references(image, message):
    with pytest.raises(ValueError) as e:
        parse_image(image)
    assert str(e.value) == message


def test_aliases_share_one_image_and_digest():
    _, latest = lookup("nginx")
    _, v127 = lookup("nginx:1.27")
    _, full = lookup("docker.io/library/nginx:1.27.3")
    assert latest is v127 is full
    assert latest.digest.startswith("sha256:") and len(latest.digest) == 71
    assert latest.repo_digest == "docker.io/library/nginx@" + latest.digest
    _, old = lookup("nginx:1.14.2")
    assert old.digest != latest.digest and old.size < latest.size


def test_lookup_by_digest():
    _, info = lookup("nginx:1.14.2")
    ref, by_digest = lookup("nginx@" + info.digest)
    assert by_digest is info and ref.normalized == "docker.io/library/nginx@" + info.digest


@pytest.mark.parametrize("image, code, message", [
    ("nginx:doesnotexist", "NotFound",
     'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:doesnotexist": '
     'failed to resolve reference "docker.io/library/nginx:doesnotexist": docker.io/library/nginx:doesnotexist: '
     "not found"),
    ("nosuchimage", "Unknown",
     'failed to pull and unpack image "docker.io/library/nosuchimage:latest": failed to resolve reference '
     '"docker.io/library/nosuchimage:latest": pull access denied, repository does not exist or may require '
     "authorization: server message: insufficient_scope: authorization failed"),
    ("quay.io/nobody/app:1", "NotFound",
     'rpc error: code = NotFound desc = failed to pull and unpack image "quay.io/nobody/app:1": failed to resolve '
     'reference "quay.io/nobody/app:1": quay.io/nobody/app:1: not found'),
])
def test_pull_errors_are_containerds(image, code, message):
    with pytest.raises(ImageNotFound) as e:
        lookup(image)
    assert e.value.code == code
    assert e.value.message == message


def test_registry_has_the_course_images():
    for image in ("nginx:1.14.2", "nginx:1.27", "nginx:latest", "busybox", "busybox:1.36", "httpd:2.4", "redis:7",
                  SANDBOX_IMAGE, "registry.k8s.io/e2e-test-images/agnhost:2.53", "alpine:3.20", "ubuntu:22.04"):
        ref, info = lookup(image)
        assert info.size > 0 and ref.normalized.startswith(info.name)
    for repo, tags in REGISTRY.items():
        for tag, info in tags.items():
            assert info.name == repo and tag in info.tags
