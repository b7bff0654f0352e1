"""The keys of the screen on one line at the bottom; a click on one presses it.

Textual's Footer is a widget per key, recomposed whenever the bindings change: a dozen widgets
laid out again on every key press, for a line that never changes while a lesson is read. This
is one widget that draws that line once per set of keys and width (`LineBar`).
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.screen import Screen
from textual.strip import Strip

from tutor.app.widgets.line_bar import LineBar, bar
from tutor.i18n import _

_Key = tuple[str, str, str, bool]  # key, as shown, description, enabled


class KeyBar(LineBar):
    """`→ next  ← back  h hint  …`: the shown bindings of the focused widget, its screen and
    the app, as Textual's Footer lists them."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $surface;
        link-background-hover: $block-hover-background;
    }
    KeyBar > .keybar--key { color: $footer-key-foreground; text-style: bold; }
    KeyBar > .keybar--description { color: $footer-description-foreground; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: tuple[_Key, ...] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        keys = self._active_keys()
        if keys != self._keys:
            self._keys = keys
            self.changed()

    def _active_keys(self) -> tuple[_Key, ...]:
        """One entry per action, the first of its keys, in the order the Footer shows them."""
        seen: dict[str, _Key] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                shown = self.app.get_key_display(binding)
                seen[binding.action] = (binding.key, shown, binding.description, enabled)
        return tuple(seen.values())

    def content(self) -> tuple[_Key, ...]:
        if self._keys is None:
            self._keys = self._active_keys()
        return self._keys

    def line(self, width: int) -> Strip:
        key_style = self.part_style("keybar--key")
        description_style = self.part_style("keybar--description")
        line = Text()
        for key, shown, description, enabled in self._keys or ():
            press = Style(meta={"@click": f"app.simulate_key({key!r})"}) if enabled else None
            item = Text.assemble(
                (f" {shown} ", key_style), (f"{_(description)} ", description_style)
            )
            if press is None:
                item.stylize("dim")
            else:
                item.stylize(press)
            line.append_text(item)
        return bar(self, line, Text(), Text(), width, self.part_style(""))
