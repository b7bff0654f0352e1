"""What a teacher reads off the store: grades per lesson and where each student is now.

Pure functions over rows the store hands over, so the rules can be tested without a database
and the live view, the plain table and the CSV all grade the same way. The thresholds that
make a student "idle" or "stuck" are set here and only here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tutor.i18n import _, ngettext

if TYPE_CHECKING:
    from tutor.progress.store import Event

FIRST_TRY, AFTER_HELP, GAVE_UP, OPEN = "first try", "after help", "gave up", "open"
POINTS = {FIRST_TRY: 1.0, AFTER_HELP: 0.5, GAVE_UP: 0.0, OPEN: 0.0}
"""A question's share of the lesson's score: right at once counts whole, right after a wrong
try or a hint half, given up or not answered nothing."""


@dataclass(frozen=True)
class Thresholds:
    """When the teacher's view calls a student idle or stuck: one place to change them."""

    idle_after: float = 300.0  # connected, no key pressed for this long
    stuck_after: float = 600.0  # on one step this long
    stuck_wrong: int = 3  # wrong tries on the current question without a right one


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class StepInfo:
    """A step of a served lesson, as the server recorded it at start."""

    lesson_id: str
    step_id: str
    position: int
    title: str
    question: bool
    lesson_title: str


@dataclass(frozen=True)
class Grade:
    """One student in one lesson."""

    learner: str
    lesson_id: str
    title: str
    questions: int
    first_try: int
    after_help: int
    gave_up: int
    open: int
    done: bool
    score: float | None  # percent; None for a lesson without questions
    last_activity: float


@dataclass(frozen=True)
class Tally:
    """One count of a lesson's questions, by what became of each: the list, the lesson's bar,
    the resume prompt, `tutor progress` and the teacher's view all say it this way."""

    right: int = 0  # answered right (at once or after help)
    wrong: int = 0  # tried, not right yet, not given up
    gave_up: int = 0
    skipped: int = 0  # passed without a try
    questions: int = 0  # in the lesson (0: not known)

    @property
    def answered(self) -> int:
        return self.right + self.wrong + self.gave_up

    def parts(self) -> list[str]:
        """`2 right`, `1 wrong`, `1 given up`, `1 skipped`: the counts that are not 0."""
        counts = (
            (self.right, _("{n} right")),
            (self.wrong, _("{n} wrong")),
            (self.gave_up, _("{n} given up")),
            (self.skipped, _("{n} skipped")),
        )
        return [text.format(n=n) for n, text in counts if n]

    def text(self) -> str:
        """`2 right, 1 wrong`, or "" before any question was answered or skipped."""
        return _(", ").join(self.parts())

    def sentence(self) -> str:
        """`2 of 3 questions right (1 given up)`: the lesson's score in words."""
        total = self.questions or self.answered + self.skipped
        line = ngettext(
            "{right} of {n} question right", "{right} of {n} questions right", total
        ).format(right=self.right, n=total)
        rest = self.parts()[1:] if self.right else self.parts()
        return _("{line} ({rest})").format(line=line, rest=_(", ").join(rest)) if rest else line


RESTART = "reset"  # the event of a lesson started over ("Start over", Recorder.forget)


def since_restart(events: Sequence[Event]) -> list[Event]:
    """Each lesson's events after its last start-over, in their order: what the learner's own
    list, resume and `tutor progress` count. The teacher's history and grades keep all."""
    last: dict[tuple[str, str], int] = {}
    for i, event in enumerate(events):
        if event.kind == RESTART:
            last[(event.learner, event.lesson_id)] = i
    return [e for i, e in enumerate(events) if i > last.get((e.learner, e.lesson_id), -1)]


RIGHT, WRONG, SKIPPED = "right", "wrong", "skipped"
"""What became of a question, for a learner (a teacher's grade splits right in two)."""


def status(events: Iterable[Event]) -> str:
    """right, wrong, gave up, or open: `outcome` for the learner, with a wrong try kept."""
    events = list(events)
    result = outcome(events)
    if result in (FIRST_TRY, AFTER_HELP):
        return RIGHT
    if result == OPEN and any(e.kind == "answer" for e in events):
        return WRONG
    return result


def tally(
    events: Sequence[Event],
    questions: Sequence[str] = (),
    passed: Iterable[str] = (),
) -> Tally:
    """The `Tally` of one lesson from its events: `questions` are its question step ids
    (unknown: those with events), `passed` the steps the learner went past (a question
    there without a try is skipped)."""
    by_step: dict[str, list[Event]] = {}
    for event in events:
        by_step.setdefault(event.step_id, []).append(event)
    ids = list(questions) or [
        s for s, evs in by_step.items() if any(e.kind in ("answer", "give-up") for e in evs)
    ]
    gone_past = set(passed)
    results = [status(by_step.get(step, ())) for step in ids]
    skipped = sum(1 for s, r in zip(ids, results, strict=True) if r == OPEN and s in gone_past)
    return Tally(
        results.count(RIGHT),
        results.count(WRONG),
        results.count(GAVE_UP),
        skipped,
        len(questions),
    )


def outcome(events: Iterable[Event]) -> str:
    """One question's result from its events, oldest first: the first right answer decides,
    unless the student gave up before it."""
    helped = False
    for event in events:
        if event.kind == "hint":
            helped = True
        elif event.kind == "answer":
            if event.correct:
                return FIRST_TRY if not helped and event.hints_used == 0 else AFTER_HELP
            helped = True
        elif event.kind == "give-up":
            return GAVE_UP
    return OPEN


def grade(
    learner: str,
    lesson_id: str,
    title: str,
    questions: Sequence[str],
    events: Sequence[Event],
    *,
    completed: bool,
    last_activity: float,
) -> Grade:
    """A lesson is done when every question is answered right or given up (reaching the last
    step with questions skipped is not done); a lesson without questions is done at its end.
    `questions` are the lesson's question step ids; when the server never recorded them, the
    questions the student met stand in, and the lesson's end must be reached too."""
    by_step: dict[str, list[Event]] = {}
    for event in events:
        by_step.setdefault(event.step_id, []).append(event)
    known = bool(questions)
    if not known:
        questions = [
            step
            for step, evs in by_step.items()
            if any(e.kind in ("answer", "give-up") for e in evs)
        ]
    results = [outcome(by_step.get(step, ())) for step in questions]
    counts = {kind: results.count(kind) for kind in POINTS}
    if not questions:
        done, score = completed, None
    else:
        done = counts[OPEN] == 0 and (known or completed)
        score = 100.0 * sum(POINTS[r] for r in results) / len(results)
    return Grade(
        learner,
        lesson_id,
        title,
        len(questions),
        counts[FIRST_TRY],
        counts[AFTER_HELP],
        counts[GAVE_UP],
        counts[OPEN],
        done,
        score,
        last_activity,
    )


@dataclass(frozen=True)
class LessonRow:
    """The store's row for one student in one lesson."""

    learner: str
    lesson_id: str
    title: str
    last_index: int
    last_step: str
    total_steps: int
    completed: bool
    updated_at: float
    step_since: float


@dataclass(frozen=True)
class Presence:
    learner: str
    sessions: int
    since: float
    last_input: float
    host: str = ""  # the server they are on, or were on last


CONNECTED, IDLE, GONE, NEVER = "connected", "idle", "gone", "never came"


@dataclass(frozen=True)
class StudentRow:
    """One student in the teacher's view: present or not, where, and how it goes."""

    learner: str
    group: str
    state: str
    lesson_id: str = ""
    lesson: str = ""
    step: str = ""  # "3/9"
    step_title: str = ""
    on_step: float = 0.0  # seconds on the current step
    tries: int = 0  # wrong tries on the current step's question
    hints: int = 0  # hints on the current step
    gave_up: int = 0  # questions given up in the current lesson
    done: int = 0  # lessons done
    stuck: bool = False
    last_activity: float = 0.0
    grades: tuple[Grade, ...] = field(default=(), compare=False)
    host: str = ""  # the server they are on, or were on last
    lang: str = ""  # the language the keys or password file gives them ("" when none)


def class_overview(
    roster: dict[str, str],
    presence: dict[str, Presence],
    lessons: Sequence[LessonRow],
    events: Sequence[Event],
    steps: Sequence[StepInfo],
    now: float,
    thresholds: Thresholds = THRESHOLDS,
) -> list[StudentRow]:
    """Everyone in the roster (from the first minute, before anyone logs in) and everyone who
    left progress, sorted by name."""
    questions: dict[str, list[str]] = {}
    titles: dict[tuple[str, str], str] = {}
    for info in sorted(steps, key=lambda s: (s.lesson_id, s.position)):
        titles[(info.lesson_id, info.step_id)] = info.title
        if info.question:
            questions.setdefault(info.lesson_id, []).append(info.step_id)
    by_lesson: dict[tuple[str, str], list[Event]] = {}
    for event in events:
        by_lesson.setdefault((event.learner, event.lesson_id), []).append(event)
    latest: dict[str, LessonRow] = {}
    grades: dict[str, list[Grade]] = {}
    for row in lessons:
        if row.learner not in latest or row.updated_at > latest[row.learner].updated_at:
            latest[row.learner] = row
        tries = by_lesson.get((row.learner, row.lesson_id), [])
        grades.setdefault(row.learner, []).append(
            grade(  # every try counts, before a start-over too: the teacher keeps the grade
                row.learner,
                row.lesson_id,
                row.title,
                questions.get(row.lesson_id, []),
                tries,
                completed=row.completed or any(e.kind == "complete" for e in tries),
                last_activity=row.updated_at,
            )
        )
    out = []
    for learner in sorted(set(roster) | set(latest) | set(presence)):
        here = presence.get(learner)
        current = latest.get(learner)
        if here is not None and here.sessions > 0:
            state = IDLE if now - here.last_input > thresholds.idle_after else CONNECTED
        elif here is not None or current is not None:
            state = GONE
        else:
            state = NEVER
        mine = tuple(sorted(grades.get(learner, []), key=lambda g: g.lesson_id))
        host = here.host if here is not None else ""
        if current is None:
            out.append(StudentRow(learner, roster.get(learner, ""), state, grades=mine, host=host))
            continue
        step_events = [  # where they are now: since they last started the lesson over
            e
            for e in since_restart(by_lesson.get((learner, current.lesson_id), []))
            if e.step_id == current.last_step
        ]
        tries = sum(1 for e in step_events if e.kind == "answer" and not e.correct)
        hints = max((e.hints_used for e in step_events if e.kind == "hint"), default=0)
        resolved = outcome(step_events) != OPEN
        on_step = now - current.step_since if current.step_since else 0.0
        this = next((g for g in mine if g.lesson_id == current.lesson_id), None)
        stuck = (
            state in (CONNECTED, IDLE)
            and not resolved
            and (on_step > thresholds.stuck_after or tries >= thresholds.stuck_wrong)
        )
        out.append(
            StudentRow(
                learner,
                roster.get(learner, ""),
                state,
                current.lesson_id,
                current.title or current.lesson_id,
                f"{current.last_index}/{current.total_steps}",
                titles.get((current.lesson_id, current.last_step), current.last_step),
                on_step,
                tries,
                hints,
                this.gave_up if this else 0,
                sum(1 for g in mine if g.done),
                stuck,
                current.updated_at,
                mine,
                host,
            )
        )
    return out


@dataclass(frozen=True)
class QuestionStats:
    """One question across the class: how many met it, how many got it wrong at least once,
    and the wrong answers most given."""

    lesson_id: str
    step_id: str
    title: str
    students: int
    wrong: int
    gave_up: int
    common_wrong: tuple[tuple[str, int], ...]

    @property
    def share_wrong(self) -> float:
        return self.wrong / self.students if self.students else 0.0


def question_stats(
    events: Sequence[Event], steps: Sequence[StepInfo], most: int = 3
) -> list[QuestionStats]:
    """Per lesson, its questions by share of students wrong (most wrong first)."""
    titles = {(s.lesson_id, s.step_id): s.title for s in steps}
    met: dict[tuple[str, str], set[str]] = {}
    wrong: dict[tuple[str, str], set[str]] = {}
    gave: dict[tuple[str, str], set[str]] = {}
    answers: dict[tuple[str, str], dict[str, int]] = {}
    for e in events:
        key = (e.lesson_id, e.step_id)
        if e.kind == "answer":
            met.setdefault(key, set()).add(e.learner)
            if not e.correct:
                wrong.setdefault(key, set()).add(e.learner)
                given = (e.answer or "").strip()
                counts = answers.setdefault(key, {})
                counts[given] = counts.get(given, 0) + 1
        elif e.kind == "give-up":
            met.setdefault(key, set()).add(e.learner)
            gave.setdefault(key, set()).add(e.learner)
    stats = [
        QuestionStats(
            lesson,
            step,
            titles.get((lesson, step), step),
            len(learners),
            len(wrong.get((lesson, step), set()) | gave.get((lesson, step), set())),
            len(gave.get((lesson, step), ())),
            tuple(sorted(answers.get((lesson, step), {}).items(), key=lambda kv: -kv[1])[:most]),
        )
        for (lesson, step), learners in met.items()
    ]
    return sorted(stats, key=lambda q: (q.lesson_id, -q.share_wrong, q.step_id))
