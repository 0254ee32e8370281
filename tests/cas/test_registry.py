"""The service registry: closed by default, exact / prefix / full-match regex, and every URL
trick that turned peers' registries into open redirects."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from identity.cas import registry
from identity.cas.models import CasService
from identity.cas.registry import find, with_query

pytestmark = pytest.mark.django_db


def test_nothing_matches_an_empty_registry() -> None:
    assert find("https://app.example.com/") is None
    assert registry.is_empty()


def test_exact_matches_only_the_same_string(service_factory: Any) -> None:
    service_factory(match_type="exact", pattern="https://app.example.com/cb?x=1")
    assert find("https://app.example.com/cb?x=1").name == "App"
    for other in ("https://app.example.com/cb?x=12", "https://app.example.com/cb", "https://APP.example.com/cb?x=1"):
        assert find(other) is None


@pytest.mark.parametrize(
    ("service", "matches"),
    [
        ("https://app.example.com/app", True),
        ("https://app.example.com/app/", True),
        ("https://app.example.com/app/deep/page?x=1#f", True),
        ("https://app.example.com/app?next=/", True),
        ("https://APP.Example.COM/app/x", True),  # host names are case-insensitive
        ("HTTPS://app.example.com/app/x", True),
        ("https://app.example.com:443/app/x", True),  # the default port, written out
        ("https://app.example.com/application", False),  # not at a segment boundary
        ("https://app.example.com/other", False),
        ("https://app.example.com/app/../admin", False),  # dot segments
        ("https://app.example.com/app/%2e%2e/admin", False),
        ("http://app.example.com/app/x", False),  # scheme
        ("https://app.example.com:8443/app/x", False),  # port
        ("https://app.example.com.evil.net/app/x", False),
        ("https://evil.net/app/x?https://app.example.com/app/", False),
        ("https://app.example.com@evil.net/app/x", False),  # user info
        ("https://user:pw@app.example.com/app/x", False),
        ("https://app.example.com\\@evil.net/app/x", False),
        ("https://app.example.com/app/\nx", False),
        ("https://app.example.com/app/ x", False),
        ("https://app.example.com:99999/app/", False),
        ("//app.example.com/app/", False),
        ("javascript://app.example.com/app/%0aalert(1)", False),
    ],
)
def test_prefix_compares_scheme_host_and_port_exactly(service_factory: Any, service: str, matches: bool) -> None:
    service_factory(pattern="https://app.example.com/app")
    assert (find(service) is not None) is matches


def test_prefix_with_a_trailing_slash_matches_everything_under_it(service_factory: Any) -> None:
    service_factory(pattern="http://127.0.0.1:8001/")
    assert find("http://127.0.0.1:8001/") and find("http://127.0.0.1:8001/accounts/cas/callback/")
    assert find("http://127.0.0.1:8001") is not None  # an empty path is "/"
    assert find("http://127.0.0.1:8002/") is None and find("http://localhost:8001/") is None


def test_international_host_names_compare_in_their_ascii_form(service_factory: Any) -> None:
    service_factory(pattern="https://xn--bcher-kva.example/")
    assert find("https://xn--bcher-kva.example/x") is not None
    assert find("https://bücher.example/x") is None  # a service URL must be URL-encoded (§2.1.1)


@pytest.mark.parametrize(
    ("service", "matches"),
    [
        ("https://app.example.com/x", True),
        ("https://a.app.example.com/x", True),
        ("https://app.example.com.evil.net/x", False),  # re.match would let this through
        ("https://evil.net/?https://app.example.com/x", False),
        ("https://x@evil.net/.app.example.com/", False),  # user info is refused before any regex
        ("https://evil.net\\.app.example.com/x", False),
    ],
)
def test_regex_must_match_the_whole_url(service_factory: Any, service: str, matches: bool) -> None:
    service_factory(match_type="regex", pattern=r"https://([a-z]+\.)?app\.example\.com/.*")
    assert (find(service) is not None) is matches


def test_regex_can_name_non_url_back_end_services(service_factory: Any) -> None:
    service_factory("IMAP", match_type="regex", pattern=r"imap://mail\.example\.com")
    assert find("imap://mail.example.com") is not None  # a proxy target (§2.7.1)
    assert registry.find_redirectable("imap://mail.example.com") is None  # never a browser redirect


def test_most_specific_wins(service_factory: Any) -> None:
    service_factory("Broad", "https://app.example.com/")
    service_factory("Narrow", "https://app.example.com/admin/")
    service_factory("Exact", "https://app.example.com/admin/x", match_type="exact")
    assert find("https://app.example.com/a").name == "Broad"
    assert find("https://app.example.com/admin/y").name == "Narrow"
    assert find("https://app.example.com/admin/x").name == "Exact"


def test_disabled_services_do_not_match(service_factory: Any) -> None:
    row = service_factory()
    assert find("https://app.example.com/x")
    row.enabled = False
    row.save()
    assert find("https://app.example.com/x") is None


@override_settings(IDENTITY={"CAS_REGISTRY_CACHE_SECONDS": 3600})
def test_the_registry_is_cached_per_process_and_cleared_on_save(
    service_factory: Any, django_assert_num_queries: Any
) -> None:
    row = service_factory()
    find("https://app.example.com/")
    with django_assert_num_queries(0):
        assert find("https://app.example.com/x").name == "App"
    CasService.objects.filter(pk=row.pk).update(enabled=False)  # bypasses save(): another process did it
    assert find("https://app.example.com/x") is not None  # still cached here, within the bound
    registry.clear()
    assert find("https://app.example.com/x") is None


def test_a_broken_row_saved_without_validation_is_ignored(service_factory: Any) -> None:
    CasService.objects.create(name="Broken", match_type="regex", pattern="(unclosed")
    service_factory()
    assert find("https://app.example.com/") is not None


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"match_type": "prefix", "pattern": "app.example.com"}, "pattern"),
        ({"match_type": "prefix", "pattern": "https://a@app.example.com/"}, "pattern"),
        ({"match_type": "prefix", "pattern": "https://app.example.com/a/../b"}, "pattern"),
        ({"match_type": "exact", "pattern": "ftp://app.example.com/"}, "pattern"),
        ({"match_type": "regex", "pattern": "https://(app"}, "pattern"),
        ({"released_attributes": "email password"}, "released_attributes"),
        ({"released_attributes": "isFromNewLogin"}, "released_attributes"),
        ({"released_attributes": "no such field"}, "released_attributes"),
        ({"slo_url": "https://evil.example.net/slo"}, "slo_url"),
    ],
)
def test_admin_validation_explains_bad_rows(fields: dict[str, str], error_field: str) -> None:
    row = CasService(name="X", **{"match_type": "prefix", "pattern": "https://app.example.com/", **fields})
    with pytest.raises(ValidationError) as info:
        row.full_clean()
    assert error_field in info.value.message_dict


def test_with_query_keeps_the_url_as_written() -> None:
    assert with_query("https://a/x?next=%2F", {"ticket": "ST-1"}) == "https://a/x?next=%2F&ticket=ST-1"
    assert with_query("https://a/x", {"ticket": "ST-1"}) == "https://a/x?ticket=ST-1"
    assert with_query("https://a/x?", {"ticket": "ST-1"}) == "https://a/x?ticket=ST-1"
    assert with_query("https://a/x#f", {"ticket": "ST-1"}) == "https://a/x?ticket=ST-1#f"
