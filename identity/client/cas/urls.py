"""The CAS client's callback, mounted by ``identity.client.urls``."""

from __future__ import annotations

from django.urls import path

from identity.client.cas import views
from identity.core.pages import identity_page

cas_client_urlpatterns = [
    path("accounts/cas/callback/", identity_page(views.callback), name="cas-callback"),
]
