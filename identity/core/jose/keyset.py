"""Another party's public keys, fetched from its JWK Set (RFC 7517 §5) at a configured URL and
kept in process: the one fetcher behind the remote JWT verifier and the OpenID relying party.

* **Lifetime.** A fetched set is used for the issuer's ``Cache-Control: max-age`` (``no-cache``
  and ``no-store`` count as 0), never longer than ``cache_seconds``; without ``max-age``, for
  ``cache_seconds``.
* **Refetches.** Two things make a loaded set refetch: its lifetime ran out, or a token names a
  ``kid`` it lacks (an emergency rotation: the issuer signs with a key it has just published).
  Each causes at most one fetch per ``refetch_interval``, so ``max-age=0`` or a flood of forged
  ``kid``\\ s costs the issuer one request per interval; the first load is neither.
* **Failures** (unreachable, a non-2xx answer, not a JWK Set, over :data:`MAX_JWKS_BYTES`)
  keep the last good set, are logged, and are retried after ``refetch_interval``. A verifier
  serving a stale set while a refetch runs does not wait for it.
* **Keys**: only public signing keys of the allowed algorithms. A JWK's ``alg`` (or, without
  one, the algorithm its type implies, as PyJWT infers it) is the only algorithm it verifies;
  symmetric (``oct``) and private keys are ignored, as are keys marked for encryption.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jwt import PyJWK, PyJWTError

from identity.core import http
from identity.core.jose.algorithms import EC_CURVES

logger = logging.getLogger("identity.core.jose")

#: The one cap on a JWK Set answer. A large provider's set (a dozen RSA keys with certificate
#: chains) is under 30 KB; anything past this is refused rather than parsed.
MAX_JWKS_BYTES = 64 * 1024
#: Keys read from one set; the rest are ignored (each costs a key parse).
MAX_KEYS = 100

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d{1,10})")
_NO_CACHE = re.compile(r"(?:^|[,\s])no-(?:cache|store)\b")


@dataclass(frozen=True)
class PublicKey:
    """A published key, prepared once: the algorithm is the key's own, never the token's."""

    kid: str
    alg: str
    key: Any


def max_age(headers: dict[str, str]) -> float | None:
    """Seconds the answer may be reused by its ``Cache-Control`` (RFC 9111 §5.2.2.1), or None."""
    for name, value in headers.items():
        if name.lower() != "cache-control":
            continue
        value = value.lower()
        if _NO_CACHE.search(value):
            return 0.0
        match = _MAX_AGE.search(value)
        if match:
            return float(match.group(1))
    return None


class KeySet:
    """The public keys published at ``url`` (see the module's docstring)."""

    def __init__(
        self,
        url: str,
        *,
        algorithms: frozenset[str],
        cache_seconds: float,
        refetch_interval: float,
        timeout: float,
    ) -> None:
        self.url = url
        self.algorithms = algorithms
        self.cache_seconds = float(cache_seconds)
        self.refetch_interval = float(refetch_interval)
        self.timeout = float(timeout)
        self.fetches = 0  # requests sent to ``url`` (shown in logs and tests)
        self.loaded = False  # a good set has been fetched at least once
        self.error = ""  # why the latest fetch failed; empty after a success
        self._keys: dict[str, PublicKey] = {}
        self._expires = float("-inf")
        self._fetched_at = float("-inf")
        self._stale_refetch_at = float("-inf")
        self._unknown_refetch_at = float("-inf")
        self._lock = threading.Lock()
        self._on_removed: list[Callable[[set[str]], object]] = []

    def on_keys_removed(self, listener: Callable[[set[str]], object]) -> None:
        """Call ``listener(kids)`` when a fetch drops keys (to forget what they verified)."""
        self._on_removed.append(listener)

    def kids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def get(self, kid: str) -> PublicKey | None:
        """The key named ``kid``, fetching the set first if it is due (see the module's
        docstring). No I/O while the set is fresh and knows ``kid``."""
        now = time.monotonic()
        if now >= self._expires:
            if not self.loaded:
                self._refresh(now, wait=True)
            elif now - self._stale_refetch_at >= self.refetch_interval:
                self._stale_refetch_at = now
                self._refresh(now, wait=False)
        key = self._keys.get(kid)
        if key is None and self.loaded and now - self._unknown_refetch_at >= self.refetch_interval:
            self._unknown_refetch_at = now
            self._refresh(now, wait=True)
            key = self._keys.get(kid)
        return key

    def refresh(self) -> None:
        """Fetch the set now, whatever its age (an operator's or a test's request)."""
        self._refresh(time.monotonic(), wait=True)

    def _refresh(self, started: float, *, wait: bool) -> None:
        if not self._lock.acquire(blocking=wait):
            return  # another thread is fetching; the keys we hold serve meanwhile
        try:
            if self._fetched_at >= started:
                return  # a fetch ended since this lookup began (another thread's, or this lookup's)
            self.fetches += 1
            try:
                keys, lifetime = self._fetch()
            except (http.HttpError, ValueError) as exc:
                self.error = str(exc)[:300]
                self._fetched_at = time.monotonic()
                self._expires = self._fetched_at + self.refetch_interval
                logger.warning(
                    "Could not fetch the JWK Set at %s (%s); keeping the %d keys of the last good one.",
                    self.url,
                    self.error,
                    len(self._keys),
                )
                return
            removed = set(self._keys) - set(keys)
            self._keys, self.loaded, self.error = keys, True, ""
            self._fetched_at = time.monotonic()
            self._expires = self._fetched_at + lifetime
        finally:
            self._lock.release()
        if removed:
            for listener in self._on_removed:
                listener(removed)

    def _fetch(self) -> tuple[dict[str, PublicKey], float]:
        result = http.get(
            self.url, timeout=self.timeout, headers={"Accept": "application/json"}, limit=MAX_JWKS_BYTES + 1
        )
        if not result.ok:
            raise ValueError(f"HTTP {result.status}")
        if len(result.body) > MAX_JWKS_BYTES:
            raise ValueError(f"the answer is larger than {MAX_JWKS_BYTES} bytes")
        try:
            document = json.loads(result.body)
        except (ValueError, RecursionError):
            raise ValueError("the answer is not JSON") from None
        keys = self._parse(document)
        age = max_age(result.headers)
        lifetime = self.cache_seconds if age is None else min(age, self.cache_seconds)
        return keys, lifetime

    def _parse(self, document: Any) -> dict[str, PublicKey]:
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise ValueError("not a JWK Set")
        keys: dict[str, PublicKey] = {}
        for jwk in document["keys"][:MAX_KEYS]:
            key = self._prepare(jwk)
            if key is not None and key.kid not in keys:
                keys[key.kid] = key
        return keys

    def _prepare(self, jwk: Any) -> PublicKey | None:
        if not isinstance(jwk, dict):
            return None
        kid, alg = jwk.get("kid"), jwk.get("alg")
        if not isinstance(kid, str) or not kid or len(kid) > 256:
            return None
        if alg is not None and (not isinstance(alg, str) or alg not in self.algorithms):  # "none", HMAC, ...
            return None
        # RFC 7517 §4.2-4.3: a key for encryption, or one not for verifying, is not ours to use.
        ops = jwk.get("key_ops")
        if jwk.get("use", "sig") != "sig" or (ops is not None and (not isinstance(ops, list) or "verify" not in ops)):
            return None
        # A published key is public: a symmetric key or a private half is never used from it.
        if jwk.get("kty") == "oct" or "d" in jwk:
            return None
        try:
            prepared = PyJWK(jwk, algorithm=alg)
        except (PyJWTError, ValueError, TypeError, KeyError):  # e.g. InvalidKeyError: not a key of its alg's type
            logger.warning("Ignoring a JWK that cannot be used (kid %r) at %s.", kid[:64], self.url)
            return None
        alg = prepared.algorithm_name
        if alg not in self.algorithms or (alg in EC_CURVES and jwk.get("crv") != EC_CURVES[alg]):
            return None
        return PublicKey(kid, alg, prepared.key)
