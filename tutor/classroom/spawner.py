"""The server's end of the zygote (zygote.py): a terminal and a `Spawn` sent over a socket
pair, a process id back. Forking happens there, in a single-threaded process, never in the
asyncio server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import subprocess
import sys

from tutor.classroom.zygote import MAX_MESSAGE, Spawn


class Spawner:
    """The server's end of the zygote: send a terminal, get a process id back."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = ours
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tutor.classroom.zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.lock = asyncio.Lock()

    def wait_ready(self, timeout: float = 120.0) -> None:
        self.sock.settimeout(timeout)
        reply = self.sock.recv(MAX_MESSAGE)
        self.sock.settimeout(None)
        if json.loads(reply or b"{}").get("ready") is not True:
            raise RuntimeError("the session parent did not start")

    async def spawn(self, slave_fd: int, spec: Spawn) -> int:
        async with self.lock:
            loop = asyncio.get_running_loop()
            reply = await loop.run_in_executor(None, self._request, slave_fd, spec)
        if "pid" not in reply:
            raise RuntimeError(reply.get("error", "the session could not start"))
        return int(reply["pid"])

    def _request(self, slave_fd: int, spec: Spawn) -> dict[str, object]:
        socket.send_fds(self.sock, [spec.encode()], [slave_fd])
        return dict(json.loads(self.sock.recv(MAX_MESSAGE)))

    def close(self) -> None:
        self.sock.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        if self.process.poll() is None:
            self.process.kill()
