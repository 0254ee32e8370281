"""``identity_clearexpired`` deletes tokens and JWT sign-ins that ended long enough ago, and
keeps what can still matter (live ones, recent history, spent refresh tokens a thief could
replay)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from identity.jwt.models import RefreshFamily, RefreshToken
from identity.tokens.models import APIToken
from tests.jwt.conftest import obtain

pytestmark = pytest.mark.django_db(transaction=True)


def test_old_tokens_and_sign_ins_are_deleted(alice: Any, capsys: Any) -> None:
    for _ in range(3):
        Client().post("/api/auth/token/", {"username": "alice", "password": "alice-pass"})
    obtain()
    second = obtain()
    Client().post("/api/auth/jwt/refresh/", {"refresh": second["refresh"]}, content_type="application/json")
    long_ago = timezone.now() - timedelta(days=31)
    live, recent, old = APIToken.objects.order_by("pk")
    APIToken.objects.filter(pk=recent.pk).update(revoked_at=timezone.now(), revoke_reason="user")
    APIToken.objects.filter(pk=old.pk).update(revoked_at=long_ago, revoke_reason="user")
    first_family = RefreshFamily.objects.order_by("pk").first()
    RefreshFamily.objects.filter(pk=first_family.pk).update(revoked_at=long_ago, revoke_reason="revoked")
    call_command("identity_clearexpired")
    out = capsys.readouterr().out
    assert set(APIToken.objects.values_list("pk", flat=True)) == {live.pk, recent.pk}
    assert RefreshFamily.objects.count() == 1
    assert RefreshToken.objects.count() == 2  # the spent one stays: replaying it must still revoke
    assert "API tokens deleted: 1" in out and "JWT sign-ins deleted: 1" in out
