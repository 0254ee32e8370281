"""``make demo``: migrate and seed both sites, then run site A, site B and their identity workers
in the foreground as one process tree; Ctrl-C stops everything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parents[3]
SITES = {
    "a": {"label": "site A", "url": os.environ.get("SITE_A_URL", "http://localhost:8000")},
    "b": {"label": "site B", "url": os.environ.get("SITE_B_URL", "http://127.0.0.1:8001")},
}
SIGN_IN = os.environ.get("SITE_B_SIGN_IN", "cas")
CREDENTIALS = [
    ("alice", "alice-demo-pass", "demo user (Alice Liddell)"),
    ("bob", "bob-demo-pass", "demo user"),
    ("admin", "admin-demo-pass", "site A's /admin/"),
]


def _manage(site: str, *args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def _env(site: str) -> dict[str, str]:
    env = dict(os.environ, IDENTITY_DEMO_SITE=site, PYTHONUNBUFFERED="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _pump(stream: IO[str], prefix: str) -> None:
    for line in stream:
        sys.stdout.write(f"{prefix} {line}")
        sys.stdout.flush()


class Command(BaseCommand):
    help = "Run the whole demo: both sites with their demo data and the identity worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-run", action="store_true", help="Migrate and seed only.")

    def handle(self, *args: Any, no_run: bool = False, **options: Any) -> None:
        for site, info in SITES.items():
            self.stdout.write(self.style.MIGRATE_HEADING(f"Preparing {info['label']} ({info['url']})"))
            for step in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
                done = subprocess.run(_manage(site, *step), env=_env(site), cwd=ROOT, check=False)  # noqa: S603
                if done.returncode:
                    raise CommandError(f"{' '.join(step)} failed for {info['label']}")
        if no_run:
            return
        self._run()

    def _run(self) -> None:
        children: list[subprocess.Popen[str]] = []
        for site, info in SITES.items():
            parts = urlsplit(info["url"])
            bind = f"127.0.0.1:{parts.port or 80}"
            commands = {
                info["label"]: ["runserver", bind, "--noreload", "--skip-checks"],
                f"{info['label']} worker": ["identity_worker"],
            }
            for label, command in commands.items():
                child = subprocess.Popen(  # noqa: S603
                    _manage(site, *command),
                    env=_env(site),
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    start_new_session=False,
                )
                children.append(child)
                threading.Thread(target=_pump, args=(child.stdout, f"[{label}]"), daemon=True).start()
        self._banner()

        def stop(*_: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            self.stderr.write("A demo process stopped; stopping the others.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping the demo…")
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()

    def _banner(self) -> None:
        lines = [
            "",
            "identity demo is running (Ctrl-C stops everything)",
            f"  site A, Portal (identity provider): {SITES['a']['url']}/   admin: {SITES['a']['url']}/admin/",
            f"  site B, Reports (signs in through site A by {SIGN_IN.upper()}): {SITES['b']['url']}/",
            "  demo accounts:",
            *[f"    {user:<6} / {password:<16} {what}" for user, password, what in CREDENTIALS],
            "",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
