"""`tutor serve`: the classroom server's options, checked and said in a sentence before it
starts (tutor.classroom.server runs it)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tutor.commands.options import EXIT_FAIL, EXIT_OK, NewCommand, store_option, usage
from tutor.i18n import _
from tutor.resources import BUNDLED_LESSONS


def add_parsers(command: NewCommand) -> None:
    """Its commands, with their options and help, in `tutor --help`'s order."""
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


def cmd_serve(args: argparse.Namespace) -> int:
    import asyncio

    from tutor.classroom.room import ServeConfig
    from tutor.classroom.server import serve

    if args.authorized_keys is None and args.password_file is None:
        return usage(
            _("give --authorized-keys FILE or --password-file FILE: nobody could log in otherwise")
        )
    for path in (args.authorized_keys, args.password_file):
        if path is not None and not path.is_file():
            return usage(_("no such file: {path}").format(path=path))
    lessons = args.lessons or [BUNDLED_LESSONS]  # `--lessons A B --lessons C`: all, in order
    for path in lessons:
        if not path.exists():
            return usage(_("no lessons at {path} (give lesson files or folders)").format(path=path))
    config = ServeConfig(
        host=args.host,
        port=args.port,
        lessons=tuple(path.resolve() for path in lessons),
        data=args.data.resolve(),
        authorized_keys=args.authorized_keys,
        password_file=args.password_file,
        max_sessions=args.max_sessions,
        max_per_student=args.max_per_student,
        max_startups=args.max_startups,
        login_grace_time=args.login_grace_time,
        session_wait=args.session_wait,
        idle_timeout=args.idle_timeout,
        keepalive=args.keepalive,
        check=not args.no_check,
        lang=args.lang,
        web_port=args.web,
        insecure_http=args.insecure_http,
        behind_proxy=args.behind_proxy,
        store=args.store,
        host_name=args.host_name,
    )
    if args.store is not None:  # said now, in a sentence, not as the server's traceback
        problem = _store_problem(args.data, args.store)
        if problem is not None:
            return usage(problem)
    if args.web is not None:
        if not 0 < args.web < 65536 or args.web == args.port:
            port = _("--web {port}: give a free port other than --port").format(port=args.web)
            return usage(port)
        try:
            import aiohttp  # noqa: F401
            import textual_serve  # noqa: F401
        except ImportError:
            return usage(_("the browser classroom needs its extra: pip install 'tutor[web]'"))
    try:
        asyncio.run(serve(config))
    except (ValueError, OSError) as e:
        print(f"tutor serve: {e}", file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def _store_problem(data: Path, url: str) -> str | None:
    """Why the progress store at `url` cannot be used (no psycopg, unreachable, too new)."""
    from tutor.progress import ProgressStore
    from tutor.progress.store import StoreError

    try:
        ProgressStore(data, url=url).close()
    except StoreError as e:
        return str(e)
    return None
