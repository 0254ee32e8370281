"""identity: every way a Django site knows who a user is, with one sign-out."""

from __future__ import annotations

__version__ = "0.1.0"
