"""A Run steps through a lesson with real torch, forward and back.

Every step's result is kept as a frame: a copy of the state after it, the random generator's
state, and what the step showed. Stepping back (and forward again over steps already run)
restores a frame; nothing is recomputed and the numbers are exactly those seen before.

To compute a new step the live state must sit just before it. Frames whose tensors are all
leaves can be resumed from directly; a frame holding a value with an autograd graph cannot
(the graph is not copied), so the Run replays from the latest resumable frame instead. Turning
a knob drops the frames from the first step that reads it and replays up to where the learner
stood.
"""

from __future__ import annotations

import ast
import functools
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from tutor.engine.capture import (
    attention_view,
    compare_view,
    confusion_view,
    graph_view,
    heatmap_view,
    tensor_view,
)
from tutor.engine.device import choose_device, one_thread
from tutor.engine.errors import LessonRuntimeError
from tutor.engine.evaluate import CONSTANTS, EvalError, Evaluator
from tutor.engine.functions import FunctionContext, make_functions
from tutor.engine.limits import (
    MAX_KEPT_BYTES,
    STEP_SECONDS,
    Budget,
    Cancelled,
    check_state,
    state_bytes,
)
from tutor.engine.live import format_value
from tutor.engine.params import coerce_param
from tutor.engine.scratch import WriteCheck, check_write, inspect
from tutor.engine.tensors import build_tensor
from tutor.engine.views import (
    ExpectResult,
    LineError,
    PlotView,
    StepView,
    SweepView,
    TensorView,
    View,
)
from tutor.i18n import _
from tutor.lesson import Code, LessonError, LessonFile, ShowCode, flow, pick
from tutor.lesson.answers import AnswerError, read_answer
from tutor.lesson.expressions import assigned
from tutor.lesson.live import fill
from tutor.lesson.models import Param
from tutor.lesson.text import TextValue
from tutor.lesson.tolerance import ASK_TOLERANCE, EXPECT_TOLERANCE, close_enough

# called after each iteration of a `repeat` with (iteration, series so far); False stops it
Progress = Callable[[int, Mapping[str, list[float]]], bool]

_Method = Callable[..., Any]


def _cancellable(method: _Method) -> _Method:
    """A public call that may compute: `Run.cancel()` from another thread stops it. The cancel
    flag is cleared when the outermost such call starts, so a stale cancel stops nothing."""

    @functools.wraps(method)
    def call(self: Run, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            if self._depth == 0:
                self._cancel.clear()
            self._depth += 1
        try:
            return method(self, *args, **kwargs)
        finally:
            with self._lock:
                self._depth -= 1

    return call


@dataclass(frozen=True)
class StepOutcome:
    """What running one step produced."""

    views: tuple[View, ...] = ()
    expects: tuple[ExpectResult, ...] = ()
    error: LessonError | None = None
    expect_errors: tuple[LessonError, ...] = ()  # located, for `tutor check`
    answer: float | None = None  # the value an `ask` expects, from the live computation
    series: dict[str, list[float]] = field(default_factory=dict)
    iterations: int = 0  # of a repeat; fewer than asked when stopped
    seconds: float = 0.0
    filled: dict[str, str] = field(default_factory=dict)  # each `{{ … }}` of the step's text
    not_run: str = ""  # with keep_going: why the step was left out ("reads 'y', broken in 3")

    @property
    def ok(self) -> bool:
        return self.error is None and all(e.ok for e in self.expects)


@dataclass(frozen=True)
class AnswerCheck:
    correct: bool
    expected: float
    given: float | None
    message: str = ""  # why the answer could not be read, when it could not


@dataclass(frozen=True)
class _SweepRun:
    """One value's run of a `sweep` step: what it recorded and showed."""

    label: str  # "lr = 0.005"
    series: dict[str, list[float]]
    xs: list[float]
    shown: tuple[View, ...]


@dataclass
class _Stored:
    value: Any
    source: Any  # the live object it was copied from, to skip copying it again unchanged
    version: tuple[int, ...]
    requires_grad: bool = False
    grad: torch.Tensor | None = None


@dataclass
class _Frame:
    values: dict[str, _Stored]
    rng: torch.Tensor
    resumable: bool
    outcome: StepOutcome | None = None


class Run:
    """One learner's pass through one lesson. Positions: 0 = before step 1, k = after step k."""

    def __init__(
        self,
        lesson: LessonFile,
        *,
        device: str | None = None,
        params: Mapping[str, Any] | None = None,
        lang: str = "en",
        seconds: float = STEP_SECONDS,
        keep_going: bool = False,
    ) -> None:
        """`keep_going` (for `tutor check`): a broken step leaves the state as it was before
        it and the lesson goes on; a later step that reads what a broken step would have
        assigned is not run (its outcome says why), so one run finds every problem."""
        self.file = lesson
        self.keep_going = keep_going
        self._broken: dict[str, int] = {}  # with keep_going: name -> the step that broke it
        self.seconds = seconds  # the time budget of one step (see tutor.engine.limits)
        self._budget = Budget()
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._depth = 0  # nesting of cancellable calls running now
        self._grown = 0  # bytes assigned since the state's size was last counted
        self.lesson = lesson.lesson
        self.lang = lang
        self.device = choose_device(device, self.lesson.device)
        one_thread()
        self.dtype = torch.float64 if self.lesson.dtype == "float64" else torch.float32
        self.params: dict[str, Any] = {k: p.value for k, p in self.lesson.params.items()}
        for name, value in (params or {}).items():
            self.params[name] = self._coerce(name, value)
        self.generator = torch.Generator(device="cpu")
        self.functions = make_functions(FunctionContext(self.device, self.dtype, self.generator))
        self.evaluator = Evaluator(self.functions, self.params)
        self.labels = {
            name: _labels(spec.labels, lang) for name, spec in self.lesson.tensors.items()
        }
        self.position = 0
        self._frames: list[_Frame | None] = [None] * (self.total + 1)
        self._live: dict[str, Any] = {}
        self._live_at = -1
        self._frames[0] = self._start()

    @property
    def total(self) -> int:
        return len(self.lesson.steps)

    # ------------------------------------------------------------------ moving

    def cancel(self) -> None:
        """Stop the computation running now (from any thread: the app's, on `q` or Ctrl-C).

        It stops at the next torch operation or statement; the call that was computing
        (`forward`, `prepare`, `goto`, `set_param`, `run_all`) raises `Cancelled`, the stopped
        step keeps no frame and the Run stands at the last step it completed. Nothing happens
        when nothing is computing."""
        with self._lock:
            if self._depth:
                self._cancel.set()

    @_cancellable
    def forward(self, progress: Progress | None = None) -> bool:
        """Run (or restore) the next step. False at the end or when the current step failed."""
        if self.position >= self.total or self.blocked:
            return False
        target = self.position + 1
        if self._frames[target] is None:
            self._compute(target, progress)
        self.position = target
        return True

    @_cancellable
    def prepare(self) -> bool:
        """Compute the next step ahead of the learner, without moving, so that `forward` only
        restores it. The numbers are those `forward` would compute (the random generator's
        state is kept per frame). False when there is nothing to compute."""
        target = self.position + 1
        if target > self.total or self.blocked or self._frames[target] is not None:
            return False
        self._compute(target, None)
        return True

    def back(self) -> bool:
        """Step back: the values are restored exactly as they were, nothing re-runs."""
        if self.position == 0:
            return False
        self.position -= 1
        return True

    @_cancellable
    def goto(self, k: int, progress: Progress | None = None) -> None:
        """Move to position k, computing what is missing; stops early at a failing step.
        `progress` sees every repeat computed on the way (the step is `position + 1`)."""
        k = max(0, min(k, self.total))
        if k <= self.position:
            self.position = k
            return
        while self.position < k and self.forward(progress):
            pass

    def restart(self) -> None:
        self.position = 0

    @_cancellable
    def run_all(self, progress: Progress | None = None) -> list[StepOutcome]:
        while self.forward(progress):
            pass
        return [self.outcome(k) for k in range(1, self.position + 1)]

    @property
    def blocked(self) -> bool:
        if self.keep_going:
            return False
        outcome = self.outcome(self.position) if self.position else None
        return bool(outcome and outcome.error)

    def outcome(self, k: int | None = None) -> StepOutcome:
        k = self.position if k is None else k
        frame = self._frames[k]
        if frame is None or frame.outcome is None:
            raise IndexError(f"step {k} has not been run")
        return frame.outcome

    def done(self, k: int) -> bool:
        frame = self._frames[k]
        return frame is not None and frame.outcome is not None

    def value(self, name: str, k: int | None = None) -> Any:
        """A value as it was after step k (a copy; changing it changes nothing)."""
        frame = self._frames[self.position if k is None else k]
        if frame is None or name not in frame.values:
            raise KeyError(name)
        return _restore({name: frame.values[name]})[name]

    # ------------------------------------------------------------------ knobs

    @_cancellable
    def set_param(self, name: str, value: Any, progress: Progress | None = None) -> int:
        """Change a knob; returns the first step that re-ran (0 when none reads it).
        `progress` is passed to every repeat that re-runs, as in `goto`."""
        value = self._coerce(name, value)
        if self.params.get(name) == value:
            return 0
        self.params[name] = value
        first = next(iter(flow.readers(self.file.code, name)), 0)
        if not first:
            return 0
        for k in range(first, self.total + 1):
            self._frames[k] = None
        if self._live_at >= first:
            self._live_at = -1
        stood = self.position
        self.position = first - 1
        self.goto(stood, progress)
        return first

    def readers(self, name: str) -> list[int]:
        return flow.readers(self.file.code, name)

    def at_default(self, name: str) -> bool:
        """Whether knob `name` stands at the lesson's own value (its `expect`s apply)."""
        return self.params[name] == self._coerce(name, self.lesson.params[name].value)

    def _coerce(self, name: str, value: Any) -> Any:
        spec: Param | None = self.lesson.params.get(name)
        if spec is None:
            known = ", ".join(self.lesson.params) or "none"
            raise LessonRuntimeError(
                _("this lesson has no param '{name}' (its params: {known})").format(
                    name=name, known=known
                )
            )
        return coerce_param(name, spec, value)

    # ------------------------------------------------------------------ questions

    def check_answer(self, k: int, text: str) -> AnswerCheck:
        """A learner's answer to step k's `ask`: a number or arithmetic on numbers ("1/3"),
        read by `tutor.lesson.answers`, never by the lesson's evaluator: an answer cannot call
        a lesson function, read the state or draw from the lesson's random generator."""
        outcome = self.outcome(k)
        step = self.lesson.steps[k - 1]
        expected = outcome.answer
        if expected is None:
            raise ValueError(f"step {k} asks no numeric question")
        tolerance = step.tolerance or ASK_TOLERANCE
        try:
            given = read_answer(text)
        except AnswerError as e:
            return AnswerCheck(False, expected, None, str(e))
        return AnswerCheck(close_enough(given, expected, tolerance), expected, given)

    def check_choice(self, k: int, index: int) -> bool:
        choose = self.lesson.steps[k - 1].choose
        if choose is None:
            raise ValueError(f"step {k} has no multiple-choice question")
        return index == choose.answer

    # ------------------------------------------------------------------ the learner's lines

    def copy_at(self, k: int) -> tuple[dict[str, Any], torch.Tensor]:
        """A copy of the values after step k and the random generator's state there: what a
        learner's line runs on (tutor.engine.scratch), so nothing it does reaches the lesson.
        Values are copied, autograd graphs are not (a kept frame holds none)."""
        frame = self._frames[k]
        if frame is None:
            raise IndexError(f"step {k} has not been run")
        return _restore(frame.values), frame.rng.clone()

    def state_names(self, k: int | None = None) -> list[str]:
        """The names the state holds after step k (default: where the learner stands)."""
        frame = self._frames[self.position if k is None else k]
        return list(frame.values) if frame is not None else []

    @_cancellable
    def check_write(self, k: int, text: str) -> WriteCheck:
        """The learner's statements for write step k, against its reference (see
        tutor.engine.scratch); `cancel()` stops them like a step."""
        return check_write(self, k, text, self._cancel)

    @_cancellable
    def inspect(self, text: str, k: int | None = None) -> TensorView | LineError:
        """One expression on a copy of the state after step k (default: the current one)."""
        return inspect(self, text, self.position if k is None else k, self._cancel)

    # ------------------------------------------------------------------ what to draw

    def text(self, k: int, value: TextValue | None) -> str:
        """A text of step k in the learner's language, its `{{ … }}` filled with the values of
        step k as last computed: the same sentence changes when a knob re-runs the step."""
        filled = self.outcome(k).filled if self.done(k) else {}
        return fill(pick(value, self.lang), filled)

    def view(self, k: int | None = None) -> StepView:
        k = self.position if k is None else k
        if k == 0:
            return StepView(
                0,
                self.total,
                pick(self.lesson.title, self.lang),
                pick(self.lesson.summary, self.lang),
            )
        step = self.lesson.steps[k - 1]
        outcome = self.outcome(k)
        return StepView(
            index=k,
            total=self.total,
            title=pick(step.title, self.lang),
            text=self.text(k, step.text),
            code="\n".join(s.strip("\n") for s in step.statements),
            backward=step.backward or "",
            repeat=step.repeat or 0,
            views=outcome.views,
            expects=outcome.expects,
            error=str(outcome.error) if outcome.error else "",
        )

    # ------------------------------------------------------------------ computing

    def _start(self) -> _Frame:
        self.generator.manual_seed(self.lesson.seed)
        state: dict[str, Any] = {}
        folder = self.file.path.resolve().parent
        for name, spec in self.lesson.tensors.items():
            try:
                building = _("building tensor '{name}'").format(name=name)
                with self._budget.running(self.seconds, building):
                    state[name] = build_tensor(
                        spec, folder, device=self.device, dtype=self.dtype, generator=self.generator
                    )
                check_state(state)
                self._check_labels(name, state[name])
            except (LessonRuntimeError, OSError, RuntimeError, ValueError, MemoryError) as e:
                message = e.message if isinstance(e, LessonRuntimeError) else str(e)
                said = _("tensor '{name}': {problem}").format(name=name, problem=message)
                raise self.file.problem(self.file.where("tensors", name), said) from None
        self._live, self._live_at = state, 0
        return self._snapshot(state, None, None)

    def _check_labels(self, name: str, value: Any) -> None:
        """Labels that fit no axis of their tensor would vanish from the drawing: refused."""
        rows, cols = self.labels[name]
        shape = tuple(value.shape) if isinstance(value, torch.Tensor) else ()
        if (rows is None and cols is None) or not shape:
            return
        if rows == cols:  # one list: it names the rows or the columns, whichever it fits
            if rows is not None and len(rows) not in (shape[0], shape[-1]):
                raise LessonRuntimeError(
                    _(
                        "{n} labels, and the tensor's shape is {shape}: labels name every row "
                        "or every column"
                    ).format(n=len(rows), shape="×".join(map(str, shape)))
                )
            return
        _fit_axis(rows, shape[0], "row")
        _fit_axis(cols, shape[-1] if len(shape) > 1 else shape[0], "column")

    def to_compute(self, target: int) -> range:
        """The steps that reaching `target` would execute: none when its frame is kept, else
        it and the steps replayed before it (from the latest frame that can be resumed)."""
        if self._frames[target] is not None:
            return range(0)
        if self._live_at == target - 1:
            return range(target, target + 1)
        return range(self._resumable(target - 1) + 1, target + 1)

    def _compute(self, target: int, progress: Progress | None) -> None:
        if self.keep_going:
            reason = self._depends_on_broken(target)
            if reason:  # left out: the state after it is the state before it
                previous = self._frames[target - 1]
                assert previous is not None
                self._frames[target] = _Frame(
                    previous.values, previous.rng, previous.resumable, StepOutcome(not_run=reason)
                )
                self._break(target)
                return
        try:
            if self._live_at != target - 1:
                self._resume(target - 1)
            outcome = self._execute(target, self._live, progress)
        except Cancelled:
            self._live_at = -1  # the live state is half-run: never continue from it
            raise
        if outcome.error and self.keep_going:
            previous = self._frames[target - 1]
            assert previous is not None
            self._frames[target] = _Frame(
                previous.values, previous.rng, previous.resumable, outcome
            )
            self._break(target)
        else:
            self._frames[target] = self._keep(target, outcome)
        self._live_at = -1 if outcome.error else target  # never continue a half-run step

    def _depends_on_broken(self, k: int) -> str:
        """Why step k cannot run after a broken step ("" when it can): it reads a name the
        broken step would have assigned."""
        for name in sorted(flow.step_reads(self.file.code[k - 1])):
            if name in self._broken:
                if name == flow.GRAD:
                    return _("reads gradients, which step {k} could not compute").format(
                        k=self._broken[name]
                    )
                return _("reads '{name}', which step {k} could not compute").format(
                    name=name, k=self._broken[name]
                )
        return ""

    def _break(self, k: int) -> None:
        for name in flow.writes(self.file.code[k - 1]):
            self._broken.setdefault(name, k)

    def _skipped(self, k: int) -> bool:
        """A step left out by keep_going (broken, or reading what broke): replays skip it."""
        frame = self._frames[k]
        return (
            self.keep_going
            and frame is not None
            and frame.outcome is not None
            and bool(frame.outcome.error or frame.outcome.not_run)
        )

    def _keep(self, target: int, outcome: StepOutcome) -> _Frame:
        """The step's frame, within MAX_KEPT_BYTES for all frames together; a step that would
        pass it (or runs out of memory copying) fails, located, and keeps no values."""
        previous = self._frames[target - 1]
        assert previous is not None
        problem = ""
        try:
            # counted before copying: what is kept already, and at most the live state again
            kept = state_bytes(
                st.value for f in self._frames if f is not None for st in f.values.values()
            ) + state_bytes(self._live.values())
            if kept > MAX_KEPT_BYTES:
                problem = _(
                    "keeping this step to step back to would hold {size} MB for the lesson; "
                    "the limit is {limit} MB"
                ).format(size=f"{kept / 2**20:,.0f}", limit=f"{MAX_KEPT_BYTES / 2**20:,.0f}")
            else:
                frame = self._snapshot(self._live, outcome, previous)
        except MemoryError:
            problem = _("the machine ran out of memory keeping this step to step back to")
        if not problem:
            return frame
        code = self.file.code[target - 1]
        first = code.run[0] if code.run else None
        pos = first.origin if first is not None else self.file.where("steps", target - 1)
        error = self.file.problem(
            pos, _("in step {k}: {problem}").format(k=target, problem=problem)
        )
        failed = StepOutcome(error=error, seconds=outcome.seconds)
        return _Frame(previous.values, self.generator.get_state(), False, failed)

    def _resumable(self, k: int) -> int:
        """The latest position up to k whose frame can be resumed (holds no graph)."""
        return max(j for j in range(k + 1) if (f := self._frames[j]) is not None and f.resumable)

    def _resume(self, k: int) -> None:
        """Put the live state at position k: from the latest resumable frame, replaying."""
        q = self._resumable(k)
        frame = self._frames[q]
        assert frame is not None
        self._live = _restore(frame.values)
        self.generator.set_state(frame.rng)
        self._live_at = q
        for j in range(q + 1, k + 1):
            self._live_at = -1
            if not self._skipped(j):
                self._execute(j, self._live, None)
            self._live_at = j

    def _execute(self, k: int, state: dict[str, Any], progress: Progress | None) -> StepOutcome:
        with (
            warnings.catch_warnings(),  # torch's warnings would scribble over the screen
            self._budget.running(self.seconds, _("this step"), self._cancel),
        ):
            warnings.simplefilter("ignore")
            self._budget.tick()
            return self._execute_quietly(k, state, progress)

    def _execute_quietly(
        self, k: int, state: dict[str, Any], progress: Progress | None
    ) -> StepOutcome:
        step = self.lesson.steps[k - 1]
        code = self.file.code[k - 1]
        started = time.perf_counter()
        series: dict[str, list[float]] = {c.text: [] for c in code.plot}
        xs: list[float] = []
        iterations = 0
        try:
            runs = self._sweep(k, state) if step.sweep else []
            iterations = self._body(k, state, progress, series, xs)
            views = self._views(k, state, series, xs, runs)
            expects, located = self._expects(k, state)
            answer = None
            if code.answer is not None:
                answer = self._located(
                    code.answer,
                    k,
                    lambda: _scalar(self.evaluator.eval(code.answer.tree, state)),
                )  # type: ignore[union-attr]
            filled = {
                p.key: self._located(
                    p.code, k, lambda p=p: format_value(self._eval(p.code, state, k), p.spec)
                )
                for p in code.texts
            }
        except LessonError as error:
            return StepOutcome(
                error=error,
                series=series,
                iterations=iterations,
                seconds=time.perf_counter() - started,
            )
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        return StepOutcome(
            views,
            expects,
            None,
            located,
            answer,
            series,
            iterations,
            time.perf_counter() - started,
            filled,
        )

    def _body(
        self,
        k: int,
        state: dict[str, Any],
        progress: Progress | None,
        series: dict[str, list[float]],
        xs: list[float],
    ) -> int:
        """The step's statements (`repeat` times, recording what `plot` draws), then its
        `backward`; returns the iterations run."""
        step = self.lesson.steps[k - 1]
        code = self.file.code[k - 1]
        iterations = 0
        if step.repeat:
            for i in range(step.repeat):
                state["i"] = i
                for c in code.run:
                    self._exec(c, state, k)
                for c in code.plot:
                    series[c.text].append(self._plotted(c, state, k))
                if code.plot_x is not None:
                    xs.append(self._plotted(code.plot_x, state, k))
                iterations = i + 1
                if progress is not None and progress(i, series) is False:
                    break
        else:
            for c in (*code.run, *code.write):  # a write step computes its reference
                self._exec(c, state, k)
        if code.backward is not None:
            self._backward(code.backward, state, k)
        return iterations

    def _sweep(self, k: int, state: dict[str, Any]) -> list[_SweepRun]:
        """A `sweep` step's runs, one per value, each on a copy of the state before the step and
        from the same random state; the live state is left before the step, for the run at the
        knob's current value (the state after the step)."""
        sweep = self.lesson.steps[k - 1].sweep
        assert sweep is not None
        code = self.file.code[k - 1]
        before = self._snapshot(state, None, None).values
        # a value computed with a graph is kept without it: restored as a plain value, not as a
        # leaf that asks for gradients (an assignment to such a leaf would update it in place)
        graphs = [n for n, v in state.items() if isinstance(v, torch.Tensor) and v.grad_fn]
        rng = self.generator.get_state()
        current = self.params[sweep.param]
        runs = []
        try:
            for raw in sweep.values:
                value = self._located_knob(k, sweep.param, raw)
                copy = _restore(before)
                copy.update({n: copy[n].detach() for n in graphs})
                self.generator.set_state(rng)
                self.params[sweep.param] = value
                series: dict[str, list[float]] = {c.text: [] for c in code.plot}
                xs: list[float] = []
                self._body(k, copy, None, series, xs)
                shown = tuple(self._show(s, copy, k) for s in code.show)
                runs.append(_SweepRun(f"{sweep.param} = {raw}", series, xs, shown))
        finally:
            self.params[sweep.param] = current
            self.generator.set_state(rng)
        return runs

    def _located_knob(self, k: int, name: str, value: Any) -> Any:
        try:
            return self._coerce(name, value)
        except LessonRuntimeError as e:
            where = self.file.where("steps", k - 1, "sweep", "values")
            said = _("in step {k}, {problem}").format(k=k, problem=e.message)
            raise self.file.problem(where, said) from None

    def _exec(self, code: Code, state: dict[str, Any], k: int) -> None:
        for statement in code.statements:
            self._located(code, k, lambda s=statement: self._statement(s, state), statement)

    def _statement(self, statement: ast.stmt, state: dict[str, Any]) -> None:
        """One statement, then the budgets checked between statements: the clock (a
        `repeat` of cheap statements has no torch operation to stop at) and the state's size."""
        self._budget.tick()
        self.evaluator.statement(statement, state)
        # the whole state is counted once what the statements assigned adds up to 16 MB:
        # counting every tensor after every statement cost more than the lessons' arithmetic
        names = [t.id for t in assigned(statement)]
        self._grown += state_bytes(state[n] for n in names if n in state)
        if self._grown > _RECOUNT_BYTES:
            self._grown = 0
            check_state(state)

    def _plotted(self, code: Code, state: Mapping[str, Any], k: int) -> float:
        """One point of a `plot`: a single number, or a located sentence saying it is not."""
        value = self._eval(code, state, k)
        return self._located(code, k, lambda: _scalar(value, code.text))

    def _eval(self, code: Code, state: Mapping[str, Any], k: int) -> Any:
        return self._located(code, k, lambda: self.evaluator.eval(code.tree, state))

    def _located(
        self, code: Code, k: int, action: Callable[[], Any], statement: ast.AST | None = None
    ) -> Any:
        try:
            return action()
        except EvalError as e:
            node = e.node if hasattr(e.node, "lineno") else statement
            quoted = code.segment(node) if node is not None else code.text
            raise self.file.problem(code.pos(node), _at(k, quoted, e.message)) from None
        except LessonRuntimeError as e:
            quoted = code.segment(statement) if statement is not None else code.text
            raise self.file.problem(code.pos(statement), _at(k, quoted, e.message)) from None
        except (MemoryError, RecursionError) as e:
            quoted = code.segment(statement) if statement is not None else code.text
            if isinstance(e, MemoryError):
                problem = _("this ran out of memory")
            else:
                problem = _("this nests too deeply")
            raise self.file.problem(code.pos(statement), _at(k, quoted, problem)) from None

    def _backward(self, code: Code, state: dict[str, Any], k: int) -> None:
        value = self._eval(code, state, k)

        def run() -> None:
            if not isinstance(value, torch.Tensor):
                raise LessonRuntimeError(
                    _("backward needs a tensor; '{code}' is a number").format(code=code.text)
                )
            if value.numel() != 1:
                raise LessonRuntimeError(
                    _(
                        "backward needs a single number (a loss); '{code}' has {n} values; "
                        "take its mean or sum first"
                    ).format(code=code.text, n=value.numel())
                )
            try:
                value.backward()
            except RuntimeError as e:
                from tutor.engine.torch_errors import explain

                raise LessonRuntimeError(explain(e)) from None

        self._located(code, k, run)

    def _views(
        self,
        k: int,
        state: dict[str, Any],
        series: dict[str, list[float]],
        xs: list[float],
        runs: list[_SweepRun],
    ) -> tuple[View, ...]:
        code = self.file.code[k - 1]
        views: list[View] = [
            SweepView(s.label, tuple(r.label for r in runs), tuple(r.shown[n] for r in runs))
            if runs
            else self._show(s, state, k)
            for n, s in enumerate(code.show)
        ]
        if code.compare:
            left, right = (
                self._located(
                    c,
                    k,
                    lambda c=c: tensor_view(
                        c.text, self.evaluator.eval(c.tree, state), self._labels_of(c)
                    ),
                )
                for c in code.compare
            )
            views.append(compare_view(left, right))
        if code.plot:
            if runs:  # one curve per value (and per name, when several are plotted)
                several = len(code.plot) > 1
                series = {
                    f"{name} · {r.label}" if several else r.label: values
                    for r in runs
                    for name, values in r.series.items()
                }
                x = {
                    f"{name} · {r.label}" if several else r.label: r.xs
                    for r in runs
                    for name in r.series
                }
            else:
                x = {name: xs for name in series}
            spec = self.lesson.steps[k - 1].plot
            views.append(
                PlotView(
                    dict(series),
                    title=pick(self.lesson.steps[k - 1].title, self.lang),
                    x=x if code.plot_x is not None else {},
                    x_name=code.plot_x.text if code.plot_x is not None else "",
                    log=bool(spec and spec.log),
                )
            )
        return tuple(views)

    def _show(self, show: ShowCode, state: dict[str, Any], k: int) -> View:
        def value(c: Code) -> Any:
            return self.evaluator.eval(c.tree, state)

        def build() -> View:
            spec = show.spec
            if show.kind == "name":
                return tensor_view(show.label, value(show.code), self._labels_of(show.code))
            if show.kind in ("tensor", "heatmap"):
                own = self._labels_of(show.code)
                rows = self._label_list(spec.rows if spec else None, 0)
                cols = self._label_list(spec.cols if spec else None, 1)
                shown = value(show.code)
                if isinstance(shown, torch.Tensor) and shown.dim() == 1:  # drawn as one row
                    _fit_axis(rows, shown.shape[0], "row")
                    _fit_axis(cols, shown.shape[0], "column")
                elif isinstance(shown, torch.Tensor) and shown.dim():
                    _fit_axis(rows, shown.shape[0], "row")
                    _fit_axis(cols, shown.shape[-1], "column")
                make = tensor_view if show.kind == "tensor" else heatmap_view
                return make(show.label, shown, (rows or own[0], cols or own[1]))
            if show.kind == "attention":
                rows = self._label_list(spec.rows if spec else None, 0)
                cols = self._label_list(spec.cols if spec else None, 1)
                return attention_view(show.label, value(show.code), rows, cols)
            if show.kind == "confusion":
                labels = spec.confusion.labels if spec and spec.confusion else None
                return confusion_view(
                    show.label,
                    value(show.code),
                    value(show.extra["target"]),
                    tuple(labels) if labels else None,
                )
            return graph_view(show.label, value(show.code), state)

        return self._located(show.code, k, build)

    def _labels_of(self, code: Code) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        tree = code.tree.body if isinstance(code.tree, ast.Expression) else None
        if isinstance(tree, ast.Name) and tree.id in self.labels:
            return self.labels[tree.id]
        return None, None

    def _label_list(
        self, given: str | list[str] | dict[str, list[str]] | None, axis: int
    ) -> tuple[str, ...] | None:
        if given is None:
            return None
        if not isinstance(given, str):
            return _in_language(given, self.lang)
        if given in self.labels:
            rows, cols = self.labels[given]
            return rows or cols
        raise LessonRuntimeError(
            _(
                "'{name}' has no labels; give the tensor 'labels: [...]' or "
                "write the labels here as a list"
            ).format(name=given)
        )

    def _expects(
        self, k: int, state: Mapping[str, Any]
    ) -> tuple[tuple[ExpectResult, ...], tuple[LessonError, ...]]:
        step = self.lesson.steps[k - 1]
        tolerance = step.tolerance or EXPECT_TOLERANCE
        results, located = [], []
        step_code = self.file.code[k - 1]
        for n, (code, expected) in enumerate(step_code.expect):
            knobs = step_code.expect_knobs[n] if n < len(step_code.expect_knobs) else ()
            turned = [p for p in sorted(knobs) if not self.at_default(p)]
            if turned:  # the author's check of the defaults: it does not apply
                results.append(ExpectResult(code.text, True, "", ", ".join(turned)))
                continue
            actual = self._eval(code, state, k)
            ok, message = _matches(actual, expected, tolerance)
            results.append(
                ExpectResult(code.text, ok, message, got=None if ok else _literal(actual))
            )
            if not ok:
                said = _("in step {k}, expected {code}: {problem}")
                located.append(
                    self.file.problem(
                        code.origin, said.format(k=k, code=code.text, problem=message)
                    )
                )
        return tuple(results), tuple(located)

    def _snapshot(
        self, state: Mapping[str, Any], outcome: StepOutcome | None, previous: _Frame | None
    ) -> _Frame:
        old = previous.values if previous else {}
        values: dict[str, _Stored] = {}
        memo: dict[int, _Stored] = {}
        resumable = True
        for name, value in state.items():
            if id(value) in memo:
                values[name] = memo[id(value)]
                continue
            stored = old.get(name)
            version = _version(value)
            if stored is None or stored.source is not value or stored.version != version:
                stored = _store(value, version)
            memo[id(value)] = values[name] = stored
            if isinstance(value, torch.Tensor) and value.grad_fn is not None:
                resumable = False
        return _Frame(values, self.generator.get_state(), resumable, outcome)


_RECOUNT_BYTES = 16 * 2**20


def _fit_axis(labels: tuple[str, ...] | None, n: int, axis: str) -> None:
    """Labels that would vanish from the drawing because they do not fit: refused."""
    if labels is not None and len(labels) != n:
        said = (
            _("{labels} row labels, and the tensor has {n} rows")
            if axis == "row"
            else _("{labels} column labels, and the tensor has {n} columns")
        )
        raise LessonRuntimeError(said.format(labels=len(labels), n=n))


def _labels(spec: Any, lang: str) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """A tensor spec's labels as (rows, cols), in the learner's language."""
    if spec is None:
        return None, None
    if isinstance(spec, list | dict):
        names = _in_language(spec, lang)
        return names, names
    return _in_language(spec.rows, lang), _in_language(spec.cols, lang)


def _in_language(
    labels: list[str] | dict[str, list[str]] | None, lang: str
) -> tuple[str, ...] | None:
    """A list of labels, or the list of a per-language map in `lang` (as `pick` chooses text)."""
    if labels is None:
        return None
    if isinstance(labels, dict):
        for code in (lang, "en"):
            if code in labels:
                return tuple(labels[code])
        return tuple(next(iter(labels.values()), []))
    return tuple(labels)


def _version(value: Any) -> tuple[int, ...]:
    if not isinstance(value, torch.Tensor):
        return ()
    grad = value.grad if value.is_leaf else None
    return (value._version, id(grad), grad._version if grad is not None else -1)


def _store(value: Any, version: tuple[int, ...]) -> _Stored:
    if isinstance(value, torch.Tensor):
        grad = value.grad if value.is_leaf else None
        return _Stored(
            value.detach().clone(),
            value,
            version,
            value.requires_grad,
            grad.detach().clone() if grad is not None else None,
        )
    if isinstance(value, list | tuple):
        copied = type(value)(
            v.detach().clone() if isinstance(v, torch.Tensor) else v for v in value
        )
        return _Stored(copied, value, version)
    return _Stored(value, value, version)


def _restore(values: Mapping[str, _Stored]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    memo: dict[int, Any] = {}
    for name, stored in values.items():
        if id(stored) in memo:
            out[name] = memo[id(stored)]
            continue
        value = stored.value
        if isinstance(value, torch.Tensor):
            value = value.clone()
            if stored.requires_grad:
                value.requires_grad_(True)
                value.grad = stored.grad.clone() if stored.grad is not None else None
        elif isinstance(value, list | tuple):
            value = type(value)(v.clone() if isinstance(v, torch.Tensor) else v for v in value)
        memo[id(stored)] = out[name] = value
    return out


def _scalar(value: Any, plotted: str = "") -> float:
    """A single number: the answer of an `ask` (`plotted` ""), or a point of a plot of it."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            shape = "×".join(str(d) for d in value.shape)
            said = (
                _(
                    "'{name}' is plotted, so it must be a single number, and this is a {shape} "
                    "tensor"
                )
                if plotted
                else _("the answer must be a single number, and this is a {shape} tensor")
            )
            raise LessonRuntimeError(said.format(name=plotted, shape=shape))
        return float(value.detach().item())
    if isinstance(value, bool | int | float):
        return float(value)
    said = (
        _("'{name}' is plotted, so it must be a number")
        if plotted
        else _("the answer must be a number")
    )
    raise LessonRuntimeError(said.format(name=plotted))


def _matches(actual: Any, expected: Any, tolerance: float) -> tuple[bool, str]:
    if isinstance(actual, torch.Size):
        actual = torch.tensor(list(actual))
    if not isinstance(actual, torch.Tensor | int | float | bool):
        return False, _("this is not a number or a tensor")
    got = torch.as_tensor(
        actual.detach().cpu() if isinstance(actual, torch.Tensor) else actual, dtype=torch.float64
    )
    want = torch.tensor(expected, dtype=torch.float64)
    if got.shape != want.shape and not (want.numel() == 1 == got.numel()):
        return False, _("expected shape {want}, got {got} ({values})").format(
            want=_shape(want), got=_shape(got), values=_brief(got)
        )
    got = got.reshape(want.shape)
    if torch.allclose(got, want, rtol=tolerance, atol=tolerance, equal_nan=True):
        return True, ""
    diff = (got - want).abs()
    if want.numel() == 1:
        return False, _("expected {want}, got {got}").format(
            want=_number(want.item()), got=_number(got.item())
        )
    index = tuple(int(i) for i in torch.unravel_index(diff.argmax(), diff.shape))
    wrong = int((~torch.isclose(got, want, rtol=tolerance, atol=tolerance)).sum())
    at = ", ".join(map(str, index))
    return False, _("{wrong} of {n} values differ; at [{index}] expected {want}, got {got}").format(
        wrong=wrong,
        n=want.numel(),
        index=at,
        want=_number(want[index].item()),
        got=_number(got[index].item()),
    )


def _literal(value: Any) -> Any:
    """A computed value as YAML can hold it: nested lists of numbers, 6 significant digits
    (well inside the default tolerance); None for what is not a number or a tensor."""
    if isinstance(value, torch.Size):
        return list(value)
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if not isinstance(value, torch.Tensor):
        return None
    t = value.detach().cpu()
    if t.is_floating_point():
        t = t.double()
        return _rounded(t.tolist())
    return t.tolist()


def _rounded(x: Any) -> Any:
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return float(f"{x:.6g}")


def _shape(t: torch.Tensor) -> str:
    return "×".join(str(d) for d in t.shape) or _("scalar")


def _number(x: float) -> str:
    return f"{x:.6g}"


def _brief(t: torch.Tensor) -> str:
    flat = [_number(v) for v in t.reshape(-1)[:6].tolist()]
    more = ", …" if t.numel() > 6 else ""
    return f"[{', '.join(flat)}{more}]" if t.dim() else flat[0]


def _at(k: int, code: str, problem: str) -> str:
    """`in step 3, 'x @ W': …`: where a statement broke and why, as one sentence."""
    return _("in step {k}, '{code}': {problem}").format(k=k, code=_short(code), problem=problem)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["CONSTANTS", "AnswerCheck", "Progress", "Run", "StepOutcome"]
