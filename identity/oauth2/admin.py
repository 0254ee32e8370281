"""Clients are registered and edited in the admin. A confidential client's secret is shown once,
on the page that answers the form (never in a message, which could sit in a cookie), and only
its keyed hash is stored. "Rotate secret" issues a new one the same way.

Deleting a client, grant or consent revokes what it covers first, in the same transaction: the
records of JWT access tokens go with the cascade, and a JWT nobody denied stays valid until it
expires, since it is verified offline."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from identity.core.admin import model_permission
from identity.core.generics import ModelAdmin
from identity.oauth2 import consent as consent_service
from identity.oauth2.forms import ClientForm
from identity.oauth2.models import Client, Consent, DeviceAuthorization, Grant
from identity.oauth2.revocation import Reason, revoke_grants

SECRET_TEMPLATE = "admin/identity/oauth2/client_secret.html"
_M = TypeVar("_M", bound=Model)


def _secret_page(
    request: HttpRequest, model_admin: ModelAdmin[Client], issued: list[tuple[Client, str]]
) -> HttpResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Client secret" if len(issued) == 1 else "Client secrets",
        "issued": issued,
        "opts": model_admin.model._meta,
    }
    response = TemplateResponse(request, SECRET_TEMPLATE, context)
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Client)
class ClientAdmin(ModelAdmin[Client]):
    form = ClientForm
    list_display = ["name", "client_id", "client_type", "grants", "trusted", "is_active", "live_grants", "created_at"]
    list_filter = ["client_type", "trusted", "is_active", "access_token_format"]
    search_fields = ["name", "client_id", "redirect_uris"]
    readonly_fields = ["secret_created_at", "created_at", "updated_at"]
    actions = ["rotate_secret", "revoke_all_tokens", "deactivate"]
    fieldsets = [
        (None, {"fields": ["name", "client_id", "client_type", "is_active", "trusted"]}),
        ("Grants and scopes", {"fields": ["grant_types", "scopes", "require_pkce"]}),
        ("Redirects and logout", {"fields": ["redirect_uris", "post_logout_redirect_uris", "backchannel_logout_uri"]}),
        (
            "Tokens",
            {
                "fields": [
                    "access_token_format",
                    "audience",
                    "access_token_lifetime",
                    "id_token_lifetime",
                    "refresh_token_lifetime",
                ],
                "description": "Empty lifetimes use the site's defaults (IDENTITY['OAUTH2_*_LIFETIME']).",
            },
        ),
        ("Secret", {"fields": ["secret_created_at", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Client]:
        live = Q(grants__revoked_at__isnull=True, grants__expires_at__gt=timezone.now())
        return super().get_queryset(request).annotate(live_grant_count=Count("grants", filter=live))

    @admin.display(description="grant types")
    def grants(self, obj: Client) -> str:
        short = {"urn:ietf:params:oauth:grant-type:device_code": "device_code"}
        return ", ".join(short.get(g, g) for g in obj.grant_types or [])

    @admin.display(description="live token families", ordering="live_grant_count")
    def live_grants(self, obj: Client) -> int:
        return getattr(obj, "live_grant_count", 0)

    def save_model(self, request: HttpRequest, obj: Client, form: Any, change: bool) -> None:
        if obj.is_confidential and not obj.secret_digest:
            obj._new_secret = obj.set_secret()  # type: ignore[attr-defined]
        elif not obj.is_confidential and obj.secret_digest:
            obj.secret_digest, obj.secret_created_at = "", None  # public clients hold no secret
        super().save_model(request, obj, form, change)

    def _show_new_secret(self, request: HttpRequest, obj: Client) -> HttpResponse | None:
        secret = getattr(obj, "_new_secret", None)
        return _secret_page(request, self, [(obj, secret)]) if secret else None

    def response_add(self, request: HttpRequest, obj: Client, post_url_continue: Any = None) -> HttpResponse:
        return self._show_new_secret(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Client) -> HttpResponse:
        return self._show_new_secret(request, obj) or super().response_change(request, obj)

    has_rotate_secret_permission = model_permission("change")
    has_revoke_tokens_permission = model_permission("delete", Grant)
    has_deactivate_permission = model_permission("change")

    @admin.action(
        description="Rotate secret (the new one is shown once; the old one stops working)",
        permissions=["rotate_secret"],
    )
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Client]) -> HttpResponse | None:
        """Needs ``change_client``: a new secret changes the client, and whoever runs this sees
        the secret, so it is as powerful as the client itself."""
        issued = []
        for client in queryset:
            if client.is_confidential:
                secret = client.set_secret()
                client.save(update_fields=["secret_digest", "secret_created_at", "updated_at"])
                issued.append((client, secret))
        if not issued:
            self.message_user(request, "Public clients have no secret.", messages.WARNING)
            return None
        return _secret_page(request, self, issued)

    @admin.action(description="Revoke every token of the selected clients", permissions=["revoke_tokens"])
    def revoke_all_tokens(self, request: HttpRequest, queryset: QuerySet[Client]) -> None:
        """Needs ``delete_grant``, the permission that revokes grants one by one on their own
        page: this revokes the same rows, selected by client."""
        count = revoke_grants(Grant.objects.filter(client__in=queryset), Reason.ADMIN)
        self.message_user(request, f"Revoked {count} token famil{'y' if count == 1 else 'ies'}.", messages.SUCCESS)

    @admin.action(description="Deactivate (refuses new requests and revokes tokens)", permissions=["deactivate"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Client]) -> None:
        """Needs ``change_client``, like unticking "active" on the client's page; revoking the
        tokens of a client that can no longer sign anyone in finishes the job, so it needs no
        permission of its own."""
        queryset.update(is_active=False)
        revoke_grants(Grant.objects.filter(client__in=queryset), Reason.ADMIN)
        self.message_user(request, "Deactivated.", messages.SUCCESS)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Client]) -> None:
        with transaction.atomic():
            revoke_grants(Grant.objects.filter(client__in=queryset), Reason.ADMIN)  # deny JWTs first
            super().delete_queryset(request, queryset)

    def delete_model(self, request: HttpRequest, obj: Client) -> None:
        with transaction.atomic():
            revoke_grants(Grant.objects.filter(client=obj), Reason.ADMIN)
            super().delete_model(request, obj)


class LiveGrantFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("live", "Live"), ("revoked", "Revoked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Grant]) -> QuerySet[Grant]:
        if self.value() == "live":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


class ReadOnlyAdmin(ModelAdmin[_M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin[Grant]):
    list_display = ["client", "user", "grant_type", "scope", "created_at", "expires_at", "revoked_at", "revoke_reason"]
    list_filter = [LiveGrantFilter, "grant_type", "revoke_reason", "client"]
    search_fields = ["user__username", "client__client_id", "client__name", "session_sid"]
    list_select_related = ["client", "user"]
    date_hierarchy = "created_at"
    actions = ["revoke"]
    has_revoke_permission = model_permission("delete")

    @admin.action(description="Revoke (ends the refresh tokens and access tokens at once)", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Grant]) -> None:
        """Needs ``delete_grant``: revoking ends the grant, the safe form of deleting it."""
        count = revoke_grants(queryset, Reason.ADMIN)
        self.message_user(request, f"Revoked {count}.", messages.SUCCESS)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Grant]) -> None:
        with transaction.atomic():
            revoke_grants(queryset, Reason.ADMIN)  # deny the JWT access tokens before their records go
            super().delete_queryset(request, queryset)

    def delete_model(self, request: HttpRequest, obj: Grant) -> None:
        with transaction.atomic():
            revoke_grants(Grant.objects.filter(pk=obj.pk), Reason.ADMIN)
            super().delete_model(request, obj)


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin[Consent]):
    list_display = ["user", "client", "scope", "created_at", "updated_at"]
    list_filter = ["client"]
    search_fields = ["user__username", "client__name", "client__client_id"]
    list_select_related = ["client", "user"]
    actions = ["withdraw"]
    has_withdraw_permission = model_permission("delete")

    @admin.action(description="Withdraw (the app must ask again; its tokens are revoked)", permissions=["withdraw"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Consent]) -> None:
        """Needs ``delete_consent``: withdrawing deletes the consent (and revokes what it allowed)."""
        for row in list(queryset.select_related("user", "client")):
            consent_service.withdraw(row.user, row.client)
        self.message_user(request, "Withdrawn.", messages.SUCCESS)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Consent]) -> None:
        """Deleting a consent is withdrawing it: the grants it allowed are revoked."""
        with transaction.atomic():
            consent_service.revoke_consented(queryset)
            super().delete_queryset(request, queryset)

    def delete_model(self, request: HttpRequest, obj: Consent) -> None:
        with transaction.atomic():
            consent_service.revoke_consented(Consent.objects.filter(pk=obj.pk))
            super().delete_model(request, obj)


@admin.register(DeviceAuthorization)
class DeviceAuthorizationAdmin(ReadOnlyAdmin[DeviceAuthorization]):
    list_display = ["client", "user_code", "status", "user", "created_at", "expires_at"]
    list_filter = ["status", "client"]
    search_fields = ["user_code", "user__username", "client__client_id"]
    list_select_related = ["client", "user"]
