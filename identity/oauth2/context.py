"""What identity learns about one oauthlib request and hands to the steps after it, typed and in
one place.

oauthlib passes a single ``Request`` object through its checks; the validator learns things there
that token issuing needs later (the code or refresh token presented, the session it came from,
when the user signed in), and issuing records what it minted for :func:`identity.oauth2.issuing.save`.
All of it lives in one :class:`IssueContext`, under one attribute of the request (:data:`ATTRIBUTE`):

* the server attaches a fresh context at the start of every token, revocation, introspection and
  device-authorization request (:func:`attach`), and the authorization view hands one in with
  ``credentials`` (oauthlib sets each credential on the request);
* everything else reads it with :func:`context_of`, which raises :class:`MissingIssueContext`
  when a path reached the validator or issuing without one, rather than answering ``None``.

The client is the exception: oauthlib itself reads it from ``request.client``, where the validator
puts the row it authenticated; :func:`client_of` reads it from there, typed.

The attribute is read from the request's ``__dict__``, never with ``getattr``: oauthlib's
``Request.__getattr__`` falls back to the request's *parameters*, so ``getattr(request, name,
None)`` for a name nobody set returns whatever a client sent under that name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from oauthlib.common import Request as OAuthRequest

if TYPE_CHECKING:
    from identity.oauth2.issuing import IssuedAccess
    from identity.oauth2.models import AuthorizationCode, Client, DeviceAuthorization, Grant, OAuthRefreshToken

#: The one attribute of an oauthlib request that identity sets.
ATTRIBUTE = "identity_context"


class MissingIssueContext(RuntimeError):
    """A request reached identity's validator or token issuing without the context the server
    attaches: it did not come through :class:`identity.oauth2.server.Server` (or the
    authorization view's ``credentials``)."""


@dataclass
class IssueContext:
    """One request's context. ``sid`` and ``auth_time`` come from the browser session (at the
    authorization endpoint) or from the stored code, refresh token or device authorization (at
    the token endpoint); they end up in the grant and in the tokens' ``sid`` and ``auth_time``."""

    sid: str = ""
    auth_time: datetime | None = None
    #: The single-use credential the token request presents, set by the validator once it checked
    #: it; :meth:`~identity.oauth2.validator.RequestValidator.consume` spends it.
    code: AuthorizationCode | None = None
    refresh: OAuthRefreshToken | None = None
    device: DeviceAuthorization | None = None
    #: The grant the tokens hang from: the refreshed one, else the one ``save()`` creates.
    grant: Grant | None = None
    #: What the token handler minted, for ``save()`` to record.
    access: IssuedAccess | None = None
    refresh_digest: str | None = None
    #: Client authentication is required even of a public client (introspection, RFC 7662 §2.1).
    client_auth_required: bool = False


def attach(request: OAuthRequest, context: IssueContext | None = None) -> IssueContext:
    """Give ``request`` its context (a fresh one by default) and return it."""
    context = context if context is not None else IssueContext()
    request.__dict__[ATTRIBUTE] = context
    return context


def context_of(request: OAuthRequest) -> IssueContext:
    """The context attached to ``request``; :class:`MissingIssueContext` if there is none."""
    context = request.__dict__.get(ATTRIBUTE)
    if not isinstance(context, IssueContext):
        raise MissingIssueContext(
            "This oauthlib request carries no IssueContext: requests must go through "
            "identity.oauth2.server.Server (which attaches one), or hand one in as the "
            f"{ATTRIBUTE!r} credential of create_authorization_response()."
        )
    return context


def client_of(request: OAuthRequest) -> Client:
    """The client of a request past client authentication: the validator's ``authenticate_client``,
    ``authenticate_client_id`` or ``validate_client_id`` set ``request.client`` to its row, and
    oauthlib raises before anything after them runs when they refuse (types-oauthlib can only say
    ``Any | None``)."""
    return cast("Client", request.client)
