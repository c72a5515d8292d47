"""Authentication: who is making a request, from its bearer token.

upstream: staging/src/k8s.io/apiserver/pkg/authentication (user.Info, the bearer-token
request authenticator, the "system:authenticated" group), plugin/pkg/auth/authenticator/
token/tokenfile (static tokens) and pkg/serviceaccount/jwt.go + claims.go (ServiceAccount
tokens issued by the TokenRequest API, ``serviceaccounts/<name>/token``).

Simplifications: ServiceAccount tokens are JWTs signed with HS256 and a key drawn from
the cluster's seeded RNG (upstream signs RS256 with the service-account key pair); a
token is valid while its ServiceAccount exists with the same uid and the virtual clock
is before ``exp``. No client certificates, no OIDC, no anonymous access (a request
without a token is ``401 Unauthorized``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field

from ..api import errors
from ..api import meta as metautil

AUDIENCE = "https://kubernetes.default.svc.cluster.local"
ISSUER = "https://kubernetes.default.svc.cluster.local"

#: upstream: staging/src/k8s.io/apiserver/pkg/authentication/user/user.go
SYSTEM_MASTERS = "system:masters"
ALL_AUTHENTICATED = "system:authenticated"
ADMIN_USER = "kubernetes-admin"


@dataclass(frozen=True)
class UserInfo:
    """user.Info: name, uid, groups."""

    name: str
    uid: str = ""
    groups: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    def to_json(self) -> dict:
        d = {"username": self.name, "groups": list(self.groups)}
        if self.uid:
            d["uid"] = self.uid
        return d


def admin_user() -> UserInfo:
    """The identity in the kubeconfig that ``serve()`` writes (as kubeadm's kubernetes-admin)."""
    return UserInfo(ADMIN_USER, groups=(SYSTEM_MASTERS, ALL_AUTHENTICATED))


def service_account_user(namespace: str, name: str, uid: str = "") -> UserInfo:
    """upstream: pkg/serviceaccount/util.go UserInfo: the SA's username and groups."""
    return UserInfo(f"system:serviceaccount:{namespace}:{name}", uid,
                    ("system:serviceaccounts", f"system:serviceaccounts:{namespace}", ALL_AUTHENTICATED))


def unauthorized() -> errors.ApiError:
    """401 as upstream's unauthorized handler answers (staging/.../endpoints/handlers/responsewriters)."""
    return errors.ApiError(401, "Unauthorized", "Unauthorized")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class Authenticator:
    """Bearer-token authentication: static tokens plus ServiceAccount JWTs.

    ``server`` is the APIServer (ServiceAccounts are looked up in its store); ``key`` the
    HMAC key for ServiceAccount tokens.
    """

    def __init__(self, server, key: bytes):
        self.server = server
        self._key = key
        self.static: dict[str, UserInfo] = {}

    def add_token(self, token: str, user: UserInfo) -> None:
        """A static token (as ``--token-auth-file`` lines)."""
        self.static[token] = user

    # ------------------------------------------------------------ TokenRequest
    def issue(self, namespace: str, sa: dict, expiration_seconds: int = 3600, audiences: list | None = None) -> tuple[str, float]:
        """Sign a ServiceAccount token; returns (token, expiry in virtual seconds)."""
        now = self.server.kernel.now
        exp = now + expiration_seconds
        md = sa["metadata"]
        claims = {
            "aud": list(audiences or [AUDIENCE]),
            "exp": int(exp), "iat": int(now), "nbf": int(now), "iss": ISSUER,
            "kubernetes.io": {"namespace": namespace, "serviceaccount": {"name": md["name"], "uid": md.get("uid", "")}},
            "sub": f"system:serviceaccount:{namespace}:{md['name']}",
        }
        header = _b64(json.dumps({"alg": "HS256", "kid": "k8slab"}, separators=(",", ":")).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
        sig = _b64(hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
        return f"{header}.{payload}.{sig}", exp

    def token_request(self, namespace: str, name: str, body: dict | None) -> dict:
        """POST serviceaccounts/<name>/token: a TokenRequest with status.token filled in.

        upstream: pkg/registry/core/serviceaccount/storage/token.go (expirationSeconds
        defaults to 3600 and must be at least 600).
        """
        body = body or {}
        spec = dict(body.get("spec") or {})
        exp = spec.get("expirationSeconds", 3600)
        if not isinstance(exp, int) or exp < 600:
            raise errors.invalid_object("TokenRequest", "authentication.k8s.io", name, [
                errors.invalid("spec.expirationSeconds", exp, "may not specify a duration less than 10 minutes")])
        sa = self.server.get("serviceaccounts", namespace, name, source="kube-apiserver")
        token, expiry = self.issue(namespace, sa, exp, spec.get("audiences"))
        spec.setdefault("audiences", [AUDIENCE])
        spec["expirationSeconds"] = exp
        return {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
                "metadata": {"name": name, "namespace": namespace, "creationTimestamp": None},
                "spec": spec, "status": {"token": token, "expirationTimestamp": metautil.rfc3339(expiry)}}

    # ------------------------------------------------------------ authenticate
    def authenticate_token(self, token: str) -> UserInfo | None:
        """The user a token names, or None when it is unknown, forged or expired."""
        if not token:
            return None
        user = self.static.get(token)
        if user is not None:
            return user
        parts = token.split(".")
        if len(parts) != 3:
            return None
        want = _b64(hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(want, parts[2]):
            return None
        try:
            claims = json.loads(_unb64(parts[1]))
            k = claims["kubernetes.io"]
            ns, name, uid = k["namespace"], k["serviceaccount"]["name"], k["serviceaccount"]["uid"]
        except (ValueError, KeyError, TypeError):
            return None
        if self.server.kernel.now >= claims.get("exp", 0):
            return None
        # pkg/serviceaccount/claims.go: the ServiceAccount must still exist with that uid
        sa = self.server.peek("serviceaccounts", ns, name) if hasattr(self.server, "peek") else None
        if sa is None:
            try:
                sa = self.server.get("serviceaccounts", ns, name, source="kube-apiserver/authn")
            except errors.ApiError:
                return None
        if sa["metadata"].get("uid") != uid:
            return None
        return service_account_user(ns, name, uid)

    def authenticate(self, authorization_header: str | None) -> UserInfo:
        """The request's user from ``Authorization: Bearer <token>``; 401 otherwise."""
        h = (authorization_header or "").strip()
        if not h.lower().startswith("bearer "):
            raise unauthorized()
        user = self.authenticate_token(h[7:].strip())
        if user is None:
            raise unauthorized()
        return user
