"""Typography of the public site per language: what a French or Armenian reader expects to see.

French: a narrow no-break space before ``; ! ?`` and inside « », a no-break space before ``:``,
between a number and its unit or currency (``60 €``, ``12 h``, ``50 %``) and in thousands
(``1 200``), so a line never starts with a sign or splits a price. Armenian: the full stop is
``։`` (U+0589) and the colon's role is played by ``․`` (U+2024): a Latin colon becomes ``․``,
and a colon written after an Armenian full stop (a form's label suffix after a sentence, ``։:``)
is dropped. Times stay untouched (``09:30``). Applied to text only, never inside HTML tags.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

NBSP = "\u00a0"
NNBSP = "\u202f"
ARMENIAN_FULL_STOP = "\u0589"
ARMENIAN_COLON = "\u2024"

# Tags and character references (``&#x27;``: its ``;`` is no punctuation) are left as they are.
_TAG = re.compile(r"(<[^>]*>|&#?\w+;)")
_SPACES = r"[ \u00a0\u202f]"

_FRENCH = [
    # word ; word ! word ? (also after a tag: "<b>Attention</b> !")
    (re.compile(rf"(?:(?<=[^\s\u00a0\u202f;!?])|^){_SPACES}?([;!?])(?![\w/=])"), NNBSP + r"\1"),
    (re.compile(rf"(?<=[\w)»]){_SPACES}?:(?=\s|$)"), NBSP + ":"),  # word : (not 09:30, not https://)
    (re.compile(rf"«{_SPACES}?"), "«" + NNBSP),
    (re.compile(rf"{_SPACES}?»"), NNBSP + "»"),
    (re.compile(rf"(?<=\d){_SPACES}(?=\d{{3}}(?!\d))"), NBSP),  # 1 200
    (re.compile(rf"(?<=\d){_SPACES}(?=(?:€|%|h\b|min\b|mm\b|cm\b|ml\b|ans\b|mois\b|jours?\b|semaines?\b))"), NBSP),
]
_ARMENIAN = [
    (re.compile(r"\u0589\s*:+"), ARMENIAN_FULL_STOP),  # ։: (a label suffix after a sentence) -> ։
    (re.compile(r"::"), ARMENIAN_FULL_STOP),
    (re.compile(r"(?<=\D):(?=\s|$)"), ARMENIAN_COLON),  # a Latin colon (not 12:30) -> ․ , the colon's role
    (re.compile(rf"(?<=\d){_SPACES}(?=[€%])"), NBSP),
]
_OTHERS = [(re.compile(rf"(?<=\d){_SPACES}(?=[€%])"), NBSP)]  # 60 €, 50 % stay on one line
RULES = {"fr": _FRENCH, "hy": _ARMENIAN}


def typeset_text(text: str, language: str) -> str:
    """``text`` (plain or HTML-escaped, without tags) with ``language``'s spacing and punctuation."""
    for pattern, replacement in RULES.get(language, _OTHERS):
        text = pattern.sub(replacement, text)
    return text


def typeset(value, language: str) -> SafeString:
    """``value`` typeset for ``language``: safe HTML (rich text) has only its text between tags
    changed; anything else is escaped first."""
    if value is None:
        return mark_safe("")
    if not isinstance(value, SafeString):
        value = escape(value)
    parts = _TAG.split(str(value))
    # Safe: the parts are the escaped or already safe value's, with spaces and punctuation changed.
    typeset_parts = (part if part[:1] in ("<", "&") else typeset_text(part, language) for part in parts)
    return mark_safe("".join(typeset_parts))  # noqa: S308
