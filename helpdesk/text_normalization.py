"""The one Unicode folding every parser applies before it looks at what a customer
typed.

It lives on its own so that both `helpdesk.parsing` and `helpdesk.order_numbers`
can use it without importing each other.

Chinese is read in its simplified form: customers from Taiwan, Hong Kong or with a
traditional-script keyboard write 訂單, 運費, 退貨, and the training data, the
knowledge base and every Chinese keyword the parsers look for are written in
simplified characters. The folding is for reading only; what a customer wrote is
stored and shown as they wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _to_simplified() -> Callable[[str], str]:
    """OpenCC's traditional-to-simplified conversion (its dictionaries ship in the
    package; nothing is downloaded)."""
    from opencc import OpenCC

    return OpenCC("t2s").convert


@lru_cache(maxsize=512)
def normalize_text(text: str) -> str:
    """NFKC-folds odd Unicode (full-width digits, ligatures), drops control
    characters and reads traditional Chinese characters as simplified, so
    "ＢＷ１０４２３３" parses like "BW104233" and "訂單到哪了" like "订单到哪了".
    Cached: one message is read by several parsers and classifiers, and the
    conversion costs milliseconds on a long message."""
    folded = unicodedata.normalize("NFKC", text or "")
    clean = "".join(ch for ch in folded if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    return _to_simplified()(clean) if _HAN.search(clean) else clean
