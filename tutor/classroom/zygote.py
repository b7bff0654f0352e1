"""The warm parent of every student session.

`tutor serve` starts this once, as its own small process (`python -m tutor.classroom.zygote`).
It imports torch and the app, does nothing with them (no torch op, no CUDA), and then forks
one child per session on request: the child shares the imported modules copy-on-write, so a
new student's first screen is quick and costs a few megabytes instead of a fresh interpreter.
Forking from this single-threaded process, not from the asyncio server, keeps fork safe.

Protocol, over a SOCK_SEQPACKET socket pair: the server sends a JSON `Spawn` with one file
descriptor attached (SCM_RIGHTS), the PTY's slave end for an SSH session or the child's end of
a socket pair for a browser session (`driver="web"`: Textual's web driver speaks over it); the
zygote answers `{"pid": N}` or `{"error": "..."}`.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import socket
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_MESSAGE = 64 * 1024
DRIVERS = ("terminal", "web")


@dataclass(frozen=True)
class Spawn:
    """What a session's child needs to know."""

    learner: str
    term: str
    lessons: str
    data: str
    lang: str | None = None
    device: str | None = None
    cpu_seconds: int = 3600
    memory_bytes: int = 0  # address-space limit over what the zygote already maps; 0: none
    lesson: str | None = None  # one lesson file served: the session opens it directly
    driver: str = "terminal"  # "terminal": a PTY (SSH); "web": Textual's web driver (browser)
    width: int = 80  # the browser's first size (a PTY carries its own)
    height: int = 24

    def encode(self) -> bytes:
        return json.dumps(asdict(self)).encode()

    @classmethod
    def decode(cls, data: bytes) -> Spawn:
        return cls(**json.loads(data))


def warm_up() -> None:
    """Import what every session will need, without running anything: each module imported
    here is shared by all children instead of being loaded (and paid for) in each."""
    import importlib
    import pkgutil

    import torch

    import tutor

    for module in pkgutil.walk_packages(tutor.__path__, "tutor."):
        if not module.name.startswith(("tutor.classroom", "tutor.commands", "tutor.cli")):
            importlib.import_module(module.name)
    import textual.widgets

    for name in textual.widgets.__all__:  # Textual loads its widgets lazily
        getattr(textual.widgets, name)
    for name in (
        "rich.markdown",
        "rich.syntax",
        "pygments.lexers.python",
        "pygments.formatters.terminal256",
        "textual.drivers.linux_driver",
        "textual.drivers.web_driver",
        "encodings.utf_8_sig",  # a lesson's csv
        "ruamel.yaml.mergevalue",  # the first lesson file read
    ):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from rich.cells import cell_len

    from tutor.app.widgets.runner import warm_up as draw_a_step

    draw_a_step()  # Markdown and Python highlighting set up once (no thread), not per session
    cell_len("中文")  # rich's table of character widths (~1 MB), loaded at the first wide one
    torch.broadcast_shapes((2, 1), (1, 2))  # imports sympy; shapes only: no kernel, no thread
    from tutor.engine.limits import warm_up_sizing

    warm_up_sizing()  # meta tensors: no kernel, no thread; ~1 s each child would pay on step 1
    gc.collect()
    gc.freeze()  # keep the GC from touching (and copying) the shared objects in children


def serve(sock: socket.socket) -> None:
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when we stop
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # (a closed terminal: the server decides)
    # a child inherits this until it can take a teacher's message (child.py)
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 1)
        except InterruptedError:
            continue
        except OSError:
            return
        if not data:  # the server has gone: stop, and leave sessions to end on their own
            return
        try:
            spec = Spawn.decode(data)
            if len(fds) != 1:
                raise ValueError("a spawn request carries exactly one terminal or socket")
            if spec.driver not in DRIVERS:
                raise ValueError(f"unknown driver {spec.driver!r}")
        except (ValueError, TypeError) as e:
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps({"error": str(e)}).encode())
            continue
        _share_lessons(spec)
        pid = os.fork()
        if pid == 0:  # the student's session
            sock.close()
            from tutor.classroom.child import run_session

            run_session(fds[0], spec)  # never returns
        os.close(fds[0])
        sock.send(json.dumps({"pid": pid}).encode())


def _share_lessons(spec: Spawn) -> None:
    """The lesson list's files read here, once (again when one changes), not in every
    session: each child then shares them instead of parsing them into memory of its own."""
    if spec.lesson:  # one lesson served: the session opens it, there is no list
        return
    from tutor.app.catalog import share

    try:
        changed = share(Path(spec.lessons))
    except Exception:  # the zygote must go on: the session reads its list itself and says why
        return
    if changed:
        gc.collect()
        gc.freeze()  # the entries join the shared objects the children's GC leaves alone


def _reap(_signum: int, _frame: object) -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main() -> None:
    fd = int(sys.argv[1])
    sock = socket.socket(fileno=fd)
    warm_up()
    sock.send(b'{"ready": true}')
    serve(sock)


if __name__ == "__main__":
    main()
