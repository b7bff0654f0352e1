"""The learner's own lines: a write step's statements and the inspect line's expressions.

A learner's line is held to the lesson's safe subset (parsed by `tutor.lesson.expressions`,
run by the same `Evaluator`) and runs on a copy of the lesson's state, with its own random
generator started where the lesson's stood, under a budget of its own with the same limits.
So nothing a learner types changes the lesson: not its values, not its later random numbers.
What goes wrong comes back as a `LineError`, pinned to the learner's own text for a caret.
"""

from __future__ import annotations

import ast
import threading
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from tutor.engine.capture import tensor_view
from tutor.engine.errors import LessonRuntimeError
from tutor.engine.evaluate import CONSTANTS, EvalError, Evaluator
from tutor.engine.functions import FunctionContext, make_functions
from tutor.engine.limits import Budget, check_state
from tutor.engine.torch_errors import shape_text
from tutor.engine.views import LineError, TensorView
from tutor.i18n import _
from tutor.lesson.errors import LessonError, Pos
from tutor.lesson.expressions import TENSOR_ATTRIBUTES, Code, parse_code
from tutor.lesson.tolerance import EXPECT_TOLERANCE

if TYPE_CHECKING:
    from tutor.engine.run import Run

LEARNER_FILE = "your line"  # stands where a lesson's file name would, never shown
MAX_LINE_CHARS = 2_000
"""Characters of one learner's line (a write step's statements, an inspect expression)."""


@dataclass(frozen=True)
class WriteCheck:
    """A learner's statements against a write step's reference.

    `error` when they did not parse or broke (with the caret's place); else `passed`, or the
    first checked `name` that differs and `message` saying where: `W[0, 1] is 0.52; it should
    be 0.48`.
    """

    passed: bool
    error: LineError | None = None
    name: str = ""
    message: str = ""
    ran: bool = True  # False when the line did not parse or the subset refused it: no try


def parse_line(text: str, mode: str) -> Code | LineError:
    """The learner's line checked against the subset: 'exec' statements (`;` between them)
    or one 'eval' expression; the problem, with its column, when it is not allowed."""
    line = text.strip()
    if not line:
        if mode == "exec":
            return LineError(_("nothing to run: type a statement"), "", 1)
        return LineError(_("nothing to run: type an expression"), "", 1)
    if len(line) > MAX_LINE_CHARS:
        return LineError(
            _("the line is {n} characters long; the limit is {limit}").format(
                n=f"{len(line):,}", limit=f"{MAX_LINE_CHARS:,}"
            ),
            "",
            1,
        )
    try:  # context "": the learner's own line, said in their language with no place named
        return parse_code(
            line, mode=mode, file=LEARNER_FILE, origin=Pos(1, 1), block=True, context=""
        )
    except LessonError as e:
        problem = e.first  # the caret shows where
        return LineError(problem.message, _line(line, problem.pos.line), problem.pos.col)


def check_write(run: Run, k: int, text: str, cancel: threading.Event | None = None) -> WriteCheck:
    """Run the learner's statements on a copy of the state before step k (a write step) and
    compare every checked name with the reference's value after step k, within the step's
    tolerance (default EXPECT_TOLERANCE, the rule of `tutor.lesson.tolerance`)."""
    code = run.file.code[k - 1]
    if not code.write:
        raise ValueError(f"step {k} is not a write step")
    parsed = parse_line(text, "exec")
    if isinstance(parsed, LineError):
        return WriteCheck(False, parsed, ran=False)
    state, rng = run.copy_at(k - 1)
    _value, broke = _execute(run, parsed, state, rng, cancel)
    if broke is not None:
        return WriteCheck(False, broke)
    reference, _rng = run.copy_at(k)
    tolerance = run.lesson.steps[k - 1].tolerance or EXPECT_TOLERANCE
    evaluator = Evaluator(run.functions, run.params)  # reads only: no random numbers drawn
    for check in code.check:
        want = evaluator.eval(check.tree, reference)
        try:
            got = evaluator.eval(check.tree, state)
        except LessonRuntimeError as e:
            said = _("{name}: {problem}").format(name=check.text, problem=e.message)
            return WriteCheck(False, None, check.text, said)
        message = differs(check.text, got, want, tolerance)
        if message:
            return WriteCheck(False, None, check.text, message)
    return WriteCheck(True)


def inspect(
    run: Run, text: str, k: int, cancel: threading.Event | None = None
) -> TensorView | LineError:
    """One expression evaluated on a copy of the state after step k, drawn as a value."""
    parsed = parse_line(text, "eval")
    if isinstance(parsed, LineError):
        return parsed
    state, rng = run.copy_at(k)
    value, broke = _execute(run, parsed, state, rng, cancel)
    if broke is not None:
        return broke
    tree = parsed.tree.body if isinstance(parsed.tree, ast.Expression) else None
    labels = run.labels.get(tree.id, (None, None)) if isinstance(tree, ast.Name) else (None, None)
    try:
        return tensor_view(parsed.text, value, labels)
    except LessonRuntimeError as e:
        return LineError(e.message, parsed.text, 1)


def names_in_scope(run: Run, k: int) -> list[str]:
    """What a line typed at step k may name: the state's values, the params, the tutor's
    functions and constants (sorted; for completion)."""
    return sorted({*run.state_names(k), *run.params, *run.functions, *CONSTANTS})


def attributes() -> list[str]:
    """The tensor attributes a line may read after a '.', sorted (for completion)."""
    return sorted(TENSOR_ATTRIBUTES, key=str.lower)


def differs(name: str, got: Any, want: Any, tolerance: float) -> str:
    """Why `got` is not `want` (shape, then the worst value), or "" when they match within
    `tolerance` by the one rule (`torch.isclose` with rtol = atol = tolerance)."""
    a, b = _numbers(got), _numbers(want)
    if b is None:
        return ""  # the reference's value is no number (a list, None): nothing to compare
    if a is None:
        return _("{name} should be a tensor of shape {shape}").format(
            name=name, shape=shape_text(b.shape)
        )
    if a.shape != b.shape:
        return _("{name} has shape {got}; it should be {want}").format(
            name=name, got=shape_text(a.shape), want=shape_text(b.shape)
        )
    wrong = ~torch.isclose(a, b, rtol=tolerance, atol=tolerance, equal_nan=True)
    if not bool(wrong.any()):
        return ""
    if a.dim() == 0:
        got, want = _pair(a.item(), b.item())
        return _("{name} is {got}; it should be {want}").format(name=name, got=got, want=want)
    diff = torch.where(wrong, (a - b).abs().nan_to_num(nan=float("inf")), 0.0)
    index = tuple(int(i) for i in torch.unravel_index(diff.argmax(), diff.shape))
    at = ", ".join(map(str, index))
    got, want = _pair(a[index].item(), b[index].item())
    return _("{name}[{index}] is {got}; it should be {want}").format(
        name=name, index=at, got=got, want=want
    )


# ---------------------------------------------------------------------------------------------


def _execute(
    run: Run,
    code: Code,
    state: dict[str, Any],
    rng: torch.Tensor,
    cancel: threading.Event | None,
) -> tuple[Any, LineError | None]:
    """Run `code` on `state` with a generator of its own and a budget of its own (the Run's
    may be sizing a step on another thread): an expression's value, or what broke."""
    generator = torch.Generator(device="cpu")
    generator.set_state(rng)
    evaluator = Evaluator(
        make_functions(FunctionContext(run.device, run.dtype, generator)), run.params
    )
    budget = Budget()
    tree = code.tree
    parts: list[ast.AST] = [tree.body] if isinstance(tree, ast.Expression) else list(tree.body)
    value: Any = None
    with warnings.catch_warnings(), budget.running(run.seconds, _("your line"), cancel):
        warnings.simplefilter("ignore")
        for part in parts:
            try:
                budget.tick()
                if isinstance(part, ast.stmt):
                    evaluator.statement(part, state)
                    check_state(state)
                else:
                    value = evaluator.expr(part, state)
            except EvalError as e:
                return None, _located(
                    code, e.node if hasattr(e.node, "lineno") else part, e.message
                )
            except LessonRuntimeError as e:
                return None, _located(code, part, e.message)
            except (MemoryError, RecursionError) as e:
                if isinstance(e, MemoryError):
                    return None, _located(code, part, _("this ran out of memory"))
                return None, _located(code, part, _("this nests too deeply"))
    return value, None


def _located(code: Code, node: ast.AST, message: str) -> LineError:
    line = _line(code.text, getattr(node, "lineno", 1))
    offset = getattr(node, "col_offset", 0)
    # the parser counts columns in UTF-8 bytes; the caret goes under characters
    col = len(line.encode()[:offset].decode(errors="ignore")) + 1
    return LineError(message, line, col)


def _line(text: str, lineno: int) -> str:
    lines = text.splitlines() or [""]
    return lines[min(max(lineno, 1), len(lines)) - 1]


def _numbers(value: Any) -> torch.Tensor | None:
    if isinstance(value, torch.Size):
        value = list(value)
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", torch.float64)
    if isinstance(value, bool | int | float) or (
        isinstance(value, list) and all(isinstance(v, int) for v in value)
    ):
        return torch.tensor(value, dtype=torch.float64)
    return None


def _pair(got: float, want: float) -> tuple[str, str]:
    """`0.52` and `0.48`: digits enough to tell them apart."""
    for digits in (4, 6, 9):
        a, b = f"{got:.{digits}g}", f"{want:.{digits}g}"
        if a != b:
            break
    return a, b


__all__ = [
    "LEARNER_FILE",
    "MAX_LINE_CHARS",
    "WriteCheck",
    "attributes",
    "check_write",
    "differs",
    "inspect",
    "names_in_scope",
    "parse_line",
]
