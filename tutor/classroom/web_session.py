"""One browser session: the websocket of textual-serve's page on one side, the student's app
(Textual's web driver, forked from the warm parent) on a socket pair on the other.

The browser speaks textual-serve's JSON envelopes (`["stdin", text]`, `["resize", {...}]`,
`["ping", t]`, `["focus"]`, `["blur"]`); the web driver speaks packets (a type byte, a 4-byte
big-endian length, the payload: `D` screen data, `M` JSON meta) after a `__GANGLION__` line.
The rest is the SSH session's own code (ssh_session.py, running.py): the admission slot, the
limits of the child, keys in turn, the idle time-out, presence notes to the store, the
teacher's messages and `end`, and a notice that says why the session ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService

from tutor.classroom.room import Classroom
from tutor.classroom.running import Keys, Live, running, spawn
from tutor.classroom.server_log import field_text, log
from tutor.classroom.terminal import clamp_size
from tutor.classroom.words import NOTICES, Words
from tutor.i18n import N_, learner_language, translator

PRELUDE = b"__GANGLION__\n"  # the web driver's first line: the app has started
MAX_PACKET = 16 * 1024 * 1024  # a whole screen of a big window is well under this
START_WAIT = 60.0  # for the app's first line


async def run_web_session(
    room: Classroom,
    ws: web.WebSocketResponse,
    user: str,
    size: tuple[int, int],
    lang: str | None,
    address: str,
) -> str:
    """The session from admission to its end; returns why it ended, as the student reads it
    (empty when they left themselves). The student's language is the roster's, else their
    browser's first (Accept-Language), else the server's: a browser sends its language
    whether or not the student chose it, so the roster's, which someone chose, comes first."""
    cfg = room.config
    lang = room.languages.get(user) or lang or cfg.lang  # the roster's, the browser's, the server's
    say = Words(translator(learner_language(lang)))  # the student's words, not the server's
    refused = room.enter(user, say)  # no await between this check and the slot it takes
    if refused is not None:
        return await _refuse(ws, user, *refused)
    try:
        width, height, _, _ = clamp_size((size[0], size[1], 0, 0))
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        spec = room.spec(
            user, lang, term="xterm-256color", driver="web", width=width, height=height
        )
        try:
            live = await spawn(room, theirs.fileno(), spec)
        except (OSError, RuntimeError) as e:
            ours.close()
            failed = say(N_("the session could not start; tell your teacher."))
            return await _refuse(ws, user, failed, f"spawn: {e}")
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        how = f"web from {address}"
        try:
            with running(room, live, how, (width, height), field_text(lang or "default")):
                reader, writer = await asyncio.open_unix_connection(sock=ours)
                try:
                    await _pump(room, ws, reader, writer, live)
                finally:
                    writer.close()
            reason = live.reason
            notice = say(NOTICES[reason]) if reason in NOTICES else ""
            with contextlib.suppress(Exception):
                if notice:
                    await ws.send_bytes(f"\r\n\r\ntutor: {notice}\r\n".encode())
                await ws.close()
        finally:
            live.closed.set()  # the notice is out: a stopping server may close the rest
    finally:
        room.release(user)
    return notice


async def _refuse(ws: web.WebSocketResponse, user: str, message: str, why: str) -> str:
    log.warning("web: refused %s: %s", field_text(user), why)
    with contextlib.suppress(Exception):
        await ws.send_bytes(f"tutor: {message}\r\n".encode())
        await ws.close()
    return message


async def _pump(
    room: Classroom,
    ws: web.WebSocketResponse,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    live: Live,
) -> str:
    """Both ways until the app exits, the browser leaves, the session idles out, or something
    else ends it (`live.end`). Keys wait for a turn, as over SSH (running.Keys)."""
    finish = live.end
    keys = Keys(room, live)

    def send(kind: bytes, payload: bytes) -> None:
        writer.write(AppService.encode_packet(kind, payload))  # type: ignore[arg-type]

    async def from_app() -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), START_WAIT)
            while line and line != PRELUDE:  # anything before it is not the protocol's
                line = await asyncio.wait_for(reader.readline(), START_WAIT)
            if not line:
                finish("ended")
                return
            while True:
                head = await reader.readexactly(5)
                size = int.from_bytes(head[1:], "big")
                if size > MAX_PACKET:
                    raise ValueError(f"a packet of {size} bytes")
                payload = await reader.readexactly(size)
                if head[:1] == b"D":
                    keys.shown()
                    await ws.send_bytes(payload)
                elif head[:1] == b"M" and json.loads(payload).get("type") == "exit":
                    finish("ended")
                    return
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError):
            finish("ended")
        except ValueError as e:
            log.warning("web: session of %s pid %d: %s", live.user, live.pid, e)
            finish("ended")

    async def from_browser() -> None:
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind = envelope[0]
            except (ValueError, TypeError, IndexError, KeyError):
                continue  # not textual-serve's: ignored, as a terminal ignores noise
            if kind == "stdin" and isinstance(envelope[1:2], list) and len(envelope) > 1:
                data = envelope[1]
                if not isinstance(data, str):
                    continue
                await keys.pressed()
                send(b"D", data.encode("utf-8", "replace"))
            elif kind == "resize" and len(envelope) > 1 and isinstance(envelope[1], dict):
                got = envelope[1]
                width, height = _number(got.get("width")), _number(got.get("height"))
                width, height, _, _ = clamp_size((width, height, 0, 0))
                send(
                    b"M", json.dumps({"type": "resize", "width": width, "height": height}).encode()
                )
            elif kind == "ping" and len(envelope) > 1 and isinstance(envelope[1], str):
                await ws.send_json(["pong", envelope[1][:32]])  # the page's round trip
            elif kind in ("focus", "blur"):
                send(b"M", json.dumps({"type": kind}).encode())
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        finish("disconnected")

    tasks = [asyncio.create_task(from_app()), asyncio.create_task(from_browser())]
    try:
        return await live.done
    finally:
        for task in tasks:
            task.cancel()
        keys.close()


def _number(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
