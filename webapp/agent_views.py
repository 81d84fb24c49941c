"""Turning the helpdesk's views into the agents' API responses."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from helpdesk.customer_profile import CustomerProfile
from helpdesk.handoffs.desk import QueueEntry
from helpdesk.handoffs.events import EventView
from helpdesk.parsing import format_ticket_ref
from helpdesk.records import OrderView, TicketEventView, TicketView
from helpdesk.ticket_sla import SlaClock, TicketSla
from webapp.agent_schemas import (
    CommentOut,
    ConversationTurnOut,
    CustomerOut,
    CustomerRecordOut,
    EventOut,
    MoneyOut,
    OrderOut,
    QueueItem,
    RatingOut,
    SlaClockOut,
    SlaOut,
    TicketEventOut,
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
        converts_in_seconds=_seconds_until(entry.converts_at, now),
        customer_waiting_seconds=_seconds_until(now, entry.customer_waiting_since),
    )


def _seconds_until(later: Optional[datetime], earlier: Optional[datetime]) -> Optional[int]:
    """Whole seconds from `earlier` to `later` (never below 0); None without both."""
    if later is None or earlier is None:
        return None
    return max(0, int((later - earlier).total_seconds()))


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
    return TicketOut(**ticket_fields(ticket, include_internal))


def ticket_fields(ticket: TicketView, include_internal: bool = True) -> Dict[str, Any]:
    """A ticket's fields as the API names them (TicketOut and TicketDetailOut)."""
    return dict(
        id=ticket.id,
        ref=ticket.ref,
        conversation_id=ticket.conversation_id,
        customer_id=ticket.customer_id,
        customer_name=ticket.customer_name,
        customer_tier=ticket.customer_tier,
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
        resolution_due=ticket.resolution_due,
        first_responded_at=ticket.first_responded_at,
        solved_at=ticket.solved_at,
        assignee_id=ticket.assignee_id,
        assignee_name=ticket.assignee_name,
        sla=sla_out(ticket.sla) if ticket.sla else None,
        comments=[
            CommentOut(**asdict(c)) for c in ticket.comments if include_internal or not c.internal
        ],
    )


def _clock_out(clock: SlaClock) -> SlaClockOut:
    return SlaClockOut(due=clock.due, done_at=clock.done_at, state=clock.state)


def sla_out(sla: TicketSla) -> SlaOut:
    return SlaOut(
        first_response=_clock_out(sla.first_response),
        resolution=_clock_out(sla.resolution),
        breached=sla.breached,
        at_risk=sla.at_risk,
        next_due=sla.next_due,
    )


# What a handoff's live chat kept (helpdesk/handoffs/to_ticket.py `live_chat`) that
# belongs in the conversation: what the customer and the agent said to each other.
_LIVE_ROLES = {"customer_message": "customer", "agent_message": "agent"}


def stored_conversation(context: Dict[str, Any]) -> Optional[List[ConversationTurnOut]]:
    """The conversation a ticket keeps in its context: the turns with the bot
    (`transcript`), then, for a chat an agent had, what was said with the agent
    (`live_chat`). None when the ticket kept no transcript at all."""
    transcript = context.get("transcript")
    if not isinstance(transcript, list):
        return None
    turns = [
        ConversationTurnOut(
            role="customer" if turn.get("role") == "customer" else "bot",
            text=str(turn.get("text") or ""),
            at=_epoch(turn.get("timestamp")),
        )
        for turn in transcript
        if isinstance(turn, dict) and str(turn.get("text") or "").strip()
    ]
    for line in context.get("live_chat") or []:
        role = _LIVE_ROLES.get(line.get("kind")) if isinstance(line, dict) else None
        if role:
            turns.append(
                ConversationTurnOut(
                    role=role,
                    author_name=line.get("author") if role == "agent" else None,
                    text=str(line.get("text") or ""),
                    at=line.get("at"),
                )
            )
    return turns


def _epoch(value: Any) -> Optional[datetime]:
    if isinstance(value, (int, float)) and value > 0:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    return None


def ticket_details(context: Dict[str, Any]) -> Dict[str, Any]:
    """What the bot collected before the ticket (a chat's slots), as given."""
    collected = context.get("collected")
    return dict(collected) if isinstance(collected, dict) else {}


def ticket_event_out(event: TicketEventView) -> TicketEventOut:
    return TicketEventOut(
        ticket_event_id=event.id,
        ticket_id=event.ticket_id,
        ticket_ref=event.ticket_ref,
        kind=event.kind,
        body=event.body,
        created_at=event.created_at,
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
