"""The Textual app: the lesson list and the step-through view. Imports no torch: the engine
loads in a worker once the first screen is up (see `tutor.app.app`)."""

from tutor.app.app import TutorApp
from tutor.app.config import AppConfig

__all__ = ["AppConfig", "TutorApp"]
