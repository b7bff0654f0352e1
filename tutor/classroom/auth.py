"""Who may log in to a classroom: host key, students' public keys, hashed passwords, and a
limit on failed logins per address.

A key in the authorized_keys file admits the student named by its comment
(`ssh-ed25519 AAAA... ada`), so one student's key cannot open another student's progress; a
key without a comment (or with `*`) admits any name. Passwords are stored as scrypt hashes,
never in plain text (`tutor password FILE NAME` writes them).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

HOST_KEY = "ssh_host_ed25519_key"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def valid_name(name: str) -> bool:
    """Student names become keys in the store and lines in the log: keep them plain."""
    return bool(NAME.match(name))


def host_key(data_dir: Path) -> asyncssh.SSHKey:
    """The server's key, made once and kept, so students' `known_hosts` stays valid."""
    path = data_dir / HOST_KEY
    if path.exists():
        return asyncssh.read_private_key(str(path))
    key = asyncssh.generate_private_key("ssh-ed25519", comment="tutor classroom")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.export_private_key())
    (data_dir / f"{HOST_KEY}.pub").write_bytes(key.export_public_key())
    return key


@dataclass(frozen=True)
class AuthorizedKey:
    key: asyncssh.SSHKey
    name: str | None  # the one student it admits, or None for anyone

    def admits(self, user: str) -> bool:
        return self.name is None or self.name == user


def read_authorized_keys(path: Path) -> list[AuthorizedKey]:
    keys = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        start = next(
            (i for i, p in enumerate(parts) if p.startswith(("ssh-", "ecdsa-", "sk-"))), None
        )
        if start is None or start + 1 >= len(parts):
            raise ValueError(f"{path}:{number}: not a public key line")
        try:
            key = asyncssh.import_public_key(" ".join(parts[start : start + 2]))
        except (asyncssh.KeyImportError, ValueError) as e:
            raise ValueError(f"{path}:{number}: {e}") from None
        comment = " ".join(parts[start + 2 :]).strip()
        keys.append(AuthorizedKey(key, None if comment in ("", "*") else comment))
    return keys


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    encoded = (base64.b64encode(salt).decode(), base64.b64encode(digest).decode())
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encoded[0]}${encoded[1]}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def read_password_file(path: Path) -> dict[str, str]:
    """`name:scrypt$...` lines; a line with a plain password is refused, not used."""
    users: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, stored = line.partition(":")
        if not sep or not stored.startswith("scrypt$"):
            raise ValueError(
                f"{path}:{number}: not a hashed password; add students with "
                "`tutor password FILE NAME`"
            )
        users[name] = stored
    return users


def set_password(path: Path, name: str, password: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    lines = [line for line in lines if line.partition(":")[0] != name]
    lines.append(f"{name}:{hash_password(password)}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


@dataclass
class LoginLimiter:
    """Failed logins per address: each failure slows the next try; too many shut the door."""

    max_failures: int = 5
    window: float = 600.0
    delay: float = 1.0
    failures: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def _recent(self, address: str) -> deque[float]:
        times = self.failures[address]
        while times and times[0] < time.monotonic() - self.window:
            times.popleft()
        return times

    def blocked(self, address: str) -> bool:
        return len(self._recent(address)) >= self.max_failures

    def failed(self, address: str) -> float:
        """Record a failure; returns how long to wait before answering."""
        times = self._recent(address)
        times.append(time.monotonic())
        return min(self.delay * len(times), 5.0)
