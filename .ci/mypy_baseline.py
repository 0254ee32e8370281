"""mypy with a baseline that may only shrink.

The project runs mypy strict (pyproject's ``[tool.mypy]``). ``identity/`` and ``.ci/`` are fully
strict (:data:`STRICT_PATHS`): every error there fails, and the baseline may hold none of them. The
baseline, ``.ci/mypy-baseline.txt``, is for code added to mypy's ``files`` later with errors that
predate it: those are listed there, everything else fails. The baseline holds each error as
``path: [code] message``, without line numbers, so an edit above an old error does not churn it;
an error that occurs twice in a file is listed twice (the entries are counted).

- An error not in the baseline fails (printed with its line number): fix it.
- A baseline entry that no longer occurs fails too, so the baseline shrinks as errors are fixed:
  run ``python .ci/mypy_baseline.py --update`` and commit the shorter file.
- ``--update`` never adds entries unless ``--allow-growth`` is given. That flag is for upgrades of
  mypy or of stubs (django-stubs, types-*), which report old code differently; never for new code.
- Paths under :data:`STRICT_PATHS` may have no baseline entries at all, not even with
  ``--allow-growth``: those packages are fully strict, so what an upgrade reports there is fixed.

Standard library only: CI runs it with the project's interpreter before the test suite.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
#: Packages with no baseline: every error there fails, whatever the baseline says. All of identity/
#: since its baseline reached zero (it began with identity/core/ alone).
STRICT_PATHS = ("identity/", ".ci/")

HEADER = """\
# mypy baseline: errors that predate strict mypy, one `path: [code] message` a line (no line
# numbers; an error that occurs twice is listed twice). This file may only SHRINK.
# Checked by `make lint` (.ci/mypy_baseline.py): a new error fails, and so does an entry here
# that no longer occurs. After fixing errors run `python .ci/mypy_baseline.py --update`.
# `--allow-growth` (adds entries) is for upgrades of mypy or of stubs only, never for new code.
# identity/ (and .ci/) are fully strict: no entries here, ever. Entries are only for code added to
# mypy's `files` later, outside those.
"""

#: Line numbers that mypy puts inside some messages ("defined on line 12"): kept out of the key.
_LINE_IN_MESSAGE = re.compile(r"\bline \d+\b")


@dataclass(frozen=True)
class MypyError:
    """One error as mypy reports it; :attr:`key` is what the baseline stores."""

    path: str
    line: int
    code: str
    message: str

    @property
    def key(self) -> str:
        return f"{self.path}: [{self.code}] {self.message}"

    def located(self) -> str:
        return f"{self.path}:{self.line}: [{self.code}] {self.message}"


@dataclass(frozen=True)
class Comparison:
    """What differs between mypy's errors and the baseline."""

    new: list[MypyError]  # errors beyond what the baseline allows, with their lines
    gone: list[str]  # baseline entries that no longer occur (each as often as it is gone)

    @property
    def clean(self) -> bool:
        return not self.new and not self.gone


def normalise_message(message: str) -> str:
    """One line, no line numbers, so that the key survives edits elsewhere in the file."""
    return _LINE_IN_MESSAGE.sub("line N", " ".join(message.split()))


def parse(output: str) -> list[MypyError]:
    """mypy's ``--output json`` lines, errors only (notes and hints only explain an error)."""
    errors = []
    for raw in output.splitlines():
        raw = raw.strip()
        if not raw:
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError:
            raise ValueError(f"mypy printed a line that is not JSON: {raw!r}") from None
        if item.get("severity") != "error":
            continue
        errors.append(
            MypyError(
                path=Path(str(item["file"])).as_posix(),
                line=int(item["line"]),
                code=str(item.get("code") or "misc"),
                message=normalise_message(str(item["message"])),
            )
        )
    return errors


def read_baseline(text: str) -> Counter[str]:
    """The baseline's entries, counted; blank lines and ``#`` comments ignored."""
    return Counter(line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def render_baseline(entries: Counter[str]) -> str:
    lines = sorted(entries.elements())
    return HEADER + "".join(f"{line}\n" for line in lines)


def compare(errors: Iterable[MypyError], baseline: Counter[str]) -> Comparison:
    """New errors: every occurrence of a key that occurs more often than the baseline allows (we
    cannot tell which of them is new, so all are shown). Gone: the entries that occur less often."""
    by_key: dict[str, list[MypyError]] = {}
    for error in errors:
        by_key.setdefault(error.key, []).append(error)
    new = sorted(
        (error for key, occurrences in by_key.items() if len(occurrences) > baseline[key] for error in occurrences),
        key=lambda e: (e.path, e.line, e.code, e.message),
    )
    current = Counter({key: len(occurrences) for key, occurrences in by_key.items()})
    gone = sorted((baseline - current).elements())
    return Comparison(new=new, gone=gone)


def _entries(count: int) -> str:
    return f"{count} entry" if count == 1 else f"{count} entries"


def is_strict(path_or_key: str) -> bool:
    return path_or_key.startswith(STRICT_PATHS)


def strict_entries(baseline: Counter[str]) -> list[str]:
    """Baseline entries in a fully strict package: never allowed."""
    return sorted(key for key in baseline.elements() if is_strict(key))


def grown(errors: Iterable[MypyError], baseline: Counter[str]) -> list[str]:
    """Keys that ``--update`` would add to the baseline (each as often as it would be added)."""
    current = Counter(error.key for error in errors)
    return sorted((current - baseline).elements())


def run_mypy() -> str:
    """mypy over pyproject's ``files``, as JSON lines; exit 2 (a crash, a bad config) is fatal.
    Not incremental: the django plugin types ``settings`` from the settings module, a dependency
    mypy's cache does not track, so a cached run can report errors already fixed (a few seconds)."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "mypy", "--no-incremental", "--output", "json", "--no-error-summary", "--no-pretty"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode not in (0, 1):
        raise RuntimeError(f"mypy failed (exit {completed.returncode}):\n{completed.stdout}{completed.stderr}")
    return completed.stdout


def check(errors: list[MypyError], baseline: Counter[str]) -> list[str]:
    """The messages that make the check fail; none when it passes."""
    problems = []
    bad_entries = strict_entries(baseline)
    if bad_entries:
        problems.append(
            f"{BASELINE.name} lists errors under {', '.join(STRICT_PATHS)}, which are fully strict: "
            "fix them and remove the entries:\n" + "\n".join(f"  {entry}" for entry in bad_entries)
        )
    result = compare(errors, baseline)
    if result.new:
        problems.append(
            f"{len(result.new)} mypy error(s) not in the baseline: fix them (the baseline may only shrink):\n"
            + "\n".join(f"  {error.located()}" for error in result.new)
        )
    if result.gone:
        problems.append(
            f"Fixed but still in the baseline ({_entries(len(result.gone))}): well done; shrink it with "
            "`python .ci/mypy_baseline.py --update` and commit it:\n" + "\n".join(f"  {entry}" for entry in result.gone)
        )
    return problems


@dataclass(frozen=True)
class Update:
    """What ``--update`` does: the new baseline (None: refused, nothing is written), what to tell
    the developer, and the errors it never baselines (they still fail the run)."""

    baseline: Counter[str] | None
    message: str
    strict_errors: list[MypyError]


def update(errors: list[MypyError], baseline: Counter[str], allow_growth: bool) -> Update:
    """The baseline rewritten to today's errors, outside :data:`STRICT_PATHS`; refused if it grows
    without ``allow_growth``."""
    strict = sorted((error for error in errors if is_strict(error.path)), key=lambda e: (e.path, e.line))
    kept = [error for error in errors if not is_strict(error.path)]
    added = grown(kept, baseline)
    if added and not allow_growth:
        return Update(
            None,
            f"Refused: the baseline would grow by {_entries(len(added))}. Fix them instead; "
            "--allow-growth is for upgrades of mypy or of stubs only:\n" + "\n".join(f"  {key}" for key in added),
            strict,
        )
    current = Counter(error.key for error in kept)
    removed = sum((baseline - current).values())
    message = f"Baseline updated: {_entries(sum(current.values()))} ({removed} removed, {len(added)} added)."
    if strict:
        message += f"\nErrors under {', '.join(STRICT_PATHS)} are never baselined; fix them:\n" + "\n".join(
            f"  {error.located()}" for error in strict
        )
    return Update(current, message, strict)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument("--update", action="store_true", help=f"rewrite {BASELINE.name} (it may only shrink)")
    parser.add_argument(
        "--allow-growth", action="store_true", help="with --update: let the baseline grow (mypy/stubs upgrades only)"
    )
    args = parser.parse_args(argv)
    if args.allow_growth and not args.update:
        parser.error("--allow-growth only goes with --update")

    try:
        errors = parse(run_mypy())
    except (RuntimeError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    baseline = read_baseline(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else Counter[str]()

    if args.update:
        result = update(errors, baseline, args.allow_growth)
        if result.baseline is not None:
            BASELINE.write_text(render_baseline(result.baseline), encoding="utf-8")
        failed = result.baseline is None or bool(result.strict_errors)
        print(result.message, file=sys.stderr if failed else sys.stdout)
        return 1 if failed else 0

    problems = check(errors, baseline)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"mypy: no errors beyond the baseline ({sum(baseline.values())} entries in {BASELINE.name}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
