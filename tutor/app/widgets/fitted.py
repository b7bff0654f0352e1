"""Widgets that one layout pass settles.

After laying the screen out, Textual gives every widget its new size; a widget whose virtual
size changed asks for the whole screen to be laid out again (its `virtual_size` reactive has
`layout=True`). That second pass matters for a widget that scrolls, whose scroll bars may come
or go; for one that cannot scroll it changes nothing, yet costs as much as the first, on every
step change, since the parts of a step change height; and the same reactive repaints the widget
in a second frame, though the first has just painted it at its new size. Declaring it without
layout or repaint on these widgets halves what a key costs (tests/test_app_layout.py counts the
passes and the frames).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive


class Fitted:
    """Mixed in before a widget that cannot scroll: its size needs no second layout pass."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=False)
