"""`tutor open`, `watch`, `run` and `check`: a lesson in the app, as text, or checked headless.
Imports stay light: torch loads only inside the commands that compute."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tutor.commands.options import (
    EXIT_OK,
    NewCommand,
    UsageError,
    app_options,
    lesson_options,
)
from tutor.i18n import _
from tutor.resources import BUNDLED_LESSONS as BUNDLED

APP_DEVICES = ("cpu", "cuda", "mps")  # whether one exists is checked once torch has loaded


def add_parsers(command: NewCommand) -> None:
    """Its commands, with their options and help, in `tutor --help`'s order."""
    p_open = command(
        "open",
        _("open a lesson (or list a folder of them) in the app"),
        _(
            "The app on one lesson, or the list of a folder's lessons (with no LESSON: the bundled "
            "course). `tutor PATH` is short for `tutor open PATH`."
        ),
    )
    p_open.add_argument(
        "lesson",
        nargs="?",
        metavar="LESSON",
        help=_("a lesson file, a folder of lessons, or a bundled lesson's id"),
    )
    lesson_options(p_open)
    app_options(p_open)

    p_watch = command(
        "watch",
        _("the app on one lesson, reloaded on every save"),
        _(
            "For authors: the app on the lesson you are writing, reloaded each time the file is "
            "saved. It stays on the same step (by its id), keeps the knobs you turned and the "
            "answers to questions you did not change, and lists every problem of the whole "
            "lesson at the top, each with its file:line:col (j goes to the next one)."
        ),
    )
    p_watch.add_argument("lesson", metavar="LESSON", help=_("the lesson file you are writing"))
    lesson_options(p_watch)
    app_options(p_watch)

    p_run = command(
        "run",
        _("run a lesson; --plain prints every step as text"),
        _(
            "Run one lesson: in the app, or with --plain as text on standard output (for pipes, "
            "screen readers and handouts), its questions answered one per line from standard input."
        ),
    )
    p_run.add_argument(
        "lesson", metavar="LESSON", help=_("a lesson file, or the id of a bundled lesson")
    )
    p_run.add_argument(
        "--plain",
        action="store_true",
        help=_("print to standard output; answers are read one per line from standard input"),
    )
    lesson_options(p_run)
    app_options(p_run)

    p_check = command(
        "check",
        _("run lessons headless and verify every expect"),
        _(
            "Run lessons without a screen and verify every expect. Exit 0 if all pass, 1 if one "
            "fails, 2 for a usage error; every problem as FILE:LINE:COL: sentence."
        ),
    )
    p_check.add_argument("paths", nargs="+", help=_("lesson files or folders"))
    p_check.add_argument(
        "--device", help=_("where lessons compute: auto (default), cpu, cuda or mps")
    )
    p_check.add_argument(
        "--lang",
        help=_(
            "check the lessons in this language (en, zh ...): its missing translations are "
            "reported, and these messages are in it too (default: LANG, and no report)"
        ),
    )
    p_check.add_argument(
        "--update",
        action="store_true",
        help=_("write the computed values into the expects that differ (comments and layout kept)"),
    )
    p_check.add_argument(
        "--strict", action="store_true", help=_("warnings (NaN, inf, likely mistakes) fail too")
    )
    p_check.add_argument(
        "--set",
        action="append",
        dest="sub_set",
        default=argparse.SUPPRESS,  # as `lesson_options`: `tutor --set lr=1 check` keeps it
        metavar="NAME=VALUE",
        help=_("turn a knob of the lessons that have it; the checks that depend on it are skipped"),
    )


def resolve_lesson(text: str) -> Path:
    """A path, or the id of a bundled lesson (`neuron` finds `lessons/02-neuron.yaml`)."""
    from tutor.lesson.bundled import find_lesson

    found = find_lesson(text, BUNDLED)
    if found is None:
        raise UsageError(_("no lesson file or bundled lesson called '{name}'").format(name=text))
    return found


def _device(requested: str | None) -> str | None:
    if not requested or requested == "auto":
        return None
    from tutor.engine.device import check_requested
    from tutor.engine.errors import LessonRuntimeError

    try:
        check_requested(requested)
    except LessonRuntimeError as error:  # a mistake on the command line: a usage error
        raise UsageError(error.message) from None
    return requested


def cmd_check(args: argparse.Namespace) -> int:
    from tutor.lesson import find_lessons

    files: list[Path] = []
    for text in args.paths:
        path = Path(text)
        if path.is_dir():
            found = find_lessons(path)
            if not found:
                raise UsageError(_("no lesson files (*.yaml) in {folder}").format(folder=text))
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(_("no such file or folder: {path}").format(path=text))
    device = _device(args.device)
    check_sets(files, args.set)
    from tutor.plain import print_check

    return print_check(
        files,
        device=device,
        lang=args.lang,
        sets=args.set,
        update=args.update,
        strict=args.strict,
    )


def check_sets(files: Sequence[Path], sets: Sequence[str]) -> None:
    """`--set NAME=VALUE`: refused (exit 2) unless one of the lessons has that knob, with a
    did-you-mean; a typo would otherwise run the defaults and pass."""
    names = []
    for assignment in sets:
        name, sep, _value = assignment.partition("=")
        if not sep or not name.strip():
            raise UsageError(_("--set takes name=value, not '{text}'").format(text=assignment))
        names.append(name.strip())
    if not names:
        return
    from tutor.lesson import LessonError, load_lesson
    from tutor.lesson.load import unknown_knobs

    lessons = []
    for path in files:
        try:
            lessons.append(load_lesson(path).lesson)
        except LessonError:
            continue  # the command itself says what is wrong with it
    if not lessons:
        return
    unknown = unknown_knobs(names, lessons)
    if unknown:
        raise UsageError(f"--set: {unknown[0]}")


def cmd_open(args: argparse.Namespace) -> int:
    """The app: the bundled lessons, a folder of lessons, or one lesson opened directly."""
    target: str | None = getattr(args, "lesson", None)
    if args.command == "watch" and not (target and Path(target).is_file()):
        raise UsageError(_("tutor watch takes a lesson file; no file '{path}'").format(path=target))
    folder: Path | None = None
    lesson: Path | None = None
    if target is None:
        folder = BUNDLED
    elif Path(target).is_dir():
        folder = Path(target)
    else:
        lesson = resolve_lesson(target)
    device = args.device if args.device and args.device != "auto" else None
    if device is not None and device.split(":")[0] not in APP_DEVICES:
        raise UsageError(
            _("unknown device '{device}'; use auto, cpu, cuda or mps").format(device=device)
        )
    check_sets([lesson] if lesson is not None else [], args.set)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        what = str(lesson) if lesson is not None else "FILE"
        raise UsageError(
            _(
                "the app needs a terminal; to print a lesson as text: tutor run {what} --plain"
            ).format(what=what)
        )
    from tutor.app import AppConfig, TutorApp

    config = AppConfig(
        folder=folder,
        lesson=lesson,
        lang=args.lang,
        device=device,
        sets=tuple(args.set),
        learner=args.learner,
        data=args.data,
        classroom=args.classroom,
        watch=args.command == "watch",
    )
    TutorApp(config).run()
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    path = resolve_lesson(args.lesson)
    device = _device(args.device)
    check_sets([path], args.set)
    from tutor.plain import run_plain
    from tutor.session import Recorder

    recorder = Recorder(args.learner, args.data)
    return run_plain(path, device=device, lang=args.lang, sets=args.set, recorder=recorder)
