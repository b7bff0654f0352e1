"""The plain-text front-end: `tutor run --plain` and `tutor check`.

The same renderers as the app draw every step onto a rich Console, which leaves out colour
codes when standard output is not a terminal and honours NO_COLOR. Answers are read one per
line from standard input, so a lesson can be taken through a pipe, a screen reader or CI.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from tutor.engine.check import check_lesson
from tutor.engine.errors import LessonRuntimeError
from tutor.engine.params import parse_assignment
from tutor.engine.run import Run
from tutor.lesson import LessonError, Step, learner_language, load_lesson, pick
from tutor.progress import LearnerProgress
from tutor.render import StepPanel
from tutor.render.prose import Prose, inline_markdown

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def make_console(file: TextIO | None = None) -> Console:
    return Console(file=file, highlight=False, soft_wrap=False)


def print_check(
    files: Sequence[Path], *, device: str | None, lang: str | None, console: Console | None = None
) -> int:
    console = console or make_console()
    failed = 0
    total = 0.0
    for path in files:
        result = check_lesson(path, device=device, lang=learner_language(lang))
        if lang:
            _print_missing(console, path, result.path, lang)
        total += result.seconds
        if result.ok:
            console.print(
                Text.assemble(
                    ("✓ ", "green"),
                    (result.path, "bold"),
                    f"  {result.steps} steps, {result.seconds:.2f} s",
                    f" on {result.device}" if result.device else "",
                )
            )
        else:
            failed += 1
            console.print(Text.assemble(("✗ ", "red"), result.problem), soft_wrap=True)
    passed = len(files) - failed
    console.print(
        f"{passed} of {len(files)} lessons pass ({total:.2f} s)",
        style="green" if not failed else "red",
    )
    return EXIT_FAIL if failed else EXIT_OK


def _print_missing(console: Console, path: Path, display: str, lang: str) -> None:
    """`check --lang zh`: every text still without that language, before the lesson's line."""
    from tutor.lesson.translations import missing_translations

    try:
        lesson = load_lesson(path, display)
    except LessonError:
        return  # the lesson's own line says why
    for problem in missing_translations(lesson, learner_language(lang)):
        console.print(Text.assemble(("  ! ", "yellow"), str(problem)), soft_wrap=True)


def run_plain(
    path: Path,
    *,
    device: str | None,
    lang: str | None,
    sets: Sequence[str],
    stdin: TextIO | None = None,
    console: Console | None = None,
    learner: LearnerProgress | None = None,
) -> int:
    """Print every step of the lesson at `path`; ask its questions on standard input.

    With a `learner`, every step reached and every answer is saved as it happens.
    """
    console = console or make_console()
    stdin = stdin or sys.stdin
    language = learner_language(lang)
    try:
        lesson = load_lesson(path)
        overrides = dict(parse_assignment(s) for s in sets)
        run = Run(lesson, device=device, params=overrides, lang=language)
    except LessonError as e:
        console.print(Text(str(e), style="red"))
        return EXIT_FAIL
    except LessonRuntimeError as e:
        console.print(Text(f"tutor: {e.message}", style="red"))
        return EXIT_USAGE
    intro = run.view(0)
    console.print(Rule(Text(intro.title, style="bold")))
    if intro.text:
        console.print(Prose(intro.text))
    details = [f"{run.total} steps", f"device {run.device}"]
    details += [f"{k} = {v}" for k, v in run.params.items()]
    console.print(Text(" · ".join(details), style="dim"))
    model = lesson.lesson
    asker = _Asker(console, stdin, language, learner, model.id)
    while run.forward():
        k = run.position
        console.print()
        console.print(StepPanel(run.view()))
        if learner is not None:
            learner.reached(
                model.id, model.step_id(k - 1), k, run.total, pick(model.title, language)
            )
        if not run.blocked:
            asker.ask(run, k, model.steps[k - 1], model.step_id(k - 1))
    if run.blocked:
        return EXIT_FAIL
    if learner is not None:
        learner.completed(model.id, model.step_id(run.total - 1))
    console.print()
    summary = f"Done: {run.total} steps."
    if asker.asked:
        summary += f" Questions: {asker.right} of {asker.asked} right"
        summary += f", {asker.unanswered} unanswered." if asker.unanswered else "."
    console.print(Text(summary, style="bold"))
    return EXIT_OK


class _Asker:
    """Asks a step's question on the console and reads answers, one per line."""

    def __init__(
        self,
        console: Console,
        stdin: TextIO,
        lang: str,
        learner: LearnerProgress | None,
        lesson_id: str,
    ) -> None:
        self.console, self.stdin, self.lang = console, stdin, lang
        self.learner, self.lesson_id = learner, lesson_id
        self.asked = self.right = self.unanswered = 0

    def ask(self, run: Run, k: int, step: Step, step_id: str) -> None:
        if step.ask is not None:
            prompt = pick(step.ask, self.lang)
            self._question(prompt, step, step_id, lambda text: self._numeric(run, k, text))
        elif step.choose is not None:
            options = [pick(o, self.lang) for o in step.choose.options]
            prompt = (
                pick(step.choose.question, self.lang)
                + "\n"
                + "\n".join(f"  {n}. {o}" for n, o in enumerate(options, start=1))
            )
            self._question(prompt, step, step_id, lambda text: self._choice(run, k, text, options))

    def _question(
        self, prompt: str, step: Step, step_id: str, judge: Callable[[str], bool | None]
    ) -> None:
        self.asked += 1
        hints = [pick(h, self.lang) for h in step.hint_list()]
        used = attempt = 0
        self.console.print(Text.assemble(("? ", "bold cyan"), inline_markdown(prompt)))
        while True:
            line = self.stdin.readline()
            if not line:
                self.unanswered += 1
                self.console.print(
                    Text("(no answer: the question is skipped, unanswered)", style="yellow")
                )
                if self.learner is not None:
                    self.learner.gave_up(self.lesson_id, step_id, attempt=attempt, hints_used=used)
                return
            text = line.strip()
            self.console.print(Text(f"> {text}", style="dim"))
            verdict = judge(text)
            if verdict is None:  # unreadable: already explained, ask again
                continue
            attempt += 1
            if self.learner is not None:
                self.learner.answered(
                    self.lesson_id, step_id, text, verdict, attempt=attempt, hints_used=used
                )
            if verdict:
                self.right += 1
                if step.explain is not None:
                    self.console.print(Prose(pick(step.explain, self.lang)))
                return
            if hints:
                used += 1
                hint = inline_markdown(hints.pop(0))
                self.console.print(Text.assemble(("hint: ", "bold yellow"), hint))
            else:
                self.console.print(Text("Try again.", style="yellow"))

    def _numeric(self, run: Run, k: int, text: str) -> bool | None:
        check = run.check_answer(k, text)
        if check.given is None:
            self.console.print(Text(f"✗ {check.message}; answer with a number", style="red"))
            return None
        if check.correct:
            self.console.print(Text(f"✓ right: {check.expected:.6g}", style="green"))
            return True
        self.console.print(Text(f"✗ not {check.given:.6g}", style="red"))
        return False

    def _choice(self, run: Run, k: int, text: str, options: list[str]) -> bool | None:
        try:
            number = int(text)
        except ValueError:
            number = 0
        if not 1 <= number <= len(options):
            self.console.print(
                Text(f"✗ answer with a number from 1 to {len(options)}", style="red")
            )
            return None
        if run.check_choice(k, number - 1):
            self.console.print(Text(f"✓ right: {options[number - 1]}", style="green"))
            return True
        self.console.print(Text(f"✗ not {number}", style="red"))
        return False


def print_progress(learner: LearnerProgress, console: Console | None = None) -> int:
    """`tutor progress`: one row per lesson touched, most recent first."""
    from datetime import datetime

    from rich.table import Table

    console = console or make_console()
    lessons = learner.lessons()
    if not lessons:
        console.print(f"No progress yet for {learner.name} (kept in {learner.store.path}).")
        return EXIT_OK
    table = Table(title=f"Progress of {learner.name}", title_justify="left")
    for column in ("lesson", "step", "furthest", "right", "wrong", "knobs", "done", "last"):
        table.add_column(column, justify="right" if column not in ("lesson", "last") else "left")
    for p in lessons:
        table.add_row(
            p.title or p.lesson_id,
            f"{p.last_index}/{p.total_steps}",
            f"{p.furthest_index}/{p.total_steps}",
            str(p.right),
            str(p.wrong),
            str(p.knobs),
            "✓" if p.completed else "",
            datetime.fromtimestamp(p.updated_at).strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)
    console.print(Text(f"kept in {learner.store.path}", style="dim"))
    return EXIT_OK
