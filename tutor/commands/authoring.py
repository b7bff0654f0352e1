"""The authoring kit: `tutor schema` (the lesson format for editors), `tutor new` (a lesson
from a template) and `tutor export` (a lesson's whole transcript as Markdown, HTML or SVG)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tutor.commands.options import EXIT_FAIL, EXIT_OK, NewCommand, usage
from tutor.i18n import _, ngettext
from tutor.resources import SCHEMA_FILE, TEMPLATES


def add_parsers(command: NewCommand) -> None:
    """Its commands, with their options and help, in `tutor --help`'s order."""
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


def cmd_schema(args: argparse.Namespace) -> int:
    from tutor.lesson.schema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from tutor.lesson.schema import SCHEMA_ID, schema_text

    target: Path = args.file
    if target.exists():
        return usage(_("{path} exists; choose another name").format(path=target))
    if target.suffix not in (".yaml", ".yml"):
        return usage(_("a lesson file ends in .yaml"))
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
        return usage(_("no lesson file or bundled lesson called '{name}'").format(name=args.lesson))
    output: Path = args.output
    from tutor.lesson.load import unknown_knobs

    names = [s.partition("=")[0].strip() for s in getattr(args, "set", [])]
    if any("=" not in s for s in getattr(args, "set", [])):
        return usage(_("--set takes name=value"))
    try:
        unknown = unknown_knobs(names, [load_lesson(path).lesson]) if names else []
    except LessonError:
        unknown = []  # said below, with the lesson's own error
    if unknown:
        return usage(f"--set: {unknown[0]}")
    try:
        fmt = export_format(args.format, output)
    except ValueError as e:
        return usage(str(e))
    if not output.parent.is_dir():  # svg makes the folder `output`, inside this one
        return usage(
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
