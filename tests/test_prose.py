"""Lesson text in Chinese: no stray spaces from line breaks, lines filled to the width."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console

from tutor.render.prose import Prose, break_offsets, join_cjk_lines

ZH = (
    "对每一行做 softmax，分数变成正数，并且每行加起来等于 1：\n"
    "这就是每个词元分给**其他词元**的注意力。把输出加起来再调用 `backward`，就能得到梯度。"
)


def text_of(renderable: object, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width, color_system=None, record=True)
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_line_breaks_between_chinese_characters_are_removed() -> None:
    assert join_cjk_lines("等于 1：\n这就是") == "等于 1：这就是"
    assert join_cjk_lines("in English\nstays") == "in English\nstays"


def test_chinese_fills_each_line_and_never_overflows() -> None:
    lines = [line for line in text_of(Prose(ZH), 40) if line]
    assert all(cell_len(line) <= 40 for line in lines)
    assert cell_len(lines[0]) >= 38  # filled, not ragged at the first space
    assert "其他词元" in "".join(lines) and "**" not in "".join(lines)


def test_no_line_starts_with_closing_punctuation() -> None:
    text = "一二三四五六七八九，十"
    for width in range(4, 14):
        for cut in break_offsets(text, width):
            assert text[cut] != "，"


def test_english_is_plain_markdown() -> None:
    lines = text_of(Prose("Every prediction is a **weighted** sum\nplus a bias."), 80)
    assert lines[0] == "Every prediction is a weighted sum plus a bias."
