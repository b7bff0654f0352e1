"""`welcome back`: reopening a lesson with saved progress asks whether to go on where the
learner left or to start over. Dismissed with the step to go to (0: the beginning)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tutor.app.looks import Looks
from tutor.i18n import N_, _


class ResumeScreen(ModalScreen[int]):
    """`r`/⏎ resumes at `step`; `s`/Escape starts over."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r,enter", "resume", N_("resume"), key_display="r"),
        Binding("s,escape", "start_over", N_("start over"), key_display="s"),
    ]

    DEFAULT_CSS = """
    ResumeScreen {
        align: center middle;
        background: $background 70%;
    }
    ResumeScreen > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: round $primary 60%;
        border-title-color: $primary;
        border-title-style: bold;
        background: $surface;
    }
    ResumeScreen #resume-text { height: auto; }
    ResumeScreen Horizontal { height: auto; margin: 1 0 0 0; }
    ResumeScreen Button { margin: 0 2 0 0; }
    """

    def __init__(self, step: int, total: int, step_title: str, done: str = "") -> None:
        super().__init__()
        self.step, self.total, self.step_title, self.done = step, total, step_title, done

    def compose(self) -> ComposeResult:
        box = Vertical()
        box.border_title = _("welcome back")
        where = _("step {k} of {n}").format(k=self.step, n=self.total)
        text = Text.assemble(
            _("You were at "),
            (where, "bold"),
            _(": "),
            (self.step_title, f"bold {Looks.of(self.app).accent}"),
            _("."),
        )
        if self.done:
            text.append(f"\n{self.done}", style="dim")
        with box:
            yield Static(text, id="resume-text")
            with Horizontal():
                yield Button(
                    _("resume at step {k}").format(k=self.step) + "  r",
                    id="resume",
                    variant="primary",
                )
                yield Button(_("start over") + "  s", id="start-over")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    def action_resume(self) -> None:
        self.dismiss(self.step)

    def action_start_over(self) -> None:
        self.dismiss(0)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.step if event.button.id == "resume" else 0)
