"""A step's question as the learner left it: the prompt, the options, the verdict on the last
try, the hints shown so far, the answer and the explanation once it is settled, and the keys.

Each piece is a renderable of its own, so a front-end can lay the options out as things to
click; `Barred` draws them behind one bar, so they read as one question on the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text

from tutor.engine.views import LineError
from tutor.i18n import _
from tutor.render.prose import Prose, inline_markdown

if TYPE_CHECKING:
    from tutor.session.questions import Attempt, Question, Reveal

BAR = "▌ "


class Barred:
    """`renderable` behind a bar on the left (a question's colour, or a verdict's)."""

    def __init__(self, renderable: RenderableType, style: str | Style = "bold yellow") -> None:
        self.renderable, self.style = renderable, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width - len(BAR))
        lines = console.render_lines(self.renderable, options.update_width(width), pad=False)
        bar = Segment(BAR, console.get_style(self.style))
        for line in lines:
            yield bar
            yield from line
            yield Segment.line()


def heading(question: Question) -> str:
    """What kind of question it is, above its prompt."""
    if question.kind == "choose":
        return _("choose one")
    if question.kind == "write":
        return _("write it")
    return _("predict") if question.predicts else _("question")


def code(statements: str) -> Syntax:
    """Statements as the lesson's code is drawn: Python, highlighted."""
    return Syntax(statements.strip("\n"), "python", theme="ansi_dark", background_color="default")


def line_error(error: LineError) -> RenderableType:
    """A line the learner typed that broke: the line, a caret under the column, the message."""
    caret = " " * (max(error.col, 1) - 1) + "^"
    return Group(Text(error.line, style="bold"), Text(caret, style="bold red"), Text(error.message))


def prompt(question: Question) -> Text:
    """`question · What will the loss be?`."""
    return Text.assemble(
        (f"{heading(question)}  ", "bold yellow"), inline_markdown(question.prompt)
    )


def option(question: Question, attempt: Attempt, index: int) -> Text:
    """One option: its number, its text, ✓ on the right one once known, ✗ on a wrong pick."""
    right = question.correct_option if attempt.finished else None
    wrong = attempt.picked if attempt.picked is not None and not attempt.correct else None
    if index == right:
        mark = ("✓ ", "bold green")
    elif index == wrong:
        mark = ("✗ ", "bold red")
    else:
        mark = ("  ", "")
    return Text.assemble(
        mark, (f"{index + 1}  ", "bold #e0af68"), inline_markdown(question.options[index])
    )


def reveal_line(reveal: Reveal, *, at: bool = True) -> Text:
    """`✓ your prediction at step 2: you said 0.25; the real value is 0.25 (off by 0)`."""
    mark = ("✓ ", "bold green") if reveal.correct else ("◆ ", "bold yellow")
    where = (
        _("your prediction at step {k}: ").format(k=reveal.step) if at else _("your prediction: ")
    )
    said = _("you said {given}; the real value is {real} (off by {off})").format(
        given=f"{reveal.given:.6g}", real=f"{reveal.real:.6g}", off=f"{reveal.off:.4g}"
    )
    return Text.assemble(mark, (where, "bold"), said)


def feedback(attempt: Attempt) -> Text | None:
    """The verdict on the last try."""
    if not attempt.feedback:
        return None
    if attempt.correct:
        return Text.assemble(("✓ ", "bold green"), (attempt.feedback, "green"))
    if attempt.correct is False:
        tail = ("  " + _("try again"), "dim") if not attempt.finished else ("", "")
        return Text.assemble(("✗ ", "bold red"), attempt.feedback, tail)
    return Text.assemble(("? ", "bold yellow"), attempt.feedback)


def verdict(attempt: Attempt) -> RenderableType | None:
    """The verdict on the last try; a line that broke is drawn with its caret."""
    if attempt.error is not None and not attempt.finished:
        mark = "✗ " if attempt.correct is False else "? "
        return Group(Text(mark + _("your line:"), style="bold red"), line_error(attempt.error))
    return feedback(attempt)


def hints(question: Question, attempt: Attempt) -> list[Text]:
    return [
        Text.assemble(
            (_("hint {i}/{n}").format(i=i, n=len(question.hints)) + "  ", "bold yellow"),
            inline_markdown(hint),
        )
        for i, hint in enumerate(question.hints[: attempt.hints_shown], start=1)
    ]


def explanation(
    question: Question, attempt: Attempt, answer: str, reveal: Reveal | None
) -> list[RenderableType]:
    """Once settled: the prediction against the value, the answer (given up), the why."""
    if not attempt.finished:
        return []
    parts: list[RenderableType] = []
    if reveal is not None and (attempt.gave_up or attempt.tries > 1):
        parts.append(reveal_line(reveal, at=False))  # the first guess, now it is settled
    if question.kind == "write":
        reference = attempt.reference or question.reference
        said = _("the reference:") if attempt.gave_up else _("the reference was:")
        parts += [Text(said, "dim")]
        parts.append(code(reference))
    elif attempt.gave_up:
        parts.append(Text.assemble((_("the answer: "), "dim"), (answer, "bold")))
    if question.explain:
        parts.append(Prose(question.explain))
    return parts


def keys_line(question: Question, attempt: Attempt) -> Text:
    """What the learner can do now."""
    if attempt.finished:
        return Text(_("→ next step"), style="dim")
    if question.kind == "ask":
        how = _("type a number, ⏎ to check")
    elif question.kind == "write":
        how = _("⏎ to write the line (Tab completes a name, ↑ an earlier try)")
    else:
        how = _("press 1–{n} or click an option").format(n=len(question.options))
    left = len(question.hints) - attempt.hints_shown
    if left:
        hint = _("h for a hint ({n} left) · g for the answer").format(n=left)
    else:
        hint = _("no hint left · g for the answer")
    if question.predicts and not attempt.tries:
        how = _("predict: {how}; step {k} computes it").format(how=how, k=question.predicts)
    return Text(how + " · " + hint + " · " + _("→ to skip"), style="dim")


def notes(
    question: Question,
    attempt: Attempt,
    answer: str,
    reveal: Reveal | None,
    *,
    current: bool = True,
) -> RenderableType:
    """Everything under the prompt and options: verdict, hints, explanation, and the keys
    (on the current step; an earlier question left open says so instead)."""
    if current:
        last: RenderableType = keys_line(question, attempt)
    else:
        last = Text("" if attempt.finished else _("not answered"), style="dim")
    parts: Iterable[RenderableType | None] = (
        verdict(attempt),
        *hints(question, attempt),
        *explanation(question, attempt, answer, reveal),
        last,
    )
    return Group(*(part for part in parts if part is not None))


def inspected(expression: str, result: RenderableType | LineError) -> RenderableType:
    """`: W.grad.norm()` and what it is, under the current step (the inspect line)."""
    head = Text.assemble((": ", "bold cyan"), (expression, "bold"))
    if isinstance(result, LineError):
        return Barred(Group(head, line_error(result)), "red")
    return Barred(Group(head, result), "cyan")
