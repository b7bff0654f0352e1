"""The list of lessons: numbered, one line each (compact, the default: the whole course fits
at 80×24) or with summaries, prerequisites by title and the learner's progress in each (a bar
of the furthest step, ✓ once finished, the questions' one count); `/` filters it. Broken files
show their error, in red, so an author sees at once what to fix."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tutor.app.looks import Looks
from tutor.i18n import N_, _, ngettext
from tutor.render.wrap import Wrapped

if TYPE_CHECKING:
    from tutor.app.catalog import CatalogEntry
    from tutor.progress import LessonProgress, Tally

BAR = 10


def progress_mark(steps: int, saved: LessonProgress | None, looks: Looks) -> Text:
    """`━━━━━───── 5/9 ✓`: the furthest step reached, against the steps the lesson has now;
    `8 steps` when the learner has not been in it."""
    if saved is None or saved.furthest_index < 1 or not steps:
        return Text(ngettext("{n} step", "{n} steps", steps).format(n=steps), style="dim")
    reached = min(saved.furthest_index, steps)
    filled = round(BAR * reached / steps)
    done = saved.completed or reached >= steps
    mark = Text()
    mark.append("━" * filled, looks.success if done else looks.primary)
    mark.append("─" * (BAR - filled), looks.faint)
    mark.append(f" {reached}/{steps}", "bold")
    mark.append(" ✓" if done else "  ", "bold green")
    return mark


def progress_line(
    saved: LessonProgress | None, steps: int, looks: Looks, tally: Tally | None = None
) -> Text | None:
    """`at step 5 · 2 right, 1 wrong`, once the learner has been in it: the questions
    counted as the lesson counts them (tutor.progress.Tally), not the tries."""
    if saved is None or saved.furthest_index < 1:
        return None
    parts = [_("at step {k}").format(k=min(saved.last_index, steps))]
    counted = tally.text() if tally is not None else ""
    if counted:
        parts.append(counted)
    return Text(" · ".join(parts), style=f"dim {looks.secondary}")


def compact_prompt(
    entry: CatalogEntry, number: int, lang: str, looks: Looks, saved: LessonProgress | None
) -> RenderableType:
    """One line: `12  Title ………… ━━━━──── 5/9`."""
    row = _numbered_row(3)
    if entry.error is not None or entry.lesson is None:
        return _broken(row, entry, number)
    mark = progress_mark(entry.steps, saved, looks)
    row.add_row(Text(str(number), style="dim"), Text(entry.title(lang), style="bold"), mark)
    return row


def _numbered_row(number_width: int) -> Table:
    """Number, title (cut with an ellipsis), and what is done, on one line."""
    row = Table.grid(expand=True, padding=(0, 1))
    row.add_column(width=number_width, justify="right", no_wrap=True)
    row.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    row.add_column(justify="right", no_wrap=True)
    return row


def _broken(row: Table, entry: CatalogEntry, number: int) -> Table:
    """A lesson that could not be read: its file's name, marked."""
    title = Text.assemble(("✗ ", "bold red"), (entry.path.name, "bold red"))
    row.add_row(Text(str(number), style="dim"), title, "")
    return row


def half_prompt(
    entry: CatalogEntry,
    number: int,
    lang: str,
    looks: Looks,
    saved: LessonProgress | None,
    marked: bool = False,
) -> RenderableType:
    """Half a two-column row: `12 Title………… 5/9`, `✓` once done; `marked` when it is the
    lesson the cursor is on (the row's own highlight would take both halves)."""
    row = _numbered_row(2)
    if marked:
        row.style = "reverse"
    if entry.error is not None or entry.lesson is None:
        return _broken(row, entry, number)
    mark = Text()
    if saved is not None and saved.furthest_index >= 1 and entry.steps:
        reached = min(saved.furthest_index, entry.steps)
        if saved.completed or reached >= entry.steps:
            mark.append("✓", f"bold {looks.success}")
        else:
            mark.append(f"{reached}/{entry.steps}", looks.primary)
    row.add_row(Text(str(number), style="dim"), Text(entry.title(lang), style="bold"), mark)
    return row


def details(
    entry: CatalogEntry,
    lang: str,
    looks: Looks,
    titles: dict[str, str],
    saved: LessonProgress | None = None,
    tally: Tally | None = None,
) -> list[RenderableType]:
    """What the list says of a lesson beyond its title: summary (wrapped by character in
    Chinese), prerequisites by title, progress."""
    lines: list[RenderableType] = []
    summary = entry.summary(lang)
    if summary:
        lines.append(Wrapped(summary, style=looks.muted))
    if entry.requires:
        names = _(", ").join(titles.get(r, r) for r in entry.requires)
        lines.append(
            Text.assemble((_("after "), "dim italic"), (names, f"italic {looks.secondary}"))
        )
    done = progress_line(saved, entry.steps, looks, tally)
    if done is not None:
        lines.append(done)
    return lines


def entry_prompt(
    entry: CatalogEntry,
    lang: str,
    looks: Looks,
    saved: LessonProgress | None = None,
    *,
    number: int = 0,
    titles: dict[str, str] | None = None,
    tally: Tally | None = None,
) -> RenderableType:
    """What one row of the list shows (two to four lines)."""
    head = Table.grid(expand=True, padding=(0, 1))
    head.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    head.add_column(justify="right", no_wrap=True)
    if entry.error is not None or entry.lesson is None:
        head.add_row(Text.assemble(("✗ ", "bold red"), (entry.path.name, "bold")), "")
        message = str(entry.error) if entry.error else _("could not be loaded")
        first = message.splitlines()[0]
        more = len(message.splitlines()) - 1
        lines = [head, Text(first, style="red")]
        if more:
            more_text = ngettext("and {n} more problem", "and {n} more problems", more)
            lines.append(Text(more_text.format(n=more), style="dim"))
        return Group(*lines)
    title = Text(entry.title(lang), style="bold")
    if number:
        title = Text.assemble((f"{number}  ", "dim"), title)
    head.add_row(title, progress_mark(entry.steps, saved, looks))
    more_lines = details(entry, lang, looks, titles or {}, saved, tally)
    return Group(head, *more_lines)


class LessonList(OptionList):
    """An OptionList of `CatalogEntry`s, numbered in the course's order; Enter or a click
    posts `LessonList.Chosen`. Compact (one line each) or full; `filter` keeps the lessons
    whose number, title, summary or id holds the words typed. A compact list taller than its
    window goes into two columns (down the left, then the right; ← → between them), so the
    whole course is in view at 80×24."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", N_("open"), key_display="⏎"),
        Binding("left", "column(0)", N_("left column"), show=False),
        Binding("right", "column(1)", N_("right column"), show=False),
    ]

    HALF_WIDTH = 30
    """Fewest cells for half a two-column row (a number, a title, `5/9`)."""

    DEFAULT_CSS = """
    LessonList {
        height: 1fr;
        border: none;
        padding: 1 1 0 1;
        background: $background;
        scrollbar-size-vertical: 1;
    }
    LessonList.-compact { padding: 0 1; }
    LessonList:focus {
        border: none;
        background-tint: transparent;
    }
    LessonList > .option-list--option {
        padding: 0 1;
    }
    LessonList.-columns > .option-list--option-highlighted,
    LessonList.-columns:focus > .option-list--option-highlighted {
        background: transparent;
        color: $foreground;
        text-style: none;
    }
    """

    class Chosen(Message):
        """The learner picked a lesson to open."""

        def __init__(self, entry: CatalogEntry) -> None:
            super().__init__()
            self.entry = entry

    class Moved(Message):
        """Another lesson is highlighted (the details under a compact list follow it)."""

        def __init__(self, entry: CatalogEntry | None) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, *, id: str | None = None, compact: bool = True) -> None:
        super().__init__(id=id)
        self.entries: list[CatalogEntry] = []
        self.saved: dict[str, LessonProgress] = {}  # the learner's progress, by lesson id
        self.tallies: dict[str, Tally] = {}  # the questions' count, by lesson id
        self.compact = compact
        self.filter = ""
        self.set_class(compact, "-compact")
        self.pairs: dict[str, tuple[int, ...]] = {}  # two columns: a row's lesson numbers
        self.column = 0  # two columns: the one the cursor is in
        self.marked: str | None = None  # the row drawn with its half marked

    @property
    def titles(self) -> dict[str, str]:
        """Each lesson's title by id, for prerequisites named by title."""
        lang: str = self.app.lang  # type: ignore[attr-defined]
        return {e.lesson_id: e.title(lang) for e in self.entries if e.ok}

    def matches(self, number: int, entry: CatalogEntry) -> bool:
        words = self.filter.casefold().split()
        if not words:
            return True
        lang: str = self.app.lang  # type: ignore[attr-defined]
        hay = f"{number} {entry.lesson_id} {entry.title(lang)} {entry.summary(lang)}".casefold()
        return all(word in hay for word in words)

    def add_entry(self, entry: CatalogEntry) -> None:
        self.entries.append(entry)
        number = len(self.entries)
        if not self.matches(number, entry):
            return
        if self.option_count and not self.compact:
            self.add_option(None)  # a quiet rule between two lessons
        self.add_option(Option(self._prompt(number, entry), id=f"lesson-{number}"))
        if self.highlighted is None:
            self.highlighted = 0

    def rebuild(self, keep: str | None = None) -> None:
        """Every row again (compact or not, filtered, in one column or two), the cursor on
        lesson `keep` (an id) or where it was."""
        current = self.current
        keep = keep or (current.lesson_id if current else None)
        self.clear_options()
        self.pairs, self.marked = {}, None
        shown = [n for n, entry in enumerate(self.entries, start=1) if self.matches(n, entry)]
        two = self.two_columns(len(shown))
        self.set_class(two, "-columns")
        if two:
            rows = -(-len(shown) // 2)
            for r in range(rows):
                self.pairs[f"pair-{r}"] = tuple(shown[r::rows])  # r, then r + rows
                self.add_option(Option(self._pair_prompt(f"pair-{r}"), id=f"pair-{r}"))
        else:
            for number in shown:
                if self.option_count and not self.compact:
                    self.add_option(None)
                entry = self.entries[number - 1]
                self.add_option(Option(self._prompt(number, entry), id=f"lesson-{number}"))
        self.highlight_lesson(keep)

    def two_columns(self, count: int) -> bool:
        """Compact, more lessons than lines, and room for two halves side by side."""
        region = self.content_region
        return self.compact and 0 < region.height < count and region.width >= 2 * self.HALF_WIDTH

    def on_resize(self) -> None:
        """A window that becomes too short (or tall enough) for one column: the rows again."""
        shown = sum(1 for n, e in enumerate(self.entries, start=1) if self.matches(n, e))
        if self.entries and self.two_columns(shown) != bool(self.pairs):
            self.rebuild()

    def highlight_lesson(self, lesson_id: str | None) -> None:
        """Put the cursor on lesson `lesson_id` (when shown), else on the first row."""
        for number, entry in enumerate(self.entries, start=1):
            if entry.lesson_id != lesson_id:
                continue
            for key, numbers in self.pairs.items():
                if number in numbers:
                    self.column = numbers.index(number)
                    self.highlighted = self.get_option_index(key)
                    self._mark()
                    return
            if f"lesson-{number}" in self._shown_ids():
                self.highlighted = self.get_option_index(f"lesson-{number}")
                return
        self.column = 0
        self.highlighted = 0 if self.option_count else None
        self._mark()

    def action_column(self, column: int) -> None:
        """← →: the other column of a two-column list (nothing in one column)."""
        option = self.highlighted_option
        if option is None or option.id not in self.pairs:
            return
        if column != self.column and column < len(self.pairs[option.id]):
            self.column = column
            self._mark()
            self.post_message(self.Moved(self.current))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click in a two-column list opens the lesson in the half clicked."""
        if self.pairs:
            self.column = 1 if event.x >= self.size.width // 2 else 0

    def _mark(self) -> None:
        """Draw the half the cursor is on (and unmark the row it left)."""
        if not self.pairs:
            return
        option = self.highlighted_option
        key = option.id if option is not None else None
        if key is not None and key in self.pairs:
            self.column = min(self.column, len(self.pairs[key]) - 1)
        for row in {self.marked, key} - {None}:
            if row in self.pairs:
                self.replace_option_prompt(row, self._pair_prompt(row, marked=row == key))
        self.marked = key

    def _pair_prompt(self, key: str, marked: bool = False) -> RenderableType:
        lang: str = self.app.lang  # type: ignore[attr-defined]
        looks = Looks.of(self.app)
        row = Table.grid(expand=True, padding=(0, 2))
        row.add_column(ratio=1)
        row.add_column(ratio=1)
        halves = []
        for i, number in enumerate(self.pairs[key]):
            entry = self.entries[number - 1]
            saved = self.saved.get(entry.lesson_id) if entry.ok else None
            on = marked and i == self.column
            halves.append(half_prompt(entry, number, lang, looks, saved, on))
        row.add_row(*halves)
        return row

    def _shown_ids(self) -> set[str]:
        return {o.id for o in self.options if o.id is not None}

    def set_compact(self, compact: bool) -> None:
        self.compact = compact
        self.set_class(compact, "-compact")
        self.rebuild()

    def set_filter(self, text: str) -> None:
        if text != self.filter:
            self.filter = text
            self.rebuild()

    def set_progress(
        self, saved: dict[str, LessonProgress], tallies: dict[str, Tally] | None = None
    ) -> None:
        """Redraw the rows whose progress changed (back from a lesson, say)."""
        old = (self.saved, self.tallies)
        self.saved = dict(saved)
        if tallies is not None:
            self.tallies = dict(tallies)
        if self.pairs:
            for key in self.pairs:
                self.replace_option_prompt(key, self._pair_prompt(key, key == self.marked))
            return
        shown = self._shown_ids()
        for n, entry in enumerate(self.entries, start=1):
            key, row = entry.lesson_id, f"lesson-{n}"
            if not entry.ok or row not in shown:
                continue
            before = (old[0].get(key), old[1].get(key))
            if before != (self.saved.get(key), self.tallies.get(key)):
                self.replace_option_prompt(row, self._prompt(n, entry))

    def details(self, entry: CatalogEntry) -> list[RenderableType]:
        """The highlighted lesson's summary, prerequisites and progress (compact mode)."""
        if entry.error is not None:
            return [Text(str(entry.error).splitlines()[0], style="red")]
        lang: str = self.app.lang  # type: ignore[attr-defined]
        key = entry.lesson_id
        return details(
            entry, lang, Looks.of(self.app), self.titles, self.saved.get(key), self.tallies.get(key)
        )

    def _prompt(self, number: int, entry: CatalogEntry) -> RenderableType:
        lang: str = self.app.lang  # type: ignore[attr-defined]
        saved = self.saved.get(entry.lesson_id) if entry.ok else None
        looks = Looks.of(self.app)
        if self.compact:
            return compact_prompt(entry, number, lang, looks, saved)
        tally = self.tallies.get(entry.lesson_id)
        return entry_prompt(
            entry, lang, looks, saved, number=number, titles=self.titles, tally=tally
        )

    @property
    def current(self) -> CatalogEntry | None:
        """The highlighted lesson."""
        option = self.highlighted_option
        if option is None or option.id is None:
            return None
        if option.id in self.pairs:
            numbers = self.pairs[option.id]
            return self.entries[numbers[min(self.column, len(numbers) - 1)] - 1]
        return self.entries[int(option.id.split("-")[1]) - 1]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._mark()
        self.post_message(self.Moved(self.current))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self.current
        if entry is not None:
            self.post_message(self.Chosen(entry))
