"""What identity's JWT check costs per request, against PyJWT alone and against asking Redis.

Run: ``.venv/bin/python benchmarks/jwt_verification.py`` (needs the Redis of
IDENTITY_TEST_REDIS_URL). It migrates an in-memory SQLite database, issues tokens with the key
store, and times, per algorithm: plain ``jwt.decode`` with a prepared key; identity's cold
``verify`` (every check, no cache); identity's repeated token (verified-token cache); and the
denylist check done two ways: one Redis round trip per request, or the in-process replica.
Compare ratios printed by one run, never absolute times across runs.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

import jwt  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django_redis import get_redis_connection  # noqa: E402

from identity.jwt import denylist, keys, verify  # noqa: E402
from identity.jwt.replica import issuer_replica  # noqa: E402
from identity.jwt.tokens import issue_access_token  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from jwt_algorithms import median_us  # noqa: E402


def interleaved(funcs: list[Callable[[], object]], batch: int = 200, rounds: int = 31) -> list[float]:
    """Medians of ``funcs`` timed in alternating batches, so that a noisy neighbour slows all of
    them alike (the machines here are shared)."""
    samples: list[list[float]] = [[] for _ in funcs]
    for _ in range(rounds):
        for index, func in enumerate(funcs):
            start = time.perf_counter()
            for _ in range(batch):
                func()
            samples[index].append((time.perf_counter() - start) / batch * 1e6)
    return [statistics.median(values) for values in samples]


OPTIONS = {"require": verify.REQUIRED_CLAIMS}


def plain_decode(token: str, key: object, alg: str) -> Callable[[], object]:
    audience, issuer = [verify.default_audience()], verify.issuer()

    def run() -> object:
        return jwt.decode(token, key, algorithms=[alg], audience=audience, issuer=issuer, leeway=10, options=OPTIONS)  # type: ignore[arg-type]

    return run


def identity_cold(token: str) -> Callable[[], object]:
    """Every check of :func:`identity.jwt.verify.verify`, with the verified-token cache off."""
    issuer, audiences, algorithms = verify.issuer(), (verify.default_audience(),), frozenset(keys.SUPPORTED)

    def run() -> object:
        return verify.decode(
            token,
            typ="at+jwt",
            issuer=issuer,
            audiences=audiences,
            lookup=keys.verification_key,
            algorithms=algorithms,
            cache=None,
            leeway=10,
        )

    return run


def main() -> None:
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create(username="bench")
    redis_caches = {**settings.CACHES, "default": settings.CACHES["redis"]}
    print(f"{'alg':6} {'PyJWT decode':>13} {'identity cold':>14} {'ratio':>6} {'repeat':>8}  (µs)")
    with override_settings(CACHES=redis_caches):
        for alg in ("RS256", "ES256", "EdDSA"):
            with override_settings(IDENTITY={**settings.IDENTITY, "JWT_ALGORITHM": alg}):
                token, claims = issue_access_token(user, client_id="identity", scope="api")
                key = keys.verification_key(jwt.get_unverified_header(token)["kid"])
                assert key is not None
                verify.verify(token, typ="at+jwt")
                p, c, r = interleaved(
                    [
                        plain_decode(token, key.key, alg),
                        identity_cold(token),
                        lambda t=token: verify.verify(t, typ="at+jwt"),
                    ]
                )
                print(f"{alg:6} {p:13.1f} {c:14.1f} {c / p:6.2f} {r:8.2f}")

        client = get_redis_connection("default")
        key = settings.CACHES["redis"]["KEY_PREFIX"] + ":bench:deny:j-unknown"
        replica = issuer_replica()
        denylist.deny_jti("j-revoked", time.time() + 600)
        replica.sync(force=True)
        per_request = median_us(lambda: client.exists(key))
        local = median_us(lambda: replica.is_denied("j-unknown", "s-unknown"))
        replica.interval = 0.0  # every check syncs: what one sync costs

        def sync_each_time() -> object:
            return replica.is_denied("j-unknown", "s-unknown")

        sync_cost = median_us(sync_each_time, batch=100)
        print("\ndenylist check per request (µs):")
        print(f"  one Redis round trip (EXISTS) per request   {per_request:8.2f}")
        print(f"  in-process replica, no sync due             {local:8.2f}")
        print(f"  one replica sync (pipelined delta)          {sync_cost:8.2f}")
        for rps in (100, 1000):
            amortized = local + sync_cost / (rps * 0.5)
            print(f"  replica at {rps:>4} req/s per worker, 0.5 s interval: {amortized:6.2f} amortized")


if __name__ == "__main__":
    main()
