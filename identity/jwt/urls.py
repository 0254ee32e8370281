from __future__ import annotations

from django.urls import path

from identity.contrib.rest_framework import jwt_views
from identity.jwt import security, views

jwt_urlpatterns = [
    path("api/auth/jwt/", jwt_views.ObtainView.as_view(), name="jwt-obtain"),
    path("api/auth/jwt/refresh/", jwt_views.RefreshView.as_view(), name="jwt-refresh"),
    path("api/auth/jwt/revoke/", jwt_views.RevokeView.as_view(), name="jwt-revoke"),
    path(".well-known/jwks.json", views.jwks_view, name="jwks"),
    path("accounts/security/apps/<str:family_id>/revoke/", security.revoke_family, name="jwt-family-revoke"),
]
