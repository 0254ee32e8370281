"""Runs the benchmark parts and writes benchmarks/results/: a table in the terminal, the same
as Markdown and JSON, and PNG charts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command

from benchmarks import growth, inprocess, report
from benchmarks.harness import run_interleaved

ROOT = Path(__file__).resolve().parents[1]


def run(*, quick: bool, parts: set[str]) -> int:
    started = time.monotonic()
    sys.stderr.write("preparing the database…\n")
    call_command("migrate", "--noinput", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)  # every run starts from the same data
    from benchmarks.data import prepare

    creds = prepare()
    meta: dict[str, Any] = {
        "machine": report.machine(),
        "quick": quick,
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    summary: dict[str, Any] = {"meta": meta}
    previous = report.RESULTS / "latest.json"
    if not quick and parts != {"inprocess", "growth", "wire"} and previous.exists():
        # One part rerun: keep the others from the latest full run.
        summary = {**json.loads(previous.read_text()), "meta": meta}
    if "inprocess" in parts:
        rounds, batch = (3, 100) if quick else (25, 200)
        results = run_interleaved(
            inprocess.all_scenarios(creds), rounds=rounds, batch=batch, warmup=50, progress_title="in process"
        )
        table = report.rows(results)
        summary["inprocess"] = table
        print(report.terminal_table(table, "\nPer-request cost in process (full Django middleware + DRF stack)"))
        report.chart(table, report.RESULTS / "inprocess.png", "Cost of knowing who a request is (in process)")
    if "growth" in parts:
        levels = [1_000, 10_000] if quick else [1_000, 100_000, 1_000_000]
        summary["growth"] = growth.run(creds, levels=levels, rounds=2 if quick else 8, batch=100 if quick else 200)
        summary["login"] = growth.login_cost(3 if quick else 10)
        print(report.growth_table(summary["growth"], summary["login"]))
    if "wire" in parts:
        summary["wire"] = run_wire(quick)
        print(report.wire_table(summary["wire"]))
    _forget_redis()
    summary["targets"] = report.targets(summary)
    print(report.targets_table(summary["targets"]))
    if not quick:
        report.write_all(summary)
    sys.stderr.write(
        f"benchmarks done in {time.monotonic() - started:.0f} s{'' if quick else f'; results in {report.RESULTS}'}\n"
    )
    return 0


def run_wire(quick: bool) -> dict[str, Any]:
    """The over-the-wire part runs in its own process: it needs PostgreSQL configured before
    Django starts."""
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("BENCH_JWKS_PORT", None)
    command = [sys.executable, "-m", "benchmarks.wire", *(["--quick"] if quick else [])]
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, check=True)  # noqa: S603
    return json.loads(done.stdout)


def _forget_redis() -> None:
    """The growth part leaves a million sessions and denylist entries in Redis: drop this run's
    keys (they all carry the benchmark's key prefix)."""
    from django.core.cache import caches

    caches["redis"].delete_pattern("*")
