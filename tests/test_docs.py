"""The authoring guides (docs/authoring.md and docs/authoring.zh.md) checked against the tutor.

Every fenced ```yaml block is tried:

- a whole lesson (it has `steps:`) must load and pass `check_lesson`, as `tutor check` would;
- a fragment of the top level (`tensors:`, `params:`, `title:` ...) is completed with an id,
  a title and one step that shows its tensors, and must pass `check_lesson` too;
- a step, or a list of steps, is put into a lesson of its own and must load (its names may
  come from elsewhere in the guide, so it is not run);
- a block whose first lines hold `# broken: expect <fragment>` must fail, with <fragment> in
  the message.

Blocks are wrapped as text, not re-dumped, so a block is read exactly as a teacher's file would
be. Lessons are written beside a copy of lessons/data, so `csv: data/...` works.

Every function of `_FUNCTIONS` must appear in each guide with its signature, every tensor
attribute a lesson may use must be listed, and every command in a ```sh block must be a `tutor`
command that the real argument parser accepts.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from tutor.cli import COMMANDS, build_parser
from tutor.engine.check import check_lesson
from tutor.engine.docs import signature
from tutor.engine.functions import _FUNCTIONS
from tutor.lesson import LessonError, load_lesson
from tutor.lesson.expressions import TENSOR_ATTRIBUTES
from tutor.lesson.models import Lesson, Step

ROOT = Path(__file__).resolve().parent.parent
GUIDES = (ROOT / "docs" / "authoring.md", ROOT / "docs" / "authoring.zh.md")
DATA = ROOT / "tutor" / "lessons" / "data"

FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
BROKEN = re.compile(r"^\s*#\s*broken:\s*expect\s+(.+?)\s*$", re.MULTILINE)
LESSON_FIELDS = frozenset(Lesson.model_fields)
STEP_FIELDS = frozenset(Step.model_fields)
REDIRECT = re.compile(r"^\d*[<>]")


@dataclass(frozen=True)
class Block:
    guide: Path
    line: int
    lang: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.guide.name}:{self.line}"


def _blocks(lang: str) -> list[Block]:
    out = []
    for guide in GUIDES:
        if not guide.is_file():
            continue  # test_the_guide_has_examples says so
        text = guide.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            if m.group(1) == lang:
                line = text.count("\n", 0, m.start()) + 2  # the block's first line
                out.append(Block(guide, line, lang, m.group(2)))
    return out


def _params(lang: str) -> list[object]:
    return [pytest.param(b, id=b.where) for b in _blocks(lang)]


# ------------------------------------------------------------------ yaml blocks


def _kind(data: object) -> str:
    """lesson, step, top (top-level fields), steps, or other; a misspelt field still lands
    where the loader names it."""
    if isinstance(data, dict) and "steps" in data:
        return "lesson"
    if isinstance(data, dict) and set(data) & (STEP_FIELDS - LESSON_FIELDS):
        return "step"
    if isinstance(data, dict) and set(data) & LESSON_FIELDS:
        return "top"
    if (
        isinstance(data, list)
        and data
        and all(isinstance(s, dict) and set(s) & STEP_FIELDS for s in data)
    ):
        return "steps"
    return "other"


def _wrap(text: str, data: object, kind: str) -> str:
    """The block as a whole lesson, its own lines unchanged."""
    head = "id: doc-example\ntitle: An example from the guide\n"
    if kind == "top":
        assert isinstance(data, dict)
        extra = "".join(
            line
            for key, line in (("id", "id: doc-example\n"), ("title", "title: Example\n"))
            if key not in data
        )
        names = list((data.get("tensors") or {}).keys())
        show = f"    show: [{', '.join(names)}]\n" if names else ""
        return f"{textwrap.dedent(text).rstrip()}\n{extra}steps:\n  - title: The tensors\n{show}"
    if kind == "step":
        assert isinstance(data, dict)
        title = "" if "title" in data else "    title: A step\n"
        body = textwrap.indent(textwrap.dedent(text), "    ")
        return f"{head}steps:\n  -\n{title}{body}"
    if kind == "steps":
        return f"{head}steps:\n{textwrap.indent(textwrap.dedent(text), '  ')}"
    return text


def _read(text: str) -> tuple[object, str]:
    try:
        data = YAML(typ="safe", pure=True).load(textwrap.dedent(text))
    except YAMLError:
        return None, "unreadable"
    return data, _kind(data)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    here = tmp_path_factory.mktemp("guide")
    shutil.copytree(DATA, here / "data")
    return here


def _file(folder: Path, block: Block, text: str) -> Path:
    name = re.sub(r"[^a-z0-9]+", "-", block.where.lower()).strip("-")
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.name)
def test_the_guide_has_examples(guide: Path) -> None:
    assert guide.is_file(), f"{guide} is missing"
    blocks = [b for b in _blocks("yaml") if b.guide == guide]
    assert sum(1 for b in blocks if _read(b.text)[1] == "lesson") >= 4
    assert any(BROKEN.search(b.text) for b in blocks)
    assert [b for b in _blocks("sh") if b.guide == guide]


@pytest.mark.parametrize("block", _params("yaml"))
def test_yaml_example(block: Block, folder: Path) -> None:
    data, kind = _read(block.text)
    broken = BROKEN.search(block.text)
    if broken:
        path = _file(folder, block, _wrap(block.text, data, kind))
        result = check_lesson(path, device="cpu")
        assert not result.ok, f"{block.where}: marked broken, but it passes"
        assert broken.group(1) in result.problem, f"{block.where}: {result.problem}"
        return
    assert kind != "unreadable", f"{block.where}: not valid YAML"
    assert kind != "other", (
        f"{block.where}: neither a lesson, nor top-level fields, nor a step: the test cannot "
        "check it"
    )
    path = _file(folder, block, _wrap(block.text, data, kind))
    if kind in ("lesson", "top"):
        result = check_lesson(path, device="cpu")
        assert result.ok, f"{block.where}: {result.problem}"
    else:
        try:
            load_lesson(path)
        except LessonError as e:
            pytest.fail(f"{block.where}: {e}")


# ------------------------------------------------------------------ functions and attributes


@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.name)
def test_every_function_is_documented_with_its_signature(guide: Path) -> None:
    text = guide.read_text(encoding="utf-8")
    missing = [signature(n) for n in _FUNCTIONS if f"`{signature(n)}`" not in text]
    assert not missing, f"{guide.name} lacks: {', '.join(missing)}"
    listed = re.findall(r"^\| `([A-Za-z_]\w*)\(", text, re.MULTILINE)
    unknown = sorted(set(listed) - set(_FUNCTIONS))
    assert not unknown, f"{guide.name} lists functions the tutor does not have: {unknown}"


@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.name)
def test_every_tensor_attribute_is_listed(guide: Path) -> None:
    text = guide.read_text(encoding="utf-8")
    missing = sorted(a for a in TENSOR_ATTRIBUTES if f"`.{a}`" not in text)
    assert not missing, f"{guide.name} lacks the attributes {missing}"


# ------------------------------------------------------------------ commands


def _commands() -> list[object]:
    out = []
    for block in _blocks("sh"):
        for n, line in enumerate(block.text.splitlines()):
            if line.strip() and not line.lstrip().startswith("#"):
                where = f"{block.guide.name}:{block.line + n}"
                out.append(pytest.param(line.strip(), id=where))
    return out


@pytest.mark.parametrize("command", _commands())
def test_sh_command_is_a_real_tutor_command(command: str) -> None:
    words = shlex.split(command)
    assert words[0] == "tutor", f"not a tutor command: {command}"
    argv: list[str] = []
    skip = False
    for word in words[1:]:
        if skip:
            skip = False
        elif REDIRECT.match(word):  # `< /dev/null`, `> out.json`
            skip = not re.fullmatch(r"\d*[<>]+&?\d*\S+", word)
        else:
            argv.append(word)
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        try:
            args = build_parser().parse_args(argv)
        except SystemExit:
            pytest.fail(f"`{command}`: {stderr.getvalue().strip()}")
    assert args.command in COMMANDS, f"`{command}` names no subcommand"
