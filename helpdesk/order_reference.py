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
_WORD = re.compile(r"[a-z]{4,}")
# Words of item names that name no particular item.
_GENERIC = {"with", "pack", "black", "white", "silver", "brightwave", "inch", "series", "pro"}


def refers_back(text: str) -> bool:
    """Whether the message points at something already discussed ("that order",
    "it")."""
    return bool(_BACK_REFERENCE.search(text or ""))


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
