"""URLs of a site that signs in through a provider. Mount them *before* ``identity.urls`` so
``/accounts/login/`` and ``/accounts/logout/`` start and end the flow instead of showing a
password form::

    urlpatterns = [path("", include("identity.client.urls")), path("", include("identity.urls"))]

Each enabled client mechanism adds its callback URLs here through its manifest's
``client_urls``.
"""

from __future__ import annotations

from django.urls import path

from identity.client import views
from identity.core import mechanisms
from identity.core.pages import identity_page

app_name = "identity_client"

#: Browser pages of the sign-in flow: only the browser's session counts there.
flow_urlpatterns = [
    path("accounts/login/", identity_page(views.login), name="login"),
    path("accounts/logout/", identity_page(views.logout), name="logout"),
]

urlpatterns = mechanisms.url_patterns("client_urls")
