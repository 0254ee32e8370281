"""``Authorization: Badge <signed username>``: a first-party credential signed with SECRET_KEY."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.http import HttpRequest

from identity.core.authenticators import Authenticator, AuthResult
from identity.core.reach import Reach
from identity.exceptions import InvalidCredentials

SALT = "tests.badges"
BADGE_REACH = Reach("badge")


def issue(username: str) -> str:
    return signing.dumps(username, salt=SALT)


class BadgeAuthenticator(Authenticator):
    method = "badge"
    schemes = ("badge",)

    def authenticate_header(self, request: HttpRequest, scheme: str, credentials: str) -> AuthResult | None:
        try:
            username = signing.loads(credentials, salt=SALT)
        except signing.BadSignature as exc:
            raise InvalidCredentials("The badge is not valid.") from exc
        user = get_user_model()._default_manager.filter(username=username, is_active=True).first()
        if user is None:
            raise InvalidCredentials("The badge is not valid.")
        return AuthResult(user=user, method=self.method, reach=BADGE_REACH)

    def challenge(self, request: HttpRequest, error: object = None) -> str | None:
        return 'Badge realm="tests"'
