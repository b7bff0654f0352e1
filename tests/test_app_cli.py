"""`tutor`, `tutor PATH` and `tutor open FILE_OR_ID`: the options reach the app, and mistakes
are told before any terminal is taken over."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tutor import cli
from tutor.app import AppConfig

from .conftest import LESSONS, ROOT

LAYER = ROOT / "tests" / "app_lessons" / "01-layer.yaml"


def tutor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tutor.cli", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        timeout=60,
    )


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[AppConfig]:
    """Runs `cli.main` with a terminal, catching the AppConfig instead of starting the app."""
    configs: list[AppConfig] = []

    class FakeApp:
        def __init__(self, config: AppConfig) -> None:
            configs.append(config)

        def run(self) -> None:
            pass

    monkeypatch.setattr("tutor.app.TutorApp", FakeApp)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    return configs


def test_no_arguments_lists_the_bundled_lessons(opened: list[AppConfig]) -> None:
    assert cli.main([]) == 0
    assert opened[-1].folder == cli.bundled_lessons() and opened[-1].lesson is None


def test_a_path_opens_a_file_or_lists_a_folder(opened: list[AppConfig]) -> None:
    assert cli.main([str(LAYER)]) == 0
    assert opened[-1].lesson == LAYER and opened[-1].folder is None
    assert cli.main([str(LAYER.parent)]) == 0
    assert opened[-1].folder == LAYER.parent


def test_open_takes_an_id_and_passes_the_options_through(opened: list[AppConfig]) -> None:
    args = ["--lang", "zh", "open", "least-squares", "--device", "cpu", "--set", "lr=0.05"]
    assert cli.main(args) == 0
    config = opened[-1]
    assert config.lesson == LESSONS / "01-least-squares.yaml"
    assert (config.lang, config.device, config.sets) == ("zh", "cpu", ("lr=0.05",))


def test_a_knob_the_lesson_lacks_is_refused(opened: list[AppConfig]) -> None:
    assert cli.main(["open", "neuron", "--set", "lr=0.5"]) == 2  # 02-neuron has no knobs
    assert not opened


def test_options_before_a_path(opened: list[AppConfig]) -> None:
    assert cli.main(["--device", "cpu", str(LAYER)]) == 0
    assert opened[-1].lesson == LAYER and opened[-1].device == "cpu"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--device", "tpu"], "unknown device 'tpu'"),
        (["--set", "lr", str(LAYER)], "--set takes name=value"),
        (["open", "no-such-lesson"], "no lesson file or bundled lesson called 'no-such-lesson'"),
        ([str(LAYER)], "the app needs a terminal"),
    ],
)
def test_mistakes_are_usage_errors(args: list[str], message: str) -> None:
    done = tutor(*args)
    assert done.returncode == 2
    assert message in done.stderr


def test_the_cli_and_app_leave_torch_out() -> None:
    code = "import sys, tutor.cli, tutor.app; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
