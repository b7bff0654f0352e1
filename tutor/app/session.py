"""One learner in one lesson: the engine's Run plus what the learner did with its questions.

The numbers live in the Run; this object keeps only what the Run does not know (answers tried,
hints revealed) and reports each step reached and each answer through `Reporter`, the seam where
saved progress and scores will plug in. No Textual here, and no torch at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tutor.lesson import pick

if TYPE_CHECKING:
    from tutor.engine.run import Progress, Run
    from tutor.engine.views import StepView


@dataclass(frozen=True)
class Question:
    """A step's question, in the learner's language."""

    kind: Literal["ask", "choose"]
    prompt: str
    options: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    explain: str = ""
    correct_option: int | None = None  # of a `choose`, from 0


@dataclass
class Attempt:
    """What the learner has done with one question so far."""

    tries: int = 0
    hints_shown: int = 0
    solved: bool = False
    gave_up: bool = False
    feedback: str = ""  # the verdict on the last try, "" before any
    correct: bool | None = None  # of the last try
    picked: int | None = None  # the last option chosen (choose)
    expected: float | None = None  # the right number, once solved or given up (ask)

    @property
    def finished(self) -> bool:
        return self.solved or self.gave_up


@dataclass(frozen=True)
class Report:
    """One thing worth saving: a step reached, or an answer given."""

    kind: Literal["step", "answer", "gave-up"]
    lesson_id: str
    step_id: str
    index: int
    correct: bool | None = None
    given: str = ""
    tries: int = 0


Reporter = Callable[[Report], None]


@dataclass
class LessonSession:
    run: Run
    reporter: Reporter | None = None
    attempts: dict[int, Attempt] = field(default_factory=dict)

    # ---------------------------------------------------------------- moving

    @property
    def position(self) -> int:
        return self.run.position

    @property
    def total(self) -> int:
        return self.run.total

    def needs_work(self) -> bool:
        """Whether the next step has never run and repeats: worth a worker thread."""
        k = self.run.position + 1
        if k > self.run.total or self.run.done(k):
            return False
        return bool(self.run.lesson.steps[k - 1].repeat)

    def forward(self, progress: Progress | None = None) -> bool:
        moved = self.run.forward(progress)
        if moved:
            self._report(Report("step", *self._ids(), self.run.position))
        return moved

    def back(self) -> bool:
        return self.run.back()

    def restart(self) -> None:
        self.run.restart()

    def view(self) -> StepView:
        return self.run.view()

    @property
    def at_end(self) -> bool:
        return self.run.position >= self.run.total

    # ---------------------------------------------------------------- questions

    def question(self, k: int | None = None) -> Question | None:
        k = self.run.position if k is None else k
        if k == 0:
            return None
        step = self.run.lesson.steps[k - 1]
        lang = self.run.lang
        hints = tuple(pick(h, lang) for h in step.hint_list())
        explain = pick(step.explain, lang)
        if step.ask is not None:
            return Question("ask", pick(step.ask, lang), (), hints, explain)
        if step.choose is not None:
            options = tuple(pick(o, lang) for o in step.choose.options)
            prompt = pick(step.choose.question, lang)
            return Question("choose", prompt, options, hints, explain, step.choose.answer)
        return None

    def attempt(self, k: int | None = None) -> Attempt:
        k = self.run.position if k is None else k
        return self.attempts.setdefault(k, Attempt())

    def answer(self, text: str) -> Attempt:
        """Check a typed answer to the current `ask`; a wrong one reveals the next hint."""
        k = self.run.position
        attempt = self.attempt(k)
        check = self.run.check_answer(k, text)
        if check.given is None:
            attempt.correct = None
            attempt.feedback = f"{check.message}; answer with a number"
            return attempt
        attempt.tries += 1
        attempt.correct = check.correct
        if check.correct:
            attempt.solved = True
            attempt.expected = check.expected
            attempt.feedback = f"right: {check.expected:.6g}"
        else:
            attempt.feedback = f"not {check.given:.6g}"
            self._wrong(k, attempt)
        self._report(Report("answer", *self._ids(), k, check.correct, text.strip(), attempt.tries))
        return attempt

    def choose(self, index: int) -> Attempt:
        """Check option `index` (from 0) of the current `choose`."""
        k = self.run.position
        attempt = self.attempt(k)
        correct = self.run.check_choice(k, index)
        attempt.tries += 1
        attempt.picked = index
        attempt.correct = correct
        question = self.question(k)
        label = question.options[index] if question else str(index + 1)
        if correct:
            attempt.solved = True
            attempt.feedback = f"right: {label}"
        else:
            attempt.feedback = f"not {index + 1}. {label}"
            self._wrong(k, attempt)
        self._report(Report("answer", *self._ids(), k, correct, str(index), attempt.tries))
        return attempt

    def hint(self) -> Attempt:
        """Reveal the next hint; once all are out, give up and show the answer."""
        k = self.run.position
        attempt = self.attempt(k)
        question = self.question(k)
        if question is None or attempt.finished:
            return attempt
        if attempt.hints_shown < len(question.hints):
            attempt.hints_shown += 1
            return attempt
        attempt.gave_up = True
        if question.kind == "ask":
            attempt.expected = self.run.outcome(k).answer
        self._report(Report("gave-up", *self._ids(), k, False, "", attempt.tries))
        return attempt

    def answer_text(self, k: int | None = None) -> str:
        """The right answer, as the learner would read it."""
        k = self.run.position if k is None else k
        question = self.question(k)
        if question is None:
            return ""
        if question.correct_option is not None:
            index = question.correct_option
            return f"{index + 1}. {question.options[index]}"
        expected = self.run.outcome(k).answer
        return f"{expected:.6g}" if expected is not None else ""

    # ---------------------------------------------------------------- reporting

    def _wrong(self, k: int, attempt: Attempt) -> None:
        question = self.question(k)
        if question and attempt.hints_shown < len(question.hints):
            attempt.hints_shown += 1

    def _ids(self) -> tuple[str, str]:
        k = max(self.run.position, 1)
        return self.run.lesson.id, self.run.lesson.step_id(k - 1)

    def _report(self, report: Report) -> None:
        if self.reporter is not None:
            self.reporter(report)
