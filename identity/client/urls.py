"""URLs of a site that signs in through a provider. Mount them *before* ``identity.urls`` so
``/accounts/login/`` and ``/accounts/logout/`` start and end the flow instead of showing a
password form::

    urlpatterns = [path("", include("identity.client.urls")), path("", include("identity.urls"))]

Each protocol adds its own callback URLs to ``client_urlpatterns``.
"""

from __future__ import annotations

from django.urls import path

from identity.client import views
from identity.client.cas import views as cas_views
from identity.client.oidc.urls import oidc_client_urlpatterns
from identity.core.pages import identity_page

app_name = "identity_client"

client_urlpatterns = [
    # Browser pages of the sign-in flow: only the browser's session counts there.
    path("accounts/login/", identity_page(views.login), name="login"),
    path("accounts/logout/", identity_page(views.logout), name="logout"),
    path("accounts/cas/callback/", identity_page(cas_views.callback), name="cas-callback"),
    *oidc_client_urlpatterns,
]

urlpatterns = [*client_urlpatterns]
