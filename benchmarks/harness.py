"""Measuring one request, side by side: timing, SQL and Redis round-trip counts, progress.

Machines here are shared and noisy, so every figure is measured in the same run as the figures
it is compared with, and the scenarios are interleaved: each round runs a short batch of every
scenario, so a noisy moment hurts all of them alike. Figures are medians and p99s of individual
requests (``perf_counter_ns`` around one call).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

Call = Callable[[], Any]


@dataclass(frozen=True)
class Timed:
    """A call with an untimed set-up step: ``pre()`` runs before each timed ``call(pre())``
    (for things used once, like an authorization code before its exchange)."""

    pre: Callable[[], Any]
    call: Callable[[Any], Any]


@dataclass
class Scenario:
    """One thing to time. ``prepare`` sets up its data and returns the zero-argument call to
    time. Every scenario runs under the same settings, so none is measured in a configuration the
    others do not share."""

    key: str
    label: str
    kind: str  # "ours", "peer" or "floor"
    mechanism: str  # groups ours, its floor and its peers in the table and chart
    prepare: Callable[[], Call | Timed]
    floor: str | None = None  # key of the floor scenario this one is compared with
    note: str = ""
    #: identity settings this scenario runs with (e.g. no token cache), applied around each of
    #: its batches; see :func:`identity_values`.
    identity: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    scenario: Scenario
    samples_ns: list[int] = field(default_factory=list)
    sql_per_request: float | None = None
    redis_per_request: float | None = None
    errors: int = 0

    @property
    def median_us(self) -> float:
        return statistics.median(self.samples_ns) / 1000 if self.samples_ns else float("nan")

    @property
    def p99_us(self) -> float:
        if not self.samples_ns:
            return float("nan")
        ordered = sorted(self.samples_ns)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1000


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total: int, title: str) -> None:
        self.total, self.done, self.title = max(1, total), 0, title
        self.started = time.monotonic()

    def step(self, what: str, amount: int = 1) -> None:
        self.done = min(self.total, self.done + amount)
        width = 30
        filled = int(width * self.done / self.total)
        elapsed = time.monotonic() - self.started
        sys.stderr.write(
            f"\r{self.title} [{'#' * filled}{'.' * (width - filled)}] {100 * self.done // self.total:3d}% "
            f"{elapsed:5.0f}s  {what[:40]:<40}"
        )
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


class RedisCounter:
    """Counts round trips to Redis: every command or pipeline goes through one
    ``send_packed_command`` on a redis-py connection."""

    def __init__(self) -> None:
        self.count = 0

    @contextmanager
    def counting(self) -> Iterator[RedisCounter]:
        from redis import connection

        original = connection.AbstractConnection.send_packed_command

        def counted(conn: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(conn, *args, **kwargs)

        connection.AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]
        try:
            yield self
        finally:
            connection.AbstractConnection.send_packed_command = original  # type: ignore[method-assign]


def count_io(call: Call | Timed, repeats: int = 20) -> tuple[float, float]:
    """SQL queries and Redis round trips per timed call, averaged over ``repeats`` calls."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    redis = RedisCounter()
    sql = rt = 0
    for _ in range(repeats):
        arg = call.pre() if isinstance(call, Timed) else None
        with CaptureQueriesContext(connection) as queries, redis.counting():
            call.call(arg) if isinstance(call, Timed) else call()
        sql += len(queries)
    rt = redis.count
    return sql / repeats, rt / repeats


def _once(call: Call | Timed) -> None:
    if isinstance(call, Timed):
        call.call(call.pre())
    else:
        call()


def run_interleaved(
    scenarios: list[Scenario], *, rounds: int, batch: int, warmup: int, progress_title: str
) -> dict[str, Result]:
    """Prepare every scenario, then time them in interleaved rounds."""
    results: dict[str, Result] = {}
    calls: dict[str, Call | Timed] = {}
    batches: dict[str, int] = {}
    progress = Progress(len(scenarios) * (rounds + 1), progress_title)
    try:
        for scenario in scenarios:
            progress.step(f"preparing {scenario.label}")
            with identity_values(scenario.identity):
                try:
                    call = scenario.prepare()
                    started = time.perf_counter()
                    for _ in range(3):
                        _once(call)
                    per_call = (time.perf_counter() - started) / 3
                    # Slow paths (a password hasher per request: ~0.25 s) get as many samples as
                    # fit in the time a fast path's batch takes, never fewer than two a round.
                    for _ in range(min(warmup, max(1, int(0.5 / per_call)))):
                        _once(call)
                    sql, redis = count_io(call, repeats=min(20, max(2, int(0.5 / per_call))))
                    batches[scenario.key] = min(batch, max(2, int(0.05 / per_call)))
                except Exception as exc:
                    raise RuntimeError(f"scenario {scenario.label!r} failed: {exc}") from exc
            calls[scenario.key] = call
            results[scenario.key] = Result(scenario, sql_per_request=sql, redis_per_request=redis)
        timer = time.perf_counter_ns
        for round_no in range(rounds):
            for scenario in scenarios:
                progress.step(f"round {round_no + 1}/{rounds}: {scenario.label}")
                call, samples = calls[scenario.key], results[scenario.key].samples_ns
                with identity_values(scenario.identity):
                    if isinstance(call, Timed):
                        for _ in range(batches[scenario.key]):
                            arg = call.pre()
                            start = timer()
                            call.call(arg)
                            samples.append(timer() - start)
                    else:
                        for _ in range(batches[scenario.key]):
                            start = timer()
                            call()
                            samples.append(timer() - start)
    finally:
        progress.close()
    return results


@contextmanager
def identity_values(values: dict[str, Any]) -> Iterator[None]:
    """Run with some identity settings changed, without ``override_settings``.

    ``override_settings`` would fire ``setting_changed``, which (rightly) empties every
    per-process cache identity keeps (users, verified tokens, keys), so each batch would start
    cold. Writing the values into the settings object's own memo and restoring them afterwards
    changes nothing else: the code paths measured are exactly those a deployment with these
    values runs."""
    from identity.conf import identity_settings

    if not values:
        yield
        return
    memo = identity_settings._cache
    saved = {name: memo.get(name, _MISSING) for name in values}
    for name, value in values.items():
        getattr(identity_settings, name)  # validates the name
        memo[name] = value
    _drop_derived(memo)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is _MISSING:
                memo.pop(name, None)
            else:
                memo[name] = value
        _drop_derived(memo)


def _drop_derived(memo: dict[str, Any]) -> None:
    """What identity derives from its settings (``_``-prefixed entries, such as the list of
    enabled authenticators) is rebuilt from the values now in force."""
    for key in [k for k in memo if k.startswith("_") and not k.startswith("_imported_")]:
        memo.pop(key, None)


_MISSING = object()
