"""gunicorn entry point of the over-the-wire benchmark: ``benchmarks.wsgi:application``."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
django.setup(set_prefix=False)

from benchmarks.environ import application  # noqa: E402

__all__ = ["application"]
