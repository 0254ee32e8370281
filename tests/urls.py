from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from demo_sso_site_a.views import RevenueView
from identity.contrib.rest_framework.permissions import RequireScopes
from identity.core.authenticators import get_auth_method
from identity.core.reach import accepts


class WhoAmI(APIView):
    def get(self, request: Request) -> Response:
        return Response({"user": request.user.get_username(), "method": get_auth_method(request._request)})

    def post(self, request: Request) -> Response:
        return Response({"user": request.user.get_username(), "posted": True})


class ScopedWhoAmI(WhoAmI):
    """An API that also takes OAuth access tokens holding ``profile``."""

    permission_classes = [RequireScopes("profile")]


class Reports(WhoAmI):
    """An API for machines too: OAuth tokens holding ``reports:read``, client_credentials included."""

    permission_classes = [RequireScopes("reports:read", clients=True)]


class Public(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"user": request.user.get_username() if request.user.is_authenticated else None})


def plain_whoami(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "user": request.user.get_username() if request.user.is_authenticated else None,
            "method": get_auth_method(request),
        }
    )


@accepts("profile")
def plain_scoped_whoami(request: HttpRequest) -> JsonResponse:
    return plain_whoami(request)


urlpatterns = [
    path("api/whoami/", WhoAmI.as_view()),
    path("api/public/", Public.as_view()),
    path("api/scoped/", ScopedWhoAmI.as_view()),
    path("api/reports/", Reports.as_view()),
    path("api/revenue/", RevenueView.as_view()),  # demo site A's API, for the in-process reach matrix
    path("plain/whoami/", plain_whoami),
    path("plain/scoped/", plain_scoped_whoami),
    path("admin/", admin.site.urls),
    path("", include("identity.urls")),
]
