from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from identity.core.authenticators import get_auth_method


class WhoAmI(APIView):
    def get(self, request: Request) -> Response:
        return Response({"user": request.user.get_username(), "method": get_auth_method(request._request)})

    def post(self, request: Request) -> Response:
        return Response({"user": request.user.get_username(), "posted": True})


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


urlpatterns = [
    path("api/whoami/", WhoAmI.as_view()),
    path("api/public/", Public.as_view()),
    path("plain/whoami/", plain_whoami),
    path("admin/", admin.site.urls),
    path("", include("identity.urls")),
]
