"""How Chinese customers' text differs from the examples it is learnt from, as the
classifiers (helpdesk/text_classifier.py) need to know it.

Chinese is typed through an input method that turns pinyin into characters. When
it offers the wrong character, or the customer does not wait for it, the message
holds a character that only sounds right (退宽 for 退款, 电化 for 电话) or a word
left in pinyin ("yunfei多少", "youxiang地址在哪"). `sound_of` lets all of these
read alike; `typed_in_pinyin` writes the training examples the way such customers
type them, so the classifiers see words in pinyin among characters before a
customer sends one.
"""

from __future__ import annotations

import hashlib
import logging
import re
from functools import lru_cache
from typing import Callable, List

_CHINESE_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def sound_of(text: str) -> str:
    """ "退款多久" -> "tuikuanduojiu": the sound of the Chinese characters, anything
    else as it is, without spaces (so "mima" meets 密码's "mi ma")."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text)).replace(" ", "")


@lru_cache(maxsize=1)
def _segmenter() -> Callable[[str], List[str]]:
    """jieba's word segmentation (its dictionary ships in the package): a pinyin
    word stands for a whole word, never for half of one and half of the next."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return lambda text: list(jieba.cut(text))


def typed_in_pinyin(text: str, limit: int = 2) -> List[str]:
    """Up to `limit` spellings of `text` with one of its Chinese words left in
    pinyin ("运费多少" -> "yunfei多少"). Which words is decided by the text itself,
    so training twice on the same data learns the same model."""
    words = _segmenter()(text)
    positions = [i for i, word in enumerate(words) if _CHINESE_WORD.match(word)]
    if not positions:
        return []
    seed = int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:4], "big")
    start = seed % len(positions)
    chosen = [positions[(start + step) % len(positions)] for step in range(len(positions))]
    variants = []
    for position in chosen[:limit]:
        spelt = words[:position] + [sound_of(words[position])] + words[position + 1 :]
        variants.append("".join(spelt))
    return variants
