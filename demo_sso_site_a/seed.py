"""Demo data for site A. Each step creates what is missing and never touches a row that already
exists, so whatever someone edited in the admin survives the next ``make demo``. Later
mechanisms add their own step to ``STEPS``."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model

Report = Callable[[str], None]

USERS = [
    {
        "username": "alice",
        "password": "alice-demo-pass",
        "email": "alice@example.com",
        "first_name": "Alice",
        "last_name": "Liddell",
    },
    {"username": "bob", "password": "bob-demo-pass", "email": "bob@example.com", "first_name": "Bob", "last_name": ""},
]
ADMIN = {"username": "admin", "password": "admin-demo-pass", "email": "admin@example.com"}


def ensure_user(spec: dict[str, str], report: Report, *, superuser: bool = False) -> None:
    user_model = get_user_model()
    fields = {k: v for k, v in spec.items() if k not in {"username", "password"}}
    if superuser:
        fields.update(is_staff=True, is_superuser=True)
    created = not user_model._default_manager.filter(username=spec["username"]).exists()
    if created:
        user = user_model(username=spec["username"], **fields)
        user.set_password(spec["password"])
        user.save()
    report(f"user {spec['username']}: {'created' if created else 'kept as it is'}")


def seed_users(report: Report) -> None:
    for spec in USERS:
        ensure_user(spec, report)
    ensure_user(ADMIN, report, superuser=True)


def cas_services() -> list[dict[str, object]]:
    """The contract's CAS service row for site B: every URL under site B, its profile
    attributes, single logout to its CAS callback."""
    site_b = settings.SITE_B_URL
    return [
        {
            "name": "Reports (site B)",
            "match_type": "prefix",
            "pattern": f"{site_b}/",
            "released_attributes": "email first_name last_name",
            "slo_url": f"{site_b}/accounts/cas/callback/",
            "description": "The demo's second product, signing in through the Portal by CAS.",
        }
    ]


def seed_cas_services(report: Report) -> None:
    from identity.cas.models import CasService

    for spec in cas_services():
        row, created = CasService.objects.get_or_create(name=spec["name"], defaults=spec)
        if created:
            row.full_clean()
        report(f"CAS service {row.name}: {'created' if created else 'kept as it is'} ({row.pattern})")


def seed_signing_key(report: Report) -> None:
    """The first JWT signing key, so the JWK Set is ready before the first token (created on
    first use otherwise); an existing key is kept, rotation is ``identity_rotate_keys``."""
    from identity.jwt import keys

    existed = keys.SigningKey.objects.unretired().exists()
    row = keys.signing_key()
    report(f"JWT signing key {row.kid} ({row.alg}): {'kept as it is' if existed else 'created'}")


#: Site B as an OpenID Connect client (the contract's values; URLs follow SITE_B_URL).
SITE_B_CLIENT_ID = "demo-site-b"
SITE_B_CLIENT_SECRET = "demo-site-b-secret"


def seed_oauth_clients(report: Report) -> None:
    from identity.oauth2.models import Client, ClientType, GrantType

    if Client.objects.filter(client_id=SITE_B_CLIENT_ID).exists():
        report(f"OAuth client {SITE_B_CLIENT_ID}: kept as it is")
        return
    site_b = settings.SITE_B_URL
    client = Client(
        name="Reports",
        client_id=SITE_B_CLIENT_ID,
        client_type=ClientType.CONFIDENTIAL,
        grant_types=[GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN],
        redirect_uris=f"{site_b}/accounts/oidc/callback/",
        post_logout_redirect_uris=f"{site_b}/",
        backchannel_logout_uri=f"{site_b}/accounts/oidc/backchannel-logout/",
        scopes="openid profile email revenue:read",
        trusted=True,
        require_pkce=True,
    )
    client.set_secret(SITE_B_CLIENT_SECRET)
    client.save()
    report(f"OAuth client {SITE_B_CLIENT_ID}: created (secret {SITE_B_CLIENT_SECRET})")


STEPS: list[Callable[[Report], None]] = [seed_users, seed_signing_key, seed_cas_services, seed_oauth_clients]
