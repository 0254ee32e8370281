"""Django's autodiscover imports only ``identity.admin``: import each mechanism's admin here."""

from __future__ import annotations

from identity.cas import admin as cas_admin  # noqa: F401
from identity.client.oidc import admin as oidc_client_admin  # noqa: F401
from identity.jwt import admin as jwt_admin  # noqa: F401
from identity.oauth2 import admin as oauth2_admin  # noqa: F401
from identity.outbox import admin as outbox_admin  # noqa: F401
from identity.sessions import admin as sessions_admin  # noqa: F401
from identity.tokens import admin as tokens_admin  # noqa: F401
