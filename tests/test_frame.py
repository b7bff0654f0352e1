"""The question's frame, drawn by its parts: every line exactly as wide as asked, the title
set into the top edge (cut short when the line is narrow), nothing lost at tiny widths."""

from __future__ import annotations

from rich.style import Style
from textual.strip import Strip

from tutor.app.widgets.frame import GUTTER, Frame

FRAME = Frame(edge=Style(color="yellow"), title=Style(bold=True), fill=Style(bgcolor="black"))


def test_each_line_is_as_wide_as_the_line_it_draws_at_any_width() -> None:
    for width in range(0, 30):
        inner = FRAME.inner(width)
        content = [Strip.blank(inner)]
        lines = [
            FRAME.top(width, "predict"),
            FRAME.top(width, "a title far longer than the frame is wide"),
            *FRAME.sides(content, width),
            FRAME.blank(width),
            FRAME.bottom(width),
        ]
        assert [line.cell_length for line in lines] == [width] * len(lines), width
        assert inner == max(0, width - GUTTER)


def test_the_frame_reads_as_a_box_with_its_title() -> None:
    width = 20
    inside = Strip.blank(FRAME.inner(width))
    text = [FRAME.top(width, "predict").text, FRAME.sides([inside], width)[0].text]
    text.append(FRAME.bottom(width).text)
    assert text == [
        " ╭─ predict ──────╮ ",
        " │" + " " * 16 + "│ ",
        " ╰────────────────╯ ",
    ]
    title = next(s for s in FRAME.top(width, "predict") if "predict" in s.text)
    assert title.style == FRAME.title
    assert "…" in FRAME.top(12, "a long title").text
