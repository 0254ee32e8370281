from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from demo_sso_site_b.seed import STEPS


class Command(BaseCommand):
    help = "Create site B's demo data where missing (never overwrites a row)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            for step in STEPS:
                step(lambda message: self.stdout.write(f"  {message}"))
        self.stdout.write(self.style.SUCCESS("site B demo data is in place"))
