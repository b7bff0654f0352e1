"""The teacher's end of the control socket (the server's end: control.py): one request to the
running `tutor serve` of a data folder (a message, a lesson to open, sessions to end, an
address to unblock, the files re-read), and its reply said as a sentence in the teacher's
language. Kept apart from the server's modules, so that `tutor class` loads no SSH."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from tutor.i18n import _, current_language, ngettext
from tutor.lesson.clean import clean_line

CONTROL_SOCKET = "control.sock"
"""The server's socket for the teacher's requests, in its data folder (0600); control.py
serves it."""
CONTROL_TIMEOUT = 10.0


def ask_server(data: Path, request: dict[str, object]) -> dict[str, object]:
    """One request to the running `tutor serve` of this data folder, and its reply; the
    server words its errors in the language the request names (the teacher's)."""
    path = data / CONTROL_SOCKET
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(CONTROL_TIMEOUT)
        try:
            sock.connect(str(path))
        except OSError as e:
            said = _("no classroom server is running for {data} ({why})")
            return {"error": said.format(data=data, why=e.strerror)}
        asked = {**request, "lang": current_language()}
        sock.sendall(json.dumps(asked).encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    unreadable = {"error": _("the server's reply was unreadable")}
    try:
        answer = json.loads(reply or b"{}")
    except ValueError:
        return unreadable
    return answer if isinstance(answer, dict) else unreadable


def names(reply: dict[str, object]) -> str:
    """The students a request reached, as the teacher reads them."""
    students = reply.get("students")
    listed = [clean_line(str(n), 64) for n in students] if isinstance(students, list) else []
    return _(", ").join(listed) or _("nobody")


def count(reply: dict[str, object], key: str) -> int:
    value = reply.get(key, 0)
    return value if isinstance(value, int) else 0


def reply_text(request: dict[str, object], reply: dict[str, object]) -> str:
    """What the server did for a request, in a sentence in the teacher's language (the
    server answers with counts and names; an error is the reply's own sentence)."""
    if "error" in reply:
        return clean_line(str(reply["error"]), 500)
    what = request.get("do")
    n = count(reply, "sessions")
    if what == "message":
        said = ngettext(
            "message shown in {n} session: {names}", "message shown in {n} sessions: {names}", n
        )
    elif what == "send":
        said = ngettext(
            "{n} session sent to {lesson}: {names}", "{n} sessions sent to {lesson}: {names}", n
        )
    elif what == "end":
        said = ngettext("ended {n} session: {names}", "ended {n} sessions: {names}", n)
    elif what == "unblock":
        forgot = count(reply, "names")
        return ngettext(
            "{address} unblocked: the failed logins of {n} name forgotten",
            "{address} unblocked: the failed logins of {n} names forgotten",
            forgot,
        ).format(address=clean_line(str(request.get("address", "")), 64), n=forgot)
    elif what == "reload":
        keys, passwords = count(reply, "keys"), count(reply, "passwords")
        return _("keys and passwords read again: {keys}, {passwords}").format(
            keys=ngettext("{n} key", "{n} keys", keys).format(n=keys),
            passwords=ngettext("{n} password", "{n} passwords", passwords).format(n=passwords),
        )
    else:
        return _("done")
    lesson = clean_line(str(request.get("lesson", "")), 64)
    return said.format(n=n, names=names(reply), lesson=lesson)
