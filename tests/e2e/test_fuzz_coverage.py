"""Every URL pattern identity ships is in the fuzzer's catalogue (tests/fuzz/endpoints.py), so a
new endpoint cannot escape the fuzz."""

from __future__ import annotations

import importlib
from pathlib import Path

from django.urls import URLPattern

import identity
from tests.fuzz.endpoints import ENDPOINTS


def identity_routes() -> set[str]:
    """The route of every ``URLPattern`` in a list of any ``identity/**/urls.py``."""
    routes: set[str] = set()
    root = Path(identity.__file__).parent
    for path in root.rglob("urls.py"):
        module = importlib.import_module(".".join(("identity", *path.relative_to(root).with_suffix("").parts)))
        for value in vars(module).values():
            if isinstance(value, list):
                routes |= {str(p.pattern) for p in value if isinstance(p, URLPattern)}
    return routes


def test_every_identity_url_pattern_is_fuzzed() -> None:
    routes = identity_routes()
    assert len(routes) > 30, routes  # the walk found the URL confs
    assert routes - {endpoint.route for endpoint in ENDPOINTS} == set()


def test_the_catalogue_names_only_real_routes() -> None:
    assert {endpoint.route for endpoint in ENDPOINTS} - identity_routes() == set()
