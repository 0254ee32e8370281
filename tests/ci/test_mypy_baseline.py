"""The mypy baseline's rules, on sample mypy output (mypy itself is not run here: it is slow, and
`make lint` runs it). identity/ and .ci/ are fully strict, so the samples that may be baselined lie
elsewhere (benchmarks/ stands for code added to mypy's ``files`` later)."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "mypy_baseline.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mypy_baseline", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


mb = _load()


def line(file: str, number: int, message: str, code: str | None = "misc", severity: str = "error") -> str:
    item: dict[str, Any] = {
        "file": file,
        "line": number,
        "column": 4,
        "end_line": number,
        "end_column": 9,
        "message": message,
        "hint": None,
        "code": code,
        "severity": severity,
    }
    return json.dumps(item)


SAMPLE = "\n".join(
    [
        line("benchmarks/admin.py", 17, 'Missing type arguments for generic type "ModelAdmin"', "type-arg"),
        line("benchmarks/admin.py", 54, 'Missing type arguments for generic type "ModelAdmin"', "type-arg"),
        line("benchmarks/forms.py", 81, 'Returning Any from function declared to return "str"', "no-any-return"),
        line("benchmarks/forms.py", 82, "This violates the Liskov substitution principle", None, "note"),
        "",
    ]
)


def errors(*specs: tuple[str, int, str, str]) -> list[Any]:
    return [mb.MypyError(path=path, line=number, code=code, message=message) for path, number, code, message in specs]


def test_parse_keeps_errors_and_drops_notes() -> None:
    parsed = mb.parse(SAMPLE)
    assert [error.located() for error in parsed] == [
        'benchmarks/admin.py:17: [type-arg] Missing type arguments for generic type "ModelAdmin"',
        'benchmarks/admin.py:54: [type-arg] Missing type arguments for generic type "ModelAdmin"',
        'benchmarks/forms.py:81: [no-any-return] Returning Any from function declared to return "str"',
    ]
    assert parsed[0].key == 'benchmarks/admin.py: [type-arg] Missing type arguments for generic type "ModelAdmin"'


def test_the_key_has_no_line_numbers_even_inside_the_message() -> None:
    (error,) = mb.parse(line("benchmarks/x.py", 40, 'Name "f" already defined on line 12', "no-redef"))
    assert error.key == 'benchmarks/x.py: [no-redef] Name "f" already defined on line N'
    (moved,) = mb.parse(line("benchmarks/x.py", 90, 'Name "f" already defined on line 62', "no-redef"))
    assert moved.key == error.key


def test_parse_flattens_multiline_messages_and_names_a_missing_code() -> None:
    (error,) = mb.parse(line("benchmarks/x.py", 3, "first\n    second", None))
    assert error.key == "benchmarks/x.py: [misc] first second"


def test_parse_refuses_output_that_is_not_json() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        mb.parse("benchmarks/x.py:3: error: something  [misc]")


def test_the_same_errors_pass() -> None:
    parsed = mb.parse(SAMPLE)
    baseline = mb.read_baseline(mb.render_baseline(Counter(error.key for error in parsed)))
    assert mb.compare(parsed, baseline).clean
    assert mb.check(parsed, baseline) == []


def test_an_error_moved_to_another_line_still_matches() -> None:
    baseline = Counter(["benchmarks/a.py: [misc] boom"])
    assert mb.compare(errors(("benchmarks/a.py", 99, "misc", "boom")), baseline).clean


def test_a_new_error_fails_with_its_line() -> None:
    baseline = Counter(["benchmarks/a.py: [misc] boom"])
    current = errors(("benchmarks/a.py", 5, "misc", "boom"), ("benchmarks/b.py", 7, "arg-type", "bad"))
    result = mb.compare(current, baseline)
    assert [error.located() for error in result.new] == ["benchmarks/b.py:7: [arg-type] bad"]
    assert result.gone == []
    (problem,) = mb.check(current, baseline)
    assert "benchmarks/b.py:7: [arg-type] bad" in problem


def test_one_more_occurrence_of_a_baselined_error_fails_and_shows_every_occurrence() -> None:
    baseline = Counter(["benchmarks/a.py: [misc] boom"])
    current = errors(("benchmarks/a.py", 30, "misc", "boom"), ("benchmarks/a.py", 5, "misc", "boom"))
    result = mb.compare(current, baseline)
    assert [error.line for error in result.new] == [5, 30]  # which one is new cannot be told


def test_a_fixed_error_still_in_the_baseline_fails_and_asks_for_update() -> None:
    baseline = Counter(["benchmarks/a.py: [misc] boom", "benchmarks/a.py: [misc] boom", "benchmarks/c.py: [misc] gone"])
    current = errors(("benchmarks/a.py", 5, "misc", "boom"))
    result = mb.compare(current, baseline)
    assert result.new == []
    assert result.gone == ["benchmarks/a.py: [misc] boom", "benchmarks/c.py: [misc] gone"]
    (problem,) = mb.check(current, baseline)
    assert "--update" in problem


def test_baseline_entries_in_a_strict_package_fail_even_when_they_occur() -> None:
    key = "identity/core/net.py: [misc] boom"
    current = errors(("identity/core/net.py", 5, "misc", "boom"))
    assert mb.compare(current, Counter([key])).clean
    (problem,) = mb.check(current, Counter([key]))
    assert "fully strict" in problem and key in problem


@pytest.mark.parametrize("path", ["identity/core/net.py", "identity/oauth2/validator.py", "identity/x.py", ".ci/x.py"])
def test_all_of_identity_and_ci_is_strict(path: str) -> None:
    assert mb.is_strict(path)
    (problem,) = mb.check(errors((path, 5, "misc", "boom")), Counter([f"{path}: [misc] boom"]))
    assert "fully strict" in problem


@pytest.mark.parametrize("path", ["benchmarks/x.py", "identity_extra/x.py", "tests/identity/x.py"])
def test_paths_outside_the_strict_packages_may_be_baselined(path: str) -> None:
    assert not mb.is_strict(path)
    assert mb.check(errors((path, 5, "misc", "boom")), Counter([f"{path}: [misc] boom"])) == []


def test_an_error_in_a_strict_package_is_new_without_a_baseline_entry() -> None:
    (problem,) = mb.check(errors(("identity/core/net.py", 5, "misc", "boom")), Counter())
    assert "identity/core/net.py:5: [misc] boom" in problem


def test_update_shrinks() -> None:
    baseline = Counter(["benchmarks/a.py: [misc] boom", "benchmarks/c.py: [misc] gone"])
    result = mb.update(errors(("benchmarks/a.py", 5, "misc", "boom")), baseline, allow_growth=False)
    assert result.baseline == Counter(["benchmarks/a.py: [misc] boom"])
    assert "1 removed" in result.message
    assert result.strict_errors == []


def test_update_refuses_to_grow_without_allow_growth() -> None:
    current = errors(("benchmarks/a.py", 5, "misc", "boom"), ("benchmarks/b.py", 7, "misc", "new"))
    result = mb.update(current, Counter(["benchmarks/a.py: [misc] boom"]), allow_growth=False)
    assert result.baseline is None
    assert "benchmarks/b.py: [misc] new" in result.message and "--allow-growth" in result.message


def test_update_grows_with_allow_growth() -> None:
    current = errors(("benchmarks/a.py", 5, "misc", "boom"), ("benchmarks/b.py", 7, "misc", "new"))
    result = mb.update(current, Counter(["benchmarks/a.py: [misc] boom"]), allow_growth=True)
    assert result.baseline == Counter(["benchmarks/a.py: [misc] boom", "benchmarks/b.py: [misc] new"])


def test_update_never_baselines_a_strict_package() -> None:
    current = errors(("identity/core/net.py", 5, "misc", "boom"), ("benchmarks/a.py", 5, "misc", "boom"))
    result = mb.update(current, Counter(["identity/core/net.py: [misc] boom"]), allow_growth=True)
    assert result.baseline == Counter(["benchmarks/a.py: [misc] boom"])  # the other entries still shrink
    assert [error.located() for error in result.strict_errors] == ["identity/core/net.py:5: [misc] boom"]
    assert "identity/core/net.py:5: [misc] boom" in result.message


def test_render_sorts_counts_and_explains() -> None:
    text = mb.render_baseline(Counter({"benchmarks/b.py: [misc] x": 1, "benchmarks/a.py: [misc] y": 2}))
    body = [entry for entry in text.splitlines() if not entry.startswith("#")]
    assert body == ["benchmarks/a.py: [misc] y", "benchmarks/a.py: [misc] y", "benchmarks/b.py: [misc] x"]
    assert "SHRINK" in text and "--update" in text and "--allow-growth" in text
    assert mb.read_baseline(text) == Counter({"benchmarks/b.py: [misc] x": 1, "benchmarks/a.py: [misc] y": 2})


def test_the_committed_baseline_is_canonical_and_has_no_strict_entries() -> None:
    text = mb.BASELINE.read_text(encoding="utf-8")
    baseline = mb.read_baseline(text)
    assert mb.render_baseline(baseline) == text  # sorted, with the header: as --update writes it
    assert mb.strict_entries(baseline) == []
