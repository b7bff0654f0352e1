"""What the server does to a student's terminal, whichever door they came in by: the window
size a client sends, clamped; the terminal name it claims, checked; and the modes the app
switched on, switched off again when a session ends."""

from __future__ import annotations

import fcntl
import re
import struct
import termios

MIN_SIDE = 10
MAX_COLUMNS, MAX_ROWS = 500, 200
"""Window sizes are clamped to MIN_SIDE..these: a pty holds 16 bits, a client may send 32, and
a screen of a million cells is minutes of work for the app, not a terminal (a 4K display in a
small font is about 480×135)."""
DEFAULT_SIZE = (80, 24)  # for a client that says 0 (size unknown)
TERM_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")
FALLBACK_TERM = "xterm-256color"
RESTORE_TERMINAL = (
    b"\x18"  # cancel an escape sequence the app was cut off in the middle of
    b"\x1b[?2026l\x1b[0m"  # end a synchronized frame; plain colours
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?1016l"  # mouse reporting off
    b"\x1b[?1004l\x1b[?2004l\x1b[?2048l"  # focus events, bracketed paste, in-band resize off
    b"\x1b[?1049l\x1b[?25h"  # back from the alternate screen, cursor shown
)
"""What a session's end sends the student's terminal, whoever ended it: the modes Textual
switches on, switched off, so the terminal is usable without `reset`."""


def clamp_size(size: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Columns and rows within MIN_SIDE..MAX_COLUMNS/MAX_ROWS (0, unknown, becomes 80x24);
    pixel sizes within 16 bits. A client sends 32-bit sizes; a pty holds 16."""
    width, height, pixwidth, pixheight = size
    width = min(max(width or DEFAULT_SIZE[0], MIN_SIDE), MAX_COLUMNS)
    height = min(max(height or DEFAULT_SIZE[1], MIN_SIDE), MAX_ROWS)
    return width, height, min(max(pixwidth, 0), 0xFFFF), min(max(pixheight, 0), 0xFFFF)


def set_size(fd: int, size: tuple[int, int, int, int]) -> None:
    width, height, pixwidth, pixheight = size
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, pixwidth, pixheight))
