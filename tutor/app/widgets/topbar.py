"""The one-line bar at the top of every screen: where you are on the left, facts on the right."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from tutor.app.widgets.fitted import Fitted, Part


class TopBar(Fitted, Horizontal):
    """`tutor › Backprop through one linear layer        step 3/8 · cpu`."""

    DEFAULT_CSS = """
    TopBar {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    TopBar > #topbar-brand {
        width: auto;
        padding: 0 1;
        background: $primary 30%;
        color: $text;
        text-style: bold;
    }
    TopBar > #topbar-title {
        width: 1fr;
        padding: 0 1;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    TopBar > #topbar-info {
        width: auto;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
    }
    """

    def __init__(self, title: str = "", info: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = title
        self._info = info

    def compose(self) -> ComposeResult:
        yield Part("tutor", id="topbar-brand")
        yield Part(self._title, id="topbar-title", markup=False)
        yield Part(self._info, id="topbar-info", markup=False)

    def set_title(self, title: str) -> None:
        if title == self._title:
            return
        self._title = title
        self.query_one("#topbar-title", Static).update(title)

    def set_info(self, info: str) -> None:
        if info == self._info:
            return
        self._info = info
        self.query_one("#topbar-info", Static).update(info)

    @property
    def info(self) -> str:
        return self._info

    @property
    def title(self) -> str:
        return self._title
