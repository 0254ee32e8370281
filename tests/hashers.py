"""A cheap PBKDF2 for tests that need a second, preferred hasher (a re-hash at sign-in)."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class CheapPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
