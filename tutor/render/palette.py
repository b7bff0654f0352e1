"""The colours every renderer shares, and the rule that turns a number into one.

Values are drawn on a diverging scale: negative numbers blue, positive ones red-orange, zero a
calm neutral, so the sign of a gradient can be read at a glance. When every value is >= 0
(counts, probabilities, pixels) the scale is sequential instead: neutral for 0, warm for the
largest value. Colour only ever repeats what the printed number already says, so a transcript
read without colour (NO_COLOR, a pipe, a screen reader) loses nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rich.color import Color
from rich.console import Console
from rich.style import Style

RGB = tuple[int, int, int]

# Text colours (for numbers printed on the terminal's own background).
FG_NEUTRAL: RGB = (150, 150, 150)
FG_NEGATIVE: RGB = (98, 160, 250)
FG_POSITIVE: RGB = (248, 132, 82)

# Cell backgrounds (heatmaps): dark in the middle so small values stay quiet.
BG_NEUTRAL: RGB = (44, 44, 50)
BG_NEGATIVE: RGB = (52, 112, 214)
BG_POSITIVE: RGB = (214, 84, 48)
BG_HIGH: RGB = (246, 184, 92)  # the top of the sequential scale, past BG_POSITIVE
BG_NAN: RGB = (120, 60, 120)

# Styles for the words around the numbers.
NAME = Style(bold=True)
META = Style(dim=True)
LABEL = Style(color="cyan")
OK = Style(color="green", bold=True)
FAIL = Style(color="red", bold=True)
WARN = Style(color="yellow")
OP = Style(color="magenta")
SERIES: tuple[str, ...] = ("#f0884f", "#5fa0f5", "#7cc77c", "#d67ed6", "#e0c050", "#5fc8c8")
"""Line colours of a plot, one per series, in order."""


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour a fraction `t` of the way from `a` to `b`."""
    t = min(max(t, 0.0), 1.0)
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def to_color(rgb: RGB) -> Color:
    return Color.from_rgb(*rgb)


def readable_on(rgb: RGB) -> RGB:
    """Near-black or near-white text, whichever reads better on the background `rgb`."""
    luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255
    return (24, 24, 28) if luminance > 0.55 else (236, 236, 236)


def has_colour(console: Console) -> bool:
    """Whether `console` will show colours at all (a pipe or NO_COLOR will not)."""
    return console.color_system is not None and not console.no_color


@dataclass(frozen=True)
class Scale:
    """Maps a value to a colour: diverging around 0 from `-limit` to `limit`, or sequential
    from 0 to `limit` when `diverging` is False.

    One scale is made per tensor, so the reddest cell is always that tensor's largest value.
    """

    limit: float
    diverging: bool

    @classmethod
    def for_values(cls, data: np.ndarray) -> Scale:
        """The scale that fits `data`: sequential when nothing is negative."""
        values = np.asarray(data)
        if values.dtype == np.bool_:
            return cls(1.0, diverging=False)
        if values.size == 0 or not np.issubdtype(values.dtype, np.number):
            return cls(0.0, diverging=False)
        finite = values[np.isfinite(values)].astype(np.float64)
        if finite.size == 0:
            return cls(0.0, diverging=False)
        lo, hi = float(finite.min()), float(finite.max())
        return cls(max(abs(lo), abs(hi)), diverging=lo < 0)

    def position(self, value: float) -> float:
        """Where `value` lies: -1..1 on a diverging scale, 0..1 on a sequential one."""
        if self.limit <= 0 or math.isnan(value):
            return 0.0
        t = max(-1.0, min(1.0, value / self.limit))
        return t if self.diverging else max(t, 0.0)

    def text_rgb(self, value: float) -> RGB:
        """The colour of the number itself, for tables printed on the terminal's background."""
        if math.isnan(value):
            return BG_NAN
        t = self.position(value)
        end = FG_NEGATIVE if t < 0 else FG_POSITIVE
        return mix(FG_NEUTRAL, end, abs(t) ** 0.7)

    def cell_rgb(self, value: float) -> RGB:
        """The background of a heatmap cell."""
        if math.isnan(value):
            return BG_NAN
        t = self.position(value)
        if t < 0:
            return mix(BG_NEUTRAL, BG_NEGATIVE, (-t) ** 0.8)
        if self.diverging or t <= 0.7:
            top = 1.0 if self.diverging else 0.7
            return mix(BG_NEUTRAL, BG_POSITIVE, (t / top) ** 0.8)
        return mix(BG_POSITIVE, BG_HIGH, (t - 0.7) / 0.3)

    def text_style(self, value: float) -> Style:
        """`text_rgb` as a rich style."""
        return Style(color=to_color(self.text_rgb(value)))

    def cell_style(self, value: float) -> Style:
        """`cell_rgb` as a rich style, with text that stays readable on it."""
        bg = self.cell_rgb(value)
        return Style(color=to_color(readable_on(bg)), bgcolor=to_color(bg))
