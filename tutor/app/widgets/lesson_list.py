"""The list of lessons: title, summary, number of steps, prerequisites; broken files with their
error, in red, so an author sees at once what to fix."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from tutor.app.catalog import CatalogEntry


def entry_prompt(entry: CatalogEntry, lang: str) -> RenderableType:
    """What one row of the list shows (two or three lines)."""
    head = Table.grid(expand=True, padding=(0, 1))
    head.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    head.add_column(justify="right", no_wrap=True)
    if entry.error is not None or entry.lesson is None:
        head.add_row(Text.assemble(("✗ ", "bold red"), (entry.path.name, "bold")), "")
        message = str(entry.error) if entry.error else "could not be loaded"
        first = message.splitlines()[0]
        more = len(message.splitlines()) - 1
        lines = [head, Text(first, style="red")]
        if more:
            lines.append(Text(f"and {more} more problem{'s' if more > 1 else ''}", style="dim"))
        return Group(*lines)
    steps = f"{entry.steps} step{'s' if entry.steps != 1 else ''}"
    head.add_row(Text(entry.title(lang), style="bold"), Text(steps, style="dim"))
    lines: list[RenderableType] = [head]
    summary = entry.summary(lang)
    if summary:
        lines.append(Text(summary, style="#9a9eb0"))
    if entry.requires:
        lines.append(
            Text.assemble(("after ", "dim italic"), (", ".join(entry.requires), "italic #89b4c8"))
        )
    return Group(*lines)


class LessonList(OptionList):
    """An OptionList of `CatalogEntry`s; Enter or a click posts `LessonList.Chosen`."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "open", key_display="⏎")]

    DEFAULT_CSS = """
    LessonList {
        height: 1fr;
        border: none;
        padding: 1 1 0 1;
        background: $background;
        scrollbar-size-vertical: 1;
    }
    LessonList:focus {
        border: none;
        background-tint: transparent;
    }
    LessonList > .option-list--option {
        padding: 0 1;
        margin: 0 0 1 0;
    }
    """

    class Chosen(Message):
        """The learner picked a lesson to open."""

        def __init__(self, entry: CatalogEntry) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[CatalogEntry] = []

    def add_entry(self, entry: CatalogEntry) -> None:
        if self.entries:
            self.add_option(None)  # a quiet rule between two lessons
        self.entries.append(entry)
        lang: str = self.app.lang  # type: ignore[attr-defined]
        self.add_option(Option(entry_prompt(entry, lang), id=f"lesson-{len(self.entries)}"))
        if self.highlighted is None:
            self.highlighted = 0

    @property
    def current(self) -> CatalogEntry | None:
        """The highlighted lesson."""
        option = self.highlighted_option
        if option is None or option.id is None:
            return None
        return self.entries[int(option.id.split("-")[1]) - 1]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self.current
        if entry is not None:
            self.post_message(self.Chosen(entry))
