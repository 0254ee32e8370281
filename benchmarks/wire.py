"""Over the wire: site A's stack served by gunicorn with several workers on PostgreSQL and
Redis, a bounded load (a fixed number of requests, loopback only, `hey`) per mechanism and on
the token endpoints, peers behind the same server in the same run.

Run as its own process (``python -m benchmarks.wire``) because it needs the PostgreSQL database
configured before Django starts; ``python -m benchmarks`` does that for you."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("BENCH_WIRE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/identity_bench")


@dataclass
class Load:
    key: str
    label: str
    kind: str
    mechanism: str
    path: str
    headers: dict[str, str]
    method: str = "GET"
    body: str = ""
    content_type: str = ""
    requests: int | None = None  # override the default count (slow endpoints)


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def parse_hey(output: str) -> dict[str, Any]:
    def number(pattern: str) -> float | None:
        match = re.search(pattern, output)
        return float(match.group(1)) if match else None

    statuses = {int(code): int(count) for code, count in re.findall(r"\[(\d{3})\]\s+(\d+) responses", output)}
    ok = sum(count for code, count in statuses.items() if 200 <= code < 300)
    errors = sum(count for code, count in statuses.items() if not 200 <= code < 300)
    errors += sum(int(n) for n in re.findall(r"\]\s+(\d+) errors", output)) if "Error distribution" in output else 0
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50_ms": (number(r"50%+ in ([\d.]+) secs") or 0) * 1000,
        # hey leaves out a percentile it has too few samples for: then the slowest request is it.
        "p99_ms": (number(r"99%+ in ([\d.]+) secs") or number(r"Slowest:\s+([\d.]+) secs") or 0) * 1000,
        "ok": ok,
        "errors": errors,
    }


def hey(url: str, load: Load, requests: int, concurrency: int) -> dict[str, Any]:
    command = ["hey", "-n", str(requests), "-c", str(concurrency), "-t", "30", "-m", load.method]
    for name, value in load.headers.items():
        command += ["-H", f"{name}: {value}"]
    if load.body:
        command += ["-d", load.body, "-T", load.content_type or "application/x-www-form-urlencoded"]
    result = subprocess.run([*command, url + load.path], capture_output=True, text=True, check=False)  # noqa: S603
    return parse_hey(result.stdout)


def start_gunicorn(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "benchmarks.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bare/", timeout=1)  # noqa: S310
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    if not shutil.which("hey"):
        sys.exit("`hey` is not installed: apt-get install hey (make bench does it)")
    quick = "--quick" in sys.argv
    ensure_database(PG_URL)
    os.environ.update(BENCH_DATABASE_URL=PG_URL, DJANGO_SETTINGS_MODULE="benchmarks.settings")
    import django

    django.setup()
    # The settings module adds what every process must share (simplejwt's key pair, the JWK Set
    # port): hand the gunicorn workers the environment as it is now.
    env = dict(os.environ)
    from django.core.management import call_command

    from benchmarks import loads
    from benchmarks.data import prepare

    call_command("migrate", "--noinput", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    from django.core.cache import caches

    caches["redis"].delete_pattern("*")  # throttle counters and cached tokens of an earlier run
    creds = prepare()
    from django.db import connections

    connections.close_all()
    workers = max(2, (os.cpu_count() or 2))
    port = free_port()
    server = start_gunicorn(port, workers, env)
    url = f"http://127.0.0.1:{port}"
    requests, concurrency, rounds = (600, 4, 2) if quick else (4000, 8, 10)
    totals: dict[str, dict[str, Any]] = {}
    try:
        plan = loads.all_loads(creds)
        for load in plan:  # warm every worker's caches (users, keys, verified tokens)
            hey(url, load, 200, concurrency)
        # Interleaved rounds: every load runs a share of its requests in each round, so a noisy
        # moment on this shared machine slows all of them alike.
        order = random.Random(20261123)  # a fixed seed: the same run order every time
        for round_no in range(rounds):
            # Shuffled per round, so no load always follows the same (heavier or lighter) one.
            for i, load in enumerate(order.sample(plan, len(plan)), 1):
                # hey sends n // c requests per connection: keep n a multiple of c so that every
                # request counted was sent (100 at -c 8 would be 96).
                count = max(1, (load.requests or requests) // rounds // concurrency) * concurrency
                sys.stderr.write(
                    f"\rover the wire, round {round_no + 1}/{rounds} [{i}/{len(plan)}] {load.label[:44]:<44}"
                )
                sys.stderr.flush()
                result = hey(url, load, count, concurrency)
                row = totals.setdefault(
                    load.key, {"load": load, "requests": 0, "rps": [], "p50": [], "p99": [], "errors": 0}
                )
                row["requests"] += count
                row["rps"].append(result["rps"] or 0.0)
                row["p50"].append(result["p50_ms"])
                row["p99"].append(result["p99_ms"])
                row["errors"] += result["errors"] + max(0, count - result["ok"] - result["errors"])
        sys.stderr.write("\n")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    rows = []
    for key, row in sorted(totals.items(), key=lambda item: plan.index(item[1]["load"])):
        load = row["load"]
        rows.append(
            {
                "key": key,
                "label": load.label,
                "kind": load.kind,
                "mechanism": load.mechanism,
                "requests": row["requests"],
                "concurrency": concurrency,
                # The median round: one round slowed by a neighbour on this shared machine does
                # not decide the figure (every load ran in every round).
                "rps": statistics.median(row["rps"]),
                "p50_ms": statistics.median(row["p50"]),
                "p99_ms": statistics.median(row["p99"]),
                "errors": row["errors"],
            }
        )
    json.dump({"workers": workers, "rows": rows}, sys.stdout)


if __name__ == "__main__":
    main()
