from __future__ import annotations

from django.http import HttpRequest

from identity.conf import identity_settings


def identity(request: HttpRequest) -> dict[str, str]:
    """``site_title`` for identity's templates (``IDENTITY["SITE_NAME"]``)."""
    return {"site_title": identity_settings.SITE_NAME}
