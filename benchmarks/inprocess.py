"""Per-request authentication cost in process, through the full Django middleware + DRF stack,
beside the floors and the peers. Every figure comes from the same run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.data import Credentials
from benchmarks.environ import wsgi_call
from benchmarks.harness import Call, Scenario, Timed

SCENARIO_BUILDERS: list[Callable[[Credentials], list[Scenario]]] = []


def builder(func: Callable[[Credentials], list[Scenario]]) -> Callable[[Credentials], list[Scenario]]:
    SCENARIO_BUILDERS.append(func)
    return func


def _cookie(engine: str, cookie: str) -> dict[str, str]:
    from django.conf import settings

    return {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={cookie}", "HTTP_X_BENCH_SESSION_ENGINE": engine}


@builder
def floors(creds: Credentials) -> list[Scenario]:
    import redis
    from django.conf import settings
    from django.contrib.auth import get_user_model

    pk = creds.user.pk

    def redis_get() -> Call:
        client = redis.Redis.from_url(settings.REDIS_URL)
        client.set("bench:floor", b"x" * 64)
        return lambda: client.get("bench:floor")

    def select() -> Call:
        manager = get_user_model()._default_manager
        return lambda: manager.filter(pk=pk).first()

    return [
        Scenario("bare", "Django request, no authentication", "floor", "bare", lambda: wsgi_call("/bare/")),
        Scenario(
            "peer-bare",
            "Django request, no authentication (peers' middleware)",
            "floor",
            "bare",
            lambda: wsgi_call("/peer/bare/"),
        ),
        Scenario("redis-get", "one Redis GET (redis-py + hiredis)", "floor", "redis", redis_get),
        Scenario("select", "one indexed SELECT (ORM, by primary key)", "floor", "sql", select),
    ]


@builder
def sessions_and_basic(creds: Credentials) -> list[Scenario]:
    sessions = [
        Scenario(
            f"session-{engine}",
            f"session ({label})",
            "ours",
            "session",
            lambda engine=engine: wsgi_call("/ours/", **_cookie(engine, creds.sessions[engine])),
            floor="bare",
        )
        for engine, label in (("db", "database"), ("cache", "Redis"), ("cached_db", "cached_db"))
    ]
    basic = Scenario(
        "basic",
        "HTTP Basic (remembered credential)",
        "ours",
        "basic",
        lambda: wsgi_call("/ours/", HTTP_AUTHORIZATION=creds.basic),
        floor="bare",
    )
    return [*sessions, basic]


@builder
def peers(creds: Credentials) -> list[Scenario]:
    def peer(key: str, label: str, mechanism: str, path: str, header: str) -> Scenario:
        return Scenario(
            f"peer-{key}",
            label,
            "peer",
            mechanism,
            lambda: wsgi_call(path, HTTP_AUTHORIZATION=header),
            floor="peer-bare",
        )

    def django_session(engine: str, label: str) -> Scenario:
        return Scenario(
            f"peer-session{'' if engine == 'db' else '-' + engine}",
            f"Django session ({label}) + DRF SessionAuthentication",
            "peer",
            "session",
            lambda: wsgi_call("/peer/session/", **_cookie(engine, creds.sessions[engine])),
            floor="peer-bare",
        )

    return [
        django_session("db", "database"),
        django_session("cache", "Redis"),
        peer("drf-token", "DRF TokenAuthentication", "token", "/peer/drf-token/", f"Token {creds.drf_token}"),
        peer("knox", "django-rest-knox", "token", "/peer/knox/", f"Token {creds.knox_token}"),
        peer(
            "simplejwt",
            "simplejwt JWTAuthentication (RS256)",
            "jwt",
            "/peer/simplejwt/",
            f"Bearer {creds.simplejwt_access}",
        ),
        peer(
            "simplejwt-stateless",
            "simplejwt JWTStatelessUserAuthentication (RS256)",
            "jwt",
            "/peer/simplejwt-stateless/",
            f"Bearer {creds.simplejwt_access}",
        ),
        peer("dot", "django-oauth-toolkit bearer", "oauth2", "/peer/dot/", f"Bearer {creds.dot_token}"),
    ]


def all_scenarios(creds: Credentials) -> list[Scenario]:
    scenarios: list[Scenario] = []
    for build in SCENARIO_BUILDERS:
        scenarios.extend(build(creds))
    return scenarios


@builder
def basic_peer(creds: Credentials) -> list[Scenario]:
    """DRF's BasicAuthentication pays PBKDF2 on every request (~0.2 s): few samples per round."""
    return [
        Scenario(
            "peer-drf-basic",
            "DRF BasicAuthentication",
            "peer",
            "basic",
            lambda: wsgi_call("/peer/drf-basic/", HTTP_AUTHORIZATION=creds.basic),
            floor="peer-bare",
        )
    ]


def describe(results: dict[str, Any]) -> None:
    """Attach ratios to the floor (median / floor median) for the report."""
    for result in results.values():
        floor = results.get(result.scenario.floor) if result.scenario.floor else None
        result.ratio = result.median_us / floor.median_us if floor else None


ALGORITHMS = ("HS256", "RS256", "ES256", "EdDSA")


@builder
def tokens_and_jwts(creds: Credentials) -> list[Scenario]:
    ours = creds.ours

    def bearer(token: str) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    scenarios = [
        Scenario(
            "token-db",
            "opaque token (database)",
            "ours",
            "token",
            lambda: wsgi_call("/ours/", HTTP_AUTHORIZATION=f"Token {ours['opaque']}"),
            floor="bare",
            identity={"TOKEN_CACHE": "default"},
            note="no shared cache: one SELECT joined with the user",
        ),
        Scenario(
            "token-redis",
            "opaque token (Redis-cached)",
            "ours",
            "token",
            lambda: wsgi_call("/ours/", HTTP_AUTHORIZATION=f"Token {ours['opaque']}"),
            floor="bare",
        ),
    ]
    for alg in ALGORITHMS:
        scenarios.append(
            Scenario(
                f"jwt-{alg}",
                f"JWT {alg} (full stack, repeated token)",
                "ours",
                "jwt",
                lambda alg=alg: wsgi_call("/ours/", **bearer(ours[f"jwt-{alg}"])),
                floor="bare",
            )
        )
    scenarios.append(
        Scenario(
            "jwt-oauth-scoped",
            "OAuth access JWT RS256 on a view declaring its scope (full stack, repeated)",
            "ours",
            "jwt",
            lambda: wsgi_call("/ours/scoped/", **bearer(ours["jwt-oauth"])),
            floor="bare",
            note="reach: the token's scope against the view's declaration",
        )
    )
    scenarios.append(
        Scenario(
            "remote-jwt",
            "JWT RS256, remote verifier (site B: JWK Set, no DB)",
            "ours",
            "jwt",
            lambda: wsgi_call("/ours/", **bearer(ours["jwt-RS256"])),
            floor="bare",
            identity={"JWT_ENABLED": False, "TOKENS_ENABLED": False},
        )
    )
    return scenarios


@builder
def jwt_verification(creds: Credentials) -> list[Scenario]:
    """The JWT check alone: PyJWT's decode and the raw signature check as floors, identity's
    cold verification (no cache) and a repeated token inside the authenticator call."""
    import jwt
    from django.test import RequestFactory

    from identity.core.reach import DEFAULT, Accepts, refusal
    from identity.jwt import keys
    from identity.jwt.authenticator import JWTAuthenticator
    from identity.jwt.verify import _ALL, ACCESS_TYP, decode

    scenarios: list[Scenario] = []
    for alg in ALGORITHMS:
        token = creds.ours[f"jwt-{alg}"]
        kid = jwt.get_unverified_header(token)["kid"]

        def raw_verify(token: str = token, kid: str = kid) -> Call:
            prepared = keys.verification_key(kid)
            algorithm = jwt.get_algorithm_by_name(prepared.alg)
            signing_input, _, signature_b64 = token.rpartition(".")
            signature = jwt.utils.base64url_decode(signature_b64)
            message = signing_input.encode()
            return lambda: algorithm.verify(message, prepared.key, signature)

        def pyjwt(token: str = token, kid: str = kid) -> Call:
            prepared = keys.verification_key(kid)
            options = {"require": ["exp", "iat", "iss", "aud", "sub", "jti"]}
            return lambda: jwt.decode(
                token,
                prepared.key,
                algorithms=[prepared.alg],
                audience=["bench-api"],
                issuer="http://bench.local",
                options=options,
            )

        def cold(token: str = token) -> Call:
            return lambda: decode(
                token,
                typ=ACCESS_TYP,
                issuer="http://bench.local",
                audiences=("bench-api",),
                lookup=keys.verification_key,
                algorithms=_ALL,
                cache=None,
                leeway=10.0,
            )

        def repeated(token: str = token, declared: Accepts = DEFAULT) -> Call:
            """Who the token is and whether the view takes it: the authenticator (verified-token
            cache, exp, key and denylist checks, the reach built from the claims) and the reach
            decision the middleware and DRF make before the view runs."""
            authenticator = JWTAuthenticator()
            request = RequestFactory().get("/")
            authenticator.authenticate_header(request, "bearer", token)

            def call() -> Any:
                result = authenticator.authenticate_header(request, "bearer", token)
                assert refusal(result.reach, declared) is None
                return result

            return call

        scenarios += [
            Scenario(f"raw-{alg}", f"raw {alg} signature check (cryptography)", "floor", f"jwt {alg}", raw_verify),
            Scenario(f"pyjwt-{alg}", f"PyJWT decode {alg}", "floor", f"jwt {alg}", pyjwt, floor=f"raw-{alg}"),
            Scenario(
                f"cold-{alg}",
                f"identity verify {alg}, first sight (no cache)",
                "ours",
                f"jwt {alg}",
                cold,
                floor=f"pyjwt-{alg}",
            ),
            Scenario(
                f"repeat-{alg}",
                f"identity authenticator + reach decision {alg}, repeated token",
                "ours",
                f"jwt {alg}",
                repeated,
                floor=f"raw-{alg}",
                note="verified-token cache: exp, key and denylist still checked",
            ),
        ]
    oauth = creds.ours["jwt-oauth"]
    scoped = Accepts(scopes=frozenset({"api:read"}))
    scenarios.append(
        Scenario(
            "repeat-oauth-RS256",
            "identity authenticator + reach decision RS256, OAuth token on a scoped view, repeated",
            "ours",
            "jwt RS256",
            lambda: repeated(oauth, scoped),
            floor="raw-RS256",
            note="the scope check: the token's scope string split and compared",
        )
    )
    return scenarios


@builder
def cas(creds: Credentials) -> list[Scenario]:
    """CAS 3.0: a service ticket minted from the single sign-on session (GET /cas/login with the
    session cookie, answered 303 with the ticket), and that plus its p3/serviceValidate (each
    ticket is single use, so the validation alone cannot be repeated)."""
    import io
    from urllib.parse import parse_qs, quote, urlsplit

    from identity.cas.models import CasService

    service = "https://app.bench.local/accounts/cas/callback/"
    CasService.objects.get_or_create(
        name="benchmark app",
        defaults={"match_type": "prefix", "pattern": "https://app.bench.local/", "released_attributes": "email"},
    )
    cookie = _cookie("db", creds.sessions["db"])
    login_path = f"/cas/login?service={quote(service, safe='')}"

    def login_call() -> Call:
        from django.test import RequestFactory

        from benchmarks.environ import handler

        base = RequestFactory()._base_environ(
            PATH_INFO="/cas/login", QUERY_STRING=f"service={quote(service, safe='')}", REQUEST_METHOD="GET", **cookie
        )
        app = handler("ours")
        holder: dict[str, Any] = {}

        def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
            holder["status"], holder["headers"] = status, dict(headers)

        def call() -> str:
            environ = dict(base, **{"wsgi.input": io.BytesIO()})
            response = app(environ, start_response)
            for _ in response:
                pass
            response.close()
            if not holder["status"].startswith(("302", "303")):
                raise RuntimeError(f"{login_path} answered {holder['status']}")
            return parse_qs(urlsplit(holder["headers"]["Location"]).query)["ticket"][0]

        return call

    def issue_and_validate() -> Call:
        issue = login_call()

        def call() -> None:
            ticket = issue()
            validate = wsgi_call(
                "/cas/p3/serviceValidate", QUERY_STRING=f"service={quote(service, safe='')}&ticket={ticket}"
            )
            validate()

        return call

    return [
        Scenario(
            "cas-login",
            "CAS: service ticket from the SSO session (/cas/login)",
            "ours",
            "cas",
            login_call,
            floor="bare",
        ),
        Scenario(
            "cas-roundtrip",
            "CAS: ticket + p3/serviceValidate",
            "ours",
            "cas",
            issue_and_validate,
            floor="cas-login",
            note="the ratio's excess over 1 is the validation",
        ),
    ]


@builder
def oauth2(creds: Credentials) -> list[Scenario]:
    """OAuth 2.0: an API request with the provider's JWT access token, and the token endpoint
    (client credentials; authorization-code exchange with PKCE), beside django-oauth-toolkit."""
    import base64
    import hashlib
    import io
    import secrets
    from urllib.parse import parse_qs, urlencode, urlsplit

    from django.test import RequestFactory

    from benchmarks.data import CLIENT_ID, REDIRECT_URI, client_basic
    from benchmarks.environ import handler

    form = "application/x-www-form-urlencoded"
    cookie = _cookie("db", creds.sessions["db"])

    def token_call(path: str, body: str, client_id: str) -> Call:
        return wsgi_call(
            path, method="POST", body=body.encode(), CONTENT_TYPE=form, HTTP_AUTHORIZATION=client_basic(client_id)
        )

    def code_exchange(authorize_path: str, token_path: str, stack: str, scope: str) -> Timed:
        app = handler(stack)
        holder: dict[str, Any] = {}

        def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
            holder["status"], holder["headers"] = status, dict(headers)

        def new_code() -> tuple[str, str]:
            verifier = secrets.token_urlsafe(48)
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            query = urlencode(
                {
                    "response_type": "code",
                    "client_id": CLIENT_ID,
                    "redirect_uri": REDIRECT_URI,
                    "scope": scope,
                    "state": "s",
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                }
            )
            environ = RequestFactory()._base_environ(PATH_INFO=authorize_path, QUERY_STRING=query, **cookie)
            environ["wsgi.input"] = io.BytesIO()
            response = app(environ, start_response)
            for _ in response:
                pass
            response.close()
            location = holder["headers"].get("Location", "")
            code = parse_qs(urlsplit(location).query).get("code")
            if not code:
                raise RuntimeError(f"{authorize_path} answered {holder['status']} {location[:200]}")
            return code[0], verifier

        def exchange(arg: tuple[str, str]) -> None:
            code, verifier = arg
            body = urlencode(
                {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": REDIRECT_URI,
                    "code_verifier": verifier,
                }
            )
            token_call(token_path, body, CLIENT_ID)()

        return Timed(new_code, exchange)

    bearer = creds.ours["oauth2-jwt"]
    return [
        Scenario(
            "oauth2-jwt",
            "OAuth JWT access token (RFC 9068, client credentials) on a view declaring its scope",
            "ours",
            "oauth2",
            lambda: wsgi_call("/ours/scoped/", HTTP_AUTHORIZATION=f"Bearer {bearer}"),
            floor="bare",
        ),
        Scenario(
            "token-endpoint-cc",
            "token endpoint: client credentials",
            "ours",
            "oauth2 token",
            lambda: token_call("/oauth/token/", "grant_type=client_credentials", CLIENT_ID),
            floor="bare",
            note="client secret checked with a keyed hash",
        ),
        Scenario(
            "peer-dot-token-cc",
            "django-oauth-toolkit token endpoint: client credentials",
            "peer",
            "oauth2 token",
            lambda: token_call("/peer/o/token/", "grant_type=client_credentials", CLIENT_ID + "-cc"),
            floor="peer-bare",
            note="client secret hashed with the password hasher (its default)",
        ),
        Scenario(
            "token-endpoint-code",
            "token endpoint: authorization code + PKCE exchange",
            "ours",
            "oauth2 token",
            lambda: code_exchange("/oauth/authorize/", "/oauth/token/", "ours", "profile"),
            floor="bare",
            note="scope profile: no ID token to sign, like the peer's plain OAuth",
        ),
        Scenario(
            "peer-dot-token-code",
            "django-oauth-toolkit token endpoint: code + PKCE exchange",
            "peer",
            "oauth2 token",
            lambda: code_exchange("/peer/o/authorize/", "/peer/o/token/", "peers", "read"),
            floor="peer-bare",
        ),
    ]
