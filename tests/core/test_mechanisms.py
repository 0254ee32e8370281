"""Manifests (identity.core.mechanisms): each mechanism declares its parts in one place, and one
setting says which mechanisms are on."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils.module_loading import import_string

import identity
from identity.conf import DEFAULT_MECHANISMS
from identity.core import mechanisms
from identity.core.authenticators import get_authenticators
from identity.core.checks import check_mechanisms

ROOT = Path(__file__).resolve().parents[2]
IDENTITY_DIR = Path(identity.__file__).parent
#: Modules that, by the house's layout, are a mechanism's contributions.
CONTRIBUTION_MODULES = {
    "receivers": "receivers",
    "checks": "checks",
    "cleanup": "cleanup",
    "urls": "urls",
    "admin": "admin",
    "models": "models",
    "security": "security_sections",
}


def without(*packages: str) -> list[str]:
    return [package for package in DEFAULT_MECHANISMS if package not in packages]


def objects_named(manifest: mechanisms.Manifest) -> list[str]:
    dotted = [*manifest.authenticators, *manifest.receivers, *(check.path for check in manifest.checks)]
    dotted += [path for _, path in manifest.cleanup] + list(manifest.security_sections)
    return dotted + [path for path in (manifest.urls, manifest.client_urls) if path]


def modules_named(manifest: mechanisms.Manifest) -> set[str]:
    modules = {path.rsplit(".", 1)[0] for path in objects_named(manifest)}
    return modules | {module for module in (manifest.admin, manifest.models) if module}


def test_every_built_in_entry_imports():
    for package, manifest in mechanisms.builtin():
        for path in objects_named(manifest):
            found = import_string(path)
            assert callable(found) or isinstance(found, list), (package, path)
        for module in (manifest.admin, manifest.models):
            if module:
                import_module(module)


def test_no_contribution_module_is_left_out_of_its_manifest():
    """The old failure: a receivers/cleanup/security module nobody imported never ran. Every
    such module under identity/ must be named by its package's manifest."""
    named = {package: modules_named(manifest) for package, manifest in mechanisms.builtin()}
    missing = []
    for path in IDENTITY_DIR.rglob("*.py"):
        if path.stem not in CONTRIBUTION_MODULES or path.parent == IDENTITY_DIR:
            continue
        package = ".".join(path.parent.relative_to(IDENTITY_DIR.parent).parts)
        if path.parent.name == "views":  # a package of views: its parent is the mechanism
            package = package.rsplit(".", 1)[0]
        module = f"{'.'.join(path.parent.relative_to(IDENTITY_DIR.parent).parts)}.{path.stem}"
        if package == "identity.core" and path.stem in {"checks", "cleanup", "admin"}:
            if path.stem == "checks":
                assert module in named[package]
            continue  # core.cleanup and core.admin are helpers the others use
        if module not in named.get(package, set()):
            missing.append(module)
    assert missing == []


def test_authenticators_come_from_the_manifests_in_order():
    assert mechanisms.paths("authenticators") == [
        "identity.sessions.authenticator.SessionAuthenticator",
        "identity.basic.authenticator.BasicAuthenticator",
        "identity.tokens.authenticator.TokenAuthenticator",
        "identity.oauth2.authenticator.OAuth2TokenAuthenticator",
        "identity.jwt.authenticator.JWTAuthenticator",
        "identity.jwt.authenticator.JWTCookieAuthenticator",
        "identity.jwt.remote.RemoteJWTAuthenticator",
    ]


def test_switching_a_mechanism_off_removes_its_parts():
    with override_settings(IDENTITY={"MECHANISMS": without("identity.tokens")}):
        assert "token" not in {a.method for a in get_authenticators()}
        assert "tokens" not in mechanisms.cleanup_tasks()
        assert all("tokens" not in section.__module__ for section in mechanisms.security_sections())
    assert "token" in {a.method for a in get_authenticators()}
    assert "tokens" in mechanisms.cleanup_tasks()


def test_the_other_contributions_keep_their_order():
    """The order of the default mechanisms is the order of the Security page's sections, the
    cleanup tasks and the URL patterns."""
    sections = [f"{s.__module__}.{s.__name__}" for s in mechanisms.security_sections()]
    assert sections == [
        "identity.tokens.security.tokens_section",
        "identity.oauth2.views.connected.security_section",
        "identity.jwt.security.jwt_section",
        "identity.cas.security.applications_section",
    ]
    assert list(mechanisms.cleanup_tasks()) == ["sessions", "tokens", "oauth2", "jwt", "cas", "outbox", "cas client"]
    assert mechanisms.modules("urls") == [
        "identity.sessions.urls.sessions_urlpatterns",
        "identity.tokens.urls.tokens_urlpatterns",
        "identity.oauth2.urls.oauth2_urlpatterns",
        "identity.jwt.urls.jwt_urlpatterns",
        "identity.cas.urls.cas_urlpatterns",
    ]


def test_a_switched_off_built_in_mechanism_still_hears_sign_outs():
    """Its rows stay (the models always exist): its receivers must still revoke them, or a token
    issued before would work again once the mechanism is switched back on."""
    with override_settings(IDENTITY={"MECHANISMS": without("identity.tokens", "identity.oauth2", "identity.jwt")}):
        connected = mechanisms.receiver_paths()
        assert "identity.tokens.receivers.connect" in connected
        assert "identity.oauth2.receivers.connect" in connected
        assert "identity.jwt.receivers.connect" in connected
        assert "identity.tokens" not in {package for package, _ in mechanisms.enabled()}


def test_a_mechanism_listed_twice_counts_once():
    twice = [*DEFAULT_MECHANISMS, "identity.tokens"]
    with override_settings(IDENTITY={"MECHANISMS": twice}):
        packages = [package for package, _ in mechanisms.enabled()]
        assert packages.count("identity.tokens") == 1
        assert len(mechanisms.security_sections()) == 4


def test_an_explicit_authenticators_setting_still_wins():
    only = ["identity.basic.authenticator.BasicAuthenticator"]
    with override_settings(IDENTITY={"AUTHENTICATORS": only}):
        assert [a.method for a in get_authenticators()] == ["basic"]


def test_the_core_is_always_first_even_when_not_listed():
    with override_settings(IDENTITY={"MECHANISMS": ["identity.sessions"]}):
        assert [package for package, _ in mechanisms.enabled()] == ["identity.core", "identity.sessions"]


def test_a_missing_requirement_is_a_system_check_error():
    with override_settings(IDENTITY={"MECHANISMS": without("identity.outbox")}):
        errors = check_mechanisms()
    assert {e.id for e in errors} == {"identity.E005"}
    assert any("'identity.cas' (CAS server) needs 'identity.outbox'" in e.msg for e in errors)
    assert check_mechanisms() == []


@pytest.mark.parametrize(
    ("package", "message"),
    [
        ("identity.nothing_here", "identity.nothing_here.manifest cannot be imported"),
        ("identity.core.reach", "identity.core.reach.manifest cannot be imported"),
        ("tests.core", "tests.core.manifest cannot be imported"),
    ],
)
def test_a_bad_entry_says_what_is_wrong(package, message):
    with override_settings(IDENTITY={"MECHANISMS": [package]}), pytest.raises(ImproperlyConfigured, match=message):
        mechanisms.enabled()


def test_a_manifest_module_without_a_manifest_is_refused(tmp_path, monkeypatch):
    (tmp_path / "halfdone").mkdir()
    (tmp_path / "halfdone" / "__init__.py").write_text("")
    (tmp_path / "halfdone" / "manifest.py").write_text("MANIFEST = {'label': 'half'}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImproperlyConfigured, match="must define MANIFEST"):
        mechanisms.load("halfdone")


def test_a_mechanism_needs_only_its_folder_and_one_settings_line():
    """``tests/core/example_mechanism`` holds a whole mechanism (authenticator, receiver, check,
    cleanup task, Security page section, URLs); its ``settings.py`` is the suite's settings plus
    one line. In a fresh process, every part is wired."""
    env = {**os.environ, "IDENTITY_TEST_DB": "sqlite"}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/core/example_mechanism/check_badges.py",
        "--ds",
        "tests.core.example_mechanism.settings",
        "-o",
        "python_files=check_*.py",
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "7 passed" in done.stdout
