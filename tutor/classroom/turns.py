"""Keys in turn: when a whole class presses → at once, the sessions answer a few at a time,
first come first served, instead of all at once.

Thirty apps woken together on two cores share them evenly, so every one of them finishes near
the end of the burst: every student waits as long as the slowest. Handing the keys over in
turns gives the same total work but lets the first students see their frame after one frame's
work, the next after two, and so on: half the wait on average, and no student later than
before. A session's turn ends with its app's first output after the key (the frame is drawn by
then) or after `patience`, for a key that draws nothing. With cores to spare, nobody ever waits
for a turn.

A turn is not all computing: the key crosses the pty, and the app draws at its next frame tick
(Textual draws at most 60 frames a second), so two turns per core keep the cores busy. Measured
with benchmarks/classroom_load.py, 30 sessions on 2 cores pressing together through lesson 01,
p95 by turns per core (two runs each, taken in turn): 2: 107, 116 ms; 3: 128, 143 ms; 4: 129,
154 ms; 8: 124, 125 ms. With one turn per core the cores sat idle while keys crossed the pty.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque

PATIENCE = 0.1
"""Seconds a session keeps its turn when its app shows nothing for a key."""


TURNS_PER_CORE = 2


def cores() -> int:
    """The cores this process may run on (not those of the whole machine)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


class Turns:
    """At most `slots` sessions handle a key at a time; the others wait in order."""

    def __init__(self, slots: int | None = None, patience: float = PATIENCE) -> None:
        self.slots = slots or TURNS_PER_CORE * cores()
        self.patience = patience
        self._busy = 0
        self._waiting: deque[asyncio.Future[None]] = deque()

    async def take(self) -> Turn:
        """Wait for a turn (at once when a slot is free and nobody is waiting)."""
        if self._busy < self.slots and not self._waiting:
            self._busy += 1
        else:
            ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.append(ready)
            try:
                await ready  # the slot is handed over already counted
            except asyncio.CancelledError:
                if ready.done() and not ready.cancelled():
                    self._give_back()
                else:
                    self._waiting.remove(ready)
                raise
        return Turn(self)

    def _give_back(self) -> None:
        while self._waiting:
            ready = self._waiting.popleft()
            if not ready.done():
                ready.set_result(None)  # the slot passes to the next in line
                return
        self._busy -= 1

    @property
    def waiting(self) -> int:
        return len(self._waiting)


class Turn:
    """One session's turn: ended once, by its app's output, its patience, or the session."""

    def __init__(self, turns: Turns) -> None:
        self._turns = turns
        self._timer = asyncio.get_running_loop().call_later(turns.patience, self.end)
        self.ended = False

    def end(self) -> None:
        if not self.ended:
            self.ended = True
            self._timer.cancel()
            self._turns._give_back()
