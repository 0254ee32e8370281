"""What a credential may reach: the one place that answers "where does this token work?".

The core decides *who* a request is (:mod:`identity.core.authenticators`); every
:class:`~identity.core.authenticators.AuthResult` also carries a :class:`Reach` saying what the
credential was issued for. A view declares *what it accepts* (:class:`Accepts`), and
:func:`refusal` compares the two. Both adapters read it: the Django middleware
(:mod:`identity.core.middleware`) and the DRF authentication class
(:mod:`identity.contrib.rest_framework.authentication`).

The rules (the contract's "What a credential may reach"):

* **First-party credentials** (a browser session, HTTP Basic, a personal API token, a JWT from
  ``/api/auth/jwt/`` whose ``client_id`` is :data:`FIRST_PARTY_CLIENT_ID`) reach every view
  that declares nothing: the safe default.
* **OAuth access tokens** (anything the token endpoint issued, to a trusted client or not: a
  trusted client skips consent, it does not gain reach) reach only views that declare a scope
  they hold; otherwise ``403 insufficient_scope`` naming the scope (RFC 6750 §3.1).
* Tokens **acting for a client** (``client_credentials``: no user behind them) reach only views
  that also declare ``clients=True``.
* identity's own pages and the Django admin accept **only an interactive browser session**
  (:data:`SESSION_ONLY`): every other credential gets a clean 403 and never an action.

Reach is decided from the token's claims (or the row already loaded) and in-process settings
alone: no SQL and no network, so the JWT path stays at zero queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest

from identity.exceptions import CredentialNotAccepted, IdentityError, InsufficientScope

#: ``client_id`` of identity's own tokens (``/api/auth/jwt/``). No OAuth client may take it.
FIRST_PARTY_CLIENT_ID = "identity"
#: ``sub`` prefix of tokens no user is behind (RFC 9068 §2.2, §6: never equal to a user's ``sub``).
CLIENT_SUBJECT_PREFIX = "client:"

USER = "user"
CLIENT = "client"

#: How the credential travelled, which decides CSRF (see :func:`needs_csrf`).
SESSION_COOKIE = "session"  # the session cookie: CSRF on unsafe methods
COOKIE = "cookie"  # another cookie the browser sends by itself (JWT cookie mode): CSRF too
BASIC = "basic"  # browsers replay cached Basic credentials: CSRF when the request is a browser's
HEADER = "header"  # a bearer header: never sent by a browser on its own, no CSRF


@dataclass(slots=True)
class Reach:
    """What one credential was issued for. Instances are shared between requests: treat them as
    immutable. (Not frozen: a frozen dataclass costs a microsecond per construction in
    ``object.__setattr__``.)"""

    mechanism: str  # the authenticator's method: "session", "basic", "token", "jwt", "oauth2"
    client_id: str = FIRST_PARTY_CLIENT_ID  # which client holds it; FIRST_PARTY_CLIENT_ID: identity's own
    scope: str = ""  # space-separated OAuth scopes ("" for first-party credentials)
    audience: Any = None  # ``aud`` of a JWT, when there is one
    acts_for: str = USER  # USER, or CLIENT for a client-credentials token
    interactive: bool = False  # a browser session from an interactive sign-in
    carrier: str = HEADER
    #: Worked out once, at construction: read on every request.
    first_party: bool = field(init=False, repr=False, compare=False)
    _scopes: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.first_party = self.client_id == FIRST_PARTY_CLIENT_ID and self.acts_for == USER

    @property
    def scopes(self) -> frozenset[str]:
        found = self._scopes
        if found is None:
            found = self._scopes = frozenset(self.scope.split())
        return found


#: The reach of each first-party credential is the same for every request: shared, never mutated.
SESSION_REACH = Reach("session", interactive=True, carrier=SESSION_COOKIE)
BASIC_REACH = Reach("basic", carrier=BASIC)
PERSONAL_TOKEN_REACH = Reach("token")


def from_claims(claims: dict[str, Any], mechanism: str = "jwt", carrier: str = HEADER) -> Reach:
    """The reach of a verified access JWT (RFC 9068 §2.2: ``client_id``, ``scope``, ``sub``).
    Callers keep it with the token (its claims never change): see :mod:`identity.jwt.authenticator`."""
    subject, client_id, scope = claims.get("sub"), claims.get("client_id"), claims.get("scope")
    client_id = client_id if isinstance(client_id, str) else ""
    # A client's own subject (RFC 9068 §2.2, as the token endpoint writes it), exactly: never a
    # prefix test, which a user whose (string) primary key starts with "client:" would pass.
    acts_for = CLIENT if client_id and subject == CLIENT_SUBJECT_PREFIX + client_id else USER
    scope = scope if isinstance(scope, str) else ""
    return Reach(mechanism, client_id, scope, claims.get("aud"), acts_for, False, carrier)


# --- what a view accepts --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Accepts:
    """What a view accepts. The default, a view that declares nothing: first-party only."""

    first_party: bool = True
    #: OAuth access tokens are accepted when they hold *all* of these scopes; empty: none are.
    scopes: frozenset[str] = frozenset()
    #: Also tokens acting for a client (``client_credentials``) that hold those scopes.
    clients: bool = False
    #: Only an interactive browser session (identity's pages, the admin).
    session_only: bool = False

    @property
    def needed(self) -> str:
        """The ``scope`` of an ``insufficient_scope`` challenge (RFC 6750 §3.1): space-separated."""
        return " ".join(sorted(self.scopes))

    def merged(self, other: Accepts) -> Accepts:
        """Two declarations on one view: every scope is needed; the narrower of the rest."""
        with_scopes = [d for d in (self, other) if d.scopes]
        return Accepts(
            first_party=self.first_party and other.first_party,
            scopes=self.scopes | other.scopes,
            clients=bool(with_scopes) and all(d.clients for d in with_scopes),
            session_only=self.session_only or other.session_only,
        )


DEFAULT = Accepts()
SESSION_ONLY = Accepts(session_only=True)


def refusal(reach: Reach, accepts: Accepts) -> IdentityError | None:
    """Why ``reach`` may not use a view that ``accepts`` this, or None when it may."""
    if reach.first_party and accepts.first_party and not accepts.session_only:
        return None  # the common case first: a first-party credential on a view that takes them
    if accepts.session_only:
        if reach.interactive:
            return None
        return _not_accepted(reach, "This page accepts only a browser session: sign in on the sign-in page.")
    if reach.first_party:
        if accepts.first_party:
            return None
        return _not_accepted(reach, "This resource accepts only OAuth access tokens with the right scope.")
    if not accepts.scopes:
        return InsufficientScope("This resource does not accept OAuth access tokens.")
    if reach.acts_for == CLIENT and not accepts.clients:
        return InsufficientScope("This resource does not accept tokens that act for a client.", scope=accepts.needed)
    if not accepts.scopes <= reach.scopes:
        return InsufficientScope(f"The access token needs the scope {accepts.needed}.", scope=accepts.needed)
    return None


def _not_accepted(reach: Reach, description: str) -> IdentityError:
    if reach.carrier == HEADER:  # a bearer token: RFC 6750 §3.1's answer, a 403 with the challenge
        return InsufficientScope(description)
    return CredentialNotAccepted(description)


def needs_csrf(reach: Reach, request: HttpRequest) -> bool:
    """Whether an unsafe request with this credential must carry a CSRF token. Cookies always
    (the browser attaches them by itself); Basic when the request shows it comes from a browser
    (cookies, ``Origin`` or ``Sec-Fetch-Site``), so ``curl -u`` scripts keep working; bearer
    headers never (a browser never sends them on its own)."""
    if reach.carrier == HEADER:
        return False
    if reach.carrier == BASIC:
        meta = request.META
        return bool(request.COOKIES) or "HTTP_ORIGIN" in meta or "HTTP_SEC_FETCH_SITE" in meta
    return True


# --- declaring it ---------------------------------------------------------------------------

V = TypeVar("V")


def accepts(*scopes: str, first_party: bool = True, clients: bool = False) -> Callable[[V], V]:
    """Declare what a plain Django view (function or class) accepts besides the default::

        @accepts("revenue:read")                  # + OAuth tokens holding revenue:read
        @accepts("reports:write", clients=True)   # + client_credentials tokens holding it

    DRF views use :class:`identity.contrib.rest_framework.permissions.RequireScopes` instead."""
    declared = declaration(scopes, first_party=first_party, clients=clients)

    def decorate(view: V) -> V:
        view.identity_accepts = declared  # type: ignore[attr-defined]
        return view

    return decorate


def declaration(scopes: Iterable[str], *, first_party: bool, clients: bool) -> Accepts:
    """An :class:`Accepts`, refusing declarations that no credential could ever meet."""
    names = tuple(scopes)
    for name in names:
        if not isinstance(name, str) or not name or any(ch.isspace() for ch in name):
            raise ValueError(f"{name!r} is not a scope: one word, no spaces (RFC 6749 §3.3).")
    if not names and not first_party:
        raise ValueError("A view that takes no first-party credential must name the scopes it accepts.")
    return Accepts(first_party=first_party, scopes=frozenset(names), clients=clients)


def session_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """identity's own pages: only an interactive browser session is considered. The middleware
    refuses other credentials before the view runs; the wrapper checks again at call time, so the
    page stays safe even when the request's user was resolved some other way."""
    from identity.core.responses import error_response

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        problem = session_only_problem(request)
        if problem is not None:
            return error_response(request, problem)
        return view(request, *args, **kwargs)

    wrapper.identity_accepts = SESSION_ONLY  # type: ignore[attr-defined]
    return wrapper


def session_only_problem(request: HttpRequest) -> IdentityError | None:
    """A refusal when a session-only page is reached with another credential. A cookie-borne
    credential that is not a session (a JWT cookie) is ignored instead: the page sees no user."""
    if presents_header_credential(request):
        return header_refusal(request)
    outcome = getattr(request, "_identity_outcome", None)
    reach = getattr(outcome, "reach", None)
    if reach is not None and not reach.interactive:
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        request.auth_method = None  # type: ignore[attr-defined]
    return None


def presents_header_credential(request: HttpRequest) -> bool:
    from identity.core.authenticators import get_authenticators

    header = request.META.get("HTTP_AUTHORIZATION")
    if not header:
        return False
    scheme = header.strip().partition(" ")[0].lower()
    return any(scheme in a.schemes for a in get_authenticators())


def header_refusal(request: HttpRequest) -> IdentityError:
    scheme = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")[0].lower()
    reach = BASIC_REACH if scheme == "basic" else PERSONAL_TOKEN_REACH
    return refusal(reach, SESSION_ONLY) or CredentialNotAccepted()


# --- finding a view's declaration -----------------------------------------------------------

_declared: dict[Any, Accepts] = {}


def declared_by(view: Any) -> Accepts:
    """What ``view`` (a URL pattern's callback: a function, ``View.as_view()``, or DRF's
    ``APIView.as_view()``) accepts. Cached per callback: views are few and never change."""
    try:
        return _declared[view]
    except (KeyError, TypeError):
        pass
    found = _declaration(view)
    with suppress(TypeError):  # an unhashable callable is computed each time
        _declared[view] = found
    return found


def _declaration(view: Any) -> Accepts:
    own = getattr(view, "identity_accepts", None)
    if isinstance(own, Accepts):
        return own
    cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if cls is None:
        return DEFAULT
    initkwargs = getattr(view, "initkwargs", None) or {}
    declared = initkwargs.get("identity_accepts", getattr(cls, "identity_accepts", None))
    if isinstance(declared, Accepts):
        return declared
    permissions = initkwargs.get("permission_classes", getattr(cls, "permission_classes", None))
    return from_permissions(permissions or ())


def from_permissions(permission_classes: Iterable[Any]) -> Accepts:
    """A DRF view's declaration, read from its permission classes: each class made by
    ``RequireScopes`` carries an ``identity_accepts``; DRF's composed permissions (``A & B``,
    ``A | B``, ``~A``) are walked through their operands. Every declared scope is required,
    even across ``|`` (the narrower reading: never more reach than declared)."""
    result: Accepts | None = None
    for item in permission_classes:
        for found in _walk(item):
            result = found if result is None else result.merged(found)
    return result or DEFAULT


#: DRF's composed permissions (``A & B``, ``A | B``, ``~A``, before and after instantiation), by
#: class name: the core never imports DRF.
_OPERANDS = frozenset({"OperandHolder", "SingleOperandHolder", "AND", "OR", "NOT"})


def _walk(item: Any, depth: int = 0) -> Iterable[Accepts]:
    own = getattr(item, "identity_accepts", None)
    if isinstance(own, Accepts):
        yield own
    if type(item).__name__ not in _OPERANDS or depth > 16:
        return
    for operand in ("op1_class", "op2_class", "op1", "op2"):
        inner = getattr(item, operand, None)
        if inner is not None and inner is not item:
            yield from _walk(inner, depth + 1)


def clear_declarations() -> None:
    _declared.clear()


def get_reach(request: HttpRequest) -> Reach | None:
    """The reach of the credential that authenticated ``request`` (None when anonymous)."""
    outcome = getattr(request, "_identity_outcome", None)
    return getattr(outcome, "reach", None)


def describe_caller(request: HttpRequest) -> dict[str, Any]:
    """Who called, for an API to echo: the user (None when a client acts for itself), the OAuth
    client holding the token (None for first-party credentials), and the mechanism."""
    found = get_reach(request)
    user = getattr(request, "user", None)
    return {
        "user": None if found is None or found.acts_for == CLIENT or user is None else user.get_username(),
        "client": None if found is None or found.first_party else found.client_id,
        "authenticated_by": found.mechanism if found is not None else None,
    }
