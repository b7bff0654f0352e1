"""Lesson text (Markdown) that reads well in Chinese as well as in English.

rich wraps only at spaces, so a Chinese paragraph (one long "word") comes out ragged, and
Markdown turns each line break inside a paragraph into a space, which shows between Chinese
sentences. `Prose` joins such lines and breaks Chinese paragraphs between any two characters
(never before closing punctuation), keeping bold, italics and code; anything else (lists,
headings, code blocks) and text without CJK goes to rich's Markdown unchanged.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown
from rich.text import Text

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_SOFT_BREAK = re.compile(f"(?<=[{_CJK}])[ \\t]*\\n[ \\t]*(?=[{_CJK}])")
_NO_LINE_START = set("，。、；：！？）》」』】,.;:!?)")
_INLINE = re.compile(r"\*\*(?P<strong>.+?)\*\*|`(?P<code>[^`]+)`|\*(?P<em>[^*\s][^*]*?)\*")
_BLOCK_START = re.compile(r"^\s*([#>|]|[-*+]\s|\d+[.)]\s|```|~~~)")


def has_cjk(text: str) -> bool:
    return bool(_CJK_CHAR.search(text))


def join_cjk_lines(text: str) -> str:
    """Remove the line breaks an author typed between two Chinese characters."""
    return _SOFT_BREAK.sub("", text)


def inline_markdown(source: str) -> Text:
    """**bold**, *emphasis* and `code` as styled Text; everything else as it is."""
    text = Text()
    position = 0
    for match in _INLINE.finditer(source):
        text.append(source[position : match.start()])
        kind = next(k for k, v in match.groupdict().items() if v is not None)
        style = {"strong": "markdown.strong", "code": "markdown.code", "em": "markdown.em"}
        text.append(match.group(kind), style[kind])
        position = match.end()
    text.append(source[position:])
    return text


def break_offsets(plain: str, width: int) -> list[int]:
    """Where to break `plain` so each line fits `width` cells: at spaces, or between CJK
    characters; a word longer than the line is cut."""
    offsets: list[int] = []
    start = 0
    cells = 0
    last_break = 0
    for i, ch in enumerate(plain):
        w = cell_len(ch)
        if cells + w > width and i > start:
            cut = last_break if last_break > start else i
            offsets.append(cut)
            start = cut
            cells = cell_len(plain[cut:i])
            last_break = start
        cells += w
        nxt = plain[i + 1] if i + 1 < len(plain) else ""
        if ch == " " or (
            nxt
            and nxt not in _NO_LINE_START
            and (_CJK_CHAR.match(ch) or _CJK_CHAR.match(nxt))
            and nxt != " "
        ):
            last_break = i + 1
    return offsets


def wrap(text: Text, width: int) -> list[Text]:
    out = []
    for line in text.divide(break_offsets(text.plain, max(width, 1))):
        line = line[len(line.plain) - len(line.plain.lstrip(" ")) :]
        line.rstrip()
        out.append(line)
    return out


class Prose:
    """Markdown for the console, wrapped the way Chinese readers expect."""

    def __init__(self, markdown: str) -> None:
        self.markdown = join_cjk_lines(markdown.strip("\n"))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not has_cjk(self.markdown):
            yield Markdown(self.markdown)
            return
        blocks = [b for b in re.split(r"\n\s*\n", self.markdown) if b.strip()]
        for n, block in enumerate(blocks):
            if n:
                yield Text("")
            if _BLOCK_START.match(block):
                yield Markdown(block)
                continue
            paragraph = " ".join(line.strip() for line in block.splitlines())
            yield from wrap(inline_markdown(paragraph), options.max_width)
