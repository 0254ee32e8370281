from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from demo_sso_site_a import views

admin.site.site_header = "Portal identity admin"
admin.site.site_title = "Portal admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("api/revenue/", views.RevenueView.as_view(), name="revenue"),
    path("admin/", admin.site.urls),
    path("", include("identity.urls")),
]
