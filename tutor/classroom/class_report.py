"""What the teacher reads about the class, apart from the live view: the table's columns and
each student's row in them, the questions most wrong, one student's history, and the grades
as CSV (no cell a formula). Every view counts through `tutor.progress.grades`, so they agree;
the teacher's own words are in the catalogs, names and answers as written."""

from __future__ import annotations

import csv
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tutor.i18n import N_, _, ngettext
from tutor.lesson.clean import clean_line
from tutor.progress import Event, ProgressStore, Tally, tally
from tutor.progress.grades import StudentRow

COLUMNS: tuple[tuple[str, str, int], ...] = (
    # key, label (translated where shown), width: the first seven fit 80 columns; the rest
    # scroll in
    ("stuck", "!", 1),
    ("student", N_("student"), 10),
    ("state", N_("state"), 10),
    ("step", N_("step"), 19),
    ("on", N_("on step"), 7),
    ("tries", N_("tries"), 5),
    ("hints", N_("hints"), 5),
    ("questions", N_("questions"), 18),
    ("lesson", N_("lesson"), 22),
    ("done", N_("done"), 4),
    ("group", N_("group"), 8),
    ("lang", N_("language"), 8),  # the roster's (`lang=zh` in the keys or password file)
    ("last", N_("last activity"), 14),
    ("host", N_("host"), 12),  # the server they are on (several share one database: --store)
)
STATES = {
    "connected": N_("connected"),
    "idle": N_("idle"),
    "gone": N_("gone"),
    "never came": N_("never came"),
}
"""A student's state (tutor.progress.grades), as the teacher reads it."""
DID = {
    "hint": N_("hint"),
    "give-up": N_("gave up"),
    "reset": N_("started over"),  # "Start over": the lesson's tries before it stay listed
    "right": N_("right"),
    "wrong": N_("wrong"),
}
QUESTION_COLUMNS = (
    N_("lesson"),
    N_("question"),
    N_("wrong"),
    N_("of"),
    N_("gave up"),
    N_("wrong answers given"),
)
HISTORY_COLUMNS = (N_("lesson"), N_("question"), N_("did"), N_("answer"), N_("hints"), N_("when"))


def label(key: str) -> str:
    """A column's heading in the teacher's language."""
    return next(_(name) if name != "!" else name for k, name, _width in COLUMNS if k == key)


def duration(seconds: float) -> str:
    seconds = int(max(0, seconds))
    if seconds < 60:
        return _("{n}s").format(n=seconds)
    if seconds < 3600:
        return _("{n}m").format(n=seconds // 60)
    return _("{h}h{m:02d}").format(h=seconds // 3600, m=seconds % 3600 // 60)


def ago(moment: float, now: float | None = None) -> str:
    if not moment:
        return ""
    seconds = max(0, int((now or time.time()) - moment))
    if seconds < 60:
        return _("{n} s ago").format(n=seconds)
    if seconds < 3600:
        return _("{n} min ago").format(n=seconds // 60)
    return datetime.fromtimestamp(moment).strftime("%Y-%m-%d %H:%M")


def question_tallies(store: ProgressStore, rows: Sequence[StudentRow]) -> dict[str, Tally]:
    """Each student's questions in the lesson they are in, counted as their own list, bar
    and resume note count them (tutor.progress.Tally: one per question, not per try)."""
    questions: dict[str, list[tuple[int, str]]] = {}
    for info in store.steps():
        if info.question:
            questions.setdefault(info.lesson_id, []).append((info.position, info.step_id))
    events: dict[tuple[str, str], list[Event]] = {}
    for event in store.events():
        events.setdefault((event.learner, event.lesson_id), []).append(event)
    counted = {}
    for row in rows:
        if not row.lesson_id:
            continue
        ids = sorted(questions.get(row.lesson_id, []))
        at = int(row.step.split("/")[0]) if row.step.split("/")[0].isdigit() else 0
        counted[row.learner] = tally(
            events.get((row.learner, row.lesson_id), []),
            [step for _position, step in ids],
            [step for position, step in ids if position < at],
        )
    return counted


def row_values(
    row: StudentRow, now: float | None = None, counted: Tally | None = None
) -> dict[str, str]:
    """A student as the teacher's terminal shows them: names and titles are text from
    students and authors, so they are cleaned (no escape codes) and cut."""
    step = f"{row.step} {row.step_title}" if row.step else ""
    here = row.state in ("connected", "idle") and row.step
    return {
        "stuck": "!" if row.stuck else "",
        "student": clean_line(row.learner, 64),
        "state": _(STATES.get(row.state, row.state)),
        "step": clean_line(step, 80),
        "on": duration(row.on_step) if here else "",
        "tries": str(row.tries) if row.step else "",
        "hints": str(row.hints) if row.step else "",
        "questions": counted.text() if counted is not None and row.step else "",
        "lesson": clean_line(row.lesson, 80),
        "done": str(row.done),
        "group": clean_line(row.group, 32),
        "lang": clean_line(row.lang, 16),
        "last": ago(row.last_activity, now),
        "host": clean_line(row.host, 40),
    }


def sort_value(row: StudentRow, column: str) -> tuple[object, ...]:
    """What a column sorts by: numbers as numbers, the stuck first, then by name."""
    values: dict[str, object] = {
        "stuck": not row.stuck,
        "state": ("connected", "idle", "gone", "never came").index(row.state),
        "on": -row.on_step,
        "tries": -row.tries,
        "hints": -row.hints,
        "done": -row.done,
        "last": -row.last_activity,
        "step": (row.lesson, row.step),
        "lesson": row.lesson,
        "group": row.group,
        "lang": row.lang,
        "host": row.host,
    }
    return (values.get(column, ""), row.learner)


def class_table(rows: Sequence[StudentRow], tallies: dict[str, Tally] | None = None) -> Table:
    present = sum(1 for r in rows if r.state in ("connected", "idle"))
    title = ngettext(
        "{n} student, {present} connected", "{n} students, {present} connected", len(rows)
    ).format(n=len(rows), present=present)
    table = Table(title=title, title_justify="left")
    for key, _label, _width in COLUMNS:
        table.add_column(label(key))
    now = time.time()
    for row in rows:
        values = row_values(row, now, (tallies or {}).get(row.learner))
        table.add_row(*(Text(value) for value in values.values()))  # not markup
    return table


def print_class(
    store: ProgressStore, console: Console | None = None, group: str | None = None
) -> int:
    """The table once; with `group`, that class's students only."""
    rows = store.overview(group=group)
    table = class_table(rows, question_tallies(store, rows))
    (console or Console(highlight=False, width=180)).print(table)
    return 0


def print_questions(
    store: ProgressStore, console: Console | None = None, group: str | None = None
) -> int:
    """Per lesson, the questions most students got wrong first; with `group`, counting that
    class's students only."""
    title = _("questions, most often wrong first")
    if group:
        title += _(" · class {name}").format(name=clean_line(group, 32))
    table = Table(title=title, title_justify="left")
    for heading in QUESTION_COLUMNS:
        table.add_column(_(heading))
    for q in store.question_stats(group):
        common = ", ".join(f"{clean_line(a, 20)} ×{n}" for a, n in q.common_wrong)
        table.add_row(
            *(
                Text(v)
                for v in (
                    clean_line(q.lesson_id, 30),
                    clean_line(q.title, 40),
                    f"{q.share_wrong:.0%}",
                    str(q.students),
                    str(q.gave_up),
                    common,
                )
            )
        )
    (console or Console(highlight=False, width=160)).print(table)
    return 0


def print_history(store: ProgressStore, learner: str, console: Console | None = None) -> int:
    title = _("{name}: every answer").format(name=clean_line(learner, 64))
    table = Table(title=title, title_justify="left")
    for heading in HISTORY_COLUMNS:
        table.add_column(_(heading))
    for values in history_rows(store, learner):
        table.add_row(*(Text(v) for v in values))
    (console or Console(highlight=False, width=160)).print(table)
    return 0


def history_rows(store: ProgressStore, learner: str) -> list[tuple[str, ...]]:
    """Every answer, hint and give-up of one student, oldest first, as cleaned text, and each
    time they started a lesson over (what came before it stays)."""
    titles = {(s.lesson_id, s.step_id): s.title for s in store.steps()}
    rows = []
    for e in store.events(learner):
        if e.kind not in ("answer", "give-up", "hint", "reset"):
            continue
        did = _(DID.get(e.kind) or DID["right" if e.correct else "wrong"])
        rows.append(
            (
                clean_line(e.lesson_id, 40),
                clean_line(titles.get((e.lesson_id, e.step_id), e.step_id), 40),
                did,
                clean_line(e.answer or "", 60) if e.kind == "answer" else "",
                str(e.hints_used),
                datetime.fromtimestamp(e.at).strftime("%H:%M:%S"),
            )
        )
    return rows


CSV_FIELDS = (
    "student",
    "group",
    "lesson_id",
    "lesson",
    "questions",
    "right_first_try",
    "right_after_help",
    "gave_up",
    "unanswered",
    "done",
    "score",
    "last_activity",
    "host",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula: text that starts so (a lesson title, a
group name) gets a leading apostrophe, which spreadsheets show as text and do not run."""


def as_text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_START) else value


def export_csv(store: ProgressStore, path: Path, group: str | None = None) -> int:
    """One row per student and lesson, as a spreadsheet opens it: UTF-8 with a byte-order mark
    (so Excel reads names in any script right), fields quoted as CSV needs (commas, quotes,
    line breaks), a header row, the score a number (blank for a lesson without questions),
    times in ISO 8601, no cell a formula. A student who never started is one row with the
    lesson left blank, so nobody goes missing. With `group`: that class only."""
    rows = 0
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_FIELDS)
        for student in store.overview(group=group):
            name, grp, host = (as_text(v) for v in (student.learner, student.group, student.host))
            if not student.grades:
                writer.writerow([name, grp, *[""] * 10, host])
                rows += 1
            for g in student.grades:
                writer.writerow(
                    [
                        name,
                        grp,
                        as_text(g.lesson_id),
                        as_text(g.title),
                        g.questions,
                        g.first_try,
                        g.after_help,
                        g.gave_up,
                        g.open,
                        "yes" if g.done else "no",
                        "" if g.score is None else f"{g.score:.0f}",
                        datetime.fromtimestamp(g.last_activity).isoformat(timespec="seconds"),
                        host,
                    ]
                )
                rows += 1
    return rows
