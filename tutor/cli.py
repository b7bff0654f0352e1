"""The `tutor` command. Imports stay light: torch loads only inside the commands that compute,
so `tutor --help` and the lesson list appear at once."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tutor import __version__
from tutor.resources import BUNDLED_LESSONS as BUNDLED

COMMANDS = (
    "open",
    "watch",
    "run",
    "check",
    "progress",
    "serve",
    "class",
    "password",
    "schema",
    "new",
    "export",
)
APP_DEVICES = ("cpu", "cuda", "mps")  # whether one exists is checked once torch has loaded
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def bundled_lessons() -> Path:
    """The lessons shipped with the tutor (`tutor/lessons/`, inside the package)."""
    return BUNDLED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutor",
        description="Learn how neural networks compute by running them, one small step at "
        "a time. With no command: the list of bundled lessons (or of PATH).",
    )
    parser.add_argument("--version", action="version", version=f"tutor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def lesson_options(p: argparse.ArgumentParser, top: bool = False) -> None:
        # a command's own options must not reset those given before it: `tutor --lang zh open x`
        unset: dict[str, object] = {} if top else {"default": argparse.SUPPRESS}
        p.add_argument("--device", help="auto (default), cpu, cuda or mps", **unset)
        p.add_argument(
            "--lang", help="language of the lesson text (en, zh ...); default: LANG", **unset
        )
        p.add_argument(
            "--set",
            action="append",
            metavar="NAME=VALUE",
            help="set a lesson param (a knob); may be repeated",
            **({"default": []} if top else unset),
        )

    lesson_options(parser, top=True)
    app_options(parser, top=True)

    p_open = sub.add_parser("open", help="open a lesson (or list a folder of them) in the app")
    p_open.add_argument(
        "lesson", nargs="?", help="a lesson file, a folder of lessons, or a bundled lesson's id"
    )
    lesson_options(p_open)
    app_options(p_open)

    p_watch = sub.add_parser("watch", help="the app on one lesson, reloaded on every save")
    p_watch.add_argument("lesson", help="the lesson file you are writing")
    lesson_options(p_watch)
    app_options(p_watch)

    p_run = sub.add_parser("run", help="run a lesson; --plain prints every step as text")
    p_run.add_argument("lesson", help="a lesson file, or the id of a bundled lesson")
    p_run.add_argument(
        "--plain",
        action="store_true",
        help="print to standard output; answers are read one per line from standard input",
    )
    lesson_options(p_run)
    app_options(p_run)

    p_check = sub.add_parser("check", help="run lessons headless and verify every expect")
    p_check.add_argument("paths", nargs="+", help="lesson files or folders")
    p_check.add_argument("--device", help="auto (default), cpu, cuda or mps")
    p_check.add_argument("--lang", help="language to report missing translations of")
    p_check.add_argument(
        "--set",
        action="append",
        default=argparse.SUPPRESS,  # as `lesson_options`: `tutor --set lr=1 check` keeps it
        metavar="NAME=VALUE",
        help="turn a knob of the lessons that have it; the checks that depend on it are skipped",
    )

    p_progress = sub.add_parser("progress", help="what you have done so far")
    p_progress.add_argument(
        "--reset",
        nargs="?",
        const="",
        metavar="LESSON",
        help="forget your progress (in one lesson, or all)",
    )
    app_options(p_progress)

    p_serve = sub.add_parser("serve", help="a classroom: students ssh in, each to their own tutor")
    p_serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    p_serve.add_argument("--port", type=int, default=2222)
    p_serve.add_argument(
        "--authorized-keys",
        type=Path,
        metavar="FILE",
        help="students' public keys, each with the student's name as comment",
    )
    p_serve.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="hashed passwords, written by `tutor password`",
    )
    p_serve.add_argument(
        "--lessons",
        type=Path,
        default=BUNDLED,
        help="lessons to offer: a folder, or one lesson file (students open it directly)",
    )
    p_serve.add_argument(
        "--data",
        type=Path,
        default=Path("classroom-data"),
        help="host key, progress and log (default ./classroom-data)",
    )
    p_serve.add_argument("--max-sessions", type=int, default=40)
    p_serve.add_argument(
        "--max-per-student", type=int, default=2, metavar="N", help="sessions a student may hold"
    )
    p_serve.add_argument(
        "--max-startups",
        type=int,
        default=30,
        metavar="N",
        help="connections that have not logged in yet (as OpenSSH's MaxStartups)",
    )
    p_serve.add_argument(
        "--login-grace-time",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="time to log in before the connection is closed (as OpenSSH's LoginGraceTime)",
    )
    p_serve.add_argument(
        "--session-wait",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="a logged-in connection that opens no session (ssh -N) is closed after this",
    )
    p_serve.add_argument("--idle-timeout", type=float, default=1800.0, metavar="SECONDS")
    p_serve.add_argument(
        "--keepalive",
        type=float,
        default=15.0,
        metavar="SECONDS",
        help="SSH keepalive interval; a client silent for 3 of them is gone (0: none)",
    )
    p_serve.add_argument(
        "--no-check", action="store_true", help="do not run `tutor check` on the lessons at start"
    )
    p_serve.add_argument(
        "--lang",
        help="default language of the lessons, for students whose ssh sends no LANG "
        "(`SendEnv LANG`); default: this server's locale",
    )

    p_class = sub.add_parser("class", help="the teacher's view: where every student is")
    p_class.add_argument(
        "--data",
        type=Path,
        default=Path("classroom-data"),
        help="the classroom's data folder (as given to `tutor serve`)",
    )
    p_class.add_argument("--plain", action="store_true", help="print the table once")
    p_class.add_argument(
        "--csv", type=Path, metavar="FILE", help="write grades as CSV: a row per student and lesson"
    )
    p_class.add_argument("--questions", action="store_true", help="print questions most wrong")
    p_class.add_argument("--history", metavar="NAME", help="print one student's answers")
    p_class.add_argument("--message", metavar="TEXT", help="show TEXT in students' sessions")
    p_class.add_argument("--send", metavar="LESSON", help="open lesson LESSON in their sessions")
    p_class.add_argument("--end", action="store_true", help="end the --to students' sessions")
    p_class.add_argument(
        "--to", action="append", metavar="NAME", help="whom --message/--send/--end reach"
    )
    p_class.add_argument("--unblock", metavar="ADDRESS", help="forget failed logins from ADDRESS")
    p_class.add_argument("--reload", action="store_true", help="re-read keys and passwords")

    p_password = sub.add_parser("password", help="add or change a student's password")
    p_password.add_argument("file", type=Path, help="the password file (created if missing)")
    p_password.add_argument("name", nargs="?", help="the student's user name")
    p_password.add_argument(
        "--from",
        dest="names",
        type=Path,
        metavar="NAMES",
        help="make a password for each name in this file (a name, and a group, a line); "
        "printed once, stored hashed",
    )

    sub.add_parser("schema", help="print the lesson format as JSON Schema")

    p_new = sub.add_parser("new", help="write a new lesson from a template")
    p_new.add_argument("file", type=Path)
    p_new.add_argument("--template", choices=("basic", "attention", "training"), default="basic")

    p_export = sub.add_parser("export", help="a lesson's whole transcript, every value drawn")
    p_export.add_argument("lesson", help="a lesson file, or the id of a bundled lesson")
    p_export.add_argument("--format", choices=("md", "html", "svg"), default="md")
    p_export.add_argument("-o", "--output", type=Path, required=True)
    p_export.add_argument("--device", help="auto (default), cpu, cuda or mps")
    p_export.add_argument("--lang", help="language of the transcript (en, zh ...)")
    return parser


def app_options(p: argparse.ArgumentParser, top: bool = False) -> None:
    """Whose progress the app saves, and where: a classroom session sets all three."""
    unset: dict[str, object] = {} if top else {"default": argparse.SUPPRESS}
    p.add_argument("--learner", help="whose progress to save (default: your user name)", **unset)
    p.add_argument(
        "--data",
        type=Path,
        help="the data folder (default: the platform's user data folder, or TUTOR_DATA_DIR)",
        **unset,
    )
    p.add_argument(
        "--classroom", action="store_true", help=argparse.SUPPRESS, **({} if top else unset)
    )


VALUED_OPTIONS = ("--device", "--lang", "--set", "--learner", "--data")


def _implicit_open(args: list[str]) -> list[str]:
    """`tutor [OPTIONS] PATH` means `tutor [OPTIONS] open PATH`."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return args
        if arg.startswith("-"):
            i += 2 if arg in VALUED_OPTIONS else 1
            continue
        return args if arg in COMMANDS else [*args[:i], "open", *args[i:]]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args_list = _implicit_open(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        if args.command == "check":
            return cmd_check(args)
        if args.command == "run":
            return cmd_run(args)
        if args.command == "progress":
            return cmd_progress(args)
        if args.command in ("serve", "class", "password", "schema", "new", "export"):
            from tutor import commands

            return int(getattr(commands, f"cmd_{args.command}")(args))
        return cmd_open(args)  # `tutor`, `tutor PATH`, `tutor open FILE_OR_ID`
    except UsageError as e:
        print(f"tutor: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


class UsageError(Exception):
    """A mistake on the command line (exit code 2)."""


def resolve_lesson(text: str) -> Path:
    """A path, or the id of a bundled lesson (`neuron` finds `lessons/02-neuron.yaml`)."""
    from tutor.lesson.bundled import find_lesson

    found = find_lesson(text, BUNDLED)
    if found is None:
        raise UsageError(f"no lesson file or bundled lesson called '{text}'")
    return found


def _device(requested: str | None) -> str | None:
    if not requested or requested == "auto":
        return None
    from tutor.engine.device import DEVICES, available

    kind = requested.split(":")[0]
    if kind not in DEVICES:
        raise UsageError(f"unknown device '{requested}'; use auto, cpu, cuda or mps")
    if not available(kind):
        raise UsageError(f"--device {requested}: there is no {kind} device here")
    return requested


def cmd_check(args: argparse.Namespace) -> int:
    from tutor.lesson import find_lessons

    files: list[Path] = []
    for text in args.paths:
        path = Path(text)
        if path.is_dir():
            found = find_lessons(path)
            if not found:
                raise UsageError(f"no lesson files (*.yaml) in {text}")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such file or folder: {text}")
    device = _device(args.device)
    from tutor.plain import print_check

    return print_check(files, device=device, lang=args.lang, sets=args.set)


def cmd_open(args: argparse.Namespace) -> int:
    """The app: the bundled lessons, a folder of lessons, or one lesson opened directly."""
    target: str | None = getattr(args, "lesson", None)
    if args.command == "watch" and not (target and Path(target).is_file()):
        raise UsageError(f"tutor watch takes a lesson file; no file '{target}'")
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
        raise UsageError(f"unknown device '{device}'; use auto, cpu, cuda or mps")
    for assignment in args.set:
        name, sep, _ = assignment.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set takes name=value, not '{assignment}'")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        what = str(lesson) if lesson is not None else "FILE"
        raise UsageError(
            f"the app needs a terminal; to print a lesson as text: tutor run {what} --plain"
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
    from tutor.plain import run_plain
    from tutor.session import Recorder

    recorder = Recorder(args.learner, args.data)
    return run_plain(path, device=device, lang=args.lang, sets=args.set, recorder=recorder)


def cmd_progress(args: argparse.Namespace) -> int:
    from tutor.plain import print_progress
    from tutor.progress import ProgressStore, local_learner

    store = ProgressStore(args.data)
    learner = store.learner(args.learner or local_learner())
    if args.reset is not None:
        cleared = learner.reset(args.reset or None)
        what = f"'{args.reset}'" if args.reset else "all lessons"
        print(f"Cleared {learner.name}'s progress in {what} ({cleared} lesson(s)).")
        return EXIT_OK
    return print_progress(learner)


if __name__ == "__main__":
    sys.exit(main())
