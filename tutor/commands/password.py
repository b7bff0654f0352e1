"""`tutor password`: a student's password, or one for each name in a list, stored hashed for
`tutor serve --password-file`."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from tutor.commands.options import EXIT_OK, NewCommand, usage
from tutor.i18n import _, ngettext


def add_parsers(command: NewCommand) -> None:
    """Its commands, with their options and help, in `tutor --help`'s order."""
    p_password = command(
        "password",
        _("add or change a student's password"),
        _(
            "Add or change a student's password in a password file for `tutor serve "
            "--password-file` (stored hashed); --from makes one for each name in a list."
        ),
    )
    p_password.add_argument("file", type=Path, help=_("the password file (created if missing)"))
    p_password.add_argument("name", nargs="?", help=_("the student's user name"))
    p_password.add_argument(
        "--from",
        dest="names",
        type=Path,
        metavar="NAMES",
        help=_(
            "make a password for each name in this file (a name, and a group, a line); "
            "printed once, stored hashed"
        ),
    )


def cmd_password(args: argparse.Namespace) -> int:
    from tutor.classroom.auth import set_password, valid_name

    if args.names is not None:
        return _passwords_for(args.file, args.names)
    if args.name is None:
        return usage(_("give a NAME, or --from NAMES for a whole list"))
    if not valid_name(args.name):
        return usage(
            _("'{name}' cannot be a user name: letters, digits, '.', '_', '-'").format(
                name=args.name
            )
        )
    if sys.stdin.isatty():
        password = getpass.getpass(_("password for {name}: ").format(name=args.name))
        if password != getpass.getpass(_("again: ")):
            return usage(_("the two passwords differ"))
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        return usage(_("a password needs at least 8 characters"))
    set_password(args.file, args.name, password)
    print(
        _("{name}'s password is set in {path} (hashed with scrypt)").format(
            name=args.name, path=args.file
        )
    )
    return EXIT_OK


def _passwords_for(file: Path, names: Path) -> int:
    """A fresh password for every name in `names` (`ada`, `ada monday`: name and group, and
    `lang=zh` for the student's language), printed once for the teacher to hand out, stored
    only as hashes."""
    import secrets

    from tutor.classroom.auth import set_passwords, valid_language, valid_name

    if not names.is_file():
        return usage(_("no such file: {path}").format(path=names))
    passwords: dict[str, str] = {}
    groups: dict[str, str] = {}
    languages: dict[str, str] = {}
    for number, line in enumerate(names.read_text(encoding="utf-8").splitlines(), start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if not valid_name(words[0]):
            said = _("'{name}' cannot be a user name").format(name=words[0])
            return usage(f"{names}:{number}: {said}")
        alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing to misread: no 0/o, 1/l/i
        passwords[words[0]] = "-".join(
            "".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)
        )
        rest = [w for w in words[1:] if not w.startswith("lang=")]
        groups[words[0]] = rest[0] if rest else ""
        lang = next((w[5:] for w in words[1:] if w.startswith("lang=")), "")
        if lang and not valid_language(lang):
            said = _("'{code}' is not a language code (such as zh)").format(code=lang[:40])
            return usage(f"{names}:{number}: {said}")
        if lang:
            languages[words[0]] = lang
    if not passwords:
        return usage(_("{path} names nobody").format(path=names))
    set_passwords(file, passwords, groups, languages)
    for name, password in passwords.items():
        print(f"{name}\t{password}")
    stored = ngettext(
        "{n} password stored hashed in {path}; this is the only time it is shown",
        "{n} passwords stored hashed in {path}; this is the only time they are shown",
        len(passwords),
    )
    print(stored.format(n=len(passwords), path=file), file=sys.stderr)
    return EXIT_OK
