"""Every budget a lesson or an answer runs under, set here and nowhere else.

A lesson comes from a teacher and an answer from a learner; neither may take the machine down.
So every budget holds *before* the work is done: each torch operation's result is sized (and,
for matrix products and convolutions, its work counted) by running it first on shape-only
`meta` tensors, torch's own shape inference, which allocates nothing; the lesson's whole state
has a cap; a csv is refused by its file size before it is parsed; and every evaluation runs
under a time budget checked between operations, which also answers a cancel from another
thread. The docs name these budgets (docs/authoring.md, "Budgets").

Limits that the format layer enforces itself (it cannot import the engine) live beside their
checks and are named here too, so this module is the one list.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from math import prod
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from tutor.engine.errors import LessonRuntimeError
from tutor.i18n import N_, _
from tutor.lesson.answers import MAX_ANSWER_CHARS, MAX_ANSWER_EXPONENT
from tutor.lesson.expressions import MAX_CODE_CHARS, MAX_DEPTH
from tutor.lesson.source import MAX_BYTES as MAX_LESSON_BYTES
from tutor.lesson.source import MAX_DEPTH as MAX_YAML_DEPTH
from tutor.lesson.source import MAX_NODES as MAX_YAML_NODES

MAX_ELEMENTS = 10_000_000
"""Elements in one tensor (a result, a view, a tensor spec): about 40 MB of float32."""
MAX_WORK = 2_000_000_000
"""Multiply-adds of one operation (matmul: rows × cols × inner; conv: outputs × window), about
a second of one core: an operation cannot be interrupted once started, so it is sized first."""
MAX_STATE_BYTES = 256 * 2**20
"""All tensors a lesson holds at once (its state after any statement)."""
MAX_KEPT_BYTES = 512 * 2**20
"""All tensors a Run keeps for stepping back (every step's frame together)."""
MAX_CSV_BYTES = 16 * 2**20
"""A csv file, refused by its size before a byte of it is parsed."""
MAX_VIEW_CLASSES = 256
"""Classes a confusion view draws (its matrix is classes², counted before it is made)."""
STEP_SECONDS = 10.0
"""One evaluation: a step (with its `repeat` or `sweep`), a learner's statement."""
MAX_REPEAT = 100_000
MAX_INT_BITS = 4_096  # Python integers built by ** in expressions
MAX_SEED = 2**63 - 1  # what torch's generator takes

__all__ = [
    "MAX_ANSWER_CHARS",
    "MAX_ANSWER_EXPONENT",
    "MAX_CODE_CHARS",
    "MAX_CSV_BYTES",
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "MAX_INT_BITS",
    "MAX_KEPT_BYTES",
    "MAX_LESSON_BYTES",
    "MAX_REPEAT",
    "MAX_SEED",
    "MAX_STATE_BYTES",
    "MAX_VIEW_CLASSES",
    "MAX_WORK",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "STEP_SECONDS",
    "Budget",
    "Cancelled",
    "OutOfTime",
    "check_numel",
    "check_state",
    "state_bytes",
]


class OutOfTime(LessonRuntimeError):
    """An evaluation ran past its time budget; raised between two operations."""


class Cancelled(Exception):
    """An evaluation was stopped from another thread (`Run.cancel()`); not a lesson error, so
    nothing turns it into a message and the step it stopped is not kept."""


# what `check_numel` may be told it sizes: said in the reader's language when refused
NOUNS = (
    N_("tensor"),
    N_("result"),
    N_("mask"),
    N_("positional encoding"),
    N_("confusion matrix"),
    N_("one-hot tensor"),
)


def check_numel(shape: Iterable[int], what: str = "tensor") -> None:
    """Refuse a shape before anything of that size is allocated; `what` is one of NOUNS."""
    dims = [int(d) for d in shape]
    if any(d < 0 for d in dims):
        raise LessonRuntimeError(
            _("a {what} cannot have a negative size ({shape})").format(
                what=_(what), shape=_fmt(dims)
            )
        )
    n = prod(dims)
    if n > MAX_ELEMENTS:
        raise LessonRuntimeError(
            _("a {what} of shape {shape} would hold {n} elements; the limit is {limit}").format(
                what=_(what), shape=_fmt(dims), n=f"{n:,}", limit=f"{MAX_ELEMENTS:,}"
            )
        )


def state_bytes(values: Iterable[Any]) -> int:
    """Bytes held by the tensors among `values` (lists of tensors too; a shared tensor once)."""
    with torch._C.DisableTorchFunction():  # queries, not operations: no budget to pass
        return _bytes(values)


def _bytes(values: Iterable[Any]) -> int:
    seen: set[int] = set()
    total = 0
    for value in values:
        items = value if isinstance(value, list | tuple) else (value,)
        for v in items:
            if isinstance(v, torch.Tensor) and id(v) not in seen:
                seen.add(id(v))
                total += v.numel() * v.element_size()
                grad = v.grad if v.is_leaf else None
                if grad is not None:
                    total += grad.numel() * grad.element_size()
    return total


def check_state(state: Mapping[str, Any]) -> None:
    """Refuse a state whose tensors together pass MAX_STATE_BYTES (sixty tensors under the
    per-tensor cap are still too many)."""
    total = state_bytes(state.values())
    if total > MAX_STATE_BYTES:
        raise LessonRuntimeError(
            _("the lesson now holds {size} of tensors; the limit is {limit}").format(
                size=_mb(total), limit=_mb(MAX_STATE_BYTES)
            )
        )


# ------------------------------------------------------------------ the budget of one evaluation


@dataclass
class _Clock:
    deadline: float
    seconds: float
    what: str
    cancel: threading.Event | None


# calls that allocate nothing worth sizing (queries, getters, views of what exists) or whose
# result depends on the values (meta tensors cannot size them; a mask selects at most every
# element, and the lesson functions size what they make from values before making it)
_UNSIZED = frozenset(
    """__get__ __set__ __delete__ dim ndimension size numel nelement element_size stride
    is_floating_point is_complex is_leaf requires_grad_ item tolist __bool__ __len__
    __format__ __repr__ __hash__ __iter__ __index__ __int__ __float__ backward detach
    data_ptr storage_offset is_contiguous nonzero masked_select bincount unique
    __reduce_ex__ __deepcopy__ _is_view is_nonzero equal""".split()
)
# Sized by rule rather than on meta tensors: torch's meta kernels for these are written in
# Python and their first use imports torch._dynamo (seconds). Element-wise calls make the
# broadcast of their inputs' shapes; joins make the sum of their inputs; reductions at most
# their input with zero-size dims counted as 1 (zeros(0, n).sum(0) has n elements).
_BROADCAST = frozenset(
    """__add__ __radd__ __iadd__ __sub__ __rsub__ __isub__ __mul__ __rmul__ __imul__
    __truediv__ __rtruediv__ __itruediv__ __floordiv__ __rfloordiv__ __mod__ __rmod__
    __pow__ __rpow__ __ipow__ __neg__ __pos__ __abs__ __lt__ __le__ __gt__ __ge__ __eq__ __ne__
    __and__ __or__ __invert__ add sub mul div true_divide floor_divide remainder pow neg abs
    add_ sub_ mul_ div_ pow_ clamp clamp_ clamp_min clamp_max where maximum minimum
    eq ne lt le gt ge isclose logical_and logical_or logical_not sign sigmoid tanh relu exp
    log sqrt sin cos round floor ceil leaky_relu softmax log_softmax layer_norm dropout
    tril triu mse_loss l1_loss binary_cross_entropy cross_entropy masked_fill lerp
    zeros_like ones_like full_like float double long int bool""".split()
)
_JOIN = frozenset({"cat", "stack", "concat", "concatenate", "hstack", "vstack"})
_REDUCE = frozenset(
    "sum mean prod std var norm amax amin logsumexp any all max min argmax argmin".split()
)

# operations whose work is more than one pass over input and output: (inner size) per output
_MATMUL = frozenset({"matmul", "__matmul__", "__rmatmul__", "mm", "bmm", "addmm"})
_CONV = frozenset({"conv2d", "conv1d", "conv3d", "convolution"})
_POOL = frozenset({"max_pool2d", "avg_pool2d", "max_pool2d_with_indices"})


class Budget(TorchFunctionMode):
    """Sizes every torch call before it runs and keeps the clock, as a torch function mode.

    Under `with budget.running(...)`, each call into torch (the evaluator's arithmetic and
    indexing, the tensor methods, every torch call inside the lesson functions) is first run
    on `meta` tensors, unless its inputs make it provably small, and refused when its result
    would pass MAX_ELEMENTS or its work MAX_WORK; what was found is kept per operation and
    input shapes, so a `repeat` sizes each call once. Between calls it checks the deadline and
    the cancel event, so a long `repeat` stops cleanly at a call's edge. A function mode, not
    a dispatch mode: a dispatch mode sees autograd's every kernel and made training three times
    slower; backward's results have the shapes of the forward's, which were sized. Thread-local,
    like torch's modes: only the thread that evaluates pays for it.
    """

    def __init__(self) -> None:
        super().__init__()
        self._clock: _Clock | None = None
        # what sizing found, by operation and input shapes: a `repeat` sizes each op once
        self._sized: dict[Any, str] = {}

    @contextmanager
    def running(
        self, seconds: float, what: str, cancel: threading.Event | None = None
    ) -> Iterator[None]:
        """Evaluate under the budget: `what` names it in the message ("this step")."""
        outer = self._clock
        self._clock = _Clock(time.monotonic() + seconds, seconds, what, cancel)
        try:
            if outer is None:
                with self:
                    yield
            else:  # nested (an answer's value computed inside a step): one clock, the inner
                yield
        finally:
            self._clock = outer

    def tick(self) -> None:
        """Between two operations or statements: stop if cancelled or out of time."""
        clock = self._clock
        if clock is None:
            return
        if clock.cancel is not None and clock.cancel.is_set():
            raise Cancelled(f"{clock.what} was stopped before it finished")
        if time.monotonic() > clock.deadline:
            raise OutOfTime(
                _("{what} ran past {seconds} s").format(
                    what=clock.what, seconds=f"{clock.seconds:g}"
                )
            )

    def __torch_function__(
        self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: Any = None
    ) -> Any:
        kwargs = kwargs or {}
        self.tick()
        name = getattr(func, "__name__", "")
        if name not in _UNSIZED and _bound(args, kwargs) > _SMALL:
            key = _key(func, args, kwargs)
            refusal = self._sized.get(key) if key is not None else None
            if refusal is None:
                refusal = _size(func, name, args, kwargs)
                if key is not None:
                    if len(self._sized) > 4096:
                        self._sized.clear()
                    self._sized[key] = refusal
            if refusal:
                raise LessonRuntimeError(refusal)
        return func(*args, **kwargs)


# inputs whose sizes and integer arguments multiply to no more than this cannot make a result
# or a work count over the caps (a broadcast, a product, a padding is at most their product);
# the slack covers the small constant factors (padding counts twice, a window adds one)
_SMALL = min(MAX_ELEMENTS, MAX_WORK) // 16


def _bound(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> float:
    bound = 1.0
    stack: list[Any] = [*args, *kwargs.values()]
    while stack:
        a = stack.pop()
        if isinstance(a, torch.Tensor):
            for d in a.shape:
                if d > 1:
                    bound *= d
        elif isinstance(a, list | tuple):
            stack.extend(a)
        elif isinstance(a, int | float) and not isinstance(a, bool):
            m = abs(a)
            if m > 1:
                bound *= m
            elif m != m:  # NaN: let the meta run (and torch) say what is wrong
                return math.inf
        if bound > _SMALL:
            return bound
    return bound


def _key(func: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any:
    """What decides an operation's sizes: its inputs' shapes, strides and dtypes and its
    other arguments; None when an argument cannot be part of a key."""

    def part(a: Any) -> Any:
        if isinstance(a, torch.Tensor):
            return (tuple(a.shape), a.stride(), a.dtype)
        if isinstance(a, list | tuple):
            return tuple(part(v) for v in a)
        return a

    try:
        key = (func, part(args), tuple((k, part(v)) for k, v in kwargs.items()))
        hash(key)
    except TypeError:
        return None
    return key


def _meta(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        return torch.empty_strided(x.shape, x.stride(), dtype=x.dtype, device="meta")
    if isinstance(x, list | tuple):
        return type(x)(_meta(v) for v in x)
    return x


def _tensors(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> list[torch.Tensor]:
    found: list[torch.Tensor] = []
    stack: list[Any] = [*args, *kwargs.values()]
    while stack:
        a = stack.pop()
        if isinstance(a, torch.Tensor):
            found.append(a)
        elif isinstance(a, list | tuple):
            stack.extend(a)
    return found


def _broadcast(shapes: list[torch.Size]) -> int | None:
    """Elements of the broadcast of `shapes`, or None when they do not broadcast."""
    rank = max((len(s) for s in shapes), default=0)
    n = 1
    for i in range(1, rank + 1):
        sizes = {s[-i] for s in shapes if len(s) >= i} - {1}
        if len(sizes) > 1:
            return None
        n *= sizes.pop() if sizes else 1
    return n


def _ruled(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> int | None:
    """Elements of the result by rule, for calls whose meta kernels are slow to load."""
    tensors = _tensors(args, kwargs)
    if name in _BROADCAST:
        return _broadcast([t.shape for t in tensors]) or 0
    if name in _JOIN:
        return sum(t.numel() for t in tensors)
    if name in _REDUCE and tensors:
        return prod(max(int(d), 1) for d in tensors[0].shape)
    if name == "one_hot" and tensors:
        classes = kwargs.get("num_classes", args[1] if len(args) > 1 else -1)
        return tensors[0].numel() * max(int(classes), 1)
    if name == "outer" and len(tensors) == 2:
        return tensors[0].numel() * tensors[1].numel()
    return None


def _size(func: Any, name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> str:
    """Why `func` is refused (its result or its work too large), or "" when it may run: by
    rule where one is known, else by running it on meta tensors."""
    ruled = _ruled(name, args, kwargs)
    if ruled is not None:
        if ruled > MAX_ELEMENTS:
            return _("this would make a tensor of {n} elements; the limit is {limit}").format(
                n=f"{ruled:,}", limit=f"{MAX_ELEMENTS:,}"
            )
        return ""
    meta_kwargs = {k: _meta(v) for k, v in kwargs.items()}
    if "device" in meta_kwargs:
        meta_kwargs["device"] = "meta"
    meta_kwargs.pop("generator", None)  # a draw from the lesson's generator: sized, not made
    try:
        out = func(*_meta(args), **meta_kwargs)
    except Exception:  # torch will say what is wrong (or has no meta kernel): run it for real
        return ""
    outs = out if isinstance(out, list | tuple) else (out,)
    biggest = max((o.numel() for o in outs if isinstance(o, torch.Tensor)), default=0)
    if biggest > MAX_ELEMENTS:
        shape = next(o.shape for o in outs if isinstance(o, torch.Tensor) and o.numel() == biggest)
        return _(
            "this would make a tensor of shape {shape}, {n} elements; the limit is {limit}"
        ).format(shape=_fmt(list(shape)), n=f"{biggest:,}", limit=f"{MAX_ELEMENTS:,}")
    work = _work(name, args, biggest)
    if work > MAX_WORK:
        return _(
            "this is about {n} multiply-adds in one operation; the limit is {limit} (use "
            "smaller tensors, a larger stride or fewer filters)"
        ).format(n=f"{work:,.0f}", limit=f"{MAX_WORK:,}")
    return ""


def _work(name: str, args: tuple[Any, ...], out: int) -> float:
    """Multiply-adds: outputs × the size each output sums over."""
    tensors = [a for a in args if isinstance(a, torch.Tensor)]
    if name in _MATMUL and tensors:
        inner = tensors[-1].shape[-2] if tensors[-1].dim() >= 2 else tensors[-1].shape[0]
        return float(out) * max(int(inner), 1)
    if name in _CONV and len(tensors) >= 2:
        per_output = prod(int(d) for d in tensors[1].shape[1:])
        return float(out) * max(per_output, 1)
    if name in _POOL and len(args) > 1:
        window = args[1]
        size = prod(int(k) for k in window) if isinstance(window, list | tuple) else int(window)
        return float(out) * max(size, 1)
    return float(out)


def _fmt(dims: list[int]) -> str:
    return "×".join(str(d) for d in dims) or _("scalar")


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def warm_up_sizing() -> None:
    """Import what sizing on meta tensors needs (torch's reference kernels, sympy: ~300
    modules, about a second) before a learner's first step does. Meta tensors run no kernel
    and start no thread, so the classroom's warm parent may call this before it forks."""
    import torch.nn.functional as F

    m = torch.zeros(2, 3, device="meta")
    for op in (
        lambda t: torch.softmax(t, -1),
        lambda t: t @ t.T,
        lambda t: t.sum(),
        lambda t: t.mean(0),
        lambda t: torch.relu(t),
        lambda t: torch.cat([t, t]),
        lambda t: F.layer_norm(t, (3,)),
        lambda t: torch.tanh(t),
    ):
        op(m)
