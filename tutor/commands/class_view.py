"""`tutor class`: the teacher's view of a running classroom (tutor.classroom.teacher), or one
request to its server (a message, a lesson to open, sessions to end, a reload) and exit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tutor.commands.options import EXIT_FAIL, EXIT_OK, NewCommand, store_option, usage
from tutor.i18n import _, ngettext


def add_parsers(command: NewCommand) -> None:
    """Its commands, with their options and help, in `tutor --help`'s order."""
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


def cmd_class(args: argparse.Namespace) -> int:
    from tutor.classroom.class_report import (
        export_csv,
        print_class,
        print_history,
        print_questions,
    )
    from tutor.classroom.teacher_requests import ask_server, reply_text
    from tutor.progress import ProgressStore
    from tutor.progress.store import StoreError

    request = _class_request(args)
    if not args.data.is_dir() and (args.store is None or request is not None):
        return usage(
            _("no classroom data in {path} (give the --data of `tutor serve`)").format(
                path=args.data
            )
        )
    if request is not None:
        if isinstance(request, str):
            return usage(request)
        reply = ask_server(args.data, request)
        if "error" in reply:
            print(f"tutor class: {reply_text(request, reply)}", file=sys.stderr)
            return EXIT_FAIL
        print(reply_text(request, reply))
        return EXIT_OK
    try:
        store = ProgressStore(args.data, url=args.store)
    except StoreError as e:
        return usage(str(e))
    group = args.group
    if group is not None and group not in (groups := store.groups()):
        known = ", ".join(groups) or _("none: no file gives a student a group")
        return usage(
            _("no class '{name}'; the classes are: {known}").format(name=group, known=known)
        )
    if args.csv is not None:
        rows = export_csv(store, args.csv, group)
        print(
            ngettext(
                "wrote {n} row (a student and lesson each) to {path}",
                "wrote {n} rows (a student and lesson each) to {path}",
                rows,
            ).format(n=rows, path=args.csv)
        )
        return EXIT_OK
    if args.questions:
        return print_questions(store, group=group)
    if args.history:
        return print_history(store, args.history)
    if args.plain or not sys.stdout.isatty():
        return print_class(store, group=group)
    from tutor.classroom.teacher import ClassApp

    ClassApp(store, group=group).run()
    return EXIT_OK


def _class_request(args: argparse.Namespace) -> dict[str, object] | str | None:
    """The request to the running server that `tutor class`'s options ask for, a usage error,
    or None (just look)."""
    to = {"to": args.to} if args.to else {}
    if args.message is not None:
        return {"do": "message", "text": args.message, **to}
    if args.send is not None:
        return {"do": "send", "lesson": args.send, **to}
    if args.end:
        return {"do": "end", **to} if to else _("--end needs --to NAME")
    if args.unblock is not None:
        return {"do": "unblock", "address": args.unblock}
    if args.reload:
        return {"do": "reload"}
    return None
