"""The lesson format as JSON Schema, made from the models, so editors complete and check
lesson files (`# yaml-language-server: $schema=...`)."""

from __future__ import annotations

import json
from typing import Any

from tutor.lesson.models import FORMAT_VERSION, ID, Lesson
from tutor.lesson.text import LANG_CODE

SCHEMA_ID = "https://tutor.invalid/schema/lesson.schema.json"


# (model, field) -> (description, example), for fields the models leave undocumented, so that
# an editor can explain and complete every key
FIELD_DOCS: dict[tuple[str, str], tuple[str, Any]] = {
    ("Lesson", "format"): ("Version of the lesson format this file follows.", 1),
    ("Lesson", "summary"): (
        "One or two sentences for the lesson list.",
        {"en": "A weighted sum, a bias and an activation.", "zh": "加权求和、偏置和激活函数。"},
    ),
    ("Lesson", "requires"): ("Ids of lessons to take first.", ["neuron"]),
    ("Lesson", "seed"): ("Seed of every random tensor: the same numbers on every run.", 42),
    ("Lesson", "device"): ("auto (cuda, then mps, then cpu), cpu, cuda or mps.", "auto"),
    ("Lesson", "dtype"): ("Default float dtype of the lesson's tensors.", "float32"),
    ("Lesson", "params"): (
        "Knobs the learner may turn; the steps that read one re-run.",
        {"lr": {"value": 0.1, "min": 0.001, "max": 1.0}},
    ),
    ("Lesson", "tensors"): (
        "The state before the first step, by name.",
        {"x": [[1.0, 2.0]], "W": {"value": [[0.5], [0.5]], "grad": True}},
    ),
    ("Lesson", "steps"): (
        "What the lesson does, in order.",
        [{"title": "Forward pass", "run": "y_hat = x @ W + b", "show": ["y_hat"]}],
    ),
    ("Choose", "question"): ("The question.", {"en": "Precision is …", "zh": "精确率等于……"}),
    ("Choose", "options"): (
        "The options, in order; the learner picks one.",
        ["TP / (TP + FP)", "TP / (TP + FN)"],
    ),
    ("Choose", "answer"): ("Index of the right option, from 0.", 0),
    ("Choose", "hint"): ("A hint, shown after a wrong answer.", "Of all predicted positive…"),
    ("Choose", "hints"): (
        "Hints revealed one at a time after wrong answers.",
        ["Look at the columns.", "TP over the predicted positives."],
    ),
    ("ConfusionSpec", "pred"): ("Predicted classes (an expression).", "pred"),
    ("ConfusionSpec", "target"): ("True classes (an expression).", "y_test"),
    ("ConfusionSpec", "labels"): ("Names of the classes.", ["healthy", "diabetic"]),
    ("Labels", "rows"): ("Names of the rows.", ["I", "love", "AI"]),
    ("Labels", "cols"): ("Names of the columns.", ["x1", "x2"]),
    ("Param", "min"): ("Smallest value allowed.", 0.001),
    ("Param", "max"): ("Largest value allowed.", 1.0),
    ("Param", "step"): ("How far one key press moves the value.", 0.01),
    ("Param", "options"): ("The values to choose from, instead of min/max.", [0.5, 0.9, 0.99]),
    ("Param", "help"): (
        "What the knob is, for the learner.",
        {"en": "learning rate η", "zh": "学习率 η"},
    ),
    ("ShowView", "name"): ("A value to draw: a name, W.grad, x[0] ...", "W.grad"),
    ("ShowView", "confusion"): (
        "A confusion table with accuracy, precision, recall and F1.",
        {"pred": "pred", "target": "y"},
    ),
    ("ShowView", "attention"): ("Attention weights drawn as a labelled heatmap.", "A"),
    ("ShowView", "rows"): ("Row labels: a list, or a tensor that has labels.", "X"),
    ("ShowView", "cols"): ("Column labels: a list, or a tensor that has labels.", "X"),
    ("ShowView", "graph"): ("The autograd graph that produced a value.", "loss"),
    ("ShowView", "heatmap"): ("A matrix drawn as coloured cells.", "S"),
    ("Step", "id"): ("Unique in the lesson; progress is kept by it.", "forward"),
    ("Step", "title"): ("The step's title.", {"en": "Forward pass", "zh": "前向传播"}),
    ("Step", "text"): ("What to notice, in Markdown.", "Every prediction is **xW + b**."),
    ("Step", "backward"): ("A scalar tensor to call .backward() on.", "loss"),
    ("Step", "repeat"): ("Run the 'run' block this many times; `i` counts from 0.", 50),
    ("Step", "show"): ("Values and views to draw.", ["x", "W.grad", {"heatmap": "S"}]),
    ("Step", "compare"): (
        "Two values side by side, with their largest difference.",
        ["dW", "W.grad"],
    ),
    ("Step", "expect"): (
        "Values this step must produce (checked by `tutor check`).",
        {"loss": 0.25, "W.grad": [[-2.5], [-3.5]]},
    ),
    ("Step", "tolerance"): ("Absolute and relative tolerance for expect and ask.", 0.01),
    ("Step", "ask"): (
        "A numeric question; 'answer' gives the right value.",
        {"en": "What will the loss be?", "zh": "损失会是多少？"},
    ),
    ("Step", "choose"): (
        "A multiple-choice question.",
        {"question": "Precision is …", "options": ["a", "b"], "answer": 0},
    ),
    ("Step", "hint"): ("A hint for the question.", "Every error is 0.5."),
    ("Step", "hints"): (
        "Hints revealed one at a time after wrong answers.",
        ["How far is each prediction?", "Square, then average."],
    ),
    ("Step", "explain"): (
        "Shown once the question is answered or given up.",
        "All four errors are −0.5, so the MSE is 0.25.",
    ),
    ("TensorSpec", "skip_header"): (
        "Skip the CSV's first row (default: when it is not numbers).",
        True,
    ),
    ("TensorSpec", "grad"): ("Track gradients: backward fills .grad.", True),
    ("PlotSpec", "y"): ("Scalars to record and draw (format 1.1).", ["loss_w"]),
    ("PlotSpec", "x"): ("A scalar recorded alongside, the x axis (format 1.1).", "w_i"),
    ("PlotSpec", "log"): ("Draw y on a log scale (format 1.1).", True),
    ("Step", "sweep"): (
        "Run the step once per value of a knob (format 1.1).",
        {"param": "lr", "values": [0.005, 0.05, 0.11]},
    ),
    ("Sweep", "param"): ("The knob to vary: one of the lesson's params.", "lr"),
    ("Sweep", "values"): ("The values to run the step with, one run each.", [0.005, 0.05, 0.11]),
    ("ShowView", "tensor"): ("A value to draw with labels (format 1.1).", "Q"),
    ("TensorSpec", "dtype"): ("float32, float64, long or bool.", "long"),
}


def _document(schema: dict[str, Any]) -> None:
    models = {"Lesson": schema, **schema.get("$defs", {})}
    for (model, name), (description, example) in FIELD_DOCS.items():
        field = models[model]["properties"][name]
        field.setdefault("description", description)
        field.setdefault("examples", [example])


def _patterns(schema: dict[str, Any]) -> None:
    """What the loader checks that pydantic's schema leaves out: the id patterns, and the
    language codes of every text map (an editor then flags `zn:` as the loader does)."""
    models = {"Lesson": schema, **schema.get("$defs", {})}
    models["Lesson"]["properties"]["id"]["pattern"] = ID.pattern
    models["Lesson"]["properties"]["requires"].setdefault("items", {})["pattern"] = ID.pattern
    for branch in models["Step"]["properties"]["id"].get("anyOf", []):
        if branch.get("type") == "string":
            branch["pattern"] = ID.pattern
    language = {"pattern": LANG_CODE.pattern}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            extra = node.get("additionalProperties")
            text_map = isinstance(extra, dict) and (
                extra.get("type") == "string"
                or (extra.get("type") == "array" and extra.get("items", {}).get("type") == "string")
            )
            if node.get("type") == "object" and text_map and "properties" not in node:
                node["propertyNames"] = language
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


def lesson_schema() -> dict[str, Any]:
    schema = Lesson.model_json_schema(mode="validation")
    _document(schema)
    _patterns(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"tutor lesson (format {FORMAT_VERSION})",
        "description": "A lesson for tutor: tensors, then steps that run, show and ask. "
        "See LESSON-FORMAT.md.",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text() -> str:
    return json.dumps(lesson_schema(), indent=2, ensure_ascii=False) + "\n"
