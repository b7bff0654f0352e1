"""One student's session, in a child forked from the zygote: a real terminal, then the app.

The PTY's slave end becomes the controlling terminal and stdin/stdout/stderr of a new
session (`setsid`), so Textual's driver owns it exactly as in a local terminal, and a crash
here ends this student's session only.
"""

from __future__ import annotations

import fcntl
import os
import resource
import signal
import sys
import termios

from tutor.classroom.zygote import Spawn

TRUECOLOR_HINTS = ("truecolor", "24bit", "-direct", "256color", "kitty", "alacritty", "wezterm")


def run_session(slave_fd: int, spec: Spawn) -> None:
    """Never returns: the process exits with the app's status."""
    code = 1
    try:
        _become_terminal_session(slave_fd)
        _environment(spec)
        _limits(spec)
        import torch

        torch.set_num_threads(1)  # thirty students share the cores
        from pathlib import Path

        from tutor.app import AppConfig, TutorApp

        config = AppConfig(
            folder=Path(spec.lessons),
            lang=spec.lang,
            device=spec.device,
            learner=spec.learner,
            data=Path(spec.data),
            classroom=True,
        )
        TutorApp(config).run()
        code = 0
    except BaseException as e:
        try:
            sys.stderr.write(f"\r\ntutor: the session ended: {type(e).__name__}: {e}\r\n")
            sys.stderr.flush()
        except OSError:
            pass
    finally:
        os._exit(code if isinstance(code, int) else 1)


def _become_terminal_session(slave_fd: int) -> None:
    os.setsid()
    fcntl.ioctl(slave_fd, termios.TIOCSCTTY, 0)
    for target in (0, 1, 2):
        os.dup2(slave_fd, target)
    if slave_fd > 2:
        os.close(slave_fd)
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
    for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGTSTP, signal.SIG_IGN)  # no suspend key: there is no shell to return to


def _environment(spec: Spawn) -> None:
    env = os.environ
    for name in ("COLUMNS", "LINES"):  # Textual must follow the terminal's real size
        env.pop(name, None)
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
