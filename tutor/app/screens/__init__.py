"""Screens compose widgets and turn keys into calls on the LessonSession."""
