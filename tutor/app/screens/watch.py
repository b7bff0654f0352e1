"""`tutor watch FILE`: the lesson screen for its author, reloaded on every save.

The file is polled (twice a second: no dependency, works on every file system and editor
that saves by renaming). A change reloads the lesson in the start worker and returns to the
step the author was on (found by its id, so a step inserted above it does not move the
author), with the knobs as the author turned them; a mistake shows in the error panel with
its file:line:col and goes away with the next save that fixes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tutor.app.screens.lesson import LessonScreen
from tutor.app.widgets.error_panel import ErrorPanel
from tutor.lesson import LessonError, LessonFile

if TYPE_CHECKING:
    from tutor.engine.run import Run

POLL_SECONDS = 0.5


class WatchScreen(LessonScreen):
    """A `LessonScreen` that follows its file, for the lesson's author: every check shown."""

    author = True

    def __init__(self, path: Path) -> None:
        super().__init__(path, direct=True)
        self.offered = True  # an author wants their step back, not a resume prompt
        self.stamp = self._stamp()
        self.reloads = 0
        self.back_to = 0  # the step the author was on before a reload
        self.back_id = ""  # its id: found again after a step is inserted above it
        self.kept: dict[str, object] = {}  # knob values turned before the reload

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(POLL_SECONDS, self.check_file)

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def check_file(self) -> None:
        stamp = self._stamp()
        if stamp is None or stamp == self.stamp or self.busy:
            return
        self.stamp = stamp
        self.reload()

    def reload(self) -> None:
        """Read the file again and come back to the same step."""
        self.reloads += 1
        if self.session is not None:
            run = self.session.run
            self.back_to = max(self.back_to, self.session.position)
            if self.session.position:
                self.back_id = run.lesson.step_id(self.session.position - 1)
            self.kept = {n: v for n, v in run.params.items() if not run.at_default(n)}
        self.session = None  # until the new Run exists: keys wait, nothing old is redrawn
        self.lesson = None
        self.load_error = None
        self.start()

    def loaded(self, lesson: LessonFile) -> None:
        self.query_one(ErrorPanel).clear()
        super().loaded(lesson)

    def failed(self, error: LessonError | str, title: str) -> None:
        self.session = None  # the old numbers no longer belong to the file on disk
        super().failed(error, f"{title} — fix it and save: this screen reloads")

    def started(self, run: Run, device: str) -> None:
        self.query_one(ErrorPanel).clear()
        for name, value in self.kept.items():  # before any step runs: nothing re-runs
            if name in run.lesson.params:
                try:
                    run.set_param(name, value)
                except Exception:  # the knob's range changed in the file: its default stays
                    pass
        super().started(run, device)
        ids = [run.lesson.step_id(i) for i in range(run.total)]
        target = ids.index(self.back_id) + 1 if self.back_id in ids else self.back_to
        self.back_to, self.back_id = 0, ""
        if target:
            self.go_to(min(target, run.total))
