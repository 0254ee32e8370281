"""User codes of the device flow (RFC 8628 §6.1): 8 characters from 20 consonants (no vowels,
so no words; no digits or look-alikes), about 34.6 bits, shown as ``BCDF-GHJK``. Typing is
forgiving (case, dashes, spaces); brute force is stopped by the page's throttle (§5.1)."""

from __future__ import annotations

import secrets

ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
LENGTH = 8


def generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalize(typed: str) -> str | None:
    """The stored form of what a user typed, or None if it cannot be a user code."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned
