"""Notice expired sessions (ending them through ``session_ended``) and prune the index."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from identity.conf import identity_settings
from identity.core.cleanup import Report, delete_in_batches
from identity.sessions import services
from identity.sessions.models import EndReason, UserSession


def clear_sessions(report: Report) -> dict[str, int]:
    now = timezone.now()
    stale = (
        UserSession.objects.live()
        .filter(
            Q(expires_at__lte=now)
            | Q(expires_at__isnull=True, last_seen__lte=now - timedelta(seconds=settings.SESSION_COOKIE_AGE))
        )
        .select_related("user")
        .order_by("pk")
    )
    total = stale.count()
    ended = 0
    recheck = now + timedelta(seconds=identity_settings.WORKER_CLEANUP_INTERVAL)
    for checked, row in enumerate(stale.iterator(chunk_size=identity_settings.CLEANUP_BATCH_SIZE), start=1):
        if services.session_is_gone(row):
            ended += services.end_session(row, EndReason.EXPIRED)
        else:  # still alive in its store (saved since we last looked): look again later
            UserSession.objects.filter(pk=row.pk).update(expires_at=recheck)
        if checked % 500 == 0 or checked == total:
            report(f"sessions: checked {checked}/{total}, ended {ended}")
    cutoff = now - timedelta(days=identity_settings.SESSION_HISTORY_DAYS)
    pruned = delete_in_batches(UserSession.objects.filter(ended_at__lt=cutoff), report, "ended session rows")
    store = services.session_store()
    with suppress(NotImplementedError):
        store.clear_expired()  # the database store keeps expired rows until asked
    return {"sessions ended (expired)": ended, "session rows pruned": pruned}
