"""torch's error messages, rewritten as sentences a learner can act on, in their language
(torch's own text, when no rule knows it, stays as torch wrote it)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tutor.i18n import N_, _

_RULES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)"),
        N_("shapes {0}×{1} and {2}×{3} cannot be multiplied ({1} columns against {2} rows)"),
    ),
    (
        re.compile(r"element 0 of tensors does not require grad"),
        N_("this value does not depend on any tensor with 'grad: true', so it has no gradient"),
    ),
    (
        re.compile(r"grad can be implicitly created only for scalar outputs"),
        N_("backward() needs a single number (a loss); take the mean or sum first"),
    ),
    (
        re.compile(r"Trying to backward through the graph a second time"),
        N_("this value's graph was already used by an earlier backward(); compute it again first"),
    ),
    (
        re.compile(r"modified by an inplace operation"),
        N_("a tensor this value was computed from has changed since; compute the value again"),
    ),
    (
        re.compile(r"index (-?\d+) is out of bounds for dimension (\d+) with size (\d+)"),
        N_("index {0} is out of range for dimension {1}, which has size {2}"),
    ),
    (
        re.compile(
            r"Dimension out of range \(expected to be in range of \[(-?\d+), (-?\d+)\], "
            r"but got (-?\d+)\)"
        ),
        N_("dimension {2} does not exist; this tensor has dimensions {0} to {1}"),
    ),
    (
        re.compile(
            r"The size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) "
            r"at non-singleton dimension (\d+)"
        ),
        N_("sizes {0} and {1} do not match in dimension {2}"),
    ),
    (
        re.compile(r"shape '\[(.*?)\]' is invalid for input of size (\d+)"),
        N_("cannot reshape {1} elements into [{0}]"),
    ),
    (
        re.compile(r"Boolean value of Tensor with more than one (value|element)s? is ambiguous"),
        N_("a tensor with several values is neither true nor false; use .any() or .all()"),
    ),
    (
        re.compile(r"a leaf Variable that requires grad is being used in an in-place operation"),
        N_("a tensor with 'grad: true' can only be updated with -=, += ... (outside autograd)"),
    ),
    (
        re.compile(r"expected scalar type (\w+) but found (\w+)"),
        N_("a {1} tensor was given where a {0} one is needed; convert with .float() or .long()"),
    ),
    (
        re.compile(r"a Tensor with (\d+) elements cannot be converted to Scalar"),
        N_("a tensor with {0} values cannot be turned into a single number; pick one first"),
    ),
    (
        re.compile(r"only one element tensors can be converted to Python scalars"),
        N_("only a tensor with one value can be turned into a number"),
    ),
    (re.compile(r"division by zero"), N_("division by zero")),
]


def explain(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    for pattern, template in _RULES:
        match = pattern.search(text)
        if match:
            return _(template).format(*match.groups())
    return text.splitlines()[0][:300]


def shape_text(shape: Iterable[int]) -> str:
    dims = list(shape)
    return "×".join(str(d) for d in dims) if dims else _("scalar")
