"""The knobs panel (`k`): each of a lesson's params with its value, range and help.

↑ ↓ pick a knob, + and − move it by its `step` (or to the next of its `options`), ⏎ or a digit
types a value; the panel checks it against min/max and posts `KnobPanel.Changed`. It never runs
anything: the screen turns the knob in the Run (in a worker) and hands the new values back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.console import Group
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tutor.app.knob import Knob, Value
from tutor.app.looks import Looks
from tutor.i18n import N_, _

HELP = N_("↑↓ pick · + − change\n⏎ or 0-9 type · esc close")


class KnobList(OptionList):
    """The knobs, one option each; ⏎ on one starts typing its value."""

    DEFAULT_CSS = """
    KnobList {
        height: auto;
        max-height: 1fr;
        border: none;
        padding: 0;
        background: transparent;
    }
    KnobList:focus { border: none; background-tint: transparent; }
    KnobList > .option-list--option { padding: 0; margin: 0 0 1 0; }
    KnobList > .option-list--option-highlighted { background: $boost; }
    KnobList:focus > .option-list--option-highlighted { background: $primary 25%; }
    """


class KnobInput(Input):
    """Where a value is typed; Escape gives up typing (the knob stays as it was)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("cancel"), show=False)]

    class Cancel(Message):
        """The learner left the box without a value."""

    def action_cancel(self) -> None:
        self.post_message(self.Cancel())


class KnobPanel(Vertical):
    """Hidden until `k`; `load(knobs, values)` fills it, `set_values` redraws the values."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("plus,equals_sign,right_square_bracket", "nudge(1)", N_("more"), show=False),
        Binding("minus,underscore,left_square_bracket", "nudge(-1)", N_("less"), show=False),
        Binding("escape", "close", N_("close knobs"), show=False),
    ]

    DEFAULT_CSS = """
    KnobPanel {
        width: 40;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        border: round $accent 60%;
        border-title-color: $accent;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        background: $surface;
    }
    KnobPanel #knob-input { margin: 0 0 1 0; }
    KnobPanel #knob-note { height: auto; color: $text-muted; }
    KnobPanel #knob-note.-error { color: $error; }
    """

    class Changed(Message):
        """The learner set knob `name` to `value` (already checked)."""

        def __init__(self, name: str, value: Value) -> None:
            super().__init__()
            self.name, self.value = name, value

    class Closed(Message):
        """The panel was closed from the keyboard; focus goes back to the lesson."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.knobs: list[Knob] = []
        self.values: dict[str, Value] = {}
        self.display = False
        self.border_title = _("knobs")

    def compose(self) -> ComposeResult:
        yield KnobList()
        yield KnobInput(id="knob-input", compact=True, select_on_focus=False)
        yield Static(_(HELP), id="knob-note", markup=False)

    def on_mount(self) -> None:
        self.query_one(KnobInput).display = False

    # ------------------------------------------------------------------ content

    def load(self, knobs: Sequence[Knob], values: Mapping[str, Value]) -> None:
        self.knobs = list(knobs)
        self.values = dict(values)
        knob_list = self.query_one(KnobList)
        knob_list.clear_options()
        knob_list.add_options(
            [Option(self._prompt(k, i == 0), id=f"knob-{i}") for i, k in enumerate(self.knobs)]
        )
        if self.knobs:
            knob_list.highlighted = 0
        else:
            self._note(_("This lesson has no knobs."))

    def set_values(self, values: Mapping[str, Value]) -> None:
        """Redraw each knob whose value changed (after a re-run, or a --set)."""
        for name, value in values.items():
            if self.values.get(name) != value:
                self.values[name] = value
                self._redraw(name)

    @property
    def current(self) -> Knob | None:
        index = self.query_one(KnobList).highlighted
        return self.knobs[index] if index is not None and index < len(self.knobs) else None

    def _prompt(self, knob: Knob, selected: bool) -> Group:
        return knob.describe(self.values.get(knob.name, ""), selected, Looks.of(self.app))

    def _redraw(self, name: str) -> None:
        current = self.current
        for i, knob in enumerate(self.knobs):
            if knob.name == name or name == "":
                selected = current is not None and knob.name == current.name
                self.query_one(KnobList).replace_option_prompt_at_index(
                    i, self._prompt(knob, selected)
                )

    def _note(self, text: str, *, error: bool = False) -> None:
        note = self.query_one("#knob-note", Static)
        note.update(text)
        note.set_class(error, "-error")

    # ------------------------------------------------------------------ opening

    def open(self) -> None:
        self.display = True
        self.query_one(KnobList).focus()

    def action_close(self) -> None:
        self.display = False
        self.post_message(self.Closed())

    # ------------------------------------------------------------------ changing

    def action_nudge(self, direction: int) -> None:
        knob = self.current
        if knob is None or self.query_one(KnobInput).has_focus:
            return
        value = self.values.get(knob.name)
        if value is None:
            return
        moved = knob.nudge(value, direction)
        if moved == value:
            end = _("{name} is at its max") if direction > 0 else _("{name} is at its min")
            self._note(end.format(name=knob.name), error=True)
            return
        self._set(knob, moved)

    def _set(self, knob: Knob, value: Value) -> None:
        self.values[knob.name] = value
        self._redraw(knob.name)
        self._note(_(HELP))
        self.post_message(self.Changed(knob.name, value))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._redraw("")  # the ▸ follows the highlight

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.start_typing()

    def on_key(self, event: events.Key) -> None:
        """A digit or a point on the list starts typing a value (− is 'less', not a sign)."""
        char = event.character
        if char and (char.isdigit() or char == ".") and not self.query_one(KnobInput).has_focus:
            event.stop()
            event.prevent_default()
            self.start_typing(char)

    def start_typing(self, first: str = "") -> None:
        knob = self.current
        if knob is None:
            return
        box = self.query_one(KnobInput)
        box.placeholder = f"{knob.name}: " + (
            " / ".join(map(str, knob.options)) if knob.options else _("a number")
        )
        box.value = ""
        box.display = True
        box.focus()
        if first:
            box.insert_text_at_cursor(first)
        self._note(_("⏎ to set {name} · esc to cancel").format(name=knob.name))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        knob = self.current
        if knob is None:
            return
        try:
            value = knob.parse(event.value)
        except ValueError as error:
            self._note(str(error), error=True)
            return
        self._stop_typing()
        if value != self.values.get(knob.name):
            self._set(knob, value)

    def on_knob_input_cancel(self, event: KnobInput.Cancel) -> None:
        event.stop()
        self._stop_typing()
        self._note(HELP)

    def _stop_typing(self) -> None:
        box = self.query_one(KnobInput)
        box.display = False
        self.query_one(KnobList).focus()
