"""What the server says to each student, in that student's language: the server speaks to
many at once, so each gets a catalog of their own (what their ssh sent, else the roster's, else
the server's `--lang`), never the process's language."""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from typing import TYPE_CHECKING

from tutor.classroom.auth import valid_language
from tutor.i18n import N_, learner_language, translator

if TYPE_CHECKING:
    import asyncssh

    from tutor.classroom.room import Classroom

NOTICES = {
    "idle": N_("the session closed after being idle; your progress is saved."),
    "teacher": N_("your teacher ended this session; your progress is saved."),
    "server": N_("the classroom server is stopping; your progress is saved."),
}
"""In English; each student reads them in their own language (`student_words`)."""


class Words:
    """What the server says to one student, in their catalog: `say(message)` for a
    sentence, `say.ngettext(...)` for one with a count."""

    def __init__(self, catalog: gettext.NullTranslations) -> None:
        self.catalog = catalog

    def __call__(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)


def client_lang(env: Mapping[str | bytes, str | bytes]) -> str | None:
    """The language the student's ssh sent (`SendEnv LANG`, or LC_ALL/LC_MESSAGES), when it
    reads as a locale name; anything else is ignored, never passed on."""
    values = {
        (k.decode(errors="replace") if isinstance(k, bytes) else k): (
            v.decode(errors="replace") if isinstance(v, bytes) else v
        )
        for k, v in env.items()
    }
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = values.get(name, "")
        if valid_language(value):
            return value
    return None


def session_language(
    env: Mapping[str | bytes, str | bytes], roster: str | None, default: str | None
) -> tuple[str | None, str]:
    """The student's language and where it came from: what their ssh sent first (they chose
    it), then the roster's, then the server's (`--lang`, or its own LANG: None)."""
    sent = client_lang(env)
    if sent:
        return sent, "sent by ssh"
    if roster:
        return roster, "roster"
    return default, "server default"


def student_words(room: Classroom, process: asyncssh.SSHServerProcess[bytes], user: str) -> Words:
    """What the server says to this student, in their language (`session_language`): the
    server speaks to many, so a catalog per student (tutor.i18n.translator), never the
    process's own language."""
    lang, _source = session_language(process.env, room.languages.get(user), room.config.lang)
    return Words(translator(learner_language(lang)))
