"""`tutor class`: where every student is, as a live table, as text and as CSV."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from textual.widgets import DataTable

from tutor.classroom.teacher import ClassApp
from tutor.progress import ProgressStore

from .conftest import ROOT


def classroom(data: Path) -> ProgressStore:
    store = ProgressStore(data)
    ada, bob = store.learner("ada"), store.learner("bob")
    ada.reached("neuron", "inputs", 1, 6, title="One neuron")
    ada.reached("neuron", "weighted-sum", 3, 6)
    ada.answered("neuron", "predict-z", "-0.25", True, attempt=1)
    bob.reached("self-attention", "tokens", 1, 9, title="Self-attention on three tokens")
    bob.answered("self-attention", "predict-score", "3", False, attempt=1)
    return store


def tutor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tutor.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_plain_and_csv(tmp_path: Path) -> None:
    classroom(tmp_path)
    out = tutor("class", "--data", str(tmp_path), "--plain")
    assert out.returncode == 0, out.stderr
    ada = next(line for line in out.stdout.splitlines() if "ada" in line)
    assert "One neuron" in ada and "3/6" in ada
    assert "2 students" in out.stdout
    target = tmp_path / "class.csv"
    assert tutor("class", "--data", str(tmp_path), "--csv", str(target)).returncode == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [(r["student"], r["lesson_id"], r["step"], r["right"], r["wrong"]) for r in rows] == [
        ("ada", "neuron", "3", "1", "0"),
        ("bob", "self-attention", "1", "0", "1"),
    ]


def test_no_classroom_is_a_usage_error(tmp_path: Path) -> None:
    assert tutor("class", "--data", str(tmp_path / "none"), "--plain").returncode == 2


async def test_the_live_table_follows_the_store(tmp_path: Path) -> None:
    store = classroom(tmp_path)
    app = ClassApp(ProgressStore(tmp_path))
    async with app.run_test(size=(110, 20)) as pilot:
        table = app.query_one(DataTable)
        assert table.row_count == 2
        store.learner("cy").reached("neuron", "inputs", 1, 6, title="One neuron")
        await pilot.press("r")
        await pilot.pause()
        assert table.row_count == 3
        assert [str(c) for c in table.get_row("ada")][:3] == ["ada", "One neuron", "3/6"]
