"""The `tutor` command as a user runs it: real processes, pipes for stdin and stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import LESSONS, ROOT

BACKPROP = str(ROOT / "tests" / "app_lessons" / "01-layer.yaml")  # fixed: the course moves on


def tutor(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LANG": "C.UTF-8", **(env or {})}
    environment.pop("NO_COLOR", None) if env is None or "NO_COLOR" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "tutor.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
    )


def test_plain_prints_every_step_and_reads_answers() -> None:
    # step 2 asks for the MSE: wrong, then right; step 7 is a choice: wrong, then right
    out = tutor("run", BACKPROP, "--plain", stdin="0.3\n0.25\n2\n1\n")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for k in range(1, 9):
        assert f"Step {k}/8" in text
    assert "hint: How far is each prediction from its target?" in text
    assert "✓ right: 0.25" in text
    assert "All four errors are −0.5" in text  # explain, once answered
    assert "✗ not 2" in text and "✓ right: 1. TP / (TP + FP)" in text
    assert "⎡ -2.5000 ⎤" in text  # W.grad beside W
    assert "Questions: 2 of 2 right." in text
    assert "\x1b[" not in text  # no colour codes into a pipe


def test_plain_at_the_end_of_input_skips_questions() -> None:
    out = tutor("run", BACKPROP, "--plain")
    assert out.returncode == 0
    assert out.stdout.count("unanswered") == 3  # two notes and the summary
    assert "Questions: 0 of 2 right, 2 unanswered." in out.stdout


def test_plain_in_chinese_with_a_knob_set() -> None:
    out = tutor("run", "one-layer-backprop", "--plain", "--lang", "zh", "--set", "lr=0.05")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "单层线性网络的反向传播" in out.stdout
    assert "lr = 0.05" in out.stdout
    assert "⎡ 0.6250 ⎤" in out.stdout  # W after one update with η = 0.05: 0.5 + 0.05·2.5


def test_a_bad_knob_is_a_usage_error() -> None:
    out = tutor("run", BACKPROP, "--plain", "--set", "eta=1")
    assert out.returncode == 2
    assert "no param 'eta'" in out.stdout + out.stderr


def test_no_color_is_honoured_even_on_a_forced_terminal() -> None:
    out = tutor("run", BACKPROP, "--plain", env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert out.returncode == 0
    assert "\x1b[3" not in out.stdout and "\x1b[9" not in out.stdout  # no colours


def test_check_passes_the_bundled_lessons() -> None:
    out = tutor("check", str(LESSONS))
    assert out.returncode == 0, out.stdout
    lines = [line for line in out.stdout.splitlines() if line.startswith(("✓", "✗"))]
    assert lines and all(line.startswith("✓") for line in lines)


def test_check_fails_with_the_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\nsteps:\n  - title: one\n    rnu: x = 1\n")
    out = tutor("check", str(bad), str(LESSONS / "02-neuron.yaml"))
    assert out.returncode == 1
    assert f"✗ {bad}:5:5: step 1 has an unknown field 'rnu' (did you mean 'run'?)" in out.stdout
    assert "✓" in out.stdout


def test_usage_errors_exit_2() -> None:
    assert tutor("check", "no/such/path").returncode == 2
    assert tutor("check", "--device", "tpu", str(LESSONS)).returncode == 2
    assert tutor("run", "no-such-lesson", "--plain").returncode == 2
    assert tutor("check").returncode == 2


def test_plain_saves_progress_and_progress_prints_it() -> None:
    tutor("run", BACKPROP, "--plain", stdin="0.3\n0.25\n2\n1\n")
    out = tutor("progress")
    assert out.returncode == 0
    row = next(line for line in out.stdout.splitlines() if "One linear" in line)
    assert "8/8" in row and "✓" in row
    assert row.split("│")[4].strip() == "2 right"  # questions, not tries (2 wrong tries)
    assert "lessons pass" not in out.stdout
    cleared = tutor("progress", "--reset", "app-layer", "--yes")
    assert cleared.returncode == 0 and "1 lesson" in cleared.stdout
    assert "No progress yet" in tutor("progress").stdout
