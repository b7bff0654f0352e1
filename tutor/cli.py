"""The `tutor` command. Imports stay light: torch loads only inside the commands that compute,
so `tutor --help` and the lesson list appear at once."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tutor import __version__
from tutor.i18n import N_, _, ngettext, use_language

if TYPE_CHECKING:
    from tutor.progress import LearnerProgress, ProgressStore
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
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
)
"""argparse's own words, which it asks the stdlib's gettext for (`speaking` points that at
this catalog while the command line is parsed): marked here so that the catalog holds them."""
APP_DEVICES = ("cpu", "cuda", "mps")  # whether one exists is checked once torch has loaded
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def bundled_lessons() -> Path:
    """The lessons shipped with the tutor (`tutor/lessons/`, inside the package)."""
    return BUNDLED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutor",
        description=_(
            "Learn how neural networks compute by running them, one small step at "
            "a time. With no command: the list of bundled lessons (or of PATH)."
        ),
        epilog=_("`tutor COMMAND --help` describes each command."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"tutor {__version__}",
        help=_("show the version and exit"),
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", title=_("commands"), help=_("one of these (or PATH)")
    )

    def command(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        """A subcommand with its one line for `tutor --help` and a paragraph for its own."""
        return sub.add_parser(name, help=summary, description=description)

    def lesson_options(p: argparse.ArgumentParser, top: bool = False) -> None:
        # a command's own options must not reset those given before it: `tutor --lang zh open x`
        unset: dict[str, object] = {} if top else {"default": argparse.SUPPRESS}
        p.add_argument(
            "--device", help=_("where lessons compute: auto (default), cpu, cuda or mps"), **unset
        )
        p.add_argument(
            "--lang", help=_("language of the lesson text (en, zh ...); default: LANG"), **unset
        )
        p.add_argument(
            "--set",
            action="append",
            metavar="NAME=VALUE",
            help=_("set a lesson param (a knob); may be repeated"),
            dest="set" if top else "sub_set",  # joined in main: before and after the command
            **({"default": []} if top else unset),
        )

    lesson_options(parser, top=True)
    app_options(parser, top=True)

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

    p_progress = command(
        "progress",
        _("what you have done so far"),
        _(
            "Each lesson you have opened: how far you got and how your answers went. --reset "
            "forgets it, after asking."
        ),
    )
    p_progress.add_argument(
        "--reset",
        nargs="?",
        const="",
        metavar="LESSON",
        help=_("forget your progress in LESSON (its id or name), or in every lesson; asks first"),
    )
    p_progress.add_argument(
        "-y", "--yes", action="store_true", help=_("--reset without asking (for scripts)")
    )
    p_progress.add_argument(
        "--copy-to",
        metavar="URL",
        help=_(
            "copy every learner's progress in this store (--data, or --store) into the "
            "PostgreSQL database at URL; running it again adds only what is new"
        ),
    )
    app_options(p_progress)
    store_option(p_progress)

    p_serve = command(
        "serve",
        _("a classroom: students ssh in, each to their own tutor"),
        _(
            "An SSH server for a class: each student logs in with a key or a password and gets "
            "their own tutor; progress is kept per student in --data. `tutor class` watches it."
        ),
    )
    p_serve.add_argument(
        "--host",
        default="127.0.0.1",
        help=_("address to listen on (default 127.0.0.1: this machine only)"),
    )
    p_serve.add_argument(
        "--port", type=int, default=2222, help=_("port to listen on (default 2222)")
    )
    p_serve.add_argument(
        "--authorized-keys",
        type=Path,
        metavar="FILE",
        help=_("students' public keys, each with the student's name as its comment"),
    )
    p_serve.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help=_("hashed passwords, written by `tutor password`"),
    )
    p_serve.add_argument(
        "--lessons",
        type=Path,
        nargs="+",
        action="extend",
        metavar="PATH",
        help=_(
            "lessons to offer: lesson files and folders, in the order listed (repeatable; "
            "default: the bundled course); one lesson file alone opens directly"
        ),
    )
    p_serve.add_argument(
        "--data",
        type=Path,
        default=Path("classroom-data"),
        help=_("host key, progress and log (default ./classroom-data)"),
    )
    store_option(p_serve)
    p_serve.add_argument(
        "--host-name",
        metavar="NAME",
        help=_("this server's name in `tutor class` (default: the machine's host name)"),
    )
    p_serve.add_argument(
        "--max-sessions",
        type=int,
        default=40,
        metavar="N",
        help=_("sessions open at once, all students together (default 40)"),
    )
    p_serve.add_argument(
        "--max-per-student", type=int, default=2, metavar="N", help=_("sessions a student may hold")
    )
    p_serve.add_argument(
        "--max-startups",
        type=int,
        default=30,
        metavar="N",
        help=_("connections that have not logged in yet (as OpenSSH's MaxStartups)"),
    )
    p_serve.add_argument(
        "--login-grace-time",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help=_("time to log in before the connection is closed (as OpenSSH's LoginGraceTime)"),
    )
    p_serve.add_argument(
        "--session-wait",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help=_("a logged-in connection that opens no session (ssh -N) is closed after this"),
    )
    p_serve.add_argument(
        "--idle-timeout",
        type=float,
        default=1800.0,
        metavar="SECONDS",
        help=_("a session with no key pressed for this long is ended (default 1800)"),
    )
    p_serve.add_argument(
        "--keepalive",
        type=float,
        default=15.0,
        metavar="SECONDS",
        help=_("SSH keepalive interval; a client silent for 3 of them is gone (0: none)"),
    )
    p_serve.add_argument(
        "--no-check",
        action="store_true",
        help=_("do not run `tutor check` on the lessons at start"),
    )
    p_serve.add_argument(
        "--lang",
        help=_(
            "language (en, zh ...) for students whose ssh client sends no LANG; a student's "
            "own LANG wins when their ssh sends it (SendEnv LANG). Default: this server's LANG. "
            "What the server prints here is for you: it follows your own LANG"
        ),
    )
    p_serve.add_argument(
        "--web",
        type=int,
        nargs="?",
        const=8022,
        metavar="PORT",
        help=_(
            "also serve the class to web browsers on PORT (default 8022), on --host; "
            "needs pip install 'tutor[web]'"
        ),
    )
    p_serve.add_argument(
        "--insecure-http",
        action="store_true",
        help=_("let other machines use the web classroom over plain HTTP (passwords in clear)"),
    )
    p_serve.add_argument(
        "--behind-proxy",
        action="store_true",
        help=_("a TLS reverse proxy is in front: believe its X-Forwarded-Proto and -For"),
    )

    p_class = command(
        "class",
        _("the teacher's view: where every student is"),
        _(
            "The teacher's view of a running `tutor serve`: who is connected, where each student "
            "is and how their answers went; with an option, one action and exit."
        ),
    )
    p_class.add_argument(
        "--data",
        type=Path,
        default=Path("classroom-data"),
        help=_("the classroom's data folder (as given to `tutor serve`)"),
    )
    store_option(p_class)
    p_class.add_argument(
        "--class",
        dest="group",
        metavar="NAME",
        help=_("only the students of class NAME (a group in the keys or password file)"),
    )
    p_class.add_argument("--plain", action="store_true", help=_("print the table once"))
    p_class.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help=_("write grades as CSV: a row per student and lesson"),
    )
    p_class.add_argument("--questions", action="store_true", help=_("print questions most wrong"))
    p_class.add_argument("--history", metavar="NAME", help=_("print one student's answers"))
    p_class.add_argument("--message", metavar="TEXT", help=_("show TEXT in students' sessions"))
    p_class.add_argument("--send", metavar="LESSON", help=_("open lesson LESSON in their sessions"))
    p_class.add_argument("--end", action="store_true", help=_("end the --to students' sessions"))
    p_class.add_argument(
        "--to", action="append", metavar="NAME", help=_("whom --message/--send/--end reach")
    )
    p_class.add_argument(
        "--unblock", metavar="ADDRESS", help=_("forget failed logins from ADDRESS")
    )
    p_class.add_argument("--reload", action="store_true", help=_("re-read keys and passwords"))
    p_class.add_argument(
        "--lang",
        default=argparse.SUPPRESS,
        help=_("language of this view and its messages (en, zh ...); default: LANG"),
    )

    p_password = command(
        "password",
        _("add or change a student's password"),
        _(
            "Add or change a student's password in a password file for `tutor serve "
            "--password-file` (stored hashed); --from makes one for each name in a list."
        ),
    )
    p_password.add_argument("file", type=Path, help=_("the password file (created if missing)"))
    p_password.add_argument("name", nargs="?", help=_("the student's user name"))
    p_password.add_argument(
        "--from",
        dest="names",
        type=Path,
        metavar="NAMES",
        help=_(
            "make a password for each name in this file (a name, and a group, a line); "
            "printed once, stored hashed"
        ),
    )

    command(
        "schema",
        _("print the lesson format as JSON Schema"),
        _(
            "Print the lesson format as JSON Schema, for editors that complete and check YAML as "
            "you type (`tutor new` writes a copy beside a new lesson)."
        ),
    )

    p_new = command(
        "new",
        _("write a new lesson from a template"),
        _(
            "Write a commented lesson that passes `tutor check` as it stands, and beside it "
            "lesson.schema.json (unless one is there) for your editor."
        ),
    )
    p_new.add_argument(
        "file", type=Path, help=_("the lesson file to write (.yaml; never overwritten)")
    )
    p_new.add_argument(
        "--template",
        choices=("basic", "attention", "training"),
        default="basic",
        help=_("what the lesson starts from (default basic)"),
    )

    p_export = command(
        "export",
        _("a lesson's whole transcript, every value drawn"),
        _(
            "Run a lesson to its end and write everything it shows: Markdown, an HTML document "
            "to print or hand out, or one SVG per step for slides."
        ),
    )
    p_export.add_argument(
        "lesson", metavar="LESSON", help=_("a lesson file, or the id of a bundled lesson")
    )
    p_export.add_argument(
        "--format",
        choices=("md", "html", "svg"),
        default=None,  # from the output's extension (.md, .html, .svg), else md
        help=_("md (default), html (one page, printable) or svg (a folder: one file per step)"),
    )
    p_export.add_argument(
        "--force",
        action="store_true",
        help=_("write it even when a step breaks or an expect fails (marked at the top)"),
    )
    p_export.add_argument(
        "-o", "--output", type=Path, required=True, help=_("the file to write (svg: a folder)")
    )
    p_export.add_argument(
        "--answers",
        action="store_true",
        help=_("the teacher's edition: every question's right answer written under it"),
    )
    p_export.add_argument("--device", help=_("where it computes: auto (default), cpu, cuda or mps"))
    p_export.add_argument("--lang", help=_("language of the transcript (en, zh ...)"))
    p_export.add_argument(
        "--set",
        action="append",
        dest="sub_set",
        default=argparse.SUPPRESS,
        metavar="NAME=VALUE",
        help=_("turn a knob before the lesson runs; may be repeated"),
    )
    return parser


def app_options(p: argparse.ArgumentParser, top: bool = False) -> None:
    """Whose progress the app saves, and where: a classroom session sets all three."""
    unset: dict[str, object] = {} if top else {"default": argparse.SUPPRESS}
    p.add_argument(
        "--learner",
        metavar="NAME",
        help=_("whose progress to save (default: your user name)"),
        **unset,
    )
    p.add_argument(
        "--data",
        type=Path,
        metavar="FOLDER",
        help=_("where progress is kept (default: TUTOR_DATA_DIR, or your user data folder)"),
        **unset,
    )
    p.add_argument(
        "--classroom", action="store_true", help=argparse.SUPPRESS, **({} if top else unset)
    )


def store_option(p: argparse.ArgumentParser) -> None:
    """`--store URL`: progress in PostgreSQL instead of the SQLite file in --data."""
    p.add_argument(
        "--store",
        metavar="URL",
        default=os.environ.get("TUTOR_STORE") or None,
        help=_(
            "keep progress in PostgreSQL: postgresql://USER@HOST:PORT/DATABASE (default: "
            "TUTOR_STORE, else a SQLite file in --data); needs pip install 'tutor[postgres]'"
        ),
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
    with speaking(_interface_language(args_list)):
        parser = build_parser()
        if "_ARGCOMPLETE" in os.environ:  # the shell asks (pip install tutor[completion])
            _complete(parser)
        args = parser.parse_args(args_list)
    args.set = [*getattr(args, "set", []), *getattr(args, "sub_set", [])]
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


def _interface_language(args: list[str]) -> str | None:
    """The `--lang` of a command, read before parsing so that `--help` and the parser's own
    errors are in it too (`check --lang zh` checks the Chinese and says so in Chinese);
    `serve --lang` is the students' default, so the teacher's console stays in the
    environment's language (LANG)."""
    command = next((a for a in args if a in COMMANDS), None)
    if command == "serve":
        return None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


@contextlib.contextmanager
def speaking(lang: str | None) -> Iterator[str]:
    """The CLI's words in `lang` (None: the environment's) while the command line is parsed:
    argparse's own ("usage:", "options", its errors) included, from the catalog's copy of
    them; the process's gettext domain and LANGUAGE are put back after."""
    import gettext

    from tutor.i18n import DOMAIN, LOCALE_DIR

    code = use_language(lang)
    before = os.environ.get("LANGUAGE"), gettext.textdomain()
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = code  # what the stdlib's gettext reads first
    try:
        yield code
    finally:
        if before[0] is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = before[0]
        gettext.textdomain(before[1])


class UsageError(Exception):
    """A mistake on the command line (exit code 2)."""


def _complete(parser: argparse.ArgumentParser) -> None:
    """Tab completion through argcomplete, an optional extra: imported only when the shell asks,
    so that every other run of `tutor` stays as quick to start."""
    try:
        import argcomplete
    except ImportError:
        return
    argcomplete.autocomplete(parser)


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
    from tutor.engine.device import DEVICES, available

    kind = requested.split(":")[0]
    if kind not in DEVICES:
        raise UsageError(
            _("unknown device '{device}'; use auto, cpu, cuda or mps").format(device=requested)
        )
    if not available(kind):
        raise UsageError(
            _("--device {device}: there is no {kind} device here").format(
                device=requested, kind=kind
            )
        )
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


def cmd_progress(args: argparse.Namespace) -> int:
    from tutor.plain import print_progress
    from tutor.progress import ProgressStore, local_learner
    from tutor.progress.store import StoreError

    try:  # a missing extra, an unreachable database: a sentence, exit 2
        store = ProgressStore(args.data, url=args.store)
        if args.copy_to:
            return _copy_progress(store, args.copy_to)
        learner = store.learner(args.learner or local_learner())
        if args.reset is not None:
            return _reset_progress(learner, args.reset or None, args.yes)
        return print_progress(learner)
    except StoreError as e:
        raise UsageError(str(e)) from None


def _copy_progress(store: ProgressStore, url: str) -> int:
    """`tutor progress --copy-to URL`: this store into PostgreSQL (tutor.progress.copy)."""
    from tutor.progress import ProgressStore
    from tutor.progress.copy import copy_store
    from tutor.progress.database import StoreError, is_url

    if not is_url(url):
        raise UsageError(
            _("--copy-to takes a postgresql://USER@HOST:PORT/DATABASE URL, not {url}").format(
                url=repr(url)
            )
        )
    target = ProgressStore(store.data_dir, url=url)
    if target.where == store.where:
        raise StoreError(
            _("--copy-to names the store it would copy from: {where}").format(where=store.where)
        )
    copied = copy_store(store, target)
    target.close()
    print(
        ngettext(
            "Copied {learners} learner ({lessons}, {events}, {new} of them new) "
            "from {source} to {target}.",
            "Copied {learners} learners ({lessons}, {events}, {new} of them new) "
            "from {source} to {target}.",
            copied.learners,
        ).format(
            learners=copied.learners,
            lessons=ngettext("{n} lesson", "{n} lessons", copied.lessons).format(n=copied.lessons),
            events=ngettext("{n} event", "{n} events", copied.events).format(n=copied.events),
            new=copied.new_events,
            source=store.where,
            target=target.where,
        )
    )
    return EXIT_OK


def _reset_progress(learner: LearnerProgress, text: str | None, yes: bool) -> int:
    """Forget progress only after the learner said so: it cannot be undone. A lesson that is
    neither in the store nor bundled is a typo (exit 2, with a did-you-mean), not 'cleared 0'."""
    saved = {p.lesson_id: p.title for p in learner.lessons()}
    lesson_id = None if text is None else _progress_lesson(text, saved)
    if lesson_id is not None and lesson_id not in saved:
        print(
            _("{name} has no progress in '{lesson}'; nothing to forget.").format(
                name=learner.name, lesson=lesson_id
            )
        )
        return EXIT_OK
    if lesson_id is None and not saved:
        print(_("{name} has no progress yet; nothing to forget.").format(name=learner.name))
        return EXIT_OK
    what = (
        f"'{lesson_id}' ({saved[lesson_id]})"
        if lesson_id is not None
        else ngettext("all {n} lesson", "all {n} lessons", len(saved)).format(n=len(saved))
    )
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                _(
                    "--reset would forget {name}'s progress in {what}; with no terminal "
                    "to ask on, add --yes to do it"
                ).format(name=learner.name, what=what)
            )
        try:
            reply = input(
                _("Forget {name}'s progress in {what}? This cannot be undone. [y/N] ").format(
                    name=learner.name, what=what
                )
            )
        except EOFError:
            reply = ""
        if reply.strip().lower() not in ("y", "yes", _("y"), _("yes")):
            print(_("Nothing forgotten."))
            return EXIT_OK
    cleared = learner.reset(lesson_id)
    print(
        ngettext(
            "Forgot {name}'s progress in {n} lesson.",
            "Forgot {name}'s progress in {n} lessons.",
            cleared,
        ).format(name=learner.name, n=cleared)
    )
    return EXIT_OK


def _progress_lesson(text: str, saved: dict[str, str]) -> str:
    """The lesson id `--reset TEXT` means: an id with progress, or a bundled lesson by id or
    name (`neuron`, `02-neuron`); else a usage error that names the closest ones."""
    if text in saved:
        return text
    from tutor.lesson.bundled import find_lesson, lesson_id

    found = find_lesson(text, BUNDLED)
    found_id = lesson_id(found) if found is not None and not Path(text).is_file() else None
    if found_id:
        return found_id
    import difflib

    names = set(saved)
    for path in BUNDLED.glob("*.y*ml"):
        names |= {path.stem, path.stem.split("-", 1)[-1], lesson_id(path) or path.stem}
    close = difflib.get_close_matches(text, sorted(names), n=3, cutoff=0.5)
    said = _(" or ").join(repr(c) for c in close)
    hint = _("; did you mean {names}?").format(names=said) if close else ""
    raise UsageError(
        _("--reset: no lesson '{name}' in your progress or the course").format(name=text) + hint
    )


if __name__ == "__main__":
    sys.exit(main())
