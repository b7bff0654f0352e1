"""The list of lessons: title, summary, number of steps, prerequisites, and the learner's
progress in each (a bar of the furthest step, ✓ once finished, answers right and wrong);
broken files with their error, in red, so an author sees at once what to fix."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tutor.app.looks import Looks

if TYPE_CHECKING:
    from tutor.app.catalog import CatalogEntry
    from tutor.progress import LessonProgress

BAR = 10


def progress_mark(steps: int, saved: LessonProgress | None, looks: Looks) -> Text:
    """`━━━━━───── 5/9 ✓`: the furthest step reached, against the steps the lesson has now;
    `8 steps` when the learner has not been in it."""
    if saved is None or saved.furthest_index < 1 or not steps:
        return Text(f"{steps} step{'s' if steps != 1 else ''}", style="dim")
    reached = min(saved.furthest_index, steps)
    filled = round(BAR * reached / steps)
    done = saved.completed or reached >= steps
    mark = Text()
    mark.append("━" * filled, looks.success if done else looks.primary)
    mark.append("─" * (BAR - filled), looks.faint)
    mark.append(f" {reached}/{steps}", "bold")
    mark.append(" ✓" if done else "  ", "bold green")
    return mark


def progress_line(saved: LessonProgress | None, steps: int, looks: Looks) -> Text | None:
    """`at step 5 · 2 right, 1 wrong · 1 knob turned`, once the learner has been in it."""
    if saved is None or saved.furthest_index < 1:
        return None
    parts = [f"at step {min(saved.last_index, steps)}"]
    if saved.right or saved.wrong:
        parts.append(f"{saved.right} right, {saved.wrong} wrong")
    if saved.knobs:
        parts.append(f"{saved.knobs} knob{'s' if saved.knobs != 1 else ''} turned")
    return Text(" · ".join(parts), style=f"dim {looks.secondary}")


def entry_prompt(
    entry: CatalogEntry, lang: str, looks: Looks, saved: LessonProgress | None = None
) -> RenderableType:
    """What one row of the list shows (two to four lines)."""
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
    head.add_row(Text(entry.title(lang), style="bold"), progress_mark(entry.steps, saved, looks))
    lines: list[RenderableType] = [head]
    summary = entry.summary(lang)
    if summary:
        lines.append(Text(summary, style=looks.muted))
    if entry.requires:
        lines.append(
            Text.assemble(
                ("after ", "dim italic"), (", ".join(entry.requires), f"italic {looks.secondary}")
            )
        )
    done = progress_line(saved, entry.steps, looks)
    if done is not None:
        lines.append(done)
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
        self.saved: dict[str, LessonProgress] = {}  # the learner's progress, by lesson id

    def add_entry(self, entry: CatalogEntry) -> None:
        if self.entries:
            self.add_option(None)  # a quiet rule between two lessons
        self.entries.append(entry)
        prompt = self._prompt(entry)
        self.add_option(Option(prompt, id=f"lesson-{len(self.entries)}"))
        if self.highlighted is None:
            self.highlighted = 0

    def set_progress(self, saved: dict[str, LessonProgress]) -> None:
        """Redraw the rows whose progress changed (back from a lesson, say)."""
        old, self.saved = self.saved, dict(saved)
        for n, entry in enumerate(self.entries, start=1):
            if entry.ok and old.get(entry.lesson_id) != self.saved.get(entry.lesson_id):
                self.replace_option_prompt(f"lesson-{n}", self._prompt(entry))

    def _prompt(self, entry: CatalogEntry) -> RenderableType:
        lang: str = self.app.lang  # type: ignore[attr-defined]
        saved = self.saved.get(entry.lesson_id) if entry.ok else None
        return entry_prompt(entry, lang, Looks.of(self.app), saved)

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
