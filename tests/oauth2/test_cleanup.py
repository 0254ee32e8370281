"""identity_clearexpired deletes what the provider can no longer use, and nothing live."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from identity.oauth2.models import AuthorizationCode, Grant, GrantType

pytestmark = pytest.mark.django_db


def test_clearexpired_deletes_old_codes_and_ended_families(app: Any, alice: Any) -> None:
    client, _ = app
    now = timezone.now()
    old_code = AuthorizationCode.objects.create(
        digest="a" * 64, client=client, user=alice, redirect_uri="x", expires_at=now - timedelta(days=2)
    )
    fresh_code = AuthorizationCode.objects.create(digest="b" * 64, client=client, user=alice, redirect_uri="x")
    ended = Grant.objects.create(
        client=client, user=alice, grant_type=GrantType.AUTHORIZATION_CODE, revoked_at=now - timedelta(days=3)
    )
    live = Grant.objects.create(
        client=client, user=alice, grant_type=GrantType.AUTHORIZATION_CODE, expires_at=now + timedelta(days=1)
    )
    out = StringIO()
    call_command("identity_clearexpired", stdout=out)
    assert not AuthorizationCode.objects.filter(pk=old_code.pk).exists()
    assert AuthorizationCode.objects.filter(pk=fresh_code.pk).exists()
    assert not Grant.objects.filter(pk=ended.pk).exists() and Grant.objects.filter(pk=live.pk).exists()
