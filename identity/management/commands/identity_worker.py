"""The identity worker: delivers due outbox messages with backoff and runs the cleanup
periodically. Run one or more beside the web workers (they coordinate through row leases, so two
workers never deliver the same message at once)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from identity.conf import identity_settings
from identity.management.commands.identity_clearexpired import run_cleanup
from identity.outbox.services import deliver_due


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # the sites report them; a worker should just start
    help = "Deliver outbox messages (single logout, back-channel logout) and run the periodic cleanup."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="One pass (deliveries + cleanup), then exit.")
        parser.add_argument("--no-cleanup", action="store_true", help="Never run identity_clearexpired.")

    def handle(self, *args: Any, once: bool = False, no_cleanup: bool = False, **options: Any) -> None:
        self._stop = False
        if not once:
            signal.signal(signal.SIGTERM, self._request_stop)
            signal.signal(signal.SIGINT, self._request_stop)
            self.stdout.write("identity worker: delivering the outbox and cleaning up (Ctrl-C stops)")
        last_cleanup = 0.0
        while not self._stop:
            delivered, failed = deliver_due()
            if delivered or failed:
                self.stdout.write(f"outbox: {delivered} delivered, {failed} to retry")
            now = time.monotonic()
            if not no_cleanup and (once or now - last_cleanup >= identity_settings.WORKER_CLEANUP_INTERVAL):
                summary = run_cleanup(lambda message: None)
                changed = {k: v for k, v in summary.items() if v}
                if changed:
                    self.stdout.write("cleanup: " + ", ".join(f"{k} {v}" for k, v in changed.items()))
                last_cleanup = now
            close_old_connections()
            if once:
                break
            time.sleep(identity_settings.WORKER_POLL_INTERVAL)
        if not once:
            self.stdout.write("identity worker: stopped")

    def _request_stop(self, signum: int, frame: Any) -> None:
        self._stop = True
