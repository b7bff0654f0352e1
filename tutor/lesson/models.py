"""The lesson format (LESSON-FORMAT.md) as pydantic models.

Validators raise `PydanticCustomError("tutor", sentence)` so that `load.py` can pass the
sentence through unchanged with the field's position; pydantic's own errors are translated
there. Models are strict and refuse unknown fields, which also makes `tutor schema` strict.
"""

from __future__ import annotations

import keyword
import math
import re
from math import prod
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from tutor.i18n import _
from tutor.lesson.clean import clean
from tutor.lesson.languages import unknown_language
from tutor.lesson.text import LANG_CODE

FORMAT_VERSION = 1.1
"""The newest version of LESSON-FORMAT.md this tutor reads; a file without `format` is this."""
FORMATS = (1, 1.1)  # every version read: a file keeps meaning what its version says
MAX_ELEMENTS = 10_000_000  # per tensor, the same cap the engine applies to computed ones
MAX_REPEAT = 100_000
MAX_SEED = 2**63 - 1  # the largest seed torch's generator takes
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
VIEW_KINDS = ("name", "tensor", "confusion", "attention", "graph", "heatmap")
LABELLED_KINDS = ("tensor", "attention", "heatmap")  # the views that take `rows`/`cols`
SOURCES = ("value", "zeros", "ones", "randn", "rand", "arange", "eye", "csv")


def fail(message: str, field: str | None = None, at: str = "key") -> PydanticCustomError:
    """A sentence for the author; `field` points the message at that key (or its value)."""
    context = {"tutor_field": field, "tutor_at": at} if field else None
    return PydanticCustomError("tutor", message, context)


def _text(value: Any) -> Any:
    """Text as the learner will see it: control characters made visible here, where text
    enters, so no escape sequence from a lesson reaches a terminal, a transcript or an export."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        if not value:
            raise fail(_("this text has no language in it; write a string or {en: ..., zh: ...}"))
        for code, text in value.items():
            if not isinstance(code, str) or not LANG_CODE.match(code):
                raise fail(
                    _("'{code}' is not a language code (en, zh, fr, zh-TW ...)").format(code=code)
                )
            if unknown := unknown_language(code, value):
                raise fail(unknown)
            if not isinstance(text, str):
                raise fail(
                    _("the '{code}' text must be a string, not {got}").format(
                        code=code, got=describe_value(text)
                    )
                )
        return {code: clean(text) for code, text in value.items()}
    raise fail(
        _("expected text (a string, or a map such as {{en: ..., zh: ...}}), got {got}").format(
            got=describe_value(value)
        )
    )


Text = Annotated[
    str | dict[str, str],
    BeforeValidator(_text),
    Field(
        description="A string, or a map of language code to string (en, zh, ...).",
        examples=["Forward pass", {"en": "Forward pass", "zh": "前向传播"}],
    ),
]


def both(items: list[str]) -> str:
    """`a and b` (`a and b and c`), joined as the reader's language joins a list."""
    out = items[0] if items else ""
    for item in items[1:]:
        out = _("{first} and {second}").format(first=out, second=item)
    return out


def describe_value(value: Any) -> str:
    """A value as a sentence puts it: 'the number 3', 'a list'."""
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("the boolean {value}").format(value=str(value).lower())
    if isinstance(value, (int, float)):
        return _("the number {value}").format(value=value)
    if isinstance(value, str):
        return _("the text '{text}'").format(text=value[:40])
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return type(value).__name__


def _labels(value: Any) -> Any:
    """Labels: a list, a map of language to list (format 1.1), or `{rows, cols}` of either."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict) and value and set(value) <= {"rows", "cols"}:
        return {k: _labels(items) for k, items in value.items()}
    if isinstance(value, dict):
        if not value:
            raise fail(_("these labels have no language in them; write a list or {en: [...]}"))
        for code, items in value.items():
            if not isinstance(code, str) or not LANG_CODE.match(code):
                raise fail(
                    _("'{code}' is not a language code (en, zh ...) nor rows/cols").format(
                        code=code
                    )
                )
            if unknown := unknown_language(code, value):
                raise fail(unknown)
            if not isinstance(items, list):
                raise fail(
                    _("the '{code}' labels are a list of names, not {got}").format(
                        code=code, got=describe_value(items)
                    )
                )
        return {code: [clean(str(v)) for v in items] for code, items in value.items()}
    if value is None:
        return value
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [clean(str(v)) for v in value]
    raise fail(_("labels are a list of names, not {got}").format(got=describe_value(value)))


LabelList = Annotated[
    list[str] | dict[str, list[str]] | None,
    Field(union_mode="left_to_right"),
    BeforeValidator(_labels),
]
RowsCols = Annotated[
    str | list[str] | dict[str, list[str]] | None,
    Field(union_mode="left_to_right"),
    BeforeValidator(_labels),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# ---------------------------------------------------------------- tensors


def literal_shape(value: Any) -> tuple[int, ...]:
    """The shape of a nested-list literal; refuses ragged lists and non-numbers."""
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return ()
    if isinstance(value, list):
        if not value:
            return (0,)
        shapes = {literal_shape(v) for v in value}
        if len(shapes) != 1:
            raise fail(
                _("the rows of this list have different lengths; a tensor must be rectangular")
            )
        return (len(value), *shapes.pop())
    raise fail(_("a tensor literal holds numbers, not {got}").format(got=describe_value(value)))


def _shape(value: Any, source: str) -> tuple[int, ...]:
    dims = [value] if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(dims, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) for d in dims
    ):
        raise fail(
            _("'{source}' takes a shape: a list of whole numbers such as [4, 2]").format(
                source=source
            )
        )
    if any(d < 0 for d in dims):
        raise fail(_("'{source}' has a negative size in {dims}").format(source=source, dims=dims))
    return tuple(dims)


class Labels(Strict):
    rows: LabelList = None
    cols: LabelList = None


class TensorSpec(Strict):
    """A tensor of the starting state: exactly one source, and optional settings."""

    value: Any = Field(None, description="A number or nested lists.", examples=[[[1.0, 2.0]]])
    zeros: Any = Field(None, description="Shape of a tensor of zeros.", examples=[[2, 3]])
    ones: Any = Field(None, description="Shape of a tensor of ones.", examples=[[2, 3]])
    randn: Any = Field(
        None, description="Shape of a tensor drawn from N(0, 1), seeded.", examples=[[4, 1]]
    )
    rand: Any = Field(
        None, description="Shape of a tensor drawn uniformly from [0, 1).", examples=[[4, 1]]
    )
    arange: list[float] | None = Field(
        None, description="[start, stop] or [start, stop, step].", examples=[[0, 10, 2]]
    )
    eye: int | None = Field(None, description="Size of an identity matrix.", examples=[3])
    csv: str | None = Field(
        None,
        description="Path of a CSV file, relative to the lesson.",
        examples=["data/optdigits.tes"],
    )
    columns: str | None = Field(
        None, description="Columns of the CSV: 'a:b' or 'k'.", examples=["0:64"]
    )
    rows: str | None = Field(None, description="Rows of the CSV: 'a:b' or 'k'.", examples=["0:100"])
    skip_header: bool | None = Field(None, description="Skip the CSV's first row.")
    grad: bool = Field(False, description="Track gradients (autograd fills .grad).")
    dtype: Literal["float32", "float64", "long", "bool"] | None = None
    scale: float | None = Field(
        None, description="Multiply every value by this.", examples=[0.0625]
    )
    labels: Annotated[
        list[str] | Labels | dict[str, list[str]] | None,
        Field(union_mode="left_to_right"),
        BeforeValidator(_labels),
    ] = Field(
        None,
        description="Names of the rows or columns, shown with the tensor: a list, a map of "
        "language to list, or {rows, cols} of either.",
        examples=[["I", "love", "AI"], {"en": ["I", "love", "tea"], "zh": ["我", "爱", "茶"]}],
    )

    @model_validator(mode="before")
    @classmethod
    def _literal(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return {"value": data}
        given = [s for s in SOURCES if s in data]
        if len(given) > 1:
            raise fail(
                _("a tensor takes exactly one source; this one has {sources}").format(
                    sources=both(given)
                )
            )
        if not given:
            unknown = [k for k in data if k not in cls.model_fields]
            if unknown:
                return data  # pydantic names the unknown field, with a suggestion
            raise fail(
                _("a tensor needs one source: {sources} (or a plain literal)").format(
                    sources=", ".join(SOURCES)
                )
            )
        return data

    @model_validator(mode="after")
    def _check(self) -> TensorSpec:
        if self.csv is None:
            for name in ("columns", "rows", "skip_header"):
                if getattr(self, name) is not None:
                    raise fail(_("'{name}' only goes with 'csv'").format(name=name), name)
        for name in ("columns", "rows"):
            text = getattr(self, name)
            if text is not None and not re.fullmatch(r"\s*-?\d*\s*(:\s*-?\d*\s*)?", text):
                raise fail(
                    _("'{name}' must look like 'a:b' or 'k', not '{text}'").format(
                        name=name, text=text
                    ),
                    name,
                    "value",
                )
        if self.arange is not None and not 1 <= len(self.arange) <= 3:
            raise fail(_("'arange' takes [stop], [start, stop] or [start, stop, step]"))
        if self.arange is not None and len(self.arange) == 3 and self.arange[2] == 0:
            raise fail(_("the step of 'arange' cannot be 0"))
        if self.arange is not None and not all(math.isfinite(v) for v in self.arange):
            raise fail(_("'arange' takes finite numbers; .inf and .nan have no end"), "arange")
        if self.scale is not None and not math.isfinite(self.scale):
            raise fail(_("'scale' must be a finite number"), "scale", "value")
        if self.csv is not None and ("\x00" in self.csv or len(self.csv) > 1000):
            raise fail(_("the csv path holds a NUL character or is too long"), "csv", "value")
        n = self.numel()
        if n is not None and n > MAX_ELEMENTS:
            raise fail(
                _("this tensor would hold {n} elements; the limit is {limit}").format(
                    n=f"{n:,}", limit=f"{MAX_ELEMENTS:,}"
                )
            )
        return self

    @property
    def source(self) -> str:
        return next(s for s in SOURCES if getattr(self, s) is not None)

    def numel(self) -> int | None:
        """Elements, when known before the tensor is built (not for csv)."""
        source = self.source
        if source == "value":
            return prod(literal_shape(self.value))
        if source in ("zeros", "ones", "randn", "rand"):
            return prod(_shape(getattr(self, source), source))
        if source == "eye":
            if self.eye is None or self.eye < 0:
                raise fail(_("'eye' takes a size of 0 or more"))
            return self.eye * self.eye
        if source == "arange":
            a = [*self.arange] if self.arange else []
            start, stop, step = (
                (0.0, a[0], 1.0) if len(a) == 1 else (a[0], a[1], a[2] if len(a) > 2 else 1)
            )
            return max(0, int((stop - start) / step) + 1)
        return None


def _tensor_input(value: Any) -> Any:
    return value  # TensorSpec's own validator turns a bare literal into {value: ...}


TensorInput = Annotated[
    TensorSpec,
    BeforeValidator(_tensor_input, json_schema_input_type=float | list[Any] | TensorSpec),
]


# ---------------------------------------------------------------- params


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, dict)) or value is None:
        raise fail(
            _("a param's value is a number, text or true/false, not {got}").format(
                got=describe_value(value)
            )
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise fail(_("a param's value must be a finite number, not {value}").format(value=value))
    return clean(value) if isinstance(value, str) else value


def _options(value: Any) -> Any:
    if isinstance(value, list):
        return [clean(v) if isinstance(v, str) else v for v in value]
    return value


class Param(Strict):
    """A knob the learner may turn; steps that read it re-run."""

    value: Annotated[float | int | str | bool, BeforeValidator(_scalar)] = Field(
        description="The starting value.", examples=[0.1]
    )
    min: float | None = None
    max: float | None = None
    step: float | None = Field(None, description="How far one key press moves the value.")
    options: Annotated[list[float | int | str | bool] | None, BeforeValidator(_options)] = None
    help: Text | None = None

    @model_validator(mode="after")
    def _check(self) -> Param:
        for name in ("min", "max", "step"):
            bound = getattr(self, name)
            if bound is not None and not math.isfinite(bound):
                raise fail(
                    _("'{name}' must be a finite number, not {bound}").format(
                        name=name, bound=bound
                    ),
                    name,
                    "value",
                )
        if self.options is not None:
            if self.min is not None or self.max is not None:
                raise fail(_("a param has either 'options' or 'min'/'max', not both"))
            if not self.options:
                raise fail(_("'options' is empty"))
            if self.value not in self.options:
                raise fail(
                    _("the value {value} is not one of the options {options}").format(
                        value=repr(self.value), options=self.options
                    )
                )
            return self
        if isinstance(self.value, (str, bool)):
            raise fail(_("a text or true/false param needs 'options'"))
        if self.min is not None and self.max is not None and self.min > self.max:
            raise fail(
                _("'min' ({min}) is larger than 'max' ({max})").format(min=self.min, max=self.max)
            )
        if (self.min is not None and self.value < self.min) or (
            self.max is not None and self.value > self.max
        ):
            raise fail(
                _("the value {value} lies outside [{min}, {max}]").format(
                    value=self.value, min=self.min, max=self.max
                )
            )
        if self.step is not None and self.step <= 0:
            raise fail(_("'step' must be above 0"))
        return self


# ---------------------------------------------------------------- steps


class ConfusionSpec(Strict):
    pred: str = Field(description="Predicted classes.")
    target: str = Field(description="True classes.")
    labels: LabelList = None


class ShowView(Strict):
    """One thing in `show`: a name, or exactly one of confusion, attention, graph, heatmap."""

    name: str | None = Field(None, description="A value to draw: a name, W.grad, x[0] ...")
    tensor: str | None = Field(
        None, description="A value to draw with labels: {tensor: Q, rows: [...], cols: [...]}."
    )
    confusion: ConfusionSpec | None = None
    attention: str | None = None
    rows: RowsCols = None
    cols: RowsCols = None
    graph: str | None = None
    heatmap: str | None = None

    @model_validator(mode="after")
    def _one(self) -> ShowView:
        kinds = [k for k in VIEW_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise fail(
                _(
                    "a thing in 'show' is a name, or one of {tensor: Q, rows: ..., cols: ...}, "
                    "{confusion: ...}, "
                    "{attention: A, rows: ..., cols: ...}, {graph: x}, {heatmap: X}"
                )
            )
        if kinds[0] not in LABELLED_KINDS and (self.rows is not None or self.cols is not None):
            raise fail(_("'rows' and 'cols' go with 'tensor', 'attention' and 'heatmap'"))
        return self

    @property
    def kind(self) -> str:
        return next(k for k in VIEW_KINDS if getattr(self, k) is not None)


def _show_item(value: Any) -> Any:
    if isinstance(value, str):
        return {"name": value}
    if isinstance(value, dict):
        return value
    raise fail(
        _("each thing in 'show' is a name or a view such as {{heatmap: X}}, not {got}").format(
            got=describe_value(value)
        )
    )


ShowItem = Annotated[ShowView, BeforeValidator(_show_item, json_schema_input_type=str | ShowView)]


def _one_or_more(value: Any) -> Any:
    """A name where a list of names is asked for: the list of that one name."""
    return [value] if isinstance(value, str) else value


def _plot(value: Any) -> Any:
    """`plot: loss`, `plot: [a, b]` and `plot: {y: ..., x: ..., log: ...}` as one shape."""
    if isinstance(value, str | list):
        value = {"y": value}
    if isinstance(value, dict) and isinstance(value.get("y"), str):
        value = {**value, "y": [value["y"]]}
    if isinstance(value, dict) and isinstance(value.get("y"), list):
        value = {**value, "y": [clean(v) if isinstance(v, str) else v for v in value["y"]]}
    return value


class PlotSpec(Strict):
    """What a `repeat` records and draws: `y` against the iteration, or against `x`."""

    y: Annotated[
        list[str], BeforeValidator(_one_or_more, json_schema_input_type=str | list[str])
    ] = Field(min_length=1, description="Scalars to record and draw: a name or a list.")
    x: str | None = Field(None, description="A scalar recorded alongside, for the x axis.")
    log: bool = Field(False, description="Draw y on a log scale.")


class Sweep(Strict):
    """An experiment: the step runs once per value of a knob, each from the state before it."""

    param: str = Field(description="The knob to vary: one of the lesson's params.")
    values: Annotated[list[float | int | str | bool], BeforeValidator(_options)] = Field(
        min_length=1, description="The values to run the step with.", examples=[[0.005, 0.05]]
    )


class Choose(Strict):
    question: Text
    options: list[Text] = Field(min_length=2)
    answer: int = Field(description="Index of the right option, from 0.")
    hint: Text | None = None
    hints: list[Text] | None = None

    @model_validator(mode="after")
    def _check(self) -> Choose:
        if not 0 <= self.answer < len(self.options):
            n = len(self.options)
            raise fail(
                _(
                    "'answer' is {answer} but there are {n} options; "
                    "it counts from 0, so it must be 0 to {last}"
                ).format(answer=self.answer, n=n, last=n - 1),
                "answer",
                "value",
            )
        return self


def _statements(value: Any, field: str = "run") -> Any:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [clean(v) for v in value]
    if isinstance(value, str):
        if not value.strip():
            raise fail(_("'{field}' is empty").format(field=field))
        return clean(value)
    raise fail(
        _(
            "'{field}' takes statements: a string (use '|' for several lines) or a list of "
            "strings, not {got}"
        ).format(field=field, got=describe_value(value))
    )


def _write_statements(value: Any) -> Any:
    return _statements(value, "write")


def _names(value: Any) -> Any:
    if isinstance(value, str):
        return [clean(value)]
    if isinstance(value, list):
        return [clean(v) if isinstance(v, str) else v for v in value]
    return value


def _expression(value: Any) -> Any:
    if isinstance(value, bool):
        raise fail(_("an answer is a number or an expression, not true/false"))
    if isinstance(value, (int, float)):
        return str(value)
    return clean(value) if isinstance(value, str) else value


class Step(Strict):
    """One step: statements to run, values to show, and perhaps a question."""

    title: Text
    id: str | None = Field(None, description="Unique in the lesson; progress is kept by it.")
    text: Text | None = None
    run: Annotated[str | list[str] | None, BeforeValidator(_statements)] = Field(
        None, description="Statements, run in order.", examples=["y_hat = x @ W + b"]
    )
    backward: str | None = Field(None, description="A scalar tensor to call .backward() on.")
    repeat: int | None = Field(
        None, ge=1, le=MAX_REPEAT, description="Run the 'run' block this many times; `i` counts."
    )
    show: list[ShowItem] | None = None
    compare: list[str] | None = Field(None, min_length=2, max_length=2)
    plot: Annotated[
        PlotSpec | None,
        BeforeValidator(_plot, json_schema_input_type=str | list[str] | PlotSpec | None),
    ] = Field(
        None,
        description="Scalars to record at each iteration of 'repeat': a name, a list, or "
        "{y: ..., x: ..., log: true} (format 1.1).",
        examples=["loss", {"y": "loss_w", "x": "w_i"}],
    )
    sweep: Sweep | None = Field(
        None, description="Run the step once per value of a knob (format 1.1)."
    )
    expect: dict[str, Any] | None = None
    tolerance: float | None = Field(None, gt=0)
    ask: Text | None = None
    answer: Annotated[
        str | None, BeforeValidator(_expression, json_schema_input_type=str | float | None)
    ] = Field(
        None,
        description="The right answer of 'ask': a number or an expression.",
        examples=["mse(y_hat, y)"],
    )
    choose: Choose | None = None
    prompt: Text | None = Field(
        None,
        description="What a write step asks the learner to write (format 1.1).",
        examples=[
            {"en": "Move W one step against its gradient.", "zh": "让 W 沿梯度反方向走一步。"}
        ],
    )
    write: Annotated[str | list[str] | None, BeforeValidator(_write_statements)] = Field(
        None,
        description="A write step's reference statements: run once the learner passes or "
        "gives up, never shown first (format 1.1).",
        examples=["W -= lr * W.grad"],
    )
    check: Annotated[
        list[str] | None, BeforeValidator(_names, json_schema_input_type=str | list[str] | None)
    ] = Field(
        None,
        description="Names a write step compares with the reference's; default: every name "
        "the reference assigns.",
        examples=[["W"]],
    )
    hint: Text | None = None
    hints: list[Text] | None = None
    explain: Text | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str | None) -> str | None:
        if v is not None and not ID.match(v):
            raise fail(
                _("the step id '{id}' must be lowercase letters, digits and '-'").format(id=v)
            )
        return v

    @field_validator("expect")
    @classmethod
    def _expect(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        for key, value in (v or {}).items():
            literal_shape(value)
            if not isinstance(key, str):
                raise fail(
                    _("'{key}' in 'expect' must be a name such as loss or W.grad").format(key=key)
                )
        return v

    @model_validator(mode="after")
    def _fields_together(self) -> Step:
        if self.ask is not None and self.answer is None:
            raise fail(_("a step with 'ask' needs an 'answer' (a number or an expression)"), "ask")
        if self.answer is not None and self.ask is None:
            raise fail(
                _("'answer' goes with 'ask' (for 'choose', put 'answer' inside it)"), "answer"
            )
        if self.ask is not None and self.choose is not None:
            raise fail(_("a step asks one question: 'ask' or 'choose', not both"), "choose")
        if self.repeat is not None and self.run is None:
            raise fail(_("'repeat' repeats the 'run' block, but this step has no 'run'"), "repeat")
        if self.sweep is not None and self.run is None:
            raise fail(_("'sweep' runs the step's 'run' once per value; add 'run'"), "sweep")
        if self.plot is not None and self.repeat is None:
            raise fail(
                _(
                    "'plot' draws values recorded at each iteration of 'repeat'; "
                    "add 'repeat' or use 'show'"
                ),
                "plot",
            )
        self._write_fields()
        if (
            (self.hint is not None or self.hints is not None or self.explain is not None)
            and self.ask is None
            and self.choose is None
            and self.write is None
        ):
            given = next(f for f in ("hint", "hints", "explain") if getattr(self, f) is not None)
            raise fail(
                _("'hint', 'hints' and 'explain' go with a question ('ask', 'choose' or 'write')"),
                given,
            )
        if self.hint is not None and self.hints is not None:
            raise fail(_("use 'hint' or 'hints', not both"), "hints")
        return self

    def _write_fields(self) -> None:
        """A write step is its own kind of question: the reference is the step's computation,
        so it takes no other statements or question beside it."""
        if self.write is None:
            for given in ("prompt", "check"):
                if getattr(self, given) is not None:
                    raise fail(
                        _("'{field}' goes with 'write' (a write step)").format(field=given), given
                    )
            return
        if self.prompt is None:
            raise fail(_("a write step needs a 'prompt': what the learner is to write"), "write")
        for other in ("run", "repeat", "backward", "ask", "choose", "plot"):
            if getattr(self, other) is not None:
                raise fail(
                    _(
                        "a write step's computation is its 'write' reference; put '{field}' "
                        "in a step of its own"
                    ).format(field=other),
                    other,
                )
        if self.check is not None and not self.check:
            raise fail(_("'check' is empty; leave it out to compare every name assigned"), "check")

    @property
    def statements(self) -> list[str]:
        if self.run is None:
            return []
        return self.run if isinstance(self.run, list) else [self.run]

    @property
    def reference(self) -> list[str]:
        """A write step's reference statements (the learner never sees them first)."""
        if self.write is None:
            return []
        return self.write if isinstance(self.write, list) else [self.write]

    def hint_list(self) -> list[Any]:
        inner = self.choose
        for one, many in (
            (self.hint, self.hints),
            (inner.hint if inner else None, inner.hints if inner else None),
        ):
            if many:
                return list(many)
            if one is not None:
                return [one]
        return []


# ---------------------------------------------------------------- the lesson


class Lesson(Strict):
    """A lesson file, validated. `load_lesson` also attaches where it came from."""

    format: float = Field(FORMAT_VERSION, description="Version of the lesson format.")
    id: str = Field(
        description="Unique id: lowercase a-z, 0-9 and '-'.", examples=["one-layer-backprop"]
    )
    title: Text
    summary: Text | None = None
    requires: list[str] = Field(default_factory=list)
    seed: int = 0
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"
    dtype: Literal["float32", "float64"] = "float32"
    params: dict[str, Param] = Field(default_factory=dict)
    tensors: dict[str, TensorInput] = Field(
        default_factory=dict, description="The state before the first step, by name."
    )
    steps: list[Step] = Field(description="What the lesson does, in order.")

    @field_validator("format")
    @classmethod
    def _format(cls, v: float) -> float:
        if v > FORMAT_VERSION:
            raise fail(
                _(
                    "this lesson is written to format {version}; this tutor reads format "
                    "{reads}. This lesson needs a newer tutor"
                ).format(version=f"{v:g}", reads=f"{FORMAT_VERSION:g}")
            )
        if v < 1:
            raise fail(_("'format' starts at 1"))
        if v not in FORMATS:
            raise fail(
                _("'format' is one of {formats}, not {version}").format(
                    formats=", ".join(f"{f:g}" for f in FORMATS), version=f"{v:g}"
                )
            )
        return v

    @model_validator(mode="after")
    def _additions(self) -> Lesson:
        """A file that says `format: 1` keeps meaning what it did: 1.1's fields need 1.1."""
        if self.format >= 1.1:
            return self
        for step in self.steps:
            if step.write is not None:
                raise fail(
                    _(
                        "write steps are an addition of format 1.1; say 'format: 1.1' "
                        "(or leave 'format' out)"
                    ),
                    "format",
                    "value",
                )
        return self

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID.match(v):
            raise fail(
                _(
                    "the id '{id}' must be lowercase letters, digits and '-' "
                    "(like one-layer-backprop)"
                ).format(id=v)
            )
        return v

    @field_validator("seed")
    @classmethod
    def _seed(cls, v: int) -> int:
        if not 0 <= v <= MAX_SEED:
            raise fail(
                _("the seed must be a whole number from 0 to {max}, not {value}").format(
                    max=f"{MAX_SEED:,}", value=f"{v:.3g}"
                )
            )
        return v

    @field_validator("steps")
    @classmethod
    def _steps(cls, v: list[Step]) -> list[Step]:
        if not v:
            raise fail(_("the list is empty; a lesson needs at least one step"))
        return v

    @field_validator("params", "tensors")
    @classmethod
    def _names(cls, v: dict[str, Any]) -> dict[str, Any]:
        for name in v:
            if not isinstance(name, str) or not NAME.match(name) or keyword.iskeyword(name):
                raise fail(
                    _(
                        "'{name}' cannot be a name: use letters, digits and '_', "
                        "starting with a letter"
                    ).format(name=name)
                )
        return v

    def step_id(self, index: int) -> str:
        """The id progress is kept under: the author's, else `step-N` by position."""
        return self.steps[index].id or f"step-{index + 1}"
