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
from identity.core.authenticators import get_auth_method


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
    """``GET /api/revenue/``: the demo figures, for any authenticated user, by any mechanism."""

    def get(self, request: Request) -> Response:
        return Response(
            {**REVENUE, "user": request.user.get_username(), "authenticated_by": request._request.auth_method}
        )
