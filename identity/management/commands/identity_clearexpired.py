"""End expired sessions through ``session_ended`` and delete expired rows in batches."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from identity.core import mechanisms


def run_cleanup(report: Any) -> dict[str, int]:
    summary: dict[str, int] = {}
    for name, func in mechanisms.cleanup_tasks().items():
        report(f"{name}: starting")
        summary.update(func(report))
    return summary


class Command(BaseCommand):
    help = "End expired sessions (sending session_ended) and delete expired identity rows in batches."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print only the summary.")

    def handle(self, *args: Any, quiet: bool = False, **options: Any) -> None:
        def report(message: str) -> None:
            if not quiet:
                self.stdout.write(f"  {message}")

        summary = run_cleanup(report)
        for what, count in summary.items():
            self.stdout.write(f"{what}: {count}")
        self.stdout.write(self.style.SUCCESS("identity_clearexpired: done"))
