"""Who may log in to a classroom: host key, students' public keys, hashed passwords, and a
limit on failed passwords per address and name.

A key in the authorized_keys file admits the student named by its comment
(`ssh-ed25519 AAAA... ada`), so one student's key cannot open another student's progress. A
key without a comment (or with `*`) is a guest key: it admits only names that have no key and
no password of their own, so it can never open a named student's progress. asyncssh checks the
keys and enforces their options (`from=`, `no-pty`, `restrict`); options this server cannot
honour (`command=`, `environment=`, `permitopen=`, …) are refused when the file is read, so
the teacher learns at start, not when a student cannot log in. Passwords are stored as scrypt
hashes, never in plain text (`tutor password FILE NAME` writes them).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from tutor.i18n import N_, _

HOST_KEY = "ssh_host_ed25519_key"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LOCALE = re.compile(
    r"^[A-Za-z]{1,8}(?:[_-][A-Za-z0-9]{1,8})?(?:\.[A-Za-z0-9-]{1,16})?(?:@[A-Za-z0-9]{1,16})?$"
)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def valid_name(name: str) -> bool:
    """Student names become keys in the store and lines in the log: keep them plain."""
    return bool(NAME.match(name))


def valid_language(value: str) -> bool:
    """A locale name (`zh`, `zh_CN.UTF-8`) that says a language: `C` and `POSIX` say none."""
    return bool(LOCALE.match(value)) and value != "POSIX" and value.split(".")[0] != "C"


def _language(value: str, where: str) -> str:
    if not valid_language(value):
        said = _("the language {value!r} is not a language code (such as zh or zh_CN.UTF-8)")
        raise ValueError(f"{where}: " + said.format(value=value[:40]))
    return value


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


KEY_TYPES = ("ssh-", "ecdsa-", "sk-")
OPTION = re.compile(r'([A-Za-z0-9-]+)(?:="(?:[^"\\]|\\.)*")?')
HONOURED = frozenset(
    {
        "from",  # asyncssh matches the client's address
        "no-pty",  # asyncssh refuses the terminal: the student is told the tutor needs one
        "restrict",
        "pty",
        "no-port-forwarding",  # forwarding, agent, X11 and user rc: always refused anyway
        "no-agent-forwarding",
        "no-x11-forwarding",
        "no-user-rc",
        "port-forwarding",
        "agent-forwarding",
        "x11-forwarding",
        "user-rc",
        "no-touch-required",
    }
)
REFUSED = {
    "command": N_("a classroom key runs the tutor only"),
    "environment": N_("sessions take no environment from keys"),
    "permitopen": N_("forwarding is always refused"),
    "permitlisten": N_("forwarding is always refused"),
    "tunnel": N_("forwarding is always refused"),
    "principals": N_("certificates are not accepted"),
    "cert-authority": N_("certificates are not accepted"),
}
"""Why an option of a key line stops the start; the teacher reads it (`_()` where said)."""


@dataclass(frozen=True)
class AuthorizedKey:
    """One line of the authorized_keys file, kept whole so asyncssh enforces its options."""

    line: str
    number: int
    name: str | None  # the one student it admits, or None: a guest key
    options: tuple[str, ...] = ()
    group: str = ""  # `group=NAME` in the comment: the class the student is in
    lang: str = ""  # `lang=zh` in the comment: the student's language when ssh sends none


def _split_options(line: str) -> tuple[tuple[str, ...], str]:
    """The option names before the key, and the rest of the line (key type onwards)."""
    if line.startswith(KEY_TYPES):
        return (), line
    names: list[str] = []
    pos = 0
    while True:
        match = OPTION.match(line, pos)
        if match is None:
            raise ValueError(_("unreadable options before the key"))
        names.append(match.group(1).lower())
        pos = match.end()
        if line.startswith(",", pos):
            pos += 1
            continue
        if pos < len(line) and not line[pos].isspace():
            raise ValueError(_("unreadable options before the key"))
        return tuple(names), line[pos:].strip()


def read_authorized_keys(path: Path) -> list[AuthorizedKey]:
    """Every key line, checked by asyncssh; an option this server cannot honour stops the start."""
    keys = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path}:{number}"
        try:
            options, rest = _split_options(line)
            parts = rest.split(None, 2)
            if len(parts) < 2 or not parts[0].startswith(KEY_TYPES):
                raise ValueError(_("not a public key line"))
            asyncssh.import_authorized_keys(line)
        except (asyncssh.KeyImportError, ValueError) as e:
            raise ValueError(f"{where}: {e}") from None
        for option in options:
            if option not in HONOURED:
                why = REFUSED.get(option) or N_("tutor serve does not know it")
                said = _("the option {option} is not supported ({why}); remove it")
                raise ValueError(f"{where}: " + said.format(option=option, why=_(why)))
        name, group, lang = _comment(parts[2] if len(parts) > 2 else "")
        if lang:
            _language(lang, where)
        keys.append(AuthorizedKey(line, number, name, options, group, lang))
    return keys


def _comment(comment: str) -> tuple[str | None, str, str]:
    """`ada`, `ada group=monday lang=zh` or `*`: the student's name (None for a guest key),
    group and language. Only the first word is the name, so `ada laptop` is still ada's key."""
    words = comment.split()
    group = next((w.partition("=")[2] for w in words[1:] if w.startswith("group=")), "")
    lang = next((w.partition("=")[2] for w in words[1:] if w.startswith("lang=")), "")
    if not words or words[0] == "*":
        return None, group, lang
    return words[0], group, lang


def keys_by_name(
    keys: list[AuthorizedKey], passwords: dict[str, str]
) -> tuple[dict[str, asyncssh.SSHAuthorizedKeys | None], asyncssh.SSHAuthorizedKeys | None]:
    """Each named student's keys, and the guest keys for names nobody owns, as asyncssh lists:
    handed to the connection in `begin_auth`, so asyncssh matches the key and its options."""
    named: dict[str, list[str]] = {}
    for key in keys:
        if key.name is not None:
            named.setdefault(key.name, []).append(key.line)
    guests = [key.line for key in keys if key.name is None]
    lists: dict[str, asyncssh.SSHAuthorizedKeys | None] = {
        name: asyncssh.import_authorized_keys("\n".join(lines)) for name, lines in named.items()
    }
    for name in passwords:
        lists.setdefault(name, None)  # owns the name with a password, and has no key
    guest = asyncssh.import_authorized_keys("\n".join(guests)) if guests else None
    return lists, guest


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
            said = _("not a hashed password; add students with `tutor password FILE NAME`")
            raise ValueError(f"{path}:{number}: {said}")
        users[name] = stored.partition(":")[0]
    return users


def _extra_fields(path: Path) -> dict[str, tuple[int, str, str]]:
    """Each name's line number, group and language: the optional fields after the hash,
    `name:scrypt$...:monday:zh` (`name:scrypt$...::zh`: a language and no group)."""
    extra: dict[str, tuple[int, str, str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        name, sep, rest = line.strip().partition(":")
        if sep and not name.startswith("#") and rest.startswith("scrypt$"):
            fields = rest.split(":")
            group = fields[1].strip() if len(fields) > 1 else ""
            lang = fields[2].strip() if len(fields) > 2 else ""
            extra[name] = (number, group, lang)
    return extra


def read_password_groups(path: Path) -> dict[str, str]:
    """Each name's group: an optional third field, `name:scrypt$...:monday`."""
    return {name: group for name, (_, group, _) in _extra_fields(path).items()}


def read_password_languages(path: Path) -> dict[str, str]:
    """The names given a language (an optional fourth field, `name:scrypt$...:monday:zh`);
    one that is no language code stops the start, with its line."""
    return {
        name: _language(lang, f"{path}:{number}")
        for name, (number, _, lang) in _extra_fields(path).items()
        if lang
    }


def set_password(path: Path, name: str, password: str, group: str = "") -> None:
    set_passwords(path, {name: password}, {name: group} if group else None)


def set_passwords(
    path: Path,
    passwords: dict[str, str],
    groups: dict[str, str] | None = None,
    languages: dict[str, str] | None = None,
) -> None:
    """Store each name's password hashed (replacing its old line), in one write. A name given
    no group or language keeps the one its old line had."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    old = _extra_fields(path) if path.exists() else {}
    lines = [line for line in lines if line.partition(":")[0] not in passwords]
    for name, password in passwords.items():
        _, old_group, old_lang = old.get(name, (0, "", ""))
        group = (groups or {}).get(name) or old_group
        lang = (languages or {}).get(name) or old_lang
        extra = f":{group}:{lang}" if lang else (f":{group}" if group else "")
        lines.append(f"{name}:{hash_password(password)}{extra}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


@dataclass
class LoginLimiter:
    """Failed passwords per (address, name): each slows the next try for that name from that
    address, and `max_failures` in `window` refuse that name's passwords from that address.
    A school's NAT puts the whole class behind one address, so nothing here is per address
    alone: a classmate's typos never lock anyone else out, and keys are never refused here
    (they cannot be guessed)."""

    max_failures: int = 5
    window: float = 600.0
    delay: float = 0.5
    most: float = 3.0
    keep: int = 10000  # pairs remembered at most: names are the client's to choose
    failures: dict[tuple[str, str], deque[float]] = field(default_factory=dict)

    def _recent(self, address: str, name: str) -> deque[float]:
        times = self.failures.get((address, name[:64]))
        if times is None:
            return deque()
        while times and times[0] < time.monotonic() - self.window:
            times.popleft()
        if not times:
            del self.failures[(address, name[:64])]
        return times

    def unblock(self, address: str) -> int:
        """Forget the failed logins from `address` (the teacher's call); returns names cleared."""
        pairs = [pair for pair in self.failures if pair[0] == address]
        for pair in pairs:
            del self.failures[pair]
        return len(pairs)

    def blocked(self, address: str, name: str) -> bool:
        return len(self._recent(address, name)) >= self.max_failures

    def failed(self, address: str, name: str) -> float:
        """Record one failed attempt; returns how long to wait before answering."""
        times = self._recent(address, name)
        if not times:
            if len(self.failures) >= self.keep:  # forget the oldest pair
                del self.failures[next(iter(self.failures))]
            self.failures[(address, name[:64])] = times
        times.append(time.monotonic())
        return min(self.delay * len(times), self.most)
