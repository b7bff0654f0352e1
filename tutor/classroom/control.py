"""The teacher's requests to the running server (`tutor class --message/--send/--end/...`),
over a unix socket in the data folder (0600): one JSON line in, one JSON reply out. Messages
and lessons reach a student's app as a file in the inbox and a SIGUSR1 (child.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal

from tutor.classroom.auth import valid_language
from tutor.classroom.console import Said
from tutor.classroom.people import reload_people
from tutor.classroom.room import Classroom
from tutor.classroom.running import Live
from tutor.classroom.server_log import field_text, log
from tutor.classroom.teacher_requests import CONTROL_SOCKET
from tutor.i18n import N_, _, translator
from tutor.lesson.clean import clean_line

CONTROL_WAIT = 10.0
MAX_MESSAGE_TEXT = 500


def deliver(room: Classroom, live: Live, item: dict[str, str]) -> None:
    """Hand one message to a running app: a file in the inbox, then SIGUSR1; the child shows
    it over whatever screen the student is on (child.py)."""
    folder = room.config.data / "inbox"
    folder.mkdir(mode=0o700, exist_ok=True)
    room.delivered += 1
    path = folder / f"{live.pid}-{room.delivered:08d}.json"
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(item, handle)
    os.replace(temporary, path)
    with contextlib.suppress(ProcessLookupError):
        os.kill(live.pid, signal.SIGUSR1)


def command(room: Classroom, request: dict[str, object]) -> dict[str, object]:
    """One request from the teacher (`tutor class`), over the control socket: the reply is
    counts and names, which the teacher's view puts in words, or an error worded in the
    language the request names (the teacher's), else in the server's."""
    what = request.get("do")
    to = request.get("to")
    lang = request.get("lang")
    say = translator(lang).gettext if isinstance(lang, str) and valid_language(lang) else _
    names = {str(n) for n in to} if isinstance(to, list) else None
    targets = [live for live in room.live.values() if names is None or live.user in names]
    reached = sorted({live.user for live in targets})
    whom = field_text(", ".join(reached)) or Said(N_("nobody"))
    if what == "message":
        text = clean_line(str(request.get("text", "")), MAX_MESSAGE_TEXT)
        if not text:
            return {"error": say(N_("an empty message"))}
        for live in targets:
            deliver(room, live, {"kind": "message", "text": text})
        log.info(N_("teacher: message to %s (sessions: %d): %s"), whom, len(targets), text)
        return {"sessions": len(targets), "students": reached}
    if what == "send":
        lesson = str(request.get("lesson", ""))
        path = room.served.paths.get(lesson)
        if path is None:
            known = ", ".join(sorted(room.served.paths)) or say(N_("none"))
            said = say(N_("no lesson {lesson!r} is served (served: {known})"))
            return {"error": said.format(lesson=lesson, known=known)}
        for live in targets:
            deliver(room, live, {"kind": "open", "lesson": str(path)})
        log.info(
            N_("teacher: sent %s to %s (sessions: %d)"), whom, field_text(lesson), len(targets)
        )
        return {"sessions": len(targets), "students": reached}
    if what == "end":
        if names is None:
            return {"error": say(N_("say whose session to end"))}
        for live in targets:
            live.end("teacher")
        log.info(
            N_("teacher: ended the sessions of %s (sessions: %d)"),
            field_text(", ".join(sorted(names))),
            len(targets),
        )
        return {"sessions": len(targets), "students": reached}
    if what == "unblock":
        address = str(request.get("address", ""))
        cleared = room.limiter.unblock(address)
        log.info(N_("teacher: unblocked %s (names forgotten: %d)"), field_text(address), cleared)
        return {"names": cleared}
    if what == "reload":
        return reload_people(room, N_("asked by the teacher"))
    if what == "who":
        return {"sessions": [[live.user, live.pid] for live in room.live.values()]}
    return {"error": say(N_("unknown request {what}")).format(what=field_text(what))}


async def answer(
    room: Classroom, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """One request, one reply, then the connection closes; a silent client waits at most
    CONTROL_WAIT."""
    try:
        line = await asyncio.wait_for(reader.readline(), CONTROL_WAIT)
        request = json.loads(line)
        if isinstance(request, dict):
            reply = command(room, request)
        else:
            reply = {"error": _("not a request")}
    except (ValueError, OSError, asyncio.TimeoutError) as e:
        reply = {"error": _("unreadable request: {why}").format(why=e)}
    with contextlib.suppress(OSError):
        writer.write(json.dumps(reply).encode() + b"\n")
        await writer.drain()
    writer.close()


async def open_control(room: Classroom) -> asyncio.AbstractServer:
    """The control socket, listening, readable by the server's user only."""
    path = room.config.data / CONTROL_SOCKET
    path.unlink(missing_ok=True)
    control = await asyncio.start_unix_server(lambda r, w: answer(room, r, w), str(path))
    os.chmod(path, 0o600)
    return control
