"""A lesson that cannot load or start, said plainly in a red panel (tutor.render.error draws
it: `file:line:col`, the message, the line with a caret). Never a traceback."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tutor.lesson import LessonError
from tutor.render.error import error_renderable


class ErrorPanel(Static):
    """A red-bordered panel; hidden until `show_error` is called."""

    DEFAULT_CSS = """
    ErrorPanel {
        height: auto;
        margin: 1 0 0 0;
        padding: 0 1;
        border: round $error;
        border-title-color: $error;
        border-title-style: bold;
        background: $error 8%;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.message = ""
        self.display = False

    def show_error(
        self, error: LessonError | str, path: Path | None = None, *, title: str = "error"
    ) -> None:
        self.message = str(error)
        self.border_title = title
        self.update(error_renderable(error, path))
        self.display = True

    def clear(self) -> None:
        if self.message:
            self.message = ""
            self.update("")
        self.display = False
