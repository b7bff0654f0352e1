"""The `tutor` subcommands beyond learning: the classroom, and the authoring kit.

Each takes the parsed arguments and returns an exit code (0 ok, 1 failed, 2 usage error);
`tutor.cli` stays a parser and a dispatcher.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path

from tutor.i18n import _, ngettext
from tutor.resources import BUNDLED_LESSONS, SCHEMA_FILE, TEMPLATES

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _usage(message: str) -> int:
    print(f"tutor: {message}", file=sys.stderr)
    return EXIT_USAGE


# ---------------------------------------------------------------- the classroom


def cmd_serve(args: argparse.Namespace) -> int:
    from tutor.classroom.server import ServeConfig, serve

    if args.authorized_keys is None and args.password_file is None:
        return _usage(
            _("give --authorized-keys FILE or --password-file FILE: nobody could log in otherwise")
        )
    for path in (args.authorized_keys, args.password_file):
        if path is not None and not path.is_file():
            return _usage(_("no such file: {path}").format(path=path))
    lessons = args.lessons or [BUNDLED_LESSONS]  # `--lessons A B --lessons C`: all, in order
    for path in lessons:
        if not path.exists():
            return _usage(
                _("no lessons at {path} (give lesson files or folders)").format(path=path)
            )
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
            return _usage(problem)
    if args.web is not None:
        if not 0 < args.web < 65536 or args.web == args.port:
            port = _("--web {port}: give a free port other than --port").format(port=args.web)
            return _usage(port)
        try:
            import aiohttp  # noqa: F401
            import textual_serve  # noqa: F401
        except ImportError:
            return _usage(_("the browser classroom needs its extra: pip install 'tutor[web]'"))
    try:
        asyncio.run(serve(config))
    except (ValueError, OSError) as e:
        print(f"tutor serve: {e}", file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def cmd_class(args: argparse.Namespace) -> int:
    from tutor.classroom.teacher import (
        ClassApp,
        ask_server,
        export_csv,
        print_class,
        print_history,
        print_questions,
        reply_text,
    )
    from tutor.progress import ProgressStore
    from tutor.progress.store import StoreError

    request = _class_request(args)
    if not args.data.is_dir() and (args.store is None or request is not None):
        return _usage(
            _("no classroom data in {path} (give the --data of `tutor serve`)").format(
                path=args.data
            )
        )
    if request is not None:
        if isinstance(request, str):
            return _usage(request)
        reply = ask_server(args.data, request)
        if "error" in reply:
            print(f"tutor class: {reply_text(request, reply)}", file=sys.stderr)
            return EXIT_FAIL
        print(reply_text(request, reply))
        return EXIT_OK
    try:
        store = ProgressStore(args.data, url=args.store)
    except StoreError as e:
        return _usage(str(e))
    group = args.group
    if group is not None and group not in (groups := store.groups()):
        known = ", ".join(groups) or _("none: no file gives a student a group")
        return _usage(
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
    ClassApp(store, group=group).run()
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


def cmd_password(args: argparse.Namespace) -> int:
    from tutor.classroom.auth import set_password, valid_name

    if args.names is not None:
        return _passwords_for(args.file, args.names)
    if args.name is None:
        return _usage(_("give a NAME, or --from NAMES for a whole list"))
    if not valid_name(args.name):
        return _usage(
            _("'{name}' cannot be a user name: letters, digits, '.', '_', '-'").format(
                name=args.name
            )
        )
    if sys.stdin.isatty():
        password = getpass.getpass(_("password for {name}: ").format(name=args.name))
        if password != getpass.getpass(_("again: ")):
            return _usage(_("the two passwords differ"))
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        return _usage(_("a password needs at least 8 characters"))
    set_password(args.file, args.name, password)
    print(
        _("{name}'s password is set in {path} (hashed with scrypt)").format(
            name=args.name, path=args.file
        )
    )
    return EXIT_OK


def _passwords_for(file: Path, names: Path) -> int:
    """A fresh password for every name in `names` (`ada`, `ada monday`: name and group, and
    `lang=zh` for the student's language), printed once for the teacher to hand out, stored
    only as hashes."""
    import secrets

    from tutor.classroom.auth import set_passwords, valid_language, valid_name

    if not names.is_file():
        return _usage(_("no such file: {path}").format(path=names))
    passwords: dict[str, str] = {}
    groups: dict[str, str] = {}
    languages: dict[str, str] = {}
    for number, line in enumerate(names.read_text(encoding="utf-8").splitlines(), start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if not valid_name(words[0]):
            said = _("'{name}' cannot be a user name").format(name=words[0])
            return _usage(f"{names}:{number}: {said}")
        alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing to misread: no 0/o, 1/l/i
        passwords[words[0]] = "-".join(
            "".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)
        )
        rest = [w for w in words[1:] if not w.startswith("lang=")]
        groups[words[0]] = rest[0] if rest else ""
        lang = next((w[5:] for w in words[1:] if w.startswith("lang=")), "")
        if lang and not valid_language(lang):
            said = _("'{code}' is not a language code (such as zh)").format(code=lang[:40])
            return _usage(f"{names}:{number}: {said}")
        if lang:
            languages[words[0]] = lang
    if not passwords:
        return _usage(_("{path} names nobody").format(path=names))
    set_passwords(file, passwords, groups, languages)
    for name, password in passwords.items():
        print(f"{name}\t{password}")
    stored = ngettext(
        "{n} password stored hashed in {path}; this is the only time it is shown",
        "{n} passwords stored hashed in {path}; this is the only time they are shown",
        len(passwords),
    )
    print(stored.format(n=len(passwords), path=file), file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------- authoring


def cmd_schema(args: argparse.Namespace) -> int:
    from tutor.lesson.schema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from tutor.lesson.schema import SCHEMA_ID, schema_text

    target: Path = args.file
    if target.exists():
        return _usage(_("{path} exists; choose another name").format(path=target))
    if target.suffix not in (".yaml", ".yml"):
        return _usage(_("a lesson file ends in .yaml"))
    text = (TEMPLATES / f"{args.template}.yaml").read_text(encoding="utf-8")
    # Editors find the schema beside the lesson, by a relative name: the file stays valid when
    # the folder is copied, committed or opened on another machine (an absolute file:// path
    # into this install would not).
    text = text.replace(SCHEMA_ID, SCHEMA_FILE.name)
    schema_copy = target.parent / SCHEMA_FILE.name
    lesson_id = "".join(c if c.isalnum() else "-" for c in target.stem.lower()).strip("-")
    text = text.replace("id: my-lesson ", f"id: {lesson_id} ", 1)
    for old in ("id: my-attention-lesson", "id: my-training-lesson"):
        text = text.replace(old, f"id: {lesson_id}", 1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    wrote = ""
    if not schema_copy.exists():  # one already there is the author's: left as it is
        schema_copy.write_text(schema_text(), encoding="utf-8")
        wrote = _(" and {path} (the schema, for editors)").format(path=schema_copy)
    print(
        _("wrote {path} ({template}){also}; check it with: tutor check {path}").format(
            path=target, template=args.template, also=wrote
        )
    )
    return EXIT_OK


EXPORT_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".svg": "svg"}


def export_format(fmt: str | None, output: Path) -> str:
    """The format asked for, or the one the output's name says; a usage error (a sentence
    starting with 'tutor:') for a name that says another or an unknown one."""
    said = EXPORT_SUFFIXES.get(output.suffix.lower())
    if output.suffix and said is None:
        known = ", ".join(EXPORT_SUFFIXES)
        raise ValueError(
            _("cannot export to '{suffix}' files; the formats are {known}").format(
                suffix=output.suffix, known=known
            )
        )
    if fmt and said and fmt != said:
        raise ValueError(
            _("--format {format} and an output named {name} disagree").format(
                format=fmt, name=output.name
            )
        )
    return fmt or said or "md"


def cmd_export(args: argparse.Namespace) -> int:
    """Write a lesson's transcript; a lesson that breaks or fails an expect is not written
    (exit 1) unless `--force`, and then it says so at the top."""
    from tutor.lesson import LessonError, learner_language, load_lesson
    from tutor.lesson.bundled import find_lesson

    path = find_lesson(args.lesson)
    if path is None:
        return _usage(
            _("no lesson file or bundled lesson called '{name}'").format(name=args.lesson)
        )
    output: Path = args.output
    from tutor.lesson.load import unknown_knobs

    names = [s.partition("=")[0].strip() for s in getattr(args, "set", [])]
    if any("=" not in s for s in getattr(args, "set", [])):
        return _usage(_("--set takes name=value"))
    try:
        unknown = unknown_knobs(names, [load_lesson(path).lesson]) if names else []
    except LessonError:
        unknown = []  # said below, with the lesson's own error
    if unknown:
        return _usage(f"--set: {unknown[0]}")
    try:
        fmt = export_format(args.format, output)
    except ValueError as e:
        return _usage(str(e))
    if not output.parent.is_dir():  # svg makes the folder `output`, inside this one
        return _usage(
            _("no folder '{folder}' to write {name} into; create it first").format(
                folder=output.parent, name=output.name
            )
        )
    try:
        lesson = load_lesson(path)
    except LessonError as e:
        print(e, file=sys.stderr)
        return EXIT_FAIL
    from tutor.engine.check import check_lesson
    from tutor.engine.params import parse_assignment

    params = dict(parse_assignment(s) for s in getattr(args, "set", []))
    lang = learner_language(args.lang)
    checked = check_lesson(path, device=args.device, lang=lang, params=params)
    if checked.problems and not args.force:
        for finding in checked.problems:
            print(finding.text, file=sys.stderr)
        count = len(checked.problems)
        not_written = ngettext(
            "not written: {lesson} has {n} problem; fix it, or --force writes it anyway, marked",
            "not written: {lesson} has {n} problems; fix them, or --force writes it anyway, marked",
            count,
        )
        print("tutor export: " + not_written.format(lesson=args.lesson, n=count), file=sys.stderr)
        return EXIT_FAIL
    from tutor.export import export_lesson

    steps = export_lesson(
        lesson,
        fmt,
        output,
        device=args.device,
        lang=lang,
        answers=getattr(args, "answers", False),
        params=params,
        problems=[f.text for f in checked.problems],
    )
    told = ngettext(
        "wrote {path} ({n} step, {format})", "wrote {path} ({n} steps, {format})", steps
    )
    print(told.format(path=output, n=steps, format=fmt))
    if checked.problems:
        count = len(checked.problems)
        marked = ngettext(
            "written with --force, marked: {n} problem",
            "written with --force, marked: {n} problems",
            count,
        )
        print("tutor export: " + marked.format(n=count), file=sys.stderr)
    return EXIT_OK
