"""The plain-text front-end: `tutor run --plain` and `tutor check`.

The same renderers as the app draw every step onto a rich Console, which leaves out colour
codes when standard output is not a terminal and honours NO_COLOR. Answers are read one per
line from standard input, so a lesson can be taken through a pipe, a screen reader or CI.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from tutor.engine.check import check_lesson
from tutor.engine.errors import LessonRuntimeError
from tutor.engine.params import parse_assignment
from tutor.engine.run import Run
from tutor.i18n import _, ngettext, use_language
from tutor.lesson import LessonError, learner_language, load_lesson
from tutor.lesson.clean import clean_line
from tutor.progress import LearnerProgress, LessonProgress, Tally, tally
from tutor.render import StepPanel, render_view
from tutor.render.prose import Prose, inline_markdown
from tutor.session import LessonSession, Recorder

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def make_console(file: TextIO | None = None) -> Console:
    return Console(file=TrimmedLines(file or sys.stdout), highlight=False, soft_wrap=False)


class TrimmedLines(io.TextIOBase):
    """Writes to `out` without the spaces rich pads lines with: a transcript that is diffed,
    read aloud or pasted into a handout has no trailing blanks. Colour codes are kept."""

    PAD = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$")

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.pending = ""

    def write(self, text: str) -> int:
        lines = (self.pending + text).split("\n")
        self.pending = lines.pop()
        if lines:
            self.out.write("".join(self.PAD.sub(r"\1", line) + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.out.write(self.pending)
            self.pending = ""
        self.out.flush()

    def isatty(self) -> bool:  # rich decides on colour from this
        return self.out.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.out, "encoding", None) or "utf-8"


def print_check(
    files: Sequence[Path],
    *,
    device: str | None,
    lang: str | None,
    console: Console | None = None,
    sets: Sequence[str] = (),
    update: bool = False,
    strict: bool = False,
) -> int:
    """Check every lesson and print every problem of each, located: mismatches with the
    table of what differs, warnings (NaN, inf, likely mistakes) that fail only with `strict`,
    and with `update` the computed values written into the failing `expect`s."""
    from tutor.lesson.folder import folder_problems
    from tutor.lesson.update import update_expects

    console = console or make_console()
    failed = 0
    total = 0.0
    params = dict(parse_assignment(s) for s in sets)
    between, advice = folder_problems(files)
    for path in files:
        result = check_lesson(path, device=device, lang=learner_language(lang), params=params)
        if lang:
            _print_missing(console, path, result.path, lang)
        total += result.seconds
        problems = [*(str(p) for p in between.get(path, [])), *(f.text for f in result.problems)]
        warnings = [*(str(p) for p in advice.get(path, [])), *(w.text for w in result.warnings)]
        warned = strict and bool(warnings)
        if problems or warned or not result.ok:
            failed += 1
        if not problems and result.ok:
            console.print(
                Text.assemble(
                    ("✓ " if not warned else "✗ ", "green" if not warned else "red"),
                    (clean_line(result.path), "bold"),
                    "  " + ngettext("{n} step", "{n} steps", result.steps).format(n=result.steps),
                    _(", {seconds} s").format(seconds=f"{result.seconds:.2f}"),
                    _(" on {device}").format(device=result.device) if result.device else "",
                    ngettext(
                        ", {n} warning (--strict)", ", {n} warnings (--strict)", len(warnings)
                    ).format(n=len(warnings))
                    if warned
                    else "",
                )
            )
        else:  # every problem on its own line, `✗ FILE:LINE:COL: ...`, a mismatch's table under it
            tables = {f.text: f.table for f in result.problems}
            for text in problems:
                console.print(Text.assemble(("✗ ", "red"), text), soft_wrap=True)
                for row in tables.get(text, ()):
                    console.print(Text(f"    {row}"), soft_wrap=True)
        for warning in warnings:
            style = "red" if strict else "yellow"
            console.print(Text.assemble(("  ! ", style), warning), soft_wrap=True)
        for line in result.not_run:
            console.print(
                Text(_("  – not run: {line}").format(line=line), style="dim"), soft_wrap=True
            )
        for skipped in result.skipped:
            note = _("  – skipped: {what}").format(what=skipped)
            console.print(Text(note, style="dim"), soft_wrap=True)
        if update and result.computed:
            for change in update_expects(path, result.computed):
                console.print(Text(f"  ✎ {change}", style="cyan"), soft_wrap=True)
    passed = len(files) - failed
    console.print(
        ngettext(
            "{passed} of {n} lesson passes ({seconds} s)",
            "{passed} of {n} lessons pass ({seconds} s)",
            len(files),
        ).format(passed=passed, n=len(files), seconds=f"{total:.2f}"),
        style="green" if not failed else "red",
    )
    if update and failed:
        again = _("updated: run tutor check again to see what still fails")
        console.print(Text(again, style="dim"))
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
    recorder: Recorder | None = None,
) -> int:
    """Print every step of the lesson at `path`; ask its questions on standard input.

    The questions are the session's (tries, hints one at a time, give-up, score), as in the
    app; with a `recorder`, every step reached and every answer is saved as it happens.
    """
    console = console or make_console()
    stdin = stdin or sys.stdin
    language = use_language(lang)  # the program's own words too, not only the lesson's
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
    details = [
        ngettext("{n} step", "{n} steps", run.total).format(n=run.total),
        _("device {device}").format(device=run.device),
    ]
    details += [f"{k} = {v}" for k, v in run.params.items()]
    console.print(Text(" · ".join(details), style="dim"))
    session = LessonSession(run, recorder.save if recorder is not None else None)
    while session.forward():
        console.print()
        question = session.question()
        writes = question is not None and question.kind == "write" and not run.blocked
        view = run.view()
        # a write step's values are the reference's: drawn once it is passed or given up
        console.print(StepPanel(replace(view, views=(), expects=()) if writes else view))
        if not run.blocked:
            _ask(console, stdin, session)
        if writes:
            for shown in view.views:
                console.print(render_view(shown))
    if recorder is not None and recorder.problem:
        print(f"tutor: {recorder.problem}", file=sys.stderr)
    if run.blocked:
        return EXIT_FAIL
    console.print()
    summary = ngettext("Done: {n} step.", "Done: {n} steps.", run.total).format(n=run.total)
    right, asked = session.score()
    if asked:
        unanswered = session.given_up()
        summary += " " + (
            _("Questions: {right} of {asked} right, {n} unanswered.")
            if unanswered
            else _("Questions: {right} of {asked} right.")
        ).format(right=right, asked=asked, n=unanswered)
    console.print(Text(summary, style="bold"))
    return EXIT_OK


def _ask(console: Console, stdin: TextIO, session: LessonSession) -> None:
    """Ask the current step's question, if any, reading answers one per line until it is
    right; the end of input gives it up. What counts, and which hint comes, is the session's."""
    question = session.question()
    if question is None:
        return
    prompt = question.prompt
    if question.kind == "write":
        prompt += "\n" + _("(write it on one line; ';' between statements)")
    if question.kind == "choose":
        prompt += "\n" + "\n".join(f"  {n}. {o}" for n, o in enumerate(question.options, start=1))
    console.print(Text.assemble(("? ", "bold cyan"), inline_markdown(prompt)))
    while not session.attempt().finished:
        line = stdin.readline()
        if not line:
            session.give_up()
            if question.kind == "write":
                note = _("(no answer: the reference is run, unanswered)")
                console.print(Text(note, style="yellow"))
                _reference(console, question.reference)
            else:
                note = _("(no answer: the question is skipped, unanswered)")
                console.print(Text(note, style="yellow"))
            return
        text = line.strip()
        hints_before = session.attempt().hints_shown
        attempt = session.reply(text)
        if text not in attempt.feedback and not stdin.isatty():
            # a piped answer is shown once: here, or in the feedback that names it; a terminal
            # has already echoed what was typed
            console.print(Text(f"> {text}", style="dim"))
        if attempt.error is not None:  # a line written that did not parse, or broke
            console.print(Text(attempt.error.caret(), style="red"))
        if attempt.correct is None:  # unreadable: say what to type, and ask again
            console.print(Text(f"✗ {attempt.feedback}", style="red"))
        elif attempt.correct:
            console.print(Text(f"✓ {attempt.feedback}", style="green"))
            if question.explain:
                console.print(Prose(question.explain))
        else:
            console.print(Text(f"✗ {attempt.feedback}", style="red"))
            if attempt.hints_shown > hints_before:
                hint = inline_markdown(question.hints[attempt.hints_shown - 1])
                console.print(Text.assemble((_("hint: "), "bold yellow"), hint))
            else:
                console.print(Text(_("Try again."), style="yellow"))


def _reference(console: Console, reference: str) -> None:
    console.print(Text(_("reference:"), style="bold"))
    for line in reference.splitlines():
        console.print(Text(f"  {line}", style="green"))


def print_progress(learner: LearnerProgress, console: Console | None = None) -> int:
    """`tutor progress`: one row per lesson touched, most recent first, its questions counted
    as the list, the lesson's bar and the teacher's view count them (tutor.progress.Tally)."""
    from datetime import datetime

    from rich.table import Table

    console = console or make_console()
    lessons = learner.lessons()
    if not lessons:
        console.print(
            _("No progress yet for {name} (kept in {path}).").format(
                name=learner.name, path=learner.store.path
            )
        )
        return EXIT_OK
    table = Table(title=_("Progress of {name}").format(name=learner.name), title_justify="left")
    columns = (
        (_("lesson"), "left"),
        (_("step"), "right"),
        (_("furthest"), "right"),
        (_("questions"), "left"),
        (_("done"), "center"),
        (_("last"), "left"),
    )
    for label, justify in columns:
        table.add_column(label, justify=justify)  # type: ignore[arg-type]
    for p in lessons:
        table.add_row(
            p.title or p.lesson_id,
            f"{p.last_index}/{p.total_steps}",
            f"{p.furthest_index}/{p.total_steps}",
            progress_tally(learner, p).text(),
            "✓" if p.completed else "",
            datetime.fromtimestamp(p.updated_at).strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)
    console.print(Text(_("kept in {path}").format(path=learner.store.path), style="dim"))
    return EXIT_OK


def progress_tally(learner: LearnerProgress, saved: LessonProgress) -> Tally:
    """The lesson's questions by what became of each: read against the bundled lesson when it
    is one (so a question passed without a try counts as skipped), else from the events."""
    from tutor.lesson.bundled import find_lesson
    from tutor.session import lesson_tally

    events = learner.events(saved.lesson_id)
    path = find_lesson(saved.lesson_id) if saved.lesson_id else None
    try:
        file = load_lesson(path) if path is not None else None
    except LessonError:
        file = None
    if file is None or file.lesson.id != saved.lesson_id:
        return tally(events)
    ids = [file.lesson.step_id(i) for i in range(len(file.lesson.steps))]
    return lesson_tally(file, events, passed=ids[: max(0, saved.last_index - 1)])
