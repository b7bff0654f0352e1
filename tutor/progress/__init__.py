"""What each learner did, kept in SQLite: used by the app, the plain runner and the classroom.

No torch, no Textual: a store that any front-end (or the teacher's view) can open.
"""

from tutor.progress.grades import (
    THRESHOLDS,
    Grade,
    QuestionStats,
    StepInfo,
    StudentRow,
    Tally,
    Thresholds,
    grade,
    tally,
)
from tutor.progress.store import (
    ClassRow,
    Event,
    LearnerProgress,
    LessonProgress,
    ProgressStore,
    default_data_dir,
    local_learner,
)

__all__ = [
    "THRESHOLDS",
    "ClassRow",
    "Event",
    "Grade",
    "LearnerProgress",
    "LessonProgress",
    "ProgressStore",
    "QuestionStats",
    "StepInfo",
    "StudentRow",
    "Tally",
    "Thresholds",
    "default_data_dir",
    "grade",
    "local_learner",
    "tally",
]
