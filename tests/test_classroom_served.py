"""What a classroom serves and in which language (issue 22): `--lessons` with several files and
folders, a lesson id served twice refused with its place, and each student's language from
their ssh, then the roster (keys or password file), then the server."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.app.catalog import read_catalog
from tutor.classroom.auth import (
    read_authorized_keys,
    read_password_groups,
    read_password_languages,
    set_passwords,
)
from tutor.classroom.served import read_served
from tutor.classroom.words import session_language

from .conftest import LESSONS, ROOT

APP_LESSONS = ROOT / "tests" / "app_lessons"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDnz5PL9i4ocVWIhEE68hsQWO0GNAMlax9basUYW0VHq"


def test_several_paths_are_served_in_the_order_given(tmp_path: Path) -> None:
    neuron = LESSONS / "02-neuron.yaml"
    served = read_served([neuron, APP_LESSONS, neuron], tmp_path)  # a file twice counts once
    assert served.lesson is None and served.folder == tmp_path / "served-lessons"
    listed = [entry.lesson_id for entry in read_catalog(served.folder)]
    assert listed == ["neuron", "app-layer", "app-views", "03-broken"]  # the broken one listed
    assert served.paths["neuron"] == neuron and served.paths["app-views"].parent == APP_LESSONS
    assert {s.lesson_id for s in served.steps} == {"neuron", "app-layer", "app-views"}
    again = read_served([APP_LESSONS, neuron], tmp_path)  # rebuilt at each start
    assert next(e.lesson_id for e in read_catalog(again.folder)) == "app-layer"


def test_one_folder_or_one_file_is_served_as_it_is(tmp_path: Path) -> None:
    assert read_served([LESSONS], tmp_path).folder == LESSONS
    one = read_served([LESSONS / "02-neuron.yaml"], tmp_path)
    assert (one.folder, one.lesson) == (LESSONS, LESSONS / "02-neuron.yaml")
    assert not (tmp_path / "served-lessons").exists()


def test_a_lesson_id_served_twice_is_refused_with_its_place(tmp_path: Path) -> None:
    copy = tmp_path / "mine" / "neuron-again.yaml"
    copy.parent.mkdir()
    shutil.copy(LESSONS / "02-neuron.yaml", copy)
    with pytest.raises(ValueError) as refused:
        read_served([LESSONS, copy.parent], tmp_path)
    assert str(refused.value).startswith(f"{copy}:3:5: the id 'neuron' is also the id of ")
    assert "02-neuron.yaml" in str(refused.value)
    with pytest.raises(ValueError, match="not a lesson file"):
        read_served([ROOT / "README.md"], tmp_path)
    shutil.copy(copy, copy.parent / "a-stray-copy.yaml")  # twins in one folder: the check's
    assert read_served([copy.parent], tmp_path).paths["neuron"].name == "a-stray-copy.yaml"


def test_serve_refuses_twice_served_ids_and_missing_paths_before_listening(
    tmp_path: Path,
) -> None:
    keys = tmp_path / "keys"
    keys.write_text(f"{KEY} ada\n", encoding="utf-8")
    copy = tmp_path / "neuron.yaml"
    shutil.copy(LESSONS / "02-neuron.yaml", copy)

    def serve(*lessons: str) -> subprocess.CompletedProcess[str]:
        args = ["serve", "--no-check", "--port", "0", "--data", str(tmp_path / "data")]
        args += ["--authorized-keys", str(keys), "--lessons", *lessons]
        return subprocess.run(
            [sys.executable, "-m", "tutor.cli", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    twice = serve(str(LESSONS / "02-neuron.yaml"), str(copy))
    assert twice.returncode == 1
    assert f"{copy}:3:5: the id 'neuron' is also the id of" in twice.stderr
    assert "Traceback" not in twice.stderr
    missing = serve(str(APP_LESSONS), str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no lessons at" in missing.stderr


def test_the_students_ssh_language_wins_then_the_roster_then_the_server() -> None:
    assert session_language({"LANG": "en_US.UTF-8"}, "zh", "fr") == ("en_US.UTF-8", "sent by ssh")
    assert session_language({b"LANG": b"C.UTF-8"}, "zh", "fr") == ("zh", "roster")
    assert session_language({"LANG": "\x1b[2J"}, None, "fr") == ("fr", "server default")
    assert session_language({}, None, None) == (None, "server default")


def test_the_roster_gives_languages_in_keys_and_passwords(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.write_text(f"{KEY} ada group=mon lang=zh\n{KEY} bob\n", encoding="utf-8")
    assert [(k.name, k.group, k.lang) for k in read_authorized_keys(keys)] == [
        ("ada", "mon", "zh"),
        ("bob", "", ""),
    ]
    keys.write_text(f"{KEY} ada lang=zh;rm\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"^{keys}:1: the language 'zh;rm' is not a language"):
        read_authorized_keys(keys)
    passwords = tmp_path / "passwords"
    set_passwords(passwords, {"cy": "secret-1", "dan": "secret-2"}, {"cy": "tue"}, {"dan": "zh"})
    assert read_password_groups(passwords) == {"cy": "tue", "dan": ""}
    assert read_password_languages(passwords) == {"dan": "zh"}
    set_passwords(passwords, {"dan": "secret-3"})  # a new password keeps the language
    assert read_password_languages(passwords) == {"dan": "zh"}
    passwords.write_text(
        passwords.read_text(encoding="utf-8").replace(":zh", ":z h"), encoding="utf-8"
    )
    with pytest.raises(ValueError, match=rf"^{passwords}:2: the language 'z h'"):
        read_password_languages(passwords)


def test_a_names_list_gives_passwords_with_groups_and_languages(tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("ada monday lang=zh\nbob lang=en_GB\ncy\n", encoding="utf-8")
    file = tmp_path / "class.passwords"
    out = subprocess.run(
        [sys.executable, "-m", "tutor.cli", "password", str(file), "--from", str(names)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert read_password_groups(file) == {"ada": "monday", "bob": "", "cy": ""}
    assert read_password_languages(file) == {"ada": "zh", "bob": "en_GB"}
    names.write_text("ada lang=$(reboot)\n", encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "tutor.cli", "password", str(file), "--from", str(names)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert bad.returncode == 2 and f"{names}:1: '$(reboot)' is not a language code" in bad.stderr
