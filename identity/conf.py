"""One settings object for identity.

Users write a single ``IDENTITY = {...}`` dict in their Django settings. Every key and its
default is listed in ``DEFAULTS`` below with a comment saying what it governs. Values are read
lazily on attribute access and the cache is dropped on ``setting_changed``, so
``override_settings(IDENTITY=...)`` works in tests. Validation lives in system checks (each
mechanism's ``checks.py``, named in its manifest), not here: reading a setting never raises for
a bad value.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

#: identity's own mechanisms, in the order their authenticators are tried (see
#: :mod:`identity.core.mechanisms`).
DEFAULT_MECHANISMS: list[str] = [
    "identity.sessions",
    "identity.basic",
    "identity.tokens",
    "identity.oauth2",
    "identity.jwt",
    "identity.cas",
    "identity.outbox",
    "identity.client",
    "identity.client.cas",
    "identity.client.oidc",
]

DEFAULTS: dict[str, Any] = {
    # Product name shown on identity's pages (sign-in, Security).
    "SITE_NAME": "Identity",
    # --- authentication core -------------------------------------------------------------
    # Mechanisms enabled on this site: package paths, each with a ``manifest.py`` saying what it
    # contributes (authenticators, URLs, checks, receivers, cleanup, Security page sections,
    # admin). The order is the order of authenticators, URLs and sections. The core is implicit.
    "MECHANISMS": DEFAULT_MECHANISMS,
    # Authenticators tried in order for every request (dotted paths to Authenticator classes).
    # None: every enabled mechanism's authenticators, in MECHANISMS order.
    "AUTHENTICATORS": None,
    # Client IPs are read from X-Forwarded-For only when REMOTE_ADDR is one of these
    # addresses or networks (CIDR). Empty: X-Forwarded-For is ignored.
    "TRUSTED_PROXIES": [],
    # Add ``Secure`` to the session and CSRF cookies. None: whenever DEBUG is off.
    "SECURE_COOKIES": None,
    # Seconds a user object is reused in process before it is read again (0: every request
    # reads it). Saves and deletes drop it at once on the worker that made them.
    "USER_CACHE_SECONDS": 1.0,
    "USER_CACHE_SIZE": 4096,
    # --- HTTP Basic (RFC 7617) -----------------------------------------------------------
    "BASIC_ENABLED": True,
    "BASIC_REALM": "identity",
    # Seconds a correct Basic credential is remembered in process (keyed by an HMAC of the
    # credential and dropped when the password changes), so repeated requests skip PBKDF2.
    # 0 disables the cache.
    "BASIC_VERDICT_CACHE_SECONDS": 60,
    "BASIC_VERDICT_CACHE_SIZE": 1024,
    # --- throttling of password checks (Basic and the login form) ------------------------
    "THROTTLE_CACHE": "default",  # cache alias; use a shared (Redis) cache in production
    "THROTTLE_WINDOW": 900,  # seconds; counters reset at the end of each window
    "THROTTLE_FAILURES_PER_IP": 50,
    "THROTTLE_FAILURES_PER_USERNAME_IP": 5,
    # Failures for one username from clients that never signed in as that user. Clients that
    # did (remembered per IP for KNOWN_CLIENT_DAYS) are exempt, so an attacker cannot lock the
    # owner out by failing on purpose: they only lock out themselves.
    "THROTTLE_FAILURES_PER_USERNAME": 20,
    "THROTTLE_KNOWN_CLIENT_DAYS": 30,
    # While THROTTLE_CACHE cannot be reached (it raises, or django-redis with IGNORE_EXCEPTIONS
    # answers None), count failures in each process instead: same limits and windows, per
    # worker, logged once. Applies to the OAuth throttles too. False: a down cache makes every
    # password check a 500, or with IGNORE_EXCEPTIONS silently stops throttling (identity.W004).
    "THROTTLE_LOCAL_FALLBACK": True,
    # --- session index -------------------------------------------------------------------
    # last_seen, IP and device of a session are written at most once per this many seconds.
    "SESSION_LAST_SEEN_INTERVAL": 60,
    # Ended sessions stay listed (as history) this many days, then cleanup deletes them.
    "SESSION_HISTORY_DAYS": 30,
    # --- outbox: deliveries to other servers (single logout, back-channel logout) --------
    "OUTBOX_TIMEOUT": 3.0,  # seconds per HTTP attempt
    "OUTBOX_DELIVER_ON_COMMIT": True,  # try once right after commit, in a background thread
    "OUTBOX_MAX_ATTEMPTS": 8,
    "OUTBOX_BACKOFF_BASE": 10,  # seconds; attempt n waits base * 2**(n-1), capped below
    "OUTBOX_BACKOFF_MAX": 3600,
    "OUTBOX_RETENTION_DAYS": 7,  # delivered and abandoned messages are deleted after this
    # --- issuer ----------------------------------------------------------------------------
    # This site's issuer identifier: its base URL, no trailing slash ("https://id.example.com").
    # Every JWT identity signs carries it as ``iss`` and verification demands it. Required
    # while JWT_ENABLED is on (identity.E401).
    "ISSUER": None,
    # --- opaque bearer tokens (identity.tokens) ------------------------------------------
    "TOKENS_ENABLED": True,
    # Seconds a new token lives; None: until revoked.
    "TOKEN_LIFETIME": 90 * 86400,
    # Cache alias holding resolved tokens, so a request needs no SQL. A per-process cache
    # (LocMem) is never used for this: a revocation could not reach other workers' copies.
    "TOKEN_CACHE": "default",
    "TOKEN_CACHE_SECONDS": 300,  # how long a resolved token (with its user) stays cached
    # last_used_at (and IP) of a token is written at most once per this many seconds.
    "TOKEN_LAST_USED_INTERVAL": 60,
    # Revoked and expired tokens stay listed (as history) this many days, then cleanup deletes them.
    "TOKEN_HISTORY_DAYS": 30,
    # --- JWTs (identity.jwt) -------------------------------------------------------------
    "JWT_ENABLED": True,
    # Signing algorithm of new keys: "RS256" (default: fastest to verify, see the README),
    # "ES256", "EdDSA", or "HS256" (a shared secret: only for a single service, never published).
    "JWT_ALGORITHM": "RS256",
    # The ``aud`` of access tokens from /api/auth/jwt/, and the audience this site accepts.
    # None: the ISSUER.
    "JWT_AUDIENCE": None,
    "JWT_ACCESS_LIFETIME": 300,  # seconds; at most 3600 (identity.E404)
    "JWT_REFRESH_LIFETIME": 14 * 86400,  # seconds a refresh token stays usable (renewed by each refresh)
    "JWT_LEEWAY": 10,  # seconds of clock skew allowed on exp/nbf/iat; at most 30 (identity.E405)
    # Key-encryption keys sealing the private halves of signing keys. The first seals, all
    # unseal (rotate by prepending). Empty: keys derived from SECRET_KEY (identity.W406).
    "JWT_KEY_ENCRYPTION_KEYS": [],
    # Cache lifetime of /.well-known/jwks.json (Cache-Control max-age). A new key is
    # published at once and signs only after this many seconds, so every verifier has it.
    "JWT_JWKS_MAX_AGE": 300,
    # Verified tokens remembered per process (keyed by the whole token; exp and the denylist
    # are still checked on every request). 0 disables the cache.
    "JWT_VERIFIED_CACHE_SIZE": 4096,
    # request.user of a JWT request: "token" (a TokenUser built from the claims: no SQL),
    # "database" (the user row by ``sub``: one SELECT), or a dotted path to a callable
    # ``(claims) -> user or None``.
    "JWT_USER": "token",
    # Cookie mode for single-page apps: the access JWT in an HttpOnly cookie (CSRF-checked on
    # unsafe methods) and the refresh token in another, sent only to /api/auth/jwt/.
    "JWT_COOKIE": False,
    "JWT_COOKIE_NAME": "identity_access",
    "JWT_REFRESH_COOKIE_NAME": "identity_refresh",
    "JWT_COOKIE_SAMESITE": "Strict",
    # --- denylist of JWT access tokens (jti) and sessions (sid) --------------------------
    # Cache alias of a django-redis cache holding the fast copy of the denylist. Another
    # backend: each worker syncs its replica from the database instead.
    "DENYLIST_CACHE": "default",
    # Seconds between two syncs of a worker's in-process denylist replica: the bound within
    # which a revocation reaches every worker (the revoking worker applies it at once).
    "DENYLIST_SYNC_INTERVAL": 0.5,
    # --- verifying another issuer's JWTs (a service such as demo site B) ----------------
    # The issuer whose access tokens this site accepts (its base URL). None: off.
    "REMOTE_JWT_ISSUER": None,
    "REMOTE_JWT_JWKS_URL": None,  # None: <REMOTE_JWT_ISSUER>/.well-known/jwks.json
    "REMOTE_JWT_AUDIENCE": None,  # the ``aud`` this service requires (required when on)
    "REMOTE_JWT_ALGORITHMS": ["RS256", "ES256", "EdDSA"],  # never HS256: a published key is public
    "REMOTE_JWKS_CACHE_SECONDS": 300,  # longest time a fetched JWK Set is used before a refetch
    "REMOTE_JWKS_REFETCH_INTERVAL": 30,  # at most one refetch per this many seconds for unknown kids
    "REMOTE_JWKS_TIMEOUT": 3.0,  # seconds per JWK Set fetch
    # Opt in to the issuer's denylist: DENYLIST_CACHE must then name the issuer's Redis (same
    # LOCATION and KEY_PREFIX). Off: fully stateless; revocation reaches this service when
    # the access token expires.
    "REMOTE_JWT_DENYLIST": False,
    # --- CAS 3.0 server (identity.cas) ----------------------------------------------------
    # Seconds a service or proxy ticket waits for its one validation attempt. CAS §3.1.1
    # recommends at most five minutes; a browser redirect needs a few seconds.
    "CAS_TICKET_LIFETIME": 30,
    # Seconds each process keeps the service registry in memory. A change saved in the admin is
    # seen at once by the process that saved it and by every other process within this bound.
    # 0: read the registry from the database on every request.
    "CAS_REGISTRY_CACHE_SECONDS": 10,
    # Proxy callbacks (pgtUrl) must be https with a verified certificate (CAS §2.5.4). True also
    # accepts plain http to a loopback address (localhost, 127.0.0.0/8, ::1): tests and demos only.
    "CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK": False,
    "CAS_PROXY_CALLBACK_TIMEOUT": 3.0,  # seconds for the GET to pgtUrl (no redirects followed)
    # --- OAuth 2.0 / OpenID Connect provider (identity.oauth2) ----------------------------
    # Serve the authorization server's endpoints and metadata. A site that only signs in
    # elsewhere (demo site B) turns it off; its URLs then answer 404.
    "OAUTH2_PROVIDER": True,
    # Scopes clients may be allowed, name -> what the consent page tells the user.
    "OAUTH2_SCOPES": {
        "openid": "Sign you in with your account",
        "profile": "See your name and username",
        "email": "See your email address",
    },
    # Authorization codes live at most this many seconds (RFC 9700 §4.2.1: short; max 60).
    "OAUTH2_CODE_LIFETIME": 60,
    # Defaults for clients that leave a lifetime empty (seconds).
    "OAUTH2_ACCESS_TOKEN_LIFETIME": 300,
    "OAUTH2_ID_TOKEN_LIFETIME": 300,
    # A refresh token family ends this long after the sign-in that started it ...
    "OAUTH2_REFRESH_TOKEN_LIFETIME": 30 * 86400,
    # ... or when its latest refresh token has not been used for this long (inactivity).
    "OAUTH2_REFRESH_TOKEN_IDLE": 14 * 86400,
    # "jwt" (RFC 9068, verified offline by any service) or "opaque" (looked up here);
    # each client can override it.
    "OAUTH2_ACCESS_TOKEN_FORMAT": "jwt",
    # Require PKCE (S256) from every client. False: only public clients (always, RFC 9700
    # §2.1.1) and confidential clients whose "require PKCE" box is ticked.
    "OAUTH2_PKCE_REQUIRED": True,
    # Device authorization grant (RFC 8628): code lifetime, polling interval and the page
    # where users type the code.
    "OAUTH2_DEVICE_CODE_LIFETIME": 600,
    "OAUTH2_DEVICE_POLL_INTERVAL": 5,
    # Logout tokens (OIDC Back-Channel Logout) are valid this many seconds after issue.
    "OAUTH2_LOGOUT_TOKEN_LIFETIME": 120,
    # Throttles (counted in THROTTLE_CACHE, per window of THROTTLE_WINDOW seconds):
    # token requests per client and IP, failed client authentications per IP, and wrong
    # user codes per IP on the device page (RFC 8628 §5.1).
    "OAUTH2_THROTTLE_TOKEN_REQUESTS": 3000,
    "OAUTH2_THROTTLE_CLIENT_FAILURES": 20,
    "OAUTH2_THROTTLE_USER_CODE_FAILURES": 10,
    # --- client side: signing in through another provider (identity.client) -------------
    # Which flow /accounts/login/ starts on a site that signs in elsewhere ("cas", "oidc").
    "CLIENT_PROTOCOL": None,
    # Flow name -> dotted path of its identity.client.flows.SignInFlow.
    "CLIENT_FLOWS": {},
    # CAS client (identity.client.cas): the server's base URL, ending in "/" (e.g.
    # "https://sso.example.com/cas/"); login, p3/serviceValidate and logout are resolved under it.
    "CLIENT_CAS_SERVER_URL": "",
    # The service URL sent to the server; each sign-in appends its own "state" query parameter,
    # so the server's registry must accept it as a prefix. None: this site's
    # /accounts/cas/callback/ built from the request (set it behind proxies that rewrite hosts).
    "CLIENT_CAS_SERVICE_URL": None,
    # CAS attribute -> user field copied at every sign-in (users are found by username).
    "CLIENT_CAS_ATTRIBUTES": {"email": "email", "first_name": "first_name", "last_name": "last_name"},
    # Create a local user the first time someone signs in; False: only existing users may sign in.
    "CLIENT_CAS_CREATE_USERS": True,
    # Where the CAS server sends the browser after signing out there. None: this site's root.
    "CLIENT_CAS_LOGOUT_REDIRECT_URL": None,
    "CLIENT_CAS_TIMEOUT": 5.0,  # seconds for the server-to-server ticket validation
    # --- client side: OpenID Connect relying party (identity.client.oidc) ---------------
    # The provider's discovery document, e.g. "https://id.example.com/.well-known/openid-configuration".
    "OIDC_RP_DISCOVERY_URL": "",
    "OIDC_RP_CLIENT_ID": "",
    "OIDC_RP_CLIENT_SECRET": "",  # empty for a public client (PKCE only)
    "OIDC_RP_SCOPES": "openid profile email",
    # Absolute callback URL registered at the provider; None builds it from the request.
    "OIDC_RP_REDIRECT_URI": None,
    # Where the provider sends the browser after sign-out; None: this site's "/".
    "OIDC_RP_POST_LOGOUT_REDIRECT_URI": None,
    # Create a local user the first time someone signs in (linked by issuer and ``sub``).
    "OIDC_RP_CREATE_USERS": True,
    # Seconds the discovery document and JWK Set are kept; an unknown ``kid`` refetches the
    # JWK Set at most once per OIDC_RP_JWKS_MIN_REFRESH seconds.
    "OIDC_RP_METADATA_CACHE_SECONDS": 3600,
    "OIDC_RP_JWKS_MIN_REFRESH": 30,
    "OIDC_RP_TIMEOUT": 5.0,  # seconds for each call to the provider
    "OIDC_RP_LEEWAY": 30,  # seconds of clock skew accepted on exp / iat
    # A logout token older than this (by ``iat``) is refused.
    "OIDC_RP_LOGOUT_TOKEN_MAX_AGE": 300,
    # --- worker and cleanup --------------------------------------------------------------
    "WORKER_POLL_INTERVAL": 1.0,  # seconds between outbox polls
    "WORKER_CLEANUP_INTERVAL": 300,  # seconds between identity_clearexpired runs
    "CLEANUP_BATCH_SIZE": 1000,
}


class IdentitySettings:
    """Attribute access to ``settings.IDENTITY`` merged over ``DEFAULTS``."""

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}

    @property
    def user_settings(self) -> dict[str, Any]:
        value = getattr(settings, "IDENTITY", None)
        return value if isinstance(value, dict) else {}  # a non-dict is reported by identity.E001

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in DEFAULTS:
            raise AttributeError(f"Unknown identity setting: {name!r}")
        try:
            return self._cache[name]
        except KeyError:
            pass
        value = self.user_settings.get(name, DEFAULTS[name])
        self._cache[name] = value
        return value

    def imported(self, name: str) -> list[Any]:
        """Import each dotted path of a list setting (cached like any other value)."""
        key = f"_imported_{name}"
        if key not in self._cache:
            self._cache[key] = [import_string(path) for path in getattr(self, name)]
        return self._cache[key]

    def reload(self) -> None:
        self._cache.clear()


identity_settings = IdentitySettings()

_reload_hooks: list[Any] = []


def on_reload(func: Any) -> Any:
    """Register a callable run whenever IDENTITY (or a setting it depends on) changes."""
    _reload_hooks.append(func)
    return func


def _reload(*, setting: str, **kwargs: Any) -> None:
    if setting in {"IDENTITY", "SECRET_KEY", "CACHES", "AUTH_USER_MODEL", "SESSION_ENGINE", "DEBUG"}:
        identity_settings.reload()
        for hook in _reload_hooks:
            hook()


setting_changed.connect(_reload)
