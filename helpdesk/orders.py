"""Order use cases that go beyond a look-up: ownership and cancellation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from helpdesk.records import CustomerRecords, OrderNotCancellable, OrderView


def customer_order(
    records: CustomerRecords, customer_id: str, order_id: str
) -> Optional[OrderView]:
    """The order if it belongs to the customer. Someone else's order is reported
    exactly like a missing one, so no customer learns about another's orders."""
    order = records.get_order(order_id)
    if order is None or order.customer_id != customer_id:
        return None
    return order


@dataclass(frozen=True)
class CancellationResult:
    outcome: str  # "cancelled" | "not_cancellable" | "not_found"
    order: Optional[OrderView] = None


def cancel_customer_order(
    records: CustomerRecords,
    customer_id: str,
    order_id: str,
    conversation_id: Optional[str] = None,
) -> CancellationResult:
    order = customer_order(records, customer_id, order_id)
    if order is None:
        return CancellationResult("not_found")
    try:
        return CancellationResult("cancelled", records.cancel_order(order.id, conversation_id))
    except OrderNotCancellable:
        # Re-read: the status may have moved on since the first look-up.
        return CancellationResult("not_cancellable", records.get_order(order.id) or order)
