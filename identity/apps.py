from __future__ import annotations

from importlib import import_module

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "Identity"
    default_auto_field = "django.db.models.BigAutoField"

    #: Each mechanism's receivers module; ``connect()`` is called on each at start-up.
    receiver_modules = [
        "identity.sessions.receivers",
        "identity.tokens.receivers",
        "identity.jwt.receivers",
        "identity.cas.receivers",
        "identity.client.cas.receivers",
        "identity.oauth2.receivers",
        "identity.client.oidc.receivers",
    ]
    #: Modules imported at start-up: each registers cleanup tasks or Security page sections.
    startup_modules = [
        "identity.sessions.cleanup",
        "identity.outbox.cleanup",
        "identity.tokens.cleanup",
        "identity.tokens.security",
        "identity.jwt.cleanup",
        "identity.jwt.security",
        "identity.cas.cleanup",
        "identity.cas.security",
        "identity.client.cas.cleanup",
        "identity.oauth2.cleanup",
        "identity.oauth2.security",
    ]

    def ready(self) -> None:
        from identity import checks

        checks.register_all()
        for module in self.receiver_modules:
            import_module(module).connect()
        for module in self.startup_modules:
            import_module(module)
