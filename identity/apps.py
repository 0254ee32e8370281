from __future__ import annotations

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "Identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the enabled mechanisms' checks and connect their receivers, as their
        manifests say (:mod:`identity.core.mechanisms`)."""
        from identity.core import mechanisms

        mechanisms.install()
