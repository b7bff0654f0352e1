"""The interface's words in the learner's language: gettext catalogs, one place.

Every string the program itself shows (not a lesson's text: that is the lesson's own
`{en, zh}` maps) is written in English in the code, wrapped in `_()` (or marked `N_()` where it
must be translated later, like a key's description in a class attribute), and looked up in
`tutor/locale/<lang>/LC_MESSAGES/tutor.mo` with the standard library's `gettext`.

The `.po` files are the source; the `.mo` files are compiled from them with Babel
(`pybabel compile -d tutor/locale -D tutor`) and shipped beside them, so the installed program
needs nothing but the standard library and a wheel needs no build step of its own
(tests/test_i18n.py fails when a `.mo` is out of date with its `.po`, or when a string in the
code has no translation).

The language is the learner's: `--lang`, then LC_ALL / LC_MESSAGES / LANG. A process serves
one learner (a classroom session is its own process), so `use_language` sets it once for the
process; the classroom server, which speaks to many students before their sessions start,
asks `translator(lang)` for each. Stdlib only: every layer may import it.
"""

from __future__ import annotations

import functools
import gettext
import os
from pathlib import Path

DOMAIN = "tutor"
LOCALE_DIR = Path(__file__).parent / "locale"
FALLBACK = "en"

_current: gettext.NullTranslations = gettext.NullTranslations()
_current_lang = FALLBACK


def normalise(code: str) -> str:
    """`zh_CN.UTF-8` → `zh`."""
    return code.split(".")[0].split("_")[0].split("-")[0].lower() or FALLBACK


def learner_language(explicit: str | None = None) -> str:
    """`--lang`, then LC_ALL/LC_MESSAGES/LANG (`zh_CN.UTF-8` gives `zh`), then English."""
    if explicit:
        return normalise(explicit)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return normalise(value)
    return FALLBACK


@functools.lru_cache(maxsize=16)
def translator(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` (normalised); English, the code's own words, when there is none."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[normalise(lang)], fallback=True)


def use_language(lang: str | None) -> str:
    """Speak `lang` (None: from the environment) from now on in this process; the code."""
    global _current, _current_lang
    _current_lang = learner_language(lang)
    _current = translator(_current_lang)
    return _current_lang


def current_language() -> str:
    return _current_lang


def _(message: str) -> str:
    """`message` in the learner's language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message, as the learner's language counts `n`."""
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it yet (class attributes, tables
    made at import): translate it with `_()` where it is shown."""
    return message
