"""Test settings: SQLite in memory by default; IDENTITY_TEST_DB=postgres runs the suite on the
PostgreSQL server named by IDENTITY_TEST_DATABASE_URL. Redis (IDENTITY_TEST_REDIS_URL) backs the
``redis`` cache alias, which tests that need it switch on."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import dj_database_url

SECRET_KEY = "identity-tests-secret-key-0123456789abcdef0123456789"
DEBUG = False
ALLOWED_HOSTS = ["*"]

TEST_DB = os.environ.get("IDENTITY_TEST_DB", "sqlite")
DATABASE_URL = os.environ.get("IDENTITY_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("IDENTITY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

if TEST_DB == "postgres":
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("IDENTITY_TEST_DATABASE_NAME", "identity_test")}
else:
    # A file, not ":memory:": Django's in-memory test database is opened in SQLite's shared-cache
    # mode, where a second connection (the outbox's delivery thread, the race tests' threads) is
    # answered "table is locked" at once instead of waiting; a file waits up to the timeout.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {"timeout": 20},
            "TEST": {"NAME": os.path.join(tempfile.gettempdir(), f"identity-tests-{os.getpid()}.sqlite3")},
        }
    }

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "identity",
]
MIDDLEWARE = [
    "identity.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "identity.core.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "tests.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "identity.core.context_processors.identity",
            ]
        },
    }
]
# Typed as in Django's global_settings: mypy's django plugin types settings.CACHES from this module.
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "redis": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"identity-tests-{os.getpid()}",
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # PBKDF2 costs ~0.2 s a check
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "/"

# The defaults, as a project gets them, plus what JWTs need: the issuer and a key-encryption key.
IDENTITY: dict[str, object] = {
    "ISSUER": "http://testserver",
    "JWT_KEY_ENCRYPTION_KEYS": ["identity-tests-key-encryption-key-0123456789abcdef"],
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["identity.contrib.rest_framework.authentication.IdentityAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "identity.contrib.rest_framework.views.exception_handler",
}

# The per-process throttle cache is deliberate here (tests switch to Redis where it matters).
SILENCED_SYSTEM_CHECKS = ["identity.W201", "identity.W606"]  # W606: the test issuer is plain http
