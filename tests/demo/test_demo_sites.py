"""Both demo projects import, pass Django's checks, migrate and seed idempotently. Each runs in a
subprocess because a Django process holds one settings module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(site: str, *args: str, db: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ, IDENTITY_DEMO_SITE=site, **{f"SITE_{site.upper()}_DATABASE_URL": f"sqlite:///{db}"}, **(env or {})
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("site", ["a", "b"])
def test_demo_site_passes_its_checks(site: str, tmp_path: Path) -> None:
    check = manage(site, "check", db=tmp_path / f"site_{site}.sqlite3")
    assert check.returncode == 0, check.stderr
    assert "identity.W103" in check.stderr  # the demo's plain-http cookies are called out


def test_site_a_migrates_and_seeds_idempotently(tmp_path: Path) -> None:
    db = tmp_path / "site_a.sqlite3"
    assert manage("a", "migrate", "--noinput", "-v", "0", db=db).returncode == 0
    first = manage("a", "seed_demo", db=db)
    assert first.returncode == 0, first.stderr
    assert "user alice: created" in first.stdout
    assert "CAS service Reports (site B): created (http://127.0.0.1:8001/)" in first.stdout
    # Someone edits alice and site B's CAS service in the admin; the next seed keeps the edits.
    edit = manage(
        "a",
        "shell",
        "-c",
        "from django.contrib.auth.models import User; from identity.cas.models import CasService; "
        "User.objects.filter(username='alice').update(first_name='Edited'); "
        "CasService.objects.filter(name='Reports (site B)').update(released_attributes='email')",
        db=db,
    )
    assert edit.returncode == 0, edit.stderr
    second = manage("a", "seed_demo", db=db)
    assert "user alice: kept as it is" in second.stdout
    assert "CAS service Reports (site B): kept as it is" in second.stdout
    probe = manage(
        "a",
        "shell",
        "-c",
        "from django.contrib.auth import authenticate; from identity.cas.models import CasService; "
        "u = authenticate(username='alice', password='alice-demo-pass'); s = CasService.objects.get(); "
        "print(u.first_name, u.email, s.released_attributes, s.slo_url)",
        db=db,
    )
    assert probe.stdout.strip().splitlines()[-1] == (
        "Edited alice@example.com email http://127.0.0.1:8001/accounts/cas/callback/"
    )


def test_site_b_has_no_local_users_to_seed(tmp_path: Path) -> None:
    db = tmp_path / "site_b.sqlite3"
    assert manage("b", "migrate", "--noinput", "-v", "0", db=db).returncode == 0
    seeded = manage("b", "seed_demo", db=db)
    assert seeded.returncode == 0, seeded.stderr
    count = manage(
        "b", "shell", "-c", "from django.contrib.auth.models import User; print(User.objects.count())", db=db
    )
    assert count.stdout.strip().splitlines()[-1] == "0"  # users arrive through single sign-on


@pytest.mark.parametrize(("sign_in", "ok"), [("cas", True), ("", True), ("saml", False)])
def test_site_b_sign_in_protocol_is_chosen_by_environment(sign_in: str, ok: bool, tmp_path: Path) -> None:
    env = {"SITE_B_SIGN_IN": sign_in} if sign_in else {}
    check = manage("b", "check", db=tmp_path / "b.sqlite3", env=env)
    assert (check.returncode == 0) is ok, check.stderr
    if not ok:
        assert "identity.E701" in check.stderr


def test_manage_py_refuses_an_unknown_site(tmp_path: Path) -> None:
    result = manage("c", "check", db=tmp_path / "x.sqlite3")
    assert result.returncode != 0 and "IDENTITY_DEMO_SITE must be" in result.stderr
