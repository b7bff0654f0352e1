"""The lesson format as JSON Schema, made from the models, so editors complete and check
lesson files (`# yaml-language-server: $schema=...`)."""

from __future__ import annotations

import json
from typing import Any

from tutor.lesson.models import FORMAT_VERSION, Lesson

SCHEMA_ID = "https://tutor.invalid/schema/lesson.schema.json"


def lesson_schema() -> dict[str, Any]:
    schema = Lesson.model_json_schema(mode="validation")
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
