"""A second URLconf, chosen per request by a middleware (as host-based routing does): the
admin lives at /staff/ here, a path the first URLconf does not know."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

urlpatterns = [path("staff/", admin.site.urls)]
