"""Widgets of the app. Each owns its CSS and key bindings and draws from data it is handed;
none keeps lesson state of its own (that lives in the Run and the LessonSession)."""
