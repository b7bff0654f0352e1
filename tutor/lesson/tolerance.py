"""What "close enough" means, once, for every check of a number against the one it should be.

An `expect`, an `ask`'s answer, a prediction revealed later and (from format 1.1) a write
step's checked names all use the same rule as `torch.isclose` with `rtol = atol = tolerance`:
`|given - expected| <= tolerance + tolerance * |expected|`. The defaults are the format's.
"""

from __future__ import annotations

EXPECT_TOLERANCE = 1e-4
"""Default tolerance of an `expect` (and of a write step's checked names)."""
ASK_TOLERANCE = 0.01
"""Default tolerance of an `ask`: an answer typed by a person, to about 1 %."""


def close_enough(given: float, expected: float, tolerance: float) -> bool:
    """The rule: absolute and relative tolerance both `tolerance` (NaN is never close)."""
    return abs(given - expected) <= tolerance + tolerance * abs(expected)
