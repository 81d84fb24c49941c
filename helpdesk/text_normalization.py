"""The one Unicode folding every parser applies before it looks at what a customer
typed.

It lives on its own so that both `helpdesk.parsing` and `helpdesk.order_numbers`
can use it without importing each other.
"""

from __future__ import annotations

import unicodedata


def normalize_text(text: str) -> str:
    """NFKC-folds odd Unicode (full-width digits, ligatures) and drops control
    characters, so "ＢＷ１０４２３３" parses like "BW104233"."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
