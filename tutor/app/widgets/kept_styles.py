"""Styles a widget draws with, read once per theme.

Reading a component class's style, or a widget's own, walks every ancestor; the bars and the
question panel draw on every step change, so they keep what they read until their styles or
the theme change.
"""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


class KeptStyles(Widget):
    """Mixed in before a widget class: `kept_style`."""

    _kept_styles: tuple[str, dict[tuple[int, str], Style]] | None = None

    def kept_style(self, name: str = "", of: Widget | None = None) -> Style:
        """Component class `name` of this widget (or of `of`, a part of it), or the widget's
        own style for no name. Not for a part whose looks change with focus or the mouse."""
        widget = of or self
        theme = self.app.theme
        kept = self._kept_styles
        if kept is None or kept[0] != theme:
            kept = self._kept_styles = (theme, {})
        key = (id(widget), name)
        style = kept[1].get(key)
        if style is None:
            style = widget.get_component_rich_style(name) if name else widget.rich_style
            kept[1][key] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._kept_styles = None
