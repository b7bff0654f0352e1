"""Text in several languages: a plain string, or a map of language code to string."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tutor.i18n import FALLBACK, learner_language, normalise

__all__ = [
    "FALLBACK",
    "LANG_CODE",
    "TextValue",
    "has_language",
    "learner_language",
    "normalise",
    "pick",
]

LANG_CODE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z0-9]+)?$")

TextValue = str | Mapping[str, str]


def pick(text: TextValue | None, lang: str) -> str:
    """The text in `lang`, else English, else whatever language the author wrote."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for code in (lang, FALLBACK):
        if code in text:
            return text[code]
    return next(iter(text.values()), "")


def has_language(text: TextValue | None, lang: str) -> bool:
    return text is None or isinstance(text, str) or lang in text
