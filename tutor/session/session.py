"""One learner in one lesson: the engine's Run plus what the learner did with its questions.

The numbers live in the Run; this object keeps only what the Run does not know (answers tried,
hints revealed, the score) and reports each step reached, answer given, hint shown and knob
turned through `Reporter` (a `Recorder` saves them). Every front-end drives this one object,
so a question is asked, checked, hinted and saved by one piece of code. No UI here, and no
torch at import time: the Run is handed in.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from tutor.i18n import _
from tutor.lesson import pick
from tutor.lesson.clean import clean
from tutor.lesson.tolerance import close_enough
from tutor.progress.grades import Tally
from tutor.session.predictions import ask_tolerance, reveal_step
from tutor.session.questions import Attempt, Question, Report, Reporter, Reveal

if TYPE_CHECKING:
    from tutor.engine.run import Progress, Run
    from tutor.engine.views import LineError, StepView, TensorView
    from tutor.session.resume import ResumePoint


@dataclass
class LessonSession:
    run: Run
    reporter: Reporter | None = None
    attempts: dict[int, Attempt] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)  # question steps shown: the score's "asked"

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
        """Run (or restore) the next step and report it reached; False when it cannot move."""
        moved = self.run.forward(progress)
        if moved:
            k = self.run.position
            if self.question(k) is not None:
                self.seen.add(k)
            title = pick(self.run.lesson.title, self.run.lang)
            self._report(Report("step", *self._ids(), k, total=self.total, title=title))
        return moved

    def go_to(
        self,
        target: int,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> bool:
        """Step forward to `target`, reporting each step on the way (they may repeat, so a
        worker calls this and may cancel); True when it got there."""
        while self.position < target and not (cancelled and cancelled()):
            if not self.forward(progress):
                break
        return self.position >= target

    def set_param(self, name: str, value: object, progress: Progress | None = None) -> int:
        """Turn a knob: the Run re-runs from the first step that reads it (returned, 0 if
        none). Questions from there on have new answers, so their attempts start afresh."""
        first = self.run.set_param(name, value, progress)
        if first:
            for k in [k for k in self.attempts if k >= first]:
                del self.attempts[k]
        shown = self.run.params.get(name, value)
        self._report(Report("knob", *self._ids(), self.position, given=str(shown), name=name))
        return first

    def score(self) -> tuple[int, int]:
        """(right, asked): questions answered right (not given up) of those shown so far."""
        right = sum(1 for k in self.seen if self.attempt(k).solved)
        return right, len(self.seen)

    def tally(self) -> Tally:
        """The lesson's questions by what became of each: the one count (tutor.progress)
        that the list, the resume prompt and the teacher's view also read from the events."""
        counts = {"right": 0, "wrong": 0, "gave_up": 0, "skipped": 0}
        for k in self.seen:
            attempt = self.attempt(k)
            if attempt.solved:
                counts["right"] += 1
            elif attempt.gave_up:
                counts["gave_up"] += 1
            elif attempt.tries:
                counts["wrong"] += 1
            elif k < self.position:
                counts["skipped"] += 1
        return Tally(**counts, questions=self.questions)

    def hints_left(self, k: int | None = None) -> int:
        """Hints of step k's question not yet shown (0 without a question)."""
        question = self.question(k)
        return len(question.hints) - self.attempt(k).hints_shown if question else 0

    def given_up(self) -> int:
        """How many questions shown so far were given up (or left unanswered)."""
        return sum(1 for k in self.seen if self.attempt(k).gave_up)

    @property
    def questions(self) -> int:
        """How many questions the lesson has."""
        return sum(
            1
            for s in self.run.lesson.steps
            if s.ask is not None or s.choose is not None or s.write is not None
        )

    def back(self) -> bool:
        """One step back; saved as where the learner is, so a resume comes back here."""
        moved = self.run.back()
        if moved and self.position:
            self._report(Report("step", *self._ids(), self.position, total=self.total))
        return moved

    def restart(self) -> None:
        self.run.restart()

    def view(self) -> StepView:
        return self.run.view()

    @property
    def at_end(self) -> bool:
        return self.run.position >= self.run.total

    # ---------------------------------------------------------------- resume

    def restore(self, point: ResumePoint) -> None:
        """Take back what was done with the questions before (tries, hints, solved, given
        up), by step id: the lesson may have changed since."""
        ids = [self.run.lesson.step_id(i) for i in range(self.total)]
        for step_id, saved in point.attempts.items():
            if step_id in ids:
                k = ids.index(step_id) + 1
                question = self.question(k)
                if question is not None:
                    restored = replace(saved, feedback="", correct=None)
                    if question.kind != "ask":  # the saved answer is no prediction
                        restored.first_given = None
                    self.attempts[k] = restored

    def restore_knobs(self, saved: Mapping[str, str]) -> None:
        """Turn the knobs back to their saved values (as the store wrote them), unreported:
        they were saved when turned. A knob the lesson no longer has, or a value it no longer
        takes, is left at the lesson's value."""
        for name, text in saved.items():
            spec = self.run.lesson.params.get(name)
            if spec is None:
                continue
            try:
                value = knob_value(spec.value, text)
                self.run.set_param(name, value)
            except (ValueError, TypeError):
                continue

    def resume(
        self,
        point: ResumePoint,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> bool:
        """Restore the saved attempts and go to the saved step; True when it got there. The
        steps on the way are computed (and may repeat): call it from a worker."""
        self.restore(point)
        self.restore_knobs(point.knobs)
        there = self.go_to(point.step, progress, cancelled)
        for k, attempt in self.attempts.items():
            if attempt.finished and k <= self.position and self.run.done(k):
                self._settle(k, attempt)
        return there

    # ---------------------------------------------------------------- questions

    def question(self, k: int | None = None) -> Question | None:
        k = self.run.position if k is None else k
        if k == 0:
            return None
        step = self.run.lesson.steps[k - 1]
        text = functools.partial(self.run.text, k)  # the language picked, `{{ … }}` filled
        hints = tuple(text(h) for h in step.hint_list())
        explain = text(step.explain)
        if step.ask is not None:
            predicts = self.run.file.code[k - 1].predicts
            return Question("ask", text(step.ask), (), hints, explain, None, predicts)
        if step.choose is not None:
            options = tuple(text(o) for o in step.choose.options)
            prompt = text(step.choose.question)
            return Question("choose", prompt, options, hints, explain, step.choose.answer)
        if step.write is not None:
            reference = "\n".join(s.strip("\n") for s in step.reference)
            return Question("write", text(step.prompt), (), hints, explain, reference=reference)
        return None

    def attempt(self, k: int | None = None) -> Attempt:
        k = self.run.position if k is None else k
        return self.attempts.setdefault(k, Attempt())

    def reply(self, text: str) -> Attempt:
        """A line typed to the current question, whichever kind: a number (or arithmetic) for
        an `ask`, an option's number from 1 for a `choose`. One that cannot be read counts as
        no try: `correct` is None and `feedback` says what to type."""
        question = self.question()
        if question is not None and question.kind == "write":
            return self.write(text)
        if question is not None and question.kind == "choose":
            try:
                number = int(text.strip())
            except ValueError:
                number = 0
            if not 1 <= number <= len(question.options):
                attempt = self.attempt()
                attempt.correct = None
                attempt.feedback = _("answer with a number from 1 to {n}").format(
                    n=len(question.options)
                )
                return attempt
            return self.choose(number - 1)
        return self.answer(text)

    def answer(self, text: str) -> Attempt:
        """Check a typed answer to the current `ask`; a wrong one reveals the next hint."""
        text = clean(text)  # echoed in the feedback, saved, shown to the teacher
        k = self.run.position
        attempt = self.attempt(k)
        check = self.run.check_answer(k, text)
        if check.given is None:
            attempt.correct = None
            attempt.feedback = _("{typed}: {why}; answer with a number").format(
                typed=text.strip(), why=check.message
            )
            return attempt
        attempt.tries += 1
        attempt.correct = check.correct
        if attempt.first_given is None:
            attempt.first_given = check.given
        hints = attempt.hints_shown
        if check.correct:
            attempt.solved = True
            attempt.expected = check.expected
            attempt.feedback = _("right: {typed}").format(typed=typed(text, check.given))
        else:
            side = _("too high") if check.given > check.expected else _("too low")
            attempt.feedback = _("not {typed}: {side}").format(
                typed=typed(text, check.given), side=side
            )
            self._wrong(k, attempt)
        self._report(
            Report("answer", *self._ids(), k, check.correct, text.strip(), attempt.tries, hints)
        )
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
        hints = attempt.hints_shown
        if correct:
            attempt.solved = True
            attempt.feedback = _("right: {answer}").format(answer=f"{index + 1}. {label}")
        else:
            attempt.feedback = _("not {answer}").format(answer=f"{index + 1}. {label}")
            self._wrong(k, attempt)
        self._report(Report("answer", *self._ids(), k, correct, str(index), attempt.tries, hints))
        return attempt

    def write(self, text: str) -> Attempt:
        """Check the learner's statements (one line, `;` between statements) for the current
        write step: run on a copy of the state before it, with their own random generator,
        and passed when every checked name matches the reference within the tolerance.

        A line that does not parse or that the safe subset refuses is no try: `correct` is
        None and `error` (a `LineError`: message, line, column) says where. A line that breaks
        when run, or leaves a checked value wrong, is a wrong try: `feedback` says which name
        differs and where (`W[0, 1] is 0.52; it should be 0.48`) and the next hint is revealed.
        Either way the lesson's values and random numbers are untouched; once solved (or given
        up) the step's values are the reference's and `attempt.reference` holds it."""
        text = clean(text)
        k = self.run.position
        attempt = self.attempt(k)
        if attempt.finished:
            return attempt
        line = text.strip()
        if line:
            attempt.lines.append(line)
        check = self.run.check_write(k, line)
        attempt.error = check.error
        if not check.ran:
            attempt.correct = None
            attempt.feedback = check.error.message if check.error else ""
            return attempt
        attempt.tries += 1
        attempt.correct = check.passed
        hints = attempt.hints_shown
        if check.passed:
            attempt.solved = True
            attempt.reference = self._reference(k)
            attempt.feedback = _("right: every value checked matches")
        else:
            attempt.feedback = check.error.message if check.error else check.message
            self._wrong(k, attempt)
        self._report(Report("write", *self._ids(), k, check.passed, line, attempt.tries, hints))
        return attempt

    def inspect(self, text: str) -> TensorView | LineError:
        """Evaluate one expression of the safe subset (`W.grad.norm()`, `A @ V`) on a copy of
        the current step's state, with its own random generator and under the budgets; the
        lesson is unchanged. A `TensorView` to draw with the lesson's renderers, or a
        `LineError` (message, line, column: `.caret()` draws it) when it cannot be
        evaluated. Nothing is recorded. Computes (within the step's time budget): a UI may
        call it from a worker, and `run.cancel()` stops it."""
        return self.run.inspect(text)

    def names(self) -> list[str]:
        """The names a line typed at the current step may use, sorted, for Tab completion:
        the state's values, the knobs, the tutor's functions and constants."""
        from tutor.engine.scratch import names_in_scope

        return names_in_scope(self.run, self.run.position)

    def completions(self, text: str) -> list[str]:
        """What may complete the last word of `text`: a tensor attribute after `name.`, else
        a name in scope (see `names`); each a whole word, to replace the last one with."""
        from tutor.engine.scratch import attributes

        word = re.search(r"(\.?)([A-Za-z_][A-Za-z0-9_]*)?$", text)
        dot, stem = (word.group(1), word.group(2) or "") if word else ("", "")
        pool = attributes() if dot else self.names()
        return [n for n in pool if n.startswith(stem)]

    def hint(self) -> Attempt:
        """Reveal the next hint. With none left it does nothing: giving up is the learner's
        own choice (`g`), never a side effect of asking for help (see `hints_left`)."""
        k = self.run.position
        attempt = self.attempt(k)
        question = self.question(k)
        if question is None or attempt.finished:
            return attempt
        if attempt.hints_shown < len(question.hints):
            attempt.hints_shown += 1
            self._report(Report("hint", *self._ids(), k, hints=attempt.hints_shown))
        return attempt

    def give_up(self) -> Attempt:
        """Show the answer of the current question (`g`, `h` after the last hint, or the end
        of input in `--plain`)."""
        k = self.run.position
        attempt = self.attempt(k)
        question = self.question(k)
        if question is None or attempt.finished:
            return attempt
        attempt.gave_up = True
        if question.kind == "ask":
            attempt.expected = self.run.outcome(k).answer
        if question.kind == "write":  # shown, and already run: the step's values are its own
            attempt.reference = question.reference
        self._report(
            Report("gave-up", *self._ids(), k, False, "", attempt.tries, attempt.hints_shown)
        )
        return attempt

    def reveals(self, j: int | None = None) -> list[Reveal]:
        """The predictions that step j (default: the current one) shows the real value of:
        each earlier `ask` the learner tried a number for, whose value step j computes."""
        j = self.run.position if j is None else j
        found = []
        for k, attempt in sorted(self.attempts.items()):
            if k >= j or attempt.first_given is None or reveal_step(self.run, k) != j:
                continue
            found.append(self.reveal(k))
        return [r for r in found if r is not None]

    def reveal(self, k: int) -> Reveal | None:
        """Step k's prediction against the value, once a number was tried; "close" by the
        one rule (tutor.lesson.tolerance) that checked the answer."""
        attempt = self.attempt(k)
        real = self.run.outcome(k).answer if self.run.done(k) else None
        if attempt.first_given is None or real is None:
            return None
        correct = close_enough(attempt.first_given, real, ask_tolerance(self.run, k))
        return Reveal(k, attempt.first_given, real, correct)

    def answer_text(self, k: int | None = None) -> str:
        """The right answer, as the learner would read it."""
        k = self.run.position if k is None else k
        question = self.question(k)
        if question is None:
            return ""
        if question.correct_option is not None:
            index = question.correct_option
            return f"{index + 1}. {question.options[index]}"
        if question.kind == "write":
            return question.reference
        expected = self.run.outcome(k).answer
        return f"{expected:.6g}" if expected is not None else ""

    # ---------------------------------------------------------------- reporting

    def _wrong(self, k: int, attempt: Attempt) -> None:
        question = self.question(k)
        if question and attempt.hints_shown < len(question.hints):
            attempt.hints_shown += 1

    def _settle(self, k: int, attempt: Attempt) -> None:
        """A restored, finished attempt gets the answer and verdict the Run now computes."""
        question = self.question(k)
        if question is None:
            return
        if question.kind == "ask":
            attempt.expected = self.run.outcome(k).answer
        if question.kind == "write":
            attempt.reference = question.reference
        if attempt.solved:
            attempt.correct = True
            if question.correct_option is not None:
                attempt.picked = question.correct_option
                attempt.feedback = _("right: {answer}").format(answer=self.answer_text(k))
            else:
                attempt.feedback = _("right: {answer}").format(answer=self.answer_text(k))

    def _reference(self, k: int) -> str:
        question = self.question(k)
        return question.reference if question is not None else ""

    def _ids(self) -> tuple[str, str]:
        k = max(self.run.position, 1)
        return self.run.lesson.id, self.run.lesson.step_id(k - 1)

    def _report(self, report: Report) -> None:
        if self.reporter is not None:
            self.reporter(report)


def typed(text: str, number: float) -> str:
    """The answer as the learner typed it, with its value when that is not plain to see:
    `3/4 = 0.75`, `0.75`."""
    line = text.strip()
    value = f"{number:.6g}"
    try:
        plain = float(line) == number
    except ValueError:
        plain = False
    return line if plain or not line else f"{line} = {value}"


def knob_value(default: object, text: str) -> object:
    """A knob's saved text as a value of its default's type (`0.1`, `3`, `True`, `tanh`)."""
    if isinstance(default, bool):
        return text == "True"
    if isinstance(default, int):
        return int(float(text))
    if isinstance(default, float):
        return float(text)
    return text
