"""A site that signs in through a provider: identity.client's URLs first, then the test site."""

from __future__ import annotations

from django.urls import include, path

from tests.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("", include("identity.client.urls")), *site_urlpatterns]
