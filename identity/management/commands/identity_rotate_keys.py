"""Rotate JWT signing keys: publish a new key at once, sign with it once the JWK Set's cache
lifetime has passed, and retire keys whose last token has expired."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from identity.conf import identity_settings
from identity.jwt import keys
from identity.jwt.models import SigningKey


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "—"


class Command(BaseCommand):
    help = "Publish a new JWT signing key (it signs after the JWK Set cache lifetime) and retire expired keys."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--alg", choices=keys.SUPPORTED, help="Rotate only this algorithm's key.")
        parser.add_argument(
            "--now",
            action="store_true",
            help="Sign with the new key at once (after a compromise); verifiers fetch it on the unknown kid.",
        )
        parser.add_argument("--retire-only", action="store_true", help="Only retire keys whose tokens have expired.")
        parser.add_argument("--list", action="store_true", help="Only list the keys and their states.")

    def handle(self, *args: Any, alg: str | None = None, now: bool = False, **options: Any) -> None:
        if not identity_settings.JWT_ENABLED:
            raise CommandError("JWTs are switched off on this site (IDENTITY['JWT_ENABLED']).")
        if options["list"]:
            self._list()
            return
        published = 0
        if not options["retire_only"]:
            wait = identity_settings.JWT_JWKS_MAX_AGE
            when = "at once" if now else f"after the JWK Set cache lifetime ({wait} s)"
            self.stdout.write(self.style.MIGRATE_HEADING(f"Publishing new signing keys; they sign {when}"))
            started = timezone.now()
            for row in keys.rotate(alg, immediately=now):
                fresh = row.created_at >= started
                status = "published" if fresh else "already waiting to sign"
                self.stdout.write(f"  {row.alg}: key {row.kid} {status}, signs from {_when(row.signs_from)}")
                published += fresh
        self.stdout.write(self.style.MIGRATE_HEADING("Retiring keys whose last token has expired"))
        retired = keys.retire_due()
        for row in retired:
            self.stdout.write(f"  {row.alg}: key {row.kid} retired (removed from the JWK Set, private half destroyed)")
        if not retired:
            self.stdout.write("  none due")
        self._list()
        self.stdout.write(self.style.SUCCESS(f"identity_rotate_keys: {published} published, {len(retired)} retired"))

    def _list(self) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING("Signing keys"))
        rows = list(SigningKey.objects.unretired().order_by("alg", "-signs_from"))
        if not rows:
            self.stdout.write("  none yet (the first key is created when the first token is signed)")
        for row in rows:
            self.stdout.write(
                f"  {row.kid}  {row.alg:<5}  {row.state():<8}  signs {_when(row.signs_from)} → "
                f"{_when(row.signs_until)}  last token expires {_when(row.last_expiry)}"
            )
