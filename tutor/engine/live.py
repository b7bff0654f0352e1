"""Live text's numbers: a value from the state written into a sentence.

A number is written as the tensors are drawn (4 decimals, trailing zeros kept; scientific when
tiny or huge), a one-element tensor as its number, a small tensor as its values in brackets,
and an author's format spec (`.2e`, `.1%`, `d`) as Python writes it.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from tutor.engine.errors import LessonRuntimeError
from tutor.i18n import _

DECIMALS = 4
MAX_ELEMENTS = 16
"""A tensor with more values than this does not fit in a sentence: refused, with its shape."""


def format_value(value: Any, spec: str = "") -> str:
    """`value` as a sentence shows it; `spec` is Python's format spec for a number."""
    if isinstance(value, torch.Size):
        value = list(value)
    if isinstance(value, torch.Tensor):
        if value.numel() == 1:
            value = value.detach().reshape(()).item()
        elif value.numel() > MAX_ELEMENTS:
            shape = "×".join(str(d) for d in value.shape)
            raise LessonRuntimeError(
                _(
                    "a {shape} tensor is too large to write in a sentence "
                    "(at most {limit} values); write one value, such as x[0] or x.mean()"
                ).format(shape=shape, limit=MAX_ELEMENTS)
            )
        else:
            value = value.detach().cpu().tolist()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(v, spec) for v in value) + "]"
    if isinstance(value, str):
        return value
    if not isinstance(value, bool | int | float):
        raise LessonRuntimeError(
            _("this is not a number or a tensor, so it cannot be written here")
        )
    if spec:
        try:
            return format(int(value) if spec.endswith("d") else value, spec)
        except (ValueError, OverflowError) as e:
            raise LessonRuntimeError(
                _("the format '{spec}' does not fit {value}: {why}").format(
                    spec=spec, value=repr(value), why=e
                )
            ) from None
    if isinstance(value, bool | int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value != 0 and (abs(value) < 10**-DECIMALS or abs(value) >= 1e6):
        return f"{value:.{DECIMALS - 1}e}"
    text = f"{value:.{DECIMALS}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text
