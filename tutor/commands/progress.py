"""`tutor progress`: what a learner has done so far; `--reset` forgets it after asking, and
`--copy-to` copies a whole store into PostgreSQL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.commands.options import EXIT_OK, NewCommand, UsageError, app_options, store_option
from tutor.i18n import _, ngettext
from tutor.resources import BUNDLED_LESSONS as BUNDLED

if TYPE_CHECKING:
    from tutor.progress import LearnerProgress, ProgressStore


def add_parsers(command: NewCommand) -> None:
    """Its commands, with their options and help, in `tutor --help`'s order."""
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
    saved = learner.recorded()  # a lesson started over keeps its history: that is forgotten too
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
