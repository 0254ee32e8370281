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

app_name = "identity_client"

client_urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/cas/callback/", cas_views.callback, name="cas-callback"),
    *oidc_client_urlpatterns,
]

urlpatterns = [*client_urlpatterns]
