"""System checks of the client side (identity.E70x): the sign-in flow must exist."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error
from django.utils.module_loading import import_string

from identity.conf import identity_settings


def check_client_flow(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    name = identity_settings.CLIENT_PROTOCOL
    if not name:
        return []
    flows = identity_settings.CLIENT_FLOWS
    path = flows.get(name) if isinstance(flows, dict) else None
    if path is None:
        return [
            Error(
                f"IDENTITY['CLIENT_PROTOCOL'] is {name!r}, which IDENTITY['CLIENT_FLOWS'] does not name.",
                hint=f"Use one of {sorted(flows) if isinstance(flows, dict) else []}, or add the flow's dotted path.",
                id="identity.E701",
            )
        ]
    try:
        import_string(path)
    except ImportError as exc:
        return [
            Error(
                f"IDENTITY['CLIENT_FLOWS'][{name!r}] is {path!r}, which cannot be imported: {exc}.",
                hint="Give the dotted path of an identity.client.flows.SignInFlow subclass.",
                id="identity.E702",
            )
        ]
    return []
