"""The authoring kit as a teacher uses it: schema, new, export, check --lang."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.lesson.schema import schema_text
from tutor.resources import SCHEMA_FILE

from .conftest import LESSONS, ROOT


def tutor(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tutor.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={**os.environ, "LANG": "C.UTF-8"},
    )


def test_schema_prints_the_committed_schema() -> None:
    out = tutor("schema")
    assert out.returncode == 0
    assert out.stdout == schema_text() == SCHEMA_FILE.read_text(encoding="utf-8")
    assert json.loads(out.stdout)["additionalProperties"] is False


@pytest.mark.parametrize("template", ["basic", "attention", "training"])
def test_new_writes_a_lesson_that_checks(template: str, tmp_path: Path) -> None:
    target = tmp_path / f"my {template} lesson.yaml"
    out = tutor("new", str(target), "--template", template)
    assert out.returncode == 0, out.stderr
    text = target.read_text(encoding="utf-8")
    assert f"id: my-{template}-lesson" in text
    # a relative reference to a copy beside it, never a path of the machine it ran on
    assert text.startswith("# yaml-language-server: $schema=lesson.schema.json\n")
    assert (tmp_path / "lesson.schema.json").read_text(encoding="utf-8") == schema_text()
    assert "file://" not in text and str(ROOT) not in text
    assert text.count("#") > 5  # commented for the author
    checked = tutor("check", str(target))
    assert checked.returncode == 0, checked.stdout
    assert tutor("new", str(target)).returncode == 2  # never overwrites


def test_export_markdown_html_and_svg(tmp_path: Path) -> None:
    lesson = str(LESSONS / "05-backprop.yaml")
    for fmt in ("md", "html"):
        out_file = tmp_path / f"backprop.{fmt}"
        out = tutor("export", lesson, "--format", fmt, "-o", str(out_file), "--answers")
        assert out.returncode == 0, out.stderr
        text = out_file.read_text(encoding="utf-8").replace("&#160;", " ")
        assert "Backprop" in text
        assert "-2.5000" in text  # W.grad, drawn
    slides = tmp_path / "slides"  # svg: a folder, one file per step
    assert tutor("export", lesson, "--format", "svg", "-o", str(slides)).returncode == 0
    md = (tmp_path / "backprop.md").read_text(encoding="utf-8")
    assert md.startswith("# Backprop through one linear layer")
    assert re.search(r"## Step 4/\d+ · Backprop", md) and "```python\ny_hat = x @ W + b\n```" in md
    assert "**Answer:** 0.25" in md  # the teacher's edition, answered from the computation
    first = sorted(slides.iterdir())[0]
    assert first.name == "00-title.svg" and first.read_text().startswith("<svg")


def test_export_in_chinese(tmp_path: Path) -> None:
    out_file = tmp_path / "zh.md"
    assert (
        tutor(
            "export", str(LESSONS / "02-neuron.yaml"), "--lang", "zh", "-o", str(out_file)
        ).returncode
        == 0
    )
    assert out_file.read_text(encoding="utf-8").startswith("# 一个神经元")


def test_check_lang_lists_what_a_translator_has_left(tmp_path: Path) -> None:
    lesson = tmp_path / "half.yaml"
    lesson.write_text(
        "id: half\ntitle: {en: Half, zh: 一半}\nsteps:\n"
        "  - title: Only English\n    text: {en: Some words}\n"
        "  - title: {en: Both, zh: 两个}\n    choose:\n"
        "      question: {en: Which?, zh: 哪个？}\n"
        "      options: [TP / (TP + FP), TP / (TP + FN)]\n      answer: 0\n",
        encoding="utf-8",
    )
    out = tutor("check", "--lang", "zh", str(lesson))
    assert out.returncode == 0  # missing translations are reported, not failures
    missing = [line.strip() for line in out.stdout.splitlines() if line.strip().startswith("!")]
    assert missing == [
        f"! {lesson}:4:12: 第 1 步的 'title' 没有 'zh' 文本",  # said in the language checked
        f"! {lesson}:5:11: 第 1 步的 'text' 没有 'zh' 文本",
    ]
    assert "! " not in tutor("check", "--lang", "zh", str(LESSONS)).stdout
