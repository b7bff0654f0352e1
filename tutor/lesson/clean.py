"""The one sanitiser for text that leaves the program.

Lesson text, labels, learner-typed values and what an SSH client sends (user names, terminal
types, subsystem names) may hold control characters. Sent raw, an ESC starts a terminal
sequence: a screen clear, a window title, a clipboard write (OSC 52); a CR or a newline in a
log field forges a line. `clean` makes every such character visible instead, so an author
still sees where the stray byte was, and nothing reaches a terminal, a log or an export that
the program did not write itself.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]"
)
_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␀ for NUL, …
    if code == 0x7F:
        return "␡"
    return f"<U+{code:04X}>"


def clean(text: str) -> str:
    """`text` with control characters (C0 but newline and tab, DEL, C1, bidi overrides) shown
    as visible symbols: `\\x1b[2J` becomes `␛[2J`."""
    return _CONTROL.sub(_visible, text) if _CONTROL.search(text) else text


def clean_line(text: str, limit: int = 200) -> str:
    """One field of a log line: every control character visible, newlines and tabs too, and
    cut to `limit` characters (`…` and the length cut) so a 30 KB value logs as a line."""
    text = _LINE.sub(_visible, text) if _LINE.search(text) else text
    if len(text) > limit:
        return f"{text[:limit]}…(+{len(text) - limit} chars)"
    return text
