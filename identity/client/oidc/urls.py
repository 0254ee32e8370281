from __future__ import annotations

from django.urls import path

from identity.client.oidc import views
from identity.core.middleware import reads_authorization
from identity.core.pages import identity_page

oidc_client_urlpatterns = [
    path("accounts/oidc/callback/", identity_page(views.callback), name="oidc-callback"),
    # Server to server: the logout token in the body is the credential (OIDC Back-Channel Logout §2.5).
    path(
        "accounts/oidc/backchannel-logout/",
        reads_authorization(views.backchannel_logout),
        name="oidc-backchannel-logout",
    ),
]
