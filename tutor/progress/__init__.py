"""What each learner did, kept in SQLite: used by the app, the plain runner and the classroom.

No torch, no Textual: a store that any front-end (or the teacher's view) can open.
"""

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
    "ClassRow",
    "Event",
    "LearnerProgress",
    "LessonProgress",
    "ProgressStore",
    "default_data_dir",
    "local_learner",
]
