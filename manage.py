#!/usr/bin/env python
"""One manage.py for both demo sites: IDENTITY_DEMO_SITE=a (default) or b, or --site=a|b."""

from __future__ import annotations

import os
import sys


def main() -> None:
    argv = list(sys.argv)
    for arg in list(argv[1:]):
        if arg.startswith("--site="):
            os.environ["IDENTITY_DEMO_SITE"] = arg.split("=", 1)[1]
            argv.remove(arg)
    site = os.environ.get("IDENTITY_DEMO_SITE", "a").strip().lower()
    if site not in {"a", "b"}:
        sys.exit(f"IDENTITY_DEMO_SITE must be 'a' or 'b', not {site!r}.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"demo_sso_site_{site}.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
