"""Demo site A: the identity provider and a small "Portal" product.

Standalone and copyable. Development settings: plain http on localhost, DEBUG on, SQLite by
default. SITE_A_DATABASE_URL switches to PostgreSQL, SITE_A_REDIS_URL adds Redis for sessions
(cached_db, so sessions survive a Redis loss), throttles and caches.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
SITE_URL = os.environ.get("SITE_A_URL", "http://localhost:8000").rstrip("/")
SITE_B_URL = os.environ.get("SITE_B_URL", "http://127.0.0.1:8001").rstrip("/")

SECRET_KEY = os.environ.get("SITE_A_SECRET_KEY", "demo-site-a-insecure-secret-key-change-me-0123456789")
DEBUG = os.environ.get("DEMO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", urlsplit(SITE_URL).hostname or "localhost"]

INSTALLED_APPS = [
    "demo_sso_site_a",  # first, so its templates can extend identity's
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
    "django.middleware.security.SecurityMiddleware",
    "identity.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "identity.core.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "demo_sso_site_a.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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
WSGI_APPLICATION = "demo_sso_site_a.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("SITE_A_DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}

REDIS_URL = os.environ.get("SITE_A_REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "site-a",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},  # a Redis loss degrades, never breaks, the site
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

SESSION_COOKIE_NAME = "portal_sessionid"
CSRF_COOKIE_NAME = "portal_csrftoken"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 7
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "/"

IDENTITY = {
    "SITE_NAME": "Portal",
    "ISSUER": SITE_URL,  # every JWT site A signs carries iss = its base URL
    "JWT_AUDIENCE": "demo-api",  # the API audience both sites accept
    # The scopes clients may be allowed. revenue:read is the demo APIs' own scope: an OAuth
    # access token reaches /api/revenue/ on either site only if it holds it.
    "OAUTH2_SCOPES": {
        "openid": "Sign you in with your account",
        "profile": "See your name and username",
        "email": "See your email address",
        "revenue:read": "See the company's revenue figures",
    },
    # Demo only: a fixed key-encryption key so the demo's signing keys survive restarts.
    "JWT_KEY_ENCRYPTION_KEYS": [
        os.environ.get("SITE_A_JWT_KEK", "demo-site-a-key-encryption-key-change-me-0123456789")
    ],
    # The demo runs on plain http on one machine; production proxy callbacks must be https.
    "CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK": True,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["identity.contrib.rest_framework.authentication.IdentityAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "identity.contrib.rest_framework.views.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"identity": {"handlers": ["console"], "level": "INFO"}},
}
