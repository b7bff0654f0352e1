"""A throwaway PostgreSQL cluster for the tests: `initdb` and `pg_ctl` in a temporary folder,
listening on 127.0.0.1 at a free port, trusting local connections, gone at the end.

PostgreSQL refuses to run as root (CI runs as root): then the cluster belongs to the
`postgres` user that Debian's package creates, or to `nobody`, and its tools run through
`runuser`. Without the binaries the PostgreSQL tests skip, saying so (`.ci/run` installs
them, so CI never skips).
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

USER = "tutor"


def pg_bin() -> Path | None:
    """The folder of `initdb` and `pg_ctl`: on PATH, else Debian's newest version."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
    )
    return Path(versions[-1]).parent if versions else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _owner() -> str | None:
    """Whom the cluster runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root, with neither a 'postgres' nor a 'nobody' user")


class Cluster:
    """One PostgreSQL server; `stop()` and `start()` it to drop every connection."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.owner = _owner()
        self.root = Path(tempfile.mkdtemp(prefix="tutor-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        if self.owner is not None:
            entry = pwd.getpwnam(self.owner)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._tool(
            "initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync"
        )
        self.start()

    def _tool(self, name: str, *args: str) -> None:
        command = [str(self.bindir / name), *args]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/")
        if done.returncode != 0:
            raise RuntimeError(f"{name} failed ({done.returncode}): {done.stderr or done.stdout}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        log = self.root / "server.log"
        self._tool("pg_ctl", "-D", str(self.data), "-l", str(log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._tool("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def why_not() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when they can."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    if pg_bin() is None:
        return "PostgreSQL's initdb is not installed (apt-get install postgresql)"
    return None


_shared: Cluster | None = None


def shared_cluster() -> Cluster:
    """One cluster for the whole test run (started on first use, stopped at exit); each test
    takes a database of its own with `new_database`."""
    global _shared
    if _shared is None:
        reason = why_not()
        if reason is not None:
            raise RuntimeError(reason)
        bindir = pg_bin()
        assert bindir is not None
        _shared = Cluster(bindir)
        atexit.register(_shared.close)
    return _shared
