"""What a learner does in a lesson, with no UI: steps, questions, hints, give-up, score, knobs,
resume, and every event recorded to the progress store.

The app, `--plain`, `export` and the classroom all drive `LessonSession`; none re-implements it.
Importing this package loads no Textual, rich or torch: the Run (and so the engine) is handed in.
"""

from tutor.session.questions import Attempt, Question, Report, Reporter, Reveal
from tutor.session.recorder import Recorder
from tutor.session.resume import ResumePoint, lesson_tally, question_ids, resume_point
from tutor.session.session import LessonSession

__all__ = [
    "Attempt",
    "LessonSession",
    "Question",
    "Recorder",
    "Report",
    "Reporter",
    "ResumePoint",
    "Reveal",
    "lesson_tally",
    "question_ids",
    "resume_point",
]
