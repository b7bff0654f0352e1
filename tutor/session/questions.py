"""What a question is and what the learner did with it: plain data, for the session to fill and
for any front-end (or renderer) to draw. Nothing here reaches the engine, not even for types, so
the renderers can name these without leaning on torch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tutor.i18n import _

if TYPE_CHECKING:  # a plain record of the engine's views: named, never imported here
    from tutor.engine.views import LineError


@dataclass(frozen=True)
class Question:
    """A step's question, in the learner's language. A "write" step's `prompt` says what to
    write and `reference` holds the statements that pass: draw it only once the attempt is
    finished (solved or given up), never before."""

    kind: Literal["ask", "choose", "write"]
    prompt: str
    options: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    explain: str = ""
    correct_option: int | None = None  # of a `choose`, from 0
    predicts: int | None = None  # the later step that computes an `ask`'s value, if any
    reference: str = ""  # of a `write`: its reference statements, one per line


@dataclass
class Attempt:
    """What the learner has done with one question so far."""

    tries: int = 0
    hints_shown: int = 0
    solved: bool = False
    gave_up: bool = False
    feedback: str = ""  # the verdict on the last try, "" before any
    correct: bool | None = None  # of the last try; None when it could not be read
    picked: int | None = None  # the last option chosen (choose)
    expected: float | None = None  # the right number, once solved or given up (ask)
    first_given: float | None = None  # the first number tried: the prediction (ask)
    error: LineError | None = None  # of the last line written: what broke, with its column
    lines: list[str] = field(default_factory=list)  # every line written, oldest first (↑)
    reference: str = ""  # of a `write`: the reference, once solved or given up

    @property
    def finished(self) -> bool:
        return self.solved or self.gave_up


@dataclass(frozen=True)
class Report:
    """One thing worth saving: a step reached, or an answer given."""

    kind: Literal["step", "answer", "write", "hint", "gave-up", "knob"]
    lesson_id: str
    step_id: str
    index: int
    correct: bool | None = None
    given: str = ""  # the answer as typed, the option's index, the line written, a knob's value
    tries: int = 0
    hints: int = 0  # hints shown so far
    total: int = 0  # steps in the lesson (a step report)
    title: str = ""  # the lesson's title (a step report)
    name: str = ""  # the knob turned (a knob report)


Reporter = Callable[[Report], None]


@dataclass(frozen=True)
class Reveal:
    """A prediction and the value the lesson went on to compute."""

    step: int  # the question's step
    given: float
    real: float
    correct: bool

    @property
    def off(self) -> float:
        return abs(self.given - self.real)

    def text(self) -> str:
        """`you said 0.3; the real value is 0.25 (off by 0.05)`."""
        return _("you said {given}; the real value is {real} (off by {off})").format(
            given=f"{self.given:.6g}", real=f"{self.real:.6g}", off=f"{self.off:.4g}"
        )
