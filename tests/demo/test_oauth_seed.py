"""Site A's seed registers site B as the contract's OpenID Connect client, once: a second run
keeps whatever an admin changed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.demo.test_demo_sites import manage

PROBE = (
    "import json; from identity.oauth2.models import Client; c = Client.objects.get(client_id='demo-site-b'); "
    "print(json.dumps([c.check_secret('demo-site-b-secret'), c.client_type, c.grant_types, c.redirect_uri_list, "
    "c.post_logout_redirect_uri_list, c.backchannel_logout_uri, c.scopes, c.trusted, c.pkce_required]))"
)


def test_site_a_seeds_the_demo_client_once(tmp_path: Path) -> None:
    db = tmp_path / "site_a.sqlite3"
    assert manage("a", "migrate", "--noinput", "-v", "0", db=db).returncode == 0
    first = manage("a", "seed_demo", db=db)
    assert first.returncode == 0, first.stderr
    assert "OAuth client demo-site-b: created" in first.stdout
    probe = manage("a", "shell", "-c", PROBE, db=db)
    assert json.loads(probe.stdout.strip().splitlines()[-1]) == [
        True,
        "confidential",
        ["authorization_code", "refresh_token"],
        ["http://127.0.0.1:8001/accounts/oidc/callback/"],
        ["http://127.0.0.1:8001/"],
        "http://127.0.0.1:8001/accounts/oidc/backchannel-logout/",
        "openid profile email revenue:read",
        True,
        True,
    ]
    edit = "from identity.oauth2.models import Client; Client.objects.update(trusted=False)"
    assert manage("a", "shell", "-c", edit, db=db).returncode == 0
    second = manage("a", "seed_demo", db=db)
    assert "OAuth client demo-site-b: kept as it is" in second.stdout
    assert json.loads(manage("a", "shell", "-c", PROBE, db=db).stdout.strip().splitlines()[-1])[7] is False
