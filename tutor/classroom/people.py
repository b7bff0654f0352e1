"""Who may log in, read from the keys and password files: at start, on SIGHUP, when a file
changes, and when the teacher asks (`tutor class --reload`). The roster (groups, languages)
goes to the store for the teacher's view; a file that fails at a reload keeps the last."""

from __future__ import annotations

import asyncio

from tutor.classroom.auth import (
    keys_by_name,
    read_authorized_keys,
    read_password_file,
    read_password_groups,
    read_password_languages,
    valid_name,
)
from tutor.classroom.console import Said
from tutor.classroom.room import Classroom, ServeConfig
from tutor.classroom.server_log import field_text, log
from tutor.i18n import FALLBACK, LOCALE_DIR, N_, _, normalise

FILE_CHECK = 2.0  # seconds between looks at the keys and password files


def load_people(room: Classroom) -> None:
    """Read the keys and password files (at start, on SIGHUP, when they change): who may log
    in, and the roster the teacher sees. A file that fails to read raises, and at a reload the
    people already loaded stay."""
    cfg = room.config
    keys = read_authorized_keys(cfg.authorized_keys) if cfg.authorized_keys else []
    passwords = read_password_file(cfg.password_file) if cfg.password_file else {}
    groups = read_password_groups(cfg.password_file) if cfg.password_file else {}
    languages = read_password_languages(cfg.password_file) if cfg.password_file else {}
    if not keys and not passwords:
        raise ValueError(
            _("nobody could log in: give --authorized-keys FILE or --password-file FILE")
        )
    room.named_keys, room.guest_keys = keys_by_name(keys, passwords)
    room.keys, room.passwords = keys, passwords
    roster = dict(groups)
    for key in keys:
        if key.name is None:
            log.warning(
                N_(
                    "%s:%d: a key without a student name as its comment is a guest key: it "
                    "admits any name that has no key or password of its own"
                ),
                cfg.authorized_keys,
                key.number,
            )
        elif not valid_name(key.name):
            log.warning(
                N_(
                    "%s:%d: the comment %s names no student (a name is letters, digits, '.', "
                    "'_', '-'), so this key lets nobody in: write the student's name as its "
                    "comment"
                ),
                cfg.authorized_keys,
                key.number,
                field_text(repr(key.name)),
            )
        else:
            roster.setdefault(key.name, key.group)
            if key.lang:
                languages.setdefault(key.name, key.lang)
    roster = {name: group for name, group in roster.items() if valid_name(name)}
    room.languages = languages
    _warn_untranslated(languages)
    room.record(room.store.set_roster, roster, {n: languages[n] for n in roster if n in languages})
    room.stamps = _stamps(cfg)
    log.info(
        N_("the class: students %d · keys %d · passwords %d"),
        len(roster),
        len(keys),
        len(passwords),
    )


def _warn_untranslated(languages: dict[str, str]) -> None:
    """A roster language the tutor has no words for shows English: say so at start."""
    known = {FALLBACK, *(p.name for p in LOCALE_DIR.iterdir() if p.is_dir())}
    missing: dict[str, list[str]] = {}
    for name, lang in sorted(languages.items()):
        if normalise(lang) not in known:
            missing.setdefault(normalise(lang), []).append(name)
    for lang, names in missing.items():
        log.warning(
            N_(
                "the roster gives %s the language %s, which the tutor has no translation for "
                "(it has %s): they see English"
            ),
            ", ".join(names[:5]) + (f" (+{len(names) - 5})" if len(names) > 5 else ""),
            field_text(lang),
            ", ".join(sorted(known)),
        )


def _stamps(cfg: ServeConfig) -> tuple[float, ...]:
    """The files' modification times (and sizes): a change is a reason to read them again."""
    stamps: list[float] = []
    for path in (cfg.authorized_keys, cfg.password_file):
        if path is not None:
            try:
                info = path.stat()
                stamps += [info.st_mtime, info.st_size]
            except OSError:
                stamps += [-1.0, -1.0]
    return tuple(stamps)


def reload_people(room: Classroom, why: str) -> dict[str, object]:
    """Read the files again, logged with `why`; the counts, or the error, for the teacher."""
    try:
        load_people(room)
    except (ValueError, OSError) as e:
        room.stamps = _stamps(room.config)  # not again until the file changes again
        log.warning(
            N_("re-reading the keys and passwords (%s) failed, keeping the last: %s"), Said(why), e
        )
        return {"error": str(e)}
    log.info(N_("re-read the keys and passwords (%s)"), Said(why))
    return {"keys": len(room.keys), "passwords": len(room.passwords)}


async def watch_files(room: Classroom, stop: asyncio.Future[str]) -> None:
    """Read the files again whenever they change: a teacher adding a student mid-class need
    not send SIGHUP."""
    while not stop.done():
        await asyncio.sleep(FILE_CHECK)
        if _stamps(room.config) != room.stamps:
            reload_people(room, N_("a file changed"))
