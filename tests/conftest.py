"""Shared fixtures: lesson files written on the fly, and the bundled lessons' folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tutor.resources import BUNDLED_LESSONS

ROOT = Path(__file__).resolve().parent.parent
LESSONS = BUNDLED_LESSONS  # found as the installed tutor finds them


@pytest.fixture
def write_lesson(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write YAML (dedented) to a file in a fresh folder and return its path."""

    def write(text: str, name: str = "lesson.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def _private_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test (and every process it starts) keeps progress in its own folder, never in
    a database a developer's shell names (`TUTOR_STORE`): the PostgreSQL tests name theirs."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("TUTOR_DATA_DIR", str(folder))
    monkeypatch.delenv("TUTOR_STORE", raising=False)
    return folder
