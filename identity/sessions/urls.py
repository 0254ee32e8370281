from __future__ import annotations

from django.urls import path

from identity.core.pages import identity_page
from identity.sessions import views

sessions_urlpatterns = [
    path("accounts/login/", identity_page(views.LoginView.as_view()), name="login"),
    path("accounts/logout/", identity_page(views.LogoutView.as_view()), name="logout"),
    path("accounts/security/", views.security, name="security"),
    path("accounts/security/sessions/<str:sid>/end/", views.end_one, name="session-end"),
    path("accounts/security/sign-out-everywhere/", views.end_everywhere, name="sign-out-everywhere"),
]
