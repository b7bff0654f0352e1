"""The interface speaks the learner's language (tutor.i18n): every string the code shows has a
Chinese translation, the compiled catalogs are those of the `.po` files, and a screen in
Chinese has no English left of the interface's own words."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tutor.i18n import LOCALE_DIR, translator, use_language

from .app_support import list_app, screen_text, wait_list
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
    """Compact rows: every bundled lesson, numbered, on one 80×24 screen."""
    from tutor.lesson.bundled import BUNDLED

    count = len(list(BUNDLED.glob("*.yaml")))
    app = list_app(BUNDLED)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_list(pilot, engine=False)
        text = screen_text(app)
    assert count >= 18
    for number in range(1, 19):  # 18 (the course); more scroll under the details
        assert f" {number} " in text, (number, text)
