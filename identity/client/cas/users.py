"""The local user for a CAS identity: found by username, created on first sign-in (unless
``CLIENT_CAS_CREATE_USERS`` is off) with an unusable password, and updated from the released
attributes (``CLIENT_CAS_ATTRIBUTES``) at every sign-in, so a change at the provider reaches
this site the next time the user signs in."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model

from identity.client.cas.validation import CasIdentity
from identity.conf import identity_settings

log = logging.getLogger("identity.client")

#: Fields a CAS server may never set: identity, credentials and privileges stay local decisions.
PROTECTED_FIELDS = {"id", "pk", "password", "last_login", "is_superuser", "is_staff", "is_active", "date_joined"}


class UnknownUser(Exception):
    pass


def local_user(identity: CasIdentity) -> Any:
    user_model = get_user_model()
    username_max = getattr(user_model._meta.get_field(user_model.USERNAME_FIELD), "max_length", None)
    if username_max and len(identity.username) > username_max:
        raise UnknownUser("The user name sent by the sign-in server is too long for this site.")
    user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: identity.username}).first()
    created = user is None
    if user is None:
        if not identity_settings.CLIENT_CAS_CREATE_USERS:
            raise UnknownUser("This site only lets existing users sign in, and you have no account here.")
        user = user_model(**{user_model.USERNAME_FIELD: identity.username})
        user.set_unusable_password()
    changed = []
    for attribute, field_name in identity_settings.CLIENT_CAS_ATTRIBUTES.items():
        values = identity.attributes.get(attribute)
        if not values or field_name in PROTECTED_FIELDS or field_name == user_model.USERNAME_FIELD:
            continue
        value = values[0]
        max_length = getattr(user_model._meta.get_field(field_name), "max_length", None)
        if max_length and len(value) > max_length:
            log.warning(
                "CAS attribute %s is longer than %s.%s allows; kept the old value",
                attribute,
                user_model.__name__,
                field_name,
            )
            continue
        if getattr(user, field_name) != value:
            setattr(user, field_name, value)
            changed.append(field_name)
    if created:
        user.save()
    elif changed:
        user.save(update_fields=changed)
    return user
