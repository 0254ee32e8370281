"""A real issuer over HTTP for the JOSE stack's tests: it publishes a discovery document and a
JWK Set (with a chosen ``Cache-Control``, or a chosen failure), counts what it serves, and signs
tokens with its own keys (PyJWT, independent of identity's key store)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

DISCOVERY = "/.well-known/openid-configuration"
JWKS = "/.well-known/jwks.json"
#: Paths a token header may point at (jku, x5u): a verifier that followed one would be counted.
DECOYS = ("/evil-jwks.json", "/evil-cert.pem")


class Issuer:
    """``mode`` of the JWK Set: "ok", "down" (503), "garbage" (not JSON), "huge" (over the cap),
    "slow" (answers after ``delay`` seconds); ``discovery_down`` makes the discovery document 503."""

    def __init__(self) -> None:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                issuer.hits[path] += 1
                if path == DISCOVERY:
                    if issuer.discovery_down:
                        return self._send(503, b"", "")
                    return self._json(issuer.discovery(), "public, max-age=3600")
                if path != JWKS:
                    return self._send(404, b"", "")
                if issuer.mode == "down":
                    return self._send(503, b"", "")
                if issuer.mode == "garbage":
                    return self._send(200, b"<html>maintenance</html>", "")
                if issuer.mode == "slow":
                    time.sleep(issuer.delay)
                document = issuer.jwks()
                if issuer.mode == "huge":
                    document["keys"] += [{"kty": "EC", "kid": f"pad-{n}", "x": "A" * 100} for n in range(1000)]
                return self._json(document, issuer.cache_control)

            def _json(self, document: Any, cache_control: str) -> None:
                self._send(200, json.dumps(document).encode(), cache_control)

            def _send(self, status: int, body: bytes, cache_control: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    if cache_control:
                        self.send_header("Cache-Control", cache_control)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the verifier gave up waiting (the timeout tests)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.hits: Counter[str] = Counter()
        self.mode = "ok"
        self.discovery_down = False
        self.delay = 0.0
        self.cache_control = "public, max-age=300"
        self.keys: dict[str, Any] = {}
        self.extra_jwks: list[dict[str, Any]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        self.add_key()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def jwks_url(self) -> str:
        return self.url + JWKS

    @property
    def jwks_hits(self) -> int:
        return self.hits[JWKS]

    def add_key(self, kid: str | None = None) -> str:
        """A new ES256 key, published from now on; its kid."""
        kid = kid or f"k-{uuid.uuid4().hex[:8]}"
        self.keys[kid] = ec.generate_private_key(ec.SECP256R1())
        return kid

    @property
    def kid(self) -> str:
        """The newest key's kid."""
        return list(self.keys)[-1]

    def jwks(self) -> dict[str, Any]:
        keys = [
            {**ECAlgorithm.to_jwk(private.public_key(), as_dict=True), "kid": kid, "alg": "ES256", "use": "sig"}
            for kid, private in self.keys.items()
        ]
        return {"keys": [*keys, *self.extra_jwks]}

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": self.url + "/authorize",
            "token_endpoint": self.url + "/token",
            "jwks_uri": self.jwks_url,
        }

    def sign(self, claims: dict[str, Any], *, kid: str | None = None, **header: Any) -> str:
        """``claims`` signed with the key ``kid`` (the newest by default); ``header`` adds to or
        overrides the JWS header (``typ=None`` leaves it out)."""
        kid = kid or self.kid
        private = self.keys.get(kid) or next(iter(self.keys.values()))
        return jwt.encode(claims, private, algorithm="ES256", headers={"kid": kid, **header})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    server = Issuer()
    yield server
    server.close()
