"""Instagram's caption limits, counted the way Instagram counts them.

Counting rules (applied to the text that is pasted: the caption, a blank line, the hashtags):

- **Characters** are Unicode code points (Python's ``len``), not UTF-16 code units: "é" is 1,
  "😀" (U+1F600) is 1, and an emoji built from several code points counts each of them
  ("👍🏽" = 2, a family emoji joined by ZWJ = 5 to 7). Line breaks count as one character each.
- **Hashtags** are ``#`` followed by one or more word characters (Unicode letters, digits,
  underscore: ``#soins_peau``, ``#дерматология``, ``#2024``), not preceded by a word character
  (``a#b`` holds no hashtag). Each occurrence counts, repeated ones included.
- **Mentions** are ``@`` followed by one or more of ``A-Z a-z 0-9 . _`` (Instagram user names),
  not preceded by one of those characters, so an e-mail address is not a mention.

Limits: 2,200 characters, 30 hashtags, 20 mentions.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from erp.social.exceptions import CaptionRefused

MAX_CHARACTERS = 2200
MAX_HASHTAGS = 30
MAX_MENTIONS = 20

HASHTAG_RE = re.compile(r"(?<!\w)#\w+")
MENTION_RE = re.compile(r"(?<![A-Za-z0-9._])@[A-Za-z0-9._]+")


@dataclass(frozen=True)
class CaptionCounts:
    characters: int
    hashtags: int
    mentions: int

    @property
    def problems(self) -> list[str]:
        found = []
        if self.characters > MAX_CHARACTERS:
            found.append(
                _("%(count)s characters (at most %(limit)s)") % {"count": self.characters, "limit": MAX_CHARACTERS}
            )
        if self.hashtags > MAX_HASHTAGS:
            found.append(_("%(count)s hashtags (at most %(limit)s)") % {"count": self.hashtags, "limit": MAX_HASHTAGS})
        if self.mentions > MAX_MENTIONS:
            found.append(_("%(count)s mentions (at most %(limit)s)") % {"count": self.mentions, "limit": MAX_MENTIONS})
        return found

    def as_dict(self) -> dict:
        return {
            "characters": self.characters,
            "hashtags": self.hashtags,
            "mentions": self.mentions,
            "max_characters": MAX_CHARACTERS,
            "max_hashtags": MAX_HASHTAGS,
            "max_mentions": MAX_MENTIONS,
            "within_limits": not self.problems,
        }


def normalize_hashtags(value: str | None) -> str | None:
    """``"skincare, #Derm  #skincare"`` -> ``"#skincare #Derm #skincare"``; empty -> None."""
    if not value:
        return None
    words = [w.lstrip("#") for w in re.split(r"[\s,;]+", value.strip())]
    words = [w for w in words if w]
    for word in words:
        if not re.fullmatch(r"\w+", word):
            raise CaptionRefused(
                _("“%(word)s” is not a hashtag: use letters, digits and underscores only.") % {"word": word},
                field="hashtags",
            )
    return " ".join(f"#{w}" for w in words) or None


def compose_caption(caption: str | None, hashtags: str | None) -> str:
    """The text to paste into Instagram: the caption, a blank line, then the hashtags."""
    body = (caption or "").strip()
    tags = (hashtags or "").strip()
    if body and tags:
        return f"{body}\n\n{tags}"
    return body or tags


def count_caption(text: str) -> CaptionCounts:
    return CaptionCounts(
        characters=len(text),
        hashtags=len(HASHTAG_RE.findall(text)),
        mentions=len(MENTION_RE.findall(text)),
    )


def check_caption(caption: str | None, hashtags: str | None) -> CaptionCounts:
    """The counts of the composed caption; raises CaptionRefused naming every limit broken."""
    counts = count_caption(compose_caption(caption, hashtags))
    if counts.problems:
        raise CaptionRefused(
            _("The caption is over Instagram's limits: %(problems)s.") % {"problems": "; ".join(counts.problems)},
            field="caption",
            extra={"counts": counts.as_dict()},
        )
    return counts
