"""The fuzzer's side of the live demo pair: a fuzz user and a fuzz OAuth client on site A, a
signed-in browser session and an anonymous one (cookies and CSRF tokens to put in hostile
requests), the strategy for each endpoint, and the valid requests that must still succeed
after each batch."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from hypothesis import strategies as st

from tests.fuzz.endpoints import Endpoint, Family, Reach
from tests.fuzz.strategies import Case, cases, hostile_value
from tests.fuzz.wire import send

USER, PASSWORD = "fuzzer", "fuzzer-demo-pass-9f3a"
CLIENT_ID, CLIENT_SECRET = "fuzz-batch", "fuzz-batch-secret-5c1e"
ANONYMOUS_CSRF = b"fuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZ"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SETUP = """
import json
from django.contrib.auth import get_user_model
from identity.oauth2.models import Client
User = get_user_model()
if not User.objects.filter(username={user!r}).exists():
    user = User(username={user!r}, email="fuzzer@example.com"); user.set_password({password!r}); user.save()
if not Client.objects.filter(client_id={client!r}).exists():
    c = Client(name="Fuzz batch job", client_id={client!r}, client_type="confidential",
               grant_types=["client_credentials"], scopes="revenue:read", redirect_uris="")
    c.set_secret({secret!r}); c.save()
print("ok")
"""


@dataclass
class Browser:
    """A browser's state: its cookies (as one Cookie header) and the CSRF token of its forms."""

    cookie: bytes
    csrf: bytes


def _browser(session: requests.Session, page: requests.Response) -> Browser:
    match = CSRF.search(page.text)
    assert match, page.text[:2000]
    cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    return Browser(cookie.encode(), match.group(1).encode())


class Fuzzer:
    def __init__(self, site_a: Any, site_b: Any) -> None:
        self.site_a, self.site_b = site_a, site_b
        assert site_a.shell(SETUP.format(user=USER, password=PASSWORD, client=CLIENT_ID, secret=CLIENT_SECRET)) == "ok"
        self.signed_in_session = requests.Session()
        form = self.signed_in_session.get(f"{site_a.url}/accounts/login/", timeout=15)
        signed = self.signed_in_session.post(
            form.url,
            data={
                "username": USER,
                "password": PASSWORD,
                "csrfmiddlewaretoken": _browser(self.signed_in_session, form).csrf,
            },
            headers={"Referer": form.url},
            timeout=15,
        )
        assert signed.status_code == 200 and USER in signed.text, signed.text[:2000]
        security = self.signed_in_session.get(f"{site_a.url}/accounts/security/", timeout=15)
        self.signed_in = _browser(self.signed_in_session, security)
        # Django accepts its unmasked 32-character secret as the form's token (the cookie's value):
        # an anonymous browser's CSRF pair, for either site, with no page to scrape.
        self.anonymous = {
            "a": Browser(b"portal_csrftoken=" + ANONYMOUS_CSRF, ANONYMOUS_CSRF),
            "b": Browser(b"reports_csrftoken=" + ANONYMOUS_CSRF, ANONYMOUS_CSRF),
        }

    def site(self, endpoint: Endpoint) -> Any:
        return self.site_a if endpoint.site == "a" else self.site_b

    def fill(self, value: bytes) -> bytes:
        return (
            value.replace(b"{a}", self.site_a.url.encode())
            .replace(b"{b}", self.site_b.url.encode())
            .replace(b"{client}", CLIENT_ID.encode())
        )

    def strategy(self, endpoint: Endpoint, reach: Reach) -> st.SearchStrategy[Case]:
        """Hostile requests to ``endpoint`` as ``reach`` sends them."""
        site = self.site(endpoint)
        plausible = {name: [self.fill(v) for v in values] for name, values in endpoint.plausible.items()}
        browser = self.signed_in if reach in {Reach.SIGNED_IN, Reach.SIGNED_IN_CSRF} else self.anonymous[endpoint.site]
        headers: list[tuple[bytes, bytes]] = []
        fields: list[tuple[bytes, bytes]] = []
        if reach is not Reach.ANONYMOUS and browser.cookie:
            headers.append((b"Cookie", browser.cookie))
        if reach in {Reach.ANONYMOUS_CSRF, Reach.SIGNED_IN_CSRF}:
            fields.append((b"csrfmiddlewaretoken", browser.csrf))
            headers += [(b"Origin", site.url.encode()), (b"Referer", site.url.encode() + b"/")]
        return self._paths(endpoint).flatmap(
            lambda path: cases(
                path,
                endpoint.params,
                plausible,
                endpoint.methods,
                tuple(headers),
                tuple(fields),
                reads_json=endpoint.family is Family.API,
                required=endpoint.required,
            )
        )

    def _paths(self, endpoint: Endpoint) -> st.SearchStrategy[bytes]:
        route = "/" + endpoint.route
        if "<" not in route:
            return st.just(route.encode())
        segment = st.sampled_from([self.fill(s) for s in endpoint.segments]) | hostile_value().map(
            lambda v: (
                (v or b"x").replace(b"%", b"%25").replace(b"/", b"%2F").replace(b"?", b"%3F").replace(b"#", b"%23")
            )
        ).map(lambda v: bytes(c if 0x20 < c < 0x7F else 0x41 for c in v))
        return segment.map(lambda seg: re.sub(rb"<[^>]+>", lambda _: seg, route.encode()))

    def send(self, endpoint: Endpoint, case: Case) -> Any:
        return send(self.site(endpoint).url, case.request)

    # The valid requests that must still work after a batch -------------------------------

    def healthy(self) -> None:
        a = self.site_a.url
        token = requests.post(f"{a}/oauth/token/", data={"grant_type": "client_credentials"},
                              auth=(CLIENT_ID, CLIENT_SECRET), timeout=15)  # fmt: skip
        assert token.status_code == 200 and token.json().get("access_token"), token.text
        pair = requests.post(f"{a}/api/auth/jwt/", json={"username": USER, "password": PASSWORD}, timeout=15)
        assert pair.status_code == 200 and pair.json().get("access"), pair.text
        assert (
            self.signed_in_session.get(f"{a}/accounts/security/", allow_redirects=False, timeout=15).status_code == 200
        )
        service = f"{self.site_b.url}/"
        issued = self.signed_in_session.get(
            f"{a}/cas/login", params={"service": service}, allow_redirects=False, timeout=15
        )
        assert issued.status_code in {302, 303}, issued.text[:2000]
        ticket = parse_qs(urlsplit(issued.headers["Location"]).query)["ticket"][0]
        validated = requests.get(
            f"{a}/cas/p3/serviceValidate", params={"ticket": ticket, "service": service, "format": "JSON"}, timeout=15
        )
        success = json.loads(validated.text)["serviceResponse"].get("authenticationSuccess")
        assert success and success["user"] == USER, validated.text
