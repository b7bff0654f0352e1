"""tutor: learn how neural networks compute by running them, one small step at a time."""

__version__ = "0.1.0"
