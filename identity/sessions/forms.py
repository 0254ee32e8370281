"""The sign-in form: Django's, with the password check throttled like HTTP Basic."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm

from identity.core.throttling import PasswordThrottle
from identity.exceptions import Throttled


class ThrottledAuthenticationForm(AuthenticationForm):
    throttled: Throttled | None = None

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        if self.request is None:
            raise TypeError("ThrottledAuthenticationForm needs the request: throttles count by client IP.")
        throttle = PasswordThrottle(self.request, username)
        try:
            throttle.check()
        except Throttled as exc:
            self.throttled = exc
            minutes = max(1, round(exc.retry_after / 60))
            raise forms.ValidationError(
                "Too many failed sign-in attempts. Try again in %(minutes)d minute(s).",
                code="throttled",
                params={"minutes": minutes},
            ) from None
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            throttle.failure()
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        throttle.success()
        return self.cleaned_data
