"""A small raw-HTTP client for the served API (tests only)."""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.parse


class Raw:
    """Send requests to a served cluster and get (status, headers, decoded body)."""

    def __init__(self, srv, token: str | None = None):
        self.srv = srv
        self.token = srv.token if token is None else token
        u = urllib.parse.urlsplit(srv.url)
        self.host, self.port, self.tls = u.hostname, u.port, u.scheme == "https"

    def conn(self):
        if self.tls:
            ctx = ssl.create_default_context(cafile=self.srv.ca_file)
            return http.client.HTTPSConnection(self.host, self.port, context=ctx, timeout=10)
        return http.client.HTTPConnection(self.host, self.port, timeout=10)

    def request(self, method: str, path: str, body=None, content_type: str = "application/json",
                headers: dict | None = None, token: str | None = None):
        c = self.conn()
        h = {"Accept": "application/json"}
        tok = self.token if token is None else token
        if tok:
            h["Authorization"] = f"Bearer {tok}"
        if body is not None:
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body)
            if isinstance(body, str):
                body = body.encode()
            h["Content-Type"] = content_type
        h.update(headers or {})
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        try:
            decoded = json.loads(data) if data else None
        except ValueError:
            decoded = data.decode(errors="replace")
        return r.status, dict(r.getheaders()), decoded
