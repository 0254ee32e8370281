"""All of identity's URLs, mounted at the site root: ``path("", include("identity.urls"))``.

Each mechanism exports its own list, so a site can mount a subset instead."""

from __future__ import annotations

from identity.cas.urls import cas_urlpatterns
from identity.jwt.urls import jwt_urlpatterns
from identity.oauth2.urls import oauth2_urlpatterns
from identity.sessions.urls import sessions_urlpatterns
from identity.tokens.urls import tokens_urlpatterns

app_name = "identity"

urlpatterns = [*sessions_urlpatterns, *tokens_urlpatterns, *jwt_urlpatterns, *cas_urlpatterns, *oauth2_urlpatterns]
