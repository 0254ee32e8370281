from __future__ import annotations

from django.urls import path

from identity.oauth2.views import authorize, connected, device, discovery, endpoints, logout, userinfo

oauth2_urlpatterns = [
    path("oauth/authorize/", authorize.authorize, name="oauth2-authorize"),
    path("oauth/token/", endpoints.token, name="oauth2-token"),
    path("oauth/revoke/", endpoints.revoke, name="oauth2-revoke"),
    path("oauth/introspect/", endpoints.introspect, name="oauth2-introspect"),
    path("oauth/device_authorization/", endpoints.device_authorization, name="oauth2-device-authorization"),
    path("oauth/userinfo/", userinfo.userinfo, name="oauth2-userinfo"),
    path("oauth/logout/", logout.end_session, name="oauth2-logout"),
    path("device/", device.device, name="oauth2-device"),
    path("accounts/security/apps/<str:client_id>/disconnect/", connected.disconnect, name="oauth2-disconnect"),
    path(".well-known/openid-configuration", discovery.metadata, name="oidc-discovery"),
    path(".well-known/oauth-authorization-server", discovery.metadata, name="oauth2-metadata"),
]
