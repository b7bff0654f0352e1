"""`tutor class`: the whole class, live in a table, as text, or as CSV; and the teacher's
requests to a running `tutor serve` (messages, sending to a lesson, ending a session,
unblocking an address, re-reading the files) over its control socket.

The roster, presence, grades and the "stuck" rule come from `tutor.progress.grades`, so every
view counts the same way. Every word of the teacher's own is in the catalogs (`_()`): the
teacher reads them in `--lang` or their LANG; names, titles and answers are shown as written.
"""

from __future__ import annotations

import csv
import json
import socket
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.console import Console
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from tutor.app.widgets.keybar import KeyBar
from tutor.i18n import N_, _, current_language, ngettext
from tutor.lesson.clean import clean_line
from tutor.progress import Event, ProgressStore, Tally, tally
from tutor.progress.grades import StudentRow
from tutor.progress.store import StoreUnavailable

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
REFRESH_SECONDS = 2.0
CONTROL_SOCKET = "control.sock"  # as server.py
CONTROL_TIMEOUT = 10.0


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


def ask_server(data: Path, request: dict[str, object]) -> dict[str, object]:
    """One request to the running `tutor serve` of this data folder, and its reply; the
    server words its errors in the language the request names (the teacher's)."""
    path = data / CONTROL_SOCKET
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(CONTROL_TIMEOUT)
        try:
            sock.connect(str(path))
        except OSError as e:
            said = _("no classroom server is running for {data} ({why})")
            return {"error": said.format(data=data, why=e.strerror)}
        asked = {**request, "lang": current_language()}
        sock.sendall(json.dumps(asked).encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    unreadable = {"error": _("the server's reply was unreadable")}
    try:
        answer = json.loads(reply or b"{}")
    except ValueError:
        return unreadable
    return answer if isinstance(answer, dict) else unreadable


def names(reply: dict[str, object]) -> str:
    """The students a request reached, as the teacher reads them."""
    students = reply.get("students")
    listed = [clean_line(str(n), 64) for n in students] if isinstance(students, list) else []
    return _(", ").join(listed) or _("nobody")


def count(reply: dict[str, object], key: str) -> int:
    value = reply.get(key, 0)
    return value if isinstance(value, int) else 0


def reply_text(request: dict[str, object], reply: dict[str, object]) -> str:
    """What the server did for a request, in a sentence in the teacher's language (the
    server answers with counts and names; an error is the reply's own sentence)."""
    if "error" in reply:
        return clean_line(str(reply["error"]), 500)
    what = request.get("do")
    n = count(reply, "sessions")
    if what == "message":
        said = ngettext(
            "message shown in {n} session: {names}", "message shown in {n} sessions: {names}", n
        )
    elif what == "send":
        said = ngettext(
            "{n} session sent to {lesson}: {names}", "{n} sessions sent to {lesson}: {names}", n
        )
    elif what == "end":
        said = ngettext("ended {n} session: {names}", "ended {n} sessions: {names}", n)
    elif what == "unblock":
        forgot = count(reply, "names")
        return ngettext(
            "{address} unblocked: the failed logins of {n} name forgotten",
            "{address} unblocked: the failed logins of {n} names forgotten",
            forgot,
        ).format(address=clean_line(str(request.get("address", "")), 64), n=forgot)
    elif what == "reload":
        keys, passwords = count(reply, "keys"), count(reply, "passwords")
        return _("keys and passwords read again: {keys}, {passwords}").format(
            keys=ngettext("{n} key", "{n} keys", keys).format(n=keys),
            passwords=ngettext("{n} password", "{n} passwords", passwords).format(n=passwords),
        )
    else:
        return _("done")
    lesson = clean_line(str(request.get("lesson", "")), 64)
    return said.format(n=n, names=names(reply), lesson=lesson)


class HistoryScreen(Screen[None]):
    """One student's history: every question they met, with each answer they typed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "app.pop_screen", N_("back to the class"))
    ]

    def __init__(self, store: ProgressStore, learner: str) -> None:
        super().__init__()
        self.store = store
        self.learner = learner

    def compose(self) -> ComposeResult:
        said = _("{name}: every answer, oldest first").format(name=clean_line(self.learner, 64))
        yield Header()
        yield Static(Text(said), id="summary")
        yield DataTable(zebra_stripes=True, cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading in HISTORY_COLUMNS:
            table.add_column(_(heading))
        for values in history_rows(self.store, self.learner):
            table.add_row(*(Text(v) for v in values))


class QuestionsScreen(Screen[None]):
    """Per lesson, its questions by share of students wrong, with the wrong answers most given:
    what to explain again to the whole class."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "app.pop_screen", N_("back to the class"))
    ]

    def __init__(self, store: ProgressStore, group: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.group = group

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("questions, most often wrong first, per lesson"), id="summary")
        yield DataTable(zebra_stripes=True, cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading in QUESTION_COLUMNS:
            table.add_column(_(heading))
        for q in self.store.question_stats(self.group):
            common = ", ".join(f"{clean_line(a, 20)} ×{n}" for a, n in q.common_wrong)
            table.add_row(
                Text(clean_line(q.lesson_id, 30)),
                Text(clean_line(q.title, 40)),
                Text(f"{q.share_wrong:.0%}"),
                Text(str(q.students)),
                Text(str(q.gave_up)),
                Text(common),
            )


class ClassApp(App[None]):
    """The teacher's live view. A refresh changes cells in place and adds or removes only the
    rows that changed, so the cursor stays on its student and the scroll where it was."""

    ENABLE_COMMAND_PALETTE = False  # its commands are Textual's, in English
    BINDINGS: ClassVar[list[BindingType]] = [
        # shown on one line, in the order the teacher needs them: the rare one last
        Binding("q", "quit", N_("quit")),
        Binding("slash", "prompt('filter')", N_("filter"), key_display="/"),
        Binding("s", "sort", N_("sort")),
        Binding("v", "questions", N_("questions")),
        Binding("m", "prompt('message')", N_("message")),
        Binding("o", "prompt('send')", N_("send all")),
        Binding("O", "prompt('send_one')", N_("send one"), key_display="O"),
        Binding("e", "end", N_("end")),
        Binding("u", "prompt('unblock')", N_("unblock")),
        Binding("r", "refresh", N_("refresh"), show=False),
        Binding("escape", "close_prompt", N_("close"), show=False),
    ]
    DEFAULT_CSS = """
    #summary { padding: 0 1; color: $text-muted; height: 1; }
    DataTable { height: 1fr; }
    #prompt { dock: bottom; display: none; }
    #prompt.open { display: block; }
    """
    PROMPTS: ClassVar[dict[str, str]] = {
        "filter": N_("show students whose row contains…"),
        "message": N_("message to every student (Enter sends)"),
        "send": N_("lesson id to send every student to"),
        "send_one": N_("lesson id to send {name} to"),
        "unblock": N_("address to unblock (failed logins forgotten)"),
    }

    def __init__(self, store: ProgressStore, group: str | None = None) -> None:
        super().__init__()
        self.title = _("tutor · class")
        self.store = store
        self.group = group  # `--class NAME`: only that class's students
        self.rows: dict[str, StudentRow] = {}
        self.filter = ""
        self.sort_column = "student"
        self.prompt_kind = ""
        self.prompt_for: str | None = None  # the student `O` sends

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="summary")
        yield DataTable(id="class", zebra_stripes=True, cursor_type="row")
        yield Input(id="prompt")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#class", DataTable)
        for key, _label, width in COLUMNS:
            table.add_column(label(key), key=key, width=width)
        self.action_refresh()
        self.set_interval(REFRESH_SECONDS, self.action_refresh)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The table's keys only on the table: on a student's history or the questions, q
        and Escape go back, and the rest are neither shown nor done."""
        if action in ("quit", "close_prompt", "pop_screen") or self.screen is self.screen_stack[0]:
            return True
        return False

    def shown(self, row: StudentRow) -> bool:
        if not self.filter:
            return True
        values = row_values(row).values()
        return any(self.filter.lower() in value.lower() for value in values)

    def action_refresh(self) -> None:
        table = self.query_one("#class", DataTable)
        now = time.time()
        try:
            everyone = self.store.overview(now, group=self.group)
            shown = [row for row in everyone if self.shown(row)]
            tallies = question_tallies(self.store, shown)
        except StoreUnavailable as e:  # PostgreSQL restarting: the table stays as it was
            again = _("{problem}; trying again").format(problem=e)
            self.query_one("#summary", Static).update(Text(again))
            return
        self.rows = {row.learner: row for row in everyone}
        wanted = {row.learner: row for row in shown}
        current = table.cursor_row
        keep = None
        if table.row_count:
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        for key in [k.value for k in table.rows if k.value not in wanted]:
            table.remove_row(key)
        existing = {k.value for k in table.rows}
        order_changed = False
        for learner, row in wanted.items():
            values = row_values(row, now, tallies.get(learner))
            if learner in existing:
                old = [str(cell) for cell in table.get_row(learner)]
                for (key, _label, _width), value, before in zip(
                    COLUMNS, values.values(), old, strict=True
                ):
                    if value != before:
                        table.update_cell(learner, key, Text(value))
                        order_changed |= key == self.sort_column
            else:
                table.add_row(*(Text(v) for v in values.values()), key=learner)
                order_changed = True
        if order_changed:
            self.sort_rows(keep, current)
        self.query_one("#summary", Static).update(Text(self.summary(everyone, len(wanted))))

    def summary(self, everyone: Sequence[StudentRow], shown: int) -> str:
        """`30 students · 12 connected · 2 stuck · sorted by state`, and the filter's count."""
        n = len(everyone)
        present = sum(1 for r in everyone if r.state in ("connected", "idle"))
        stuck = sum(1 for r in everyone if r.stuck)
        parts = [
            ngettext("{n} student", "{n} students", n).format(n=n),
            _("{n} connected").format(n=present),
            _("{n} stuck").format(n=stuck),
            _("sorted by {column}").format(column=label(self.sort_column)),
        ]
        if self.filter:
            parts.append(_("showing {n} with {text!r}").format(n=shown, text=self.filter))
        return " · ".join(parts)

    def sort_rows(self, keep: str | None, fallback: int) -> None:
        """Sort, then put the cursor back on the student it was on (sorting moves rows, not
        the cursor)."""
        table = self.query_one("#class", DataTable)
        by_shown = {clean_line(learner, 64): row for learner, row in self.rows.items()}
        table.sort("student", key=lambda name: sort_value(by_shown[str(name)], self.sort_column))
        if keep is not None and keep in self.rows and self.shown(self.rows[keep]):
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        elif table.row_count:
            table.move_cursor(row=min(fallback, table.row_count - 1), animate=False)

    def selected(self) -> str | None:
        table = self.query_one("#class", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_sort(self) -> None:
        keys = [key for key, _label, _width in COLUMNS]
        self.sort_column = keys[(keys.index(self.sort_column) + 1) % len(keys)]
        self.sort_rows(self.selected(), self.query_one("#class", DataTable).cursor_row)
        self.action_refresh()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        self.sort_column = str(event.column_key.value)
        self.sort_rows(self.selected(), self.query_one("#class", DataTable).cursor_row)
        self.action_refresh()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "class" and event.row_key.value in self.rows:
            self.push_screen(HistoryScreen(self.store, str(event.row_key.value)))

    def action_questions(self) -> None:
        self.push_screen(QuestionsScreen(self.store, self.group))

    def action_prompt(self, kind: str) -> None:
        learner = self.selected()
        if kind == "send_one" and learner is None:
            return
        self.prompt_kind = kind
        self.prompt_for = learner if kind == "send_one" else None
        prompt = self.query_one("#prompt", Input)
        prompt.placeholder = _(self.PROMPTS[kind]).format(name=clean_line(learner or "", 64))
        prompt.value = self.filter if kind == "filter" else ""
        prompt.add_class("open")
        prompt.focus()

    def action_close_prompt(self) -> None:
        prompt = self.query_one("#prompt", Input)
        if self.prompt_kind == "filter":
            self.filter = ""
            self.action_refresh()
        prompt.remove_class("open")
        self.prompt_kind = ""
        self.query_one("#class", DataTable).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.prompt_kind == "filter":
            self.filter = event.value.strip()
            self.action_refresh()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        kind, text = self.prompt_kind, event.value.strip()
        event.input.remove_class("open")
        self.prompt_kind = ""
        self.query_one("#class", DataTable).focus()
        if kind == "filter" or not text:
            return
        request: dict[str, object] = {
            "message": {"do": "message", "text": text},
            "send": {"do": "send", "lesson": text},
            "send_one": {"do": "send", "lesson": text, "to": [self.prompt_for]},
            "unblock": {"do": "unblock", "address": text},
        }[kind]
        self.report(request)

    def action_end(self) -> None:
        learner = self.selected()
        if learner is not None:
            self.report({"do": "end", "to": [learner]})

    def report(self, request: dict[str, object]) -> None:
        """Ask the server, and say what it did (or why not) in the teacher's language."""
        reply = ask_server(self.store.data_dir, request)
        severity = "error" if "error" in reply else "information"
        self.notify(reply_text(request, reply), severity=severity, markup=False)
