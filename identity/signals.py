"""Public signals of identity. Receivers are connected explicitly in ``IdentityConfig.ready()``.

``session_ended(sender, session, user, reason)``
    Sent exactly once for every indexed session that ends, whatever the cause: sign-out on this
    or another site, "sign out everywhere", an admin action, a password change or reset, a
    deactivated or deleted user, or expiry noticed by ``identity_clearexpired``. ``session`` is
    the :class:`identity.sessions.models.UserSession` row (already marked ended), ``reason`` one
    of :class:`identity.sessions.models.EndReason`. It is sent inside the transaction that ended
    the session, so a receiver's database writes (revocations, outbox messages) commit or roll
    back with it; network calls belong in the outbox, never in a receiver.

``credentials_changed(sender, user, reason)``
    Sent after a user's password changed (not a mere re-hash) or the user was deactivated or
    deleted, once that user's sessions have ended. Mechanisms end here what no session issued
    (API tokens created with a password, for example). ``reason`` is ``"password_changed"``,
    ``"user_deactivated"`` or ``"user_deleted"``.
"""

from __future__ import annotations

from django.dispatch import Signal

session_ended = Signal()
credentials_changed = Signal()
