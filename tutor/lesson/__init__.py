"""The lesson format: models, YAML loading with located errors, the safe expression syntax.

Pure Python: no torch, no Textual, no rich. The lesson list can be drawn from here while torch
is still loading.
"""

from tutor.lesson.errors import LessonError, Pos, Problem
from tutor.lesson.expressions import Code
from tutor.lesson.load import LessonFile, ShowCode, StepCode, find_lessons, load_lesson
from tutor.lesson.models import Lesson, Step, TensorSpec
from tutor.lesson.text import learner_language, pick

__all__ = [
    "Code",
    "Lesson",
    "LessonError",
    "LessonFile",
    "Pos",
    "Problem",
    "ShowCode",
    "Step",
    "StepCode",
    "TensorSpec",
    "find_lessons",
    "learner_language",
    "load_lesson",
    "pick",
]
