"""One settings object for identity.

Users write a single ``IDENTITY = {...}`` dict in their Django settings. Every key and its
default is listed in ``DEFAULTS`` below with a comment saying what it governs; its type is
declared once, as an annotation on :class:`IdentitySettings`. mypy reads the type there
(``identity_settings.THROTTLE_WINDOW`` is an ``int``), and so does :func:`coerce`, which turns
what a user wrote into that type when the value is first read: ``"60"`` or ``60.0`` where a
whole number is declared is ``60``. Values are read lazily on attribute access and the cache is
dropped on ``setting_changed``, so ``override_settings(IDENTITY=...)`` works in tests.

Reading a setting never raises for a bad value, except a secret: a value that is not of its
type is logged and the default is used instead, while a secret of the wrong type raises
``ImproperlyConfigured`` (its default would be a different secret). The system checks report
both (identity.E004, in ``identity/core/checks.py``), and each mechanism's checks (named in its
manifest) report values out of their range.
"""

from __future__ import annotations

import logging
import math
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

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
    # Realm of every ``WWW-Authenticate`` challenge identity sends, Basic and Bearer alike
    # (RFC 7235 §2.2: the protection space the credentials are for).
    "REALM": "identity",
    # Seconds a user object is reused in process before it is read again (0: every request
    # reads it). Saves and deletes drop it at once on the worker that made them.
    "USER_CACHE_SECONDS": 1.0,
    "USER_CACHE_SIZE": 4096,
    # Largest request body identity's endpoints read, in bytes (a larger one is refused: 413 on
    # /api/auth/*, the protocol's invalid_request elsewhere). Every body identity reads is small:
    # credentials, tokens, a SAML request. Django's DATA_UPLOAD_MAX_MEMORY_SIZE still applies,
    # to every view. At least 16384 (identity.E006).
    "REQUEST_MAX_BYTES": 64 * 1024,
    # Deepest nesting of arrays and objects accepted in a JSON body (from 2 to 200, identity.E006).
    "REQUEST_JSON_MAX_DEPTH": 32,
    # --- HTTP Basic (RFC 7617) -----------------------------------------------------------
    "BASIC_ENABLED": True,
    # Deprecated name of REALM (it always named the Bearer challenges' realm too). Still read
    # while REALM is not set; identity.W005 asks to rename it.
    "BASIC_REALM": None,
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
    # --- verifying another issuer's JWTs (an API service trusting the identity provider) --
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
    # elsewhere (a relying party) turns it off; its URLs then answer 404.
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

# Settings holding secrets: a message about a bad value names its type, never the value.
SECRETS = {"JWT_KEY_ENCRYPTION_KEYS", "OIDC_RP_CLIENT_SECRET"}

# Renamed settings, new name -> old name: the old key is still read while the new one is not
# set (identity.W005 asks to rename it).
RENAMED = {"REALM": "BASIC_REALM"}

logger = logging.getLogger("identity.conf")


class IdentitySettings:
    """Attribute access to ``settings.IDENTITY`` merged over ``DEFAULTS``.

    The annotations below are the settings' types, declared once: mypy checks every use against
    them and :func:`coerce` converts what a user wrote into them. A value that cannot be read as
    its type is replaced by its default when read (and reported by identity.E004)."""

    SITE_NAME: str
    # --- authentication core
    MECHANISMS: list[str]
    AUTHENTICATORS: list[str] | None
    TRUSTED_PROXIES: list[str]
    SECURE_COOKIES: bool | None
    REALM: str
    USER_CACHE_SECONDS: float
    USER_CACHE_SIZE: int
    REQUEST_MAX_BYTES: int
    REQUEST_JSON_MAX_DEPTH: int
    # --- HTTP Basic
    BASIC_ENABLED: bool
    BASIC_REALM: str | None
    BASIC_VERDICT_CACHE_SECONDS: float
    BASIC_VERDICT_CACHE_SIZE: int
    # --- throttling
    THROTTLE_CACHE: str
    THROTTLE_WINDOW: int
    THROTTLE_FAILURES_PER_IP: int
    THROTTLE_FAILURES_PER_USERNAME_IP: int
    THROTTLE_FAILURES_PER_USERNAME: int
    THROTTLE_KNOWN_CLIENT_DAYS: int
    THROTTLE_LOCAL_FALLBACK: bool
    # --- session index
    SESSION_LAST_SEEN_INTERVAL: int
    SESSION_HISTORY_DAYS: int
    # --- outbox
    OUTBOX_TIMEOUT: float
    OUTBOX_DELIVER_ON_COMMIT: bool
    OUTBOX_MAX_ATTEMPTS: int
    OUTBOX_BACKOFF_BASE: float
    OUTBOX_BACKOFF_MAX: float
    OUTBOX_RETENTION_DAYS: int
    # --- issuer
    ISSUER: str | None
    # --- opaque bearer tokens
    TOKENS_ENABLED: bool
    TOKEN_LIFETIME: int | None
    TOKEN_CACHE: str | None
    TOKEN_CACHE_SECONDS: int
    TOKEN_LAST_USED_INTERVAL: int
    TOKEN_HISTORY_DAYS: int
    # --- JWTs
    JWT_ENABLED: bool
    JWT_ALGORITHM: str
    JWT_AUDIENCE: str | None
    JWT_ACCESS_LIFETIME: int
    JWT_REFRESH_LIFETIME: int
    JWT_LEEWAY: float
    JWT_KEY_ENCRYPTION_KEYS: list[str | bytes]
    JWT_JWKS_MAX_AGE: int
    JWT_VERIFIED_CACHE_SIZE: int
    JWT_USER: str
    JWT_COOKIE: bool
    JWT_COOKIE_NAME: str
    JWT_REFRESH_COOKIE_NAME: str
    JWT_COOKIE_SAMESITE: Literal["Strict", "Lax", "None"]
    # --- denylist
    DENYLIST_CACHE: str | None
    DENYLIST_SYNC_INTERVAL: float
    # --- verifying another issuer's JWTs
    REMOTE_JWT_ISSUER: str | None
    REMOTE_JWT_JWKS_URL: str | None
    REMOTE_JWT_AUDIENCE: str | None
    REMOTE_JWT_ALGORITHMS: list[str]
    REMOTE_JWKS_CACHE_SECONDS: float
    REMOTE_JWKS_REFETCH_INTERVAL: float
    REMOTE_JWKS_TIMEOUT: float
    REMOTE_JWT_DENYLIST: bool
    # --- CAS 3.0 server
    CAS_TICKET_LIFETIME: int
    CAS_REGISTRY_CACHE_SECONDS: float
    CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK: bool
    CAS_PROXY_CALLBACK_TIMEOUT: float
    # --- OAuth 2.0 / OpenID Connect provider
    OAUTH2_PROVIDER: bool
    OAUTH2_SCOPES: dict[str, str]
    OAUTH2_CODE_LIFETIME: int
    OAUTH2_ACCESS_TOKEN_LIFETIME: int
    OAUTH2_ID_TOKEN_LIFETIME: int
    OAUTH2_REFRESH_TOKEN_LIFETIME: int
    OAUTH2_REFRESH_TOKEN_IDLE: int
    OAUTH2_ACCESS_TOKEN_FORMAT: str
    OAUTH2_PKCE_REQUIRED: bool
    OAUTH2_DEVICE_CODE_LIFETIME: int
    OAUTH2_DEVICE_POLL_INTERVAL: int
    OAUTH2_LOGOUT_TOKEN_LIFETIME: int
    OAUTH2_THROTTLE_TOKEN_REQUESTS: int
    OAUTH2_THROTTLE_CLIENT_FAILURES: int
    OAUTH2_THROTTLE_USER_CODE_FAILURES: int
    # --- client side
    CLIENT_PROTOCOL: str | None
    CLIENT_FLOWS: dict[str, str]
    CLIENT_CAS_SERVER_URL: str
    CLIENT_CAS_SERVICE_URL: str | None
    CLIENT_CAS_ATTRIBUTES: dict[str, str]
    CLIENT_CAS_CREATE_USERS: bool
    CLIENT_CAS_LOGOUT_REDIRECT_URL: str | None
    CLIENT_CAS_TIMEOUT: float
    # --- OpenID Connect relying party
    OIDC_RP_DISCOVERY_URL: str
    OIDC_RP_CLIENT_ID: str
    OIDC_RP_CLIENT_SECRET: str | None
    OIDC_RP_SCOPES: str
    OIDC_RP_REDIRECT_URI: str | None
    OIDC_RP_POST_LOGOUT_REDIRECT_URI: str | None
    OIDC_RP_CREATE_USERS: bool
    OIDC_RP_METADATA_CACHE_SECONDS: float
    OIDC_RP_JWKS_MIN_REFRESH: float
    OIDC_RP_TIMEOUT: float
    OIDC_RP_LEEWAY: int
    OIDC_RP_LOGOUT_TOKEN_MAX_AGE: int
    # --- worker and cleanup
    WORKER_POLL_INTERVAL: float
    WORKER_CLEANUP_INTERVAL: float
    CLEANUP_BATCH_SIZE: int

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}

    @property
    def user_settings(self) -> dict[str, Any]:
        value = getattr(settings, "IDENTITY", None)
        return value if isinstance(value, dict) else {}  # a non-dict is reported by identity.E001

    if not TYPE_CHECKING:  # hidden from mypy, so a misspelt setting is a type error

        def __getattr__(self, name: str) -> Any:
            if name.startswith("_") or name not in DEFAULTS:
                raise AttributeError(f"Unknown identity setting: {name!r}")
            try:
                return self._cache[name]
            except KeyError:
                pass
            value = self._cache[name] = self._read(name)
            return value

    def _read(self, name: str) -> Any:
        user = self.user_settings
        key = name
        old = RENAMED.get(name)
        if name not in user and old is not None and user.get(old) is not None:
            key = old
        if key not in user:
            return DEFAULTS[name]
        try:
            return coerce(key, user[key])  # the key the user wrote, so a message names it
        except SettingTypeError as exc:
            if name in SECRETS:
                # A default secret is a different secret: keys sealed under it could not be
                # unsealed once the setting is mended. Fail closed, naming the type only.
                raise ImproperlyConfigured(f"{exc} (identity.E004)") from None
            logger.error("%s The default, %r, is used instead (identity.E004).", exc, DEFAULTS[name])
            return DEFAULTS[name]

    def reload(self) -> None:
        self._cache.clear()


# Every setting's declared type, as :func:`coerce` reads it.
TYPES: dict[str, Any] = {name: hint for name, hint in get_type_hints(IdentitySettings).items() if name.isupper()}


class SettingTypeError(ValueError):
    """A value that cannot be read as its setting's declared type."""


def coerce(name: str, value: object) -> Any:
    """``value`` as the type declared for setting ``name``.

    Numbers are converted once here so no use site has to: a whole number accepts ``60``,
    ``60.0`` and ``"60"``; a number also accepts ``0.5`` and ``"0.5"`` (never a bool, NaN or an
    infinity); a boolean accepts ``True``/``False``, ``1``/``0`` and the words an environment
    variable carries (``"true"``/``"false"``, ``"yes"``/``"no"``, ``"on"``/``"off"``, ``"1"``/``"0"``,
    any case); a list accepts a tuple; a
    ``Literal`` accepts exactly its choices. Strings are never converted. Raises
    :class:`SettingTypeError` saying what was expected."""
    hint = TYPES[name]
    try:
        return _coerce(hint, value)
    except (TypeError, ValueError, OverflowError):
        shown = f"a {type(value).__name__}" if name in SECRETS else repr(value)
        raise SettingTypeError(f"IDENTITY[{name!r}] is {shown}, not {describe(hint)}.") from None


def _coerce(hint: Any, value: object) -> object:
    if hint is int:
        return _whole(value)
    if hint is float:
        return _number(value)
    if hint is bool:
        if isinstance(value, bool):
            return value
        if type(value) is int and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _BOOLEAN_WORDS:
            return _BOOLEAN_WORDS[value.strip().lower()]
        raise TypeError(hint)
    if hint is str or hint is bytes or hint is types.NoneType:
        if isinstance(value, hint):
            return value
        raise TypeError(hint)
    origin, args = get_origin(hint), get_args(hint)
    if origin is Literal:
        if any(type(value) is type(choice) and value == choice for choice in args):
            return value
        raise ValueError(hint)
    if origin is types.UnionType or origin is Union:
        for arm in args:
            try:
                return _coerce(arm, value)
            except (TypeError, ValueError, OverflowError):
                continue
        raise TypeError(hint)
    if origin is list and isinstance(value, list | tuple):
        return [_coerce(args[0], item) for item in value]
    if origin is dict and isinstance(value, dict):
        return {_coerce(args[0], k): _coerce(args[1], v) for k, v in value.items()}
    raise TypeError(hint)


#: What an environment variable says for a boolean: a string "false" must never read as true.
_BOOLEAN_WORDS = {
    "true": True,
    "yes": True,
    "on": True,
    "1": True,
    "false": False,
    "no": False,
    "off": False,
    "0": False,
}


def _whole(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = _number(value)
    if not number.is_integer():
        raise ValueError(value)
    return int(number)


def _number(value: object) -> float:
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        number = float(value.strip())
    else:
        raise TypeError(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


_WORDS = {
    int: "a whole number",
    float: "a number",
    bool: "True or False",
    str: "a string",
    bytes: "bytes",
    types.NoneType: "None",
}
_PLURALS = {int: "whole numbers", float: "numbers", bool: "booleans", str: "strings", bytes: "bytes"}


def describe(hint: Any) -> str:
    """A declared type in words, for messages: ``int | None`` is "a whole number or None"."""
    if hint in _WORDS:
        return _WORDS[hint]
    origin, args = get_origin(hint), get_args(hint)
    if origin is types.UnionType or origin is Union:
        return " or ".join(describe(arm) for arm in args)
    if origin is Literal:
        return "one of " + ", ".join(repr(choice) for choice in args)
    if origin is list:
        return f"a list of {_plural(args[0])}"
    if origin is dict:
        return f"a dict of {_plural(args[0])} to {_plural(args[1])}"
    return repr(hint)


def _plural(hint: Any) -> str:
    if get_origin(hint) is types.UnionType or get_origin(hint) is Union:
        return " or ".join(_plural(arm) for arm in get_args(hint))
    return _PLURALS.get(hint, repr(hint))


identity_settings = IdentitySettings()

_reload_hooks: list[Callable[[], object]] = []

F = TypeVar("F", bound=Callable[[], object])


def on_reload(func: F) -> F:
    """Register a callable run whenever IDENTITY (or a setting it depends on) changes."""
    _reload_hooks.append(func)
    return func


def _reload(*, setting: str, **kwargs: Any) -> None:
    if setting in {"IDENTITY", "SECRET_KEY", "CACHES", "AUTH_USER_MODEL", "SESSION_ENGINE", "DEBUG"}:
        identity_settings.reload()
        for hook in _reload_hooks:
            hook()


setting_changed.connect(_reload)
