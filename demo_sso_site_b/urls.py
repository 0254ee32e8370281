from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from demo_sso_site_b import views

admin.site.site_header = "Reports admin"
admin.site.site_title = "Reports admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("api/revenue/", views.RevenueView.as_view(), name="revenue"),
    path("admin/", admin.site.urls),
    # Sign-in through site A: /accounts/login/ and /accounts/logout/ start and end the flow;
    # /accounts/oidc/callback/ and /accounts/oidc/backchannel-logout/ (OpenID Connect) and
    # /accounts/cas/callback/ (CAS service URL and single-logout receiver) come back here.
    # Mounted before identity.urls so they take the place of the password form.
    path("", include("identity.client.urls")),
    path("", include("identity.urls")),
]
