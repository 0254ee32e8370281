"""Live demo sites for end-to-end tests: each site runs as its own process (a Django process
holds one settings module) on a free loopback port, with a fresh SQLite database, migrated and
seeded like ``make demo`` does. Site A answers on ``localhost`` and site B on ``127.0.0.1``, as
in the contract, so a browser keeps separate cookie jars for them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[2]
HOSTS = {"a": "localhost", "b": "127.0.0.1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class DemoSite:
    site: str
    port: int
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOSTS[self.site]}:{self.port}"

    @property
    def database(self) -> Path:
        return self.workdir / f"site_{self.site}.sqlite3"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ, **self.env)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env["IDENTITY_DEMO_SITE"] = self.site
        env[f"SITE_{self.site.upper()}_DATABASE_URL"] = f"sqlite:///{self.database}"
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def manage(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run a management command against this site's database."""
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self._env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def shell(self, code: str) -> str:
        """Run Python in a Django shell of this site; return its last line of output."""
        result = self.manage("shell", "-c", code)
        if result.returncode:
            raise RuntimeError(f"shell failed on site {self.site}: {result.stderr[-2000:]}")
        lines = [line for line in result.stdout.splitlines() if line and "imported automatically" not in line]
        return lines[-1] if lines else ""

    #: management commands run before the server starts
    setup_steps: ClassVar[tuple[list[str], ...]] = (["migrate", "--noinput", "-v", "0"], ["seed_demo"])

    def start(self) -> DemoSite:
        for step in self.setup_steps:
            result = self.manage(*step)
            if result.returncode:
                raise RuntimeError(f"{step} failed on site {self.site}:\n{result.stderr[-3000:]}")
        log = open(self.workdir / f"site_{self.site}.log", "wb")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{self.port}"]
            + ["--noreload", "--skip-checks"],
            env=self._env(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"site {self.site} exited: {self.log()[-3000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=1)  # noqa: S310
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"site {self.site} did not answer within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def log(self) -> str:
        path = self.workdir / f"site_{self.site}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_pair(workdir: Path, extra_env: dict[str, str] | None = None) -> tuple[DemoSite, DemoSite]:
    """Site A and site B, each knowing the other's URL."""
    port_a, port_b = free_port(), free_port()
    env = {
        "SITE_A_URL": f"http://{HOSTS['a']}:{port_a}",
        "SITE_B_URL": f"http://{HOSTS['b']}:{port_b}",
        **(extra_env or {}),
    }
    site_a = DemoSite("a", port_a, workdir, dict(env))
    site_b = DemoSite("b", port_b, workdir, dict(env))
    site_a.start()
    try:
        site_b.start()
    except Exception:
        site_a.stop()
        raise
    return site_a, site_b
