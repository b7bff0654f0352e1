"""How numbers are written: one format per tensor, so that a column of values lines up and
`-2.5000` never sits next to `1.5`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from tutor.i18n import _

Kind = Literal["fixed", "sci", "int", "bool"]


def _is_zero(text: str) -> bool:
    return all(ch in "0." for ch in text)


@dataclass(frozen=True)
class NumberFormat:
    """Writes the numbers of one tensor: fixed decimals, scientific, integers, or T/F.

    Made with `for_values`, which chooses from the largest magnitude: `digits` decimals below
    10 (at least two significant digits for small values), fewer decimals for large values,
    scientific notation below 0.001 or from 10^(digits+1); every value gets the same format.
    """

    kind: Kind
    decimals: int = 0

    @classmethod
    def for_values(cls, data: np.ndarray, *, digits: int = 4) -> NumberFormat:
        """The format for every value of `data`."""
        values = np.asarray(data)
        if values.dtype == np.bool_:
            return cls("bool")
        if np.issubdtype(values.dtype, np.integer):
            return cls("int")
        finite = values[np.isfinite(values)] if values.size else values
        biggest = float(np.abs(finite).max()) if finite.size else 0.0
        if biggest == 0.0:
            return cls("fixed", digits)
        exponent = math.floor(math.log10(biggest))
        if biggest < 1e-3 or exponent > digits:
            return cls("sci", max(digits - 1, 1))
        if exponent >= 0:
            return cls("fixed", max(digits - exponent, 0))
        return cls("fixed", max(digits, 1 - exponent))

    def __call__(self, value: float | int | bool) -> str:
        """`value` written in this format."""
        if self.kind == "bool":
            return "T" if bool(value) else "F"
        if self.kind == "int":
            return str(int(value))
        number = float(value)
        if math.isnan(number):
            return "nan"
        if math.isinf(number):
            return "inf" if number > 0 else "-inf"
        if self.kind == "sci":
            text = f"{number:.{self.decimals}e}"
            return text[1:] if text.startswith("-") and float(text) == 0 else text
        text = f"{number:.{self.decimals}f}"
        return text[1:] if text.startswith("-") and _is_zero(text[1:]) else text


def format_scalar(value: float | int | bool, dtype: str = "number") -> str:
    """A single number as a learner expects to read it: `0.25`, `3`, `True`, `1e-07`."""
    if dtype == "bool" or isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if dtype in {"long", "int64", "int32", "int"} or isinstance(value, (int, np.integer)):
        return str(int(value))
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        return NumberFormat("fixed")(number)
    text = f"{number:.6g}"
    if not any(ch in text for ch in ".e"):
        text += ".0"
    return "0.0" if text == "-0.0" else text


def format_shape(shape: tuple[int, ...]) -> str:
    """`4×2`, or `scalar` for a 0-d tensor."""
    return "×".join(str(n) for n in shape) if shape else _("scalar")


def format_small(data: np.ndarray, *, digits: int = 4) -> str:
    """A small array on one line, nested like the lesson writes it: `[[-2.5], [-3.5]]`."""
    values = np.asarray(data)
    if values.ndim == 0:
        item = values.item()
        if isinstance(item, float) and math.isfinite(item):
            text = f"{item:.{digits}g}"
            text = "0" if text == "-0" else text
            return text if any(ch in text for ch in ".e") else text + ".0"
        return format_scalar(item)
    parts = (format_small(item, digits=digits) for item in values)
    return "[" + ", ".join(parts) + "]"


def format_difference(value: float) -> str:
    """A difference that may be tiny: `1.2e-07`, `0.031`, `0`."""
    if value == 0:
        return "0"
    if math.isnan(value) or math.isinf(value):
        return format_scalar(value)
    if abs(value) < 1e-3 or abs(value) >= 1e5:
        return f"{value:.1e}"
    return f"{value:.3g}"
