"""The IssueContext: what the validator learns about a request reaches token issuing through one
typed attribute, a request that skipped the server fails loudly, and no request parameter can
pass for the context."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as DjangoClient
from oauthlib.common import Request as OAuthRequest

from identity.jwt.verify import verify
from identity.oauth2 import issuing
from identity.oauth2.context import ATTRIBUTE, IssueContext, MissingIssueContext, attach, context_of
from identity.oauth2.models import Grant
from identity.oauth2.validator import RequestValidator
from identity.sessions.models import UserSession
from tests.conftest import sign_in
from tests.oauth2.conftest import ISSUER, basic, exchange, form_post, get_code

pytestmark = pytest.mark.django_db


def test_the_session_reaches_every_token_of_the_grant(alice: Any, app: Any) -> None:
    """Authorization view → code → grant → access, ID and refreshed ID tokens: the same ``sid``
    and ``auth_time`` all the way (set by the validator, read by issuing)."""
    _, secret = app
    browser = DjangoClient()
    sign_in(browser)
    session = UserSession.objects.get(user=alice)
    code, verifier = get_code(browser, scope="openid profile")
    first = exchange(DjangoClient(), code, verifier, secret).json()
    grant = Grant.objects.get()
    assert grant.session_sid == session.sid and grant.auth_time == session.auth_time
    access = verify(first["access_token"], typ="at+jwt")
    id_claims = verify(first["id_token"], typ="JWT", audience="example")
    assert access["sid"] == id_claims["sid"] == session.sid
    assert id_claims["auth_time"] == int(session.auth_time.timestamp())
    refreshed = form_post(
        DjangoClient(),
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        HTTP_AUTHORIZATION=basic("example", secret),
    ).json()
    again = verify(refreshed["id_token"], typ="JWT", audience="example")
    assert again["sid"] == session.sid and again["auth_time"] == id_claims["auth_time"]
    assert verify(refreshed["access_token"], typ="at+jwt")["sid"] == session.sid


def test_a_request_that_skipped_the_server_fails_loudly(app: Any) -> None:
    request = OAuthRequest(f"{ISSUER}/oauth/token/", "POST", "grant_type=client_credentials")
    request.client = app[0]
    for call in (
        lambda: issuing.TokenHandler(RequestValidator()).create_token(request),
        lambda: issuing.save(request),
        lambda: RequestValidator().client_authentication_required(request),
        lambda: RequestValidator().confirm_redirect_uri("example", "code", "https://x", app[0], request),
    ):
        with pytest.raises(MissingIssueContext, match="identity.oauth2.server.Server"):
            call()


def test_save_before_create_token_names_the_missing_step(app: Any) -> None:
    request = OAuthRequest(f"{ISSUER}/oauth/token/", "POST", "")
    attach(request)
    with pytest.raises(MissingIssueContext, match="before TokenHandler.create_token"):
        issuing.save(request)


def test_a_parameter_named_like_the_context_is_never_taken_for_it() -> None:
    """oauthlib answers ``getattr`` for an unset name from the request's parameters: that is why
    the context is read from ``__dict__``."""
    request = OAuthRequest(f"{ISSUER}/oauth/token/?{ATTRIBUTE}=forged", "POST", f"{ATTRIBUTE}=forged")
    assert getattr(request, ATTRIBUTE) == "forged"  # what a getattr-based read would have used
    with pytest.raises(MissingIssueContext):
        context_of(request)
    context = attach(request, IssueContext(sid="s-1"))
    assert context_of(request) is context and context.sid == "s-1"
