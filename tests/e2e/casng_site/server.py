"""The django-cas-ng site as a live server process, one per CAS version (a Django process holds
one settings module), built on the demo sites' process helper."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from tests.e2e.servers import DemoSite, free_port


@dataclass
class CasNgSite(DemoSite):
    version: str = "3"
    server_url: str = ""
    setup_steps: ClassVar[tuple[list[str], ...]] = (["migrate", "--noinput", "-v", "0"],)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.workdir / f"{self.site}.sqlite3"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="tests.e2e.casng_site.settings",
            IDENTITY_DEMO_SITE="a",  # manage.py insists on a demo site; the settings module above wins
            CASNG_DATABASE=str(self.database),
            CASNG_SERVER_URL=self.server_url,
            CASNG_VERSION=self.version,
            PYTHONUNBUFFERED="1",
        )
        return env


def casng_site(workdir: Path, server_url: str, version: str) -> CasNgSite:
    """The site for one CAS version, on a free port, not started yet (register it first: its
    start-up probe follows the redirect to the CAS server's login)."""
    slug = "casng_" + version.lower().replace("_", "")
    return CasNgSite(slug, free_port(), workdir, version=version, server_url=server_url)
