"""The app's colours: a calm dark theme that lets the heatmaps carry the colour.

The renderers' cell colours (tutor.render.palette) are tuned for a dark, slightly blue-grey
background; this theme sits under them without competing.
"""

from __future__ import annotations

from textual.theme import Theme

TUTOR_THEME = Theme(
    name="tutor",
    primary="#7aa2f7",
    secondary="#89b4c8",
    accent="#e0af68",
    foreground="#c9ccd6",
    background="#17181e",
    surface="#1d1f27",
    panel="#252834",
    success="#8fc97a",
    warning="#e0af68",
    error="#f07178",
    dark=True,
    variables={
        "footer-background": "#1d1f27",
        "footer-key-foreground": "#7aa2f7",
        "footer-description-foreground": "#9a9eb0",
        "block-cursor-background": "#2f3446",
        "block-cursor-foreground": "#e6e8ef",
        "block-cursor-text-style": "none",
        "block-hover-background": "#23262f",
        "input-selection-background": "#7aa2f7 35%",
    },
)
