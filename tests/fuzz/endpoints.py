"""Every endpoint identity serves, as the fuzzer drives it: which site, which route (the URL
pattern as written in ``identity/**/urls.py``), which parameters it reads, which answers its
protocol allows, and how the fuzz reaches it (anonymous, signed in, past CSRF).

``tests/e2e/test_fuzz_coverage.py`` fails when a URL pattern of identity is missing here, so a
new endpoint cannot escape the fuzzer."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Family(Enum):
    """How an endpoint must answer bad input (each maps to a check in :mod:`tests.fuzz.expect`)."""

    API = "api"  # /api/auth/*: JSON {"error", "error_description"}
    TOKEN = "token"  # RFC 6749 §5.2 (+ RFC 8628 §3.5)
    REVOKE = "revoke"  # RFC 7009 §2.2.1
    INTROSPECT = "introspect"  # RFC 7662 §2.3
    DEVICE_AUTHORIZATION = "device_authorization"  # RFC 8628 §3.2
    USERINFO = "userinfo"  # RFC 6750 §3.1 (OIDC Core §5.3.3)
    METADATA = "metadata"  # discovery documents and the JWK Set: JSON
    PAGE = "page"  # an HTML page in identity's design, or a redirect
    CAS_VALIDATE = "cas_validate"  # CAS 3.0 §2.5-2.6, §2.8: XML or JSON failure codes
    CAS_VALIDATE_V1 = "cas_validate_v1"  # CAS 1.0 /validate: "no\n\n"
    CAS_PROXY = "cas_proxy"  # CAS 3.0 §2.7
    CAS_SAML = "cas_saml"  # CAS 3.0 §4.2 SAML 1.1
    BACKCHANNEL = "backchannel"  # OIDC Back-Channel Logout 1.0 §2.8
    CAS_CALLBACK = "cas_callback"  # the CAS client's service URL and SLO receiver (CAS 3.0 §2.3.3)


class Reach(Enum):
    """Who sends the fuzz: nobody in particular, or a signed-in browser (its session cookie), with
    or without the CSRF token in the form (to reach past CsrfViewMiddleware)."""

    ANONYMOUS = "anonymous"
    ANONYMOUS_CSRF = "anonymous+csrf"
    SIGNED_IN = "signed-in"
    SIGNED_IN_CSRF = "signed-in+csrf"


@dataclass(frozen=True)
class Endpoint:
    site: str  # "a" (the provider) or "b" (the relying party)
    route: str  # the URL pattern, as in identity's urls.py
    family: Family
    params: tuple[str, ...] = ()
    reach: tuple[Reach, ...] = (Reach.ANONYMOUS,)
    methods: tuple[bytes, ...] = (b"GET", b"POST")
    #: plausible values ({a}/{b}: the sites' URLs; {client}: the fuzz client) so the fuzz gets past the first check
    plausible: dict[str, list[bytes]] = field(default_factory=dict)
    #: path parameters: values that exist nowhere (the fuzz adds hostile ones)
    segments: tuple[bytes, ...] = (b"nope",)
    #: parameters sent most of the time, so the fuzz gets to the checks behind them
    required: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.site}:/{self.route}"


GRANTS = [b"client_credentials", b"authorization_code", b"refresh_token", b"password", b"implicit",
          b"urn:ietf:params:oauth:grant-type:device_code", b"urn:ietf:params:oauth:grant-type:jwt-bearer"]  # fmt: skip
CLIENT = {"client_id": [b"{client}", b"demo-site-b"], "client_secret": [b"wrong-secret"]}
TOKEN_PARAMS = ("grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "scope", "device_code",
                "client_id", "client_secret", "username", "password", "audience", "resource")  # fmt: skip
CAS_VALIDATION = ("ticket", "service", "pgtUrl", "renew", "format")
CAS_REQUIRED = ("ticket", "service")
CAS_PLAUSIBLE = {"service": [b"{b}/", b"{b}/accounts/cas/callback/"], "format": [b"JSON", b"XML", b"json"],
                 "renew": [b"true"], "ticket": [b"ST-1-abc", b"PT-1-abc"], "pgtUrl": [b"{b}/pgt"]}  # fmt: skip
LOGOUT_REQUEST = (
    b'<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="x" Version="2.0" '
    b'IssueInstant="2020-01-01T00:00:00Z"><saml:NameID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">'
    b"fuzzer</saml:NameID><samlp:SessionIndex>ST-1-abc</samlp:SessionIndex></samlp:LogoutRequest>"
)
PAGES = (Reach.ANONYMOUS, Reach.SIGNED_IN)
SIGNED_IN_FORM = (Reach.SIGNED_IN, Reach.SIGNED_IN_CSRF)
ANONYMOUS_FORM = (Reach.ANONYMOUS, Reach.ANONYMOUS_CSRF)
#: Forms whose every CSRF-valid POST changes something (they take no input to reject): fuzzed
#: with a signed-in session but never past CSRF, or the "no row changed" check would be wrong.
NO_INPUT_ACTIONS = (Reach.ANONYMOUS, Reach.SIGNED_IN)
AUTHORIZE = ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge",
             "code_challenge_method", "prompt", "max_age", "request", "consent_decision", "id_token_hint",
             "ui_locales")  # fmt: skip

ENDPOINTS: tuple[Endpoint, ...] = (
    # /api/auth/*
    Endpoint(
        "a",
        "api/auth/token/",
        Family.API,
        ("username", "password", "name", "expires_in"),
        plausible={"username": [b"fuzzer"], "expires_in": [b"60"]},
        required=("username", "password"),
        methods=(b"POST",),
    ),
    Endpoint(
        "a",
        "api/auth/jwt/",
        Family.API,
        ("username", "password", "audience"),
        plausible={"username": [b"fuzzer"]},
        required=("username", "password"),
        methods=(b"POST",),
    ),
    Endpoint("a", "api/auth/jwt/refresh/", Family.API, ("refresh",), required=("refresh",), methods=(b"POST",)),
    Endpoint("a", "api/auth/jwt/revoke/", Family.API, ("refresh", "token"), required=("refresh",), methods=(b"POST",)),
    Endpoint("a", ".well-known/jwks.json", Family.METADATA, methods=(b"GET", b"HEAD")),
    # OAuth 2.0 / OpenID Connect provider
    Endpoint(
        "a",
        "oauth/token/",
        Family.TOKEN,
        TOKEN_PARAMS,
        plausible={"grant_type": GRANTS, **CLIENT},
        required=("grant_type",),
    ),
    Endpoint(
        "a",
        "oauth/revoke/",
        Family.REVOKE,
        ("token", "token_type_hint", "client_id", "client_secret"),
        plausible={"token_type_hint": [b"access_token", b"refresh_token", b"x"], **CLIENT},
    ),
    Endpoint(
        "a",
        "oauth/introspect/",
        Family.INTROSPECT,
        ("token", "token_type_hint", "client_id", "client_secret"),
        plausible={"token_type_hint": [b"access_token", b"refresh_token"], **CLIENT},
    ),
    Endpoint(
        "a",
        "oauth/device_authorization/",
        Family.DEVICE_AUTHORIZATION,
        ("client_id", "scope", "client_secret"),
        plausible={"scope": [b"openid", b"openid profile", b"nope"], **CLIENT},
    ),
    Endpoint("a", "oauth/userinfo/", Family.USERINFO, ("access_token", "schema"), methods=(b"GET", b"POST")),
    # no plausible redirect_uri: a fuzzed request must never be a valid one (it would issue a code)
    Endpoint(
        "a",
        "oauth/authorize/",
        Family.PAGE,
        AUTHORIZE,
        reach=(Reach.ANONYMOUS, Reach.SIGNED_IN_CSRF),
        plausible={
            "response_type": [b"code", b"token", b"code id_token"],
            "client_id": [b"demo-site-b", b"{client}"],
            "scope": [b"openid", b"openid profile"],
            "code_challenge_method": [b"S256", b"plain"],
            "consent_decision": [b"allow", b"deny"],
            "prompt": [b"none", b"login", b"consent"],
        },
    ),
    Endpoint(
        "a",
        "oauth/logout/",
        Family.PAGE,
        ("id_token_hint", "post_logout_redirect_uri", "state", "client_id", "logout_hint"),
        reach=PAGES,
        methods=(b"GET",),
        plausible={"post_logout_redirect_uri": [b"{b}/", b"https://evil.example/"]},
    ),
    Endpoint(
        "a",
        "device/",
        Family.PAGE,
        ("user_code", "decision"),
        reach=(Reach.ANONYMOUS, *SIGNED_IN_FORM),
        plausible={"decision": [b"approve", b"deny"], "user_code": [b"ABCD-EFGH", b"abcdefgh"]},
    ),
    Endpoint(
        "a",
        "accounts/security/apps/<str:client_id>/disconnect/",
        Family.PAGE,
        reach=SIGNED_IN_FORM,
        segments=(b"nope", b"{client}-unknown"),
    ),
    Endpoint("a", ".well-known/openid-configuration", Family.METADATA, methods=(b"GET", b"HEAD")),
    Endpoint("a", ".well-known/oauth-authorization-server", Family.METADATA, methods=(b"GET", b"HEAD")),
    # CAS 3.0 server
    Endpoint(
        "a",
        "cas/login",
        Family.PAGE,
        ("service", "renew", "gateway", "method", "username", "password", "lt"),
        reach=ANONYMOUS_FORM,
        plausible={
            **CAS_PLAUSIBLE,
            "gateway": [b"true"],
            "method": [b"POST", b"GET", b"HEADER"],
            "username": [b"fuzzer"],
        },
    ),
    Endpoint("a", "cas/logout", Family.PAGE, ("service", "url"), plausible=CAS_PLAUSIBLE),
    *(
        Endpoint(
            "a",
            route,
            Family.CAS_VALIDATE_V1 if route == "cas/validate" else Family.CAS_VALIDATE,
            CAS_VALIDATION,
            methods=(b"GET",),
            plausible=CAS_PLAUSIBLE,
            required=CAS_REQUIRED,
        )
        for route in (
            "cas/validate",
            "cas/serviceValidate",
            "cas/proxyValidate",
            "cas/p3/serviceValidate",
            "cas/p3/proxyValidate",
        )
    ),
    Endpoint(
        "a",
        "cas/proxy",
        Family.CAS_PROXY,
        ("pgt", "targetService", "format"),
        methods=(b"GET",),
        plausible={"targetService": [b"{b}/"], "pgt": [b"PGT-1-abc"], "format": [b"JSON"]},
        required=("pgt", "targetService"),
    ),
    Endpoint(
        "a",
        "cas/samlValidate",
        Family.CAS_SAML,
        ("TARGET",),
        methods=(b"POST", b"GET"),
        plausible={"TARGET": [b"{b}/"]},
    ),
    # sessions: sign-in, sign-out, the Security page and its actions
    Endpoint(
        "a",
        "accounts/login/",
        Family.PAGE,
        ("username", "password", "next"),
        reach=ANONYMOUS_FORM,
        plausible={"username": [b"fuzzer"], "next": [b"/", b"https://evil.example/", b"//evil.example"]},
    ),
    Endpoint("a", "accounts/logout/", Family.PAGE, ("next",), reach=ANONYMOUS_FORM),
    Endpoint("a", "accounts/security/", Family.PAGE, ("tab",), reach=PAGES, methods=(b"GET",)),
    Endpoint("a", "accounts/security/sessions/<str:sid>/end/", Family.PAGE, reach=SIGNED_IN_FORM),
    Endpoint("a", "accounts/security/sign-out-everywhere/", Family.PAGE, reach=NO_INPUT_ACTIONS),
    Endpoint("a", "accounts/security/tokens/", Family.PAGE, ("name",), reach=NO_INPUT_ACTIONS),
    Endpoint(
        "a",
        "accounts/security/tokens/<int:pk>/revoke/",
        Family.PAGE,
        reach=SIGNED_IN_FORM,
        segments=(b"999999999", b"0", b"99999999999999999999999"),
    ),
    Endpoint("a", "accounts/security/apps/<str:family_id>/revoke/", Family.PAGE, reach=SIGNED_IN_FORM),
    # site B: the client side
    Endpoint(
        "b",
        "accounts/login/",
        Family.PAGE,
        ("next",),
        reach=(Reach.ANONYMOUS,),
        plausible={"next": [b"/", b"https://evil.example/", b"//evil.example", b"/\\evil.example"]},
    ),
    Endpoint("b", "accounts/logout/", Family.PAGE, ("next",), reach=ANONYMOUS_FORM),
    Endpoint(
        "b",
        "accounts/oidc/callback/",
        Family.PAGE,
        ("code", "state", "error", "error_description", "iss", "session_state"),
        reach=(Reach.ANONYMOUS, Reach.ANONYMOUS_CSRF),
        plausible={"error": [b"access_denied", b"login_required"], "iss": [b"{a}"]},
    ),
    Endpoint(
        "b",
        "accounts/oidc/backchannel-logout/",
        Family.BACKCHANNEL,
        ("logout_token",),
        methods=(b"POST", b"GET"),
        plausible={"logout_token": [b"eyJhbGciOiJub25lIn0.e30.", b"a.b.c"]},
    ),
    Endpoint(
        "b",
        "accounts/cas/callback/",
        Family.CAS_CALLBACK,
        ("ticket", "logoutRequest", "next"),
        plausible={
            "ticket": [b"ST-1-abc"],
            "logoutRequest": [
                LOGOUT_REQUEST,
                b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>',
            ],
        },
    ),
)


def by_family(*families: Family) -> list[Endpoint]:
    return [endpoint for endpoint in ENDPOINTS if endpoint.family in families]
