"""Site A's own pages: the Portal home and the demo revenue API. No authentication logic here:
all of it lives in identity."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from demo_sso_site_a.revenue import REVENUE
from identity.contrib.rest_framework.permissions import RequireScopes
from identity.core.authenticators import get_auth_method
from identity.core.reach import describe_caller


def home(request: HttpRequest) -> HttpResponse:
    quarters = REVENUE["quarters"]
    peak = max(q["revenue"] for q in quarters)  # type: ignore[union-attr]
    bars = [{**q, "height": round(100 * q["revenue"] / peak)} for q in quarters]  # type: ignore[union-attr]
    return render(
        request,
        "demo_sso_site_a/home.html",
        {"revenue": REVENUE, "bars": bars, "auth_method": get_auth_method(request), "reports_url": settings.SITE_B_URL},
    )


class RevenueView(APIView):
    """``GET /api/revenue/``: the demo figures. First-party credentials, and OAuth access tokens
    holding ``revenue:read`` (a user's, or a ``client_credentials`` token acting for a client)."""

    permission_classes = [RequireScopes("revenue:read", clients=True)]

    def get(self, request: Request) -> Response:
        return Response({**REVENUE, **describe_caller(request._request)})
