"""A lesson's mistakes told to its author in Chinese: `tutor check --lang zh` says every
problem of every broken and hostile lesson as a located Chinese sentence with no English of
its own (what is left is code quoted from the file), and the app's error panel says it too."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tutor.i18n import use_language
from tutor.lesson import LessonError, load_lesson
from tutor.lesson.catalogue import FUNCTIONS
from tutor.lesson.expressions import TENSOR_ATTRIBUTES
from tutor.lesson.load import unknown_knobs
from tutor.lesson.models import (
    Choose,
    ConfusionSpec,
    Labels,
    Lesson,
    Param,
    PlotSpec,
    ShowView,
    Step,
    Sweep,
    TensorSpec,
)

from .app_support import lesson_app, wait_for

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "broken"
HOSTILE = ROOT / "tests" / "hostile"
SLOW = ("time", "state-total", "kept-frames")  # budgets of seconds and memory: the corpus's own

LINE = re.compile(r"^\s*[✗!] (?P<file>\S+\.ya?ml):(?P<line>\d+):(?P<col>\d+): (?P<said>.+)$")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}")
QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
# file names, paths (data/..., true/false), ids (one-layer-backprop) and YAML's or Python's
# dotted words (.nan, .numpy)
AS_WRITTEN = re.compile(r"\S+\.ya?ml\b|\S*/\S*|\w+(?:-\w+)+|(?<![A-Za-z])\.[A-Za-z_]+")
# words of the lesson format and of YAML that a sentence names as they are written
FORMAT_WORDS = {"YAML", "UTF", "NUL", "csv", "name", "autograd", "show", "help", "requires"}
# the format's fields (tensors:), the lesson functions (tensor(...)) and tensor attributes
MODELS = (Lesson, Step, Choose, TensorSpec, Param, ShowView, ConfusionSpec, Labels, PlotSpec, Sweep)
CODE_WORDS = {f for model in MODELS for f in model.model_fields}
CODE_WORDS |= set(FUNCTIONS) | set(TENSOR_ATTRIBUTES)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def zh() -> Iterator[None]:
    use_language("zh")
    try:
        yield
    finally:
        use_language("en")


def words_left(sentence: str, lesson_text: str) -> list[str]:
    """English words of `sentence` that are not code: quoted spans, file names and paths
    are the file's own, and so is any word the lesson file itself holds (`zeros and randn`)."""
    bare = AS_WRITTEN.sub("", QUOTED.sub("", sentence))
    code = set(ENGLISH_WORDS.findall(lesson_text)) | FORMAT_WORDS | CODE_WORDS
    return [w for w in ENGLISH_WORDS.findall(bare) if w not in code]


def checked_in_chinese(files: list[Path]) -> dict[str, list[tuple[str, str]]]:
    """`tutor check --lang zh` over `files`: per file, its lines as (mark, sentence)."""
    from tutor.plain import make_console, print_check

    out = io.StringIO()
    use_language("zh")
    try:
        print_check(files, device="cpu", lang="zh", console=make_console(out))
    finally:
        use_language("en")
    found: dict[str, list[tuple[str, str]]] = {}
    for raw in out.getvalue().splitlines():
        match = LINE.match(raw)
        if match:
            found.setdefault(Path(match["file"]).name, []).append((raw.strip()[0], match["said"]))
    return found


def assert_all_chinese(files: list[Path]) -> None:
    found = checked_in_chinese(files)
    for path in files:
        lines = found.get(path.name, [])
        assert any(mark == "✗" for mark, _said in lines), (path.name, lines)
        text = path.read_bytes().decode("utf-8", errors="replace")
        for _mark, said in lines:
            assert CHINESE.search(said), (path.name, said)
            assert not words_left(said, text), (path.name, words_left(said, text), said)


def test_every_broken_lesson_is_told_in_chinese() -> None:
    assert_all_chinese(sorted(BROKEN.glob("*.yaml")))


def test_every_quick_hostile_lesson_is_told_in_chinese() -> None:
    files = [p for p in sorted(HOSTILE.glob("*.yaml")) if not any(s in p.name for s in SLOW)]
    passing = {"escape-in-label.yaml", "escape-in-title.yaml"}  # harmless once clean
    found = checked_in_chinese(files)
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = [said for mark, said in found.get(path.name, []) if mark == "✗"]
        if path.name not in passing:  # all share one id: that line is not the attack's
            assert any("也是这个文件夹里" not in said for said in lines), (path.name, lines)
        for said in lines:
            assert CHINESE.search(said) and not words_left(said, text), (path.name, said)


def problem_of(write: Callable[[str, str], Path], yaml: str) -> str:
    with pytest.raises(LessonError) as caught:
        load_lesson(write(yaml, "lesson.yaml"))
    return caught.value.first.message


HEAD = "id: zh\ntitle: T\n"


@pytest.mark.usefixtures("zh")
def test_pydantics_own_errors_are_whole_chinese_sentences(
    write_lesson: Callable[[str, str], Path],
) -> None:
    """Bounds, literals and nested places: the word order is Chinese, the code as written."""
    said = problem_of(write_lesson, HEAD + "steps:\n  - title: A\n    run: x = 1\n    repeat: 0\n")
    assert said == "第 1 步的 'repeat' 必须大于或等于 1"
    said = problem_of(write_lesson, HEAD + "device: gpu\nsteps:\n  - title: A\n")
    assert said == "'device' 必须是 'auto', 'cpu', 'cuda' 或 'mps'，不能是文本 'gpu'"
    said = problem_of(
        write_lesson,
        HEAD + "steps:\n  - title: A\n    run: x = 1\n    show: [{heatmap: x, lg: 1}]\n",
    )
    assert said.startswith("第 1 步的 show 第 1 项有未知字段 'lg'"), said
    said = problem_of(
        write_lesson, HEAD + "tensors:\n  W: {zeros: [2, -1]}\nsteps:\n  - title: A\n"
    )
    assert said == "张量 'W'：'zeros' 的形状 [2, -1] 里有负数"
    said = problem_of(write_lesson, HEAD + "steps:\n  - title: A\n    answer: 3\n")
    assert said == "第 1 步：'answer' 要和 'ask' 一起用（若用 'choose'，请把 'answer' 写在它里面）"


@pytest.mark.usefixtures("zh")
def test_a_code_problem_names_its_place_in_chinese(
    write_lesson: Callable[[str, str], Path],
) -> None:
    said = problem_of(
        write_lesson, HEAD + "steps:\n  - title: A\n    ask: How much?\n    answer: 1 +\n"
    )
    assert said.startswith("第 1 步的答案，'1 +' 不是本教程能读懂的表达式"), said
    assert unknown_knobs(
        ["lrr"], [load_lesson(ROOT / "tutor" / "lessons" / "05-backprop.yaml").lesson]
    ) == ["这一课没有参数 'lrr'（参数有：lr）；你是不是想写 'lr'？"]


def test_english_is_still_the_default(write_lesson: Callable[[str, str], Path]) -> None:
    said = problem_of(write_lesson, HEAD + "steps:\n  - title: A\n    run: x = 1\n    repeat: 0\n")
    assert said == "step 1's 'repeat' must be greater than or equal to 1"


async def test_the_apps_error_panel_says_it_in_chinese(
    write_lesson: Callable[[str, str], Path],
) -> None:
    from tutor.app.widgets.error_panel import ErrorPanel

    path = write_lesson(HEAD + "steps:\n  - title: A\n    rnu: x = 1\n", "typo.yaml")
    app = lesson_app(path, lang="zh")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            panel = app.screen.query_one(ErrorPanel)
            await wait_for(pilot, lambda: panel.display, "the error panel")
            assert "第 1 步有未知字段 'rnu'（你是不是想写 'run'？）" in panel.message
    finally:
        use_language("en")


RUNNING = {
    "csv": "tensors:\n  x: {csv: data/x.csv}\nsteps:\n  - title: A\n    run: y = x\n",
    "labels": "tensors:\n  W: {value: [[1, 2]], labels: [a, b, c]}\n"
    "steps:\n  - title: B\n    run: z = W\n    show: [W]\n",
    "plot": "tensors:\n  W: [[1, 2]]\n"
    "steps:\n  - title: C\n    run: v = W\n    repeat: 2\n    plot: v\n",
}


@pytest.mark.usefixtures("zh")
def test_what_only_running_finds_is_told_in_chinese(tmp_path: Path) -> None:
    """A ragged csv, labels that fit no axis and a plotted tensor, as `tutor check` runs them."""
    from tutor.engine.check import check_lesson

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text("1,2\n3\n", encoding="utf-8")
    for name, body in RUNNING.items():
        lesson = tmp_path / f"{name}.yaml"
        lesson.write_text(HEAD + body, encoding="utf-8")
        said = [f.text for f in check_lesson(lesson, device="cpu", lang="zh").problems]
        text = lesson.read_text(encoding="utf-8")
        assert said and all(CHINESE.search(s) and not words_left(s, text) for s in said), said
