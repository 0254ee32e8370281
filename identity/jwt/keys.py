"""The key store: signing keys as rows, prepared key objects kept in process.

Public functions (the OAuth/OIDC provider signs from the same store):

* :func:`signing_key` — the key that signs now for an algorithm (created on first use);
* :func:`jwks` — the JWK Set (RFC 7517 §5) served at ``/.well-known/jwks.json``;
* :func:`verification_key` — ``kid`` → prepared verification key, from memory, no I/O;
* :func:`rotate` / :func:`retire_due` / :func:`retire` — the key lifecycle.

Parsing a PEM costs milliseconds (an RS256 signature with a PEM string re-parses the key each
time: ~30 ms), so every key is parsed once per process. The in-process map is reloaded (one
query) when the key set changes: rotation and retirement bump the key set's version
(:func:`key_set_version`, a :class:`identity.core.broadcast.Version`), which every worker reads at
most once per ``DENYLIST_SYNC_INTERVAL`` (carried by its denylist sync, so at no extra round trip),
and an unknown ``kid`` reloads it at most once a second, for a key created a moment ago by another
process.
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from jwt import PyJWK
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from identity.conf import identity_settings, on_reload
from identity.core import broadcast
from identity.core.crypto import Sealer
from identity.jwt.models import SigningKey

logger = logging.getLogger("identity.jwt")

#: The public-key algorithms this site signs with (it verifies others' tokens with the longer list
#: of :mod:`identity.core.jose.algorithms`).
SIGNS_ASYMMETRIC = ("RS256", "ES256", "EdDSA")
#: Every algorithm this site signs with (HS256 only when no other service verifies its tokens).
SUPPORTED = (*SIGNS_ASYMMETRIC, "HS256")
#: A retired key's tokens have all expired; this margin covers clock skew between servers and
#: the minute-granular record of the last expiry.
_EXPIRY_GRANULARITY = 60
_UNKNOWN_KID_RELOAD_SECONDS = 1.0


@dataclass(frozen=True)
class PreparedKey:
    """A verification key ready for PyJWT: the algorithm is the key's own, never the token's."""

    kid: str
    alg: str
    key: Any  # a cryptography public key, or the secret bytes of an HS256 key
    signs_from: float
    signs_until: float | None


# --- sealing private halves -----------------------------------------------------------------


_sealer_cache: dict[str, Sealer] = {}


def _sealer() -> Sealer:
    """Fernet under JWT_KEY_ENCRYPTION_KEYS (first seals, all unseal), else keys derived from
    SECRET_KEY and SECRET_KEY_FALLBACKS."""
    if "s" not in _sealer_cache:
        kek = identity_settings.JWT_KEY_ENCRYPTION_KEYS
        if not kek:
            kek = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        _sealer_cache["s"] = Sealer("identity.jwt.private-key", kek)
    return _sealer_cache["s"]


def _generate(alg: str) -> tuple[str, dict[str, Any]]:
    """A new key: (private half as PEM or base64 secret, public JWK without kid)."""
    if alg == "HS256":
        return secrets.token_urlsafe(32), {}
    private: Any
    if alg == "RS256":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    elif alg == "ES256":
        private = ec.generate_private_key(ec.SECP256R1())
        jwk = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
    elif alg == "EdDSA":
        private = ed25519.Ed25519PrivateKey.generate()
        jwk = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    else:
        raise ImproperlyConfigured(f"Unsupported JWT algorithm {alg!r}; use one of {', '.join(SUPPORTED)}.")
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return pem, dict(jwk)


def _load_private(alg: str, material: str) -> Any:
    if alg == "HS256":
        return material.encode()
    return serialization.load_pem_private_key(material.encode(), password=None)


def _unseal(row: SigningKey) -> str:
    material = _sealer().unseal(row.sealed_private_key) if row.sealed_private_key else None
    if material is None:
        raise ImproperlyConfigured(
            f"The private half of signing key {row.kid} cannot be decrypted: IDENTITY['JWT_KEY_ENCRYPTION_KEYS'] "
            "(or SECRET_KEY) changed without keeping the old value. Put the old value back after the new one, "
            "or rotate with `manage.py identity_rotate_keys --now`."
        )
    return material


def _public_jwk(row: SigningKey) -> dict[str, Any]:
    return {**row.public_jwk, "kid": row.kid, "alg": row.alg, "use": "sig"}


def create_key(alg: str, *, signs_from: datetime | None = None) -> SigningKey:
    """Create and publish a key; it signs from ``signs_from`` (default: at once)."""
    material, jwk = _generate(alg)
    now = timezone.now()
    row = SigningKey(alg=alg, sealed_private_key=_sealer().seal(material), created_at=now, signs_from=signs_from or now)
    row.public_jwk = jwk
    row.save()
    _changed()
    return row


# --- telling every worker -------------------------------------------------------------------


def _key_set_fingerprint() -> Hashable:
    """The key table's own summary, read when Redis is not there: any rotation adds a row, any
    retirement sets a later ``retired_at``."""
    found = SigningKey.objects.aggregate(n=Count("pk"), c=Max("created_at"), r=Max("retired_at"))
    return (found["n"], found["c"], found["r"])


def new_key_set_version() -> broadcast.Version:
    """A reader of the key set's version. Kept next to the denylist and read at its pace, so the
    denylist sync carries it (same Redis, same round trip)."""
    return broadcast.Version(
        "keys",
        alias=identity_settings.DENYLIST_CACHE,
        interval=identity_settings.DENYLIST_SYNC_INTERVAL,
        fingerprint=_key_set_fingerprint,
    )


def key_set_version() -> broadcast.Version:
    """This process's version of the key set: bumped after every change, read by every worker."""
    return broadcast.shared("keys", new_key_set_version)


# --- the in-process map ----------------------------------------------------------------------


class KeyStore:
    """Every unretired key of this site, prepared once per process. ``version``: where it learns
    that another process changed the key set (a second store with its own version is another
    worker, in tests)."""

    def __init__(self, version: Callable[[], broadcast.Version] = key_set_version) -> None:
        self._make_version = version
        self._version: broadcast.Version | None = None  # made on first use, again after reset()
        self._loaded_version: Hashable = broadcast.UNREAD
        self._lock = threading.Lock()
        self._rows: dict[str, SigningKey] = {}
        self._keys: dict[str, PreparedKey] = {}
        self._private: dict[str, Any] = {}
        self._recorded_expiry: dict[str, float] = {}
        self._loaded = False
        self._stale = False
        self._loaded_at = 0.0
        self._listeners: list[Callable[[set[str]], None]] = []

    def on_keys_removed(self, listener: Callable[[set[str]], None]) -> None:
        """Call ``listener(kids)`` when keys leave the map (retired): caches of tokens they
        verified must go."""
        self._listeners.append(listener)

    def mark_stale(self) -> None:
        self._stale = True

    def reset(self) -> None:
        with self._lock:
            removed = set(self._keys)
            self._rows, self._keys, self._private, self._recorded_expiry = {}, {}, {}, {}
            self._loaded, self._version = False, None
        self._notify(removed)

    def _notify(self, removed: set[str]) -> None:
        if removed:
            for listener in self._listeners:
                listener(removed)

    def _current_version(self) -> broadcast.Version:
        version = self._version
        if version is None:
            version = self._version = self._make_version()
        return version

    def load(self) -> None:
        # Read before the rows: a change made after this read shows as a newer version later.
        version = self._current_version().current()
        rows = {row.kid: row for row in SigningKey.objects.unretired()}
        keys = {}
        for kid, row in rows.items():
            try:
                keys[kid] = _prepare(row)
            except Exception:  # noqa: BLE001 - one damaged row must not take the others down
                logger.exception("Signing key %s cannot be loaded; it is ignored.", kid)
        with self._lock:
            removed = set(self._keys) - set(keys)
            self._rows, self._keys = rows, keys
            self._private = {kid: obj for kid, obj in self._private.items() if kid in keys}
            self._loaded, self._stale, self._loaded_at = True, False, time.monotonic()
            self._loaded_version = version
        self._notify(removed)

    def _ensure(self) -> None:
        # Another process's change: a clock comparison, and a read at most once per interval.
        if not self._loaded or self._stale or self._current_version().current() != self._loaded_version:
            self.load()

    def get(self, kid: str) -> PreparedKey | None:
        self._ensure()
        key = self._keys.get(kid)
        if key is None and time.monotonic() - self._loaded_at >= _UNKNOWN_KID_RELOAD_SECONDS:
            self.load()  # a key another process created a moment ago
            key = self._keys.get(kid)
        return key

    def signer(self, alg: str) -> SigningKey | None:
        """The newest key of ``alg`` whose signing period has begun and not ended."""
        self._ensure()
        now = time.time()
        best = None
        for key in self._keys.values():
            signs_now = key.signs_from <= now and (key.signs_until is None or key.signs_until > now)
            if key.alg == alg and signs_now and (best is None or key.signs_from > best.signs_from):
                best = key
        return self._rows[best.kid] if best is not None else None

    def private_key(self, row: SigningKey) -> Any:
        obj = self._private.get(row.kid)
        if obj is None:
            obj = _load_private(row.alg, _unseal(row))
            self._private[row.kid] = obj
        return obj

    def record_expiry(self, row: SigningKey, exp: float) -> None:
        """Keep ``last_expiry`` (the latest ``exp`` a key signed) rounded up to the minute, so a
        process writes it at most once a minute per key."""
        bucket = math.ceil(exp / _EXPIRY_GRANULARITY) * _EXPIRY_GRANULARITY
        if bucket <= self._recorded_expiry.get(row.kid, 0):
            return
        value = datetime.fromtimestamp(bucket, tz=UTC)
        SigningKey.objects.filter(pk=row.pk).filter(Q(last_expiry__isnull=True) | Q(last_expiry__lt=value)).update(
            last_expiry=value
        )
        self._recorded_expiry[row.kid] = bucket


def _prepare(row: SigningKey) -> PreparedKey:
    if row.alg == "HS256":
        key: Any = _unseal(row).encode()
    else:
        key = PyJWK(_public_jwk(row), algorithm=row.alg).key
    until = row.signs_until.timestamp() if row.signs_until else None
    return PreparedKey(row.kid, row.alg, key, row.signs_from.timestamp(), until)


store = KeyStore()


@on_reload
def _reset() -> None:
    _sealer_cache.clear()
    store.reset()


def _changed() -> None:
    """Tell this worker now, and every worker once the change is committed, that keys changed."""
    store.mark_stale()
    transaction.on_commit(key_set_version().bump)


# --- public API ------------------------------------------------------------------------------


def default_algorithm() -> str:
    return identity_settings.JWT_ALGORITHM


def signing_key(alg: str | None = None) -> SigningKey:
    """The key that signs now for ``alg`` (default ``JWT_ALGORITHM``): a row exposing ``kid``
    and ``alg``. The first key of an algorithm is created on first use and signs at once;
    later keys come from :func:`rotate`."""
    alg = alg or default_algorithm()
    row = store.signer(alg)
    if row is None:
        with transaction.atomic():
            create_key(alg)
        store.load()
        row = store.signer(alg)
        if row is None:  # pragma: no cover - the key just created signs from now
            raise ImproperlyConfigured(f"No {alg} signing key could be created.")
    return row


def private_key(row: SigningKey) -> Any:
    """The prepared private key of ``row`` (unsealed once per process)."""
    return store.private_key(row)


def verification_key(kid: str) -> PreparedKey | None:
    """The prepared key named ``kid`` among this site's unretired keys, or None. Never fetches
    anything named by the token (``jku``, ``x5u``): RFC 8725 §3.10."""
    if not isinstance(kid, str):
        return None
    return store.get(kid)


def jwks() -> dict[str, Any]:
    """The JWK Set: the public half of every unretired asymmetric key (``kid``, ``alg``,
    ``use``), including the next key (published before it signs) and retiring keys (kept
    until the last token they signed has expired). HS256 secrets are never published."""
    rows = SigningKey.objects.unretired().filter(alg__in=SIGNS_ASYMMETRIC).order_by("-signs_from")
    return {"keys": [_public_jwk(row) for row in rows]}


def rotate(alg: str | None = None, *, immediately: bool = False) -> list[SigningKey]:
    """Publish a new key for ``alg`` (default: every algorithm with a signing key, or
    ``JWT_ALGORITHM``). It signs once the JWK Set's cache lifetime has passed
    (``JWT_JWKS_MAX_AGE``), so every verifier has fetched it by then; the current key signs
    until that moment. ``immediately``: sign with the new key now (after a compromise);
    verifiers fetch it on the unknown ``kid``."""
    now = timezone.now()
    algs = [alg] if alg else sorted({row.alg for row in _signing_rows(now)} or {default_algorithm()})
    published = []
    for name in algs:
        starts = now if immediately else now + timedelta(seconds=identity_settings.JWT_JWKS_MAX_AGE)
        with transaction.atomic():
            others = SigningKey.objects.unretired().filter(alg=name)
            pending = others.filter(signs_from__gt=now).order_by("-signs_from").first()
            if pending is not None and not immediately:
                published.append(pending)  # a rotation is already under way
                continue
            row = create_key(name, signs_from=starts)
            others = others.exclude(pk=row.pk)
            # Every other key stops signing when the new one starts; a pending key overtaken by
            # an immediate rotation never signs at all (and retires with the next cleanup).
            others.filter(Q(signs_until__isnull=True) | Q(signs_until__gt=starts)).update(signs_until=starts)
            others.filter(signs_from__gt=starts).update(signs_from=starts)
            published.append(row)
    return published


def _signing_rows(now: datetime) -> list[SigningKey]:
    return list(
        SigningKey.objects.unretired()
        .filter(signs_from__lte=now)
        .filter(Q(signs_until__isnull=True) | Q(signs_until__gt=now))
    )


def retire(row: SigningKey) -> None:
    """Retire ``row`` now: it leaves the JWK Set, its tokens stop verifying (the verified-token
    caches drop them), and its private half is destroyed."""
    now = timezone.now()
    SigningKey.objects.filter(pk=row.pk, retired_at__isnull=True).update(retired_at=now, sealed_private_key="")
    SigningKey.objects.filter(pk=row.pk).filter(Q(signs_until__isnull=True) | Q(signs_until__gt=now)).update(
        signs_until=now
    )
    _changed()


def retire_due(now: datetime | None = None) -> list[SigningKey]:
    """Retire every key that stopped signing and whose last token has expired (plus leeway)."""
    now = now or timezone.now()
    margin = timedelta(seconds=identity_settings.JWT_LEEWAY + _EXPIRY_GRANULARITY)
    due = list(
        SigningKey.objects.unretired()
        .filter(signs_until__lte=now)
        .filter(Q(last_expiry__isnull=True) | Q(last_expiry__lte=now - margin))
    )
    for row in due:
        retire(row)
    return due
