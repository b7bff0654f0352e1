"""The Textual app: screens over a torch worker.

The first screen is drawn before torch is imported: `on_mount` pushes it, and the worker that
imports the engine starts after the first refresh (a lesson opened directly) or once the list's
files are read (at most LIST_GRACE seconds in). Lesson screens wait for that worker through
`wait_engine`, in their own worker threads, so the UI thread never blocks. Nothing here imports
the lesson format or torch at import time: the first frame costs Textual and these widgets only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive

from tutor.app.config import AppConfig
from tutor.app.theme import TUTOR_THEME
from tutor.i18n import _, ngettext, use_language

if TYPE_CHECKING:
    from tutor.app.catalog import CatalogEntry
    from tutor.app.engine import Engine
    from tutor.app.screens.lesson import LessonScreen
    from tutor.lesson import LessonFile
    from tutor.session import Recorder, Report

EngineLoader = Callable[[str | None], "Engine"]
LIST_GRACE = 0.5
"""Seconds the list may read lesson files alone before torch starts loading beside it."""


class TutorApp(App[None]):
    """`tutor`: the list of lessons, or one lesson when `config.lesson` is set."""

    TITLE = "tutor"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "help", key_display="?", show=False),
    ]

    engine_state: reactive[str] = reactive("loading")
    """loading → ready, or failed; `EngineStatus` widgets watch it."""

    def __init__(self, config: AppConfig, *, engine_loader: EngineLoader | None = None) -> None:
        super().__init__()
        self.config = config
        self.engine: Engine | None = None
        self.engine_error = ""
        self.engine_started = time.monotonic()
        self.reports: list[Report] = []  # what the learner did in this session, in order
        # the learner is the config's, and only that
        self._progress: Recorder | None = None  # the learner is the config's, and only that
        self._progress_warned = False
        self._engine_loader = engine_loader
        self._engine_requested = False
        self._engine_done = threading.Event()
        self._lang: str | None = use_language(config.lang)  # the interface's words, at once
        self._language_noted: set[str] = set()

    @property
    def lang(self) -> str:
        """The learner's language: `--lang`, then LANG (tutor.i18n: no lesson format needed)."""
        if self._lang is None:
            self._lang = use_language(self.config.lang)
        return self._lang

    def on_mount(self) -> None:
        self.register_theme(TUTOR_THEME)
        self.theme = TUTOR_THEME.name
        if self.config.lesson is not None:
            self.open_path(self.config.lesson, direct=True)
            self.call_after_refresh(self.start_engine)
        else:
            from tutor.app.screens.lessons import LessonListScreen

            self.push_screen(LessonListScreen(self.config.folder or Path.cwd()))
            # the list starts it once its files are read; this is the fallback
            self.set_timer(LIST_GRACE, self.start_engine)

    @property
    def progress(self) -> Recorder:
        """This learner's saved progress. Made on first use: the session layer imports the
        lesson format (pydantic, ~100 ms), which the first frame does not wait for."""
        if self._progress is None:
            from tutor.session import Recorder

            self._progress = Recorder(self.config.learner, self.config.data)
        return self._progress

    # ------------------------------------------------------------------ torch

    def start_engine(self) -> None:
        """Start loading torch, once; later calls do nothing."""
        if not self._engine_requested:
            self._engine_requested = True
            self.engine_started = time.monotonic()
            self.load_engine()

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def load_engine(self) -> None:
        """Import torch and the engine (~1.5 s) off the UI thread."""
        loader = self._engine_loader
        if loader is None:
            from tutor.app.engine import load_engine as loader
        try:
            engine = loader(self.config.device)
        except Exception as error:  # a broken torch install: say so, keep the list usable
            self.engine_error = f"{type(error).__name__}: {error}"
            self._engine_done.set()
            self.call_from_thread(setattr, self, "engine_state", "failed")
            return
        self.engine = engine
        self._engine_done.set()
        self.call_from_thread(setattr, self, "engine_state", "ready")

    def wait_engine(self, cancelled: Callable[[], bool]) -> Engine | None:
        """The engine, once loaded; None if it failed or `cancelled()`. Call from a thread."""
        while not self._engine_done.wait(0.05):
            if cancelled():
                return None
        return self.engine

    # ------------------------------------------------------------------ screens

    def open_entry(self, entry: CatalogEntry, titles: Mapping[str, str] | None = None) -> None:
        """Open a lesson of the list; `titles` (by id) name its prerequisites."""
        from tutor.app.screens.lesson import LessonScreen

        self.start_engine()
        screen = LessonScreen(entry.path, lesson=entry.lesson, error=entry.error, titles=titles)
        self.push_screen(screen)

    def open_path(self, path: Path, *, direct: bool = False) -> None:
        from tutor.app.screens.lesson import LessonScreen

        if self.config.watch:
            from tutor.app.screens.watch import WatchScreen

            self.push_screen(WatchScreen(path))
            return
        self.push_screen(LessonScreen(path, direct=direct))

    def note_missing_language(self, lesson: LessonFile) -> None:
        """Say once per lesson when some of its texts fall back to English."""
        lang = self.lang
        if lang == "en" or lesson.lesson.id in self._language_noted:
            return
        self._language_noted.add(lesson.lesson.id)
        from tutor.lesson.translations import missing_translations

        missing = missing_translations(lesson, lang)
        if missing:
            message = ngettext(
                "{n} text of this lesson has no '{lang}' version and appears in English.",
                "{n} texts of this lesson have no '{lang}' version and appear in English.",
                len(missing),
            )
            self.notify(
                message.format(n=len(missing), lang=lang), title=_("translation"), timeout=6
            )

    def action_suspend_process(self) -> None:
        """A classroom session has no shell to suspend to: never stop the process."""
        if not self.config.classroom:
            super().action_suspend_process()

    def action_help(self, first: str = "lesson") -> None:
        """`?`: every key, those of the screen it was pressed on (`first`) first."""
        from tutor.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(first))

    # ------------------------------------------------------------------ progress seam

    def on_lesson_screen_reported(self, event: LessonScreen.Reported) -> None:
        """Each step reached, answer given, hint shown and knob turned (`event.report`, a
        `session.Report`): saved at once, on this thread, before the next key is handled."""
        self.reports.append(event.report)
        if not self.progress.save(event.report) and not self._progress_warned:
            self._progress_warned = True
            self.notify(self.progress.problem, title="progress", severity="warning", timeout=8)
