"""The safe subset of Python that `run`, `answer`, `show` and `expect` are written in.

Parsing and the static whitelist live here, in the format layer, so a lesson with a forbidden
construct is refused when it is loaded, with the file, line and column of the construct. The
engine evaluates only trees that passed this check, and checks again what depends on values.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from tutor.lesson.catalogue import MODULES, method_pointer, pytorch_pointer
from tutor.lesson.errors import LessonError, Pos

# Attributes a statement may read from a tensor. Nothing that starts with '_' is ever allowed.
TENSOR_ATTRIBUTES = frozenset(
    """T mT shape grad requires_grad is_leaf dtype device ndim
    sum mean max min argmax argmin softmax log_softmax sigmoid tanh relu
    reshape view flatten squeeze unsqueeze transpose permute t expand
    item abs exp log sqrt pow clamp sign round floor ceil std var norm prod cumsum
    clone detach float double long int bool numel dim size matmul
    any all backward zero_ tolist cumprod requires_grad_ log10 isnan isinf""".split()
)

MAX_STRING = 200  # a string literal is a keyword value such as reduction='sum', never data
MAX_CODE_CHARS = 20_000
"""Characters in one code field (a `run` block, an `answer`): read before it is parsed."""
MAX_DEPTH = 64
"""Nesting of one statement's tree (a chain `a + b + …` nests one level per term): measured
without recursion, before anything walks the tree recursively (the evaluator does)."""

_NODES: tuple[type[ast.AST], ...] = (
    ast.Module,
    ast.Expression,
    ast.Expr,
    ast.Assign,
    ast.AugAssign,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.keyword,
    ast.Attribute,
    ast.Subscript,
    ast.Slice,
    ast.Tuple,
    ast.List,
    ast.Name,
    ast.Constant,
    ast.Load,
    ast.Store,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Pow,
    ast.MatMult,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.And,
    ast.Or,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
)

# operators Python has and lessons do not: named as the author wrote them
_OPERATORS: dict[type[ast.AST], str] = {
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.BitOr: "'|'",
    ast.BitAnd: "'&'",
    ast.BitXor: "'^' (for a power write '**')",
    ast.Invert: "'~'",
    ast.In: "'in'",
    ast.NotIn: "'not in'",
    ast.Is: "'is'",
    ast.IsNot: "'is not'",
}

_REFUSED: dict[type[ast.AST], str] = {
    ast.Import: "imports are not allowed; the tutor's functions are already there by name",
    ast.ImportFrom: "imports are not allowed; the tutor's functions are already there by name",
    ast.For: "loops are not allowed; use the step's 'repeat' field",
    ast.While: "loops are not allowed; use the step's 'repeat' field",
    ast.FunctionDef: "defining functions is not allowed",
    ast.AsyncFunctionDef: "defining functions is not allowed",
    ast.Lambda: "lambdas are not allowed",
    ast.ClassDef: "defining classes is not allowed",
    ast.ListComp: "comprehensions are not allowed; use tensor operations instead",
    ast.SetComp: "comprehensions are not allowed; use tensor operations instead",
    ast.DictComp: "comprehensions are not allowed; use tensor operations instead",
    ast.GeneratorExp: "comprehensions are not allowed; use tensor operations instead",
    ast.With: "'with' is not allowed; updates of grad tensors already run without autograd",
    ast.Try: "'try' is not allowed",
    ast.Raise: "'raise' is not allowed",
    ast.Global: "'global' is not allowed",
    ast.Nonlocal: "'nonlocal' is not allowed",
    ast.Delete: "'del' is not allowed; assign None instead",
    ast.NamedExpr: "':=' is not allowed; write an assignment on its own line",
    ast.JoinedStr: "f-strings are not allowed",
    ast.Dict: "dictionaries are not allowed in statements",
    ast.Set: "sets are not allowed in statements",
    ast.Starred: "'*' unpacking is not allowed",
    ast.If: "'if' statements are not allowed; use 'a if cond else b' or torch.where-style "
    "arithmetic",
    ast.Return: "'return' is not allowed",
    ast.Assert: "'assert' is not allowed; use the step's 'expect' field",
}


@dataclass(frozen=True)
class Code:
    """Source text from a lesson, parsed and checked, that knows where it sits in the file."""

    text: str
    tree: ast.Module | ast.Expression
    file: str
    origin: Pos  # file position of the text's first character
    block: bool  # a `|` block: later lines start at origin.col too
    reads: frozenset[str] = field(default_factory=frozenset)
    writes: frozenset[str] = field(default_factory=frozenset)

    def pos(self, node: ast.AST | None) -> Pos:
        if node is None or not hasattr(node, "lineno"):
            return self.origin
        return self.pos_at(node.lineno, node.col_offset)

    def pos_at(self, lineno: int, col_offset: int) -> Pos:
        if lineno <= 1 or self.block:
            return Pos(self.origin.line + lineno - 1, self.origin.col + col_offset)
        return Pos(self.origin.line + lineno - 1, col_offset + 1)

    def segment(self, node: ast.AST) -> str:
        """The statement's own text, as the author wrote it."""
        return (ast.get_source_segment(self.text, node) or self.text).strip()

    @property
    def statements(self) -> list[ast.stmt]:
        return list(self.tree.body) if isinstance(self.tree, ast.Module) else []


def parse_code(text: str, *, mode: str, file: str, origin: Pos, block: bool, context: str) -> Code:
    """Parse `text` (mode 'exec' for statements, 'eval' for one expression) and check it.

    `context` names where it sits ("step 3", "the answer of step 2") for the messages.
    """
    source = text.strip("\n") if not block else text
    if len(source) > MAX_CODE_CHARS:
        raise LessonError.at(
            file,
            origin,
            f"in {context}, the code is {len(source):,} characters long; the limit is "
            f"{MAX_CODE_CHARS:,}",
        )
    if "\x00" in source:
        at = source.index("\x00")
        line = source.count("\n", 0, at) + 1
        col = at - (source.rfind("\n", 0, at) + 1)
        pos = Code(source, ast.Module(body=[], type_ignores=[]), file, origin, block).pos_at(
            line, col
        )
        raise LessonError.at(file, pos, f"in {context}, the code holds a NUL character")
    try:
        tree = ast.parse(source, mode=mode)
    except (RecursionError, MemoryError):
        raise LessonError.at(
            file, origin, f"in {context}, the code is nested too deeply to read"
        ) from None
    except SyntaxError as e:
        code = Code(source, ast.Module(body=[], type_ignores=[]), file, origin, block)
        line_text = _line(source, e.lineno or 1)
        pos = code.pos_at(e.lineno or 1, max((e.offset or 1) - 1, 0))
        what = "an expression" if mode == "eval" else "a statement"
        raise LessonError.at(
            file, pos, f"in {context}, '{line_text}' is not {what} the tutor can read: {e.msg}"
        ) from None
    _check_depth(tree, source, file, origin, block, context)
    code = Code(source, tree, file, origin, block, *_names(tree))
    _check(code, context)
    return code


def _check_depth(
    tree: ast.AST, source: str, file: str, origin: Pos, block: bool, context: str
) -> None:
    """Refuse a tree nested deeper than MAX_DEPTH, walking it with a stack, not recursion."""
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            code = Code(source, tree, file, origin, block)  # type: ignore[arg-type]
            raise LessonError.at(
                file,
                code.pos(node),
                f"in {context}, the expression is nested more than {MAX_DEPTH} deep "
                "(a long chain of operators nests one level per term); split it over "
                "several statements",
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _line(text: str, lineno: int) -> str:
    lines = text.splitlines() or [""]
    return lines[min(max(lineno, 1), len(lines)) - 1].strip()


def _names(tree: ast.AST) -> tuple[frozenset[str], frozenset[str]]:
    reads: set[str] = set()
    writes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (writes if isinstance(node.ctx, ast.Store) else reads).add(node.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            reads.add(node.target.id)
    return frozenset(reads), frozenset(writes)


def assigned(statement: ast.AST) -> list[ast.Name]:
    """The names a statement assigns: `a, b = ...` both, `x[0] = ...` and `W -= ...` their
    name. What a write step's `check` defaults to, and what a statement added to the state."""
    if isinstance(statement, ast.Assign):
        found: list[ast.Name] = []
        stack: list[ast.AST] = list(reversed(statement.targets))
        while stack:  # a stack, not recursion: in the order written
            t = stack.pop()
            if isinstance(t, ast.Name):
                found.append(t)
            elif isinstance(t, ast.Tuple):
                stack.extend(reversed(t.elts))
            elif isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                found.append(t.value)
        return found
    if isinstance(statement, ast.AugAssign):
        target = statement.target
        if isinstance(target, ast.Subscript):
            target = target.value
        return [target] if isinstance(target, ast.Name) else []
    return []


def assigned_names(codes: list[Code]) -> list[str]:
    """Every name the statements of `codes` assign, in order, each once."""
    names = [n.id for c in codes for s in c.statements for n in assigned(s)]
    return list(dict.fromkeys(names))


def _check(code: Code, context: str) -> None:
    for statement in code.statements or [code.tree]:
        for node in ast.walk(statement):
            problem = _problem(node)
            if problem:
                quoted = (
                    code.segment(statement)
                    if isinstance(statement, ast.stmt)
                    else code.text.strip()
                )
                raise LessonError.at(
                    code.file, code.pos(node), f"in {context}, '{_short(quoted)}': {problem}"
                )


def _dotted(node: ast.AST) -> str:
    """`nn.functional.softmax` for that chain of attributes; '' when it is not rooted in a name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([node.id, *reversed(parts)])


def _problem(node: ast.AST) -> str | None:
    if type(node) in _REFUSED:
        return _REFUSED[type(node)]
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        return f"names beginning with '_' are not allowed ('{node.id}')"
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            return f"attributes beginning with '_' are not allowed ('.{node.attr}')"
        dotted = _dotted(node)
        root = dotted.split(".")[0]
        if root in MODULES and (
            root != "F" or dotted.count(".") > 1 or node.attr not in TENSOR_ATTRIBUTES
        ):
            return pytorch_pointer(dotted)  # `F` may be a tensor: F.sum() is checked as it runs
        if node.attr not in TENSOR_ATTRIBUTES:
            pointer = method_pointer(node.attr)
            return f"'.{node.attr}' is not one of the tensor attributes a lesson may use; " + (
                pointer
                or f"those are {', '.join(sorted(TENSOR_ATTRIBUTES, key=str.lower)[:12])}, …"
            )
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bytes):
            return "bytes literals are not allowed"
        if isinstance(node.value, complex):
            return "complex numbers are not part of lessons; tensors hold real numbers"
        if isinstance(node.value, str) and len(node.value) > MAX_STRING:
            return f"a string of {len(node.value)} characters; the limit is {MAX_STRING}"
    if isinstance(node, (ast.Assign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            bad = _bad_target(target, node)
            if bad:
                return bad
    if type(node) in _OPERATORS:
        return f"{_OPERATORS[type(node)]} is not part of the expressions a lesson may use"
    if not isinstance(node, _NODES):
        return f"{type(node).__name__} is not part of the expressions a lesson may use"
    return None


def _bad_target(target: ast.AST, node: ast.AST) -> str | None:
    if isinstance(target, ast.Name | ast.Subscript):
        return None
    if isinstance(target, ast.Tuple) and isinstance(node, ast.Assign):
        return next((p for t in target.elts if (p := _bad_target(t, node))), None)
    if isinstance(target, ast.Attribute) and target.attr == "grad":
        value = getattr(node, "value", None)
        if isinstance(node, ast.Assign) and isinstance(value, ast.Constant) and value.value is None:
            return None
        return "a gradient can only be cleared ('W.grad = None'); autograd fills it"
    return "only names, items (x[0] = ...) and 'W.grad = None' can be assigned to"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
