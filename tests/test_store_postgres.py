"""The store in PostgreSQL: several hosts on one database, a server restarted under a session
that loses nothing, and every way `--store` can be wrong said in a sentence (exit 2)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from tutor.classroom.teacher import ClassApp
from tutor.cli import main
from tutor.progress import ProgressStore, StepInfo
from tutor.progress import postgres as pg_module
from tutor.progress.database import Statements
from tutor.progress.store import STORE_ENV, StoreError, StoreUnavailable
from tutor.session import Recorder
from tutor.session.questions import Report

from .conftest import ROOT
from .pg_support import Cluster, free_port, pg_bin, shared_cluster, why_not

pytestmark = pytest.mark.skipif(
    why_not() is not None, reason=f"PostgreSQL store not tested: {why_not()}"
)


@pytest.fixture
def url() -> str:
    return shared_cluster().new_database()


@pytest.fixture
def own_cluster() -> Iterator[Cluster]:
    """A cluster of this test's own, to stop and start under it."""
    bindir = pg_bin()
    assert bindir is not None
    cluster = Cluster(bindir)
    yield cluster
    cluster.close()


def tutor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tutor.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=env,
    )


def test_two_hosts_share_one_database_and_keep_their_own_presence(url: str, tmp_path: Path) -> None:
    alpha = ProgressStore(tmp_path, url=url, host="alpha")
    beta = ProgressStore(tmp_path, url=url, host="beta")
    alpha.set_roster({"ada": "mon", "bob": "mon"})
    beta.set_roster({"cy": "tue"})
    assert alpha.roster() == {"ada": "mon", "bob": "mon", "cy": "tue"}
    alpha.set_roster({"ada": "mon"})  # alpha's file lost bob: beta's students stay
    assert beta.roster() == {"ada": "mon", "cy": "tue"}
    alpha.session_opened("ada")
    beta.session_opened("cy")
    beta.sessions_cleared()  # beta restarts: alpha's student is still connected
    rows = {r.learner: r for r in beta.overview()}
    assert (rows["ada"].state, rows["ada"].host) == ("connected", "alpha")
    assert (rows["cy"].state, rows["cy"].host) == ("gone", "beta")
    alpha.session_closed("ada")
    beta.session_opened("ada")  # the student moves to the other server
    rows = {r.learner: r for r in alpha.overview()}
    assert (rows["ada"].state, rows["ada"].host) == ("connected", "beta")
    assert [r.learner for r in alpha.overview(group="tue")] == ["cy"]


def report(kind: str, step: str, index: int, **fields: object) -> Report:
    return Report(kind=kind, lesson_id="neuron", step_id=step, index=index, total=9, **fields)  # type: ignore[arg-type]


def test_a_restarted_server_loses_no_completed_step(
    own_cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pg_ctl stop under a session: its steps are kept, in order, and written once the server
    is back; nothing turns saving off."""
    url = own_cluster.new_database()
    monkeypatch.setenv(STORE_ENV, url)  # as `tutor serve --store` hands it to its sessions
    recorder = Recorder("ada", tmp_path)
    assert recorder.save(report("step", "s1", 1))
    assert recorder.learner is not None
    store = recorder.learner.store
    assert store.url == url
    own_cluster.stop()
    for k in range(2, 6):
        assert recorder.save(report("step", f"s{k}", k)), recorder.problem
    assert recorder.save(report("answer", "s5", 5, given="0.5", correct=False, tries=1))
    assert store.pending == 5 and not recorder.problem
    assert recorder.lesson("neuron") is None  # a read while away finds nothing, breaks nothing
    with pytest.raises(StoreUnavailable):
        store.learner("ada").reset()  # forgetting never waits
    away_until = time.time()
    own_cluster.start()
    deadline = time.monotonic() + 20
    while store.pending and time.monotonic() < deadline:  # the retry writes them
        time.sleep(0.1)
    assert store.pending == 0
    fresh = ProgressStore(tmp_path, url=url).learner("ada")
    events = fresh.events("neuron")
    assert [(e.kind, e.step_id) for e in events] == [
        ("reach", "s1"),
        *[("reach", f"s{k}") for k in range(2, 6)],
        ("answer", "s5"),
    ]
    assert all(e.at <= away_until for e in events)  # when it happened, not when it was written
    lesson = fresh.lesson("neuron")
    assert lesson is not None and (lesson.last_index, lesson.wrong) == (5, 1)
    assert not recorder.problem


def test_a_write_retried_after_its_lost_confirmation_counts_once(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database commits an answer, then the connection drops before it says so: the
    write is kept and run again, and its event's id (made by the writer) makes the retry a
    no-op, so the answer counts once."""
    store = ProgressStore(tmp_path, url=url)
    me = store.learner("ada")
    me.reached("neuron", "s1", 1, 9)
    database = store._db
    assert isinstance(database, pg_module.PostgresDatabase)
    committed = database._run
    lost: list[bool] = []

    def confirmation_lost(work: Callable[[Statements], object]) -> object:
        result = committed(work)  # COMMIT went through ...
        if not lost:  # ... and the connection dropped before the answer came back
            lost.append(True)
            database._drop()
            raise StoreUnavailable("lost the progress database: connection closed at COMMIT")
        return result

    monkeypatch.setattr(database, "_run", confirmation_lost)
    monkeypatch.setattr(pg_module, "RETRY_EVERY", 0.05)
    me.answered("neuron", "s1", "0.5", False, attempt=1)
    me.knob("neuron", "s1", "lr", 0.1)
    assert lost and store.pending == 2  # kept, to be run again
    deadline = time.monotonic() + 20
    while store.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    fresh = ProgressStore(tmp_path, url=url).learner("ada")
    lesson = fresh.lesson("neuron")
    assert lesson is not None and (lesson.wrong, lesson.knobs) == (1, 1)
    assert [e.kind for e in fresh.events("neuron")] == ["reach", "answer", "knob"]


def test_a_session_that_starts_while_the_database_is_down_keeps_its_steps(
    own_cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pg_ctl stop before the session opens the store: saving stays on, its writes are kept
    (the migration check first) and written, in order, once the database is back."""
    url = own_cluster.new_database()
    ProgressStore(tmp_path, url=url).close()  # the server made the schema at its start
    own_cluster.stop()
    monkeypatch.setenv(STORE_ENV, url)
    recorder = Recorder("ada", tmp_path)
    for k in range(1, 4):
        assert recorder.save(report("step", f"s{k}", k)), recorder.problem
    assert recorder.save(report("answer", "s3", 3, given="2", correct=True, tries=1))
    assert recorder.learner is not None and not recorder.problem
    store = recorder.learner.store
    assert store.pending == 5  # the migration check, three steps, one answer
    assert recorder.lesson("neuron") is None
    own_cluster.start()
    deadline = time.monotonic() + 20
    while store.pending and time.monotonic() < deadline:
        time.sleep(0.1)
    assert store.pending == 0
    fresh = ProgressStore(tmp_path, url=url).learner("ada")
    assert [(e.kind, e.step_id) for e in fresh.events("neuron")] == [
        ("reach", "s1"),
        ("reach", "s2"),
        ("reach", "s3"),
        ("answer", "s3"),
    ]
    lesson = fresh.lesson("neuron")
    assert lesson is not None and (lesson.last_index, lesson.right) == (3, 1)
    assert not recorder.problem


def test_a_sqlite_store_is_copied_into_postgresql_once(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tutor progress --copy-to URL`: a classroom's SQLite file into PostgreSQL, every
    learner, the roster and the served steps; run again (or after more work in the file), it
    adds only what is new, events written before events had ids included."""
    local = ProgressStore(tmp_path)
    local.set_roster({"ada": "mon", "bob": "tue"})
    local.set_steps([StepInfo("neuron", "q", 2, "Predict z", True, "Neuron")])
    ada, bob = local.learner("ada"), local.learner("bob")
    ada.reached("neuron", "s1", 1, 3, title="Neuron")
    ada.answered("neuron", "q", "1", False, attempt=1)
    ada.restart("neuron")
    bob.reached("neuron", "s1", 1, 3, title="Neuron")
    bob.answered("neuron", "q", "2", True, attempt=1)
    local._write(lambda db: db.execute("UPDATE events SET uid = NULL WHERE learner = 'bob'"))

    def copy() -> str:
        assert main(["progress", "--data", str(tmp_path), "--copy-to", url]) == 0
        return capsys.readouterr().out

    assert "2 learners (2 lessons, 5 events, 5 of them new)" in copy()
    assert "5 events, 0 of them new" in copy()  # idempotent
    bob.knob("neuron", "s1", "lr", 0.1)  # the file went on being used
    assert "6 events, 1 of them new" in copy()
    remote = ProgressStore(tmp_path / "elsewhere", url=url)
    assert remote.roster() == {"ada": "mon", "bob": "tue"}
    assert [s.title for s in remote.steps()] == ["Predict z"]
    assert [e.kind for e in remote.events("ada")] == ["reach", "answer", "reset"]
    assert remote.learner("ada").lessons() == []  # started over: not begun, as in the file
    mine = remote.learner("bob").lesson("neuron")
    assert mine is not None and (mine.last_index, mine.right, mine.knobs) == (1, 1, 1)
    assert main(["progress", "--data", str(tmp_path), "--copy-to", "mysql://x/y"]) == 2
    assert "--copy-to takes a postgresql://" in capsys.readouterr().err


def test_a_missing_extra_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_module, "psycopg", None)
    with pytest.raises(StoreError, match=r"pip install 'tutor\[postgres\]'"):
        ProgressStore(tmp_path, url="postgresql://tutor@127.0.0.1/x")
    hidden = tmp_path / "hide"
    (hidden / "psycopg").mkdir(parents=True)
    (hidden / "psycopg" / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
    env = {**os.environ, "PYTHONPATH": str(hidden)}
    out = tutor("class", "--store", "postgresql://tutor@127.0.0.1/x", "--plain", env=env)
    assert out.returncode == 2, out.stderr
    assert "pip install 'tutor[postgres]'" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("command", ["class", "progress", "serve"])
def test_an_unreachable_or_wrong_store_is_a_usage_error(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nowhere = f"postgresql://tutor@127.0.0.1:{free_port()}/tutor"
    extra = ["--password-file", str(tmp_path / "pw")] if command == "serve" else []
    (tmp_path / "pw").write_text("")
    for url, said in ((nowhere, "cannot reach the progress database"), ("mysql://x/y", "URL")):
        assert main([command, "--data", str(tmp_path), "--store", url, *extra]) == 2
        err = capsys.readouterr().err
        assert said in err and "postgresql://" in err and "Traceback" not in err, err


def test_the_password_stays_out_of_messages(tmp_path: Path) -> None:
    nowhere = f"postgresql://tutor:s3cret@127.0.0.1:{free_port()}/tutor"
    with pytest.raises(StoreError) as caught:
        ProgressStore(tmp_path, url=nowhere)
    assert "s3cret" not in str(caught.value) and "tutor:***@127.0.0.1" in str(caught.value)


def department(url: str, tmp_path: Path) -> None:
    """Two servers' classes in one database: mon on alpha, tue on beta."""
    alpha = ProgressStore(tmp_path, url=url, host="alpha")
    beta = ProgressStore(tmp_path, url=url, host="beta")
    alpha.set_roster({"ada": "mon", "bob": "mon"})
    beta.set_roster({"cy": "tue", "=dee": "tue"})
    alpha.set_steps([StepInfo("neuron", "predict-z", 2, "Predict z, then a", True, "Neuron")])
    for name, store, answer in (("ada", alpha, "3"), ("bob", alpha, "1"), ("cy", beta, "3")):
        me = store.learner(name)
        me.reached("neuron", "predict-z", 2, 3, title='One neuron, "the" first')
        me.answered("neuron", "predict-z", answer, answer == "1", attempt=1)
        store.session_opened(name)


def table_rows(text: str) -> list[list[str]]:
    """The cells of each row of a printed table."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in text.splitlines()
        if line.startswith("│")
    ]


def test_the_teachers_view_across_servers_by_class(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    department(url, tmp_path)
    data = str(tmp_path / "nowhere")  # a teacher's machine with no classroom folder

    def view(*args: str) -> tuple[int, str, str]:
        code = main(["class", "--data", data, "--store", url, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, err = view("--plain")
    assert code == 0, err
    hosts = {cells[1]: cells[-1] for cells in table_rows(out)}
    assert hosts == {"=dee": "beta", "ada": "alpha", "bob": "alpha", "cy": "beta"}, out
    _code, mon, _err = view("--class", "mon", "--plain")
    assert "2 students" in mon and " cy " not in mon, mon
    _code, questions, _err = view("--class", "tue", "--questions")
    assert "class tue" in questions and "100%" in questions, questions
    code, _out, err = view("--class", "wed", "--plain")
    assert code == 2 and "the classes are: mon, tue" in err, err


def test_the_csv_opens_in_a_spreadsheet(url: str, tmp_path: Path) -> None:
    department(url, tmp_path)
    target = tmp_path / "tue.csv"
    data = str(tmp_path / "nowhere")
    assert (
        main(["class", "--data", data, "--store", url, "--class", "tue", "--csv", str(target)]) == 0
    )
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads it as UTF-8
    rows = list(csv.DictReader(target.open(encoding="utf-8-sig", newline="")))
    assert [(r["student"], r["host"]) for r in rows] == [("'=dee", "beta"), ("cy", "beta")]
    assert rows[1]["lesson"] == 'One neuron, "the" first'  # quoted, read back whole


async def test_the_live_view_waits_for_a_restarting_database(
    own_cluster: Cluster, tmp_path: Path
) -> None:
    url = own_cluster.new_database()
    ProgressStore(tmp_path, url=url).set_roster({"ada": "mon", "bob": "mon"})
    app = ClassApp(ProgressStore(tmp_path, url=url))
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.query_one("#class", DataTable)
        assert table.row_count == 2
        own_cluster.stop()
        await pilot.press("r")
        await pilot.pause()
        summary = str(app.query_one("#summary", Static).render())
        assert "trying again" in summary and table.row_count == 2, summary
        own_cluster.start()
        ProgressStore(tmp_path, url=url).set_roster({"ada": "mon", "bob": "mon", "cy": "tue"})
        await pilot.pause(1.1)  # the retry's interval
        await pilot.press("r")
        await pilot.pause()
        assert table.row_count == 3
