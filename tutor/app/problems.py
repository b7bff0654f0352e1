"""Which step each problem of a lesson is in, found from the line it names: the author's list
(`tutor watch`) says "step 3" beside `12:5` and jumps there, and a lesson that cannot load
says which step each of its mistakes is in. No Textual here, and no torch: plain data.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tutor.lesson import LessonError
from tutor.lesson.source import Source, read_source

_WHERE = re.compile(r"(\d+):(\d+): (.*)", re.DOTALL)


@dataclass(frozen=True)
class Located:
    """One problem (or warning) of a lesson, with the step it is in."""

    step: int | None  # 1-based; 0: the lesson's head (tensors, knobs); None: not known
    line: int
    col: int
    message: str
    warning: bool = False


@dataclass(frozen=True)
class StepLines:
    """Where each step of a lesson file starts, and where the list of steps ends."""

    starts: tuple[int, ...]
    end: int | None  # the first line of a top-level field after the steps, if any

    def step_at(self, line: int) -> int | None:
        """The step (from 1) holding `line`; 0 above the steps; None below them or when
        the file has no list of steps."""
        if not self.starts:
            return None
        if self.end is not None and line >= self.end:
            return 0
        return bisect_right(self.starts, line)


def step_lines(source: Source | None) -> StepLines:
    """The steps' first lines in a parsed lesson file (a file that parses, even one whose
    fields are wrong: the positions are YAML's)."""
    data = source.data if source is not None else None
    steps = data.get("steps") if isinstance(data, dict) else None
    if source is None or not isinstance(data, dict) or not isinstance(steps, list) or not steps:
        return StepLines((), None)
    starts = tuple(source.value_pos(("steps", i)).line for i in range(len(steps)))
    below = [
        pos.line
        for path, pos in source.keys.items()
        if len(path) == 1 and pos.line > starts[-1] and path != ("steps",)
    ]
    return StepLines(starts, min(below) if below else None)


MAX_READ = 256_000
"""Bytes of a file read again for its steps (on the UI thread): a real lesson has tens of
kilobytes; a hostile one of megabytes is shown without its steps rather than stall the screen."""


def read_steps(path: Path) -> StepLines:
    """The steps of the file at `path`, or none when it does not parse (or is huge)."""
    try:
        if path.stat().st_size > MAX_READ:
            return StepLines((), None)
        return step_lines(read_source(path))
    except (LessonError, OSError):
        return StepLines((), None)


def load_problems(error: LessonError, steps: StepLines) -> list[Located]:
    """The problems of a lesson that could not load, each with its step."""
    return [
        Located(steps.step_at(p.pos.line), p.pos.line, p.pos.col, p.message) for p in error.problems
    ]


def found_problems(
    name: str, problems: Iterable[str], warnings: Iterable[str], steps: StepLines
) -> list[Located]:
    """`tutor check`'s findings (`NAME:LINE:COL: message`) as located entries, in the
    file's order; a finding with no place is put at the top of the lesson."""
    found: list[Located] = []
    for texts, warning in ((problems, False), (warnings, True)):
        for text in texts:
            rest = text[len(name) + 1 :] if text.startswith(f"{name}:") else text
            match = _WHERE.fullmatch(rest)
            if match is None:
                found.append(Located(0, 1, 1, text, warning))
                continue
            line, col = int(match.group(1)), int(match.group(2))
            found.append(Located(steps.step_at(line), line, col, match.group(3), warning))
    return sorted(found, key=lambda p: (p.line, p.col, p.warning))
