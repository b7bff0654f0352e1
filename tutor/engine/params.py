"""Knob values from the command line (`--set lr=0.5`) or the param panel, checked."""

from __future__ import annotations

import math
from typing import Any

from tutor.engine.errors import LessonRuntimeError
from tutor.i18n import _
from tutor.lesson.models import Param


def coerce_param(name: str, spec: Param, value: Any) -> Any:
    """`value` (text or a number) as the param's type, inside its range or options."""
    if spec.options is not None:
        for option in spec.options:
            if value == option or str(value).lower() == str(option).lower():
                return option  # `--set causal=false` finds the option false
        raise LessonRuntimeError(
            _("'{name}' must be one of {options}").format(
                name=name, options=", ".join(map(str, spec.options))
            )
        )
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise LessonRuntimeError(
            _("'{name}' takes a number, not '{value}'").format(name=name, value=value)
        ) from None
    if not math.isfinite(number):  # NaN passes every comparison with the range below
        raise LessonRuntimeError(
            _("'{name}' takes a finite number, not {value}").format(name=name, value=value)
        )
    if (spec.min is not None and number < spec.min) or (spec.max is not None and number > spec.max):
        raise LessonRuntimeError(
            _("'{name}' must lie in [{low}, {high}]; {value} does not").format(
                name=name, low=spec.min, high=spec.max, value=value
            )
        )
    if isinstance(spec.value, int) and number.is_integer():
        return int(number)
    return number


def parse_assignment(text: str) -> tuple[str, str]:
    """'lr=0.5' → ('lr', '0.5')."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise LessonRuntimeError(_("--set takes name=value, not '{text}'").format(text=text))
    return name.strip(), value.strip()
