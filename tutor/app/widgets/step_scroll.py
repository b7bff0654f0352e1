"""The scrolling area of a lesson."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll


class StepScroll(VerticalScroll, inherit_bindings=False):
    """Scrolls with ↑ ↓ and page keys only: ← → and home belong to stepping back and forth."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "scroll up", show=False),
        Binding("down", "scroll_down", "scroll down", show=False),
        Binding("pageup", "page_up", "page up", show=False),
        Binding("pagedown", "page_down", "page down", show=False),
        Binding("ctrl+home", "scroll_home", "top", show=False),
        Binding("ctrl+end", "scroll_end", "bottom", show=False),
    ]

    DEFAULT_CSS = """
    StepScroll {
        height: 1fr;
        padding: 1 1 0 1;
        scrollbar-size-vertical: 1;
        background: $background;
    }
    StepScroll:focus { background-tint: transparent; }
    """
