"""DRF is imported by identity.contrib.rest_framework alone, and that package only by the URL
lists that mount its endpoints: the statement in its docstring, kept true."""

from __future__ import annotations

import ast
from pathlib import Path

IDENTITY = Path(__file__).resolve().parents[3] / "identity"
CONTRIB = "identity/contrib/rest_framework/"


def importers(prefix: str) -> set[str]:
    """The modules under identity/ (as paths) importing ``prefix`` or a module below it."""
    found = set()
    for path in IDENTITY.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            if any(name == prefix or name.startswith(prefix + ".") for name in names):
                found.add(path.relative_to(IDENTITY.parent).as_posix())
    return found


def test_only_contrib_rest_framework_imports_drf() -> None:
    outside = sorted(m for m in importers("rest_framework") if not m.startswith(CONTRIB))
    assert outside == [], f"modules importing DRF outside {CONTRIB}: {outside}"


def test_only_the_api_url_lists_import_contrib_rest_framework() -> None:
    outside = sorted(m for m in importers("identity.contrib.rest_framework") if not m.startswith(CONTRIB))
    assert outside == ["identity/jwt/urls.py", "identity/tokens/urls.py"]


def test_the_scan_sees_drf_imports() -> None:
    assert "identity/contrib/rest_framework/authentication.py" in importers("rest_framework")
