"""Which order a customer means when they do not give its number.

"What was in that order?" right after one order was shown means that order; "has
the blender shipped?" means the one order with a blender in it. Orders are always
looked up again for the customer they belong to, so a remembered number only
saves typing; it never opens an order to anyone else.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from helpdesk.records import OrderView

_BACK_REFERENCE = re.compile(
    r"\b(that|this|the same|the last|my last)\s+(order|one|parcel|package|purchase)\b"
    r"|\b(it|its|it's|itself)\b",
    re.IGNORECASE,
)
# The same in Chinese: 这个订单, 那单, 上一笔订单, 刚才那个, 它. "这个" alone is not
# enough ("这个问题" points at a question, not an order).
_BACK_REFERENCE_ZH = re.compile(
    r"(这|那|该|上一|最近一|同一)[个笔]?(订单|单子|单|包裹|快递|货)"
    r"|刚才(那|这)[个笔单]|它"
)
_WORD = re.compile(r"[a-z]{4,}")
# Words of item names that name no particular item.
_GENERIC = {"with", "pack", "black", "white", "silver", "brightwave", "inch", "series", "pro"}


def refers_back(text: str) -> bool:
    """Whether the message points at something already discussed ("that order",
    "it")."""
    return bool(_BACK_REFERENCE.search(text or "") or _BACK_REFERENCE_ZH.search(text or ""))


def order_named_by_item(orders: Iterable[OrderView], text: str) -> Optional[OrderView]:
    """The one order holding an item the message names ("the blender"), if exactly
    one does."""
    said = set(_WORD.findall((text or "").lower())) - _GENERIC
    if not said:
        return None
    matching = [
        order
        for order in orders
        if any(said & set(_WORD.findall(name.lower())) for name, _ in order.items)
    ]
    return matching[0] if len(matching) == 1 else None
