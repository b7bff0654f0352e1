"""Textual and rich are used through their public API only (DESIGN.md): no private module,
no private attribute of theirs read, set or overridden, in `tutor/` or `tests/`.

A name is theirs when Textual or rich define it with a leading underscore (a method, an
attribute, a module) and the project does not define it itself: reaching the compositor of a
screen, or overriding a widget's size hook, fails here, while the project's own helpers pass.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
import rich
import textual

from .conftest import ROOT

PRIVATE = re.compile(r"^_[a-z][a-z0-9_]*$")
OURS = [*sorted((ROOT / "tutor").rglob("*.py")), *sorted((ROOT / "tests").rglob("*.py"))]


def _names_defined(files: list[Path]) -> set[str]:
    """Every private name a set of files defines: functions, methods, attributes, modules."""
    found: set[str] = set()
    for path in files:
        if PRIVATE.match(path.stem):
            found.add(path.stem)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = node.name
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                name = node.attr
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                name = node.id
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                name = node.target.id
            else:
                continue
            if PRIVATE.match(name):
                found.add(name)
    return found


@cache
def theirs() -> frozenset[str]:
    files: list[Path] = []
    for package in (textual, rich):
        files += sorted(Path(package.__file__).parent.rglob("*.py"))
    return frozenset(_names_defined(files) - _names_defined(OURS))


def _stdlib(node: ast.Attribute) -> bool:
    """`os._exit`, `sys._getframe`: the standard library's own underscores are public API."""
    return isinstance(node.value, ast.Name) and node.value.id in ("os", "sys")


@pytest.mark.parametrize("path", OURS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_textual_or_rich_symbol(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private = theirs()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            for module in modules:
                parts = module.split(".")
                if parts[0] in ("textual", "rich") and any(p.startswith("_") for p in parts):
                    found.append(f"{node.lineno}: import of {module}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                "textual",
                "rich",
            ):
                found += [f"{node.lineno}: {a.name}" for a in node.names if a.name in private]
        elif isinstance(node, ast.Attribute) and node.attr in private and not _stdlib(node):
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in private:
            found.append(f"{node.lineno}: overrides {node.name}")
    assert not found, f"{path.relative_to(ROOT)} uses Textual's or rich's private names: {found}"


def test_the_check_catches_a_private_name() -> None:
    """The names the old code reached for are known private names of Textual and rich."""
    assert {"_compositor", "_size_updated", "_link_id", "_refresh_layout"} <= theirs()
