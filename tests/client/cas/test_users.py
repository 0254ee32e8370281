"""Mapping a CAS identity to a local user: by username, attributes copied, privileges never."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from identity.client.cas.users import UnknownUser, local_user
from identity.client.cas.validation import CasIdentity, CasValidationError, parse_validation

pytestmark = pytest.mark.django_db


def test_a_new_user_is_created_with_an_unusable_password() -> None:
    user = local_user(CasIdentity("carol", {"email": ["carol@example.com"], "first_name": ["Carol"]}))
    assert user.pk and user.email == "carol@example.com" and user.first_name == "Carol"
    assert not user.has_usable_password()


def test_an_existing_user_is_updated_from_the_attributes(alice: Any) -> None:
    user = local_user(CasIdentity("alice", {"email": ["new@example.com"], "last_name": ["L."]}))
    assert user.pk == alice.pk
    alice.refresh_from_db()
    assert (alice.email, alice.last_name, alice.first_name) == ("new@example.com", "L.", "Alice")
    assert alice.check_password("alice-pass")  # a local password is left alone


@override_settings(IDENTITY={"CLIENT_CAS_ATTRIBUTES": {"email": "email", "admin": "is_superuser", "who": "username"}})
def test_privileges_and_identity_are_never_set_from_attributes() -> None:
    user = local_user(CasIdentity("dave", {"admin": ["True"], "who": ["root"], "email": ["d@example.com"]}))
    assert not user.is_superuser and user.username == "dave" and user.email == "d@example.com"


def test_values_too_long_for_the_field_are_skipped(alice: Any) -> None:
    user = local_user(CasIdentity("alice", {"first_name": ["x" * 500]}))
    assert user.first_name == "Alice"
    with pytest.raises(UnknownUser):
        local_user(CasIdentity("u" * 200))


@override_settings(IDENTITY={"CLIENT_CAS_CREATE_USERS": False})
def test_creation_can_be_turned_off(alice: Any) -> None:
    assert local_user(CasIdentity("alice")).pk == alice.pk
    with pytest.raises(UnknownUser):
        local_user(CasIdentity("mallory"))
    assert not get_user_model().objects.filter(username="mallory").exists()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<x/>",
        b'<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess/></cas:serviceResponse>',
        b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
    ],
)
def test_unusable_answers_are_errors(body: bytes) -> None:
    with pytest.raises(CasValidationError):
        parse_validation(body)


def test_multi_valued_attributes_are_collected() -> None:
    identity = parse_validation(
        b'<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess>'
        b"<cas:user>alice</cas:user><cas:attributes><cas:groups>a</cas:groups><cas:groups>b</cas:groups>"
        b"</cas:attributes></cas:authenticationSuccess></cas:serviceResponse>"
    )
    assert identity == CasIdentity("alice", {"groups": ["a", "b"]})
