"""The layers go one way (DESIGN.md): checked in fresh interpreters and by import-linter."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT


def modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return {name.split(".")[0] for name in out.stdout.split()}


@pytest.mark.parametrize(
    "package", ["tutor.lesson", "tutor.engine", "tutor.engine.run", "tutor.engine.check"]
)
def test_the_core_imports_no_textual_or_rich(package: str) -> None:
    loaded = modules_after(f"import {package}")
    assert "textual" not in loaded and "rich" not in loaded


def test_the_session_imports_no_ui_and_no_torch() -> None:
    loaded = modules_after("import tutor.session")
    assert not loaded & {"textual", "rich", "torch"}, loaded & {"textual", "rich", "torch"}


@pytest.mark.parametrize("package", ["tutor.lesson", "tutor.render", "tutor.cli", "tutor.app"])
def test_the_front_imports_no_torch(package: str) -> None:
    assert "torch" not in modules_after(f"import {package}")


def test_import_linter_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(ROOT / ".venv" / "bin")) or shutil.which(
        "lint-imports"
    )
    if lint is None:
        pytest.fail("lint-imports is not installed: pip install -e '.[test]'")
    result = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
