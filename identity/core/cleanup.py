"""Cleanup tasks run by ``identity_clearexpired`` (and periodically by the worker).

Each mechanism names its tasks in its manifest (:mod:`identity.core.mechanisms`); the command runs
the enabled mechanisms' tasks in order. A task receives a ``report(message)`` callable for progress and
returns a ``{what: count}`` summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet

from identity.conf import identity_settings

Report = Callable[[str], None]
Task = Callable[[Report], dict[str, int]]


def delete_in_batches(queryset: QuerySet[Any], report: Report | None = None, label: str = "rows") -> int:
    """Delete what ``queryset`` selects, ``CLEANUP_BATCH_SIZE`` rows at a time, so a large
    backlog never holds one long lock or one huge transaction."""
    model: type[Model] = queryset.model
    size = identity_settings.CLEANUP_BATCH_SIZE
    total = 0
    while True:
        pks = list(queryset.values_list("pk", flat=True)[:size])
        if not pks:
            return total
        model._default_manager.filter(pk__in=pks).delete()
        total += len(pks)
        if report:
            report(f"deleted {total} {label}")
