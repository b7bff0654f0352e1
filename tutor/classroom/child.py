"""One student's session, in a child forked from the zygote: a real terminal, then the app.

The PTY's slave end becomes the controlling terminal and stdin/stdout/stderr of a new
session (`setsid`), so Textual's driver owns it exactly as in a local terminal, and a crash
here ends this student's session only. A browser session gets a socket instead, as stdin and
stdout of a session with no terminal, and the app runs on Textual's web driver, which speaks
textual-serve's packets over it (web_session.py is the other end).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import resource
import signal
import sys
import termios
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tutor import i18n
from tutor.classroom.zygote import Spawn

if TYPE_CHECKING:
    from tutor.app import TutorApp

MESSAGE_SECONDS = 30.0  # a teacher's message stays on the student's screen this long

WEB_ERRORS = "web-sessions.err"  # what browser sessions write to stderr (a crash's traceback)
TRUECOLOR_HINTS = ("truecolor", "24bit", "-direct", "256color", "kitty", "alacritty", "wezterm")


def run_session(slave_fd: int, spec: Spawn) -> None:
    """Never returns: the process exits with the app's status."""
    code = 1
    try:
        if spec.driver == "web":
            _become_web_session(slave_fd, Path(spec.data))
        else:
            _become_terminal_session(slave_fd)
        _environment(spec)
        _limits(spec)
        from tutor.app import AppConfig, TutorApp

        config = AppConfig(
            folder=Path(spec.lessons),
            lesson=Path(spec.lesson) if spec.lesson else None,
            lang=spec.lang,
            device=spec.device,
            learner=spec.learner,
            data=Path(spec.data),
            classroom=True,
        )
        app = TutorApp(config)
        if spec.driver == "web":
            from textual.drivers.web_driver import WebDriver

            app.driver_class = WebDriver  # Textual's public choice of driver, set before run
        _take_messages(app, Path(spec.data) / "inbox")
        app.run()
        code = 0
    except BaseException as e:
        try:
            ended = i18n._("the session ended: {error}").format(error=f"{type(e).__name__}: {e}")
            sys.stderr.write(f"\r\ntutor: {ended}\r\n")
            sys.stderr.flush()
        except OSError:
            pass
    finally:
        os._exit(code if isinstance(code, int) else 1)


def _standard_streams_and_signals() -> None:
    """Python's streams on the new fds 0-2, and the signals the zygote handled back to their
    defaults (the session is a process of its own now)."""
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
    for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def _become_terminal_session(slave_fd: int) -> None:
    os.setsid()
    fcntl.ioctl(slave_fd, termios.TIOCSCTTY, 0)
    for target in (0, 1, 2):
        os.dup2(slave_fd, target)
    if slave_fd > 2:
        os.close(slave_fd)
    _standard_streams_and_signals()
    signal.signal(signal.SIGTSTP, signal.SIG_IGN)  # no suspend key: there is no shell to return to


def _become_web_session(sock_fd: int, data: Path) -> None:
    """The socket as stdin and stdout (the web driver reads fd 0 and writes fd 1); stderr,
    which would corrupt the packets, goes to a log beside the server's."""
    os.setsid()
    os.dup2(sock_fd, 0)
    os.dup2(sock_fd, 1)
    errors = os.open(data / WEB_ERRORS, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(errors, 2)
    os.close(errors)
    if sock_fd > 2:
        os.close(sock_fd)
    _standard_streams_and_signals()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # the browser's side gone: this session ends


def _environment(spec: Spawn) -> None:
    env = os.environ
    for name in ("COLUMNS", "LINES", "ROWS"):  # Textual must follow the terminal's real size
        env.pop(name, None)
    if spec.driver == "web":  # the web driver's first size; xterm.js draws 24-bit colour
        env["COLUMNS"], env["ROWS"] = str(spec.width), str(spec.height)
        env["TERM"] = "xterm-256color"
        env["COLORTERM"] = "truecolor"
        env["TUTOR_DATA_DIR"] = spec.data
        return
    env["TERM"] = spec.term or "xterm-256color"
    # ssh forwards TERM but not COLORTERM; modern terminals that say 256color do 24-bit too
    if any(hint in env["TERM"] for hint in TRUECOLOR_HINTS):
        env["COLORTERM"] = "truecolor"
    else:
        env.pop("COLORTERM", None)
    env["TUTOR_DATA_DIR"] = spec.data


def _limits(spec: Spawn) -> None:
    if spec.cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (spec.cpu_seconds, spec.cpu_seconds + 5))
    if spec.memory_bytes:
        mapped = _mapped_bytes()
        limit = mapped + spec.memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _mapped_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _take_messages(app: TutorApp, inbox: Path) -> None:
    """The teacher's messages and "open this lesson" (control.py `deliver`): SIGUSR1 says the
    inbox has something, and a thread hands it to the running app through its public API
    (`notify`, `open_path`), so it shows over whatever the student is doing, which stays."""
    lock = threading.Lock()

    def deliver() -> None:
        for _ in range(300):  # a message sent while the app starts waits for it (30 s at most)
            if app.is_running:
                break
            time.sleep(0.1)
        with lock:
            for path in sorted(inbox.glob(f"{os.getpid()}-*.json")):
                try:
                    item = json.loads(path.read_text(encoding="utf-8"))
                    path.unlink()
                except (OSError, ValueError):
                    continue
                with contextlib.suppress(RuntimeError):  # the app has ended meanwhile
                    if item.get("kind") == "message":
                        app.call_from_thread(
                            app.notify,
                            str(item.get("text", "")),
                            title="from your teacher",
                            timeout=MESSAGE_SECONDS,
                            markup=False,
                        )
                    elif item.get("kind") == "open":
                        app.call_from_thread(_open_lesson, app, Path(str(item.get("lesson"))))

    def wake(_signum: int, _frame: object) -> None:
        threading.Thread(target=deliver, daemon=True).start()

    signal.signal(signal.SIGUSR1, wake)
    wake(signal.SIGUSR1, None)  # anything sent before this handler was in place


def _open_lesson(app: TutorApp, path: Path) -> None:
    app.start_engine()
    app.open_path(path)
