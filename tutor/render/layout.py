"""Small layout helpers shared by the renderers: which rows of a big tensor to show, and how to
put blocks of lines side by side without ever passing the width on offer.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from rich.text import Text

Pick = list[int | None]
"""Indices to show, in order; None marks the gap drawn as `…` or `⋮`."""


def pick(n: int, limit: int) -> Pick:
    """The indices of `n` items to show in at most `limit` slots, gap included.

    Everything when it fits; otherwise the first and the last items around one gap, the way
    numpy summarises a large array (corners stay visible, so a learner sees where it ends).
    """
    if n <= limit:
        return list(range(n))
    limit = max(limit, 2)
    head = limit // 2
    tail = limit - 1 - head
    return [*range(head), None, *range(n - tail, n)]


def pick_slices(lead: tuple[int, ...], limit: int) -> list[tuple[int, ...] | None]:
    """The leading indices of the 2-D slices of a tensor of rank > 2 to show."""
    every = list(itertools.product(*(range(n) for n in lead)))
    return [None if i is None else every[i] for i in pick(len(every), limit)]


def slice_label(index: tuple[int, ...]) -> str:
    """`[0, :, :]` for the slice at leading index (0,)."""
    return "[" + ", ".join([*(str(i) for i in index), ":", ":"]) + "]"


def fit(text: str, width: int) -> str:
    """`text` cut to `width` cells with a trailing `…` when it is too long."""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + "…" if width > 0 else ""


def width_of(lines: Iterable[Text]) -> int:
    """The widest line, in terminal cells."""
    return max((line.cell_len for line in lines), default=0)


def pad_to(line: Text, width: int) -> Text:
    """A copy of `line` padded with spaces on the right to `width` cells."""
    out = line.copy()
    out.pad_right(max(width - out.cell_len, 0))
    return out


def side_by_side(blocks: Sequence[Sequence[Text]], gap: int = 3) -> list[Text]:
    """Blocks of lines placed next to each other, top-aligned, `gap` spaces apart."""
    widths = [width_of(block) for block in blocks]
    height = max((len(block) for block in blocks), default=0)
    out: list[Text] = []
    for row in range(height):
        line = Text()
        for i, block in enumerate(blocks):
            piece = block[row] if row < len(block) else Text()
            if i < len(blocks) - 1:
                line.append_text(pad_to(piece, widths[i] + gap))
            else:
                line.append_text(piece)
        line.rstrip()
        out.append(line)
    return out


def indent(lines: Iterable[Text], spaces: int) -> list[Text]:
    """`lines`, each moved right by `spaces`."""
    return [Text(" " * spaces) + line if line.plain else line.copy() for line in lines]


def crop(lines: Iterable[Text], width: int) -> list[Text]:
    """`lines` cut to `width` cells, ending in `…` where something was cut."""
    out = []
    for line in lines:
        line = line.copy()
        if line.cell_len > width:
            line.truncate(width, overflow="ellipsis")
        out.append(line)
    return out


def ljust_cells(text: str, width: int) -> str:
    """`str.ljust` by terminal cells, so labels such as 我 and 爱 (two cells each) line up."""
    return text + " " * max(0, width - cell_len(text))


def rjust_cells(text: str, width: int) -> str:
    return " " * max(0, width - cell_len(text)) + text


def center_cells(text: str, width: int) -> str:
    spare = max(0, width - cell_len(text))
    return " " * (spare // 2) + text + " " * (spare - spare // 2)


def fit_labels(labels: Sequence[str] | None, n: int, width: int) -> list[str] | None:
    """`labels` cut to `width`, or None when they do not name exactly `n` things."""
    if labels is None or len(labels) != n:
        return None
    return [fit(str(label), width) for label in labels]
