"""`tutor class`: where every student is, live in a table, as text, or as CSV."""

from __future__ import annotations

import csv
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
from textual.widgets import DataTable, Footer, Header, Static

from tutor.lesson.clean import clean_line
from tutor.progress import ClassRow, ProgressStore

COLUMNS = ("student", "lesson", "step", "right", "wrong", "lessons done", "last activity")
REFRESH_SECONDS = 2.0


def row_values(row: ClassRow, now: float | None = None) -> tuple[str, ...]:
    """A row as the teacher's terminal shows it: a lesson's title is the author's text, so it
    is cleaned (no escape codes) and cut like any field that reaches a terminal."""
    return (
        clean_line(row.learner, 64),
        clean_line(row.title or row.lesson_id, 80),
        f"{row.step_index}/{row.total_steps}",
        str(row.right),
        str(row.wrong),
        str(row.completed_lessons),
        ago(row.last_activity, now),
    )


def ago(moment: float, now: float | None = None) -> str:
    seconds = max(0, int((now or time.time()) - moment))
    if seconds < 60:
        return f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    return datetime.fromtimestamp(moment).strftime("%Y-%m-%d %H:%M")


def class_table(rows: Sequence[ClassRow]) -> Table:
    table = Table(title=f"{len(rows)} students", title_justify="left")
    for column in COLUMNS:
        table.add_column(
            column,
            justify="right" if column in ("step", "right", "wrong", "lessons done") else "left",
        )
    now = time.time()
    for row in rows:
        table.add_row(*(Text(value) for value in row_values(row, now)))  # text, not markup
    return table


def print_class(store: ProgressStore, console: Console | None = None) -> int:
    (console or Console(highlight=False)).print(class_table(store.class_rows()))
    return 0


def export_csv(store: ProgressStore, path: Path) -> int:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "student",
                "lesson_id",
                "lesson",
                "step",
                "total_steps",
                "right",
                "wrong",
                "lessons_done",
                "last_activity",
            ]
        )
        for r in store.class_rows():
            writer.writerow(
                [
                    r.learner,
                    r.lesson_id,
                    r.title,
                    r.step_index,
                    r.total_steps,
                    r.right,
                    r.wrong,
                    r.completed_lessons,
                    datetime.fromtimestamp(r.last_activity).isoformat(timespec="seconds"),
                ]
            )
    return 0


class ClassApp(App[None]):
    """The teacher's live view: the table refreshes every two seconds."""

    TITLE = "tutor · class"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("r", "refresh", "Refresh now"),
    ]
    DEFAULT_CSS = """
    #summary { padding: 0 1; color: $text-muted; }
    DataTable { height: 1fr; }
    """

    def __init__(self, store: ProgressStore) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="summary")
        yield DataTable(zebra_stripes=True, cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        self.action_refresh()
        self.set_interval(REFRESH_SECONDS, self.action_refresh)

    def action_refresh(self) -> None:
        rows = self.store.class_rows()
        table = self.query_one(DataTable)
        table.clear()
        now = time.time()
        for row in rows:
            table.add_row(*(Text(value) for value in row_values(row, now)), key=row.learner)
        active = sum(1 for r in rows if now - r.last_activity < 300)
        self.query_one("#summary", Static).update(
            f"{len(rows)} students · {active} active in the last 5 minutes · {self.store.path}"
        )
