"""YAML 1.2 text into plain Python data, remembering where every key and value stood.

ruamel.yaml reads YAML 1.2 (so `yes`, `on` and `1:30` stay text) and marks each node with
its line and column; we copy that into a flat map from a path such as `("steps", 1, "run")`
to a position, so that any later check can point at the exact place in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from tutor.i18n import _
from tutor.lesson.errors import LessonError, Pos

MAX_NODES = 50_000  # after aliases are expanded; a real lesson has a few thousand
MAX_BYTES = 5_000_000
MAX_DEPTH = 64  # mappings and lists nested in one another; a lesson needs about 8

# the tags YAML 1.2's core schema resolves plain values to; anything else written with `!`
# (`!!python/object`, `!!binary`, a custom `!tag`) is refused, not constructed
_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")
)


class _DeepYAML(MarkedYAMLError):
    """Raised by the composer and constructor below, with the place of the node at fault."""


class _Composer(Composer):
    """Counts nesting as it composes, so a 900-deep file stops at MAX_DEPTH with its line,
    long before ruamel's own recursion runs out of Python's stack."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.parser.peek_event().start_mark
                raise _DeepYAML(
                    problem=_("lists and mappings are nested more than {depth} deep here").format(
                        depth=MAX_DEPTH
                    ),
                    problem_mark=mark,
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Constructor(RoundTripConstructor):
    """Constructs only plain data: a node with any other tag is refused where it stands."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        tag = node.tag if isinstance(node.tag, str) else getattr(node.tag, "value", None)
        if tag is not None and tag not in _TAGS and tag != "tag:yaml.org,2002:merge":
            shown = str(tag).replace("tag:yaml.org,2002:", "!!")
            raise _DeepYAML(
                problem=_(
                    "the tag {tag} is not allowed; a lesson holds plain text, "
                    "numbers, lists and mappings"
                ).format(tag=shown[:60]),
                problem_mark=node.start_mark,
            )
        return super().construct_object(node, deep)


YamlPath = tuple[str | int, ...]


@dataclass
class Source:
    """A parsed lesson file: its data and the position of everything in it."""

    file: str
    data: Any
    lines: list[str]
    values: dict[YamlPath, Pos] = field(default_factory=dict)
    keys: dict[YamlPath, Pos] = field(default_factory=dict)
    styles: dict[YamlPath, str] = field(default_factory=dict)  # '|', '>', '"', "'" or ''

    def value_pos(self, path: YamlPath) -> Pos:
        """Where the value at `path` starts, or the nearest enclosing thing that has a place."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, Pos(1, 1))

    def key_pos(self, path: YamlPath) -> Pos:
        return self.keys.get(path) or self.value_pos(path)


def read_source(path: Path, display: str | None = None) -> Source:
    """Read and parse a lesson file; every problem becomes a located `LessonError`."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise LessonError.at(
            name, Pos(1, 1), _("cannot read the file: {why}").format(why=e.strerror)
        ) from None
    if len(raw) > MAX_BYTES:
        raise LessonError.at(
            name,
            Pos(1, 1),
            _("the file is {n} bytes; the limit is {limit}").format(
                n=f"{len(raw):,}", limit=f"{MAX_BYTES:,}"
            ),
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise LessonError.at(
            name,
            Pos(line, col),
            _("byte {byte} is not UTF-8; save the file as UTF-8").format(
                byte=f"0x{raw[e.start]:02x}"
            ),
        ) from None
    return parse_text(text, name)


def parse_text(text: str, name: str) -> Source:
    yaml = YAML(typ="rt")
    yaml.Composer = _Composer
    yaml.Constructor = _Constructor
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as e:
        pos, message = _yaml_problem(e, text)
        raise LessonError.at(name, pos, message) from None
    except YAMLError as e:  # unmarked: rare
        raise LessonError.at(name, Pos(1, 1), _("not valid YAML: {why}").format(why=e)) from None
    except RecursionError:  # a second line of defence behind MAX_DEPTH
        raise LessonError.at(name, Pos(1, 1), _("the file is nested too deeply to read")) from None
    source = Source(file=name, data=None, lines=text.splitlines())
    if tree is None:
        raise LessonError.at(
            name,
            Pos(1, 1),
            _("the file is empty; a lesson needs at least 'id', 'title' and 'steps'"),
        )
    source.data = _Plain(source).convert(tree, ())
    return source


def _yaml_problem(e: MarkedYAMLError, text: str) -> tuple[Pos, str]:
    """Where a YAML error really is, said plainly: the unclosed bracket, not the end of file."""
    context = e.context or ""
    problem = e.problem or ""
    opened = e.context_mark
    if opened is not None and context.startswith("while parsing a flow "):
        bracket = "[" if "sequence" in context else "{"
        closer = "]" if bracket == "[" else "}"
        return (
            Pos(opened.line + 1, opened.column + 1),
            _("this '{bracket}' is never closed with '{closer}'").format(
                bracket=bracket, closer=closer
            ),
        )
    if opened is not None and "quoted scalar" in context:
        quote = text.splitlines()[opened.line][opened.column : opened.column + 1] or '"'
        return (
            Pos(opened.line + 1, opened.column + 1),
            _("the quote {quote} opened here is never closed").format(quote=quote),
        )
    if problem.startswith("expected <block end>") and e.problem_mark is not None:
        lines = text.splitlines()
        line = e.problem_mark.line
        here = _indent(lines[line]) if line < len(lines) else 0
        above = next((_indent(t) for t in reversed(lines[:line]) if t.strip()), 0)
        value = (
            lines[line].split(": ", 1)[1].lstrip()
            if line < len(lines) and ": " in lines[line]
            else ""
        )
        if value[:1] in ("[", "{") and here == above:
            said = (
                _(
                    "a value that starts with '{bracket}' is read as a list, "
                    "and text follows it; put the whole value in quotes"
                )
                if value[0] == "["
                else _(
                    "a value that starts with '{bracket}' is read as a mapping, "
                    "and text follows it; put the whole value in quotes"
                )
            )
            return _mark_pos(e), said.format(bracket=value[0])
        return (
            _mark_pos(e),
            _(
                "this line is indented by {here} spaces, which does not line "
                "up with the lines above it ({above} spaces)"
            ).format(here=here, above=above),
        )
    return _mark_pos(e), _yaml_message(e)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _mark_pos(e: MarkedYAMLError) -> Pos:
    mark = e.problem_mark or e.context_mark
    return Pos(mark.line + 1, mark.column + 1) if mark else Pos(1, 1)


def _yaml_message(e: MarkedYAMLError) -> str:
    problem = " ".join((e.problem or "").split())
    if isinstance(e, _DeepYAML):
        return problem
    if "'\\t'" in problem:
        return _("a tab is used for indentation; YAML indents with spaces only")
    if problem.startswith("found duplicate key"):
        key = problem.split('"')[1] if '"' in problem else "?"
        first = e.context_mark.line + 1 if e.context_mark else None
        if first:
            return _(
                "the key '{key}' appears twice in the same mapping (the mapping starts on "
                "line {line})"
            ).format(key=key, line=first)
        return _("the key '{key}' appears twice in the same mapping").format(key=key)
    if problem.startswith("found undefined alias"):
        name = problem.removeprefix("found undefined alias").strip()
        return _(
            "*{name} reads as an alias that is not defined (&name); "
            "a value that starts with '*' or '&' must be in quotes"
        ).format(name=name.strip(chr(39))[:40])
    if "cannot start any token" in problem:
        char = problem.split("'")[1] if "'" in problem else "?"
        return _(
            "a value cannot start with '{char}' in YAML; put the whole value in quotes"
        ).format(char=char)
    if "mapping values are not allowed here" in problem:
        return _(
            "a ':' inside a value; put the value in quotes, or start a new line for a "
            "nested mapping"
        )
    context = f" {e.context}" if e.context else ""
    # ruamel's own words, for the rare error no sentence above foresees
    return _("this is not valid YAML: {why}").format(why=f"{problem}{context}".rstrip())


class _Plain:
    """Converts ruamel's commented nodes to plain data, counting nodes to stop alias bombs."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.count = 0

    def convert(self, node: Any, path: YamlPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            top = path[:2] if len(path) >= 2 else path[:1]
            said = (
                _(
                    "'{name}' expands to more than {limit} values once its aliases (*name) "
                    "are followed; a lesson is never that large"
                )
                if top
                else _(
                    "the file expands to more than {limit} values once its aliases (*name) "
                    "are followed; a lesson is never that large"
                )
            )
            raise LessonError.at(
                self.source.file,
                self.source.key_pos(top),
                said.format(name=top[-1] if top else "", limit=f"{MAX_NODES:,}"),
            )
        if isinstance(node, CommentedMap):
            out: dict[Any, Any] = {}
            for key, value in node.items():
                try:
                    kl, kc = node.lc.key(key)
                    vl, vc = node.lc.value(key)
                except (KeyError, TypeError):  # a key merged in from `<<: *alias`
                    here = self.source.value_pos(path)
                    kl, kc = vl, vc = here.line - 1, here.col - 1
                key = str(key) if not isinstance(key, (str, int)) else key
                sub = (*path, key)
                self.source.keys[sub] = Pos(kl + 1, kc + 1)
                self.source.values[sub] = Pos(vl + 1, vc + 1)
                out[key] = self.convert(value, sub)
            return out
        if isinstance(node, CommentedSeq):
            items = []
            for i, value in enumerate(node):
                line, col = node.lc.item(i)
                self.source.values[(*path, i)] = Pos(line + 1, col + 1)
                items.append(self.convert(value, (*path, i)))
            return items
        if isinstance(node, str):
            self.source.styles[path] = _style(node)
            return str(node)
        if isinstance(node, bool):
            return bool(node)
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):
            return float(node)
        if isinstance(node, (list, dict, tuple, set)):  # merged or unusual containers
            return node
        return node if node is None else str(node)


def _style(node: str) -> str:
    if isinstance(node, LiteralScalarString):
        return "|"
    if isinstance(node, FoldedScalarString):
        return ">"
    if isinstance(node, DoubleQuotedScalarString):
        return '"'
    if isinstance(node, SingleQuotedScalarString):
        return "'"
    return ""
