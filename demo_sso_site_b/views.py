"""Site B's own pages: the Reports home (sign-in required) and the revenue API."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from demo_sso_site_b.reports import REPORT
from identity.contrib.rest_framework.permissions import RequireScopes
from identity.core.authenticators import get_auth_method
from identity.core.reach import describe_caller


@login_required
def home(request: HttpRequest) -> HttpResponse:
    rows = REPORT["regions"]
    best = max(r["revenue"] for r in rows)  # type: ignore[union-attr]
    bars = [{**r, "width": round(100 * r["revenue"] / best)} for r in rows]  # type: ignore[union-attr]
    context = {
        "report": REPORT,
        "bars": bars,
        "auth_method": get_auth_method(request),
        "portal_url": settings.SITE_A_URL,
        "sign_in_protocol": settings.SITE_B_SIGN_IN.upper(),
    }
    return render(request, "demo_sso_site_b/home.html", context)


class RevenueView(APIView):
    """``GET /api/revenue/``: the report as JSON. Site B's session, site A's first-party access
    JWTs, and site A's OAuth access JWTs holding ``revenue:read``, all checked offline."""

    permission_classes = [RequireScopes("revenue:read", clients=True)]

    def get(self, request: Request) -> Response:
        return Response({**REPORT, **describe_caller(request._request)})
