from __future__ import annotations

from django.urls import path

from identity.client.oidc import views

oidc_client_urlpatterns = [
    path("accounts/oidc/callback/", views.callback, name="oidc-callback"),
    path("accounts/oidc/backchannel-logout/", views.backchannel_logout, name="oidc-backchannel-logout"),
]
