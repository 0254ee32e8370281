"""One tiny DRF view, mounted once per authentication setup: only the authentication differs."""

from __future__ import annotations

from typing import Any

from django.urls import include, path
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.authentication import BasicAuthentication, SessionAuthentication, TokenAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication, JWTStatelessUserAuthentication

from identity.contrib.rest_framework.authentication import IdentityAuthentication
from identity.contrib.rest_framework.permissions import RequireScopes

REVENUE = {"currency": "EUR", "total": 868350}


class Revenue(APIView):
    def get(self, request: Request) -> Response:
        return Response(REVENUE)


def view(*authentication: Any, public: bool = False, scope: str = "") -> Any:
    kwargs: dict[str, Any] = {"authentication_classes": list(authentication)}
    if public:
        kwargs["permission_classes"] = [AllowAny]
    if scope:  # first-party credentials + OAuth access tokens holding the scope (users' or clients')
        kwargs["permission_classes"] = [RequireScopes(scope, clients=True)]
    return Revenue.as_view(**kwargs)


urlpatterns = [
    path("bare/", view(public=True)),  # the floor: the same view, no authentication at all
    path("peer/bare/", view(public=True)),  # the same floor behind the peers' middleware
    path("ours/", view(IdentityAuthentication)),
    path("ours/scoped/", view(IdentityAuthentication, scope="api:read")),
    path("peer/drf-token/", view(TokenAuthentication)),
    path("peer/session/", view(SessionAuthentication)),
    path("peer/drf-basic/", view(BasicAuthentication)),
    path("peer/simplejwt/", view(JWTAuthentication)),
    path("peer/simplejwt-stateless/", view(JWTStatelessUserAuthentication)),
    path("peer/knox/", view(KnoxTokenAuthentication)),
    path("peer/dot/", view(OAuth2Authentication)),
    path("peer/o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("", include("identity.urls")),
]
