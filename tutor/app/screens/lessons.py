"""The first screen: every lesson of a folder, read in a worker so the list is drawn at once
and fills in as files load (each takes ~15 ms to validate), with the learner's progress in
each, read again whenever the list comes back into view."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input, Static

from tutor.app.widgets.keybar import KeyBar
from tutor.app.widgets.lesson_list import LessonList
from tutor.app.widgets.status import EngineStatus
from tutor.app.widgets.topbar import TopBar
from tutor.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from tutor.app.app import TutorApp
    from tutor.app.catalog import CatalogEntry
    from tutor.progress import LessonProgress, Tally


LIST_KEYS = {"up", "down", "pageup", "pagedown", "home", "end", "enter"}
"""Keys that move in the list or open a lesson."""


class LessonListScreen(Screen[None]):
    """The lessons of `folder`; Enter opens one, q quits."""

    AUTO_FOCUS = ""  # nothing has the keys until the list is whole (see on_key)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", N_("filter"), key_display="/"),
        Binding("c", "compact", N_("details"), key_display="c"),
        Binding("q", "quit_app", N_("quit")),
        Binding("question_mark", "help", N_("help"), key_display="?"),
    ]

    DEFAULT_CSS = """
    LessonListScreen #list-note {
        height: auto;
        padding: 1 2 1 2;
        color: $text-muted;
    }
    LessonListScreen #list-note.-hidden { display: none; }
    LessonListScreen #list-details {
        height: auto;
        max-height: 3;
        padding: 0 2;
        background: $surface;
    }
    LessonListScreen #list-details.-titled { max-height: 4; }
    LessonListScreen #list-details.-hidden { display: none; }
    LessonListScreen #list-filter { height: 1; border: none; padding: 0 2; display: none; }
    LessonListScreen #list-filter.-open { display: block; }
    """

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.loaded = False
        self.early: list[str] = []  # list keys pressed while the files were being read

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TopBar(_("lessons"), _("reading…"), id="list-topbar")
        note = _("reading lessons from {folder}…").format(folder=self.folder)
        yield Static(note, id="list-note", markup=False)
        yield Input(
            placeholder=_("filter: words of a title or summary · esc clears"), id="list-filter"
        )
        yield LessonList(id="lessons")
        yield Static("", id="list-details")
        yield EngineStatus()
        yield KeyBar()

    def on_mount(self) -> None:
        self.call_after_refresh(self.read_lessons)  # the first frame before any file is read

    def on_key(self, event: events.Key) -> None:
        """Keys for the list pressed before it is whole are kept, and pressed again once every
        lesson is in it: ↓ ↓ ⏎ typed at once opens the third lesson, not the one read last."""
        if not self.loaded and event.key in LIST_KEYS:
            event.stop()
            event.prevent_default()
            self.early.append(event.key)

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False)
    def read_lessons(self) -> None:
        """Load each file off the UI thread and add it to the list as it comes."""
        from tutor.app.catalog import read_catalog  # the lesson format: ~100 ms to import

        self.tutor.lang  # noqa: B018  (resolved here, off the UI thread)
        saved = self.tutor.progress.lessons()  # opens the store, off the UI thread
        self.app.call_from_thread(self._set_progress, saved)
        count = 0
        entries = []
        try:
            for entry in read_catalog(self.folder):
                count += 1
                entries.append(entry)
                self.app.call_from_thread(self._add, entry)
        except OSError as error:
            message = _("cannot read {folder}: {error}").format(folder=self.folder, error=error)
            self.app.call_from_thread(self._failed, message)
            return
        tallies = self.tallies(entries, saved)
        self.app.call_from_thread(self._set_progress, saved, tallies)
        self.app.call_from_thread(self._done, count)

    def tallies(
        self, entries: list[CatalogEntry], saved: dict[str, LessonProgress]
    ) -> dict[str, Tally]:
        """The questions' one count (the lesson's own) for each lesson the learner has been in."""
        from tutor.session import lesson_tally

        counted = {}
        for entry in entries:
            progress = saved.get(entry.lesson_id)
            if entry.lesson is None or progress is None:
                continue
            ids = [entry.lesson.lesson.step_id(i) for i in range(entry.steps)]
            passed = ids[: max(0, min(progress.last_index, entry.steps) - 1)]
            events = self.tutor.progress.events(entry.lesson_id)
            counted[entry.lesson_id] = lesson_tally(entry.lesson, events, passed)
        return counted

    def _add(self, entry: CatalogEntry) -> None:
        self.query_one("#list-note").add_class("-hidden")
        self.query_one(LessonList).add_entry(entry)

    def _done(self, count: int) -> None:
        self.loaded = True
        lessons = self.query_one(LessonList)
        lessons.rebuild(keep=self.in_progress())  # prerequisites by title, now all are read
        lessons.focus()
        for key in self.early:
            self.app.simulate_key(key)
        self.early.clear()
        self.tutor.start_engine()
        entries = self.query_one(LessonList).entries
        broken = sum(not e.ok for e in entries)
        info = ngettext("{n} lesson", "{n} lessons", count).format(n=count)
        if broken:
            info += " · " + _("{n} with errors").format(n=broken)
        self.query_one(TopBar).set_info(info)
        if not count:
            note = self.query_one("#list-note", Static)
            text = _("There are no lesson files (*.yaml) in {folder}.").format(folder=self.folder)
            note.update(text)

    def in_progress(self) -> str | None:
        """The lesson the learner was in last and has not finished (else the last one)."""
        saved = self.query_one(LessonList).saved
        ordered = sorted(saved.values(), key=lambda p: p.updated_at, reverse=True)
        for progress in ordered:
            if not progress.completed:
                return progress.lesson_id
        return ordered[0].lesson_id if ordered else None

    def _set_progress(
        self, saved: dict[str, LessonProgress], tallies: dict[str, Tally] | None = None
    ) -> None:
        self.query_one(LessonList).set_progress(saved, tallies)
        self.show_details()

    def on_screen_resume(self) -> None:
        """Back from a lesson: its row shows how far the learner got."""
        if self.loaded:
            lessons = self.query_one(LessonList)
            saved = self.tutor.progress.lessons()
            lessons.set_progress(saved, self.tallies(lessons.entries, saved))
            self.show_details()

    def on_lesson_list_moved(self, _event: LessonList.Moved) -> None:
        self.show_details()

    def show_details(self) -> None:
        """Under a compact list: the highlighted lesson's summary, prerequisites, progress."""
        lessons = self.query_one(LessonList)
        panel = self.query_one("#list-details", Static)
        entry = lessons.current
        panel.set_class(not lessons.compact or entry is None, "-hidden")
        panel.set_class(bool(lessons.pairs), "-titled")
        if entry is not None and lessons.compact:
            lines = lessons.details(entry)
            if lessons.pairs and entry.ok:  # two columns cut titles short: this one whole
                lines.insert(0, Text(entry.title(self.tutor.lang), style="bold"))
            panel.update(Group(*lines))

    def action_compact(self) -> None:
        """`c`: one line per lesson (the whole course in view), or each with its details."""
        lessons = self.query_one(LessonList)
        lessons.set_compact(not lessons.compact)
        self.show_details()

    def action_filter(self) -> None:
        """`/`: a line whose words keep the lessons that have them all."""
        line = self.query_one("#list-filter", Input)
        line.add_class("-open")
        line.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "list-filter":
            self.query_one(LessonList).set_filter(event.value)
            self.show_details()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "list-filter":
            event.stop()
            if not event.value:
                event.input.remove_class("-open")
            self.query_one(LessonList).focus()

    def key_escape(self) -> None:
        """Esc in the filter line: the whole list again."""
        line = self.query_one("#list-filter", Input)
        if line.has_class("-open"):
            line.value = ""
            line.remove_class("-open")
            self.query_one(LessonList).set_filter("")
            self.query_one(LessonList).focus()

    def _failed(self, message: str) -> None:
        self.query_one("#list-note", Static).update(message)

    def on_lesson_list_chosen(self, event: LessonList.Chosen) -> None:
        self.tutor.open_entry(event.entry, self.query_one(LessonList).titles)

    def action_quit_app(self) -> None:
        self.app.exit()

    def action_help(self) -> None:
        self.tutor.action_help(first="list")
