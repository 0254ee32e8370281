"""A small independent Django site that signs in with django-cas-ng (a peer CAS client), used
to test identity's CAS server against it over real HTTP. Its CAS version comes from
CASNG_VERSION ("3", "2" or "CAS_2_SAML_1_0"); it shares nothing with identity."""

from __future__ import annotations

import os

SECRET_KEY = "casng-test-site-secret-key-0123456789abcdef0123456789"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_cas_ng",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend", "django_cas_ng.backends.CASBackend"]
ROOT_URLCONF = "tests.e2e.casng_site.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["CASNG_DATABASE"],
        "OPTIONS": {"timeout": 20},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "casng_sessionid"
CSRF_COOKIE_NAME = "casng_csrftoken"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]

CAS_SERVER_URL = os.environ["CASNG_SERVER_URL"]
CAS_VERSION = os.environ["CASNG_VERSION"]
CAS_REDIRECT_URL = "/whoami/"
CAS_APPLY_ATTRIBUTES_TO_USER = True
CAS_LOGOUT_COMPLETELY = True
CAS_CHECK_NEXT = True
CAS_LOGGED_MSG = None
CAS_LOGIN_MSG = None
