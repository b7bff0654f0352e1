"""The JSON Schema: kept equal to the models, and every bundled lesson passes it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from tutor.lesson import find_lessons
from tutor.lesson.schema import lesson_schema, schema_text
from tutor.resources import SCHEMA_FILE

from .conftest import LESSONS


def test_the_committed_schema_is_the_models_schema() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "the schema is stale: run `tutor schema > tutor/schema/lesson.schema.json`"
    )


@pytest.mark.parametrize("path", find_lessons(LESSONS), ids=lambda p: p.name)
def test_every_bundled_lesson_validates(path: object) -> None:
    data = YAML(typ="safe").load(path)  # type: ignore[arg-type]
    jsonschema.Draft202012Validator(lesson_schema()).validate(data)


def test_the_schema_is_strict() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(schema_text()))
    lesson = {"id": "x", "title": "X", "steps": [{"title": "one", "rnu": "y = 1"}]}
    assert not validator.is_valid(lesson)
    lesson["steps"][0] = {"title": "one", "run": "y = 1"}  # type: ignore[index]
    assert validator.is_valid(lesson)
    assert validator.is_valid({**lesson, "tensors": {"x": [1.0, 2.0], "W": {"zeros": [2]}}})


def test_every_field_has_a_description_and_an_example() -> None:
    schema = lesson_schema()
    models = {"Lesson": schema, **schema["$defs"]}
    for model, definition in models.items():
        for name, field in definition.get("properties", {}).items():
            assert field.get("description"), f"{model}.{name} has no description"
            assert field.get("examples"), f"{model}.{name} has no example"


def test_hidden_files_and_folders_are_no_lessons(tmp_path: Path) -> None:
    """An editor's backup (`.09-pima.yaml`) or a `.git` folder beside the lessons would be
    a second lesson with the same id."""
    (tmp_path / "01-a.yaml").write_text("x")
    (tmp_path / ".01-a.yaml").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "02-b.yaml").write_text("x")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "03-c.yaml").write_text("x")
    assert [p.name for p in find_lessons(tmp_path)] == ["01-a.yaml"]
