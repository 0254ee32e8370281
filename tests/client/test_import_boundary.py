"""The client side never imports the provider side (identity/client/flows.py): a site that only
signs in elsewhere runs none of the provider's code, and what both sides need (JWT verification,
JWK Sets, HTTP) lives in identity.core. Checked on the source, following every import of an
identity module from identity.client, at any depth and inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "identity"
PROVIDER_SIDE = {"identity.oauth2", "identity.jwt", "identity.cas"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def imports_in(source: str, package: str) -> set[str]:
    """The identity modules ``source`` (a module of ``package``) imports; ``from a import b``
    counts ``a`` and ``a.b``, relative imports are resolved."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {n for n in names if n in MODULES}


def imported_by(name: str) -> set[str]:
    path = MODULES[name]
    return imports_in(path.read_text(), name if path.name == "__init__.py" else name.rpartition(".")[0])


def _reached_from_client() -> dict[str, str | None]:
    """Every identity module the client side reaches, with the module that imports it."""
    reached: dict[str, str | None] = {m: None for m in MODULES if m.startswith("identity.client")}
    todo = list(reached)
    while todo:
        module = todo.pop()
        for imported in imported_by(module):
            if imported not in reached:
                reached[imported] = module
                todo.append(imported)
    return reached


def _chain(reached: dict[str, str | None], module: str) -> str:
    links = [module]
    while (parent := reached[links[-1]]) is not None:
        links.append(parent)
    return " <- ".join(links)


def test_the_client_side_never_reaches_the_provider_side() -> None:
    reached = _reached_from_client()
    assert "identity.core.jose.decode" in reached  # the shared stack is what it uses instead
    crossings = [_chain(reached, m) for m in reached if any(m == p or m.startswith(p + ".") for p in PROVIDER_SIDE)]
    assert crossings == []


def test_the_check_sees_lazy_and_relative_imports() -> None:
    """The rule would be void if an import inside a function, or a relative one, escaped it."""
    source = (
        "def f():\n"
        "    from identity.jwt.tokens import sign\n"
        "from ...oauth2 import issuing\n"
        "import identity.cas.models\n"
    )
    assert imports_in(source, "identity.client.oidc") == {
        "identity.jwt.tokens",
        "identity.oauth2",
        "identity.oauth2.issuing",
        "identity.cas.models",
    }
