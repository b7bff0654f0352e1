"""The functions a lesson may call in `run:` statements and `answer:` expressions.

Every function takes tensors or plain numbers, checks what it was given and says what was
wrong in a sentence that names the function, so that a teacher or a learner never sees a
torch traceback. Sizes are checked before anything large is allocated (see `limits`).

`make_functions(ctx)` returns the table the evaluator looks names up in; each entry is bound
to one lesson's device, default float dtype and random generator.
"""

from __future__ import annotations

import functools
import inspect
import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import torch
import torch.nn.functional as F

from tutor.engine.errors import LessonRuntimeError
from tutor.engine.limits import OutOfTime, check_numel
from tutor.engine.torch_errors import explain
from tutor.i18n import N_, _, ngettext

TensorLike: TypeAlias = "torch.Tensor | float | int | bool | Sequence[Any] | np.ndarray"
Dim: TypeAlias = "int | None"

# torch's own complaints that are turned into a sentence naming the lesson function
_TRANSLATED = (RuntimeError, IndexError, TypeError, ValueError, ArithmeticError)


@dataclass(frozen=True)
class FunctionContext:
    """What every lesson function needs to know about the lesson that calls it."""

    device: torch.device
    dtype: torch.dtype  # default float dtype of the lesson (float32 or float64)
    generator: torch.Generator  # on the CPU, so every device draws the same numbers


# ---------------------------------------------------------------------------------------------
# Conversions and checks shared by the functions


def as_tensor(x: Any, ctx: FunctionContext) -> torch.Tensor:
    """Turn a number, a bool, a nested list or a tensor into a tensor on the lesson's device.

    Python floats get the lesson's dtype, ints become long and bools bool; a tensor keeps its
    dtype. A list of tensors is stacked, so `[a, b]` works where a tensor is wanted.
    """
    if isinstance(x, torch.Tensor):
        return x.to(ctx.device)
    if isinstance(x, np.ndarray):
        t = torch.from_numpy(np.ascontiguousarray(x))
        return t.to(ctx.device, ctx.dtype if t.is_floating_point() else t.dtype)
    if isinstance(x, (list, tuple)) and any(isinstance(e, torch.Tensor) for e in x):
        parts = [as_tensor(e, ctx) for e in x]
        try:
            return torch.stack(parts)
        except RuntimeError as e:
            raise LessonRuntimeError(
                _("cannot make one tensor from a list of shapes {shapes}: {why}").format(
                    shapes=", ".join(_dims(p.shape) for p in parts), why=_first_line(e)
                )
            ) from e
    if not isinstance(x, (bool, int, float, list, tuple)):
        raise LessonRuntimeError(
            _("expected a tensor or a number, got {value}").format(value=_describe(x))
        )
    try:
        if isinstance(x, bool):
            return torch.tensor(x, dtype=torch.bool, device=ctx.device)
        if isinstance(x, float):
            return torch.tensor(x, dtype=ctx.dtype, device=ctx.device)
        t = torch.tensor(x)
        if t.is_floating_point():
            t = torch.tensor(x, dtype=ctx.dtype)  # parse again: no detour through float32
        return t.to(ctx.device)
    except (RuntimeError, TypeError, ValueError, OverflowError) as e:
        raise LessonRuntimeError(
            _("cannot make a tensor from {value}: {why}").format(
                value=_describe(x), why=_first_line(e)
            )
        ) from e


def _float(x: Any, ctx: FunctionContext) -> torch.Tensor:
    """A tensor with a float dtype: integer inputs such as `sqrt(2)` take the lesson's dtype."""
    t = as_tensor(x, ctx)
    return t if t.is_floating_point() else t.to(ctx.dtype)


def _floats(ctx: FunctionContext, *xs: Any) -> list[torch.Tensor]:
    """Tensors of one common float dtype, so that a float32 and a float64 can meet."""
    ts = [_float(x, ctx) for x in xs]
    dtype = ts[0].dtype
    for t in ts[1:]:
        dtype = torch.promote_types(dtype, t.dtype)
    return [t.to(dtype) for t in ts]


def _aligned(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Give two tensors one dtype (long @ float is an error in torch, not here)."""
    if a.dtype == b.dtype:
        return a, b
    dtype = torch.promote_types(a.dtype, b.dtype)
    return a.to(dtype), b.to(dtype)


def _dims(shape: Sequence[int] | torch.Size) -> str:
    return "×".join(str(int(d)) for d in shape) or _("a single number")


def _first_line(e: BaseException) -> str:
    lines = str(e).strip().splitlines()
    return lines[0] if lines else type(e).__name__


def _describe(x: Any) -> str:
    """A value named in a sentence, in the reader's language."""
    if x is None:
        return _("nothing (None)")
    if isinstance(x, str):
        return _("the text {text}").format(text=repr(x))
    if isinstance(x, torch.Tensor):
        return _("a tensor of shape {shape}").format(shape=_dims(x.shape))
    return _("a {type}").format(type=type(x).__name__)


def _number(x: Any, what: str) -> float | int:
    """A plain Python number from a number or a one-element tensor."""
    if isinstance(x, torch.Tensor) and x.numel() == 1 and x.dtype != torch.bool:
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise LessonRuntimeError(
            _("{what} must be a number, not {value}").format(what=what, value=_describe(x))
        )
    if isinstance(x, float) and not math.isfinite(x):
        raise LessonRuntimeError(
            _("{what} must be a finite number, not {value}").format(what=what, value=x)
        )
    return x


def _int(x: Any, what: str) -> int:
    """A whole number; 2.0 is accepted because YAML and arithmetic produce it."""
    if isinstance(x, torch.Tensor) and x.numel() == 1 and x.dtype != torch.bool:
        x = x.item()
    if isinstance(x, float) and x.is_integer():
        return int(x)
    if isinstance(x, bool):
        raise LessonRuntimeError(
            _("{what} must be a whole number, not {value}").format(what=what, value=x)
        )
    try:
        return operator.index(x)
    except TypeError:
        shown = x if isinstance(x, (int, float)) else _describe(x)
        raise LessonRuntimeError(
            _("{what} must be a whole number, not {value}").format(what=what, value=shown)
        ) from None


def _dim(t: torch.Tensor, dim: Any, *, extra: int = 0) -> int:
    """Check a dim the way Python counts (negative from the end), naming the tensor's rank."""
    d = _int(dim, "dim")
    n = max(t.dim(), 1) + extra
    if not -n <= d < n:
        raise LessonRuntimeError(
            ngettext(
                "dim {d} is out of range for a tensor of {n} dimension",
                "dim {d} is out of range for a tensor of {n} dimensions",
                t.dim(),
            ).format(d=d, n=t.dim())
        )
    return d


def _shape(args: tuple[Any, ...], *, allow_minus_one: bool = False) -> tuple[int, ...]:
    """Sizes given as `f(2, 3)`, `f([2, 3])` or `f(x.shape)`."""
    if len(args) == 1 and isinstance(args[0], (list, tuple, torch.Size)):
        args = tuple(args[0])
    elif len(args) == 1 and isinstance(args[0], torch.Tensor) and args[0].dim() == 1:
        args = tuple(args[0].tolist())
    dims = tuple(_int(a, _("a size")) for a in args)
    for d in dims:
        if d < 0 and not (allow_minus_one and d == -1):
            raise LessonRuntimeError(
                _("a size cannot be negative ({shape})").format(shape=_dims(dims))
            )
    return dims


def _indices(x: Any, ctx: FunctionContext, what: str) -> torch.Tensor:
    """Class numbers or row numbers as a long tensor; whole floats such as 1.0 are accepted."""
    t = as_tensor(x, ctx)
    if t.dtype == torch.bool:
        return t.long()
    if t.is_floating_point():
        bad = ~torch.isfinite(t) | (t != torch.round(t))
        if bool(bad.any()):
            value = t[bad].flatten()[0].item()
            raise LessonRuntimeError(
                _("{what} must be whole numbers; {value} is not").format(
                    what=what, value=f"{value:g}"
                )
            )
        return t.long()
    if t.is_complex():
        raise LessonRuntimeError(
            _("{what} must be whole numbers, not complex ones").format(what=what)
        )
    return t.long()


def _check_below(idx: torch.Tensor, n: int, kind: str) -> None:
    """Refuse an index outside 0..n-1 here: on a GPU torch would fail with a device assert.
    `kind`: "class", "predicted class", "true class", "index" (a table's row) or "id" (an
    alphabet's character)."""
    if idx.numel() == 0:
        return
    low, high = int(idx.min()), int(idx.max())
    bad = low if low < 0 else high if high >= n else None
    if bad is not None:
        raise LessonRuntimeError(_out_of_range(kind, bad, n))


def _out_of_range(kind: str, bad: int, n: int) -> str:
    """`class 5 is out of range; there are 3 classes (0 to 2)`, in the reader's language."""
    hint = _("0 to {last}").format(last=n - 1) if n > 0 else _("none")
    if kind == "index":
        said = ngettext(
            "index {bad} is out of range; there is {n} row in the table ({hint})",
            "index {bad} is out of range; there are {n} rows in the table ({hint})",
            n,
        )
    elif kind == "id":
        said = ngettext(
            "id {bad} is out of range; there is {n} character in the alphabet ({hint})",
            "id {bad} is out of range; there are {n} characters in the alphabet ({hint})",
            n,
        )
    elif kind == "predicted class":
        said = ngettext(
            "predicted class {bad} is out of range; there is {n} class ({hint})",
            "predicted class {bad} is out of range; there are {n} classes ({hint})",
            n,
        )
    elif kind == "true class":
        said = ngettext(
            "true class {bad} is out of range; there is {n} class ({hint})",
            "true class {bad} is out of range; there are {n} classes ({hint})",
            n,
        )
    else:
        said = ngettext(
            "class {bad} is out of range; there is {n} class ({hint})",
            "class {bad} is out of range; there are {n} classes ({hint})",
            n,
        )
    return said.format(bad=bad, n=n, hint=hint)


def _same_shape(a: torch.Tensor, b: torch.Tensor, first: str, second: str) -> None:
    """Refuse what torch would silently broadcast: 4×1 against 4 makes a 4×4 loss."""
    if a.shape != b.shape:
        raise LessonRuntimeError(
            _("{first} is {a} but {second} is {b}; they must have the same shape").format(
                first=first, a=_dims(a.shape), second=second, b=_dims(b.shape)
            )
        )


def _meta(t: torch.Tensor) -> torch.Tensor:
    """A shape-only stand-in, to learn an output's size before allocating it."""
    return torch.empty(t.shape, dtype=t.dtype, device="meta")


def _pair(x: Any, what: str, *, least: int) -> tuple[int, int]:
    values = tuple(x) if isinstance(x, (list, tuple)) else (x, x)
    if len(values) != 2:
        raise LessonRuntimeError(
            _("{what} must be one number or two (rows, columns)").format(what=what)
        )
    a, b = (_int(v, what) for v in values)
    if a < least or b < least:
        raise LessonRuntimeError(
            _("{what} must be at least {least}, not {value}").format(
                what=what, least=least, value=_dims((a, b))
            )
        )
    return a, b


# ---------------------------------------------------------------------------------------------
# Losses


def _mse(ctx: FunctionContext, pred: TensorLike, target: TensorLike) -> torch.Tensor:
    """Mean squared error."""
    p, t = _floats(ctx, pred, target)
    _same_shape(p, t, _("the prediction"), _("the target"))
    return F.mse_loss(p, t)


def _l1(ctx: FunctionContext, pred: TensorLike, target: TensorLike) -> torch.Tensor:
    """Mean absolute error."""
    p, t = _floats(ctx, pred, target)
    _same_shape(p, t, _("the prediction"), _("the target"))
    return F.l1_loss(p, t)


def _bce(ctx: FunctionContext, prob: TensorLike, target: TensorLike) -> torch.Tensor:
    """Binary cross-entropy of probabilities (not logits)."""
    p, t = _floats(ctx, prob, target)
    _same_shape(p, t, _("the probability"), _("the target"))
    outside = ~((p >= 0) & (p <= 1))  # NaN counts as outside; on a GPU torch would assert
    if bool(outside.any()):
        value = p.detach()[outside].flatten()[0].item()
        raise LessonRuntimeError(
            _(
                "the probabilities must lie between 0 and 1, but one is {value}; apply sigmoid "
                "to scores first"
            ).format(value=f"{value:g}")
        )
    return F.binary_cross_entropy(p, t)


def _cross_entropy(ctx: FunctionContext, logits: TensorLike, target: TensorLike) -> torch.Tensor:
    """Cross-entropy of raw scores against class numbers or class probabilities."""
    z = _float(logits, ctx)
    if z.dim() == 0:
        raise LessonRuntimeError(_("the logits must hold one score per class, not a single number"))
    t = as_tensor(target, ctx)
    class_dim = 0 if z.dim() == 1 else 1
    n_classes = z.shape[class_dim]
    if z.dim() == 1 and t.dim() == 1 and t.numel() == 1 and z.numel() != 1:
        t = t.reshape(())  # cross_entropy([0.1, 0.2, 0.3], [1]): one example, one class
    if t.shape == z.shape:
        return F.cross_entropy(z, t.to(z.dtype))  # probabilities per class
    index_shape = z.shape[:class_dim] + z.shape[class_dim + 1 :]
    if t.shape != index_shape:
        raise LessonRuntimeError(
            ngettext(
                "the logits are {logits} ({n} class), so the target must be class numbers of "
                "shape {indices} or probabilities of shape {logits}; it is {target}",
                "the logits are {logits} ({n} classes), so the target must be class numbers of "
                "shape {indices} or probabilities of shape {logits}; it is {target}",
                n_classes,
            ).format(
                logits=_dims(z.shape),
                n=n_classes,
                indices=_dims(index_shape),
                target=_dims(t.shape),
            )
        )
    idx = _indices(t, ctx, _("the target's class numbers"))
    _check_below(idx, n_classes, "class")
    return F.cross_entropy(z, idx)


# ---------------------------------------------------------------------------------------------
# Activations and element-wise maths


def _softmax(ctx: FunctionContext, x: TensorLike, dim: int = -1) -> torch.Tensor:
    t = _float(x, ctx)
    return torch.softmax(t, _dim(t, dim))


def _log_softmax(ctx: FunctionContext, x: TensorLike, dim: int = -1) -> torch.Tensor:
    t = _float(x, ctx)
    return torch.log_softmax(t, _dim(t, dim))


def _leaky_relu(ctx: FunctionContext, x: TensorLike, slope: float = 0.01) -> torch.Tensor:
    return F.leaky_relu(_float(x, ctx), _number(slope, "slope"))


def _clamp(ctx: FunctionContext, x: TensorLike, min: Any = None, max: Any = None) -> torch.Tensor:
    if min is None and max is None:
        raise LessonRuntimeError(_("give min=…, max=… or both"))
    t = as_tensor(x, ctx)

    def bound(v: Any) -> Any:
        if v is None or isinstance(v, (int, float)):
            return v
        return as_tensor(v, ctx).to(t.dtype)

    return torch.clamp(t, min=bound(min), max=bound(max))


# ---------------------------------------------------------------------------------------------
# Layers


def _matmul_checked(
    a: torch.Tensor, b: torch.Tensor, first: str, second: str, note: str = ""
) -> torch.Tensor:
    """a @ b, with the inner sizes named when they differ and the result's size checked first."""
    if a.dim() == 0 or b.dim() == 0:
        raise LessonRuntimeError(
            _(
                "{first} and {second} must each have at least one dimension; use * to multiply "
                "by a single number"
            ).format(first=first, second=second)
        )
    inner_a = a.shape[-1]
    inner_b = b.shape[-2] if b.dim() >= 2 else b.shape[0]
    if inner_a != inner_b:
        if b.dim() <= 2:
            said = _(
                "cannot multiply {a} by {b}: the last size of {first} ({inner_a}) must equal "
                "the first size of {second} ({inner_b})"
            )
        else:
            said = _(
                "cannot multiply {a} by {b}: the last size of {first} ({inner_a}) must equal "
                "the second-to-last size of {second} ({inner_b})"
            )
        raise LessonRuntimeError(
            said.format(
                a=_dims(a.shape),
                b=_dims(b.shape),
                first=first,
                inner_a=inner_a,
                second=second,
                inner_b=inner_b,
            )
            + note
        )
    a, b = _aligned(a, b)
    check_numel(torch.matmul(_meta(a), _meta(b)).shape)
    return torch.matmul(a, b)


def _matmul(ctx: FunctionContext, a: TensorLike, b: TensorLike) -> torch.Tensor:
    return _matmul_checked(as_tensor(a, ctx), as_tensor(b, ctx), _("the first"), _("the second"))


def _linear(
    ctx: FunctionContext, x: TensorLike, W: TensorLike, b: TensorLike | None = None
) -> torch.Tensor:
    """x @ W + b, with W stored in×out as lessons write it (torch's nn.Linear is out×in)."""
    out = _matmul_checked(_float(x, ctx), _float(W, ctx), "x", "W", _("; W is in×out"))
    if b is None:
        return out
    bias = _float(b, ctx)
    try:
        shape = torch.broadcast_shapes(out.shape, bias.shape)
    except RuntimeError:
        shape = None
    if shape != out.shape:
        raise LessonRuntimeError(
            _("x @ W is {out}, so b cannot be {bias}; give one bias per output ({n})").format(
                out=_dims(out.shape), bias=_dims(bias.shape), n=out.shape[-1] if out.dim() else 1
            )
        )
    return out + bias.to(out.dtype)


def _layer_norm(
    ctx: FunctionContext,
    x: TensorLike,
    eps: float = 1e-5,
    weight: TensorLike | None = None,
    bias: TensorLike | None = None,
) -> torch.Tensor:
    """Normalise over the last dim, then scale by `weight` and shift by `bias` if given."""
    if not isinstance(eps, (int, float, torch.Tensor)) or (
        isinstance(eps, torch.Tensor) and eps.numel() != 1
    ):
        raise LessonRuntimeError(
            _("eps must be a small number; pass the scale and shift as weight=… and bias=…")
        )
    t = _float(x, ctx)
    if t.dim() == 0:
        raise LessonRuntimeError(_("needs at least one dimension to normalise over"))
    n = t.shape[-1]
    scale, shift = _per_feature(ctx, t, n, weight, bias)
    return F.layer_norm(t, (n,), scale, shift, float(_number(eps, "eps")))


def _per_feature(
    ctx: FunctionContext,
    t: torch.Tensor,
    n: int,
    weight: TensorLike | None,
    bias: TensorLike | None,
) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """A normalisation's `weight` and `bias`: one number per feature each, or None."""
    params: list[torch.Tensor | None] = []
    for name, v in (("weight", weight), ("bias", bias)):
        p = None if v is None else _float(v, ctx).to(t.dtype)
        if p is not None and p.shape != (n,):
            raise LessonRuntimeError(
                _("{name} must hold one number per feature ({n}), but it is {shape}").format(
                    name=name, n=n, shape=_dims(p.shape)
                )
            )
        params.append(p)
    return params[0], params[1]


def _batch_norm(
    ctx: FunctionContext,
    x: TensorLike,
    eps: float = 1e-5,
    weight: TensorLike | None = None,
    bias: TensorLike | None = None,
) -> torch.Tensor:
    """Normalise each feature (column) over the batch (rows), as BatchNorm does while training:
    the batch's own mean and biased variance, then scale by `weight` and shift by `bias`."""
    t = _float(x, ctx)
    if t.dim() != 2 or t.shape[0] < 2:
        raise LessonRuntimeError(
            _("x must be batch×features with at least 2 rows, but it is {shape}").format(
                shape=_dims(t.shape)
            )
        )
    scale, shift = _per_feature(ctx, t, t.shape[1], weight, bias)
    return F.batch_norm(t, None, None, scale, shift, training=True, eps=float(_number(eps, "eps")))


def _as_image(t: torch.Tensor, what: str) -> tuple[torch.Tensor, int]:
    """Add the batch and channel dims a 2-D or 3-D image lacks; return how many were added."""
    if t.dim() not in (2, 3, 4):
        raise LessonRuntimeError(
            _("{what} must be H×W, C×H×W or N×C×H×W, but it is {shape}").format(
                what=what, shape=_dims(t.shape)
            )
        )
    added = 4 - t.dim()
    return t.reshape((1,) * added + tuple(t.shape)), added


def _conv2d(
    ctx: FunctionContext,
    x: TensorLike,
    kernel: TensorLike,
    bias: TensorLike | None = None,
    stride: int | Sequence[int] = 1,
    padding: int | Sequence[int] = 0,
) -> torch.Tensor:
    """Slide the kernel over the image (cross-correlation, as in every deep-learning library).

    The image is H×W, C×H×W or N×C×H×W; the kernel out×in×kh×kw, one filter in×kh×kw, or
    kh×kw, which is applied to each channel on its own. The result has the image's rank,
    except that a 2-D image with several filters gives out×H'×W'.
    """
    img, k = _floats(ctx, x, kernel)
    image, added = _as_image(img, _("the image"))
    channels = image.shape[1]
    groups = 1
    if k.dim() == 2:
        weight = k.reshape(1, 1, *k.shape).expand(channels, 1, *k.shape)
        groups = channels
    elif k.dim() == 3:
        weight = k.unsqueeze(0)
    elif k.dim() == 4:
        weight = k
    else:
        raise LessonRuntimeError(
            _("the kernel must be kh×kw, in×kh×kw or out×in×kh×kw, but it is {shape}").format(
                shape=_dims(k.shape)
            )
        )
    if groups == 1 and weight.shape[1] != channels:
        raise LessonRuntimeError(
            ngettext(
                "the image has {n} channel but the kernel {shape} expects {m}",
                "the image has {n} channels but the kernel {shape} expects {m}",
                channels,
            ).format(n=channels, shape=_dims(k.shape), m=weight.shape[1])
        )
    s = _pair(stride, "stride", least=1)
    p = _pair(padding, "padding", least=0)
    h, w = image.shape[2] + 2 * p[0], image.shape[3] + 2 * p[1]
    if weight.shape[2] > h or weight.shape[3] > w:
        if any(p):
            said = _(
                "the {kernel} kernel does not fit in the {image} image (with padding {padding})"
            )
        else:
            said = _("the {kernel} kernel does not fit in the {image} image")
        raise LessonRuntimeError(
            said.format(
                kernel=_dims(weight.shape[2:]), image=_dims(image.shape[2:]), padding=_dims(p)
            )
        )
    b = None
    if bias is not None:
        b = _float(bias, ctx).to(weight.dtype).reshape(-1)
        if b.numel() == 1:
            b = b.expand(weight.shape[0])
        if b.numel() != weight.shape[0]:
            raise LessonRuntimeError(
                _("bias must hold one number per filter ({n}), but it holds {m}").format(
                    n=weight.shape[0], m=b.numel()
                )
            )
    check_numel(F.conv2d(_meta(image), _meta(weight), None, s, p, 1, groups).shape)
    out = F.conv2d(image, weight, b, s, p, 1, groups)
    if added == 0:
        return out
    out = out[0]
    if added == 2 and out.shape[0] == 1:
        out = out[0]
    return out


def _pool(
    kind: str,
    ctx: FunctionContext,
    x: TensorLike,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] | None,
    padding: int | Sequence[int],
) -> torch.Tensor:
    image, added = _as_image(_float(x, ctx), _("the image"))
    k = _pair(kernel_size, "kernel_size", least=1)
    s = k if stride is None else _pair(stride, "stride", least=1)
    p = _pair(padding, "padding", least=0)
    if p[0] * 2 > k[0] or p[1] * 2 > k[1]:
        raise LessonRuntimeError(
            _("padding {padding} must be at most half the window {window}").format(
                padding=_dims(p), window=_dims(k)
            )
        )
    if k[0] > image.shape[2] + 2 * p[0] or k[1] > image.shape[3] + 2 * p[1]:
        raise LessonRuntimeError(
            _("the {window} window does not fit in the {image} image").format(
                window=_dims(k), image=_dims(image.shape[2:])
            )
        )
    fn = F.max_pool2d if kind == "max" else F.avg_pool2d
    out = fn(image, k, s, p)
    return out.reshape(out.shape[added:])


def _max_pool2d(
    ctx: FunctionContext,
    x: TensorLike,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    padding: int | Sequence[int] = 0,
) -> torch.Tensor:
    """Largest value in each window; stride defaults to the window size."""
    return _pool("max", ctx, x, kernel_size, stride, padding)


def _avg_pool2d(
    ctx: FunctionContext,
    x: TensorLike,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    padding: int | Sequence[int] = 0,
) -> torch.Tensor:
    """Mean of each window; stride defaults to the window size."""
    return _pool("avg", ctx, x, kernel_size, stride, padding)


def _dropout(ctx: FunctionContext, x: TensorLike, p: float = 0.5) -> torch.Tensor:
    """Training-mode dropout drawn from the lesson's generator, so a re-run gives the same mask."""
    t = _float(x, ctx)
    rate = float(_number(p, "p"))
    if not 0.0 <= rate <= 1.0:
        raise LessonRuntimeError(
            _("p is the chance to drop a value; it must be in [0, 1], not {p}").format(p=p)
        )
    if rate == 1.0:
        return t * 0.0
    draw = torch.rand(t.shape, generator=ctx.generator, dtype=t.dtype).to(ctx.device)
    return t * (draw >= rate) / (1.0 - rate)


def _embedding(ctx: FunctionContext, idx: TensorLike, table: TensorLike) -> torch.Tensor:
    """Row `idx` of the table for each index: a lookup, written as a function."""
    tab = as_tensor(table, ctx)
    if tab.dim() == 0:
        raise LessonRuntimeError(_("the table must have one row per token, not a single number"))
    i = _indices(idx, ctx, _("the indices"))
    _check_below(i, tab.shape[0], "index")
    check_numel(tuple(i.shape) + tuple(tab.shape[1:]))
    return tab[i]


def _text(x: Any, what: str) -> str:
    if not isinstance(x, str):
        raise LessonRuntimeError(
            _("{what} must be text in quotes, not {value}").format(what=what, value=_describe(x))
        )
    return x


def _encode(ctx: FunctionContext, text: str, alphabet: str) -> torch.Tensor:
    """Each character of `text` as its position in `alphabet`: characters to token ids."""
    chars, known = _text(text, "text"), _text(alphabet, _("the alphabet"))
    index = {c: k for k, c in reversed(list(enumerate(known)))}
    missing = sorted({c for c in chars if c not in index})
    if missing:
        raise LessonRuntimeError(
            _("{characters} not in the alphabet {alphabet}").format(
                characters=", ".join(repr(c) for c in missing[:5]), alphabet=repr(known)
            )
        )
    return torch.tensor([index[c] for c in chars], dtype=torch.long, device=ctx.device)


def _decode(ctx: FunctionContext, ids: TensorLike, alphabet: str) -> str:
    """Token ids back to text: character `alphabet[i]` for each id; rows of a matrix are lines."""
    known = _text(alphabet, _("the alphabet"))
    i = _indices(ids, ctx, _("the ids"))
    _check_below(i, len(known), "id")
    if i.dim() > 2:
        raise LessonRuntimeError(
            _("ids must be a vector or a matrix, not {shape}").format(shape=_dims(i.shape))
        )
    rows = i.reshape(1, -1) if i.dim() < 2 else i
    return "\n".join("".join(known[k] for k in row) for row in rows.tolist())


def _multinomial(ctx: FunctionContext, probs: TensorLike, n: int = 1) -> torch.Tensor:
    """`n` draws (with replacement) of an index from each row of probabilities, from the
    lesson's generator: the next token sampled from the model's distribution."""
    p = _float(probs, ctx)
    if p.dim() not in (1, 2) or p.shape[-1] == 0:
        raise LessonRuntimeError(
            _("probs must be a vector or rows of probabilities, not {shape}").format(
                shape=_dims(p.shape)
            )
        )
    if not torch.isfinite(p).all() or (p < 0).any() or (p.sum(-1) <= 0).any():
        raise LessonRuntimeError(_("probs must be finite, not negative, and sum to more than 0"))
    draws = _int(n, "n")
    if draws < 1:
        raise LessonRuntimeError(
            _("n is the number of draws; it must be at least 1, not {n}").format(n=draws)
        )
    check_numel((*p.shape[:-1], draws))
    cpu = p.detach().to("cpu", torch.float64)
    out = torch.multinomial(cpu, draws, replacement=True, generator=ctx.generator)
    return out.to(ctx.device)


# ---------------------------------------------------------------------------------------------
# Attention


def _scores(
    ctx: FunctionContext, Q: TensorLike, K: TensorLike, mask: TensorLike | None
) -> torch.Tensor:
    """Attention weights: softmax(Q Kᵀ / √d_k), with masked keys weighted exactly 0."""
    q, k = _floats(ctx, Q, K)
    for name, t in (("Q", q), ("K", k)):
        if t.dim() < 2:
            raise LessonRuntimeError(
                _("{name} must be n×d (one row per token), but it is {shape}").format(
                    name=name, shape=_dims(t.shape)
                )
            )
    if q.shape[-1] != k.shape[-1]:
        raise LessonRuntimeError(
            _(
                "Q is {q} and K is {k}: queries and keys must have the same length d_k (the "
                "last size), not {dq} and {dk}"
            ).format(q=_dims(q.shape), k=_dims(k.shape), dq=q.shape[-1], dk=k.shape[-1])
        )
    scores = _matmul_checked(q, k.transpose(-2, -1), "Q", "Kᵀ") / math.sqrt(k.shape[-1])
    if mask is None:
        return torch.softmax(scores, -1)
    m = as_tensor(mask, ctx)
    try:
        fits = torch.broadcast_shapes(m.shape, scores.shape) == scores.shape
    except RuntimeError:
        fits = False
    if not fits:
        raise LessonRuntimeError(
            _("the mask is {mask} but the scores Q Kᵀ are {scores}").format(
                mask=_dims(m.shape), scores=_dims(scores.shape)
            )
        )
    if m.is_floating_point():
        blocked = torch.isneginf(m)
        weights = torch.softmax(scores + m.to(scores.dtype), -1)
    else:
        blocked = ~m.bool()
        weights = torch.softmax(scores.masked_fill(blocked, float("-inf")), -1)
    return weights.masked_fill(blocked, 0.0)  # a row with every key hidden: 0s, not NaN


def _attention_weights(
    ctx: FunctionContext, Q: TensorLike, K: TensorLike, mask: TensorLike | None = None
) -> torch.Tensor:
    """softmax(Q Kᵀ / √d_k): row i says how much query i looks at each key; rows sum to 1.

    `mask`: bool (True = may attend, as `causal_mask` gives), 0/1, or added to the scores
    when it holds floats (0 or -inf).
    """
    return _scores(ctx, Q, K, mask)


def _attention(
    ctx: FunctionContext,
    Q: TensorLike,
    K: TensorLike,
    V: TensorLike,
    mask: TensorLike | None = None,
) -> torch.Tensor:
    """Scaled dot-product attention: softmax(Q Kᵀ / √d_k) V; shapes … × n × d."""
    weights = _scores(ctx, Q, K, mask)
    v = _float(V, ctx)
    if v.dim() < 2 or v.shape[-2] != weights.shape[-1]:
        raise LessonRuntimeError(
            ngettext(
                "K has {n} key (rows), so V needs as many rows; V is {shape}",
                "K has {n} keys (rows), so V needs as many rows; V is {shape}",
                weights.shape[-1],
            ).format(n=weights.shape[-1], shape=_dims(v.shape))
        )
    return _matmul_checked(weights, v, _("the weights"), "V")


def _causal_mask(ctx: FunctionContext, n: int) -> torch.Tensor:
    """n×n, True on and below the diagonal: token i may look at tokens 0..i, not the future."""
    size = _int(n, "n")
    check_numel((size, size), "mask")
    return torch.ones(size, size, dtype=torch.bool, device=ctx.device).tril()


def _positional_encoding(ctx: FunctionContext, n: int, d: int) -> torch.Tensor:
    """PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(the same); n×d."""
    rows, cols = _int(n, "n"), _int(d, "d")
    check_numel((rows, cols), "positional encoding")
    pos = torch.arange(rows, dtype=torch.float64).unsqueeze(1)
    two_i = torch.arange(0, cols, 2, dtype=torch.float64)
    angle = pos / torch.pow(10000.0, two_i / max(cols, 1))
    pe = torch.zeros(rows, cols, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : cols // 2])
    return pe.to(ctx.device, ctx.dtype)  # computed in float64 on the CPU: same on every device


# ---------------------------------------------------------------------------------------------
# Classification


def _class_numbers(
    ctx: FunctionContext, pred: TensorLike, target: TensorLike
) -> tuple[torch.Tensor, torch.Tensor]:
    """Predicted and true classes of one shape; scores with one more dim are argmax'd."""
    p, t = as_tensor(pred, ctx), as_tensor(target, ctx)
    if p.is_floating_point() and p.dim() == t.dim() + 1:
        p = p.argmax(-1)  # one score per class: the highest wins
    p = _indices(p, ctx, _("the predictions"))
    t = _indices(t, ctx, _("the targets"))
    _same_shape(p, t, _("the prediction"), _("the target"))
    return p, t


def _binary(
    ctx: FunctionContext, pred: TensorLike, target: TensorLike
) -> tuple[torch.Tensor, torch.Tensor]:
    p, t = as_tensor(pred, ctx), as_tensor(target, ctx)
    _same_shape(p, t, _("the prediction"), _("the target"))
    out = []
    for what, x in ((_("the predictions"), p), (_("the targets"), t)):
        bad = (x != 0) & (x != 1)
        if bool(bad.any()):
            value = x[bad].flatten()[0].item()
            raise LessonRuntimeError(
                _(
                    "{what} must be 0 or 1 (class 1 is positive), but one is {value}; threshold "
                    "probabilities first, e.g. p > 0.5"
                ).format(what=what, value=f"{value:g}")
            )
        out.append(x.bool())
    return out[0], out[1]


def _counts(
    ctx: FunctionContext, pred: TensorLike, target: TensorLike
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """True positives, false positives and false negatives, as 0-d floats."""
    p, t = _binary(ctx, pred, target)
    tp = (p & t).sum().to(ctx.dtype)
    fp = (p & ~t).sum().to(ctx.dtype)
    fn = (~p & t).sum().to(ctx.dtype)
    return tp, fp, fn


def _precision(ctx: FunctionContext, pred: TensorLike, target: TensorLike) -> torch.Tensor:
    """TP / (TP + FP); 0 when nothing is predicted positive (never NaN)."""
    tp, fp, _ = _counts(ctx, pred, target)
    return tp / (tp + fp).clamp(min=1)


def _recall(ctx: FunctionContext, pred: TensorLike, target: TensorLike) -> torch.Tensor:
    """TP / (TP + FN); 0 when there is no positive example."""
    tp, _, fn = _counts(ctx, pred, target)
    return tp / (tp + fn).clamp(min=1)


def _f1(ctx: FunctionContext, pred: TensorLike, target: TensorLike) -> torch.Tensor:
    """2PR / (P + R), written as 2TP / (2TP + FP + FN) so that it is 0, not NaN, when P = R = 0."""
    tp, fp, fn = _counts(ctx, pred, target)
    return 2 * tp / (2 * tp + fp + fn).clamp(min=1)


def _accuracy(ctx: FunctionContext, pred: TensorLike, target: TensorLike) -> torch.Tensor:
    """Share of predictions equal to the target; works for any number of classes."""
    p, t = _class_numbers(ctx, pred, target)
    right = (p == t).sum().to(ctx.dtype)
    return right / max(t.numel(), 1)


def _confusion(
    ctx: FunctionContext, pred: TensorLike, target: TensorLike, n: int | None = None
) -> torch.Tensor:
    """Counts, rows = true class, columns = predicted; n defaults to the classes seen (≥ 2)."""
    p, t = _class_numbers(ctx, pred, target)
    if n is None:
        seen = int(torch.cat([p.flatten(), t.flatten()]).max()) + 1 if p.numel() else 0
        size = max(seen, 2)
    else:
        size = _int(n, "n")
    check_numel((size, size), "confusion matrix")
    _check_below(p, size, "predicted class")
    _check_below(t, size, "true class")
    flat = torch.bincount((t * size + p).flatten(), minlength=size * size)
    return flat.reshape(size, size)


def confusion_metrics(
    matrix: np.ndarray,
) -> tuple[float, tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """Accuracy and per-class precision, recall and F1 from a confusion matrix.

    Rows are the true class, columns the predicted one. A ratio with nothing to divide by
    (a class never predicted, say) is 0.0, so a view never has to draw NaN.
    """
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ValueError(f"a confusion matrix must be square, not {_dims(m.shape)}")
    diag = np.diag(m)
    total = m.sum()
    accuracy = float(diag.sum() / total) if total > 0 else 0.0
    predicted, actual = m.sum(axis=0), m.sum(axis=1)
    precision = np.divide(diag, predicted, out=np.zeros_like(diag), where=predicted > 0)
    recall = np.divide(diag, actual, out=np.zeros_like(diag), where=actual > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(diag), where=both > 0)
    return (
        accuracy,
        tuple(float(v) for v in precision),
        tuple(float(v) for v in recall),
        tuple(float(v) for v in f1),
    )


def _one_hot(ctx: FunctionContext, idx: TensorLike, n: int | None = None) -> torch.Tensor:
    """Floats with a 1 at each class number; n defaults to the largest class plus one."""
    i = _indices(idx, ctx, _("the class numbers"))
    if n is None:
        size = int(i.max()) + 1 if i.numel() else 0
    else:
        size = _int(n, "n")
    check_numel((*i.shape, size), "one-hot tensor")
    _check_below(i, size, "class")
    return F.one_hot(i, size).to(ctx.dtype)


# ---------------------------------------------------------------------------------------------
# Making tensors


def _zeros(ctx: FunctionContext, *shape: int) -> torch.Tensor:
    size = _shape(shape)
    check_numel(size)
    return torch.zeros(size, dtype=ctx.dtype, device=ctx.device)


def _ones(ctx: FunctionContext, *shape: int) -> torch.Tensor:
    size = _shape(shape)
    check_numel(size)
    return torch.ones(size, dtype=ctx.dtype, device=ctx.device)


def _randn(ctx: FunctionContext, *shape: int) -> torch.Tensor:
    """Standard normal draws from the lesson's generator (reproducible from its seed)."""
    size = _shape(shape)
    check_numel(size)
    return torch.randn(size, generator=ctx.generator, dtype=ctx.dtype).to(ctx.device)


def _rand(ctx: FunctionContext, *shape: int) -> torch.Tensor:
    """Uniform draws in [0, 1) from the lesson's generator."""
    size = _shape(shape)
    check_numel(size)
    return torch.rand(size, generator=ctx.generator, dtype=ctx.dtype).to(ctx.device)


def _arange(
    ctx: FunctionContext, start: float, stop: float | None = None, step: float = 1
) -> torch.Tensor:
    """Like Python's range (`arange(5)` is 0..4), but floats are allowed; ints give long."""
    if stop is None:
        start, stop = 0, start
    a, b, s = _number(start, "start"), _number(stop, "stop"), _number(step, "step")
    if s == 0:
        raise LessonRuntimeError(_("the step cannot be 0"))
    count = math.ceil((b - a) / s)
    if count < 0:
        if s > 0:
            said = _("a step of {step} never gets from {start} to {stop}; use a negative step")
        else:
            said = _("a step of {step} never gets from {start} to {stop}; use a positive step")
        raise LessonRuntimeError(said.format(step=s, start=a, stop=b))
    check_numel((count,))
    floats = any(isinstance(v, float) for v in (a, b, s))
    dtype = ctx.dtype if floats else torch.long
    return torch.arange(a, b, s, dtype=dtype, device=ctx.device)


def _eye(ctx: FunctionContext, n: int, m: int | None = None) -> torch.Tensor:
    rows = _int(n, "n")
    cols = rows if m is None else _int(m, "m")
    check_numel((rows, cols))
    return torch.eye(rows, cols, dtype=ctx.dtype, device=ctx.device)


def _tensor_list(ctx: FunctionContext, tensors: Any, example: str) -> list[torch.Tensor]:
    if not isinstance(tensors, (list, tuple)) or not tensors:
        raise LessonRuntimeError(
            _("give a list of tensors, e.g. {example}").format(example=example)
        )
    return [as_tensor(t, ctx) for t in tensors]


def _cat(ctx: FunctionContext, tensors: Sequence[TensorLike], dim: int = 0) -> torch.Tensor:
    """Join along an existing dim."""
    ts = _tensor_list(ctx, tensors, "cat([a, b], dim=0)")
    return torch.cat(ts, _dim(ts[0], dim))


def _stack(ctx: FunctionContext, tensors: Sequence[TensorLike], dim: int = 0) -> torch.Tensor:
    """Join along a new dim."""
    ts = _tensor_list(ctx, tensors, "stack([a, b], dim=0)")
    shapes = {tuple(t.shape) for t in ts}
    if len(shapes) > 1:
        raise LessonRuntimeError(
            _("every tensor must have the same shape, but they are {shapes}").format(
                shapes=", ".join(_dims(t.shape) for t in ts)
            )
        )
    return torch.stack(ts, _dim(ts[0], dim, extra=1 if ts[0].dim() else 0))


# ---------------------------------------------------------------------------------------------
# Reductions and reshaping


def _sum(
    ctx: FunctionContext, x: TensorLike, dim: Dim = None, keepdim: bool = False
) -> torch.Tensor:
    t = as_tensor(x, ctx)
    return t.sum() if dim is None else t.sum(_dim(t, dim), keepdim=bool(keepdim))


def _mean(
    ctx: FunctionContext, x: TensorLike, dim: Dim = None, keepdim: bool = False
) -> torch.Tensor:
    t = _float(x, ctx)
    return t.mean() if dim is None else t.mean(_dim(t, dim), keepdim=bool(keepdim))


def _empty_check(t: torch.Tensor) -> None:
    if t.numel() == 0:
        raise LessonRuntimeError(_("the tensor is empty, so it has no largest or smallest value"))


def _max(
    ctx: FunctionContext, x: TensorLike, dim: Dim = None, keepdim: bool = False
) -> torch.Tensor:
    """The largest value (per row along `dim`); values only, see argmax for where."""
    t = as_tensor(x, ctx)
    _empty_check(t)
    return t.max() if dim is None else t.max(_dim(t, dim), keepdim=bool(keepdim)).values


def _min(
    ctx: FunctionContext, x: TensorLike, dim: Dim = None, keepdim: bool = False
) -> torch.Tensor:
    """The smallest value (per row along `dim`); values only."""
    t = as_tensor(x, ctx)
    _empty_check(t)
    return t.min() if dim is None else t.min(_dim(t, dim), keepdim=bool(keepdim)).values


def _argmax(
    ctx: FunctionContext, x: TensorLike, dim: Dim = None, keepdim: bool = False
) -> torch.Tensor:
    """Where the largest value is: over the flattened tensor, or along `dim`."""
    t = as_tensor(x, ctx)
    _empty_check(t)
    return t.argmax() if dim is None else t.argmax(_dim(t, dim), keepdim=bool(keepdim))


def _transpose(ctx: FunctionContext, x: TensorLike, dim0: int = -2, dim1: int = -1) -> torch.Tensor:
    """Swap two dims, the last two by default (Kᵀ for batched K); 0-d and 1-D stay as they are."""
    t = as_tensor(x, ctx)
    if t.dim() < 2 and (dim0, dim1) == (-2, -1):
        return t
    return t.transpose(_dim(t, dim0), _dim(t, dim1))


def _reshape(ctx: FunctionContext, x: TensorLike, *shape: int) -> torch.Tensor:
    """The same numbers in a new shape; one size may be -1 (worked out from the rest)."""
    t = as_tensor(x, ctx)
    size = _shape(shape, allow_minus_one=True)
    known = math.prod(d for d in size if d != -1)
    free = size.count(-1)
    fits = known == t.numel() if free == 0 else free == 1 and known > 0 and t.numel() % known == 0
    if not fits:
        raise LessonRuntimeError(
            _("cannot arrange the {n} numbers of a {shape} tensor as {size}").format(
                n=t.numel(), shape=_dims(t.shape), size=_dims(size)
            )
        )
    return t.reshape(size)


# ---------------------------------------------------------------------------------------------
# The table


# ---------------------------------------------------------------------------------------------
# More building blocks the curriculum uses


def _where(ctx: FunctionContext, cond: TensorLike, a: TensorLike, b: TensorLike) -> torch.Tensor:
    """Element by element: `a` where `cond` holds, else `b` (masks, piecewise functions)."""
    c = as_tensor(cond, ctx).bool()
    x, y = as_tensor(a, ctx), as_tensor(b, ctx)
    check_numel(torch.broadcast_shapes(c.shape, x.shape, y.shape))
    return torch.where(c, x, y)


def _nonzero(ctx: FunctionContext, x: TensorLike) -> torch.Tensor:
    """Indices of the true (non-zero) entries of a vector, e.g. the misclassified rows."""
    t = as_tensor(x, ctx)
    if t.dim() != 1:
        raise LessonRuntimeError(
            _("takes a vector; this tensor has shape {shape}").format(shape=_dims(t.shape))
        )
    return torch.nonzero(t).reshape(-1)


def _randperm(ctx: FunctionContext, n: int) -> torch.Tensor:
    """A shuffled 0..n-1 from the lesson's generator (a reproducible train/test split)."""
    size = _int(n, "n")
    check_numel([size])
    return torch.randperm(size, generator=ctx.generator).to(ctx.device)


def _linspace(ctx: FunctionContext, start: float, stop: float, steps: int) -> torch.Tensor:
    count = _int(steps, "steps")
    check_numel([count])
    return torch.linspace(
        _number(start, "start"), _number(stop, "stop"), count, dtype=ctx.dtype, device=ctx.device
    )


def _full(ctx: FunctionContext, shape: Any, value: float) -> torch.Tensor:
    size = _shape((shape,) if not isinstance(shape, (list, tuple)) else tuple(shape))
    check_numel(size)
    return torch.full(size, _number(value, "value"), dtype=ctx.dtype, device=ctx.device)


def _maximum(ctx: FunctionContext, a: TensorLike, b: TensorLike) -> torch.Tensor:
    """Element-wise larger of two tensors (max(x, dim) reduces one tensor instead)."""
    x, y = as_tensor(a, ctx), as_tensor(b, ctx)
    check_numel(torch.broadcast_shapes(x.shape, y.shape))
    return torch.maximum(x, y.to(x.dtype))


def _minimum(ctx: FunctionContext, a: TensorLike, b: TensorLike) -> torch.Tensor:
    x, y = as_tensor(a, ctx), as_tensor(b, ctx)
    check_numel(torch.broadcast_shapes(x.shape, y.shape))
    return torch.minimum(x, y.to(x.dtype))


def _outer(ctx: FunctionContext, a: TensorLike, b: TensorLike) -> torch.Tensor:
    x, y = _float(a, ctx).reshape(-1), _float(b, ctx).reshape(-1)
    check_numel([x.numel(), y.numel()])
    return torch.outer(x, y)


def _round(ctx: FunctionContext, x: TensorLike, decimals: int = 0) -> torch.Tensor:
    return torch.round(_float(x, ctx), decimals=_int(decimals, "decimals"))


def _topk(ctx: FunctionContext, x: TensorLike, k: int) -> torch.Tensor:
    """Indices of the k largest values along the last dimension (predicted tokens, say)."""
    t = as_tensor(x, ctx)
    return torch.topk(t, _int(k, "k"), dim=-1).indices


def _elementwise(op: Callable[[torch.Tensor], torch.Tensor], *, floats: bool) -> Callable[..., Any]:
    """A one-argument function applied element by element; `floats` converts whole numbers
    first (exp(1) is e, not an error about long tensors)."""

    def apply(ctx: FunctionContext, x: TensorLike) -> torch.Tensor:
        return op(_float(x, ctx) if floats else as_tensor(x, ctx))

    return apply


_sigmoid, _tanh, _sqrt, _exp, _log, _sin, _cos = (
    _elementwise(op, floats=True)
    for op in (torch.sigmoid, torch.tanh, torch.sqrt, torch.exp, torch.log, torch.sin, torch.cos)
)
_relu, _abs, _sign, _zeros_like, _ones_like, _tril, _triu = (
    _elementwise(op, floats=False)
    for op in (
        torch.relu,
        torch.abs,
        torch.sign,
        torch.zeros_like,
        torch.ones_like,
        torch.tril,
        torch.triu,
    )
)


_log10, _isnan, _isinf = (
    _elementwise(op, floats=True) for op in (torch.log10, torch.isnan, torch.isinf)
)


def _tensor(ctx: FunctionContext, data: Any) -> torch.Tensor:
    """A tensor from a literal; a literal known before the lesson starts belongs under
    `tensors:`, where it has a name (and labels, grad) from the first step."""
    return as_tensor(data, ctx)


def _cumprod(ctx: FunctionContext, x: TensorLike, dim: int = 0) -> torch.Tensor:
    """Running products along `dim` (a chain of factors: how a gradient grows layer by layer)."""
    t = as_tensor(x, ctx)
    return torch.cumprod(t, _dim(t, dim))


def _entropy(ctx: FunctionContext, p: TensorLike, dim: int = -1) -> torch.Tensor:
    """-Σ p·log p along `dim`, with 0·log 0 = 0 (the entropy of a distribution, in nats)."""
    t = _float(p, ctx)
    return torch.special.entr(t).sum(_dim(t, dim))


def _grads(params: Any, what: str) -> list[torch.Tensor]:
    tensors = list(params) if isinstance(params, list | tuple) else [params]
    if not tensors or not all(isinstance(t, torch.Tensor) for t in tensors):
        raise LessonRuntimeError(
            _("{what} takes a tensor or a list of tensors with gradients").format(what=what)
        )
    grads = [t.grad for t in tensors if t.grad is not None]
    if not grads:
        raise LessonRuntimeError(
            _("there are no gradients to clip yet: run backward first (backward: loss)")
        )
    return grads


def _clip_grad_norm(ctx: FunctionContext, params: Any, max_norm: float) -> torch.Tensor:
    """Scale the gradients of `params` together so that their total norm is at most
    `max_norm`, in place; returns the norm they had (as torch's clip_grad_norm_)."""
    grads = _grads(params, "clip_grad_norm")
    limit = _number(max_norm, "max_norm")
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    scale = torch.clamp(limit / (total + 1e-6), max=1.0)
    for g in grads:
        g.mul_(scale.to(g.dtype))
    return total


def _clip_grad_value(ctx: FunctionContext, params: Any, clip: float) -> None:
    """Clamp every gradient of `params` into [-clip, clip], in place."""
    limit = _number(clip, "clip")
    for g in _grads(params, "clip_grad_value"):
        g.clamp_(-limit, limit)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "mse": _mse,
    "l1": _l1,
    "cross_entropy": _cross_entropy,
    "bce": _bce,
    "softmax": _softmax,
    "log_softmax": _log_softmax,
    "sigmoid": _sigmoid,
    "relu": _relu,
    "leaky_relu": _leaky_relu,
    "tanh": _tanh,
    "matmul": _matmul,
    "linear": _linear,
    "layer_norm": _layer_norm,
    "batch_norm": _batch_norm,
    "conv2d": _conv2d,
    "max_pool2d": _max_pool2d,
    "avg_pool2d": _avg_pool2d,
    "attention": _attention,
    "attention_weights": _attention_weights,
    "causal_mask": _causal_mask,
    "positional_encoding": _positional_encoding,
    "one_hot": _one_hot,
    "confusion": _confusion,
    "precision": _precision,
    "recall": _recall,
    "f1": _f1,
    "accuracy": _accuracy,
    "zeros": _zeros,
    "ones": _ones,
    "randn": _randn,
    "rand": _rand,
    "arange": _arange,
    "eye": _eye,
    "cat": _cat,
    "stack": _stack,
    "sqrt": _sqrt,
    "exp": _exp,
    "log": _log,
    "abs": _abs,
    "sum": _sum,
    "mean": _mean,
    "max": _max,
    "min": _min,
    "argmax": _argmax,
    "clamp": _clamp,
    "transpose": _transpose,
    "reshape": _reshape,
    "embedding": _embedding,
    "dropout": _dropout,
    "encode": _encode,
    "decode": _decode,
    "multinomial": _multinomial,
    "where": _where,
    "nonzero": _nonzero,
    "randperm": _randperm,
    "linspace": _linspace,
    "full": _full,
    "zeros_like": _zeros_like,
    "ones_like": _ones_like,
    "sin": _sin,
    "cos": _cos,
    "sign": _sign,
    "maximum": _maximum,
    "minimum": _minimum,
    "outer": _outer,
    "tril": _tril,
    "triu": _triu,
    "round": _round,
    "topk": _topk,
    "tensor": _tensor,
    "cumprod": _cumprod,
    "entropy": _entropy,
    "log10": _log10,
    "isnan": _isnan,
    "isinf": _isinf,
    "clip_grad_norm": _clip_grad_norm,
    "clip_grad_value": _clip_grad_value,
}


@functools.cache
def _public_signature(fn: Callable[..., Any]) -> inspect.Signature:
    """`fn`'s signature as a lesson calls it (without the context): worked out once, not
    for every Run (inspect takes ~10 ms for the whole list)."""
    signature = inspect.signature(fn)
    return signature.replace(parameters=list(signature.parameters.values())[1:])


def _lesson_function(name: str, fn: Callable[..., Any], ctx: FunctionContext) -> Callable[..., Any]:
    """Bind `fn` to the lesson and make every failure a LessonRuntimeError naming `name`."""
    public = _public_signature(fn)

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            out = fn(ctx, *args, **kwargs)
            if isinstance(out, torch.Tensor):
                check_numel(out.shape)
            return out
        except OutOfTime:
            raise
        except LessonRuntimeError as e:
            if e.message.startswith(f"{name}:"):
                raise
            raise type(e)(f"{name}: {e.message}", col=e.col) from e
        except TypeError as e:
            try:
                public.bind(*args, **kwargs)
            except TypeError as wrong_call:  # a missing or unknown argument, say so plainly
                raise LessonRuntimeError(f"{name}: {_call_problem(wrong_call)}") from e
            raise LessonRuntimeError(f"{name}: {explain(e)}") from e
        except _TRANSLATED as e:
            raise LessonRuntimeError(f"{name}: {explain(e)}") from e

    call.__name__ = call.__qualname__ = name
    call.__doc__ = fn.__doc__
    call.__signature__ = public  # type: ignore[attr-defined]
    return call


# what `inspect.Signature.bind` says of a wrong call, in the reader's language
_CALL_PROBLEMS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"missing a required argument: '(\w+)'$"),
        N_("missing a required argument: '{0}'"),
    ),
    (re.compile(r"too many positional arguments$"), N_("too many positional arguments")),
    (
        re.compile(r"got an unexpected keyword argument '(\w+)'$"),
        N_("got an unexpected keyword argument '{0}'"),
    ),
    (
        re.compile(r"multiple values for argument '(\w+)'$"),
        N_("multiple values for argument '{0}'"),
    ),
]


def _call_problem(error: TypeError) -> str:
    text = str(error)
    for pattern, template in _CALL_PROBLEMS:
        match = pattern.match(text)
        if match:
            return _(template).format(*match.groups())
    return text


def make_functions(ctx: FunctionContext) -> dict[str, Callable[..., Any]]:
    """The functions a lesson may call, by name, bound to this lesson's device and generator."""
    return {name: _lesson_function(name, fn, ctx) for name, fn in _FUNCTIONS.items()}
