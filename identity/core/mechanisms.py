"""Each mechanism declares what it contributes in one place: its ``manifest.py``.

A mechanism is a package (``identity.tokens``, ``identity.cas``, or one of your own) with a
``manifest.py`` that defines ``MANIFEST = Manifest(...)``. The manifest names everything by dotted
path and imports nothing else, so reading it has no side effects and costs nothing; ``apps.py``,
``identity.urls``, ``identity.admin``, the authentication core, the Security page and the
cleanup command read the enabled manifests instead of central lists.

Which mechanisms are enabled is one setting, ``IDENTITY["MECHANISMS"]`` (package paths, in
order: the order of their authenticators, URL patterns and Security page sections). The core is
always enabled and always first. Adding a mechanism is its own folder plus one line there::

    IDENTITY = {"MECHANISMS": [*identity.conf.DEFAULT_MECHANISMS, "myproject.smartcards"]}

Models are the exception: the built-in mechanisms' models are always registered under the one
``identity`` app label, enabled or not, so switching a mechanism off never changes the
migrations. A mechanism outside identity that has models is its own Django app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

CORE = "identity.core"

Enabled = tuple[tuple[str, "Manifest"], ...]


@dataclass(frozen=True)
class Check:
    """A system check: the dotted path of the function and Django's check tags. Check ids by
    mechanism: core E0xx, sessions E1xx, basic E2xx, tokens E3xx, jwt E4xx, cas E5xx, oauth2
    E6xx, client E7xx."""

    path: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Manifest:
    """What one mechanism contributes. Every entry is a dotted path, imported only when used."""

    #: A short human name ("API tokens"), for messages such as identity.E005's.
    label: str
    #: Authenticator classes, in the order the core tries them (:mod:`identity.core.authenticators`).
    authenticators: tuple[str, ...] = ()
    #: Functions called once at start-up (``AppConfig.ready``) that connect signal receivers.
    #: A built-in mechanism's are connected even when it is switched off (:func:`receiver_paths`).
    receivers: tuple[str, ...] = ()
    #: System checks, registered at start-up.
    checks: tuple[Check, ...] = ()
    #: Cleanup tasks run by ``identity_clearexpired``: ``(task name, dotted path)``; each takes
    #: a ``report(message)`` callable and returns a ``{what: count}`` summary.
    cleanup: tuple[tuple[str, str], ...] = ()
    #: Sections of the Security page: callables taking the request and returning
    #: ``{"template": ..., **context}``, or None when there is nothing to show.
    security_sections: tuple[str, ...] = ()
    #: A list of URL patterns mounted by ``identity.urls`` (the provider's URLs).
    urls: str | None = None
    #: A list of URL patterns mounted by ``identity.client.urls`` (a site signing in elsewhere).
    client_urls: str | None = None
    #: The module registering this mechanism's models with the admin; imported by ``identity.admin``.
    admin: str | None = None
    #: The module defining this mechanism's models (built-in mechanisms only; see above).
    models: str | None = None
    #: Other mechanisms (package paths) this one needs enabled too (checked: identity.E005).
    requires: tuple[str, ...] = ()


def load(package: str) -> Manifest:
    """The manifest of ``package`` (its ``manifest.MANIFEST``), with a clear error otherwise."""
    try:
        module = import_module(f"{package}.manifest")
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"IDENTITY['MECHANISMS'] names {package!r}, but {package}.manifest cannot be imported: {exc}."
        ) from exc
    manifest = getattr(module, "MANIFEST", None)
    if not isinstance(manifest, Manifest):
        raise ImproperlyConfigured(f"{package}.manifest must define MANIFEST = identity.core.mechanisms.Manifest(...).")
    return manifest


_loaded: dict[tuple[str, ...], Enabled] = {}


def _manifests(packages: tuple[str, ...]) -> Enabled:
    found = _loaded.get(packages)
    if found is None:
        found = _loaded[packages] = tuple((package, load(package)) for package in packages)
    return found


def enabled() -> Enabled:
    """``(package, manifest)`` of the core and every enabled mechanism, in order (a package
    listed twice counts once)."""
    from identity.conf import identity_settings

    return _manifests(tuple(dict.fromkeys((CORE, *identity_settings.MECHANISMS))))


def builtin() -> Enabled:
    """identity's own mechanisms, enabled or not (their models always exist)."""
    from identity.conf import DEFAULT_MECHANISMS

    return _manifests((CORE, *DEFAULT_MECHANISMS))


def missing_requirements() -> Iterator[tuple[str, Manifest, str]]:
    """``(package, its manifest, required package)`` for each requirement that is not enabled."""
    packages = {package for package, _ in enabled()}
    for package, manifest in enabled():
        for required in manifest.requires:
            if required not in packages:
                yield package, manifest, required


def paths(attribute: str) -> list[str]:
    """Every enabled manifest's entries of a tuple field (``"authenticators"``, ...), in order."""
    return [path for _, manifest in enabled() for path in getattr(manifest, attribute)]


def modules(attribute: str, which: Callable[[], Enabled] = enabled) -> list[str]:
    """Every manifest's module of a single-path field (``"admin"``, ``"models"``, ...)."""
    return [value for _, manifest in which() if (value := getattr(manifest, attribute))]


def url_patterns(attribute: str = "urls") -> list[Any]:
    """The enabled mechanisms' URL patterns (``"urls"`` or ``"client_urls"``), in order."""
    return [pattern for path in modules(attribute) for pattern in import_string(path)]


def cleanup_tasks() -> dict[str, Callable[..., dict[str, int]]]:
    """``{task name: function}`` of every enabled mechanism, in order."""
    return {name: import_string(path) for _, manifest in enabled() for name, path in manifest.cleanup}


def security_sections() -> list[Callable[..., Any]]:
    """The Security page's sections, in order (the page skips those that return None)."""
    return [import_string(path) for path in paths("security_sections")]


def receiver_paths() -> list[str]:
    """The receivers to connect: every built-in mechanism's, enabled or not, then the enabled
    ones of your own. A built-in mechanism's rows exist whether it is enabled or not (see above),
    and its receivers are what revoke them when a session ends or a password changes: switched
    off, it must still hear those, or a token issued before would come back to life when it is
    switched on again."""
    return list(dict.fromkeys(path for _, manifest in (*builtin(), *enabled()) for path in manifest.receivers))


def install() -> None:
    """Register the enabled mechanisms' checks and connect the receivers (``AppConfig.ready``)."""
    from django.core.checks import register

    for _, manifest in enabled():
        for check in manifest.checks:
            register(import_string(check.path), "identity", *check.tags)
    for path in receiver_paths():
        import_string(path)()
