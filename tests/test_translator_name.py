"""`_` is the translator (`from tutor.i18n import _`): a function that also binds `_` as a
throwaway name (`name, sep, _ = text.partition("=")`) turns its own `_("…")` into "'str' object
is not callable", a traceback where a sentence was meant (seen: `tutor --set lr FILE`)."""

from __future__ import annotations

import ast

from .conftest import ROOT

SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _own_nodes(function: ast.AST) -> list[ast.AST]:
    """The nodes of `function`'s own scope (not of nested functions or comprehensions)."""
    found, todo = [], list(ast.iter_child_nodes(function))
    while todo:
        node = todo.pop()
        found.append(node)
        if not isinstance(node, SCOPES + COMPREHENSIONS):
            todo.extend(ast.iter_child_nodes(node))
    return found


def test_no_function_binds_the_translators_name_and_calls_it() -> None:
    shadowing = []
    for path in sorted((ROOT / "tutor").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            nodes = _own_nodes(function)
            binds = any(
                isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)
                for n in nodes
            )
            calls = any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_"
                for n in nodes
            )
            if binds and calls:
                shadowing.append(f"{path.relative_to(ROOT)}:{function.lineno} {function.name}")
    assert not shadowing, f"`_` bound and called as the translator in: {shadowing}"
