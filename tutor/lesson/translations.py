"""Which texts of a lesson still lack a language: `tutor check --lang zh` lists them, located,
so a translator can work through them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tutor.i18n import _
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
                _("{what} has no '{lang}' text").format(what=_describe(path), lang=lang),
            )
        )
    return problems


def _describe(path: YamlPath) -> str:
    """The text's place as a noun: `step 2's 'hints' 1`, in the reader's language."""
    if path[0] == "steps":
        owner = _("step {k}").format(k=int(path[1]) + 1)
        for p in path[2:]:
            if isinstance(p, str):
                owner = _("{owner}'s '{field}'").format(owner=owner, field=p)
            else:
                owner = _("{owner} {n}").format(owner=owner, n=p + 1)
        return owner
    if path[0] == "params":
        return _("the help of param '{name}'").format(name=path[1])
    return f"'{path[0]}'"
