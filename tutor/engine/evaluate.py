"""Evaluates the checked subset of Python (see `tutor.lesson.expressions`) over torch values.

A tree walker, not `eval`: only the node types the format allows are handled, names come from
the lesson's state, its params and the tutor's functions, and every tensor a statement could
make is sized before it is made. Errors carry the node where they happened, so the message
can quote `x @ W` and point at its column.
"""

from __future__ import annotations

import ast
import difflib
import math
import operator
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from typing import Any

import torch

from tutor.engine.errors import LessonRuntimeError, UnsafeExpression
from tutor.engine.limits import MAX_INT_BITS, check_numel
from tutor.engine.torch_errors import explain, shape_text
from tutor.i18n import _
from tutor.lesson.catalogue import MODULES, pytorch_pointer
from tutor.lesson.expressions import TENSOR_ATTRIBUTES

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "inf": math.inf}

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.MatMult: operator.matmul,
}
_INPLACE: dict[type[ast.operator], str] = {
    ast.Add: "add_",
    ast.Sub: "sub_",
    ast.Mult: "mul_",
    ast.Div: "div_",
    ast.Pow: "pow_",
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_SYMBOL: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.MatMult: "@",
}


class EvalError(LessonRuntimeError):
    """A runtime error, with the innermost node it happened at."""

    def __init__(self, message: str, node: ast.AST) -> None:
        super().__init__(message)
        self.node = node


class Evaluator:
    """Runs statements against `state` (mutated in place); reads `params` and `functions`."""

    def __init__(
        self, functions: Mapping[str, Callable[..., Any]], params: Mapping[str, Any] | None = None
    ) -> None:
        self.functions = functions
        self.params: Mapping[str, Any] = params or {}

    # -- statements

    def exec(self, tree: ast.Module, state: dict[str, Any]) -> None:
        for statement in tree.body:
            self.statement(statement, state)

    def statement(self, node: ast.stmt, state: dict[str, Any]) -> None:
        if isinstance(node, ast.Assign):
            value = self.expr(node.value, state)
            for target in node.targets:
                self._assign(target, value, state, node)
        elif isinstance(node, ast.AugAssign):
            self._augassign(node, state)
        elif isinstance(node, ast.Expr):
            self.expr(node.value, state)
        else:  # the loader refuses these; kept as a second line of defence
            raise UnsafeExpression(_("{what} is not allowed").format(what=type(node).__name__))

    def eval(self, tree: ast.Expression | ast.Module, state: Mapping[str, Any]) -> Any:
        if isinstance(tree, ast.Expression):
            return self.expr(tree.body, state)
        body = tree.body
        if len(body) == 1 and isinstance(body[0], ast.Expr):
            return self.expr(body[0].value, state)
        raise UnsafeExpression(_("an expression was expected here, not a statement"))

    def _assign(self, target: ast.AST, value: Any, state: dict[str, Any], node: ast.AST) -> None:
        if isinstance(target, ast.Name):
            name = self._writable(target)
            old = state.get(name)
            if _is_grad_leaf(old) and isinstance(value, torch.Tensor):
                # W = W - lr * W.grad: an update, kept a leaf that still tracks gradients
                value = value.detach().clone().requires_grad_(True)
            state[name] = value
        elif isinstance(target, ast.Tuple):
            values = list(value) if isinstance(value, (list, tuple, torch.Tensor)) else None
            if values is None or len(values) != len(target.elts):
                raise EvalError(
                    _("cannot unpack {value} into {n} names").format(
                        value=_describe(value), n=len(target.elts)
                    ),
                    node,
                )
            for t, v in zip(target.elts, values, strict=True):
                self._assign(t, v, state, node)
        elif isinstance(target, ast.Attribute):  # W.grad = None (the only form the loader lets by)
            owner = self.expr(target.value, state)
            if not isinstance(owner, torch.Tensor) or target.attr != "grad" or value is not None:
                raise EvalError(_("only 'W.grad = None' may be assigned to an attribute"), node)
            owner.grad = None
        elif isinstance(target, ast.Subscript):
            owner = self.expr(target.value, state)
            index = self._index(target.slice, state)
            if not isinstance(owner, torch.Tensor):
                raise EvalError(
                    _("only tensors can be assigned into, not {value}").format(
                        value=_describe(owner)
                    ),
                    target,
                )
            with torch.no_grad() if _is_grad_leaf(owner) else nullcontext():
                self._guard(target, lambda: owner.__setitem__(index, value))
        else:
            raise UnsafeExpression(_("this cannot be assigned to"))

    def _augassign(self, node: ast.AugAssign, state: dict[str, Any]) -> None:
        value = self.expr(node.value, state)
        target = node.target
        if isinstance(target, ast.Subscript):
            current = self.expr(target, state)
            result = self._binary(node.op, current, value, node)
            self._assign(target, result, state, node)
            return
        if not isinstance(target, ast.Name):
            raise UnsafeExpression(_("only names and items can be updated"))
        name = self._writable(target)
        current = self._name(target, state)
        method = _INPLACE.get(type(node.op))
        if _is_grad_leaf(current) and method:
            # W -= lr * W.grad: in place and outside autograd, as torch.no_grad() would
            self._check_binary(node.op, current, value, node)
            with torch.no_grad():
                self._guard(node, lambda: getattr(current, method)(value))
            return
        state[name] = self._binary(node.op, current, value, node)

    def _writable(self, target: ast.Name) -> str:
        name = target.id
        if name in self.functions:
            raise EvalError(
                _("'{name}' is one of the tutor's functions; choose another name").format(
                    name=name
                ),
                target,
            )
        if name in self.params:
            raise EvalError(
                _("'{name}' is a param (a knob the learner turns); it cannot be assigned").format(
                    name=name
                ),
                target,
            )
        return name

    # -- expressions

    def expr(self, node: ast.AST, state: Mapping[str, Any]) -> Any:
        match node:
            case ast.Constant(value=value):
                return value
            case ast.Name():
                return self._name(node, state)
            case ast.BinOp(left=left, op=op, right=right):
                return self._binary(op, self.expr(left, state), self.expr(right, state), node)
            case ast.UnaryOp(op=op, operand=operand):
                value = self.expr(operand, state)
                if isinstance(op, ast.USub):
                    return self._guard(node, lambda: -value)
                if isinstance(op, ast.UAdd):
                    return self._guard(node, lambda: +value)
                return self._guard(node, lambda: not value)
            case ast.BoolOp(op=op, values=values):
                result = None
                for v in values:
                    result = self.expr(v, state)
                    truth = self._guard(v, lambda r=result: bool(r))
                    if isinstance(op, ast.And) != truth:
                        return result
                return result
            case ast.Compare(left=left, ops=ops, comparators=comparators):
                a = self.expr(left, state)
                result: Any = True
                for op, right in zip(ops, comparators, strict=True):
                    b = self.expr(right, state)
                    result = self._guard(node, lambda a=a, b=b, op=op: _COMPARE[type(op)](a, b))
                    a = b
                return result
            case ast.IfExp(test=test, body=body, orelse=orelse):
                cond = self.expr(test, state)
                truth = self._guard(test, lambda: bool(cond))
                return self.expr(body if truth else orelse, state)
            case ast.Tuple(elts=elts):
                return tuple(self.expr(e, state) for e in elts)
            case ast.List(elts=elts):
                return [self.expr(e, state) for e in elts]
            case ast.Attribute():
                return self._attribute(node, state)
            case ast.Subscript(value=value, slice=index):
                owner = self.expr(value, state)
                key = self._index(index, state)
                if not isinstance(owner, (torch.Tensor, list, tuple, torch.Size)):
                    raise EvalError(
                        _("{value} cannot be indexed").format(value=_describe(owner)), node
                    )
                return self._guard(node, lambda: owner[key])
            case ast.Call():
                return self._call(node, state)
        raise UnsafeExpression(
            _("{what} is not part of the expressions a lesson may use").format(
                what=type(node).__name__
            )
        )

    def _name(self, node: ast.Name, state: Mapping[str, Any]) -> Any:
        name = node.id
        if name.startswith("_"):
            raise UnsafeExpression(
                _("names beginning with '_' are not allowed ('{name}')").format(name=name)
            )
        for scope in (state, self.params, self.functions, CONSTANTS):
            if name in scope:
                return scope[name]
        known = [*state, *self.params, *self.functions]
        guess = difflib.get_close_matches(name, known, n=1, cutoff=0.7)
        if guess:
            missing = _("there is no '{name}' at this step (did you mean '{guess}'?)")
        else:
            missing = _("there is no '{name}' at this step")
        raise EvalError(missing.format(name=name, guess=guess[0] if guess else ""), node)

    def _attribute(self, node: ast.Attribute, state: Mapping[str, Any]) -> Any:
        if node.attr.startswith("_") or node.attr not in TENSOR_ATTRIBUTES:
            raise UnsafeExpression(_("'.{name}' is not allowed").format(name=node.attr))
        root = node.value
        if isinstance(root, ast.Name) and root.id in MODULES and root.id not in state:
            if root.id not in self.params:  # `F.softmax(x)`, written as in PyTorch
                raise EvalError(pytorch_pointer(f"{root.id}.{node.attr}"), node)
        owner = self.expr(node.value, state)
        if not isinstance(owner, torch.Tensor):
            raise EvalError(
                _("'.{name}' works on tensors, and this is {value}").format(
                    name=node.attr, value=_describe(owner)
                ),
                node,
            )
        return getattr(owner, node.attr)

    def _index(self, node: ast.AST, state: Mapping[str, Any]) -> Any:
        if isinstance(node, ast.Slice):
            parts = [
                None if p is None else self.expr(p, state)
                for p in (node.lower, node.upper, node.step)
            ]
            return slice(*parts)
        if isinstance(node, ast.Tuple):
            return tuple(self._index(e, state) for e in node.elts)
        return self.expr(node, state)

    def _call(self, node: ast.Call, state: Mapping[str, Any]) -> Any:
        func = node.func
        if isinstance(func, ast.Name):
            if func.id not in self.functions:
                value = self._name(func, state)
                raise EvalError(
                    _("'{name}' is {value}, not a function").format(
                        name=func.id, value=_describe(value)
                    ),
                    node,
                )
            target: Callable[..., Any] = self.functions[func.id]
            label = func.id
        elif isinstance(func, ast.Attribute):
            target = self._attribute(func, state)
            label = f".{func.attr}"
            if not callable(target):
                raise EvalError(
                    _("'{name}' is a value, not a method; drop the ()").format(name=label), node
                )
        else:
            raise UnsafeExpression(_("only the tutor's functions and tensor methods can be called"))
        args = [self.expr(a, state) for a in node.args]
        kwargs = {k.arg: self.expr(k.value, state) for k in node.keywords if k.arg}
        if any(k.arg is None for k in node.keywords):
            raise UnsafeExpression(_("'**' unpacking is not allowed"))
        result = self._guard(node, lambda: target(*args, **kwargs), label)
        if isinstance(result, torch.Tensor):
            self._guard(node, lambda: check_numel(result.shape, "result"))
        return result

    # -- arithmetic with bounds

    def _binary(self, op: ast.operator, a: Any, b: Any, node: ast.AST) -> Any:
        self._check_binary(op, a, b, node)
        result = self._guard(node, lambda: _BINARY[type(op)](a, b))
        if (
            isinstance(result, int)
            and not isinstance(result, bool)
            and result.bit_length() > MAX_INT_BITS
        ):
            raise EvalError(
                _("this makes a number of {bits} bits; the limit is {limit}").format(
                    bits=f"{result.bit_length():,}", limit=f"{MAX_INT_BITS:,}"
                ),
                node,
            )
        return result

    def _check_binary(self, op: ast.operator, a: Any, b: Any, node: ast.AST) -> None:
        with torch._C.DisableTorchFunction():  # shape queries: nothing for the budget to size
            self._check_operands(op, a, b, node)

    def _check_operands(self, op: ast.operator, a: Any, b: Any, node: ast.AST) -> None:
        for v in (a, b):
            if not isinstance(v, (int, float, bool, torch.Tensor)):
                if isinstance(v, list | tuple):
                    wrong = _(
                        "'{op}' works on numbers and tensors, not {value}; a literal is "
                        "written under tensors: (or wrapped: tensor([...]))"
                    )
                else:
                    wrong = _("'{op}' works on numbers and tensors, not {value}")
                raise EvalError(wrong.format(op=_SYMBOL[type(op)], value=_describe(v)), node)
        if isinstance(op, ast.Pow) and _is_int(a) and _is_int(b) and b > 0:
            if abs(a).bit_length() * b > MAX_INT_BITS:
                raise EvalError(
                    _("{a} ** {b} is too large a number to compute").format(a=a, b=b), node
                )
        ta, tb = isinstance(a, torch.Tensor), isinstance(b, torch.Tensor)
        if isinstance(op, ast.MatMult):
            if not (ta and tb):
                raise EvalError(_("'@' multiplies two tensors; use '*' for a number"), node)
            _check_matmul(a, b, node)
        elif ta and tb:
            try:
                shape = broadcast(tuple(a.shape), tuple(b.shape))
            except ValueError:
                raise EvalError(
                    _(
                        "shapes {a} and {b} cannot be combined element by element with '{op}'"
                    ).format(a=shape_text(a.shape), b=shape_text(b.shape), op=_SYMBOL[type(op)]),
                    node,
                ) from None
            self._guard(node, lambda: check_numel(shape, "result"))

    @staticmethod
    def _guard(node: ast.AST, action: Callable[[], Any], label: str = "") -> Any:
        """Run `action`, turning whatever torch or Python raises into a located sentence."""
        try:
            return action()
        except EvalError:
            raise
        except LessonRuntimeError as e:
            raise EvalError(e.message, node) from None
        except (
            RuntimeError,
            TypeError,
            ValueError,
            IndexError,
            ZeroDivisionError,
            OverflowError,
            KeyError,
            AttributeError,
        ) as e:
            if label and not label.startswith("."):
                said = _("{name}: {problem}").format(name=label, problem=explain(e))
                raise EvalError(said, node) from None
            raise EvalError(explain(e), node) from None


def _check_matmul(a: torch.Tensor, b: torch.Tensor, node: ast.AST) -> None:
    if a.dim() == 0 or b.dim() == 0:
        raise EvalError(
            _("'@' needs tensors of at least one dimension; use '*' for a scalar"), node
        )
    inner_a = a.shape[-1]
    inner_b = b.shape[-2] if b.dim() > 1 else b.shape[0]
    if inner_a != inner_b:
        raise EvalError(
            _(
                "shapes {a} and {b} cannot be multiplied ({columns} columns against {rows} rows)"
            ).format(a=shape_text(a.shape), b=shape_text(b.shape), columns=inner_a, rows=inner_b),
            node,
        )
    rows = a.shape[-2] if a.dim() > 1 else 1
    cols = b.shape[-1] if b.dim() > 1 else 1
    batch = torch.broadcast_shapes(a.shape[:-2], b.shape[:-2]) if a.dim() > 2 or b.dim() > 2 else ()
    try:
        check_numel((*batch, rows, cols), "result")
    except LessonRuntimeError as e:
        raise EvalError(e.message, node) from None


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_grad_leaf(value: Any) -> bool:
    return isinstance(value, torch.Tensor) and value.requires_grad and value.is_leaf


def _describe(value: Any) -> str:
    """A value named in a sentence ("a 2×3 tensor"), in the reader's language."""
    if isinstance(value, torch.Tensor):
        return _("a {shape} tensor").format(shape=shape_text(value.shape))
    if isinstance(value, bool):
        return _("the boolean {value}").format(value=value)
    if isinstance(value, (int, float)):
        return _("the number {value}").format(value=value)
    if isinstance(value, str):
        return _("text")
    if value is None:
        return "None"
    if callable(value):
        return _("a function")
    if isinstance(value, (list, tuple)):
        return _("a list of {n}").format(n=len(value))
    return type(value).__name__


def broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """The shape two operands broadcast to (numpy's rule); ValueError when they do not.
    `torch.broadcast_shapes` gives the same through torch's Python reference code, about
    ten times slower: it ran for every `+` of every training iteration."""
    if a == b:
        return a
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            raise ValueError(f"{a} and {b} do not broadcast")
        out.append(y if x == 1 else x)
    return tuple(reversed(out))
