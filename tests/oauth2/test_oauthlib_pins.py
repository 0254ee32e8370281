"""Pins on the oauthlib internals :mod:`identity.oauth2.server` copies or relies on.

server.py copies two oauthlib functions (the device grant's ``create_token_response``, the OIDC
code grant's ``__init__``) and leans on behaviour oauthlib does not promise: the PKCE method table
``_code_challenge_methods``, ``_get_default_headers``, post-token validators running last, the
endpoints calling ``validate_*_request`` (where the server attaches its IssueContext) before
asking the validator anything, and ``credentials`` becoming request attributes. An oauthlib
release that changes any of them fails here, saying what to re-check in server.py; once
re-checked, update the pin here and the bound in pyproject.toml.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import io
import json
import textwrap
import tokenize
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import oauthlib
import pytest
from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import AuthorizationCodeGrant
from oauthlib.oauth2.rfc6749.grant_types.base import GrantTypeBase
from oauthlib.oauth2.rfc6749.grant_types.client_credentials import ClientCredentialsGrant
from oauthlib.oauth2.rfc6749.grant_types.refresh_token import RefreshTokenGrant as OAuth2RefreshTokenGrant
from oauthlib.oauth2.rfc8628.grant_types import DeviceCodeGrant
from oauthlib.openid.connect.core.grant_types.authorization_code import (
    AuthorizationCodeGrant as OIDCAuthorizationCodeGrant,
)
from packaging.requirements import Requirement

from identity.oauth2.context import ATTRIBUTE, IssueContext, MissingIssueContext
from identity.oauth2.models import AuthorizationCode, ClientType, GrantType
from identity.oauth2.server import OIDCCodeGrant, OIDCDeviceCodeGrant, S256CodeGrant, Server
from identity.oauth2.validator import RequestValidator
from tests.oauth2.conftest import ISSUER, REDIRECT, basic, pkce

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
TESTED = "4.0.1"  # the oauthlib release every pin below was checked against


def fingerprint(func: Any) -> str:
    """A digest of a function's code: its tokens without comments, layout or docstring, so only a
    change in what it does (or names) shows."""
    source = textwrap.dedent(inspect.getsource(func))
    node = ast.parse(source).body[0]
    body = getattr(node, "body", [])
    doc_lines: set[int] = set()
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        doc_lines = set(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    kept = (
        tok.string
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type in {tokenize.NAME, tokenize.OP, tokenize.NUMBER, tokenize.STRING} and tok.start[0] not in doc_lines
    )
    return hashlib.sha256(" ".join(kept).encode()).hexdigest()[:16]


# --- the version -----------------------------------------------------------------------------


def test_the_installed_oauthlib_is_within_the_pinned_range() -> None:
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    (pinned,) = [Requirement(d) for d in dependencies if Requirement(d).name == "oauthlib"]
    assert pinned.specifier.contains(TESTED), f"pyproject's {pinned} excludes {TESTED}, the release pinned here"
    assert pinned.specifier.contains(oauthlib.__version__), (
        f"oauthlib {oauthlib.__version__} is installed, outside pyproject's {pinned}: the pins below were "
        f"checked against {TESTED}."
    )
    upper = [spec for spec in pinned.specifier if spec.operator in {"<", "<=", "=="}]
    assert upper, f"pyproject's {pinned} has no upper bound: server.py copies oauthlib internals"


# --- code copied from oauthlib ---------------------------------------------------------------

COPIED = [
    pytest.param(
        DeviceCodeGrant.create_token_response,
        "b2e9f547df0b3572",
        "identity.oauth2.server.OIDCDeviceCodeGrant.create_token_response is this function plus the ID "
        "token; copy the change into it (and drop the override if oauthlib now runs token modifiers there)",
        id="DeviceCodeGrant.create_token_response",
    ),
    pytest.param(
        OIDCAuthorizationCodeGrant.__init__,
        "c1f95410792ddb74",
        "identity.oauth2.server.OIDCCodeGrant.__init__ is this method with S256CodeGrant as the proxy "
        "target; copy the change into it",
        id="openid.AuthorizationCodeGrant.__init__",
    ),
]


@pytest.mark.parametrize(("original", "pinned", "recheck"), COPIED)
def test_copied_oauthlib_code_is_unchanged(original: Any, pinned: str, recheck: str) -> None:
    found = fingerprint(original)
    assert found == pinned, f"oauthlib {oauthlib.__version__} changed {original.__qualname__} ({found}): {recheck}."


def test_the_oidc_code_grant_is_wired_as_oauthlibs_own() -> None:
    """What the copied ``__init__`` builds, compared with what oauthlib's builds."""
    ours, theirs = OIDCCodeGrant(RequestValidator()), OIDCAuthorizationCodeGrant(RequestValidator())
    assert type(ours.proxy_target) is S256CodeGrant and type(theirs.proxy_target) is AuthorizationCodeGrant

    def wiring(grant: Any) -> dict[str, list[str]]:
        target = grant.proxy_target
        phases = {
            name: [f.__name__ for f in getattr(target.custom_validators, name)]
            for name in vars(target.custom_validators)
        }
        return {**phases, "token_modifiers": [f.__name__ for f in target._token_modifiers]}

    assert wiring(ours) == wiring(theirs), "re-check identity.oauth2.server.OIDCCodeGrant.__init__"


def test_default_headers_are_still_the_no_store_json_ones() -> None:
    headers = OIDCDeviceCodeGrant(RequestValidator())._get_default_headers()
    assert headers == {"Content-Type": "application/json", "Cache-Control": "no-store", "Pragma": "no-cache"}, (
        "GrantTypeBase._get_default_headers changed: OIDCDeviceCodeGrant.create_token_response uses it"
    )


# --- behaviour relied on ---------------------------------------------------------------------


def test_pkce_methods_are_the_table_oauthlib_consults() -> None:
    assert set(AuthorizationCodeGrant._code_challenge_methods) == {"plain", "S256"}, (
        "oauthlib's PKCE table changed: re-check S256CodeGrant._code_challenge_methods"
    )
    assert set(S256CodeGrant._code_challenge_methods) == {"S256"}
    verifier, challenge = pkce()
    grant = S256CodeGrant(RequestValidator())
    assert grant.validate_code_challenge(challenge, "S256", verifier)
    with pytest.raises(NotImplementedError):  # oauthlib's answer for a method not in the table
        grant.validate_code_challenge(verifier, "plain", verifier)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["plain", None])
def test_a_plain_or_missing_pkce_method_is_refused(make_client: Any, method: str | None) -> None:
    """oauthlib defaults a missing method to ``plain``; the table without it refuses both."""
    make_client(client_type=ClientType.PUBLIC)
    _, challenge = pkce()
    query = {"response_type": "code", "client_id": "example", "redirect_uri": REDIRECT, "scope": "openid"}
    query |= {"code_challenge": challenge} | ({"code_challenge_method": method} if method else {})
    server = Server(RequestValidator())
    with pytest.raises(errors.UnsupportedCodeChallengeMethodError):
        server.validate_authorization_request(f"{ISSUER}/oauth/authorize/?{urlencode(query)}")
    query["code_challenge_method"] = "S256"
    server.validate_authorization_request(f"{ISSUER}/oauth/authorize/?{urlencode(query)}")


def _last_statement(func: Any) -> str:
    node = ast.parse(textwrap.dedent(inspect.getsource(func))).body[0]
    assert isinstance(node, ast.FunctionDef)
    return ast.unparse(node.body[-1])


@pytest.mark.parametrize(
    "grant", [AuthorizationCodeGrant, OAuth2RefreshTokenGrant, ClientCredentialsGrant, DeviceCodeGrant]
)
def test_post_token_validators_run_last(grant: type[GrantTypeBase]) -> None:
    """RequestValidator.consume spends the code, refresh token or device code as a post-token
    validator: it must be the last check, so a request failing another check spends nothing."""
    last = _last_statement(grant.validate_token_request)
    assert last == "for validator in self.custom_validators.post_token:\n    validator(request)", (
        f"{grant.__name__}.validate_token_request no longer ends with the post-token validators: "
        "re-check that RequestValidator.consume is still the last check (identity.oauth2.server.Server)"
    )


RECHECK_CONTEXT = (
    "oauthlib asked the validator before calling the Server method that attaches the IssueContext: "
    "re-check where identity.oauth2.server.Server attaches it"
)


@pytest.mark.django_db
def test_every_endpoint_validates_through_the_servers_hooks_first(make_client: Any, alice: Any) -> None:
    """The context is attached in ``Server.validate_token_request`` and its siblings; oauthlib must
    call them before anything reaches the validator (which raises without the context)."""
    _, secret = make_client(client_id="svc", grant_types=[GrantType.CLIENT_CREDENTIALS], scopes="reports:read")
    make_client(client_id="cli", client_type=ClientType.PUBLIC, grant_types=[GrantType.DEVICE_CODE])
    server, form = Server(RequestValidator()), {"Content-Type": "application/x-www-form-urlencoded"}
    confidential = {**form, "Authorization": basic("svc", secret)}
    try:
        _, body, status = server.create_token_response(
            f"{ISSUER}/oauth/token/", "POST", "grant_type=client_credentials", confidential
        )
        assert status == 200, body
        access = json.loads(body)["access_token"]
        _, body, status = server.create_introspect_response(
            f"{ISSUER}/oauth/introspect/", "POST", f"token={access}", confidential
        )
        assert status == 200 and json.loads(body)["active"], body
        _, body, status = server.create_revocation_response(
            f"{ISSUER}/oauth/revoke/", "POST", f"token={access}", confidential
        )
        assert status == 200, body
        server.validate_device_authorization_request(
            OAuthRequest(f"{ISSUER}/oauth/device/", "POST", "client_id=cli&scope=openid", form)
        )
    except MissingIssueContext as exc:
        pytest.fail(f"{RECHECK_CONTEXT} ({exc})")


@pytest.mark.django_db
def test_authorization_credentials_become_request_attributes(make_client: Any, alice: Any) -> None:
    """The authorization view hands the session's context to oauthlib as a credential; oauthlib
    sets each credential on its request, where save_authorization_code reads it."""
    make_client()
    _, challenge = pkce()
    query = {"response_type": "code", "client_id": "example", "redirect_uri": REDIRECT, "scope": "openid"}
    query |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    context = IssueContext(sid="s-pinned")
    headers, _, status = Server(RequestValidator()).create_authorization_response(
        f"{ISSUER}/oauth/authorize/?{urlencode(query)}",
        scopes=["openid"],
        credentials={"user": alice, ATTRIBUTE: context},
    )
    assert status == 302, headers
    assert AuthorizationCode.objects.get().session_sid == "s-pinned", (
        "oauthlib no longer sets create_authorization_response's credentials on its request: re-check how "
        "identity.oauth2.views.authorize hands the IssueContext in"
    )
