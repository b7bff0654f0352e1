"""Text wrapped the way its language breaks lines: Chinese (Japanese, Korean) between any two
characters, other words at spaces.

rich breaks lines at spaces only and folds a word wider than the line: a Chinese sentence
with a `ReLU` or a `3×3` in it is cut into "words" at those spaces, and each run of Chinese
that does not fit moves whole to the next line, leaving ragged lines. `Wrapped` gives every
CJK character (with the punctuation that must not start a line) its own place to break.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

CJK = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
CLOSING = "，。、；：！？）」』》〉】,.;:!?)\u3000"
TOKEN = re.compile(rf"[{CJK}][{CLOSING}]*|[^\s{CJK}]+[{CLOSING}]*\s*|\s+")


def break_points(plain: str, width: int) -> list[int]:
    """Offsets where lines start (after the first), filling each line up to `width` cells."""
    points: list[int] = []
    used = 0
    for match in TOKEN.finditer(plain):
        token = match.group()
        visible = cell_len(token.rstrip())
        if used and used + visible > width:
            points.append(match.start())
            used = 0
        if visible > width:  # a word wider than the line: fold it by character
            for i, char in enumerate(token.rstrip()):
                size = cell_len(char)
                if used and used + size > width:
                    points.append(match.start() + i)
                    used = 0
                used += size
            used += cell_len(token) - visible
        else:
            used += cell_len(token)
    return points


class Wrapped:
    """`text` wrapped by `break_points`, each line without trailing spaces."""

    def __init__(self, text: Text | str, style: str = "") -> None:
        self.text = Text(text, style=style) if isinstance(text, str) else text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, min(options.max_width, self.text.cell_len))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        for line in self.text.divide(break_points(self.text.plain, width)):
            line.rstrip()
            yield from line.render(console)
            yield Segment.line()
