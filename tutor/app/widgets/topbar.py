"""The one-line bar at the top of every screen: where you are on the left, facts on the right."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.strip import Strip

from tutor.app.widgets.line_bar import LineBar, bar


class TopBar(LineBar):
    """`tutor › Backprop through one linear layer        step 3/8 · cpu`: one widget, one
    line, drawn again only when the title, the facts or the width change (`LineBar`)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"topbar--brand", "topbar--title", "topbar--info"}

    DEFAULT_CSS = """
    TopBar {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    TopBar > .topbar--brand { background: $primary 30%; color: $text; text-style: bold; }
    TopBar > .topbar--title { text-style: bold; }
    TopBar > .topbar--info { color: $text-muted; }
    """

    def __init__(self, title: str = "", info: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = title
        self._info = info

    def set_title(self, title: str) -> None:
        if title != self._title:
            self._title = title
            self.changed()

    def set_info(self, info: str) -> None:
        if info != self._info:
            self._info = info
            self.changed()

    @property
    def info(self) -> str:
        return self._info

    @property
    def title(self) -> str:
        return self._title

    def content(self) -> tuple[str, str]:
        return self._title, self._info

    def line(self, width: int) -> Strip:
        style = self.part_style
        brand = Text(" tutor ", style=style("topbar--brand"))
        title = Text(self._title, style=style("topbar--title"))
        info = Text(f" {self._info} " if self._info else "", style=style("topbar--info"))
        return bar(self, brand, title, info, width, self.part_style(""), pad=1)
