"""The one JWK Set fetcher, against a real issuer over HTTP: it keeps the last good set when a
fetch fails, honours Cache-Control within its bounds, refetches for unknown kids at most once per
interval, caps what it reads, gives up after its timeout, and uses only public signing keys."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from identity.core.jose.algorithms import ASYMMETRIC
from identity.core.jose.keyset import MAX_JWKS_BYTES, KeySet, max_age
from tests.core.jose.conftest import Issuer


def key_set(issuer: Issuer, **options: Any) -> KeySet:
    settings = {"algorithms": ASYMMETRIC, "cache_seconds": 300.0, "refetch_interval": 30.0, "timeout": 2.0}
    return KeySet(issuer.jwks_url, **{**settings, **options})


# --- failures keep the last good set -----------------------------------------------------------


@pytest.mark.parametrize("mode", ["down", "garbage", "huge"])
def test_a_failed_fetch_keeps_the_last_good_set_and_logs(issuer: Issuer, mode: str, caplog: Any) -> None:
    issuer.cache_control = "max-age=0"  # due again at once
    keys = key_set(issuer)
    assert keys.get(issuer.kid) is not None and keys.loaded
    issuer.mode = mode
    with caplog.at_level(logging.WARNING, logger="identity.core.jose"):
        for _ in range(5):
            assert keys.get(issuer.kid) is not None  # served from the last good set
    assert issuer.jwks_hits == 2  # one failed refetch, then it waits for the interval
    assert keys.error and keys.loaded
    assert any("keeping the 1 keys of the last good one" in r.getMessage() for r in caplog.records)


def test_a_set_never_fetched_has_no_keys_and_retries_after_the_interval(issuer: Issuer) -> None:
    issuer.mode = "down"
    keys = key_set(issuer, refetch_interval=0.3)
    for _ in range(5):
        assert keys.get(issuer.kid) is None
    assert issuer.jwks_hits == 1 and not keys.loaded and keys.error == "HTTP 503"
    issuer.mode = "ok"
    time.sleep(0.35)
    assert keys.get(issuer.kid) is not None and keys.loaded and keys.error == ""
    assert issuer.jwks_hits == 2


def test_an_answer_over_the_cap_is_refused_unparsed(issuer: Issuer) -> None:
    issuer.mode = "huge"
    keys = key_set(issuer)
    assert keys.get(issuer.kid) is None
    assert keys.error == f"the answer is larger than {MAX_JWKS_BYTES} bytes"


def test_a_slow_issuer_costs_at_most_the_timeout(issuer: Issuer) -> None:
    issuer.cache_control = "max-age=0"
    keys = key_set(issuer, timeout=0.3)
    assert keys.get(issuer.kid) is not None
    issuer.mode, issuer.delay = "slow", 3.0
    started = time.monotonic()
    assert keys.get(issuer.kid) is not None  # the refetch timed out; the old key still verifies
    assert time.monotonic() - started < 2.0
    assert "timed out" in keys.error


# --- Cache-Control ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("public, max-age=300", 300.0),
        ("max-age=0", 0.0),
        ('max-age="60", must-revalidate', 60.0),
        ("public, s-maxage=10, max-age=20", 20.0),
        ("no-store", 0.0),
        ("private, no-cache", 0.0),
        ("public", None),
        ("max-age=-5", None),
    ],
)
def test_max_age_reads_cache_control(header: str, seconds: float | None) -> None:
    assert max_age({"Cache-Control": header}) == seconds
    assert max_age({"cache-control": header}) == seconds
    assert max_age({"Content-Type": "application/json"}) is None


def test_max_age_is_honoured(issuer: Issuer) -> None:
    issuer.cache_control = "public, max-age=1"
    keys = key_set(issuer, refetch_interval=0.2)
    for _ in range(3):
        assert keys.get(issuer.kid) is not None
    assert issuer.jwks_hits == 1  # fresh: no request
    time.sleep(1.1)
    assert keys.get(issuer.kid) is not None
    assert issuer.jwks_hits == 2  # its max-age ran out: fetched again


def test_max_age_is_capped_by_cache_seconds(issuer: Issuer) -> None:
    issuer.cache_control = "public, max-age=86400"
    keys = key_set(issuer, cache_seconds=0.5, refetch_interval=0.1)
    assert keys.get(issuer.kid) is not None
    time.sleep(0.6)
    assert keys.get(issuer.kid) is not None
    assert issuer.jwks_hits == 2


def test_max_age_zero_cannot_make_every_lookup_fetch(issuer: Issuer) -> None:
    """A stale set refetches at most once per refetch interval: the lower bound of max-age."""
    issuer.cache_control = "no-cache"
    keys = key_set(issuer, refetch_interval=0.5)
    for _ in range(50):
        assert keys.get(issuer.kid) is not None
    assert issuer.jwks_hits == 2  # the load, then one refetch of the stale set
    time.sleep(0.55)
    for _ in range(50):
        assert keys.get(issuer.kid) is not None
    assert issuer.jwks_hits == 3


# --- unknown kids -------------------------------------------------------------------------------


def test_unknown_kids_refetch_at_most_once_per_interval(issuer: Issuer) -> None:
    keys = key_set(issuer, refetch_interval=0.5)
    assert keys.get(issuer.kid) is not None
    for n in range(100):
        assert keys.get(f"random-{n}") is None
    assert issuer.jwks_hits == 2  # the load, then one refetch for all the unknown kids
    time.sleep(0.55)
    for n in range(100):
        assert keys.get(f"other-{n}") is None
    assert issuer.jwks_hits == 3


def test_a_key_published_after_the_load_is_found_through_its_unknown_kid(issuer: Issuer) -> None:
    keys = key_set(issuer)
    old = issuer.kid
    assert keys.get(old) is not None
    new = issuer.add_key()  # an emergency rotation: signs at once
    assert keys.get(new) is not None
    assert keys.get(old) is not None and issuer.jwks_hits == 2


def test_removed_keys_are_reported_to_listeners(issuer: Issuer) -> None:
    keys = key_set(issuer)
    removed: list[set[str]] = []
    keys.on_keys_removed(removed.append)
    old = issuer.kid
    assert keys.get(old) is not None
    issuer.keys.pop(old)
    new = issuer.add_key()
    keys.refresh()
    assert removed == [{old}] and keys.kids() == {new}


def test_concurrent_lookups_share_one_fetch(issuer: Issuer) -> None:
    issuer.mode, issuer.delay = "slow", 0.3
    keys = key_set(issuer)
    found: list[Any] = []
    threads = [threading.Thread(target=lambda: found.append(keys.get(issuer.kid))) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 20 and all(key is not None for key in found)
    assert issuer.jwks_hits == 1


def test_a_stale_refetch_in_progress_does_not_hold_up_other_lookups(issuer: Issuer) -> None:
    issuer.cache_control = "max-age=0"
    keys = key_set(issuer)
    assert keys.get(issuer.kid) is not None
    issuer.mode, issuer.delay = "slow", 1.0
    slow = threading.Thread(target=keys.get, args=(issuer.kid,))
    slow.start()
    while issuer.jwks_hits < 2:  # until the refetch is under way
        time.sleep(0.01)
    started = time.monotonic()
    assert keys.get(issuer.kid) is not None
    assert time.monotonic() - started < 0.5
    slow.join()


# --- which keys are used ------------------------------------------------------------------------


def test_only_public_signing_keys_of_allowed_algorithms_are_used(issuer: Issuer) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_public = RSAAlgorithm.to_jwk(rsa_key.public_key(), as_dict=True)
    p256 = ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()).public_key(), as_dict=True)
    p384_private = ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP384R1()), as_dict=True)
    issuer.extra_jwks = [
        {"kty": "oct", "k": "c2VjcmV0", "alg": "HS256", "kid": "hmac"},
        {**p384_private, "alg": "ES384", "kid": "private-half"},
        {**p256, "alg": "ES256", "kid": "for-encryption", "use": "enc"},
        {**p256, "alg": "ES256", "kid": "not-for-verifying", "key_ops": ["encrypt"]},
        {**p256, "alg": "ES384", "kid": "curve-mismatch"},
        {**p256, "alg": "RS256", "kid": "type-mismatch"},
        {**p256, "alg": "none", "kid": "none"},
        {**p256, "alg": ["ES256"], "kid": "alg-not-a-string"},
        {**rsa_public, "kid": "rsa-without-alg"},
        {**rsa_public, "alg": "PS256", "kid": "rsa-pss"},
        {**p256, "kid": ""},
        "not an object",
    ]
    keys = key_set(issuer)
    assert keys.get(issuer.kid) is not None
    assert keys.kids() == {issuer.kid, "rsa-without-alg", "rsa-pss"}
    inferred = keys.get("rsa-without-alg")
    assert inferred is not None and inferred.alg == "RS256"  # the one algorithm its type implies
    pss = keys.get("rsa-pss")
    assert pss is not None and pss.alg == "PS256"


def test_algorithms_outside_the_allowed_list_are_ignored(issuer: Issuer) -> None:
    keys = key_set(issuer, algorithms=frozenset({"RS256"}))
    assert keys.get(issuer.kid) is None and keys.loaded and keys.kids() == frozenset()
