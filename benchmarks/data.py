"""The benchmark's data: one user and a credential of every kind for them, ours and the peers'."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

USERNAME, PASSWORD = "bench", "bench-password-123"


@dataclass
class Credentials:
    user: Any
    basic: str
    sessions: dict[str, str] = field(default_factory=dict)  # engine name -> session cookie
    drf_token: str = ""
    knox_token: str = ""
    dot_token: str = ""
    simplejwt_access: str = ""
    ours: dict[str, str] = field(default_factory=dict)  # opaque token and JWTs per algorithm


def make_user() -> Any:
    user_model = get_user_model()
    user = user_model._default_manager.filter(username=USERNAME).first()
    if user is None:
        user = user_model(username=USERNAME, email="bench@example.com")
        user.set_password(PASSWORD)  # the default hasher: what a real login costs
        user.save()
    return user


def session_cookie(engine: str) -> str:
    """Sign in through the real login view with the given store, return the session cookie."""
    from django.conf import settings

    client = Client(HTTP_X_BENCH_SESSION_ENGINE=engine)
    response = client.post("/accounts/login/", {"username": USERNAME, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"benchmark sign-in failed with {response.status_code}")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def peer_credentials(user: Any) -> dict[str, str]:
    from knox.models import AuthToken
    from oauth2_provider.models import AccessToken, Application
    from rest_framework.authtoken.models import Token
    from rest_framework_simplejwt.tokens import AccessToken as SimpleAccessToken

    drf, _ = Token.objects.get_or_create(user=user)
    _, knox = AuthToken.objects.create(user=user)
    app, _ = Application.objects.get_or_create(
        name="bench",
        defaults={
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS,
            "user": user,
        },
    )
    dot = AccessToken.objects.create(
        user=user,
        application=app,
        token=base64.urlsafe_b64encode(b"dot-bench-token-0123456789").decode(),
        expires=timezone.now() + timedelta(hours=10),
        scope="read",
    )
    return {
        "drf_token": drf.key,
        "knox_token": knox,
        "dot_token": dot.token,
        "simplejwt_access": str(SimpleAccessToken.for_user(user)),
    }


def prepare() -> Credentials:
    user = make_user()
    creds = Credentials(user=user, basic="Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode())
    for engine in ("db", "cache", "cached_db"):
        creds.sessions[engine] = session_cookie(engine)
    for key, value in peer_credentials(user).items():
        setattr(creds, key, value)
    creds.ours = our_tokens(user)
    oauth_clients(user)
    creds.ours["oauth2-jwt"] = oauth_access_token()
    serve_jwks()
    return creds


def our_tokens(user: Any) -> dict[str, str]:
    """An opaque token and an access JWT per algorithm, issued by identity's own code."""
    import time

    from identity.core.crypto import random_id
    from identity.jwt import keys
    from identity.jwt.tokens import issue_access_token, sign
    from identity.tokens.services import create_token

    opaque, _ = create_token(user, name="benchmark")
    tokens = {"opaque": opaque}
    for alg in ("HS256", "RS256", "ES256", "EdDSA"):
        keys.signing_key(alg)
    now = int(time.time())
    for alg in ("HS256", "RS256", "ES256", "EdDSA"):
        claims = {
            "iss": "http://bench.local",
            "sub": str(user.pk),
            "aud": "bench-api",
            "iat": now,
            "exp": now + 3600,
            "jti": random_id(16),
            "client_id": "identity",
            "scope": "",
        }
        tokens[f"jwt-{alg}"] = sign(claims, typ="at+jwt", alg=alg)
    tokens["jwt-default"], _ = issue_access_token(user, client_id="identity", scope="", lifetime=3600)
    # An OAuth client's access token (not first party): it reaches only views declaring its scope.
    oauth_claims = {**claims, "client_id": "bench-app", "scope": "openid api:read", "jti": random_id(16)}
    tokens["jwt-oauth"] = sign(oauth_claims, typ="at+jwt", alg="RS256")
    return tokens


def serve_jwks() -> None:
    """Serve the issuer's JWK Set on BENCH_JWKS_PORT in a thread, as site A does for site B.

    The document is taken once from the key store and served by a plain WSGI app, so the
    scenarios that switch identity settings in this process never change what it answers."""
    import json
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.conf import settings

    from identity.jwt import keys

    body = json.dumps(keys.jwks()).encode()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "public, max-age=300")])
        return [body]

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", settings.JWKS_PORT, app, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()


CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-client-secret-0123456789"
REDIRECT_URI = "https://app.bench.local/callback/"


def oauth_clients(user: Any) -> None:
    """The same confidential client registered with identity's provider and with
    django-oauth-toolkit (which hashes client secrets with the password hasher by default)."""
    from oauth2_provider.models import Application

    from identity.oauth2.models import Client, ClientType, GrantType

    if not Client.objects.filter(client_id=CLIENT_ID).exists():
        client = Client(
            name="benchmark",
            client_id=CLIENT_ID,
            client_type=ClientType.CONFIDENTIAL,
            grant_types=[GrantType.AUTHORIZATION_CODE, GrantType.CLIENT_CREDENTIALS, GrantType.REFRESH_TOKEN],
            redirect_uris=REDIRECT_URI,
            scopes="openid profile email api:read",
            trusted=True,
            require_pkce=True,
        )
        client.set_secret(CLIENT_SECRET)
        client.save()
    Application.objects.get_or_create(
        client_id=CLIENT_ID,
        defaults={
            "name": "benchmark (code)",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": REDIRECT_URI,
            "skip_authorization": True,
            "user": user,
            "algorithm": "",
        },
    )
    Application.objects.get_or_create(
        client_id=CLIENT_ID + "-cc",
        defaults={
            "name": "benchmark (client credentials)",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS,
            "client_secret": CLIENT_SECRET,
            "user": user,
        },
    )


def client_basic(client_id: str = CLIENT_ID) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{CLIENT_SECRET}".encode()).decode()


def oauth_access_token() -> str:
    """An access token from identity's token endpoint (client credentials): a JWT (RFC 9068)."""
    from django.test import Client as TestClient

    response = TestClient().post(
        "/oauth/token/",
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=client_basic(),
    )
    if response.status_code != 200:
        raise RuntimeError(f"identity's token endpoint answered {response.status_code}: {response.content[:300]}")
    return response.json()["access_token"]
