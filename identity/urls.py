"""All of identity's URLs, mounted at the site root: ``path("", include("identity.urls"))``.

The enabled mechanisms' manifests name their URL patterns; each mechanism also exports its own
list (``identity.cas.urls.cas_urlpatterns``, ...), so a site can mount a subset instead."""

from __future__ import annotations

from identity.core import mechanisms

app_name = "identity"

urlpatterns = mechanisms.url_patterns()
