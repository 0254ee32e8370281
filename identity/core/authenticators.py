"""The authentication core: every mechanism is an :class:`Authenticator` plugged in here.

``authenticate(request)`` runs the enabled authenticators (those the enabled mechanisms'
manifests name, or ``IDENTITY["AUTHENTICATORS"]`` when set) in order and returns an
:class:`AuthResult`, ``None`` for an anonymous request, or raises an
:class:`~identity.exceptions.IdentityError` for credentials that were presented and are bad.
The Django middleware (:mod:`identity.core.middleware`) and the DRF authentication class
(:mod:`identity.contrib.rest_framework`) both call it, so a new mechanism is one new
authenticator, not a new code path. The outcome is cached on the request, so the middleware
and DRF never check a credential twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.module_loading import import_string

from identity.conf import identity_settings
from identity.core import challenges, mechanisms
from identity.core.reach import Reach
from identity.exceptions import IdentityError, InvalidCredentials, InvalidToken, MalformedCredentials

#: Longest Authorization header we parse; longer ones are refused before any decoding.
MAX_AUTHORIZATION_LENGTH = 8192
_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass(slots=True)
class AuthResult:
    """Who the request is and how it proved it. (Not frozen: a frozen dataclass sets each
    field through ``object.__setattr__``, which costs a microsecond on every request.)"""

    user: Any
    method: str  # "session", "basic", "token", "jwt", "oauth2", ...
    #: What the credential was issued for and how it travelled (:mod:`identity.core.reach`):
    #: which views it may use, and whether CSRF applies.
    reach: Reach
    auth: Any = None  # the token row, the verified claims, ...


class Authenticator:
    """Base class. Subclasses set ``method`` and either ``schemes`` (Authorization header
    schemes, lower case) with :meth:`authenticate_header`, or :meth:`authenticate` for
    credentials that arrive another way (the session cookie)."""

    method: str = ""
    schemes: tuple[str, ...] = ()

    def enabled(self) -> bool:
        return True

    def authenticate(self, request: HttpRequest) -> AuthResult | None:
        return None

    def authenticate_header(self, request: HttpRequest, scheme: str, credentials: str) -> AuthResult | None:
        """Return a result, None when the credential is not this mechanism's (another
        authenticator of the same scheme may claim it), or raise for a bad credential."""
        return None

    def challenge(self, request: HttpRequest, error: IdentityError | None = None) -> str | None:
        """The ``WWW-Authenticate`` challenge of this scheme, with ``error`` details if given."""
        return None


class BearerAuthenticator(Authenticator):
    """Base of the bearer-token mechanisms (opaque tokens, JWTs, OAuth access tokens): they
    share the ``Bearer`` challenge of RFC 6750 §3, with ``error="invalid_token"`` and a short
    ``error_description`` once a token was presented and refused (§3.1)."""

    def challenge(self, request: HttpRequest, error: IdentityError | None = None) -> str | None:
        if error is None or error.status_code != 401:
            return challenges.bearer()
        return challenges.bearer(error=InvalidToken.error, description=error.description or None)


#: Typed ``Any`` so the cached outcome keeps its declared type with no ``cast()`` call on the hot path.
_UNSET: Any = object()


def authenticator_paths() -> list[str]:
    """``IDENTITY["AUTHENTICATORS"]`` when set, else every enabled mechanism's, in order."""
    configured: list[str] | None = identity_settings.AUTHENTICATORS
    return list(configured) if configured is not None else mechanisms.paths("authenticators")


def get_authenticators() -> list[Authenticator]:
    """The enabled authenticators, in order. Whether one is enabled depends on settings only, so
    the list is kept with the settings' memo and rebuilt when settings change (every request
    would otherwise read half a dozen settings to learn the same answer)."""
    memo = identity_settings._cache
    enabled = memo.get("_enabled_authenticators")
    if enabled is None:
        instances = [import_string(path)() for path in authenticator_paths()]
        enabled = memo["_enabled_authenticators"] = [a for a in instances if a.enabled()]
    return enabled


def parse_authorization(header: str) -> tuple[str, str]:
    """Split ``Authorization: <scheme> <credentials>`` (RFC 7235 §2.1) strictly."""
    if len(header) > MAX_AUTHORIZATION_LENGTH:
        raise MalformedCredentials("The Authorization header is too long.")
    scheme, _, credentials = header.strip().partition(" ")
    credentials = credentials.strip()
    if not scheme or not set(scheme) <= _TOKEN_CHARS:
        raise MalformedCredentials("The Authorization header has no valid scheme.")
    if not credentials:
        raise MalformedCredentials(f"The {scheme} credentials are missing.")
    # str.split() splits on exactly the characters str.isspace() accepts, in C: a JWT is checked
    # in well under a microsecond instead of one Python step per character.
    if not credentials.isascii() or len(credentials.split()) != 1:
        raise MalformedCredentials(f"The {scheme} credentials contain characters that are not allowed.")
    return scheme.lower(), credentials


def authenticate(request: HttpRequest) -> AuthResult | None:
    """Authenticate ``request`` once; later calls return (or raise) the same outcome."""
    cached: AuthResult | IdentityError | None = getattr(request, "_identity_outcome", _UNSET)
    if cached is not _UNSET:
        if isinstance(cached, IdentityError):
            raise cached
        return cached
    try:
        outcome = _authenticate(request)
    except IdentityError as exc:
        request._identity_outcome = exc  # type: ignore[attr-defined]
        raise
    request._identity_outcome = outcome  # type: ignore[attr-defined]
    if outcome is not None:
        request.auth_method = outcome.method  # type: ignore[attr-defined]
    return outcome


def _authenticate(request: HttpRequest) -> AuthResult | None:
    authenticators = get_authenticators()
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is not None:
        scheme_hint = header.strip().partition(" ")[0].lower()
        claimed = [a for a in authenticators if scheme_hint in a.schemes]
        if claimed:  # a scheme we know: it must be well formed and valid
            scheme, credentials = parse_authorization(header)
            for authenticator in claimed:
                result = authenticator.authenticate_header(request, scheme, credentials)
                if result is not None:
                    return result
            error_cls = InvalidCredentials if scheme == "basic" else InvalidToken
            raise error_cls(scheme=scheme)
        # An unknown scheme (Negotiate, Digest, ...) is not ours to judge: fall through.
    for authenticator in authenticators:
        if not authenticator.schemes:
            result = authenticator.authenticate(request)
            if result is not None:
                return result
    return None


def challenge_header(request: HttpRequest, error: IdentityError | None = None) -> str:
    """The ``WWW-Authenticate`` value for a 401: the failing scheme's challenge with the error,
    or one challenge per enabled scheme for an anonymous request (RFC 7235 §4.1)."""
    authenticators = get_authenticators()
    if error is not None and error.scheme:
        for authenticator in authenticators:
            if error.scheme in authenticator.schemes:
                value = authenticator.challenge(request, error)
                if value:
                    return value
    return challenges.join(a.challenge(request) for a in authenticators) or challenges.bearer()


def get_auth_method(request: HttpRequest) -> str | None:
    """Which mechanism authenticated ``request`` (resolving a lazy session user first)."""
    user = getattr(request, "user", None)
    if user is not None:
        bool(user.is_authenticated)  # forces SimpleLazyObject evaluation
    return getattr(request, "auth_method", None)
