"""Turning the helpdesk's views into the agents' API responses."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Optional

from helpdesk.customer_profile import CustomerProfile
from helpdesk.handoffs.desk import QueueEntry
from helpdesk.handoffs.events import EventView
from helpdesk.parsing import format_ticket_ref
from helpdesk.records import OrderView, TicketView
from webapp.agent_schemas import (
    CommentOut,
    CustomerOut,
    CustomerRecordOut,
    EventOut,
    MoneyOut,
    OrderOut,
    QueueItem,
    RatingOut,
    TicketOut,
)


def queue_item(entry: QueueEntry, now: datetime) -> QueueItem:
    data = asdict(entry)
    data.pop("customer_left_at")
    open_ = entry.status in ("waiting", "active")
    end = now if open_ else (entry.closed_at or now)
    return QueueItem(
        **data,
        waiting_seconds=max(0, int((end - entry.created_at).total_seconds())),
        pickup_overdue=entry.status == "waiting" and now > entry.pickup_due,
        customer_away=entry.customer_left_at is not None,
        ticket_ref=format_ticket_ref(entry.ticket_id) if entry.ticket_id else None,
    )


def event_out(event: EventView) -> EventOut:
    return EventOut(**asdict(event))


def order_out(order: OrderView) -> OrderOut:
    return OrderOut(
        id=order.id,
        placed_at=order.placed_at,
        status=order.status,
        total=order.total,
        currency=order.currency,
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        items=[f"{name} x{quantity}" for name, quantity in order.items],
        delivered_at=order.delivered_at,
    )


def ticket_out(ticket: TicketView, include_internal: bool = True) -> TicketOut:
    return TicketOut(
        id=ticket.id,
        ref=ticket.ref,
        conversation_id=ticket.conversation_id,
        customer_id=ticket.customer_id,
        order_id=ticket.order_id,
        category=ticket.category,
        subject=ticket.subject,
        description=ticket.description,
        urgency=ticket.urgency,
        priority=ticket.priority,
        status=ticket.status,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        first_response_due=ticket.first_response_due,
        comments=[
            CommentOut(**asdict(c)) for c in ticket.comments if include_internal or not c.internal
        ],
    )


def customer_record_out(profile: Optional[CustomerProfile]) -> Optional[CustomerRecordOut]:
    if profile is None:
        return None
    return CustomerRecordOut(
        customer=CustomerOut(**asdict(profile.customer)),
        lifetime_spend=profile.lifetime_spend,
        currency=profile.currency,
        spend_by_currency=[MoneyOut(amount=a, currency=c) for c, a in profile.spend_by_currency],
        order_count=profile.order_count,
        lifecycle_stage=profile.lifecycle_stage,
        churn_risk=profile.churn_risk,
        churn_reasons=list(profile.churn_reasons),
        average_rating=profile.average_rating,
        orders=[order_out(o) for o in profile.orders],
        tickets=[ticket_out(t) for t in profile.tickets],
        ratings=[RatingOut(**asdict(r)) for r in profile.ratings],
    )
