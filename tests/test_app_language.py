"""A lesson read in a language it lacks in places: English fills in, and the app says so once."""

from __future__ import annotations

from pathlib import Path

from .app_support import lesson_app, screen_text, wait_for, wait_started


async def test_missing_chinese_is_noted_once(tmp_path: Path) -> None:
    lesson = tmp_path / "half.yaml"
    lesson.write_text(
        "id: half\ntitle: {en: Half, zh: 一半}\nsteps:\n  - title: Only English\n    run: a = 1\n",
        encoding="utf-8",
    )
    app = lesson_app(lesson, lang="zh")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await wait_started(pilot)
        note = "这一课有 1 段文字没有“zh”版本"  # said in the learner's language, as the rest
        await wait_for(pilot, lambda: note in screen_text(app), "the note")
        assert screen_text(app).count(note) == 1
        assert screen.session is not None
        assert screen.session.run.view(0).title == "一半"
