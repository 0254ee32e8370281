from __future__ import annotations

from django.urls import path

from identity.contrib.rest_framework.token_views import TokenView
from identity.tokens import views

tokens_urlpatterns = [
    path("api/auth/token/", TokenView.as_view(), name="token"),
    path("accounts/security/tokens/", views.create_from_security_page, name="token-create"),
    path("accounts/security/tokens/<int:pk>/revoke/", views.revoke_from_security_page, name="token-revoke"),
]
