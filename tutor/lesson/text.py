"""Text in several languages: a plain string, or a map of language code to string."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

LANG_CODE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z0-9]+)?$")
FALLBACK = "en"

TextValue = str | Mapping[str, str]


def learner_language(explicit: str | None = None) -> str:
    """`--lang`, then LC_ALL/LC_MESSAGES/LANG (`zh_CN.UTF-8` gives `zh`), then English."""
    if explicit:
        return normalise(explicit)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return normalise(value)
    return FALLBACK


def normalise(code: str) -> str:
    return code.split(".")[0].split("_")[0].split("-")[0].lower() or FALLBACK


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
