"""The client registration form, shared by the admin and ``manage.py identity_oauth_client`` so
both refuse the same mistakes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError

from identity.conf import identity_settings
from identity.core.generics import ModelForm
from identity.oauth2 import uris
from identity.oauth2.models import RESERVED_CLIENT_ID, Client, ClientType, GrantType, is_reserved_client_id
from identity.oauth2.validator import USER_SCOPES

MAX_LIFETIME = 86400  # a day: access and ID tokens are meant to be short
NO_API_SCOPE = (
    "client_credentials tokens act for the client, not a user: give it at least one scope that is not "
    "openid/profile/email, e.g. an API scope such as revenue:read"
)


def scope_choices() -> list[tuple[str, str]]:
    return [(name, f"{name}: {text}") for name, text in identity_settings.OAUTH2_SCOPES.items()]


class ScopeField(forms.MultipleChoiceField):
    """Stored as one space-separated string; edited as checkboxes of the site's scopes."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value: Any) -> Any:
        return value.split() if isinstance(value, str) else value


class ClientForm(ModelForm[Client]):
    grant_types = forms.MultipleChoiceField(
        choices=GrantType.choices, widget=forms.CheckboxSelectMultiple, required=True
    )
    scopes = ScopeField(choices=scope_choices, required=True)
    backchannel_logout_uri = forms.URLField(
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text=Client._meta.get_field("backchannel_logout_uri").help_text,
        label="Back-channel logout URI",
    )

    class Meta:
        model = Client
        fields = [
            "name",
            "client_id",
            "client_type",
            "grant_types",
            "redirect_uris",
            "post_logout_redirect_uris",
            "backchannel_logout_uri",
            "scopes",
            "trusted",
            "require_pkce",
            "access_token_format",
            "audience",
            "access_token_lifetime",
            "id_token_lifetime",
            "refresh_token_lifetime",
            "is_active",
        ]
        widgets = {
            "redirect_uris": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "post_logout_redirect_uris": forms.Textarea(attrs={"rows": 2, "cols": 80}),
        }

    def clean_client_id(self) -> str:
        value: str = self.cleaned_data["client_id"].strip()
        if not value or not value.isascii() or not value.isprintable() or " " in value or ":" in value:
            raise ValidationError("Use printable ASCII without spaces or colons (it travels in Basic credentials).")
        if is_reserved_client_id(value):
            raise ValidationError(RESERVED_CLIENT_ID)
        return value

    def clean_scopes(self) -> str:
        return " ".join(self.cleaned_data["scopes"])

    def _uri_lines(self, field: str) -> str:
        lines = uris.split_lines(self.cleaned_data.get(field, ""))
        problems = [f"{line}: {problem}" for line in lines if (problem := uris.problem(line))]
        if problems:
            raise ValidationError(problems)
        return "\n".join(dict.fromkeys(lines))

    def clean_redirect_uris(self) -> str:
        return self._uri_lines("redirect_uris")

    def clean_post_logout_redirect_uris(self) -> str:
        return self._uri_lines("post_logout_redirect_uris")

    def clean_backchannel_logout_uri(self) -> str:
        value: str = self.cleaned_data.get("backchannel_logout_uri", "").strip()
        if value:
            problem = uris.problem(value)
            if problem or urlsplit(value).scheme not in {"http", "https"}:
                raise ValidationError(f"{value}: {problem or 'must be an http(s) URL'}")
            if urlsplit(value).fragment:
                raise ValidationError("Must not contain a fragment (Back-Channel Logout §2.2).")
        return value

    def _clean_lifetime(self, field: str) -> int | None:
        value = self.cleaned_data.get(field)
        if value is not None and not 1 <= value <= MAX_LIFETIME and field != "refresh_token_lifetime":
            raise ValidationError(f"Between 1 and {MAX_LIFETIME} seconds; leave empty for the site default.")
        return value

    def clean_access_token_lifetime(self) -> int | None:
        return self._clean_lifetime("access_token_lifetime")

    def clean_id_token_lifetime(self) -> int | None:
        return self._clean_lifetime("id_token_lifetime")

    def clean(self) -> dict[str, Any]:
        super().clean()  # a ModelForm's returns cleaned_data; the stubs allow a form's to return None
        data = self.cleaned_data
        grants = set(data.get("grant_types") or [])
        public = data.get("client_type") == ClientType.PUBLIC
        if GrantType.AUTHORIZATION_CODE in grants and not uris.split_lines(data.get("redirect_uris", "")):
            self.add_error("redirect_uris", "The authorization code grant needs at least one redirect URI.")
        if public and GrantType.CLIENT_CREDENTIALS in grants:
            self.add_error("grant_types", "A public client cannot use client credentials: it has no secret.")
        if GrantType.REFRESH_TOKEN in grants and not grants & {GrantType.AUTHORIZATION_CODE, GrantType.DEVICE_CODE}:
            self.add_error("grant_types", "Refresh tokens come from the authorization code or device grant.")
        api_scopes = set(data.get("scopes", "").split()) - USER_SCOPES
        if GrantType.CLIENT_CREDENTIALS in grants and "scopes" in data and not api_scopes:
            # The validator refuses user scopes in a client-credentials request and leaves them
            # out of its default, so such a client would get tokens that reach nothing.
            self.add_error("scopes", NO_API_SCOPE)
        if public:
            data["require_pkce"] = True
        return data
