"""A lesson's knob as the knobs panel needs it: how far `+` and `−` move it, how a typed value
is read and checked (min/max, options, whole numbers), and how it is drawn. No Textual here;
the engine checks the value again when the Run turns it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text

from tutor.app.looks import Looks
from tutor.lesson.text import pick

if TYPE_CHECKING:
    from tutor.lesson.models import Param

Value = float | int | str | bool


@dataclass(frozen=True)
class Knob:
    """A lesson's param as the panel needs it (read from `Lesson.params`, in one language)."""

    name: str
    min: float | None = None
    max: float | None = None
    step: float | None = None
    options: tuple[Value, ...] | None = None
    help: str = ""
    integer: bool = False

    @property
    def stride(self) -> float:
        """How far + and − move it: its `step`, else a round number near a twentieth of its
        range (0.005 for 0.001 … 0.1, not 0.00495)."""
        if self.step:
            return self.step
        if self.min is not None and self.max is not None and self.max > self.min:
            size = (self.max - self.min) / 20
            power = 10 ** math.floor(math.log10(size))
            size = min((1, 2, 5, 10), key=lambda m: abs(m * power - size)) * power
        else:
            size = 0.1
        return max(size, 1.0) if self.integer else size

    def clamp(self, value: float) -> float:
        if self.min is not None:
            value = max(value, self.min)
        if self.max is not None:
            value = min(value, self.max)
        return value

    def nudge(self, value: Value, direction: int) -> Value:
        """One press of + (direction 1) or − (-1): within min/max, or around the options."""
        if self.options:
            index = self.options.index(value) if value in self.options else 0
            return self.options[(index + direction) % len(self.options)]
        moved = self.clamp(float(value) + direction * self.stride)  # type: ignore[arg-type]
        moved = float(f"{moved:.12g}")  # 0.1 + 0.2 is 0.3 here
        return round(moved) if self.integer else moved

    def parse(self, text: str) -> Value:
        """A typed value, checked; raises ValueError with a sentence for the learner."""
        text = text.strip()
        if self.options:
            for option in self.options:
                if text.lower() == str(option).lower():
                    return option
            raise ValueError(f"one of {', '.join(map(str, self.options))}")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a number") from None
        if not math.isfinite(number) or number != self.clamp(number):
            raise ValueError(f"{self.name} lies in [{fmt(self.min)}, {fmt(self.max)}]")
        if self.integer:
            if not number.is_integer():
                raise ValueError(f"{self.name} takes a whole number")
            return int(number)
        return number

    def describe(self, value: Value, selected: bool, looks: Looks) -> Group:
        """The knob's lines in the list: `lr = 0.02`, its help, its range."""
        head = Text.assemble(
            ("▸ " if selected else "  ", f"bold {looks.accent}"),
            (self.name, "bold"),
            " = ",
            (fmt(value), f"bold {looks.primary}"),
        )
        lines = [head]
        if self.help:
            lines.append(Text("  " + self.help, style=looks.muted))
        if self.options:
            options = Text("  ")
            for i, option in enumerate(self.options):
                if i:
                    options.append(" · ", "dim")
                options.append(str(option), f"bold {looks.primary}" if option == value else "dim")
            lines.append(options)
        else:
            span = f"{fmt(self.min)} … {fmt(self.max)}"
            lines.append(Text(f"  {span} · ±{fmt(self.stride)}", style="dim"))
        return Group(*lines)


def fmt(value: Value | None) -> str:
    if value is None:
        return "∞"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def knobs_of(params: Mapping[str, Param], lang: str) -> list[Knob]:
    """A lesson's params as the panel shows them, in the learner's language."""
    return [
        Knob(
            name,
            spec.min,
            spec.max,
            spec.step,
            tuple(spec.options) if spec.options is not None else None,
            pick(spec.help, lang) if spec.help else "",
            isinstance(spec.value, int) and not isinstance(spec.value, bool),
        )
        for name, spec in params.items()
    ]
