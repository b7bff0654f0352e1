"""The files that ship inside the package: the course, its data, the templates and the schema.

Found here and nowhere else, with importlib.resources, so that a wheel, `pip install .`, an
editable install and a checkout all read the same files. The standard library only: every layer
may import this module, and it imports nothing of the tutor.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _on_disk(name: str) -> Path:
    """`tutor/<name>` as a path: lessons are read by path and name their data by relative path,
    so a package that is not unpacked on disk (pip always unpacks wheels) is refused plainly."""
    resource = files("tutor") / name
    if not isinstance(resource, Path):
        raise RuntimeError(f"tutor's {name} are not on disk ({resource}); install tutor unzipped")
    return resource


BUNDLED_LESSONS = _on_disk("lessons")
"""The course: `tutor/lessons/*.yaml`, with their data in `tutor/lessons/data/`."""
TEMPLATES = _on_disk("templates")
"""The templates of `tutor new`."""
SCHEMA_FILE = _on_disk("schema") / "lesson.schema.json"
"""The JSON Schema of the lesson format (equal to `tutor schema`; a test keeps it so)."""
