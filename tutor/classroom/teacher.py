"""`tutor class`: the whole class, live in a table that refreshes, with a student's history
and the questions most wrong a key away, and the teacher's requests (messages, a lesson to
open, ending a session) sent from it. The text views and the CSV are class_report.py's; the
requests go through teacher_requests.py.

The roster, presence, grades and the "stuck" rule come from `tutor.progress.grades`, so every
view counts the same way. Every word of the teacher's own is in the catalogs (`_()`): the
teacher reads them in `--lang` or their LANG; names, titles and answers are shown as written.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from tutor.app.widgets.keybar import KeyBar
from tutor.classroom.class_report import (
    COLUMNS,
    HISTORY_COLUMNS,
    QUESTION_COLUMNS,
    history_rows,
    label,
    question_tallies,
    row_values,
    sort_value,
)
from tutor.classroom.teacher_requests import ask_server, reply_text
from tutor.i18n import N_, _, ngettext
from tutor.lesson.clean import clean_line
from tutor.progress import ProgressStore
from tutor.progress.grades import StudentRow
from tutor.progress.store import StoreUnavailable

REFRESH_SECONDS = 2.0


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
