"""The first screen: every lesson of a folder, read in a worker so the list is drawn at once
and fills in as files load (each takes ~15 ms to validate), with the learner's progress in
each, read again whenever the list comes back into view."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from tutor.app.widgets.keybar import KeyBar
from tutor.app.widgets.lesson_list import LessonList
from tutor.app.widgets.status import EngineStatus
from tutor.app.widgets.topbar import TopBar

if TYPE_CHECKING:
    from tutor.app.app import TutorApp
    from tutor.app.catalog import CatalogEntry
    from tutor.progress import LessonProgress


LIST_KEYS = {"up", "down", "pageup", "pagedown", "home", "end", "enter"}
"""Keys that move in the list or open a lesson."""


class LessonListScreen(Screen[None]):
    """The lessons of `folder`; Enter opens one, q quits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit_app", "quit"),
        Binding("question_mark", "help", "help", key_display="?"),
    ]

    DEFAULT_CSS = """
    LessonListScreen #list-note {
        height: auto;
        padding: 1 2 1 2;
        color: $text-muted;
    }
    LessonListScreen #list-note.-hidden { display: none; }
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
        yield TopBar("lessons", "reading…", id="list-topbar")
        yield Static(f"reading lessons from {self.folder}…", id="list-note", markup=False)
        yield LessonList(id="lessons")
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
        try:
            for entry in read_catalog(self.folder):
                count += 1
                self.app.call_from_thread(self._add, entry)
        except OSError as error:
            self.app.call_from_thread(self._failed, f"cannot read {self.folder}: {error}")
            return
        self.app.call_from_thread(self._done, count)

    def _add(self, entry: CatalogEntry) -> None:
        self.query_one("#list-note").add_class("-hidden")
        self.query_one(LessonList).add_entry(entry)

    def _done(self, count: int) -> None:
        self.loaded = True
        self.query_one(LessonList).focus()
        for key in self.early:
            self.app.simulate_key(key)
        self.early.clear()
        self.tutor.start_engine()
        entries = self.query_one(LessonList).entries
        broken = sum(not e.ok for e in entries)
        info = f"{count} lesson{'s' if count != 1 else ''}"
        if broken:
            info += f" · {broken} with errors"
        self.query_one(TopBar).set_info(info)
        if not count:
            note = self.query_one("#list-note", Static)
            note.update(f"There are no lesson files (*.yaml) in {self.folder}.")

    def _set_progress(self, saved: dict[str, LessonProgress]) -> None:
        self.query_one(LessonList).set_progress(saved)

    def on_screen_resume(self) -> None:
        """Back from a lesson: its row shows how far the learner got."""
        if self.loaded:
            self.query_one(LessonList).set_progress(self.tutor.progress.lessons())

    def _failed(self, message: str) -> None:
        self.query_one("#list-note", Static).update(message)

    def on_lesson_list_chosen(self, event: LessonList.Chosen) -> None:
        self.tutor.open_entry(event.entry)

    def action_quit_app(self) -> None:
        self.app.exit()

    def action_help(self) -> None:
        self.tutor.action_help()
