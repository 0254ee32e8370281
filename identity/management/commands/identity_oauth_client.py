"""Create, list and rotate OAuth clients from scripts (the admin does the same for people).

    manage.py identity_oauth_client create --name "Reports" --grant authorization_code \\
        --grant refresh_token --redirect-uri https://reports.example.com/cb --scope openid
    manage.py identity_oauth_client list [--json]
    manage.py identity_oauth_client rotate-secret <client_id>

A new confidential client's secret is printed once; only its keyed hash is stored.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from identity.oauth2.forms import ClientForm
from identity.oauth2.models import Client, ClientType, GrantType, new_client_id

GRANT_ALIASES = {"device_code": GrantType.DEVICE_CODE.value}


class Command(BaseCommand):
    help = "Create, list or rotate the secret of OAuth 2.0 / OpenID Connect clients."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Register a client (validated like the admin form).")
        create.add_argument("--name", required=True)
        create.add_argument("--client-id", default="")
        create.add_argument("--public", action="store_true", help="A public client (no secret, PKCE only).")
        create.add_argument(
            "--grant",
            action="append",
            default=[],
            help="authorization_code, refresh_token, client_credentials or device_code (repeatable).",
        )
        create.add_argument("--redirect-uri", action="append", default=[])
        create.add_argument("--post-logout-redirect-uri", action="append", default=[])
        create.add_argument("--backchannel-logout-uri", default="")
        create.add_argument("--scope", action="append", default=[], help="Allowed scope (repeatable).")
        create.add_argument("--trusted", action="store_true", help="Skip the consent page (first-party).")
        create.add_argument("--secret", default="", help="Use this secret instead of generating one.")
        create.add_argument("--token-format", choices=["", "jwt", "opaque"], default="")
        create.add_argument("--json", action="store_true")
        listing = sub.add_parser("list", help="Show every client.")
        listing.add_argument("--json", action="store_true")
        rotate = sub.add_parser("rotate-secret", help="Issue a new secret; the old one stops working.")
        rotate.add_argument("client_id")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, "_" + action.replace("-", "_"))(**options)

    def _create(self, **o: Any) -> None:
        scopes = [s for value in o["scope"] for s in value.split()] or ["openid"]
        data = {
            "name": o["name"],
            "client_id": o["client_id"] or new_client_id(),
            "client_type": ClientType.PUBLIC if o["public"] else ClientType.CONFIDENTIAL,
            "grant_types": [GRANT_ALIASES.get(g, g) for g in o["grant"]],
            "redirect_uris": "\n".join(o["redirect_uri"]),
            "post_logout_redirect_uris": "\n".join(o["post_logout_redirect_uri"]),
            "backchannel_logout_uri": o["backchannel_logout_uri"],
            "scopes": scopes,
            "trusted": o["trusted"],
            "require_pkce": True,
            "access_token_format": o["token_format"],
            "is_active": True,
        }
        form = ClientForm(data=data)
        if not form.is_valid():
            problems = "; ".join(f"{field}: {' '.join(map(str, errs))}" for field, errs in form.errors.items())
            raise CommandError(f"The client was not created: {problems}")
        with transaction.atomic():
            client: Client = form.save(commit=False)
            secret = client.set_secret(o["secret"] or None) if client.is_confidential else None
            client.save()
        if o["json"]:
            self.stdout.write(json.dumps({**_describe(client), "client_secret": secret}))
            return
        self.stdout.write(self.style.SUCCESS(f"Created {client.name}: client_id {client.client_id}"))
        if secret:
            self.stdout.write(f"client_secret: {secret}")
            self.stdout.write("Copy it now: only its hash is stored.")

    def _list(self, **o: Any) -> None:
        clients = [_describe(c) for c in Client.objects.order_by("name")]
        if o["json"]:
            self.stdout.write(json.dumps(clients, indent=2))
            return
        if not clients:
            self.stdout.write("No clients.")
        for c in clients:
            state = "" if c["is_active"] else " (inactive)"
            self.stdout.write(f"{c['client_id']:<28} {c['client_type']:<13} {c['name']}{state}")
            self.stdout.write(f"    grants: {', '.join(c['grant_types'])}; scopes: {c['scopes']}")
            for uri in c["redirect_uris"]:
                self.stdout.write(f"    redirect: {uri}")

    def _rotate_secret(self, **o: Any) -> None:
        client = Client.objects.filter(client_id=o["client_id"]).first()
        if client is None:
            raise CommandError(f"No client {o['client_id']!r}.")
        if not client.is_confidential:
            raise CommandError("A public client has no secret.")
        secret = client.set_secret()
        client.save(update_fields=["secret_digest", "secret_created_at", "updated_at"])
        self.stdout.write(f"client_secret: {secret}")


def _describe(client: Client) -> dict[str, Any]:
    return {
        "client_id": client.client_id,
        "name": client.name,
        "client_type": client.client_type,
        "grant_types": list(client.grant_types or []),
        "redirect_uris": client.redirect_uri_list,
        "post_logout_redirect_uris": client.post_logout_redirect_uri_list,
        "backchannel_logout_uri": client.backchannel_logout_uri,
        "scopes": client.scopes,
        "trusted": client.trusted,
        "is_active": client.is_active,
    }
