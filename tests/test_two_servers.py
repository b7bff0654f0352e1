"""Two real `tutor serve` on one PostgreSQL database and a student (real OpenSSH in tmux) who
steps on one, loses nothing while the database restarts, and resumes on the other; the
teacher's view (`tutor class --store`) shows both hosts."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tutor.progress import ProgressStore

from .classroom_harness import ROOT, Server, make_key, start_server, wait_for
from .pg_support import Cluster, shared_cluster, why_not
from .test_store_postgres import table_rows

pytestmark = pytest.mark.skipif(
    why_not() is not None, reason=f"PostgreSQL store not tested: {why_not()}"
)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """The tests' cluster, running again after the test whatever happened in it."""
    shared = shared_cluster()
    yield shared
    with contextlib.suppress(RuntimeError):
        shared.start()  # refused when it runs already


def place(url: str, data: Path) -> tuple[int, str]:
    """Where ada is in the lesson, as the shared database has it."""
    lesson = ProgressStore(data, url=url).learner("ada").lesson("neuron")
    return (lesson.last_index, lesson.last_step) if lesson else (0, "")


def send(server: Server, lesson: str) -> None:
    command = ["class", "--data", str(server.data), "--send", lesson, "--to", "ada"]
    out = subprocess.run(
        [sys.executable, "-m", "tutor.cli", *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr + out.stdout


def test_a_student_moves_between_two_servers_on_one_database(
    cluster: Cluster, tmp_path: Path
) -> None:
    url = cluster.new_database()
    ada = make_key(tmp_path, "ada")
    roster = Path(f"{ada}.pub").read_text()
    with ThreadPoolExecutor(2) as pool:  # the two warm up at once
        starting = [
            pool.submit(
                start_server,
                tmp_path / name,
                users,
                *("--store", url, "--host-name", name),
                extra_keys=roster,
            )
            for name, users in (("alpha", ("bob",)), ("beta", ()))
        ]
        alpha, beta = (f.result() for f in starting)
    alpha.keys["ada"] = beta.keys["ada"] = ada
    try:
        assert not (alpha.data / "progress.db").exists()  # progress is in PostgreSQL only
        term = alpha.open("ada")
        term.wait("One neuron")
        send(alpha, "neuron")
        term.wait("step 0/6")
        for k in (1, 2):
            term.keys("Right")
            term.wait(f"step {k}/6")
            wait_for(lambda k=k: place(url, tmp_path)[0] == k, what=f"step {k} saved")

        cluster.stop()  # the database restarts under the session: what it does is kept
        term.keys("g")  # give up the question on step 2, then on to step 3
        term.keys("Right")
        term.wait("step 3/6")
        cluster.start()
        wait_for(lambda: place(url, tmp_path)[0] == 3, 30, "step 3 written once it is back")
        kinds = [(e.kind, e.step_id) for e in ProgressStore(tmp_path, url=url).events("ada")]
        assert [k for k, _step in kinds].count("give-up") == 1, kinds
        assert kinds.index(("give-up", kinds[-2][1])) == len(kinds) - 2, kinds  # in order
        on_alpha = place(url, tmp_path)
        subprocess.run(["tmux", "kill-session", "-t", term.name], capture_output=True)

        bob = alpha.open("bob")  # stays on alpha
        bob.wait("One neuron")
        moved = beta.open("ada")
        moved.wait("One neuron")
        send(beta, "neuron")
        moved.wait("welcome back")
        assert f"step {on_alpha[0]}" in moved.screen()
        moved.keys("r")
        wait_for(
            lambda: f"step {on_alpha[0]}/" in moved.screen(),
            what="resumed where ada was:\n" + moved.screen(),
        )

        view = subprocess.run(
            [sys.executable, "-m", "tutor.cli", "class", "--store", url, "--plain"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        hosts = {cells[1]: (cells[2], cells[-1]) for cells in table_rows(view.stdout)}
        assert hosts["ada"] == ("connected", "beta"), view.stdout
        assert hosts["bob"] == ("connected", "alpha"), view.stdout
    finally:
        for server in (alpha, beta):
            server.stop()
    assert "Traceback" not in alpha.log + beta.log
