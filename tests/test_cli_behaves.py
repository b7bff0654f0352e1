"""The command line explains itself and asks before it forgets (issue 19, item 5)."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tutor import cli
from tutor.progress import ProgressStore, local_learner


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_subcommand_and_option_is_described() -> None:
    parsers = {"tutor": cli.build_parser(), **subcommands()}
    assert set(parsers) - {"tutor"} == set(cli.COMMANDS)
    missing = []
    for name, parser in parsers.items():
        if not parser.description:
            missing.append(f"{name}: no description")
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            if not action.help:
                missing.append(f"{name}: {action.option_strings or action.dest}")
    assert not missing, missing


def test_help_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    text = capsys.readouterr().out
    assert "--lang LANG" in text and "SendEnv LANG" in text
    assert "default: this server's locale" not in text  # the old, garbled wording


@pytest.fixture
def saved() -> list[str]:
    """Two lessons with progress for this user, as the app or --plain would leave them."""
    learner = ProgressStore(None).learner(local_learner())
    learner.reached("neuron", "s1", 1, 6, "One neuron")
    learner.reached("one-layer-backprop", "s1", 1, 8, "Backprop")
    return ["neuron", "one-layer-backprop"]


def lessons_left() -> set[str]:
    return {p.lesson_id for p in ProgressStore(None).learner(local_learner()).lessons()}


class Terminal(io.StringIO):
    """Standard input that is a terminal, with the learner's reply typed in."""

    def isatty(self) -> bool:
        return True


def test_reset_without_a_terminal_refuses(
    saved: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert cli.main(["progress", "--reset"]) == 2
    err = capsys.readouterr().err
    assert "--yes" in err and "all 2 lessons" in err
    assert lessons_left() == set(saved)


def test_reset_asks_and_no_keeps_everything(
    saved: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert cli.main(["progress", "--reset"]) == 0
    out = capsys.readouterr().out
    assert "[y/N]" in out and "Nothing forgotten." in out
    assert lessons_left() == set(saved)


def test_reset_one_lesson_by_name_after_yes(
    saved: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert cli.main(["progress", "--reset", "neuron"]) == 0  # a bundled lesson's name: its id
    assert "'neuron' (One neuron)" in capsys.readouterr().out
    assert lessons_left() == {"one-layer-backprop"}


def test_reset_yes_skips_the_question(saved: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli.main(["progress", "--reset", "--yes"]) == 0
    assert lessons_left() == set()


def test_reset_an_unknown_lesson_is_an_error_with_a_did_you_mean(
    saved: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["progress", "--reset", "nueron", "--yes"]) == 2
    err = capsys.readouterr().err
    assert "no lesson 'nueron'" in err and "did you mean 'neuron'" in err
    assert lessons_left() == set(saved)


def test_reset_a_bundled_lesson_never_opened_says_so(
    saved: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["progress", "--reset", "losses", "--yes"]) == 0
    assert "nothing to forget" in capsys.readouterr().out
    assert lessons_left() == set(saved)


def test_reset_forgets_a_lesson_started_over_and_not_touched_since(
    saved: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Starting over keeps the history for the teacher; --reset must still find and forget
    it (it said "nothing to forget", the list not showing the lesson)."""
    learner = ProgressStore(None).learner(local_learner())
    learner.restart("neuron")
    assert lessons_left() == {"one-layer-backprop"}  # the list: not begun
    assert learner.events("neuron") == []
    assert cli.main(["progress", "--reset", "neuron", "--yes"]) == 0
    assert "Forgot" in capsys.readouterr().out
    assert "neuron" not in learner.recorded()
    assert ProgressStore(None).events(learner.name, "neuron") == []  # the history too


def test_tab_completion_when_argcomplete_is_installed(tmp_path: Path) -> None:
    pytest.importorskip("argcomplete")
    out = tmp_path / "completions"
    environment = {
        **os.environ,
        "_ARGCOMPLETE": "1",
        "COMP_LINE": "tutor export --form",
        "COMP_POINT": "19",
        "_ARGCOMPLETE_STDOUT_FILENAME": str(out),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tutor.cli"], env=environment, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text().split() == ["--format"]


def answered_wrong_twice_then_right(learner_name: str, data: Path | None = None) -> None:
    """One question of `neuron` answered wrong twice, then right: one question, right."""
    learner = ProgressStore(data).learner(learner_name)
    learner.reached("neuron", "inputs", 1, 6, "One neuron")
    learner.reached("neuron", "predict-z", 2, 6)
    for answer, right in (("3", False), ("2", False), ("-0.25", True)):
        learner.answered("neuron", "predict-z", answer, right, attempt=1)
    learner.reached("neuron", "weighted-sum", 3, 6)


def test_progress_counts_questions_as_the_list_does(capsys: pytest.CaptureFixture[str]) -> None:
    """Tries are not questions: `tutor progress` says '1 right', as the list and bar do."""
    answered_wrong_twice_then_right(local_learner())
    assert cli.main(["progress"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "One neuron" in line)
    assert "1 right" in row and "wrong" not in row, row


def test_the_teachers_table_counts_questions_as_the_student_sees_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tutor.progress import StepInfo

    store = ProgressStore(tmp_path)
    store.set_steps(
        [
            StepInfo("neuron", step, k, step, step in ("predict-z", "which-weight"), "One neuron")
            for k, step in enumerate(["inputs", "predict-z", "weighted-sum"], start=1)
        ]
    )
    answered_wrong_twice_then_right("ada", tmp_path)
    assert cli.main(["class", "--data", str(tmp_path), "--plain"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "ada" in line)
    assert "1 right" in row and "wrong" not in row, row


def test_watch_help_says_what_survives_a_save(capsys: pytest.CaptureFixture[str]) -> None:
    """`tutor watch --help` tells the author what a save keeps and how to reach each problem."""
    with pytest.raises(SystemExit):
        cli.main(["watch", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for said in ("same step", "knobs", "answers", "every problem", "j goes to the next"):
        assert said in text, text


def test_check_speaks_its_lang_and_serve_speaks_the_teachers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check --lang zh` checks the Chinese and says so in Chinese; `serve --lang zh` is the
    students' language: what it prints to the teacher follows the teacher's LANG."""
    from tutor.i18n import use_language
    from tutor.resources import BUNDLED_LESSONS

    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    lesson = next(iter(sorted(BUNDLED_LESSONS.glob("01-*.yaml"))))
    try:
        assert cli.main(["check", str(tmp_path / "nope"), "--lang", "zh"]) == 2
        missing = capsys.readouterr().err
        assert cli.main(["check", str(lesson), "--lang", "zh", "--device", "cpu"]) == 0
        checked = capsys.readouterr().out
        assert cli.main(["serve", "--lang", "zh", "--data", str(tmp_path)]) == 2
        served = capsys.readouterr().err
    finally:
        use_language("en")
    assert "没有这个文件或文件夹" in missing, missing
    assert "步" in checked and "steps" not in checked, checked
    assert "give --authorized-keys FILE or --password-file FILE" in served, served
