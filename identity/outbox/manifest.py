"""Deliveries to other servers (single logout, back-channel logout), retried with backoff."""

from __future__ import annotations

from identity.core.mechanisms import Manifest

MANIFEST = Manifest(
    label="outbox",
    cleanup=(("outbox", "identity.outbox.cleanup.clear_outbox"),),
    admin="identity.outbox.admin",
    models="identity.outbox.models",
)
