"""The interface speaks the learner's language (tutor.i18n): every string the code shows has a
Chinese translation, the compiled catalogs are those of the `.po` files, and a screen in
Chinese has no English left of the interface's own words."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tutor.app.widgets.lesson_list import LessonList
from tutor.i18n import LOCALE_DIR, translator, use_language

from .app_support import list_app, screen_text, wait_for, wait_list
from .conftest import ROOT

babel = pytest.importorskip("babel", reason="pip install -e '.[test]' (Babel extracts)")
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> set[str]:
    """Every message the code marks, by Babel's own extractor (a plural by its singular)."""
    found = set()
    method_map = [("**.py", "python")]
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "tutor"), method_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(lang: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "tutor.po").open("rb") as f:
        return read_po(f, locale=lang)


def test_every_message_in_the_code_has_a_chinese_translation() -> None:
    zh = catalog("zh")
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in zh
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(extracted() - translated)
    assert not missing, f"no zh translation (pybabel update, then translate): {missing}"


def test_the_compiled_catalogs_are_those_of_the_po_files() -> None:
    for po in LOCALE_DIR.glob("*/LC_MESSAGES/tutor.po"):
        lang = po.parent.parent.name
        compiled = io.BytesIO()
        write_mo(compiled, catalog(lang))
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.read_bytes() == compiled.getvalue(), (
            f"{mo} is out of date: pybabel compile -d tutor/locale -D tutor"
        )


def test_the_placeholders_survive_translation() -> None:
    for message in catalog("zh"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        names = set(re.findall(r"\{(\w+)\}", ids[0]))
        for string in strings:
            assert set(re.findall(r"\{(\w+)\}", string)) == names, message.id


def test_a_language_without_a_catalog_is_english() -> None:
    assert translator("xx").gettext("too high") == "too high"
    assert translator("zh_CN.UTF-8").gettext("too high") == "太大了"


@pytest.fixture
def chinese() -> object:
    yield use_language("zh")
    use_language("en")


def test_the_session_and_the_counts_speak_chinese(chinese: object) -> None:
    from tutor.progress import Tally

    assert Tally(right=2, wrong=1, questions=3).text() == "2 题对，1 题错"
    assert Tally(right=2, gave_up=1, questions=3).sentence() == "3 题中答对 2 题（1 题放弃）"


ENGLISH_UI = ("lessons", "steps", "open", "filter", "quit", "help", "torch ready", "at step")


async def test_the_list_in_chinese_has_no_english_of_its_own(tmp_path: Path) -> None:
    lesson = tmp_path / "01-zh.yaml"
    lesson.write_text(
        "id: zh\ntitle: {en: Neuron, zh: 神经元}\nsummary: {en: A neuron, zh: 一个神经元}\n"
        "steps:\n  - title: {en: One, zh: 一}\n    run: a = 1\n",
        encoding="utf-8",
    )
    app = list_app(tmp_path, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_list(pilot)
        text = screen_text(app)
    use_language("en")
    assert "神经元" in text and "1 步" in text and "课程" in text
    leftover = [word for word in ENGLISH_UI if word in text]
    assert not leftover, text


async def test_the_whole_course_fits_the_list_at_80_by_24() -> None:
    """Compact rows: every bundled lesson, numbered, on one 80×24 screen (two columns when
    one does not fit); → and ← move between the columns, Enter opens the one marked."""
    from tutor.app.screens.lesson import LessonScreen
    from tutor.lesson import find_lessons
    from tutor.lesson.bundled import BUNDLED

    count = len(find_lessons(BUNDLED))  # as the list reads them (no hidden files)
    app = list_app(BUNDLED)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_list(pilot, engine=False)
        text = screen_text(app)
        lessons = screen.query_one(LessonList)
        assert lessons.current is not None and lessons.current.path.name.startswith("01-")
        await pilot.press("down", "right")
        assert lessons.current.path.name.startswith(f"{count // 2 + 2:02d}-")
        details = screen_text(app)
        await pilot.press("left")
        assert lessons.current.path.name.startswith("02-")
        await pilot.press("right", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), "a lesson")
        assert app.screen.path.name.startswith(f"{count // 2 + 2:02d}-")  # type: ignore[attr-defined]
    assert count >= 24
    rows = text.splitlines()
    for number in range(1, count + 1):
        assert any(re.search(rf"(^|\s){number} \S", row) for row in rows), (number, text)
    title = next(e for e in lessons.entries if e.path.name.startswith(f"{count // 2 + 2:02d}-"))
    assert title.title("en") in details  # cut short in its column, whole under the list


ZH_LESSON = """\
format: 1
id: zh-plain
title: {en: A sum, zh: 求和}
summary: {en: Add two numbers, zh: 两个数相加}
steps:
  - id: add
    title: {en: Add, zh: 相加}
    text: {en: One and two., zh: 一加二。}
    run: s = 1 + 2
    show: [s]
  - id: guess
    title: {en: Guess, zh: 猜一猜}
    ask: {en: What is s times two?, zh: s 乘以二是多少？}
    answer: s * 2
    hints:
      - {en: Double it., zh: 翻一倍。}
  - id: pick
    title: {en: Pick, zh: 选一个}
    choose:
      question: {en: Which is larger?, zh: 哪个更大？}
      options:
        - {en: s, zh: s}
        - {en: twice s, zh: s 的两倍}
      answer: 1
"""

ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}")
CODE_WORDS = {"cpu"}  # the device's name, as torch spells it


def words_left(text: str) -> list[str]:
    """The English words in `text` that are not the lesson's code or a device's name."""
    return [w for w in ENGLISH_WORDS.findall(text) if w not in CODE_WORDS]


def test_plain_in_chinese_has_no_english_of_its_own(tmp_path: Path) -> None:
    """`tutor run --plain --lang zh`: steps, hints, feedback, notes and the summary in
    Chinese; a wrong answer, the hint, a right one, then the end of input gives up."""
    from tutor.plain import make_console, run_plain

    lesson = tmp_path / "zh.yaml"
    lesson.write_text(ZH_LESSON, encoding="utf-8")
    out = io.StringIO()
    try:
        code = run_plain(
            lesson,
            device="cpu",
            lang="zh",
            sets=(),
            stdin=io.StringIO("5\n6\n"),
            console=make_console(out),
        )
    finally:
        use_language("en")
    text = out.getvalue()
    assert code == 0, text
    assert "翻一倍" in text and "问题：2 题中答对 1 题，1 题未答。" in text, text
    assert not words_left(text), (words_left(text), text)


def test_the_cli_in_chinese_has_no_english_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Help (argparse's own headings too), a usage error, and `progress` in Chinese."""
    from tutor import cli

    try:
        with pytest.raises(SystemExit):
            cli.main(["--lang", "zh", "run", "--help"])
        help_text = capsys.readouterr().out
        assert cli.main(["--lang", "zh", "run", "no-such-lesson", "--plain"]) == 2
        error = capsys.readouterr().err
        with pytest.raises(SystemExit):
            cli.main(["--lang", "zh", "export", "neuron"])  # -o missing: argparse's error
        missing = capsys.readouterr().err
        assert (
            cli.main(["--lang", "zh", "progress", "--data", str(tmp_path), "--learner", "小明"])
            == 0
        )
        progress = capsys.readouterr().out
    finally:
        use_language("en")
    assert "用法：" in help_text and "选项" in help_text and "运行一课" in help_text
    names = {"tutor", "run", "plain", "help", "auto", "cpu", "cuda", "mps", "id"}
    prose = re.sub(r"-[-\w]+|\b[A-Z_=]{2,}\b", "", help_text)  # options and metavars
    assert not [w for w in words_left(prose) if w not in names], help_text
    assert "没有叫 'no-such-lesson' 的课程文件或自带课程" in error
    assert "缺少以下参数" in missing and "required" not in missing, missing
    assert "还没有进度" in progress and not words_left(re.sub(r"/\S+", "", progress)), progress


def test_the_classroom_speaks_to_each_student_in_their_language() -> None:
    """The server speaks to many students at once: each refusal and notice in the language
    that student's ssh sent (or the roster's), whatever the server's own."""
    from types import SimpleNamespace

    from tutor.classroom.room import Classroom, ServeConfig
    from tutor.classroom.words import NOTICES, student_words

    room = Classroom(ServeConfig(max_sessions=1, lang="en"))
    room.languages = {"bo": "zh"}
    try:
        zh_client = SimpleNamespace(env={"LANG": "zh_CN.UTF-8"})
        no_env = SimpleNamespace(env={})
        ada = student_words(room, zh_client, "ada")  # type: ignore[arg-type]
        bo = student_words(room, no_env, "bo")  # type: ignore[arg-type]
        cy = student_words(room, no_env, "cy")  # type: ignore[arg-type]
        assert room.admit("ada", ada) is None
        assert room.admit("bo", bo) == "教室已满（1 个会话）"
        assert room.admit("cy", cy) == "the classroom is full (1 session)"  # not "1 sessions"
        room.config.max_sessions = 5
        assert room.admit("ada", ada) is None
        assert room.admit("ada", ada) == "你已经开着 2 个会话"
        room.config.max_sessions = 2
        assert room.admit("cy", cy) == "the classroom is full (2 sessions)"
        assert ada(NOTICES["teacher"]) == "老师结束了这个会话；你的进度已保存。"
        assert cy(NOTICES["teacher"]) == NOTICES["teacher"]
    finally:
        room.writer.shutdown(wait=False)


def test_the_server_log_is_english_and_the_teachers_console_in_their_language() -> None:
    """One log call, two lines: server.log keeps English (greppable), the console speaks the
    teacher's language, a phrase of ours (`Said`) included and a student's text left alone."""
    import logging

    from tutor.classroom.console import ConsoleFormatter, Said

    log = logging.getLogger("tutor.test-console")
    file, console = io.StringIO(), io.StringIO()
    for stream, formatter in ((file, logging.Formatter()), (console, ConsoleFormatter())):
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        log.addHandler(handler)
    log.propagate = False
    log.setLevel(logging.INFO)
    use_language("zh")
    try:
        log.info("re-read the keys and passwords (%s)", Said("a file changed"))
        log.info("teacher: message to %s (sessions: %d): %s", "ada", 1, "a file changed")
        log.info("a line of no catalog: %d", 3)
    finally:
        use_language("en")
    assert file.getvalue().splitlines() == [
        "re-read the keys and passwords (a file changed)",
        "teacher: message to ada (sessions: 1): a file changed",
        "a line of no catalog: 3",
    ]
    assert console.getvalue().splitlines() == [
        "已重新读取密钥和密码文件（有文件改动）",
        "老师：给 ada 留言（1 个会话）：a file changed",  # the teacher's own text, as typed
        "a line of no catalog: 3",
    ]


def test_percent_placeholders_survive_translation() -> None:
    """A log message's %-placeholders, in order, in its translation (the console formats the
    translation with the English line's arguments)."""
    spec = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdifgr%]")
    for message in catalog("zh"):
        if not message.id or "python-format" not in message.flags:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert spec.findall(string) == spec.findall(ids[0]), message.id


async def test_the_watch_problem_list_counts_one_problem_in_the_singular() -> None:
    """`1 problem, 2 warnings`, not `1 problem(s)`: the count's noun by ngettext."""
    from textual.app import App, ComposeResult

    from tutor.app.problems import Located
    from tutor.app.widgets.problem_list import ProblemList

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield ProblemList()

    app = Host()
    async with app.run_test(size=(80, 12)):
        shown = app.query_one(ProblemList)
        shown.show(
            [Located(1, 3, 5, "a"), Located(2, 4, 5, "b", True), Located(2, 6, 5, "c", True)]
        )
        assert "1 problem, 2 warnings" in str(shown.border_title), shown.border_title
