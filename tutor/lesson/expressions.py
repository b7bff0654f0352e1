"""The safe subset of Python that `run`, `answer`, `show` and `expect` are written in.

Parsing and the static whitelist live here, in the format layer, so a lesson with a forbidden
construct is refused when it is loaded, with the file, line and column of the construct. The
engine evaluates only trees that passed this check, and checks again what depends on values.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from tutor.i18n import N_, _
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
    ast.BitXor: N_("'^' (for a power write '**')"),
    ast.Invert: "'~'",
    ast.In: "'in'",
    ast.NotIn: "'not in'",
    ast.Is: "'is'",
    ast.IsNot: "'is not'",
}

# why a construct is refused: marked for the catalog, said in the reader's language (a
# learner's line and an author's lesson get the same reason)
_IMPORTS = N_("imports are not allowed; the tutor's functions are already there by name")
_LOOPS = N_("loops are not allowed; use the step's 'repeat' field")
_FUNCTIONS = N_("defining functions is not allowed")
_COMPREHENSIONS = N_("comprehensions are not allowed; use tensor operations instead")
_REFUSED: dict[type[ast.AST], str] = {
    ast.Import: _IMPORTS,
    ast.ImportFrom: _IMPORTS,
    ast.For: _LOOPS,
    ast.While: _LOOPS,
    ast.FunctionDef: _FUNCTIONS,
    ast.AsyncFunctionDef: _FUNCTIONS,
    ast.Lambda: N_("lambdas are not allowed"),
    ast.ClassDef: N_("defining classes is not allowed"),
    ast.ListComp: _COMPREHENSIONS,
    ast.SetComp: _COMPREHENSIONS,
    ast.DictComp: _COMPREHENSIONS,
    ast.GeneratorExp: _COMPREHENSIONS,
    ast.With: N_("'with' is not allowed; updates of grad tensors already run without autograd"),
    ast.Try: N_("'try' is not allowed"),
    ast.Raise: N_("'raise' is not allowed"),
    ast.Global: N_("'global' is not allowed"),
    ast.Nonlocal: N_("'nonlocal' is not allowed"),
    ast.Delete: N_("'del' is not allowed; assign None instead"),
    ast.NamedExpr: N_("':=' is not allowed; write an assignment on its own line"),
    ast.JoinedStr: N_("f-strings are not allowed"),
    ast.Dict: N_("dictionaries are not allowed in statements"),
    ast.Set: N_("sets are not allowed in statements"),
    ast.Starred: N_("'*' unpacking is not allowed"),
    ast.If: N_(
        "'if' statements are not allowed; use 'a if cond else b' or torch.where-style arithmetic"
    ),
    ast.Return: N_("'return' is not allowed"),
    ast.Assert: N_("'assert' is not allowed; use the step's 'expect' field"),
}

# Python's own words for a line it cannot parse, as sentences in the reader's language; the
# English templates give back Python's text exactly, and a message not here is kept as it is
_SYNTAX: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"invalid syntax$"), N_("invalid syntax")),
    (
        re.compile(r"invalid syntax\. Perhaps you forgot a comma\?$"),
        N_("invalid syntax. Perhaps you forgot a comma?"),
    ),
    (re.compile(r"'(.)' was never closed$"), N_("'{0}' was never closed")),
    (re.compile(r"unmatched '(.)'$"), N_("unmatched '{0}'")),
    (
        re.compile(r"closing parenthesis '(.)' does not match opening parenthesis '(.)'$"),
        N_("closing parenthesis '{0}' does not match opening parenthesis '{1}'"),
    ),
    (
        re.compile(r"unterminated string literal \(detected at line (\d+)\)$"),
        N_("unterminated string literal (detected at line {0})"),
    ),
    (re.compile(r"unexpected indent$"), N_("unexpected indent")),
    (re.compile(r"invalid decimal literal$"), N_("invalid decimal literal")),
    (re.compile(r"expected ':'$"), N_("expected ':'")),
    (re.compile(r"unexpected EOF while parsing$"), N_("unexpected EOF while parsing")),
    (
        re.compile(r"invalid character '(.)' \((U\+[0-9A-F]+)\)$"),
        N_("invalid character '{0}' ({1})"),
    ),
    (
        re.compile(r"cannot assign to (.+?) here\. Maybe you meant '==' instead of '='\?$"),
        N_("cannot assign to {0} here. Maybe you meant '==' instead of '='?"),
    ),
    (re.compile(r"cannot assign to (.+?)$"), N_("cannot assign to {0}")),
]


def syntax_reason(message: str) -> str:
    """Python's complaint about a line (`'(' was never closed`) in the reader's language."""
    for pattern, template in _SYNTAX:
        match = pattern.match(message)
        if match:
            return _(template).format(*match.groups())
    return message


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

    `context` names where it sits ("step 3", "the answer of step 2") for the author's
    messages, which start "in step 3, "; "" is a learner's own line, which the caret locates:
    its messages say only what is wrong, in the learner's language.
    """
    source = text.strip("\n") if not block else text
    if len(source) > MAX_CODE_CHARS:
        raise LessonError.at(
            file,
            origin,
            _in(
                context,
                _("the code is {n} characters long; the limit is {limit}").format(
                    n=f"{len(source):,}", limit=f"{MAX_CODE_CHARS:,}"
                ),
            ),
        )
    if "\x00" in source:
        at = source.index("\x00")
        line = source.count("\n", 0, at) + 1
        col = at - (source.rfind("\n", 0, at) + 1)
        pos = Code(source, ast.Module(body=[], type_ignores=[]), file, origin, block).pos_at(
            line, col
        )
        raise LessonError.at(file, pos, _in(context, _("the code holds a NUL character")))
    try:
        tree = ast.parse(source, mode=mode)
    except (RecursionError, MemoryError):
        raise LessonError.at(
            file, origin, _in(context, _("the code is nested too deeply to read"))
        ) from None
    except SyntaxError as e:
        code = Code(source, ast.Module(body=[], type_ignores=[]), file, origin, block)
        line_text = _line(source, e.lineno or 1)
        pos = code.pos_at(e.lineno or 1, max((e.offset or 1) - 1, 0))
        why = syntax_reason(e.msg)
        unread = (
            _("'{line}' is not an expression the tutor can read: {why}")
            if mode == "eval"
            else _("'{line}' is not a statement the tutor can read: {why}")
        )
        raise LessonError.at(
            file, pos, _in(context, unread.format(line=line_text, why=why))
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
            too_deep = _(
                "the expression is nested more than {depth} deep (a long chain of operators "
                "nests one level per term); split it over several statements"
            )
            raise LessonError.at(
                file, code.pos(node), _in(context, too_deep.format(depth=MAX_DEPTH))
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _in(context: str, message: str) -> str:
    """`in step 3, …` for an author (`context` is the place, already in the reader's
    language); a learner's line ("") needs no place: the caret shows it."""
    return _("in {place}, {problem}").format(place=context, problem=message) if context else message


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
                said = _("'{code}': {problem}").format(code=_short(quoted), problem=problem)
                raise LessonError.at(code.file, code.pos(node), _in(context, said))


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
    """Why `node` is refused, in the reader's language; None when it is allowed."""
    if type(node) in _REFUSED:
        return _(_REFUSED[type(node)])
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        return _("names beginning with '_' are not allowed ('{name}')").format(name=node.id)
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            return _("attributes beginning with '_' are not allowed ('.{name}')").format(
                name=node.attr
            )
        dotted = _dotted(node)
        root = dotted.split(".")[0]
        if root in MODULES and (
            root != "F" or dotted.count(".") > 1 or node.attr not in TENSOR_ATTRIBUTES
        ):
            return pytorch_pointer(dotted)  # `F` may be a tensor: F.sum() is checked as it runs
        if node.attr not in TENSOR_ATTRIBUTES:
            pointer = method_pointer(node.attr)
            if pointer:
                return _(
                    "'.{name}' is not one of the tensor attributes a lesson may use; {pointer}"
                ).format(name=node.attr, pointer=pointer)
            return _(
                "'.{name}' is not one of the tensor attributes a lesson may use; those are "
                "{some}, …"
            ).format(name=node.attr, some=", ".join(sorted(TENSOR_ATTRIBUTES, key=str.lower)[:12]))
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bytes):
            return _("bytes literals are not allowed")
        if isinstance(node.value, complex):
            return _("complex numbers are not part of lessons; tensors hold real numbers")
        if isinstance(node.value, str) and len(node.value) > MAX_STRING:
            return _("a string of {n} characters; the limit is {limit}").format(
                n=len(node.value), limit=MAX_STRING
            )
    if isinstance(node, (ast.Assign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            bad = _bad_target(target, node)
            if bad:
                return bad
    if type(node) in _OPERATORS:
        return _("{what} is not part of the expressions a lesson may use").format(
            what=_(_OPERATORS[type(node)])
        )
    if not isinstance(node, _NODES):
        return _("{what} is not part of the expressions a lesson may use").format(
            what=type(node).__name__
        )
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
        return _("a gradient can only be cleared ('W.grad = None'); autograd fills it")
    return _("only names, items (x[0] = ...) and 'W.grad = None' can be assigned to")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
