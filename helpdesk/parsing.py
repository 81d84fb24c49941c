"""Pure parsing of what customers type: order numbers, ticket numbers, emails,
ratings. No I/O (the order-number format is read once, from company.yml, by
helpdesk/order_numbers.py), so every spelling rule is tested directly.
"""

from __future__ import annotations

import math
import re
from typing import Dict, List, Optional, Pattern, Tuple

from helpdesk.order_numbers import OrderNumberFormat, current_order_numbers
from helpdesk.text_normalization import normalize_text  # callers import it from here too

# No two neighbouring parts may match the same characters: "t" followed by a few
# thousand spaces used to cost minutes of backtracking (three \s* in a row).
_TICKET_RE = re.compile(
    r"(?<![A-Za-z0-9_-])(?:t(?:icket)?(?:[\s\-_#:.]*(?:no\.?|number))?|工单(?:编?号)?)"
    r"[\s\-_#:.]*(\d{1,7})(?!\d)",
    re.IGNORECASE,
)
_BARE_NUMBER_RE = re.compile(r"(?<![A-Za-z0-9_-])#?(\d{1,7})(?!\d)")
# An address starts where the characters an address may hold start: without the
# look-behind the search would restart at every letter of a long word and take
# time quadratic in its length (a 20,000-letter "word" cost 0.8 s).
_EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+\-'])[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_QUANTITY_RE = re.compile(r"[x×]\s*(\d+)$")
_WORD_RATINGS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
# "五星", "四颗星", "给3分", "满分": a Chinese numeral (or digit) before 星 or 分 ("三分钟"
# is a duration, not a rating).
_CHINESE_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CHINESE_RATING = re.compile(r"([一二两三四五])\s*(?:颗|个)?\s*(?:星|分(?!钟))")
_CHINESE_TOP_MARKS = re.compile(r"满分|好评")


# Order numbers follow the company's format (company.yml `order_numbers`): customers
# write BW-104233 as "bw104233", "BW 104233", "#104233" or just "104233". Without an
# explicit `numbers`, the format of this process's knowledge base.
def format_order_id(digits: str, *, numbers: Optional[OrderNumberFormat] = None) -> str:
    """ "104233" -> "BW-104233"."""
    return (numbers or current_order_numbers()).canonical(digits)


def find_order_ids(text: str, *, numbers: Optional[OrderNumberFormat] = None) -> List[str]:
    """Every order number in `text`, canonical ("BW-dddddd"), in order, no repeats."""
    return (numbers or current_order_numbers()).find_all(text)


def parse_order_id(text: str, *, numbers: Optional[OrderNumberFormat] = None) -> Optional[str]:
    """The first order number in `text`, canonical, or None."""
    return (numbers or current_order_numbers()).first(text)


def format_ticket_ref(ticket_id: int) -> str:
    return f"T-{ticket_id:05d}"


def parse_ticket_id(text: str, allow_bare_number: bool = False) -> Optional[int]:
    """The ticket number in "T-00042", "ticket 42", "#42" (bare numbers only when the
    bot has just asked for a ticket number), or None."""
    clean = normalize_text(text)
    match = _TICKET_RE.search(clean)
    if match is None and allow_bare_number and parse_order_id(clean) is None:
        match = _BARE_NUMBER_RE.search(clean)
    if match is None:
        return None
    number = int(match.group(1))
    return number if number > 0 else None


def parse_email(text: str) -> Optional[str]:
    """The first email address in `text`, lower-cased, or None."""
    match = _EMAIL_RE.search(normalize_text(text))
    return match.group(0).strip(".").lower() if match else None


def parse_rating(text: str) -> Optional[int]:
    """A 1-5 rating from "4", "4/5", "four stars", "★★★★", or None."""
    clean = normalize_text(text).strip().lower()
    stars = clean.count("★") or clean.count("⭐")
    if stars and 1 <= stars <= 5:
        return stars
    match = re.search(r"(?<![\d.])([1-5])(?:\s*(?:/|out of)\s*5)?(?![\d.])", clean)
    if match:
        return int(match.group(1))
    for word, value in _WORD_RATINGS.items():
        if re.search(rf"\b{word}\b", clean):
            return value
    chinese = _CHINESE_RATING.search(clean)
    if chinese:
        return _CHINESE_NUMERALS[chinese.group(1)]
    if _CHINESE_TOP_MARKS.search(clean):
        return 5
    return None


def parse_items(items: str) -> List[tuple]:
    """'Aurora 55" TV x1; HDMI cable x2' -> [('Aurora 55" TV', 1), ('HDMI cable', 2)]."""
    parsed = []
    for part in (items or "").split(";"):
        part = part.strip()
        if not part:
            continue
        match = _QUANTITY_RE.search(part)  # "x2" at the end
        if match and part[: match.start()].strip():
            parsed.append((part[: match.start()].strip(), int(match.group(1))))
        else:
            parsed.append((part, 1))
    return parsed


# Checked in this order: "not urgent" is low before "urgent" is high, and so "不急"
# before "急". Chinese words stand without \b (Chinese writes no spaces, and its
# characters are word characters to the regex).
_URGENCY_WORDS = (
    (
        "low",
        r"\b(not urgent|no rush|no hurry|whenever|low|not important|not a big deal|can wait)\b"
        r"|不急|不着急|不用急|不太急|不算急|不算太急|不是很急|不怎么急|不紧急|不赶|慢慢来|不重要"
        r"|无所谓|有空再|等等也行",
    ),
    (
        "high",
        r"\b(urgent|urgently|asap|emergency|immediately|right away|high|critical|very important)\b"
        r"|紧急|急|马上|立刻|立即|赶紧|越快越好|十万火急|非常重要|很重要|加急",
    ),
    (
        "normal",
        r"\b(normal|medium|soon|moderate|fairly|somewhat|regular|standard)\b"
        # "一般" only on its own: "一般多久" and "无法正常开机" say nothing of urgency.
        r"|尽快|中等|^\s*一般[吧啊呀]?\s*$",
    ),
)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Chinese writes no spaces between words; a word is about two characters long.
HAN_CHARACTERS_PER_WORD = 2


def count_words(text: str) -> int:
    """How many words `text` holds, Chinese too: "the box arrived crushed" is four,
    and so is "外箱压烂了屏幕" (seven characters). Text without Chinese is counted
    by its spaces, as before."""
    han = len(_HAN.findall(text or ""))
    if not han:
        return len((text or "").split())
    rest = [w for w in _HAN.sub(" ", text).split() if any(ch.isalnum() for ch in w)]
    return len(rest) + math.ceil(han / HAN_CHARACTERS_PER_WORD)


def parse_urgency(text: str) -> Optional[str]:
    """ "low", "normal" or "high" from the customer's words, or None."""
    clean = normalize_text(text).lower()
    for level, pattern in _URGENCY_WORDS:
        if re.search(pattern, clean):
            return level
    return None


_MASKED_TICKET_RE = re.compile(r"(?<![A-Za-z0-9_-])t-?\d{3,7}(?!\d)", re.IGNORECASE)
PLACEHOLDER_WORDS = {"email": "emailaddress", "order": "ordernumber", "ticket": "ticketnumber"}


def replace_identifiers(text: str, words: Dict[str, str]) -> str:
    """Emails, order numbers and ticket numbers replaced by `words[kind]`."""
    masked = normalize_text(text)
    for kind, pattern in _identifier_patterns():
        masked = pattern.sub(f" {words[kind]} ", masked)
    return re.sub(r"\s+", " ", masked).strip()


def _identifier_patterns() -> Tuple[Tuple[str, Pattern[str]], ...]:
    """In this order: an email's digits are not an order number."""
    return (
        ("email", _EMAIL_RE),
        ("order", current_order_numbers().search_pattern),
        ("ticket", _MASKED_TICKET_RE),
    )


def mask_identifiers(text: str) -> str:
    """Replaces emails, order numbers and ticket numbers with placeholder words, so
    a classifier learns "a message with an order number" rather than the numbers
    that happened to be in its examples."""
    return replace_identifiers(text, PLACEHOLDER_WORDS).lower()


_QUESTION = re.compile(
    r"\?|^\s*(how|what|whats|what's|when|where|which|who|why|is|are|am|do|does|did|can|"
    r"could|will|would|should|shall|may|might)\b|\b(can|could|will|would|do|does|is|are|"
    r"should)\s+(i|it|they|you|we|that|this|he|she)\b|\b(wonder|wondering|not sure)\b",
    re.IGNORECASE,
)
# The same in Chinese: a question mark, a question particle at the end (吗, 呢, 么),
# or a question word (怎么, 多少, 多久, 几, 什么, 哪, 是否, 能不能, 有没有 ...).
_QUESTION_ZH = re.compile(
    r"？|[吗嘛呢么麼][\s。！!~～]*$|怎么|怎样|如何|多少|多久|几[天个号点时年月周次]|什么|啥|哪|是否"
    r"|能不能|可不可以|可以不|行不行|有没有|会不会|是不是|要不要|能否|[能可]\S{0,12}[吗不]"
)


def asks_a_question(text: str) -> bool:
    """Whether a message is phrased as a question ("can it go back", "how long..."),
    as opposed to telling something ("the box arrived crushed")."""
    return bool(_QUESTION.search(text or "") or _QUESTION_ZH.search(text or ""))
