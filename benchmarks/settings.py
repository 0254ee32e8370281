"""Settings for the benchmarks: identity beside the peers it is compared with, on the same
database and Redis. ``BENCH_DATABASE_URL`` (default: SQLite in memory) and
``BENCH_REDIS_URL`` (default redis://127.0.0.1:6379/10) pick the servers."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("BENCH_DATA_DIR", HERE / ".data"))
DATA.mkdir(parents=True, exist_ok=True)

SECRET_KEY = "benchmarks-secret-key-0123456789abcdef-0123456789abcdef"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ISSUER = "http://bench.local"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "rest_framework.authtoken",
    "knox",
    "oauth2_provider",
    "identity",
]
MIDDLEWARE = [
    "benchmarks.middleware.PerRequestEngineSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "identity.core.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "benchmarks.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {}}]
DATABASES = {
    "default": dj_database_url.parse(
        # In process: SQLite in memory, the peers' most favourable database (and no fsync per
        # commit to time). Over the wire: PostgreSQL (benchmarks.wire sets BENCH_DATABASE_URL).
        os.environ.get("BENCH_DATABASE_URL", "sqlite://:memory:"),
        conn_max_age=600,
    )
}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "redis": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "bench"},
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # per request: benchmarks.middleware
SESSION_CACHE_ALIAS = "redis"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "CRITICAL"}}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The remote verifier (what demo site B runs) fetches the issuer's JWK Set over real HTTP from a
# small server the runner starts on this port.
JWKS_PORT = int(os.environ.get("BENCH_JWKS_PORT") or _free_port())
os.environ["BENCH_JWKS_PORT"] = str(JWKS_PORT)  # gunicorn workers of the wire part agree on it

IDENTITY: dict[str, object] = {
    "ISSUER": ISSUER,
    "JWT_AUDIENCE": "bench-api",
    "JWT_KEY_ENCRYPTION_KEYS": ["benchmarks-key-encryption-key-0123456789abcdef"],
    "OUTBOX_DELIVER_ON_COMMIT": False,
    "THROTTLE_CACHE": "redis",
    "TOKEN_CACHE": "redis",  # "token (database)" runs with a per-process cache, i.e. no token cache
    "DENYLIST_CACHE": "redis",
    "REMOTE_JWT_ISSUER": ISSUER,  # used only while the "remote" scenario turns JWT_ENABLED off
    "REMOTE_JWT_AUDIENCE": "bench-api",
    "REMOTE_JWT_JWKS_URL": f"http://127.0.0.1:{JWKS_PORT}/.well-known/jwks.json",
    # A load generator is one address on loopback: the token endpoint's per-address budget would
    # turn the over-the-wire run into 429s (the failure throttles stay as they are).
    "OAUTH2_THROTTLE_TOKEN_REQUESTS": 1_000_000,
    "OAUTH2_SCOPES": {
        "openid": "Sign you in with your account",
        "profile": "See your name and username",
        "email": "See your email address",
        "api:read": "Read the API",  # what a client-credentials token asks for
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["identity.contrib.rest_framework.authentication.IdentityAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "identity.contrib.rest_framework.views.exception_handler",
    "UNAUTHENTICATED_USER": None,
}


# Peers, configured as their documentation recommends. simplejwt signs with RS256 here, the
# algorithm compared with ours; its key pair is made once per run.
def _rsa_pair() -> tuple[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


# Made once per run and handed to child processes (gunicorn workers) through the environment,
# so every process verifies what the runner signed.
if "BENCH_SIMPLEJWT_PRIVATE" not in os.environ:
    os.environ["BENCH_SIMPLEJWT_PRIVATE"], os.environ["BENCH_SIMPLEJWT_PUBLIC"] = _rsa_pair()
_PRIVATE, _PUBLIC = os.environ["BENCH_SIMPLEJWT_PRIVATE"], os.environ["BENCH_SIMPLEJWT_PUBLIC"]
SIMPLE_JWT = {"ALGORITHM": "RS256", "SIGNING_KEY": _PRIVATE, "VERIFYING_KEY": _PUBLIC}
REST_KNOX = {"AUTO_REFRESH": False}
OAUTH2_PROVIDER = {"PKCE_REQUIRED": True}
SILENCED_SYSTEM_CHECKS = ["identity.W201", "identity.E416", "identity.W417"]
