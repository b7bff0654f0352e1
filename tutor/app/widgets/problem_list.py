"""The author's list of every problem in the lesson (`tutor watch`), at the top of the screen:
one line each, `✗ step 3 · 12:5  message`; a click (or ⏎ on it) goes to that step, so an
error in a later step is seen, and reached, without stepping through the lesson to find it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tutor.app.problems import Located
from tutor.i18n import _, ngettext
from tutor.lesson.clean import clean_line


def entry_text(problem: Located) -> Text:
    """`✗ step 3 · 12:5  expected 7, got 6` (a warning has ⚠; the head of the lesson, its
    tensors and knobs, is "top")."""
    mark = ("⚠ ", "bold yellow") if problem.warning else ("✗ ", "bold red")
    if problem.step is None:
        where = ""
    elif problem.step == 0:
        where = _("top") + " · "
    else:
        where = _("step {k}").format(k=problem.step) + " · "
    first = clean_line(problem.message.splitlines()[0] if problem.message else "", 300)
    return Text.assemble(
        mark, (where, "bold"), (f"{problem.line}:{problem.col}", "dim"), "  ", first
    )


class ProblemList(OptionList):
    """Every problem found in the lesson, in the file's order; hidden when there is none."""

    DEFAULT_CSS = """
    ProblemList {
        height: auto;
        max-height: 9;
        margin: 1 1 0 1;
        border: round $error;
        border-title-color: $error;
        border-title-style: bold;
        background: $error 8%;
    }
    ProblemList.-warnings { border: round $warning; border-title-color: $warning; }
    """

    class Jump(Message):
        """Go to `step` (0: the top of the lesson), the step of the entry chosen."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.problems: list[Located] = []
        self.display = False

    def show(self, problems: Sequence[Located]) -> None:
        """Replace the entries; the title counts them and says how to go to one."""
        self.problems = list(problems)
        self.clear_options()
        self.add_options([Option(entry_text(p)) for p in self.problems])
        errors = sum(not p.warning for p in self.problems)
        warnings = len(self.problems) - errors
        counts = []
        if errors:
            counts.append(ngettext("{n} problem", "{n} problems", errors).format(n=errors))
        if warnings:
            counts.append(ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings))
        how = _("j or a click goes to its step")
        self.border_title = _("in the whole lesson: {counts} · {how}").format(
            counts=", ".join(counts), how=how
        )
        self.set_class(not errors, "-warnings")
        self.display = bool(self.problems)

    def next_after(self, position: int) -> int | None:
        """The index of the first entry in a step after `position`, else the first entry (the
        list goes round); None when it is empty."""
        if not self.problems:
            return None
        for i, problem in enumerate(self.problems):
            if problem.step is not None and problem.step > position:
                return i
        return 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        step = self.problems[event.option_index].step
        self.post_message(self.Jump(step or 0))
