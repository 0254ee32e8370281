"""``make bench``: python -m benchmarks [--quick] [--only inprocess,wire,growth]"""

from __future__ import annotations

import argparse
import os
import sys


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer samples (a smoke run, not for the README)")
    parser.add_argument("--only", default="inprocess,wire,growth", help="which parts to run")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    from benchmarks.run import run

    sys.exit(run(quick=args.quick, parts=set(args.only.split(","))))


if __name__ == "__main__":
    main()
