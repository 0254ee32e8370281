"""Demo site B: "Reports", a second product that signs its users in through site A.

Standalone and copyable. Development settings: plain http on localhost, DEBUG on, SQLite by
default. SITE_B_DATABASE_URL switches to PostgreSQL, SITE_B_REDIS_URL adds Redis for sessions
(cached_db, so sessions survive a Redis loss), throttles and caches.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
SITE_URL = os.environ.get("SITE_B_URL", "http://127.0.0.1:8001").rstrip("/")
SITE_A_URL = os.environ.get("SITE_A_URL", "http://localhost:8000").rstrip("/")

SECRET_KEY = os.environ.get("SITE_B_SECRET_KEY", "demo-site-b-insecure-secret-key-change-me-0123456789")
DEBUG = os.environ.get("DEMO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", urlsplit(SITE_URL).hostname or "localhost"]

INSTALLED_APPS = [
    "demo_sso_site_b",  # first, so its templates can extend identity's
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

ROOT_URLCONF = "demo_sso_site_b.urls"
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
WSGI_APPLICATION = "demo_sso_site_b.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("SITE_B_DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}

REDIS_URL = os.environ.get("SITE_B_REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "site-b",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},  # a Redis loss degrades, never breaks, the site
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

SESSION_COOKIE_NAME = "reports_sessionid"
CSRF_COOKIE_NAME = "reports_csrftoken"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 7
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "/"

# How site B signs its users in through site A: "oidc" (OpenID Connect, the default) or "cas"
# (CAS 3.0). Each protocol is a flow of identity.client; CLIENT_PROTOCOL picks one of CLIENT_FLOWS.
SITE_B_SIGN_IN = os.environ.get("SITE_B_SIGN_IN", "oidc").strip().lower()
CLIENT_FLOWS = {
    "oidc": "identity.client.oidc.flow.OIDCSignInFlow",
    "cas": "identity.client.cas.flow.CasSignInFlow",
}

IDENTITY = {
    "SITE_NAME": "Reports",
    "OAUTH2_PROVIDER": False,  # site B is a client of site A, not a provider
    # Site B issues no tokens of its own: it accepts site A's access JWTs, checked against site
    # A's published keys (fetched once, then cached) with no call to site A per request.
    "TOKENS_ENABLED": False,
    "JWT_ENABLED": False,
    "REMOTE_JWT_ISSUER": SITE_A_URL,
    "REMOTE_JWT_AUDIENCE": "demo-api",
    "CLIENT_PROTOCOL": SITE_B_SIGN_IN,
    "CLIENT_FLOWS": CLIENT_FLOWS,
    # OpenID Connect: site B is the client demo-site-b of site A (registered by site A's seed_demo).
    "OIDC_RP_DISCOVERY_URL": f"{SITE_A_URL}/.well-known/openid-configuration",
    "OIDC_RP_CLIENT_ID": os.environ.get("SITE_B_OIDC_CLIENT_ID", "demo-site-b"),
    "OIDC_RP_CLIENT_SECRET": os.environ.get("SITE_B_OIDC_CLIENT_SECRET", "demo-site-b-secret"),
    # revenue:read lets the access token site B receives call /api/revenue/ on site A.
    "OIDC_RP_SCOPES": "openid profile email revenue:read",
    # CAS: site A's CAS server; the service URL is this site's /accounts/cas/callback/.
    "CLIENT_CAS_SERVER_URL": f"{SITE_A_URL}/cas/",
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
