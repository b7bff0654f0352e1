"""Golden files of `tutor export` (issue 19, item 6): a small lesson, on the CPU, whose every
number is exact, exported as the learner's handout and as the teacher's edition.

After an intended change of the output: `TUTOR_UPDATE_GOLDEN=1 pytest tests/test_export_golden.py`
rewrites the files; read the diff before committing it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tutor.export import export_lesson
from tutor.lesson import load_lesson

HERE = Path(__file__).parent / "export_golden"
LESSON = HERE / "tiny.yaml"


def export(fmt: str, out: Path, answers: bool) -> None:
    export_lesson(load_lesson(LESSON), fmt, out, device="cpu", lang="en", answers=answers)


def same_as_golden(text: str, name: str) -> None:
    golden = HERE / name
    if os.environ.get("TUTOR_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"{name} changed (see the docstring)"


@pytest.mark.parametrize("answers", [False, True], ids=["handout", "teacher"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_export_matches_its_golden_file(fmt: str, answers: bool, tmp_path: Path) -> None:
    out = tmp_path / f"tiny.{fmt}"
    export(fmt, out, answers)
    same_as_golden(out.read_text(encoding="utf-8"), f"tiny{'-answers' if answers else ''}.{fmt}")


def test_only_the_teachers_edition_gives_the_answers(tmp_path: Path) -> None:
    export("md", tmp_path / "a.md", answers=False)
    export("md", tmp_path / "b.md", answers=True)
    handout, teacher = ((tmp_path / n).read_text(encoding="utf-8") for n in ("a.md", "b.md"))
    assert "1. the first\n2. the second" in handout  # a choose's options, none marked
    assert "-3.5" not in handout.split("**?**")[1].split("##")[0]
    assert "2. **the second** ✓" in teacher and "**Answer:** -3.5" in teacher
    assert "−1.5 > −3.5." in teacher and "−1.5 > −3.5." not in handout


def test_html_is_a_printable_document(tmp_path: Path) -> None:
    export("html", tmp_path / "t.html", answers=False)
    page = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<title>A tiny lesson to export</title>" in page
    assert len(re.findall(r"<h2>Step \d/4 · ", page)) == 4
    assert "@media print" in page and "print-color-adjust: exact" in page
    assert '<th>a</th><td style="background:#' in page  # the heatmap: a table, rows labelled
    assert "<pre>" not in page.replace("<pre><code>", "")  # no terminal dump: values are tables
    backgrounds = re.findall(r"background:#([0-9a-f]{6})", page)
    for colour in backgrounds:  # light enough for black text on paper
        r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
        assert 0.2126 * r + 0.7152 * g + 0.0722 * b > 140, colour


def test_svg_is_one_file_per_step(tmp_path: Path) -> None:
    export("svg", tmp_path / "slides", answers=False)
    names = sorted(p.name for p in (tmp_path / "slides").iterdir())
    assert names == [
        "00-title.svg",
        "01-the-inputs.svg",
        "02-predict.svg",
        "03-the-product.svg",
        "04-which-is-larger.svg",
    ]
    for name in names:
        assert (tmp_path / "slides" / name).read_text(encoding="utf-8").startswith("<svg")
