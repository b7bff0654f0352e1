"""`tutor class`: the roster, grades, the CSV, and the live table that holds still."""

from __future__ import annotations

import csv
import json
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from tutor.classroom.teacher import ClassApp, HistoryScreen
from tutor.classroom.teacher_requests import CONTROL_SOCKET
from tutor.progress import ProgressStore, StepInfo, grade
from tutor.progress.grades import AFTER_HELP, FIRST_TRY, GAVE_UP, OPEN, outcome
from tutor.progress.store import Event

from .conftest import ROOT


def classroom(data: Path) -> ProgressStore:
    store = ProgressStore(data)
    store.set_roster({"ada": "mon", "bob": "mon", "cy": "tue"})
    store.set_steps(
        [
            StepInfo("neuron", "inputs", 1, "The inputs", False, "One neuron"),
            StepInfo("neuron", "predict-z", 2, "Predict z", True, "One neuron"),
            StepInfo("neuron", "predict-a", 3, "Predict a", True, "One neuron"),
        ]
    )
    ada, bob = store.learner("ada"), store.learner("bob")
    ada.reached("neuron", "inputs", 1, 3, title="One neuron")
    ada.reached("neuron", "predict-z", 2, 3)
    ada.answered("neuron", "predict-z", "-0.25", True, attempt=1)
    ada.reached("neuron", "predict-a", 3, 3)  # the last step: not done, a question is open
    bob.reached("neuron", "predict-z", 2, 3, title="One neuron")
    bob.answered("neuron", "predict-z", "3", False, attempt=1)
    bob.hint("neuron", "predict-z", 1)
    bob.answered("neuron", "predict-z", "-0.25", True, attempt=2, hints_used=1)
    bob.reached("neuron", "predict-a", 3, 3)
    bob.gave_up("neuron", "predict-a", attempt=1, hints_used=0)
    return store


def tutor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tutor.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def event(kind: str, correct: bool | None = None, hints: int = 0) -> Event:
    return Event("ada", "l", "q", kind, 1, "1", correct, hints, 0.0)


def test_a_question_is_graded_by_its_first_right_answer() -> None:
    assert outcome([event("answer", True)]) == FIRST_TRY
    assert outcome([event("hint"), event("answer", True, 1)]) == AFTER_HELP
    assert outcome([event("answer", False), event("answer", True)]) == AFTER_HELP
    assert outcome([event("answer", False), event("give-up")]) == GAVE_UP
    assert outcome([event("answer", False)]) == OPEN
    assert outcome([event("answer", True), event("give-up")]) == FIRST_TRY


def test_a_lesson_is_done_when_every_question_is_answered_or_given_up() -> None:
    right = Event("ada", "l", "q1", "answer", 1, "1", True, 0, 0.0)
    skipped = grade("ada", "l", "L", ["q1", "q2"], [right], completed=True, last_activity=0)
    assert not skipped.done and skipped.open == 1 and skipped.score == 50.0
    gave = Event("ada", "l", "q2", "give-up", 1, None, False, 0, 0.0)
    full = grade("ada", "l", "L", ["q1", "q2"], [right, gave], completed=False, last_activity=0)
    assert full.done and (full.first_try, full.gave_up, full.score) == (1, 1, 50.0)
    plain = grade("ada", "l", "L", [], [], completed=True, last_activity=0)
    assert plain.done and plain.score is None


def test_the_roster_lists_everyone_before_anyone_comes(tmp_path: Path) -> None:
    store = classroom(tmp_path)
    rows = {r.learner: r for r in store.overview()}
    assert set(rows) == {"ada", "bob", "cy"}
    assert rows["cy"].state == "never came" and rows["cy"].group == "tue"
    assert rows["ada"].state == "gone" and rows["ada"].step_title == "Predict a"
    store.session_opened("ada")
    assert store.overview()[0].state == "connected"
    assert store.overview(now=time.time() + 3600)[0].state == "idle"
    store.session_closed("ada")
    assert store.overview()[0].state == "gone"


def test_stuck_after_several_wrong_tries(tmp_path: Path) -> None:
    store = classroom(tmp_path)
    cy = store.learner("cy")
    cy.reached("neuron", "predict-z", 2, 3, title="One neuron")
    for attempt in (1, 2, 3):
        cy.answered("neuron", "predict-z", str(attempt), False, attempt=attempt)
    store.session_opened("cy")
    row = next(r for r in store.overview() if r.learner == "cy")
    assert row.stuck and row.tries == 3


def test_plain_csv_questions_and_history(tmp_path: Path) -> None:
    classroom(tmp_path)
    out = tutor("class", "--data", str(tmp_path), "--plain")
    assert out.returncode == 0, out.stderr
    assert "3 students, 0 connected" in out.stdout
    assert "never came" in next(line for line in out.stdout.splitlines() if "cy" in line)
    target = tmp_path / "class.csv"
    assert tutor("class", "--data", str(tmp_path), "--csv", str(target)).returncode == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8-sig", newline="")))
    got = [
        (
            r["student"],
            r["group"],
            r["lesson_id"],
            r["right_first_try"],
            r["right_after_help"],
            r["gave_up"],
            r["done"],
            r["score"],
        )
        for r in rows
    ]
    assert got == [
        ("ada", "mon", "neuron", "1", "0", "0", "no", "50"),
        ("bob", "mon", "neuron", "0", "1", "1", "yes", "25"),
        ("cy", "tue", "", "", "", "", "", ""),
    ]
    questions = tutor("class", "--data", str(tmp_path), "--questions")
    assert "Predict z" in questions.stdout and "3 ×1" in questions.stdout
    history = tutor("class", "--data", str(tmp_path), "--history", "bob")
    assert "wrong" in history.stdout and "gave up" in history.stdout


def test_no_classroom_is_a_usage_error(tmp_path: Path) -> None:
    assert tutor("class", "--data", str(tmp_path / "none"), "--plain").returncode == 2


async def test_the_table_keeps_its_cursor_across_refreshes_with_60_students(
    tmp_path: Path,
) -> None:
    store = ProgressStore(tmp_path)
    names = [f"s{n:02d}" for n in range(60)]
    store.set_roster(dict.fromkeys(names, ""))
    app = ClassApp(ProgressStore(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one("#class", DataTable)
        assert table.row_count == 60
        for _ in range(40):
            await pilot.press("down")
        await pilot.pause()
        assert app.selected() == "s40"
        scrolled = table.scroll_y
        assert scrolled > 0
        for name in names[::3]:  # the class moves on between refreshes
            store.learner(name).reached("neuron", "inputs", 1, 6, title="One neuron")
        store.session_opened("s05")
        await pilot.press("r")
        await pilot.pause()
        assert app.selected() == "s40" and table.scroll_y == scrolled
        assert table.get_row("s05")[2].plain == "connected"
        await pilot.press("s")  # sort by the next column, state: the connected student first
        await pilot.pause()
        assert app.sort_column == "state"
        assert app.selected() == "s40"
        assert table.coordinate_to_cell_key((0, 0)).row_key.value == "s05"
        await pilot.press("slash", *"s4", "enter")
        await pilot.pause()
        assert table.row_count == 10  # s04, s40..s49
        await pilot.press("escape")
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert table.row_count == 60


async def test_enter_opens_a_students_history(tmp_path: Path) -> None:
    classroom(tmp_path)
    app = ClassApp(ProgressStore(tmp_path))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("down", "enter")  # bob
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen) and app.screen.learner == "bob"
        table = app.screen.query_one(DataTable)
        answers = [table.get_row_at(i)[3].plain for i in range(table.row_count)]
        assert "3" in answers and "-0.25" in answers


def test_passwords_for_a_list_are_printed_once_and_stored_hashed(tmp_path: Path) -> None:
    from tutor.classroom.auth import check_password, read_password_file, read_password_groups

    names = tmp_path / "names.txt"
    names.write_text("ada monday\nbob\n# a comment\n", encoding="utf-8")
    file = tmp_path / "class.passwords"
    out = tutor("password", str(file), "--from", str(names))
    assert out.returncode == 0, out.stderr
    printed = dict(line.split("\t") for line in out.stdout.splitlines())
    assert set(printed) == {"ada", "bob"}
    stored = read_password_file(file)
    assert printed["ada"] not in file.read_text(encoding="utf-8")
    assert check_password(printed["ada"], stored["ada"])
    assert read_password_groups(file) == {"ada": "monday", "bob": ""}
    assert file.stat().st_mode & 0o777 == 0o600


class ControlSocket:
    """A running `tutor serve` as the teacher's view meets it: its control socket, which
    records each request and answers as the server does (an unknown lesson is an error)."""

    def __init__(self, data: Path) -> None:
        self.requests: list[dict[str, object]] = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(data / CONTROL_SOCKET))
        self.sock.listen()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed: the server has stopped
                return
            with conn:
                line = conn.makefile("rb").readline()
                request = json.loads(line)
                self.requests.append(request)
                if request.get("lesson") == "nope":
                    reply: dict[str, object] = {"error": "no lesson 'nope' is served"}
                else:
                    reply = {"sessions": 1, "students": ["bob"]}
                conn.sendall(json.dumps(reply).encode() + b"\n")

    def close(self) -> None:
        self.sock.close()

    def asked(self) -> dict[str, object]:
        """The last request, less the language the teacher's view names for its errors."""
        return {k: v for k, v in self.requests[-1].items() if k != "lang"}


async def test_the_teachers_keys_message_send_end_and_unblock(tmp_path: Path) -> None:
    """m, o, e and u in the live table: each asks the running server, says what it did, and
    gives the keys back to the table; Escape or an empty line sends nothing."""
    classroom(tmp_path)
    server = ControlSocket(tmp_path)
    app = ClassApp(ProgressStore(tmp_path))
    said: list[tuple[str, str]] = []

    def notify(message: str, *, severity: str = "information", **_: object) -> None:
        said.append((message, severity))

    app.notify = notify  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(100, 24)) as pilot:
            table = app.query_one("#class", DataTable)
            prompt = app.query_one("#prompt", Input)

            async def answer(key: str, text: str) -> None:
                await pilot.press(key)
                assert prompt.has_class("open") and app.focused is prompt
                await pilot.press(*("space" if c == " " else c for c in text), "enter")
                await pilot.pause()
                assert not prompt.has_class("open") and app.focused is table

            await answer("m", "Break until 10.15")
            assert server.asked() == {"do": "message", "text": "Break until 10.15"}
            assert said[-1] == ("message shown in 1 session: bob", "information")
            await answer("o", "neuron")
            assert server.asked() == {"do": "send", "lesson": "neuron"}
            assert said[-1] == ("1 session sent to neuron: bob", "information")
            await answer("o", "nope")
            assert said[-1] == ("no lesson 'nope' is served", "error")
            await answer("u", "10.0.0.7")
            assert server.asked() == {"do": "unblock", "address": "10.0.0.7"}
            await pilot.press("down", "e")  # the selected student: bob
            await pilot.pause()
            assert server.asked() == {"do": "end", "to": ["bob"]}
            assert said[-1] == ("ended 1 session: bob", "information")
            asked = len(server.requests)
            await pilot.press("m", *"oops", "escape")
            await answer("m", "")
            assert len(server.requests) == asked  # nothing sent
            server.close()
            (tmp_path / CONTROL_SOCKET).unlink()
            await pilot.press("e")
            await pilot.pause()
            assert said[-1][1] == "error" and "no classroom server is running" in said[-1][0]
            assert app.selected() == "bob"  # the table kept its place throughout
    finally:
        server.close()


async def test_shift_o_sends_only_the_selected_student(tmp_path: Path) -> None:
    """o sends everyone; O sends the student the cursor is on, and its prompt names them."""
    classroom(tmp_path)
    server = ControlSocket(tmp_path)
    app = ClassApp(ProgressStore(tmp_path))
    said: list[str] = []
    app.notify = lambda message, **_: said.append(message)  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(100, 24)) as pilot:
            prompt = app.query_one("#prompt", Input)
            await pilot.press("down", "O")  # bob
            assert prompt.has_class("open") and "bob" in prompt.placeholder
            await pilot.press(*"neuron", "enter")
            await pilot.pause()
            assert server.asked() == {"do": "send", "lesson": "neuron", "to": ["bob"]}
            assert said[-1] == "1 session sent to neuron: bob"
            await pilot.press("o", *"neuron", "enter")
            await pilot.pause()
            assert server.asked() == {"do": "send", "lesson": "neuron"}  # everyone
    finally:
        server.close()


LATIN = re.compile(r"[A-Za-z]{2,}")
DATA = {"ada", "bob", "cy", "mon", "tue", "zh", "One", "neuron", "Predict", "The", "inputs"}
"""What the class's data holds (names, groups, the roster's language, titles): shown as
written, so not the interface's English."""


def english_left(text: str) -> list[str]:
    """Latin words other than the data's, the program's name, `id` (typed as it is written)
    and this machine's name (the host column)."""
    known = {*DATA, "tutor", "id", *LATIN.findall(socket.gethostname())}
    return [w for w in LATIN.findall(text) if w not in known]


async def test_the_teachers_view_in_chinese_has_no_english_of_its_own(tmp_path: Path) -> None:
    """Headings, states, times, the summary, the keys, the questions and history views."""
    from tutor.classroom.teacher import QuestionsScreen
    from tutor.i18n import use_language

    from .app_support import screen_text

    store = classroom(tmp_path)
    store.set_roster({"ada": "mon", "bob": "mon", "cy": "tue"}, {"cy": "zh"})
    store.session_opened("ada")
    use_language("zh")
    try:
        app = ClassApp(ProgressStore(tmp_path))
        async with app.run_test(size=(220, 24)) as pilot:  # every column in view
            await pilot.pause()
            table_text = screen_text(app)  # type: ignore[arg-type]
            await pilot.press("down", "O")  # the prompt names bob
            prompt_text = app.query_one("#prompt", Input).placeholder
            await pilot.press("escape", "v")
            await pilot.pause()
            assert isinstance(app.screen, QuestionsScreen)
            questions_text = screen_text(app)  # type: ignore[arg-type]
            await pilot.press("escape", "enter")
            await pilot.pause()
            assert isinstance(app.screen, HistoryScreen)
            history_text = screen_text(app)  # type: ignore[arg-type]
    finally:
        use_language("en")
    assert "学生" in table_text and "从未来过" in table_text and "在线" in table_text
    cy = next(line for line in table_text.splitlines() if " cy " in line)
    assert " zh " in cy, table_text  # the roster's language
    for text in (table_text, prompt_text, questions_text, history_text):
        assert not english_left(text), (english_left(text), text)
    assert "放弃" in history_text and "答错" in history_text, history_text


def test_plain_and_replies_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`tutor class --plain --lang zh`, `--questions`, `--history` and a reply from the server
    in Chinese; the roster's language in its column."""
    from tutor import cli
    from tutor.i18n import use_language

    store = classroom(tmp_path)
    store.set_roster({"ada": "mon", "bob": "mon", "cy": "tue"}, {"cy": "zh"})
    server = ControlSocket(tmp_path)
    data = ["--data", str(tmp_path)]
    try:
        assert cli.main(["class", *data, "--plain", "--lang", "zh"]) == 0
        plain = capsys.readouterr().out
        assert cli.main(["class", *data, "--questions", "--lang", "zh"]) == 0
        questions = capsys.readouterr().out
        assert cli.main(["class", *data, "--history", "bob", "--lang", "zh"]) == 0
        history = capsys.readouterr().out
        assert cli.main(["class", *data, "--message", "hi", "--lang", "zh"]) == 0
        reply = capsys.readouterr().out
        assert cli.main(["class", *data, "--unblock", "10.0.0.7", "--lang", "zh"]) == 0
        unblocked = capsys.readouterr().out
    finally:
        use_language("en")
        server.close()
    assert "3 名学生，0 人在线" in plain, plain
    assert " zh " in next(line for line in plain.splitlines() if " cy " in line), plain
    assert server.requests[-2]["lang"] == "zh"  # the server words its errors in Chinese
    for text in (plain, questions, history, reply, unblocked):
        assert not english_left(text), (english_left(text), text)
    assert reply.strip() == "消息已显示在 1 个会话中：bob", reply
