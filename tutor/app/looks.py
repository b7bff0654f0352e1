"""The theme's colours as rich styles, for the renderables that widgets draw themselves.

A widget's own parts take their colours from CSS (component classes); text assembled in
Python (a knob's line, a lesson's row, the step dots) takes them from here, read from the
app's current theme, so a change of theme changes them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from textual.app import App


@dataclass(frozen=True)
class Looks:
    """Colour names rich understands (`#RRGGBB`)."""

    accent: str  # what is selected or current
    primary: str  # values, done steps
    secondary: str  # facts beside a title
    success: str  # done
    muted: str  # help text
    faint: str  # what is not reached yet

    @classmethod
    def of(cls, app: App[object]) -> Looks:
        """The looks of the app's current theme (reading the theme's variables takes ~2 ms,
        so they are kept per app and theme)."""
        theme = app.theme
        kept = _KEPT.get(app)
        if kept is None or kept[0] != theme:
            kept = _KEPT[app] = (theme, cls._read(app))
        return kept[1]

    @classmethod
    def _read(cls, app: App[object]) -> Looks:
        colours = app.get_css_variables()
        return cls(
            accent=colours["accent"],
            primary=colours["primary"],
            secondary=colours["secondary"],
            success=colours["success"],
            muted=colours["foreground-darken-2"],
            faint=colours["panel-lighten-3"],
        )


_KEPT: WeakKeyDictionary[App[object], tuple[str, Looks]] = WeakKeyDictionary()
