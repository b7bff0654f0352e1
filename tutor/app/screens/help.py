"""`?`: every key, in one place, over whatever screen you were on."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tutor.app.looks import Looks
from tutor.i18n import N_, _

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        N_("In a lesson"),
        (
            ("→  n  space", N_("next step; while training: finish it now")),
            ("←  p", N_("step back: the earlier numbers, exactly")),
            ("home", N_("back to the start")),
            ("e", N_("show or hide the statements")),
            ("s  esc", N_("stop a training run where it is")),
            (
                "↑ ↓  pgup pgdn end",
                N_("scroll the lesson (↑12 ↓27 in the bar below: lines above and below)"),
            ),
            (":", N_("inspect: evaluate any expression on this step's values")),
            ("q", N_("back to the list of lessons")),
        ),
    ),
    (
        N_("Questions"),
        (
            ("0-9  -  .", N_("start typing an answer")),
            ("⏎", N_("open the line (a number, or a write step's statements); check it")),
            ("tab  ↑ ↓", N_("in a code line: complete a name; earlier lines")),
            ("esc", N_("leave the line")),
            ("1-9", N_("pick an option")),
            ("h", N_("the next hint (when none is left, it says so: g gives up)")),
            ("g", N_("give up: show the answer")),
        ),
    ),
    (
        N_("Knobs"),
        (
            ("k", N_("open or close the knobs")),
            ("↑ ↓", N_("pick a knob")),
            ("+  −", N_("change it by its step, or to the next option")),
            ("⏎  0-9", N_("type a value")),
            ("esc", N_("close the knobs")),
        ),
    ),
    (
        N_("Lesson list"),
        (
            ("↑ ↓", N_("move")),
            ("⏎", N_("open the lesson")),
            ("/", N_("filter: keep the lessons with these words")),
            ("c", N_("one line per lesson, or each with its summary")),
            ("q", N_("quit")),
        ),
    ),
    (N_("Anywhere"), (("?", N_("this help")), ("ctrl+q", N_("quit")))),
)


def keys_table(looks: Looks, first: str = "lesson") -> Table:
    """Every key by section; on the list (`first="list"`) the list's keys come first."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style=f"bold {looks.primary}")
    table.add_column()
    sections = list(KEYS)
    if first == "list":
        sections.sort(key=lambda section: section[0] != "Lesson list")
    for i, (section, rows) in enumerate(sections):
        if i:
            table.add_row("", "")
        table.add_row(Text(_(section), style=f"bold {looks.accent}"), "")
        for key, what in rows:
            table.add_row(key, _(what))
    return table


class HelpScreen(ModalScreen[None]):
    """The keys, over a dimmed screen; any of esc, q, ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", N_("close"), key_display="esc"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        background: $background 70%;
    }
    HelpScreen > VerticalScroll {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        padding: 0 2;
        scrollbar-size-vertical: 1;
        border: round $primary 60%;
        border-title-color: $primary;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        background: $surface;
    }
    """

    def __init__(self, first: str = "lesson") -> None:
        super().__init__()
        self.first = first

    def compose(self) -> ComposeResult:
        box = VerticalScroll()
        box.border_title = _("keys")
        box.border_subtitle = _("esc to close")
        with box:
            yield Static(keys_table(Looks.of(self.app), self.first))
