"""Loading a lesson file: YAML, then the models, then the checks that need the whole file.

Whatever is wrong comes back as a `LessonError` whose lines read `FILE:LINE:COL: sentence`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from tutor.i18n import N_, _, ngettext
from tutor.lesson.errors import LessonError, Pos, Problem
from tutor.lesson.expressions import Code, assigned_names, parse_code
from tutor.lesson.flow import expect_knobs
from tutor.lesson.live import Placeholder, placeholders
from tutor.lesson.models import (
    FORMAT_VERSION,
    Choose,
    ConfusionSpec,
    Labels,
    Lesson,
    Param,
    PlotSpec,
    ShowView,
    Step,
    Sweep,
    TensorSpec,
    describe_value,
)
from tutor.lesson.predicts import with_predictions
from tutor.lesson.source import Source, YamlPath, read_source

LESSON_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ShowCode:
    """A `show` entry with its expressions parsed: `kind` is name/heatmap/attention/..."""

    kind: str
    label: str  # what the learner sees as its name
    code: Code
    extra: dict[str, Code] = field(default_factory=dict)  # confusion's target, etc.
    spec: ShowView | None = None


@dataclass(frozen=True)
class StepCode:
    """Every expression of one step, parsed and checked, with its place in the file."""

    run: list[Code]
    backward: Code | None
    answer: Code | None
    show: list[ShowCode]
    compare: list[Code]
    plot: list[Code]
    expect: list[tuple[Code, Any]]
    predicts: int | None = None  # of an `ask`: the later step that computes its value
    write: list[Code] = field(default_factory=list)  # a write step's reference statements
    check: list[Code] = field(default_factory=list)  # what it compares: given, or all assigned
    texts: tuple[Placeholder, ...] = ()  # every `{{ … }}` of the step's text, all languages
    sweep: str | None = None  # the knob a `sweep` step varies
    plot_x: Code | None = None  # what a plot is drawn against; None: the iteration
    expect_knobs: tuple[frozenset[str], ...] = ()  # per `expect`: the knobs it depends on

    @property
    def codes(self) -> list[Code]:
        """Every piece of code of the step."""
        codes = [*self.run, *self.write, *self.compare, *self.plot, *(c for c, _ in self.expect)]
        codes += [c for c in (self.backward, self.answer, self.plot_x) if c is not None]
        codes += [p.code for p in self.texts]
        for show in self.show:
            codes += [show.code, *show.extra.values()]
        return codes

    @property
    def reads(self) -> frozenset[str]:
        knob = frozenset([self.sweep]) if self.sweep else frozenset()
        return knob.union(*(c.reads for c in self.codes))


@dataclass(frozen=True)
class LessonFile:
    """A loaded lesson: the validated model, where it came from, and its parsed code."""

    lesson: Lesson
    path: Path
    source: Source
    code: list[StepCode]

    @property
    def name(self) -> str:
        return self.source.file

    def where(self, *path: str | int) -> Pos:
        return self.source.value_pos(tuple(path))

    def problem(self, pos: Pos, message: str) -> LessonError:
        return LessonError.at(self.name, pos, message)


def load_lesson(path: str | Path, display: str | None = None) -> LessonFile:
    """Load and check one lesson file; raises `LessonError`, never anything else."""
    path = Path(path)
    source = read_source(path, display)
    if not isinstance(source.data, dict):
        raise LessonError.at(
            source.file,
            Pos(1, 1),
            _(
                "a lesson is a mapping of fields (format, "
                "id, title, steps ...), not a list or a single value"
            ),
        )
    _check_format(source)
    try:
        lesson = Lesson.model_validate(source.data)
    except ValidationError as e:
        raise LessonError(_translate(e, source)) from None
    problems = [
        *_check_ids(lesson, source),
        *_check_csv(lesson, source, path),
        *_check_sweeps(lesson, source),
    ]
    if problems:
        raise LessonError(problems)
    code, broken = [], []
    for i in range(len(lesson.steps)):  # every step's mistakes at once, not the first only
        try:
            code.append(_compile_step(lesson, source, i))
        except LessonError as e:
            broken += e.problems
    if broken:
        raise LessonError(broken)
    repeats = [bool(step.repeat) for step in lesson.steps]
    code = expect_knobs(with_predictions(code), lesson.params, repeats)
    return LessonFile(lesson, path, source, code)


def find_lessons(folder: Path) -> list[Path]:
    """The lesson files under `folder`: not those in a `data` folder, nor hidden ones (an
    editor's backup `.09-pima.yaml`, a `.git` folder), which would be lessons twice over."""
    found = []
    for p in folder.rglob("*"):
        parts = p.relative_to(folder).parts
        hidden = any(part.startswith(".") for part in parts)
        if p.suffix in LESSON_SUFFIXES and not hidden and "data" not in parts[:-1] and p.is_file():
            found.append(p)
    return sorted(found)


# ------------------------------------------------------------------ checks on the whole file


def _check_format(source: Source) -> None:
    version = source.data.get("format")
    newer = isinstance(version, int | float) and not isinstance(version, bool)
    if newer and version > FORMAT_VERSION:
        raise LessonError.at(
            source.file,
            source.value_pos(("format",)),
            _(
                "this lesson is written to format {version}, and this tutor "
                "reads format {reads}: this lesson needs a newer tutor"
            ).format(version=f"{version:g}", reads=f"{FORMAT_VERSION:g}"),
        )


def _check_ids(lesson: Lesson, source: Source) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, step in enumerate(lesson.steps):
        sid = lesson.step_id(i)
        if sid in seen:
            where = ("steps", i, "id") if step.id else ("steps", i)
            problems.append(
                Problem(
                    source.file,
                    source.value_pos(where),
                    _(
                        "step {k} has the id '{id}', which step "
                        "{first} already has; step ids must be unique"
                    ).format(k=i + 1, id=sid, first=seen[sid] + 1),
                )
            )
        seen.setdefault(sid, i)
    return problems


def _check_sweeps(lesson: Lesson, source: Source) -> list[Problem]:
    """A `sweep` varies one of the lesson's own knobs."""
    problems = []
    for i, step in enumerate(lesson.steps):
        if step.sweep is not None and step.sweep.param not in lesson.params:
            known = ", ".join(lesson.params) or _("none")
            problems.append(
                Problem(
                    source.file,
                    source.value_pos(("steps", i, "sweep", "param")),
                    _(
                        "step {k} sweeps '{param}', which is not one of the "
                        "lesson's params ({known})"
                    ).format(k=i + 1, param=step.sweep.param, known=known),
                )
            )
    return problems


def _check_csv(lesson: Lesson, source: Source, path: Path) -> list[Problem]:
    problems = []
    folder = path.resolve().parent
    for name, spec in lesson.tensors.items():
        if spec.csv is None:
            continue
        pos = source.value_pos(("tensors", name, "csv"))
        target = (folder / spec.csv).resolve()
        if Path(spec.csv).is_absolute() or not target.is_relative_to(folder):
            problems.append(
                Problem(
                    source.file,
                    pos,
                    _(
                        "tensor '{name}': the csv path "
                        "'{csv}' leaves the lesson's folder; keep data "
                        "beside the lesson (data/...)"
                    ).format(name=name, csv=spec.csv),
                )
            )
        elif not target.is_file():
            problems.append(
                Problem(
                    source.file,
                    pos,
                    _("tensor '{name}': no file '{csv}' beside the lesson").format(
                        name=name, csv=spec.csv
                    ),
                )
            )
    return problems


# ------------------------------------------------------------------ code in the steps


def _compile_step(lesson: Lesson, source: Source, i: int) -> StepCode:
    step = lesson.steps[i]
    ctx = _("step {k}").format(k=i + 1)

    def code(path: YamlPath, text: str, mode: str = "eval", context: str = ctx) -> Code:
        origin, block = _origin(source, path)
        return parse_code(
            text, mode=mode, file=source.file, origin=origin, block=block, context=context
        )

    if isinstance(step.run, list):
        run = [code(("steps", i, "run", k), s, "exec") for k, s in enumerate(step.run)]
    elif step.run is not None:
        run = [code(("steps", i, "run"), step.run, "exec")]
    else:
        run = []
    show = [_show(code, i, k, spec) for k, spec in enumerate(step.show or [])]
    expect = [
        (code(("steps", i, "expect", key), key), value)
        for key, value in (step.expect or {}).items()
    ]
    _key_positions(source, ("steps", i, "expect"), expect)
    write, check = _write(code, source, i, step)
    return StepCode(
        run=run,
        backward=code(("steps", i, "backward"), step.backward) if step.backward else None,
        answer=code(
            ("steps", i, "answer"), step.answer, context=_("the answer of step {k}").format(k=i + 1)
        )
        if step.answer is not None
        else None,
        show=show,
        compare=[code(("steps", i, "compare", k), s) for k, s in enumerate(step.compare or [])],
        plot=[
            code(_plot_path(source, i, k), s)
            for k, s in enumerate(step.plot.y if step.plot else [])
        ],
        plot_x=code(("steps", i, "plot", "x"), step.plot.x) if step.plot and step.plot.x else None,
        # a format-1 file keeps meaning what it did: `{{` in its text stays text
        texts=tuple(_texts(source, i, step)) if lesson.format > 1 else (),
        sweep=step.sweep.param if step.sweep else None,
        expect=expect,
        write=write,
        check=check,
    )


def _write(code: Any, source: Source, i: int, step: Step) -> tuple[list[Code], list[Code]]:
    """A write step's reference and the names compared: the `check` given, else every name the
    reference assigns (located at the reference, where the author will look)."""
    if step.write is None:
        return [], []
    base = ("steps", i, "write")
    if isinstance(step.write, list):
        write = [code((*base, k), s, "exec") for k, s in enumerate(step.write)]
    else:
        write = [code(base, step.write, "exec")]
    if step.check is None:
        names = assigned_names(write)
        if not names:
            raise LessonError.at(
                source.file,
                source.value_pos(base),
                _(
                    "step {k}: the 'write' reference assigns no name, so nothing would be "
                    "compared; name the values to compare in 'check'"
                ).format(k=i + 1),
            )
        return write, [code(base, name) for name in names]
    listed = isinstance(source.data["steps"][i].get("check"), list)
    return write, [
        code(("steps", i, "check", k) if listed else ("steps", i, "check"), name)
        for k, name in enumerate(step.check)
    ]


def unknown_knobs(names: Iterable[str], lessons: Sequence[Lesson]) -> list[str]:
    """A sentence for each `--set` name that none of `lessons` has as a param, with a
    did-you-mean: a typo in a knob's name would otherwise check the defaults and pass."""
    known = list(dict.fromkeys(p for lesson in lessons for p in lesson.params))
    out = []
    for name in names:
        if name in known:
            continue
        guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = _("; did you mean '{guess}'?").format(guess=guess[0]) if guess else ""
        whose = (
            _("this lesson has no param '{name}' (params: {known}){hint}")
            if len(lessons) == 1
            else _("none of these lessons has no param '{name}' (params: {known}){hint}")
        )
        out.append(whose.format(name=name, known=", ".join(known) or _("none"), hint=hint))
    return out


def lesson_warnings(file: LessonFile) -> list[Problem]:
    """What loads and runs but is likely not what the author meant: a step that writes
    `backward` above `run` (run always runs first, then backward)."""
    out = []
    for i, step in enumerate(file.lesson.steps):
        if step.run is None or step.backward is None:
            continue
        run_at = file.source.key_pos(("steps", i, "run"))
        backward_at = file.source.key_pos(("steps", i, "backward"))
        if backward_at < run_at:
            out.append(
                Problem(
                    file.name,
                    backward_at,
                    _(
                        "step {k} runs 'run' first and 'backward' after it, whatever their "
                        "order in the file; write 'backward' below 'run', or call "
                        "{name}.backward() inside 'run' where it belongs"
                    ).format(k=i + 1, name=step.backward),
                )
            )
    return out


def unassigned_checks(file: LessonFile) -> list[Problem]:
    """Write steps whose `check` names a value the reference never assigns: the learner's
    statements could not change it, so the comparison would pass whatever they wrote."""
    problems = []
    for k, code in enumerate(file.code, start=1):
        assigned = set(assigned_names(code.write))
        for c in code.check:
            if not c.reads & assigned:
                problems.append(
                    Problem(
                        file.name,
                        c.origin,
                        _(
                            "in step {k}, 'check' names '{name}', which the 'write' reference "
                            "never assigns (it assigns {assigned})"
                        ).format(
                            k=k, name=c.text, assigned=", ".join(sorted(assigned)) or _("nothing")
                        ),
                    )
                )
    return problems


def _plot_path(source: Source, i: int, k: int) -> YamlPath:
    """Where the k-th plotted name sits: `plot: loss`, `plot: [a, b]` or `plot: {y: ...}`."""
    raw = source.data["steps"][i]["plot"]
    base: YamlPath = ("steps", i, "plot")
    if isinstance(raw, dict):
        base, raw = (*base, "y"), raw.get("y")
    return (*base, k) if isinstance(raw, list) else base


TEXT_FIELDS = ("text", "ask", "prompt", "hint", "explain")
LIST_FIELDS = ("hints",)


def _texts(source: Source, i: int, step: Step) -> list[Placeholder]:
    """The placeholders of every text of step i that the learner reads, in every language."""
    fields: list[tuple[YamlPath, Any]] = []
    data = step.model_dump()
    for name in TEXT_FIELDS:
        fields.append((("steps", i, name), data.get(name)))
    fields += [(("steps", i, "hints", k), t) for k, t in enumerate(data.get("hints") or [])]
    choose = data.get("choose")
    if choose:
        base = ("steps", i, "choose")
        fields += [((*base, "question"), choose["question"]), ((*base, "hint"), choose["hint"])]
        fields += [((*base, "options", k), t) for k, t in enumerate(choose["options"])]
        fields += [((*base, "hints", k), t) for k, t in enumerate(choose["hints"] or [])]
    found: list[Placeholder] = []
    for path, value in fields:
        texts = value.items() if isinstance(value, dict) else [(None, value)]
        for lang, text in texts:
            if not isinstance(text, str) or "{{" not in text:
                continue
            where = (*path, lang) if lang else path
            origin, block = _origin(source, where)
            found += placeholders(
                text,
                file=source.file,
                origin=origin,
                block=block,
                context=_("step {k}").format(k=i + 1),
            )
    return found


def _key_positions(source: Source, path: YamlPath, expect: list[tuple[Code, Any]]) -> None:
    """`expect` names are keys, so point their code at the key rather than the value."""
    for n, (c, value) in enumerate(expect):
        key_pos = source.keys.get((*path, c.text))
        if key_pos:
            expect[n] = (Code(c.text, c.tree, c.file, key_pos, False, c.reads, c.writes), value)


def _show(code: Any, i: int, k: int, spec: ShowView) -> ShowCode:
    base = ("steps", i, "show", k)
    kind = spec.kind
    if kind == "name":
        return ShowCode("name", spec.name or "", code(base, spec.name), spec=spec)
    if kind == "tensor":
        return ShowCode(
            "tensor", spec.tensor or "", code((*base, "tensor"), spec.tensor), spec=spec
        )
    if kind == "confusion":
        conf: ConfusionSpec = spec.confusion  # type: ignore[assignment]
        pred = code((*base, "confusion", "pred"), conf.pred)
        target = code((*base, "confusion", "target"), conf.target)
        return ShowCode("confusion", f"confusion of {conf.pred}", pred, {"target": target}, spec)
    text = getattr(spec, kind)
    return ShowCode(kind, text, code((*base, kind), text), spec=spec)


def _origin(source: Source, path: YamlPath) -> tuple[Pos, bool]:
    """Where the text of a scalar starts in the file, and whether it is a `|`/`>` block."""
    pos = source.value_pos(path)
    style = source.styles.get(path, "")
    if style in ("|", ">"):
        line = pos.line + 1
        for text in source.lines[pos.line :]:
            if text.strip():
                return Pos(line, len(text) - len(text.lstrip(" ")) + 1), True
        return Pos(line, 1), True
    if style in ('"', "'"):
        return Pos(pos.line, pos.col + 1), False
    return pos, False


# ------------------------------------------------------------------ pydantic's errors, in words


_EXPECTED = {
    "string_type": N_("text"),
    "int_type": N_("a whole number"),
    "int_parsing": N_("a whole number"),
    "int_from_float": N_("a whole number"),
    "float_type": N_("a number"),
    "float_parsing": N_("a number"),
    "bool_type": N_("true or false"),
    "list_type": N_("a list"),
    "dict_type": N_("a mapping of names to values"),
    "model_type": N_("a mapping of fields"),
    "model_attributes_type": N_("a mapping of fields"),
}
"""What a value should have been, for pydantic's type errors (translated where shown)."""
_BOUNDS = {
    "greater_than_equal": ("ge", N_("{subject} must be greater than or equal to {bound}")),
    "less_than_equal": ("le", N_("{subject} must be less than or equal to {bound}")),
    "greater_than": ("gt", N_("{subject} must be greater than {bound}")),
    "less_than": ("lt", N_("{subject} must be less than {bound}")),
}
"""Pydantic's numeric bounds as whole sentences: its own English, in the reader's language."""
_MODELS: dict[str, type[BaseModel]] = {
    "Lesson": Lesson,
    "Step": Step,
    "Choose": Choose,
    "TensorSpec": TensorSpec,
    "Param": Param,
    "ShowView": ShowView,
    "ConfusionSpec": ConfusionSpec,
    "Labels": Labels,
    "PlotSpec": PlotSpec,
    "Sweep": Sweep,
}


def _translate(error: ValidationError, source: Source) -> list[Problem]:
    best: dict[YamlPath, dict[str, Any]] = {}
    for e in error.errors(include_url=False):
        loc = _clean(tuple(e["loc"]), source)
        rank = _rank(e)
        if loc not in best or rank < _rank(best[loc]):
            best[loc] = {**e, "loc": loc}
    problems = []
    for loc, e in best.items():
        # a union that failed on every member: keep only the most telling error per place
        if any(other != loc and other[: len(loc)] == loc for other in best):
            if e["type"] not in ("tutor", "extra_forbidden", "missing"):
                continue
        pos, message = _describe(e, loc, source)
        problems.append(Problem(source.file, pos, message))
    return problems


def _rank(e: dict[str, Any]) -> int:
    return {"tutor": 0, "extra_forbidden": 1, "missing": 2}.get(e["type"], 3)


def _clean(loc: YamlPath, source: Source) -> YamlPath:
    """Drop the union-member tags pydantic puts in locations (`'str'`, `'list[str]'`...)."""
    out: list[str | int] = []
    for part in loc:
        here = (*out, part)
        if isinstance(part, str) and here not in source.values and _is_tag(part):
            continue
        out.append(part)
    return tuple(out)


def _is_tag(part: str) -> bool:
    return (
        "[" in part
        or part in ("str", "int", "float", "bool", "list", "dict", "none")
        or part in _MODELS
        or part.startswith("function-")
    )


def _describe(e: dict[str, Any], loc: YamlPath, source: Source) -> tuple[Pos, str]:
    kind = e["type"]
    parent, last = loc[:-1], (loc[-1] if loc else None)
    if kind == "extra_forbidden":
        fields = _allowed(parent, source)
        guess = difflib.get_close_matches(str(last), fields, n=1, cutoff=0.6)
        hint = (
            _(" (did you mean '{guess}'?)").format(guess=guess[0])
            if guess
            else _("; the fields are: {fields}").format(fields=", ".join(fields))
            if fields
            else ""
        )
        said = _("{where} has an unknown field '{field}'{hint}")
        return source.key_pos(loc), said.format(where=_where(parent, source), field=last, hint=hint)
    if kind == "missing":
        if loc == ("steps",):
            return Pos(1, 1), _("the lesson has no 'steps'; it needs at least one step")
        pos = source.value_pos(parent) if parent else Pos(1, 1)
        return pos, _("{where} is missing '{field}'").format(
            where=_where(parent, source), field=last
        )
    pos = source.value_pos(loc)
    subject = _subject(loc, source)
    if kind == "tutor":
        context = e.get("ctx") or {}
        if context.get("tutor_field"):  # a check across fields: point at the one at fault
            at = (*loc, context["tutor_field"])
            pos = source.key_pos(at) if context.get("tutor_at") == "key" else source.value_pos(at)
        if not subject:
            return pos, e["msg"]
        return pos, _("{subject}: {problem}").format(subject=subject, problem=e["msg"])
    got = describe_value(e.get("input"))
    if kind in _EXPECTED:
        return pos, _("{subject} must be {expected}, not {got}").format(
            subject=subject, expected=_(_EXPECTED[kind]), got=got
        )
    if kind == "literal_error":
        return pos, _("{subject} must be {choices}, not {got}").format(
            subject=subject, choices=_choices(e["ctx"]["expected"]), got=got
        )
    if kind in ("too_short", "too_long") and last == "compare":
        return pos, _("{subject} takes exactly two names to put side by side").format(
            subject=subject
        )
    ctx = e.get("ctx") or {}
    if kind == "too_short" and ctx.get("field_type") == "List":
        said = ngettext(
            "{subject}: the list should have at least {min} item after validation, not {n}",
            "{subject}: the list should have at least {min} items after validation, not {n}",
            ctx["min_length"],
        )
        return pos, said.format(subject=subject, min=ctx["min_length"], n=ctx["actual_length"])
    if kind == "too_long" and ctx.get("field_type") == "List":
        said = ngettext(
            "{subject}: the list should have at most {max} item after validation, not {n}",
            "{subject}: the list should have at most {max} items after validation, not {n}",
            ctx["max_length"],
        )
        return pos, said.format(subject=subject, max=ctx["max_length"], n=ctx["actual_length"])
    if kind in ("too_short", "too_long"):
        return pos, f"{subject}: {e['msg'].replace('List', 'the list').lower()}"
    if kind in _BOUNDS and _BOUNDS[kind][0] in ctx:
        key, said = _BOUNDS[kind]
        return pos, _(said).format(subject=subject, bound=ctx[key])
    # pydantic's own English, for the rare error no sentence above foresees
    message = e["msg"].replace("Input should be", "must be").replace("Value error, ", "")
    return pos, f"{subject} {message[0].lower()}{message[1:]}"


def _choices(expected: str) -> str:
    """Pydantic's `'a', 'b' or 'c'` of a literal, joined as the reader's language joins a
    choice; the values themselves stay as written."""
    values = re.findall(r"'[^']*'|[^,\s]+(?=,| or |$)", expected)
    if len(values) < 2 or ", ".join(values[:-1]) + " or " + values[-1] != expected:
        return expected
    return _("{some} or {last}").format(some=", ".join(values[:-1]), last=values[-1])


def _owned(owner: str, rest: Sequence[str | int]) -> str:
    """`step 2's 'show' item 1`: each field or item of `rest` as a part of `owner`."""
    for p in rest:
        template = _("{owner}'s '{field}'") if isinstance(p, str) else _("{owner} item {n}")
        owner = template.format(owner=owner, field=p, n=p + 1 if isinstance(p, int) else p)
    return owner


def _where(loc: YamlPath, source: Source) -> str:
    """The place `loc` names, as a noun the sentences above are built around."""
    if not loc:
        return _("the lesson")
    head = loc[0]
    if head == "steps" and len(loc) >= 2 and isinstance(loc[1], int):
        base = _("step {k}").format(k=loc[1] + 1)
        rest = list(loc[2:])
        if rest[:1] == ["show"] and len(rest) >= 2 and isinstance(rest[1], int):
            owner = _("{owner}, show item {n}").format(owner=base, n=rest[1] + 1)
            for p in rest[2:]:
                owner = _("{owner} '{field}'").format(owner=owner, field=p)
            return owner
        return _owned(base, rest)
    if head in ("tensors", "params") and len(loc) >= 2:
        base = (_("tensor '{name}'") if head == "tensors" else _("param '{name}'")).format(
            name=loc[1]
        )
        return _owned(base, loc[2:])
    return "'" + "' ".join(str(p) for p in loc) + "'"


def _subject(loc: YamlPath, source: Source) -> str:
    if not loc:
        return ""
    return _where(loc, source) if len(loc) > 1 or loc[0] not in ("steps",) else f"'{loc[0]}'"


def _allowed(parent: YamlPath, source: Source) -> list[str]:
    model = _model_at(parent)
    return list(model.model_fields) if model else []


def _model_at(loc: YamlPath) -> type[BaseModel] | None:
    if not loc:
        return Lesson
    head, rest = loc[0], loc[1:]
    if head == "steps":
        if len(rest) == 1:
            return Step
        if len(rest) == 2 and rest[1] == "choose":
            return Choose
        if len(rest) == 2 and rest[1] in ("plot", "sweep"):
            return PlotSpec if rest[1] == "plot" else Sweep
        if len(rest) == 3 and rest[1] == "show":
            return ShowView
        if len(rest) == 4 and rest[1] == "show" and rest[3] == "confusion":
            return ConfusionSpec
    if head == "tensors" and len(rest) == 1:
        return TensorSpec
    if head == "tensors" and len(rest) == 2 and rest[1] == "labels":
        return Labels
    if head == "params" and len(rest) == 1:
        return Param
    return None
