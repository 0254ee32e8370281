from __future__ import annotations

import django_cas_ng.views
from django.http import HttpRequest, JsonResponse
from django.urls import path


def whoami(request: HttpRequest) -> JsonResponse:
    user = request.user
    return JsonResponse(
        {
            "user": user.get_username() if user.is_authenticated else None,
            "attributes": request.session.get("attributes"),
            "email": getattr(user, "email", None),
        }
    )


urlpatterns = [
    path("accounts/login/", django_cas_ng.views.LoginView.as_view(), name="cas_ng_login"),
    path("accounts/logout/", django_cas_ng.views.LogoutView.as_view(), name="cas_ng_logout"),
    path("accounts/callback/", django_cas_ng.views.CallbackView.as_view(), name="cas_ng_proxy_callback"),
    path("whoami/", whoami),
]
