"""The results as a terminal table, Markdown, JSON and a PNG bar chart."""

from __future__ import annotations

import json
import math
import platform
from pathlib import Path
from typing import Any

from benchmarks.harness import Result

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    import django
    import jwt

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "pyjwt": jwt.__version__,
        "platform": platform.platform(terse=True),
    }


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def rows(results: dict[str, Result]) -> list[dict[str, Any]]:
    table = []
    for result in results.values():
        s = result.scenario
        floor = results.get(s.floor) if s.floor else None
        table.append(
            {
                "key": s.key,
                "mechanism": s.mechanism,
                "kind": s.kind,
                "label": s.label,
                "median_us": round(result.median_us, 2),
                "p99_us": round(result.p99_us, 2),
                "sql": result.sql_per_request,
                "redis": result.redis_per_request,
                "floor": s.floor,
                "x_floor": round(result.median_us / floor.median_us, 2) if floor else None,
                "auth_us": round(result.median_us - floor.median_us, 2) if floor else None,
                "samples": len(result.samples_ns),
                "note": s.note,
            }
        )
    return table


HEADER = ["mechanism", "who", "what", "median µs", "p99 µs", "auth µs", "× floor", "SQL", "Redis"]


def _cells(row: dict[str, Any]) -> list[str]:
    return [
        row["mechanism"],
        row["kind"],
        row["label"],
        _fmt(row["median_us"]),
        _fmt(row["p99_us"]),
        _fmt(row["auth_us"]),
        _fmt(row["x_floor"], 2),
        _fmt(row["sql"], 1),
        _fmt(row["redis"], 1),
    ]


def text_table(title: str, header: list[str], rows: list[list[str]], first_numeric: int) -> str:
    """A plain aligned table: text columns left, numbers (from ``first_numeric`` on) right."""
    cells = [header, *rows]
    widths = [max(len(str(c[i])) for c in cells) for i in range(len(header))]
    lines = [title]
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(
                str(v).rjust(w) if i >= first_numeric else str(v).ljust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def terminal_table(table: list[dict[str, Any]], title: str) -> str:
    return text_table(title, HEADER, [_cells(r) for r in table], 3)


def markdown_table(table: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(["---"] * 3 + ["---:"] * 6) + "|"]
    for row in table:
        lines.append("| " + " | ".join(_cells(row)) + " |")
    return "\n".join(lines)


BARE = {"bare", "peer-bare"}


def _bar(row: dict[str, Any]) -> tuple[str, float] | None:
    """What a row's bar shows: the cost it adds to a bare Django request when it goes through the
    stack; the call itself for the verification rows and the raw floors (Redis GET, SELECT, PyJWT,
    signature checks), which run outside any request; the bare request itself is the zero line."""
    if row["key"] in BARE:
        return None
    if row["floor"] in BARE:
        return row["label"], row["auth_us"]
    if row["kind"] == "floor" or row["mechanism"].startswith("jwt "):
        return row["label"], row["median_us"]
    return f"{row['label']} (minus its floor)", row["auth_us"]


def chart(table: list[dict[str, Any]], path: Path, title: str) -> None:
    """Horizontal bars of authentication cost, ours beside the peers and the floors, grouped by
    mechanism."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    order = {"floor": 0, "ours": 1, "peer": 2}
    shown = [(r, bar) for r in table if (bar := _bar(r)) is not None]
    shown.sort(key=lambda item: (item[0]["mechanism"], order[item[0]["kind"]], item[1][1]))
    colors = {"ours": "#3056d3", "peer": "#9aa4b2", "floor": "#2e7d32"}
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(shown) + 1.5))
    values = [max(value, 0.1) for _, (_, value) in shown]
    ax.barh(range(len(shown)), values, color=[colors[r["kind"]] for r, _ in shown])
    ax.set_yticks(range(len(shown)), [label for _, (label, _) in shown], fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(right=max(values) * 8)  # room for the largest value's label
    ax.set_xlabel("µs, log scale: added to a bare Django request (floors and verifiers: the call alone)")
    ax.set_title(title)
    for i, v in enumerate(values):
        ax.text(v * 1.05, i, f"{v:,.1f}" if v < 10 else f"{v:,.0f}", va="center", fontsize=7)
    ax.legend(
        handles=[
            Patch(color=colors[k], label=name)
            for k, name in (("ours", "identity"), ("peer", "peers"), ("floor", "floors"))
        ],
        loc="lower right",
    )
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# --- growth, wire, targets ---------------------------------------------------------------------


def growth_table(growth: dict[str, Any], login: dict[str, Any]) -> str:
    levels = growth["levels"]
    header = ["what", *[f"{lvl:,} µs" for lvl in levels], "growth"]
    rows = [
        [
            f"floor: {r['label']}" if r.get("kind") == "floor" else r["label"],
            *[_fmt(r[f"median_us_{lvl}"]) for lvl in levels],
            f"{r['growth']:.2f}×",
        ]
        for r in growth["rows"]
    ]
    title = "\nHow the cost grows with live sessions, tokens and denylisted tokens (median µs per request)"
    return text_table(title, header, rows, 1) + (
        f"\n\nOne password sign-in with Django's default hasher ({login['hasher']}, {login['iterations']:,} "
        f"iterations): {login['median_ms']:.0f} ms, about {login['per_core_per_second']:.1f} per second per core."
    )


def wire_table(wire: dict[str, Any]) -> str:
    floors = {r["key"]: r["rps"] for r in wire["rows"] if r["kind"] == "floor"}
    header = ["mechanism", "who", "what", "req/s", "× no auth", "p50 ms", "p99 ms", "errors"]
    rows = []
    for r in wire["rows"]:
        floor = floors.get("peer-bare" if r["key"].startswith("peer-") else "bare")
        share = r["rps"] / floor if floor else None
        rows.append(
            [
                r["mechanism"],
                r["kind"],
                r["label"],
                _fmt(r["rps"], 0),
                _fmt(share, 2),
                _fmt(r["p50_ms"], 2),
                _fmt(r["p99_ms"], 2),
                str(r["errors"]),
            ]
        )
    title = f"\nOver the wire: gunicorn, {wire['workers']} sync workers, PostgreSQL + Redis, `hey` on loopback"
    return text_table(title, header, rows, 3)


def _by_key(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in rows}


#: Each of our mechanisms and the peers doing the same job.
RIVALS = {
    "session-db": ["peer-session"],
    "session-cache": ["peer-session-cache"],
    "token-db": ["peer-drf-token", "peer-knox"],
    "token-redis": ["peer-drf-token", "peer-knox"],
    "jwt-RS256": ["peer-simplejwt", "peer-simplejwt-stateless"],
    "oauth2-jwt": ["peer-dot"],
    "basic": ["peer-drf-basic"],
    "token-endpoint-cc": ["peer-dot-token-cc"],
    "token-endpoint-code": ["peer-dot-token-code"],
}


def _ahead(rows: dict[str, dict[str, Any]], metric: str, *, lower_is_better: bool) -> list[tuple[dict, dict]]:
    """(ours, its best peer) for every mechanism measured beside at least one peer."""
    pairs = []
    for ours, rivals in RIVALS.items():
        present = [rows[p] for p in rivals if p in rows]
        if ours in rows and present:
            pick = min if lower_is_better else max
            pairs.append((rows[ours], pick(present, key=lambda r: r[metric])))
    return pairs


def targets(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of the performance notes, as measured in this run: met or not."""
    found: list[dict[str, Any]] = []

    def add(target: str, measured: str, met: bool | None) -> None:
        found.append({"target": target, "measured": measured, "met": met})

    rows = _by_key(summary.get("inprocess", []))
    if rows:
        jwt_sql = [rows[k]["sql"] for k in rows if k.startswith("jwt-") or k == "remote-jwt"]
        add("JWT request: 0 SQL", f"max {max(jwt_sql):.1f} SQL per request", max(jwt_sql) == 0)
        for alg in ("HS256", "RS256", "ES256", "EdDSA"):
            cold = rows.get(f"cold-{alg}")
            if cold:
                add(
                    f"JWT {alg}: cold verification within 1.1× of PyJWT decode",
                    f"{cold['x_floor']:.2f}×",
                    cold["x_floor"] <= 1.1,
                )
            for key, what in ((f"repeat-{alg}", "first-party"), (f"repeat-oauth-{alg}", "OAuth, scoped view")):
                repeat = rows.get(key)
                if repeat:
                    add(
                        f"JWT {alg} ({what}): repeated token ≤ 5 µs, authenticator + reach decision",
                        f"{repeat['median_us']:.1f} µs",
                        repeat["median_us"] <= 5,
                    )
        for key, label in (("session-cache", "Session on Redis"), ("token-redis", "Redis-cached opaque token")):
            if key in rows:
                r = rows[key]
                add(
                    f"{label}: 0 SQL, one Redis round trip",
                    f"{r['sql']:.1f} SQL, {r['redis']:.1f} round trips",
                    r["sql"] == 0 and r["redis"] <= 1,
                )
        if "basic" in rows and "peer-drf-basic" in rows:
            add(
                "HTTP Basic: a repeated correct credential does not pay PBKDF2 again",
                f"{rows['basic']['auth_us']:.0f} µs vs {rows['peer-drf-basic']['auth_us'] / 1000:.0f} ms per check",
                rows["basic"]["auth_us"] < 1000,
            )
        for ours, best in _ahead(rows, "auth_us", lower_is_better=True):
            add(
                f"in process: {ours['label']} ahead of {best['label']}",
                f"{ours['auth_us']:.0f} µs vs {best['auth_us']:.0f} µs",
                ours["auth_us"] < best["auth_us"],
            )
    wire = _by_key(summary.get("wire", {}).get("rows", []))
    if wire.get("bare"):
        bare = wire["bare"]["rps"]
        if "jwt-RS256" in wire:
            share = wire["jwt-RS256"]["rps"] / bare
            add("Over the wire: JWT ≥ 90% of the no-auth throughput", f"{share:.0%}", share >= 0.9)
        errors = sum(r["errors"] for r in wire.values())
        add("Over the wire: zero errors", f"{errors} errors", errors == 0)
        for ours, best in _ahead(wire, "rps", lower_is_better=False):
            add(
                f"over the wire: {ours['label']} ahead of {best['label']}",
                f"{ours['rps']:.0f} vs {best['rps']:.0f} req/s",
                ours["rps"] > best["rps"],
            )
    for row in summary.get("growth", {}).get("rows", []):
        if row.get("kind") == "floor":
            continue
        add(
            f"Flat growth: {row['label']}, largest level within 1.2× of the smallest",
            f"{row['growth']:.2f}×",
            row["growth"] <= 1.2,
        )
    return found


def targets_table(found: list[dict[str, Any]]) -> str:
    lines = ["\nTargets"]
    for t in found:
        mark = "met" if t["met"] else "NOT met"
        lines.append(f"  [{mark:^7}] {t['target']}: {t['measured']}")
    return "\n".join(lines)


def write_all(summary: dict[str, Any]) -> None:
    """benchmarks/results/latest.json and latest.md (what the README shows)."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(summary, indent=2, default=str))
    m = summary["meta"]["machine"]
    parts = [
        f"Run on {summary['meta']['started']}: {m['cpu']}, {m['cores']} cores, Python {m['python']}, "
        f"Django {m['django']}, PyJWT {m['pyjwt']}.",
    ]
    if summary.get("inprocess"):
        parts += [
            "",
            "### Per request, in process (full Django middleware + DRF stack)",
            "",
            markdown_table(summary["inprocess"]),
            "",
            "![cost per mechanism](inprocess.png)",
        ]
    if summary.get("growth"):
        parts += ["", "### Growth", "", "```", growth_table(summary["growth"], summary["login"]).strip(), "```"]
    if summary.get("wire"):
        parts += ["", "### Over the wire", "", "```", wire_table(summary["wire"]).strip(), "```"]
    parts += ["", "### Targets", "", "| target | measured | met |", "|---|---|---|"]
    parts += [f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else '**no**'} |" for t in summary["targets"]]
    (RESULTS / "latest.md").write_text("\n".join(parts) + "\n")
    _update_readme("\n".join(parts).replace("](inprocess.png)", "](benchmarks/results/inprocess.png)"))


def _update_readme(markdown: str) -> None:
    """Copy the latest results into the README, between its two markers."""
    readme = RESULTS.parents[1] / "README.md"
    text = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        readme.write_text(f"{head}{start}\n{markdown}\n{end}{tail}")
