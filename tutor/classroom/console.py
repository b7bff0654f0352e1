"""The server's log, read in two places: `server.log` in English (greppable, the same on every
machine, what a bug report quotes) and the teacher's console in the teacher's language.

A log call writes its message in English, marked `N_()` for the catalog, with %-style
arguments; the console's formatter looks the message up in the process's language (the
teacher's: `tutor serve` speaks LANG) and so does an argument that is a phrase of ours
(`Said`), never a student's name or text.
"""

from __future__ import annotations

import logging

from tutor.i18n import _


class Said(str):
    """A log argument that is the server's own phrase (a reason, "nobody"), translated on
    the console as the message is; plain `str` arguments are shown as they are."""


class ConsoleFormatter(logging.Formatter):
    """Formats a copy of each record in the teacher's language, so the log file's handler
    still gets the English one."""

    def format(self, record: logging.LogRecord) -> str:
        if not isinstance(record.msg, str):
            return super().format(record)
        said = logging.makeLogRecord(record.__dict__)
        said.msg = _(record.msg)
        if isinstance(record.args, tuple):
            said.args = tuple(_(a) if isinstance(a, Said) else a for a in record.args)
        try:
            said.getMessage()
        except (TypeError, ValueError):  # a translation that lost a %-placeholder: English
            return super().format(record)
        return super().format(said)
