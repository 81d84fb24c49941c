"""The live log of a handed-off chat (`HandoffEvent` rows): written by the bot when
it queues a chat, by the Rasa channel when the customer writes, and by the console
when agents act. The console streams it in id order. What the desk itself writes
in it (who joined, the customer left...) is the catalogue's `desk.event_*`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, List, Optional

from sqlalchemy.orm import Session

from helpdesk.models import HandoffEvent

# The customer at the head of the queue was told they are next (once per chat).
NEXT_IN_LINE = "next_in_line"
# Why a chat became a ticket (a "converted" event's `cause`): the first three are
# chats that left the queue by themselves (helpdesk/handoffs/to_ticket.py).
CAUSES = ("claim_timeout", "customer_left", "support_closed", "agent", "interrupted")


@dataclass(frozen=True)
class EventView:
    id: int
    handoff_id: int
    kind: str
    author_name: Optional[str]
    body: str
    internal: bool
    created_at: datetime
    # A "converted" event: the ticket the chat became, and why (see CAUSES).
    ticket_ref: Optional[str] = None
    cause: Optional[str] = None
    # "email": the customer wrote it by email; None: in the chat.
    channel: Optional[str] = None
    # Also sent by email: queued, sending, sent, retrying, failed or bounced.
    email_status: Optional[str] = None


def add_event(
    session: Session,
    handoff_id: int,
    kind: str,
    now: datetime,
    author: Optional[str],
    body: str,
    internal: bool = False,
    ticket_ref: Optional[str] = None,
    cause: Optional[str] = None,
    channel: Optional[str] = None,
    client_message_id: Optional[str] = None,
) -> EventView:
    row = HandoffEvent(
        handoff_id=handoff_id,
        kind=kind,
        author_name=author,
        body=body,
        internal=internal,
        created_at=now,
        ticket_ref=ticket_ref,
        cause=cause,
        channel=channel,
        client_message_id=client_message_id,
    )
    session.add(row)
    session.flush()
    return event_view(row)


def event_view(row: HandoffEvent) -> EventView:
    return EventView(
        id=row.id,
        handoff_id=row.handoff_id,
        kind=row.kind,
        author_name=row.author_name,
        body=row.body,
        internal=row.internal,
        created_at=row.created_at,
        ticket_ref=row.ticket_ref,
        cause=row.cause,
        channel=row.channel,
        email_status=row.email_status,
    )


def event_query(session: Session, query: Any) -> List[EventView]:
    return [event_view(row) for row in session.execute(query.order_by(HandoffEvent.id)).scalars()]


def add_escalated_event(session: Session, handoff_id: int, body: str, now: datetime) -> None:
    """Written when the bot queues a chat, so consoles see the new chat at once."""
    add_event(session, handoff_id, "escalated", now, None, body)
