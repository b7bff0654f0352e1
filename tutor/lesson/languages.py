"""Which language codes a lesson's text maps may use: a typo (`zn:` for `zh:`) would
otherwise be a language nobody reads, silently."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from tutor.i18n import _

ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu
    cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho
    hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv
    kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr
    nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq
    sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh
    yi yo za zh zu""".split()
)
LIKELY = ("en", "zh")  # the languages of the bundled lessons: the likeliest meant


def unknown_language(code: str, others: Iterable[str] = ()) -> str:
    """'' for a known code (`zh`, `zh-TW`, `pt_BR`, any three-letter code such as `yue`);
    else a sentence with a did-you-mean from the map's other codes, then en and zh."""
    base = code.replace("_", "-").split("-")[0]
    if len(base) == 3 or base in ISO_639_1:
        return ""
    candidates = [c for c in (*others, *LIKELY) if c != code and c in ISO_639_1]
    guess = difflib.get_close_matches(base, dict.fromkeys(candidates), n=1, cutoff=0.5)
    if not guess:
        guess = difflib.get_close_matches(base, sorted(ISO_639_1), n=1, cutoff=0.5)
    hint = _("; did you mean '{guess}'?").format(guess=guess[0]) if guess else ""
    if not hint:
        return _("'{code}' is not a language code (en, zh, fr, zh-TW ...)").format(code=code)
    return _("'{code}' is not a language code{hint}").format(code=code, hint=hint)
