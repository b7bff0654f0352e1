"""Live text: `{{ expression }}` and `{{ expression | format }}` inside a lesson's sentences.

Parsed when the lesson is loaded, so a placeholder that does not parse is refused at its file,
line and column like any other code; the engine evaluates the parsed expressions on the step's
state and `fill` puts the values back, so a sentence stays true when a knob turns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tutor.i18n import _
from tutor.lesson.errors import LessonError, Pos
from tutor.lesson.expressions import Code, parse_code

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
"""Two braces on each side: a single `{` or `}` is text (`$e^{x}$`)."""
SPEC = re.compile(r"^\s*([^|]*?)\s*\|\s*([^|{}]*?)\s*$", re.DOTALL)


@dataclass(frozen=True)
class Placeholder:
    """One `{{ … }}`: `key` is its inner text, by which a filled value is found again."""

    key: str
    code: Code
    spec: str  # Python's format spec for a number ('.4f'), or ''


def placeholders(
    text: str, *, file: str, origin: Pos, block: bool, context: str
) -> list[Placeholder]:
    """Every placeholder of `text`, parsed and checked; `origin` is where the text starts."""
    found = []
    for match in PLACEHOLDER.finditer(text):
        inner = match.group(1)
        split = SPEC.match(inner)
        expression, spec = (split.group(1), split.group(2)) if split else (inner.strip(), "")
        offset = match.start(1) + (len(inner) - len(inner.lstrip()))
        at = _pos(text, offset, origin, block)
        if not expression.strip():
            raise LessonError.at(
                file, at, _("in {place}, '{{{{ }}}}' holds no expression").format(place=context)
            )
        if spec:
            if not _valid_spec(spec):
                raise LessonError.at(
                    file,
                    at,
                    _("in {place}, '{spec}' is not a number format (.4f, .2e, .1%, d)").format(
                        place=context, spec=spec
                    ),
                )
        code = parse_code(
            expression, mode="eval", file=file, origin=at, block=False, context=context
        )
        found.append(Placeholder(inner.strip(), code, spec))
    return found


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each placeholder replaced by its value; one without a value stays as written."""
    if "{{" not in text:
        return text
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip(), m.group(0)), text)


def _valid_spec(spec: str) -> bool:
    for number in (1.5, 1):
        try:
            format(number, spec)
            return True
        except ValueError:
            pass
    return False


def _pos(text: str, offset: int, origin: Pos, block: bool) -> Pos:
    line = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1)
    if line == 0:
        return Pos(origin.line, origin.col + col)
    return Pos(origin.line + line, (origin.col if block else 1) + col)
