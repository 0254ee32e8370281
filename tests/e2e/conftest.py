"""Fixtures for end-to-end tests: the two demo sites as live servers (started once per test
session) and a headless Debian chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import unavailable
from tests.e2e.servers import DemoSite, start_pair

CHROMIUM = os.environ.get("IDENTITY_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def demo_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoSite, DemoSite]]:
    """Site A and site B as the demo runs them (SQLite, database sessions; site B signs in by
    OpenID Connect, its default), started once."""
    workdir: Path = tmp_path_factory.mktemp("demo")
    site_a, site_b = start_pair(workdir)
    try:
        yield site_a, site_b
    finally:
        site_a.stop()
        site_b.stop()


@pytest.fixture(scope="session")
def cas_demo_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoSite, DemoSite]]:
    """The same pair with site B signing in by CAS (``SITE_B_SIGN_IN=cas``), started once."""
    workdir: Path = tmp_path_factory.mktemp("demo-cas")
    site_a, site_b = start_pair(workdir, {"SITE_B_SIGN_IN": "cas"})
    try:
        yield site_a, site_b
    finally:
        site_a.stop()
        site_b.stop()


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """Debian's chromium (never a downloaded browser), headless, shared by the session."""
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        unavailable(f"chromium is not installed at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium_browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A fresh browser context (its own cookie jars) and page; a screenshot is kept on failure."""
    context = chromium_browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()
