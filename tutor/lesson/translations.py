"""Which texts of a lesson still lack a language: `tutor check --lang zh` lists them, located,
so a translator can work through them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tutor.lesson.errors import Problem
from tutor.lesson.load import LessonFile
from tutor.lesson.source import YamlPath

# words need translating; a formula such as TP / (TP + FP) does not
_WORD = re.compile(r"[^\W\d_]{4,}|[\u3400-\u9fff]")

STEP_TEXTS = ("title", "text", "ask", "explain", "hint")


def text_paths(lesson: LessonFile) -> Iterator[tuple[YamlPath, Any]]:
    """Every text field of the lesson with its path in the file."""
    model = lesson.lesson
    yield ("title",), model.title
    yield ("summary",), model.summary
    for name, param in model.params.items():
        yield ("params", name, "help"), param.help
    for i, step in enumerate(model.steps):
        for field in STEP_TEXTS:
            yield ("steps", i, field), getattr(step, field)
        for j, hint in enumerate(step.hints or []):
            yield ("steps", i, "hints", j), hint
        if step.choose is not None:
            yield ("steps", i, "choose", "question"), step.choose.question
            yield ("steps", i, "choose", "hint"), step.choose.hint
            for j, option in enumerate(step.choose.options):
                yield ("steps", i, "choose", "options", j), option
            for j, hint in enumerate(step.choose.hints or []):
                yield ("steps", i, "choose", "hints", j), hint


def missing_translations(lesson: LessonFile, lang: str) -> list[Problem]:
    problems = []
    for path, text in text_paths(lesson):
        if text is None or (isinstance(text, dict) and text.get(lang)):
            continue
        if isinstance(text, str) and not _WORD.search(text):
            continue
        problems.append(
            Problem(
                lesson.name,
                lesson.source.value_pos(path),
                f"{_describe(path)} has no '{lang}' text",
            )
        )
    return problems


def _describe(path: YamlPath) -> str:
    if path[0] == "steps":
        rest = "".join(f"'s '{p}'" if isinstance(p, str) else f" {p + 1}" for p in path[2:])
        return f"step {int(path[1]) + 1}{rest}"
    if path[0] == "params":
        return f"the help of param '{path[1]}'"
    return f"'{path[0]}'"
