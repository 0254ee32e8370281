from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path

from identity.core.reach import get_reach


def whoami(request: HttpRequest) -> JsonResponse:
    reach = get_reach(request)
    return JsonResponse({"user": request.user.get_username(), "mechanism": reach.mechanism if reach else None})


badge_urlpatterns = [path("badges/whoami/", whoami, name="badges-whoami")]
