"""What several commands share: the options that say how a lesson runs and whose progress it
saves (given before the command or after it), the progress store's `--store`, the exit codes,
and how a command reports a mistake on its command line (a sentence, exit 2)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from tutor.i18n import _

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
NewCommand = Callable[[str, str, str], argparse.ArgumentParser]
"""`command(name, summary, description)`: a subcommand with its line in `tutor --help`."""


class UsageError(Exception):
    """A mistake on the command line (exit code 2)."""


def usage(message: str) -> int:
    """Say a command-line mistake as one sentence on stderr; the exit code for it."""
    print(f"tutor: {message}", file=sys.stderr)
    return EXIT_USAGE


def lesson_options(p: argparse.ArgumentParser, top: bool = False) -> None:
    """Where a lesson computes, its language and its knobs."""
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
