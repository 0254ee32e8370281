from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from demo_sso_site_a.seed import STEPS


class Command(BaseCommand):
    help = "Create site A's demo users, admin and registrations where missing (never overwrites a row)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            for step in STEPS:
                step(lambda message: self.stdout.write(f"  {message}"))
        self.stdout.write(self.style.SUCCESS("site A demo data is in place"))
