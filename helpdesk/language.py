"""Which language a conversation is in: English or Chinese, from what the customer
writes, what they ask for, and the page they write from.

The rule is deliberately sticky. A message decides the language only when it says
something about it: Chinese characters make it Chinese; an English sentence (three
words or more, leaving out order numbers and emails) makes it English; "can we speak
English?" or "说中文" switch to what they ask for. "ok", "BW104233", "2" or an email
decide nothing, so a Chinese customer who types an order number or "thanks" is still
answered in Chinese. The page's language (the widget's `data-lang` or `<html lang>`)
is the first hint, used until the customer's own words decide.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Optional

ENGLISH = "en"
CHINESE = "zh"
SUPPORTED = (ENGLISH, CHINESE)

# CJK ideographs (unified, extension A, compatibility) and CJK punctuation that
# only Chinese text uses (、。「」《》).
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3001\u3002\u300a-\u300f]")
_IDENTIFIERS = re.compile(
    r"[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"  # emails
    r"|(?<![A-Za-z0-9])(?:bw|t)?[\s\-#:]*\d+(?![A-Za-z0-9])",  # order, ticket numbers
    re.IGNORECASE,
)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_MIN_ENGLISH_WORDS = 3

# Asking for a language, in either language. Checked before the text's own language:
# "说英文吧" is Chinese text asking for English.
_REQUESTS = {
    ENGLISH: re.compile(
        r"\b(speak|talk|write|answer|reply|respond|continue|switch|change)\b.{0,30}\benglish\b"
        r"|\benglish\s+(please|pls|plz)\b|\bin english\b|^\s*english\s*[?!.]*\s*$"
        r"|(说|讲|用|改成|换成|切换到?|回复|回答)\s*(英文|英语)",
        re.IGNORECASE,
    ),
    CHINESE: re.compile(
        r"\b(speak|talk|write|answer|reply|respond|continue|switch|change)\b.{0,30}"
        r"\b(chinese|mandarin)\b|\bin (chinese|mandarin)\b|^\s*(chinese|mandarin)\s*[?!.]*\s*$"
        r"|(说|讲|用|改成|换成|切换到?|回复|回答)\s*(中文|汉语|普通话|国语)"
        r"|^\s*(中文|汉语|普通话)\s*[?？!！。]*\s*$",
        re.IGNORECASE,
    ),
}


def normalize_language(value: object) -> Optional[str]:
    """ "zh-CN", "zh_Hans", "ZH" -> "zh"; "en-US" -> "en"; anything else -> None."""
    if not isinstance(value, str):
        return None
    base = value.strip().lower().replace("_", "-").split("-")[0]
    return base if base in SUPPORTED else None


def requested_language(text: str) -> Optional[str]:
    """The language the customer asks to be answered in, or None."""
    clean = unicodedata.normalize("NFKC", text or "")
    asked = [language for language, pattern in _REQUESTS.items() if pattern.search(clean)]
    return asked[0] if len(asked) == 1 else None


def detect_language(text: str) -> Optional[str]:
    """The language the text is written in, or None when it does not say."""
    clean = unicodedata.normalize("NFKC", text or "")
    if _HAN.search(clean):
        return CHINESE
    words = _LATIN_WORD.findall(_IDENTIFIERS.sub(" ", clean))
    return ENGLISH if len(words) >= _MIN_ENGLISH_WORDS else None


def language_of_message(text: str, hint: object = None) -> Optional[str]:
    """What a message decides about the conversation's language: an explicit request
    first, then the text itself, then the page's hint; None leaves it as it was."""
    return requested_language(text) or detect_language(text) or normalize_language(hint)


def is_chinese(text: str) -> bool:
    return detect_language(text) == CHINESE


def pick_language(candidates: Iterable[object], default: str = ENGLISH) -> str:
    """The first supported language among `candidates` (a slot, a stored value, a
    header), else `default`."""
    for candidate in candidates:
        language = normalize_language(candidate)
        if language:
            return language
    return default
