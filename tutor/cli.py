"""The `tutor` command: the parser, assembled from each command family's options
(tutor.commands), read in the user's language, and the dispatch to the command's body.
Imports stay light: torch loads only inside the commands that compute, so `tutor --help` and
the lesson list appear at once."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from tutor import __version__
from tutor.commands import authoring, class_view, learn, password, progress, serve
from tutor.commands.options import EXIT_USAGE, UsageError, app_options, lesson_options
from tutor.i18n import N_, _, use_language
from tutor.resources import BUNDLED_LESSONS as BUNDLED

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
FAMILIES = (learn, progress, serve, class_view, password, authoring)  # `tutor --help`'s order
RUN: dict[str, Callable[[argparse.Namespace], int]] = {
    "open": learn.cmd_open,
    "watch": learn.cmd_open,
    "run": learn.cmd_run,
    "check": learn.cmd_check,
    "progress": progress.cmd_progress,
    "serve": serve.cmd_serve,
    "class": class_view.cmd_class,
    "password": password.cmd_password,
    "schema": authoring.cmd_schema,
    "new": authoring.cmd_new,
    "export": authoring.cmd_export,
}
"""Each command's body; `tutor` with no command, and `tutor PATH`, open the app."""
COMMANDS = tuple(RUN)  # the words that name a command, for `tutor PATH` (an implicit open)


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

    lesson_options(parser, top=True)
    app_options(parser, top=True)
    for family in FAMILIES:
        family.add_parsers(command)
    return parser


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
        return RUN.get(args.command, learn.cmd_open)(args)
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


def _complete(parser: argparse.ArgumentParser) -> None:
    """Tab completion through argcomplete, an optional extra: imported only when the shell asks,
    so that every other run of `tutor` stays as quick to start."""
    try:
        import argcomplete
    except ImportError:
        return
    argcomplete.autocomplete(parser)


if __name__ == "__main__":
    sys.exit(main())
