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

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "In a lesson",
        (
            ("→  n  space", "next step; while training: finish it now"),
            ("←  p", "step back: the earlier numbers, exactly"),
            ("home", "back to the start"),
            ("e", "show or hide the statements"),
            ("s  esc", "stop a training run where it is"),
            ("↑ ↓  pgup pgdn end", "scroll the lesson"),
            (":", "inspect: evaluate any expression on this step's values"),
            ("q", "back to the list of lessons"),
        ),
    ),
    (
        "Questions",
        (
            ("0-9  -  .", "start typing an answer"),
            ("⏎", "open the line (a number, or a write step's statements); check it"),
            ("tab  ↑ ↓", "in a code line: complete a name; earlier lines"),
            ("esc", "leave the line"),
            ("1-9", "pick an option"),
            ("h", "a hint; after the last, the answer"),
            ("g", "give up: show the answer"),
        ),
    ),
    (
        "Knobs",
        (
            ("k", "open or close the knobs"),
            ("↑ ↓", "pick a knob"),
            ("+  −", "change it by its step, or to the next option"),
            ("⏎  0-9", "type a value"),
            ("esc", "close the knobs"),
        ),
    ),
    (
        "Lesson list",
        (
            ("↑ ↓", "move"),
            ("⏎", "open the lesson"),
            ("q", "quit"),
        ),
    ),
    ("Anywhere", (("?", "this help"), ("ctrl+q", "quit"))),
)


def keys_table(looks: Looks) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style=f"bold {looks.primary}")
    table.add_column()
    for i, (section, rows) in enumerate(KEYS):
        if i:
            table.add_row("", "")
        table.add_row(Text(section, style=f"bold {looks.accent}"), "")
        for key, what in rows:
            table.add_row(key, what)
    return table


class HelpScreen(ModalScreen[None]):
    """The keys, over a dimmed screen; any of esc, q, ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "close", key_display="esc"),
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

    def compose(self) -> ComposeResult:
        box = VerticalScroll()
        box.border_title = "keys"
        box.border_subtitle = "esc to close"
        with box:
            yield Static(keys_table(Looks.of(self.app)))
