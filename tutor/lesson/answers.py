"""A learner's typed answer to an `ask`: a number, or arithmetic on numbers.

An answer is read here, in plain Python over floats, and never by the lesson's evaluator: it
cannot call a lesson function, touch the lesson's state or its random generator, or make a
tensor. What it may hold is what the bundled questions need to be answered by hand: numbers
(`0.25`, `1e-3`, `.5`), `+ - * /`, `**` or `^` with an exponent of at most
MAX_ANSWER_EXPONENT, unary minus, parentheses, the constants `pi` and `e`, and `sqrt`, `exp`,
`log`, `sin`, `cos`, `tanh` (for `q·k / √d`, `−log p`, a positional encoding's `sin`). Its
length is capped, so reading it is bounded in time and memory whatever is pasted.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable

from tutor.i18n import _
from tutor.lesson.clean import clean_line

MAX_ANSWER_CHARS = 200
"""Characters in a typed answer; a longer one is refused unread."""
MAX_ANSWER_EXPONENT = 1024
"""Largest |exponent| of `**` in an answer (a float overflows before that anyway)."""
MAX_ANSWER_NESTING = 100
"""Operators nested in one answer (a sum of 100 terms nests 100 deep); Python's own stack
is never reached."""

_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sqrt": math.sqrt,
    "exp": math.exp,
    "log": math.log,
    "ln": math.log,
    "sin": math.sin,
    "cos": math.cos,
    "tanh": math.tanh,
}
_CONSTANTS = {"pi": math.pi, "π": math.pi, "e": math.e}
_TYPED = str.maketrans({"−": "-", "×": "*", "·": "*", "÷": "/", "^": "**", "√": "sqrt"})


class AnswerError(ValueError):
    """An answer that is not a number or arithmetic on numbers; the message says why."""


def read_answer(text: str) -> float:
    """The number `text` means, or an `AnswerError` with a sentence for the learner, in their
    language."""
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerError(
            _(
                "an answer is a number or a short formula; this one has {n} characters (the "
                "limit is {limit})"
            ).format(n=f"{len(text):,}", limit=MAX_ANSWER_CHARS)
        )
    source = text.strip().translate(_TYPED)
    if not source:
        raise AnswerError(_("type a number, or a formula such as 1/3"))
    if "\x00" in source:
        raise AnswerError(_("the answer holds a NUL character; type a number"))
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise AnswerError(
            _("'{answer}' is not a number or a formula (try 0.25, 1/3 or 2 * sqrt(2))").format(
                answer=_short(text)
            )
        ) from None
    value = _Reader().value(tree.body, 0)
    if not math.isfinite(value):
        raise AnswerError(_("'{answer}' is not a finite number").format(answer=_short(text)))
    return value


class _Reader:
    def value(self, node: ast.AST, depth: int) -> float:
        if depth > MAX_ANSWER_NESTING:
            raise AnswerError(
                _("the formula is nested more than {depth} deep").format(depth=MAX_ANSWER_NESTING)
            )
        match node:
            case ast.Constant(value=bool()):
                pass
            case ast.Constant(value=int() | float() as number):
                return _float(number)
            case ast.Name(id=name) if name in _CONSTANTS:
                return _CONSTANTS[name]
            case ast.UnaryOp(op=ast.USub() | ast.UAdd() as op, operand=operand):
                v = self.value(operand, depth + 1)
                return -v if isinstance(op, ast.USub) else v
            case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINARY:
                return _BINARY[type(op)](self.value(left, depth + 1), self.value(right, depth + 1))
            case ast.Call(func=ast.Name(id=name), args=[arg], keywords=[]) if name in _FUNCTIONS:
                x = self.value(arg, depth + 1)
                try:
                    return _FUNCTIONS[name](x)
                except (ValueError, OverflowError):
                    raise AnswerError(
                        _("{call} is not a number").format(call=f"{name}({x:g})")
                    ) from None
            case ast.Name(id=name):
                raise AnswerError(
                    _(
                        "'{name}' is a name; an answer is a number (the names it knows are pi, "
                        "e and {functions})"
                    ).format(name=_short(name), functions=", ".join(_FUNCTIONS))
                )
        raise AnswerError(
            _(
                "an answer may use numbers, + - * / ** and parentheses, pi, e and {functions}; "
                "not '{part}'"
            ).format(functions=", ".join(_FUNCTIONS), part=_short(ast.unparse(node)))
        )


def _float(number: int | float) -> float:
    try:
        return float(number)
    except OverflowError:
        raise AnswerError(_("that number is too large")) from None


def _divide(a: float, b: float) -> float:
    if b == 0:
        raise AnswerError(_("that divides by zero"))
    return a / b


def _power(a: float, b: float) -> float:
    if abs(b) > MAX_ANSWER_EXPONENT:
        raise AnswerError(_("an exponent may be at most {limit}").format(limit=MAX_ANSWER_EXPONENT))
    try:
        result = a**b
    except (OverflowError, ZeroDivisionError):
        raise AnswerError(_("that power is not a number a question can have")) from None
    if isinstance(result, complex):
        raise AnswerError(_("that power is not a real number"))
    return result


_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: _divide,
    ast.Pow: _power,
}


def _short(text: str, limit: int = 40) -> str:
    text = clean_line(" ".join(text.split()), 10_000)
    return text if len(text) <= limit else text[: limit - 1] + "…"
