"""A small, explainable negativity score for customer messages.

It only has to rank: an angry customer's chat goes to the top of the agents' queue
and counts as a reason to bring in a person. A lexicon is predictable, needs no
model download and is easy to extend; it is not meant to read sarcasm.
"""

from __future__ import annotations

import re
from typing import Iterable

_NEGATIVE = {
    "angry": 2,
    "furious": 3,
    "livid": 3,
    "outraged": 3,
    "fuming": 3,
    "upset": 2,
    "frustrated": 2,
    "frustrating": 2,
    "annoyed": 1,
    "annoying": 1,
    "disappointed": 2,
    "disgusted": 3,
    "terrible": 2,
    "horrible": 2,
    "awful": 2,
    "worst": 3,
    "ridiculous": 2,
    "unacceptable": 3,
    "useless": 2,
    "pathetic": 3,
    "incompetent": 3,
    "scam": 3,
    "scammed": 3,
    "rip-off": 3,
    "ripoff": 3,
    "joke": 1,
    "hate": 2,
    "sick": 1,
    "fed": 1,
    "never again": 3,
    "lawyer": 2,
    "sue": 2,
    "complaint": 1,
    "stupid": 2,
    "garbage": 2,
    "rubbish": 2,
    "nonsense": 1,
    "wtf": 3,
    "damn": 1,
    "hell": 1,
    "crap": 2,
    "shit": 3,
    "fucking": 3,
    "fuck": 3,
    "bloody": 1,
}
_POSITIVE = {
    "thanks": 1,
    "thank": 1,
    "great": 1,
    "perfect": 1,
    "awesome": 1,
    "helpful": 1,
    "love": 1,
    "excellent": 1,
    "appreciate": 1,
    "amazing": 1,
}
_WORD = re.compile(r"[a-z][a-z'\-]*")


def negativity(text: str) -> float:
    """0.0 (calm) to 1.0 (furious) for one message."""
    if not text:
        return 0.0
    lowered = text.lower()
    words = _WORD.findall(lowered)
    score = sum(_NEGATIVE.get(word, 0) for word in words)
    score += sum(
        weight for phrase, weight in _NEGATIVE.items() if " " in phrase and phrase in lowered
    )
    score -= sum(_POSITIVE.get(word, 0) for word in words)
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 12 and sum(ch.isupper() for ch in letters) / len(letters) > 0.7:
        score += 2  # SHOUTING
    score += min(text.count("!"), 6) // 3
    return max(0.0, min(1.0, score / 6))


def conversation_negativity(messages: Iterable[str]) -> float:
    """The strongest negativity among the customer's recent messages."""
    return max((negativity(message) for message in messages), default=0.0)
