"""Errors identity answers with. Each carries its HTTP status, an error code for the JSON body
(``{"error", "error_description"}``) and, for 401s, the scheme whose challenge explains it.
Responses are built from them in one place: :mod:`identity.core.responses`."""

from __future__ import annotations


class IdentityError(Exception):
    status_code = 400
    error = "invalid_request"
    default_description = ""

    def __init__(self, description: str | None = None, *, scheme: str | None = None) -> None:
        self.description = self.default_description if description is None else description
        #: Authorization scheme (``"basic"``, ``"bearer"``) whose challenge goes with a 401.
        self.scheme = scheme
        super().__init__(self.description or self.error)


class MalformedCredentials(IdentityError):
    """The Authorization header cannot be parsed (RFC 6750 §3.1 ``invalid_request``)."""

    status_code = 400
    error = "invalid_request"
    default_description = "The Authorization header is malformed."


class InvalidCredentials(IdentityError):
    """Credentials were presented and are wrong, expired or revoked."""

    status_code = 401
    error = "invalid_credentials"
    default_description = "The credentials are not valid."


class InvalidToken(InvalidCredentials):
    """A bearer token is not valid (RFC 6750 §3.1 ``invalid_token``)."""

    error = "invalid_token"
    default_description = "The access token is not valid."


class NotAuthenticated(IdentityError):
    status_code = 401
    error = "not_authenticated"
    default_description = "Authentication credentials were not provided."


class Throttled(IdentityError):
    """Too many failed attempts; ``retry_after`` seconds until the window ends."""

    status_code = 429
    error = "too_many_requests"
    default_description = "Too many failed attempts."

    def __init__(self, retry_after: int, description: str | None = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(description or f"Too many failed attempts. Try again in {self.retry_after} seconds.")


class InvalidGrant(IdentityError):
    """Wrong username or password, or a spent, revoked or expired refresh token, answered as an
    OAuth token endpoint answers (RFC 6749 §5.2)."""

    status_code = 400
    error = "invalid_grant"
    default_description = "The credentials or the grant are not valid."


class InvalidRequest(IdentityError):
    """A missing or malformed parameter in a request body (RFC 6749 §5.2 ``invalid_request``)."""

    status_code = 400
    error = "invalid_request"
    default_description = "The request is missing a parameter or has a malformed one."


class InsufficientScope(IdentityError):
    """A valid bearer token that this resource does not accept (RFC 6750 §3.1
    ``insufficient_scope``): 403 with a ``Bearer`` challenge naming the ``scope`` needed."""

    status_code = 403
    error = "insufficient_scope"
    default_description = "The access token does not reach this resource."

    def __init__(self, description: str | None = None, *, scope: str | None = None) -> None:
        super().__init__(description, scheme="bearer")
        self.scope = scope


class CredentialNotAccepted(IdentityError):
    """A valid credential this resource does not take (Basic or a cookie on a page that accepts
    only a browser session, a session on a resource for OAuth tokens only)."""

    status_code = 403
    error = "credential_not_accepted"
    default_description = "This resource does not accept this kind of credential."
