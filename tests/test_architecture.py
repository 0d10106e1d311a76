"""The house rules that keep the rooms small: one-way imports and module docstrings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("desktop", "widgets", "db", "exports", "bench")
# package -> top-level modules it must never import
FORBIDDEN = {
    "db": {"PySide6", "desktop", "widgets", "exports", "reportlab", "matplotlib"},
    "exports": {"PySide6", "desktop", "widgets"},
    "widgets": {"db", "desktop", "exports"},
}


def _modules(package: str) -> list[Path]:
    return sorted(
        p for p in (ROOT / package).rglob("*.py") if "migrations/versions" not in p.as_posix()
    )


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package: str) -> None:
    offences = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & FORBIDDEN[package])
        for path in _modules(package)
    }
    assert {k: v for k, v in offences.items() if v} == {}


@pytest.mark.parametrize("package", PACKAGES)
def test_every_module_says_what_lives_there(package: str) -> None:
    missing = [
        str(path.relative_to(ROOT))
        for path in _modules(package)
        if path.stat().st_size and not ast.get_docstring(ast.parse(path.read_text("utf-8")))
    ]
    assert missing == []
