"""A one-line status of the torch worker: `loading torch… 0.6 s`, then `torch 2.5 ready · cpu`.

It reads the app's `engine_state` (a reactive), so every screen that shows one agrees.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tutor.i18n import _

if TYPE_CHECKING:
    from tutor.app.app import TutorApp

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class EngineStatus(Static):
    """Shows the state of the torch worker and, once loaded, the device lessons will run on."""

    DEFAULT_CSS = """
    EngineStatus {
        height: 1;
        padding: 0 1;
        background: $surface;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._started = time.monotonic()

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self._timer = self.set_interval(0.1, self._tick, pause=True)
        self.watch(self.app, "engine_state", self._changed, init=True)

    def _changed(self, state: str) -> None:
        if state == "loading":
            self._timer.resume()
        else:
            self._timer.pause()
        self.update(self.describe())

    def _tick(self) -> None:
        self.update(self.describe())

    def describe(self) -> Text:
        """The line as it should read now."""
        app = self.tutor
        state = app.engine_state
        engine = app.engine
        if state == "ready" and engine is not None:
            line = Text.assemble(
                ("● ", "green"),
                (_("torch ready"), "bold"),
                (" · ", "dim"),
                (engine.device, ""),
            )
            if engine.device_problem:
                line.append(f"  ⚠ {engine.device_problem}", style="yellow")
            return line
        if state == "failed":
            return Text.assemble(
                ("✗ ", "red"), (_("torch could not load: "), "bold red"), app.engine_error
            )
        elapsed = time.monotonic() - app.engine_started
        frame = SPINNER[int(elapsed * 10) % len(SPINNER)]
        return Text.assemble(
            (f"{frame} ", "yellow"), (_("loading torch…"), "bold"), (f" {elapsed:.1f} s", "dim")
        )
